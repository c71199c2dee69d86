"""The Entity base class of each Database."""

from __future__ import annotations

from typing import Any


def make_entity_base(database: Any) -> type:
    class Entity:
        _database_ = database

    return Entity
