"""Bulk writes, beyond Pony: ``Entity.insert_many(rows)`` sends validated rows with one
``executemany`` per column set, without building objects or touching the identity map.

What each attribute of a row needs (its value from the row, a default, nothing, an error) depends
only on which names the row has, so it is worked out once per set of names (a ``RowPlan``) and
then applied to every row with those names: validation and column conversion stay per value.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .. import errors
from ..session.loading import raw_value
from ..session.objects import current_cache
from ..sql import ast

# What a RowPlan step does with its attribute.
_FROM_ROW, _DEFAULT, _CALL_DEFAULT, _FIXED, _MISSING = range(5)


def _validator(attr: Any) -> Any:
    """``attr.validate`` for a value that is not None, with the steps that cannot apply left out:
    a plain attribute without a py_check is its converter's check (and, if required, no "")."""
    converters = attr.converters
    if attr.is_relation or attr.py_check is not None or not converters:
        return attr.validate
    check = converters[0].validate
    if not attr.is_required:
        return check

    def validate_required(value: Any, obj: Any) -> Any:
        value = check(value, obj)
        if value == "" and isinstance(value, str):
            raise ValueError(f"Attribute {attr} is required")
        return value

    return validate_required


class RowPlan:
    """The steps that turn a row with a given set of attribute names into validated values and
    statement arguments."""

    __slots__ = ("steps", "attrs")

    def __init__(self, entity: Any, names: Iterable[str]) -> None:
        names = set(names)
        adict = entity._adict_
        for name in names:
            attr = adict.get(name)
            if attr is None:
                raise TypeError(f"Unknown attribute {name!r} of entity {entity.__name__}")
            if attr.is_collection:
                raise TypeError(f"Collection attribute {attr} cannot be set by insert_many()")
        steps = []
        for attr in entity._attrs_:
            if attr.is_collection or not attr.columns:
                continue
            if attr.is_discriminator:
                step = (_FIXED, entity._discriminator_)
            elif attr.name in names:
                step = (_FROM_ROW, attr.name)
            elif attr.default is not None:
                step = (_CALL_DEFAULT if callable(attr.default) else _DEFAULT, attr.default)
            elif attr.is_pk and attr.auto or attr.sql_default is not None:
                continue  # the database fills it in
            elif attr.is_string and not attr.is_required and not attr._nullable_:
                step = (_DEFAULT, "")
            else:
                step = (_MISSING, None)
            # the column conversion of a plain attribute, found once (relations: raw_value)
            py2sql = None if attr.is_relation or len(attr.columns) != 1 else attr.converters[0].py2sql
            steps.append((attr, *step, py2sql, attr.is_required and not attr.volatile, _validator(attr)))
        self.steps = tuple(steps)
        self.attrs = tuple(step[0] for step in steps)

    def apply(self, row: Mapping) -> tuple[dict, list]:
        """The row's values by attribute, validated as on object creation, and its arguments."""
        values = {}
        arguments: list = []
        for attr, kind, source, py2sql, required, validate in self.steps:
            if kind == _FROM_ROW:
                value = row[source]
            elif kind == _MISSING or kind == _FIXED:
                value = source
            else:
                value = source() if kind == _CALL_DEFAULT else source
            if value is None:
                if required:
                    raise ValueError(f"Attribute {attr} is required")
                values[attr] = None
                arguments += (None,) * len(attr.columns)
                continue
            if kind != _FIXED:
                value = validate(value, None)
            values[attr] = value
            if py2sql is not None:
                arguments.append(py2sql(value))
            else:
                arguments += raw_value(attr, value)
        return values, arguments


class RowPlans(dict):
    """The plans of one call, by the names of a row in their order (rows built alike share one)."""

    def __init__(self, entity: Any) -> None:
        super().__init__()
        self.entity = entity

    def __missing__(self, names: tuple) -> RowPlan:
        plan = self[names] = RowPlan(self.entity, names)
        return plan

    def apply(self, row: Mapping) -> tuple[tuple, dict, list]:
        """``row``'s attributes, validated values by attribute and statement arguments."""
        plan = self[tuple(row)]
        return plan.attrs, *plan.apply(row)


def insert_many(entity: Any, rows: Iterable[Mapping]) -> int:
    """Insert ``rows`` (mappings of attribute name to value); returns how many were inserted.

    Every value is validated as on object creation; nothing is sent unless all rows are valid.
    """
    cache = current_cache(entity._database_)
    plans = RowPlans(entity)
    groups: dict[tuple, list] = {}
    count = 0
    for row in rows:
        if not isinstance(row, Mapping):
            raise TypeError(f"insert_many() expects mappings of attribute names to values. Got: {row!r}")
        attrs, _, arguments = plans.apply(row)
        groups.setdefault(attrs, []).append(arguments)
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
    """Many rows per INSERT ... VALUES (...), (...) statement, in chunks of the sizes the provider
    takes (a few fixed ones where statements are prepared)."""
    provider = cache.provider
    width = max(1, len(arguments_list[0]))
    limit = max(1, min(1000, provider.max_params_count // width))
    pos, total = 0, len(arguments_list)
    while pos < total:
        size = provider.rows_chunk_size(total - pos, limit)
        sql = provider.insert_rows_sql(node, size)
        cache.execute(sql, [value for row in arguments_list[pos:pos + size] for value in row], write=True,
                      prepared=True)
        pos += size
