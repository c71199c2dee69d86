"""Query entry points bound to entities (filled in by the query language)."""

from __future__ import annotations

from typing import Any


def entity_select(entity: Any, *args: Any, **kwargs: Any) -> Any:
    from .query import Query
    return Query.from_entity(entity, *args, **kwargs)
