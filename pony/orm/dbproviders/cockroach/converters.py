"""CockroachDB column types: INT2/INT4/INT8, STRING[] arrays, BYTES, INTERVAL."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from ...types import Array
from ..postgres import converters as pg


class CockroachIntConverter(pg.PGIntConverter):
    SIGNED_TYPES = {8: "INT2", 16: "INT2", 24: "INT8", 32: "INT8", 64: "INT8"}
    UNSIGNED_TYPES = {8: "INT2", 16: "INT4", 24: "INT8", 32: "INT8"}


class CockroachTimedeltaConverter(pg.PGTimedeltaConverter):
    def sql_type(self) -> str:
        return "INTERVAL"


class CockroachBlobConverter(pg.PGBlobConverter):
    def sql_type(self) -> str:
        return "BYTES"


class CockroachArrayConverter(pg.PGArrayConverter):
    ITEM_TYPE_NAMES = {int: "INT", str: "STRING", float: "DOUBLE PRECISION"}


_OVERRIDES = {
    int: CockroachIntConverter,
    timedelta: CockroachTimedeltaConverter,
    bytes: CockroachBlobConverter,
    Array: CockroachArrayConverter,
}

COCKROACH_CONVERTERS: tuple = tuple(
    (py_type, _OVERRIDES.get(py_type, cls)) for py_type, cls in pg.PG_CONVERTERS
)

__all__ = ["COCKROACH_CONVERTERS", "UUID"]
