"""Pony's ``pony.orm.ormtypes`` module name: value types, tracked containers and type helpers.

The classes are the ones ``pony.orm`` exports (``ormtypes.Json is pony.orm.Json``). The type sets
and helpers (``normalize_type``, ``coerce_types``, ``are_comparable_types``...) answer as Pony's do
for the standard value types; query-internal markers (``SetType``, ``QueryType``...) are small
value classes kept for code that imports them.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import wraps
from typing import Any
from uuid import UUID

from ..utils import deref_proxy
from .sql.dollar import parse as parse_raw_sql
from .translation.helpers import raw_sql
from .types import (
    Array,
    FloatArray,
    IntArray,
    Json,
    LongStr,
    LongUnicode,
    RawSQL,
    StrArray,
    TrackedArray,
    TrackedDict,
    TrackedList,
    TrackedValue,
)

NoneType = type(None)
buffer = bytes
int_types = (int,)
numeric_types = {bool, int, float, Decimal}
comparable_types = {int, float, Decimal, str, date, time, datetime, timedelta, bool, UUID, IntArray, StrArray,
                    FloatArray}
primitive_types = comparable_types | {bytes}
function_types = {type, types.FunctionType, types.BuiltinFunctionType}
array_types = {int: IntArray, float: FloatArray, str: StrArray}
type_normalization_dict: dict = {}

coercions: dict[tuple[type, type], type] = {}
for _pair, _result in {(int, float): float, (int, Decimal): Decimal, (date, datetime): datetime,
                       (bool, int): int, (bool, float): float, (bool, Decimal): Decimal}.items():
    coercions[_pair] = coercions[_pair[::-1]] = _result


def normalize_type(t: Any) -> Any:
    """The type a query compares values of type ``t`` as: ``LongStr`` -> ``str``, others unchanged."""
    if isinstance(t, type) and issubclass(t, str):
        return str
    return type_normalization_dict.get(t, t)


def coerce_types(t1: Any, t2: Any) -> Any:
    """The common type of two value types (``int`` and ``float`` -> ``float``), or None."""
    if t1 == t2:
        return t1
    return coercions.get((t1, t2))


def are_comparable_types(t1: Any, t2: Any, op: str = "==") -> bool:
    """May values of these types be compared with ``op`` in a query?"""
    t1, t2 = normalize_type(t1), normalize_type(t2)
    if op in ("is", "is not"):
        return t1 is NoneType or t2 is NoneType
    if op in ("==", "<>", "!="):
        return t1 is NoneType or t2 is NoneType or t1 in primitive_types and t2 in primitive_types \
            or coerce_types(t1, t2) is not None
    return coerce_types(t1, t2) in comparable_types


def normalize(value: Any) -> tuple[Any, Any]:
    """``(type, value)`` of a query parameter; a tuple gives a tuple of types."""
    value = deref_proxy(value)
    if isinstance(value, tuple):
        pairs = [normalize(item) for item in value]
        return tuple(t for t, _ in pairs), tuple(v for _, v in pairs)
    return normalize_type(type(value)), value


def validate_item(item_type: type, item: Any) -> Any:
    """An array item converted to the array's item type (``int`` for ``float``), else TypeError."""
    if item_type is float and isinstance(item, int) and not isinstance(item, bool):
        return float(item)
    if not isinstance(item, item_type) or (item_type is int and isinstance(item, bool)):
        raise TypeError(f"Cannot store {type(item).__name__} item in array of {item_type.__name__}")
    return item


def tracked_method(func: Callable) -> Callable:
    """Wrap a container method so that the owning object learns of the change."""
    @wraps(func)
    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = func(self, *args, **kwargs)
        self._changed_()
        return result
    return method


class SetType:
    """The type of a collection expression: a set of ``item_type``."""

    def __init__(self, item_type: Any) -> None:
        self.item_type = item_type

    def __eq__(self, other: object) -> bool:
        return type(other) is SetType and other.item_type == self.item_type

    def __hash__(self) -> int:
        return hash((SetType, self.item_type))


class FuncType:
    """The type of a function object used inside a query."""

    def __init__(self, func: Any) -> None:
        self.func = func

    def __eq__(self, other: object) -> bool:
        return type(other) is FuncType and other.func is self.func

    def __hash__(self) -> int:
        return hash((FuncType, id(self.func)))


class QueryType:
    """The type of a query used as a parameter of another query."""

    def __init__(self, query: Any, limit: Any = None, offset: Any = None) -> None:
        self.query, self.limit, self.offset = query, limit, offset


class RawSQLType:
    """The type of a ``raw_sql()`` fragment."""

    def __init__(self, sql: str, items: Any = (), types: Any = (), result_type: Any = None) -> None:
        self.sql, self.items, self.types, self.result_type = sql, items, types, result_type


__all__ = ["Array", "FloatArray", "IntArray", "Json", "LongStr", "LongUnicode", "RawSQL", "RawSQLType", "SetType",
           "FuncType", "QueryType", "StrArray", "TrackedArray", "TrackedDict", "TrackedList", "TrackedValue",
           "are_comparable_types", "coerce_types", "normalize_type", "numeric_types", "primitive_types", "raw_sql",
           "array_types", "function_types", "int_types", "comparable_types", "coercions", "deref_proxy",
           "normalize", "parse_raw_sql", "validate_item", "tracked_method", "type_normalization_dict", "NoneType",
           "buffer", "Decimal", "UUID", "date", "datetime", "time", "timedelta"]
