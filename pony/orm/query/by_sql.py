"""Entities from raw SQL: ``Entity.select_by_sql``, ``get_by_sql`` and ``select_random``."""

from __future__ import annotations

from typing import Any

from ..callers import user_namespaces
from ..session.objects import RowReader, current_cache


def select_by_sql(entity: Any, sql: str, globals: dict | None, locals: dict | None) -> list:
    """Objects of ``entity`` read from the rows of ``sql``; ``$names`` come from the user's frame."""
    database = entity._database_
    cache = current_cache(database)
    query = database._raw(sql)
    arguments = None
    if query.compiled.param_keys:
        arguments = query.arguments(*user_namespaces(globals, locals))
    if cache.dirty:
        database._flush_cache(cache)
    cursor, _ = cache.execute(query.compiled.sql, arguments)
    names = [d[0].lower() for d in cursor.description]
    positions = {name: i for i, name in enumerate(names)}
    attrs = []
    for attr in entity._load_attrs_:
        if all(c.lower() in positions for c in attr.columns):
            attrs.append(attr)
        elif attr.is_pk:
            raise ValueError(f"Primary key attribute {attr} was not found in query result set")
    known = {c.lower() for a in entity._attrs_ for c in a.columns}
    for name in names:
        if name not in known:
            raise NameError(f"Column {name} does not belong to entity {entity.__name__}")
    reader = RowReader(entity, tuple(attrs))
    order = [positions[c.lower()] for a in attrs for c in a.columns]
    objs = []
    for row in cursor.fetchall():
        obj = reader.read(cache, [row[i] for i in order])
        objs.append(obj)
    return objs


def select_random(entity: Any, limit: int) -> list:
    """Up to ``limit`` random objects, as a list (ORDER BY random() on every database)."""
    if not isinstance(limit, int) or limit < 0:
        raise TypeError(f"limit must be a non-negative int. Got: {limit!r}")
    return list(entity.select().random(limit))

