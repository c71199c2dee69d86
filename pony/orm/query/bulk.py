"""Bulk writes, beyond Pony: ``Entity.insert_many(rows)`` sends validated rows with one
``executemany`` per column set, without building objects or touching the identity map."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .. import errors
from ..session.loading import raw_value
from ..session.objects import current_cache
from ..sql import ast


def _row_values(entity: Any, row: Mapping) -> dict:
    adict = entity._adict_
    for name in row:
        attr = adict.get(name)
        if attr is None:
            raise TypeError(f"Unknown attribute {name!r} of entity {entity.__name__}")
        if attr.is_collection:
            raise TypeError(f"Collection attribute {attr} cannot be set by insert_many()")
    values = {}
    for attr in entity._attrs_:
        if attr.is_collection or not attr.columns:
            continue
        if attr.is_discriminator:
            values[attr] = entity._discriminator_
            continue
        if attr.name in row:
            value = row[attr.name]
        elif attr.default is not None:
            value = attr.default() if callable(attr.default) else attr.default
        elif attr.is_pk and attr.auto or attr.sql_default is not None:
            continue  # the database fills it in
        elif attr.is_string and not attr.is_required and not attr._nullable_:
            value = ""
        else:
            value = None
        if value is None:
            if attr.is_required and not attr.volatile:
                raise ValueError(f"Attribute {attr} is required")
            values[attr] = None
            continue
        values[attr] = attr.validate(value, None)
    return values


def insert_many(entity: Any, rows: Iterable[Mapping]) -> int:
    """Insert ``rows`` (mappings of attribute name to value); returns how many were inserted.

    Every value is validated as on object creation; nothing is sent unless all rows are valid.
    """
    cache = current_cache(entity._database_)
    groups: dict[tuple, list] = {}
    count = 0
    for row in rows:
        if not isinstance(row, Mapping):
            raise TypeError(f"insert_many() expects mappings of attribute names to values. Got: {row!r}")
        values = _row_values(entity, row)
        attrs = tuple(values)
        groups.setdefault(attrs, []).append([v for attr in attrs for v in raw_value(attr, values[attr])])
        count += 1
    if cache.dirty:
        entity._database_._flush_cache(cache)
    provider = cache.provider
    for attrs, arguments_list in groups.items():
        columns = tuple(c for attr in attrs for c in attr.columns)
        node = ast.Insert(entity._table_, columns, tuple(ast.Param(i) for i in range(len(columns))))
        statement = provider.compiler.compile(node)
        try:
            if provider.INSERT_ROWS_RETURNING and len(arguments_list) > 1:
                _insert_multirow(cache, node, arguments_list)
            else:
                # server-side binding where the driver has it: the column types give every
                # value (None included) its type, and the driver pipelines the rows
                cache.executemany(statement.sql, arguments_list, prepared=True)
        except errors.IntegrityError as exc:
            raise errors.TransactionIntegrityError(
                f"insert_many() into {entity.__name__} failed: {type(exc).__name__}: {exc}", exc) from exc
    cache.query_results.clear()
    return count


def _insert_multirow(cache: Any, node: ast.Insert, arguments_list: list) -> None:
    """Many rows per INSERT ... VALUES (...), (...) statement, in chunks of a few fixed sizes."""
    provider = cache.provider
    width = max(1, len(arguments_list[0]))
    limit = max(1, min(1000, provider.max_params_count // width))
    pos, total = 0, len(arguments_list)
    while pos < total:
        size = 1 << (min(limit, total - pos).bit_length() - 1)
        sql = provider.insert_rows_sql(node, size)
        cache.execute(sql, [value for row in arguments_list[pos:pos + size] for value in row], write=True,
                      prepared=True)
        pos += size
