"""Data steps: run a migration's Python function with the entities of that point in history,
on the migration's own connection and inside its transaction (the step's db_session neither
begins nor commits: the migration does)."""

from __future__ import annotations

import copy
from typing import Any

from ..orm.model.mapping import generate_mapping
from ..orm.session.db_session import db_session
from .build import rebuild
from .state import ModelState


class _BorrowedPool:
    """A pool that always hands out the migration's connection and never closes it."""

    extra_connections = False

    def __init__(self, con: Any) -> None:
        self.con = con

    def connect(self) -> tuple[Any, bool]:
        return self.con, False

    def release(self, con: Any) -> None:
        pass

    def drop(self, con: Any) -> None:
        pass

    def disconnect(self) -> None:
        pass


def _borrowing_provider(provider: Any, con: Any, database: Any) -> Any:
    cls = type(f"Borrowed{type(provider).__name__}", (type(provider),), {
        "begin": lambda self, con, immediate=False, serializable=False: None,
        "commit": lambda self, con: None,
        "rollback": lambda self, con: None,
        "end_transaction": lambda self, con: None,
        "release": lambda self, con: None,
        "drop": lambda self, con: None,
    })
    borrowed = copy.copy(provider)
    borrowed.__class__ = cls
    borrowed.pool = _BorrowedPool(con)
    borrowed.database = database
    borrowed.on_connect = None
    return borrowed


def state_database(state: ModelState, provider: Any, con: Any) -> Any:
    """A mapped Database of ``state``'s entities that works on connection ``con``."""
    db = rebuild(state)
    db.provider = _borrowing_provider(provider, con, db)
    db.provider_name = provider.provider_name
    db.schema = generate_mapping(db)
    db._mapping_generated = True
    return db


def run_data_step(function: Any, state: ModelState, provider: Any, con: Any) -> None:
    """``function(db)`` in a db_session over ``state``'s entities (``db.Customer``...)."""
    db = state_database(state, provider, con)
    with db_session:
        function(db)
