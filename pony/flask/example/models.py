"""The example's entities: users (Flask-Login users) and their notes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_login import UserMixin

from pony.orm import Database, Optional, Required, Set


def define_entities(db: Database) -> None:
    class User(db.Entity, UserMixin):  # type: ignore[name-defined, misc]
        login = Required(str, unique=True)
        password_hash = Required(str)
        registered = Required(datetime, default=datetime.now)
        notes = Set("Note")

    class Note(db.Entity):  # type: ignore[name-defined]
        author = Required(User)
        text = Required(str)
        created = Required(datetime, default=datetime.now)
        done = Optional(bool)

    _unused: Any = (User, Note)
