"""Oracle column types: NUMBER for integers and bools, RAW(16) for UUID, CLOB for Json."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from ...types import Array, Json, LongStr
from ..base import converters as base


class OracleStrConverter(base.StrConverter):
    def sql_type(self) -> str:
        if self.py_type is LongStr:
            return "CLOB"
        return f"VARCHAR2({self.max_len or 1000} CHAR)"

    def sql2py(self, val: Any) -> Any:
        if hasattr(val, "read"):  # a LOB
            val = val.read()
        return val if val is not None else ""  # Oracle stores '' as NULL


class OracleIntConverter(base.IntConverter):
    SIGNED_TYPES = {8: "NUMBER(3)", 16: "NUMBER(5)", 24: "NUMBER(7)", 32: "NUMBER(10)", 64: "NUMBER(19)"}
    UNSIGNED_TYPES = {8: "NUMBER(3)", 16: "NUMBER(5)", 24: "NUMBER(8)", 32: "NUMBER(10)", 64: "NUMBER(20)"}

    def sql2py(self, val: Any) -> Any:
        return int(val) if val is not None else val


class OracleBoolConverter(base.BoolConverter):
    def py2sql(self, val: Any) -> Any:
        return int(val) if val is not None else None

    def sql_type(self) -> str:
        return "NUMBER(1)"


class OracleRealConverter(base.RealConverter):
    def sql_type(self) -> str:
        return "BINARY_DOUBLE"


class OracleDecimalConverter(base.DecimalConverter):
    def sql_type(self) -> str:
        return f"NUMBER({self.precision}, {self.scale})"


class OracleDatetimeConverter(base.DatetimeConverter):
    def sql_type(self) -> str:
        return f"TIMESTAMP({self.precision})"


class OracleTimeConverter(base.TimeConverter):
    """Oracle has no TIME type: a time is stored as an interval since midnight."""

    def py2sql(self, val: Any) -> Any:
        if isinstance(val, time):
            return timedelta(
                hours=val.hour, minutes=val.minute, seconds=val.second, microseconds=val.microsecond
            )
        return val

    def sql_type(self) -> str:
        return f"INTERVAL DAY(0) TO SECOND({self.precision})"


class OracleTimedeltaConverter(base.TimedeltaConverter):
    def sql_type(self) -> str:
        return f"INTERVAL DAY(9) TO SECOND({self.precision})"


class OracleDateConverter(base.DateConverter):
    pass


class OracleBlobConverter(base.BlobConverter):
    def sql2py(self, val: Any) -> Any:
        if hasattr(val, "read"):
            val = val.read()
        return super().sql2py(val)


class OracleUuidConverter(base.UuidConverter):
    def sql_type(self) -> str:
        return "RAW(16)"


class OracleJsonConverter(base.JsonConverter):
    def sql2py(self, val: Any) -> Any:
        if hasattr(val, "read"):
            val = val.read()
        return json.loads(val) if isinstance(val, (str, bytes)) else val

    def sql_type(self) -> str:
        return "CLOB"


ORACLE_CONVERTERS: tuple = (
    (bool, OracleBoolConverter),
    (str, OracleStrConverter),
    (int, OracleIntConverter),
    (float, OracleRealConverter),
    (Decimal, OracleDecimalConverter),
    (datetime, OracleDatetimeConverter),
    (date, OracleDateConverter),
    (time, OracleTimeConverter),
    (timedelta, OracleTimedeltaConverter),
    (UUID, OracleUuidConverter),
    (bytes, OracleBlobConverter),
    (Json, OracleJsonConverter),
    (Array, base.ArrayConverter),  # raises NotImplementedError: SUPPORTS_ARRAYS is False
)
