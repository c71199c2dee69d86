"""MySQL/MariaDB column types and value conversions (UUID as BINARY(16), TIME for timedelta)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from ...types import Array, Json, LongStr
from ..base import converters as base


class MySQLStrConverter(base.StrConverter):
    def sql_type(self) -> str:
        if self.py_type is LongStr:
            return "LONGTEXT"
        return f"VARCHAR({self.max_len or 255})"


class MySQLIntConverter(base.IntConverter):
    pass


class MySQLRealConverter(base.RealConverter):
    def sql_type(self) -> str:
        return "DOUBLE"


class MySQLDatetimeConverter(base.DatetimeConverter):
    def sql_type(self) -> str:
        return "DATETIME" if self.precision == 0 else f"DATETIME({self.precision})"


class MySQLTimeConverter(base.TimeConverter):
    def sql_type(self) -> str:
        return "TIME" if self.precision == 0 else f"TIME({self.precision})"


def timedelta_to_mysql(val: timedelta) -> str:
    """'[-]H:MM:SS.ffffff' with total hours: the drivers get negative values wrong."""
    sign = "-" if val < timedelta(0) else ""
    val = abs(val)
    hours, rest = divmod(val.days * 86400 + val.seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{sign}{hours}:{minutes:02d}:{seconds:02d}.{val.microseconds:06d}"


class MySQLTimedeltaConverter(base.TimedeltaConverter):
    def py2sql(self, val: Any) -> Any:
        return timedelta_to_mysql(val) if isinstance(val, timedelta) else val

    def sql2py(self, val: Any) -> Any:
        if isinstance(val, str):
            return base.str2timedelta(val)
        return val

    def sql_type(self) -> str:
        return "TIME" if self.precision == 0 else f"TIME({self.precision})"


class MySQLBlobConverter(base.BlobConverter):
    def sql_type(self) -> str:
        return "LONGBLOB"


class MySQLUuidConverter(base.UuidConverter):
    def sql_type(self) -> str:
        return "BINARY(16)"


class MySQLJsonConverter(base.JsonConverter):
    pass


MYSQL_CONVERTERS: tuple = (
    (bool, base.BoolConverter),
    (str, MySQLStrConverter),
    (int, MySQLIntConverter),
    (float, MySQLRealConverter),
    (Decimal, base.DecimalConverter),
    (datetime, MySQLDatetimeConverter),
    (date, base.DateConverter),
    (time, MySQLTimeConverter),
    (timedelta, MySQLTimedeltaConverter),
    (UUID, MySQLUuidConverter),
    (bytes, MySQLBlobConverter),
    (Json, MySQLJsonConverter),
    (Array, base.ArrayConverter),  # raises NotImplementedError: SUPPORTS_ARRAYS is False
)
