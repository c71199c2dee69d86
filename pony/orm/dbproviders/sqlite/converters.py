"""SQLite storage of the Python types: what SQLite lacks natively is stored as text or real.

datetime/date/time are ISO text, timedelta is REAL days, Decimal is sent as text (NUMERIC
affinity keeps it exact as long as it fits 15 digits) and read back quantized, UUID is a
16-byte blob, bool an integer, Json and arrays JSON text.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from ...types import Array, Json
from ..base import converters as base


class SQLiteDecimalConverter(base.DecimalConverter):
    def py2sql(self, val: Any) -> Any:
        return str(val) if val is not None else None

    def sql2py_computed(self, val: Any) -> Any:
        """A value a query computes or selects (not an object's attribute): kept with the
        exponent SQLite gives it, ``Decimal('478.5')`` rather than ``Decimal('478.50')``, as in Pony."""
        if val is None:
            return None
        if isinstance(val, float):
            return Decimal(repr(val))
        return Decimal(val)


class SQLiteDateConverter(base.DateConverter):
    def py2sql(self, val: Any) -> Any:
        return val.isoformat() if isinstance(val, date) else val


class SQLiteDatetimeConverter(base.DatetimeConverter):
    def py2sql(self, val: Any) -> Any:
        return val.isoformat(" ", "microseconds") if isinstance(val, datetime) else val


class SQLiteTimeConverter(base.TimeConverter):
    def py2sql(self, val: Any) -> Any:
        return val.isoformat("microseconds") if isinstance(val, time) else val


class SQLiteTimedeltaConverter(base.TimedeltaConverter):
    def py2sql(self, val: Any) -> Any:
        return val / timedelta(days=1) if isinstance(val, timedelta) else val

    def sql2py(self, val: Any) -> Any:
        if isinstance(val, (int, float)):
            return timedelta(microseconds=round(val * 86400 * 10**6))
        if isinstance(val, str):
            return base.str2timedelta(val)
        return val


class SQLiteJsonConverter(base.JsonConverter):
    def sql2py(self, val: Any) -> Any:
        if isinstance(val, (int, float)):  # a JSON number stored with NUMERIC affinity
            return val
        return super().sql2py(val)


class SQLiteArrayConverter(base.ArrayConverter):
    ITEM_TYPE_NAMES = {int: "INT", str: "TEXT", float: "REAL"}

    def py2sql(self, val: Any) -> Any:
        return json.dumps(list(val), separators=(",", ":"), ensure_ascii=False) if val is not None else None


SQLITE_CONVERTERS: tuple = (
    (bool, base.BoolConverter),
    (str, base.StrConverter),
    (int, base.IntConverter),
    (float, base.RealConverter),
    (Decimal, SQLiteDecimalConverter),
    (datetime, SQLiteDatetimeConverter),
    (date, SQLiteDateConverter),
    (time, SQLiteTimeConverter),
    (timedelta, SQLiteTimedeltaConverter),
    (base.UUID, base.UuidConverter),
    (bytes, base.BlobConverter),
    (Json, SQLiteJsonConverter),
    (Array, SQLiteArrayConverter),
)
