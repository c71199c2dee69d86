"""Fast decoders for MySQL/MariaDB temporal columns, for PyMySQL, mysqlclient and aiomysql.

Both drivers turn a DATETIME, DATE or TIME value from its text form with Python code of their own
(a regular expression, or slicing and seven ``int`` calls): 3-4 microseconds a value, about as much
as the rest of building a row. The server always sends these values in ISO form
(``YYYY-MM-DD hh:mm:ss[.ffffff]``), which ``datetime.fromisoformat`` reads in C, the same values
to the microsecond. Anything it refuses (zero dates such as ``0000-00-00``, out-of-range TIME
values) goes to the driver's own decoder, so those come back exactly as before: the string from
PyMySQL, None from mysqlclient.

The decoders go in through the drivers' ``conv`` connection argument, a copy of the driver's own
conversions with the temporal entries replaced; a ``conv`` the user passes is left alone.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

_CACHE: dict[str, dict] = {}


def _datetime_decoder(fallback: Callable[[Any], Any]) -> Callable[[Any], Any]:
    parse = datetime.fromisoformat

    def decode_datetime(text: Any) -> Any:
        try:
            return parse(text)
        except (ValueError, TypeError):
            return fallback(text)
    return decode_datetime


def _date_decoder(fallback: Callable[[Any], Any]) -> Callable[[Any], Any]:
    parse = date.fromisoformat

    def decode_date(text: Any) -> Any:
        try:
            return parse(text)
        except (ValueError, TypeError):
            return fallback(text)
    return decode_date


def _timedelta_decoder(fallback: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def decode_time(text: Any) -> Any:
        """``[-]h:mm:ss[.f]`` (hours up to 838) as a timedelta; anything else as the driver does."""
        try:
            negative = text[0] == "-"
            hours, minutes, seconds = (text[1:] if negative else text).split(":")
            whole, _, fraction = seconds.partition(".")
            if len(minutes) != 2 or len(whole) != 2 or len(fraction) > 6:
                return fallback(text)
            delta = timedelta(hours=int(hours), minutes=int(minutes), seconds=int(whole),
                              microseconds=int(fraction.ljust(6, "0")) if fraction else 0)
        except (ValueError, TypeError, IndexError):
            return fallback(text)
        return -delta if negative else delta
    return decode_time


def fast_conversions(driver: Any) -> dict:
    """A copy of ``driver``'s conversions (PyMySQL's or mysqlclient's MySQLdb, by module) with
    fast DATETIME, TIMESTAMP, DATE and TIME decoders; the dict to pass as ``conv=``."""
    name = driver.__name__
    conv = _CACHE.get(name)
    if conv is None:
        if name == "MySQLdb":
            from MySQLdb.constants import FIELD_TYPE
            from MySQLdb.converters import conversions
        else:
            from pymysql.constants import FIELD_TYPE
            from pymysql.converters import conversions
        conv = dict(conversions)
        for field_type in (FIELD_TYPE.DATETIME, FIELD_TYPE.TIMESTAMP):
            conv[field_type] = _datetime_decoder(conversions[field_type])
        conv[FIELD_TYPE.DATE] = _date_decoder(conversions[FIELD_TYPE.DATE])
        conv[FIELD_TYPE.TIME] = _timedelta_decoder(conversions[FIELD_TYPE.TIME])
        _CACHE[name] = conv
    return conv
