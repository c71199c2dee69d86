"""PostgreSQL column types; psycopg adapts most Python types natively."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from ...types import Array, Json, LongStr
from ..base import converters as base


class PGStrConverter(base.StrConverter):
    def sql_type(self) -> str:
        if self.py_type is LongStr:
            return "TEXT"
        return f"VARCHAR({self.max_len})" if self.max_len else "TEXT"


class PGIntConverter(base.IntConverter):
    SIGNED_TYPES = {8: "SMALLINT", 16: "SMALLINT", 24: "INTEGER", 32: "INTEGER", 64: "BIGINT"}
    UNSIGNED_TYPES = {8: "SMALLINT", 16: "INTEGER", 24: "INTEGER", 32: "BIGINT"}


class PGRealConverter(base.RealConverter):
    def sql_type(self) -> str:
        return "DOUBLE PRECISION"


class PGDatetimeConverter(base.DatetimeConverter):
    def sql_type(self) -> str:
        return "TIMESTAMP" if self.precision == 6 else f"TIMESTAMP({self.precision})"


class PGTimeConverter(base.TimeConverter):
    def sql_type(self) -> str:
        return "TIME" if self.precision == 6 else f"TIME({self.precision})"


class PGTimedeltaConverter(base.TimedeltaConverter):
    def sql_type(self) -> str:
        return (
            "INTERVAL DAY TO SECOND" if self.precision == 6 else f"INTERVAL DAY TO SECOND({self.precision})"
        )


class PGBlobConverter(base.BlobConverter):
    def sql_type(self) -> str:
        return "BYTEA"


class PGUuidConverter(base.UuidConverter):
    def py2sql(self, val: Any) -> Any:
        return val  # the driver sends a UUID as uuid

    def sql_type(self) -> str:
        return "UUID"


class PGJsonConverter(base.JsonConverter):
    # Sent as text of unknown type: the server casts it to the column's jsonb.
    def py2sql(self, val: Any) -> Any:
        return super().py2sql(val)

    # psycopg has already decoded the jsonb value (a JSON string arrives as a str): no conversion,
    # and readers that see the base method skip the call
    sql2py = base.Converter.sql2py

    def sql_type(self) -> str:
        return "JSONB"


class PGArrayConverter(base.ArrayConverter):
    ITEM_TYPE_NAMES = {int: "INT", str: "TEXT", float: "DOUBLE PRECISION"}

    def py2sql(self, val: Any) -> Any:
        if self.item_type is int:  # int4[] like the column, so `col = %s` compares (psycopg picks smallint[])
            from psycopg.types.numeric import Int4
            return [Int4(item) for item in val]
        return list(val)


PG_CONVERTERS: tuple = (
    (bool, base.BoolConverter),
    (str, PGStrConverter),
    (int, PGIntConverter),
    (float, PGRealConverter),
    (Decimal, base.DecimalConverter),
    (datetime, PGDatetimeConverter),
    (date, base.DateConverter),
    (time, PGTimeConverter),
    (timedelta, PGTimedeltaConverter),
    (UUID, PGUuidConverter),
    (bytes, PGBlobConverter),
    (Json, PGJsonConverter),
    (Array, PGArrayConverter),
)
