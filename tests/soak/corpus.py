"""Hostile values for tests/test_hostile_input.py, grouped by the kind of attribute they go to.

Every value must either come back exactly as it was given or be refused with a clear error;
none may change anything it was not written to.
"""

from __future__ import annotations

import random
import sys
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

MB = 1 << 20

# Statements that would do damage if they ever became SQL text.
_PAYLOADS = [
    "; DROP TABLE canary; --",
    " OR 1=1 --",
    "; DELETE FROM canary; --",
    "; UPDATE canary SET secret = 'pwned'; --",
    "; ALTER TABLE canary ADD COLUMN pwned INTEGER; --",
    " UNION SELECT secret FROM canary --",
    "); DROP TABLE canary; --",
]
_OPENERS = ["'", '"', "`", "\\'", "')", "1", "$$", "%'"]

_STRINGS = [
    "", " ", "  padded  ", "'", "''", "'''", '"', "`", "``", "\\", "\\\\", "\\'", "\\0", "\\x27", "\\n",
    "' OR '1'='1", "admin'--", "') OR ('a'='a", "Robert'); DROP TABLE canary;--",
    "1; DELETE FROM canary", "' || (SELECT secret FROM canary) || '", "CHAR(39)", "0x27", "N'x'",
    "E'\\''", "U&'\\0041'", "$tag$ x $tag$", "$$; DROP TABLE canary; $$",
    "%", "%%", "%s", "%%s", "%(v)s", "%d", "%(canary)s", "{0}", "{}", "{v}",
    "$", "$$", "$v", "$(v)", "$(__import__('os').getcwd())", "$$v", "$(1+1)", "?", "??", ":v", ":1", "@v",
    "/*", "*/", "/* comment */ x", "-- comment", "#", ";", "--", "x'; --",
    "\x00", "a\x00b", "\x00' OR 1=1 --", "\x00" * 10,
    "\ud800", "\udfff", "a\ud83d", "\udc80abc", "\ud83d\ude00",
    "\U0001F600", "\U0001F468\u200d\U0001F469\u200d\U0001F467\u200d\U0001F466", "\U0010FFFF", "\ufdfa",
    "Z\u0364\u0354\u0367\u0351\u0313a\u0308\u0356\u032d\u0308\u0307", "\u202eRTL override", "\ufeffBOM",
    "\u2028\u2029", "\r\n", "\r", "\t\v\f", "\x1b[31mred", "\x7f", "\x01\x02\x03", "\x85",
    "\u00df", "\u0130", "\ufb03", "\u65e5\u672c\u8a9e", "\u0645\u0631\u062d\u0628\u0627", "\u00e9", "e\u0301",
    "null", "NULL", "None", "undefined", "true", "0", "-0", "1e309", "NaN", "Infinity",
    "a" * 255, "a" * 256, "\u00e9" * 255, "\U0001F600" * 255,
    "a" * MB, "'" * MB, "\u00e9" * (MB // 2), "\U0001F600" * (MB // 4), "\\" * MB, "%" * MB, "$" * MB,
    "'; DROP TABLE canary; --" * 40000,
]


def strings() -> list[str]:
    values = list(_STRINGS)
    values += [opener + payload for opener in _OPENERS for payload in _PAYLOADS]
    return list(dict.fromkeys(values))  # each value once


INTS = [0, 1, -1, 2**31 - 1, 2**31, -2**31, -2**31 - 1, 2**32, 2**53 + 1, 2**63 - 1, 2**63, -2**63,
        -2**63 - 1, 2**64, 2**64 + 1, 10**18, -10**18, 10**100, -10**100, 10**4300 // 10**4000]

FLOATS = [0.0, -0.0, 1.5, 0.1, 1 / 3, 1e308, -1e308, 5e-324, 1e-320, 2.2250738585072014e-308,
          sys.float_info.max, -sys.float_info.max, 123456789.12345679, 2.0**53 + 2,
          float("nan"), float("inf"), float("-inf")]

_ZONES = [UTC, timezone(timedelta(hours=14)), timezone(timedelta(hours=-12)),
          timezone(timedelta(hours=5, minutes=45)), timezone(timedelta(seconds=1))]

DATETIMES = [datetime.min, datetime.max, datetime(1, 1, 1, 0, 0, 0, 1), datetime(1000, 1, 1),
             datetime(1582, 10, 10), datetime(1899, 12, 31, 23, 59, 59), datetime(1969, 12, 31, 23, 59, 59, 999999),
             datetime(1970, 1, 1), datetime(2000, 2, 29, 12, 0, 0, 500000), datetime(2038, 1, 19, 3, 14, 8),
             datetime(9999, 12, 31, 23, 59, 59), datetime(2021, 3, 28, 2, 30)]
DATETIMES += [datetime(2020, 1, 1, 12, 0, tzinfo=zone) for zone in _ZONES]
DATETIMES += [datetime.min.replace(tzinfo=UTC), datetime.max.replace(tzinfo=UTC)]

DATES = [date.min, date.max, date(1, 1, 2), date(1000, 1, 1), date(1582, 10, 10), date(1900, 2, 28),
         date(1970, 1, 1), date(2000, 2, 29), date(9999, 12, 31)]


def _nested(depth: int, leaf: Any) -> Any:
    value = leaf
    for n in range(depth):
        value = {f"k{n}": value} if n % 2 else [value]
    return value


JSONS = [{}, [], {"a": 1}, [1, "two", 3.5, None, True, False], {"": ""}, {"a": None},
         "just a string", 12345, -1.5, True,
         {"'; DROP TABLE canary; --": "'; DROP TABLE canary; --"}, {"$where": "1", "%s": "%(x)s", "$v": "$$"},
         {"k": "\x00"}, {"k": "\ud800"}, {"\U0001F600": ["\u00df", "\u65e5\u672c"]},
         {"k": 10**30}, {"k": 2**63}, {"k": -2**63 - 1}, {"k": 1e308}, {"k": 5e-324}, {"k": -0.0},
         {"k": float("nan")}, {"k": float("inf")},
         _nested(20, "deep"), _nested(100, 1), {"list": list(range(10000))}, {"big": "x" * (MB // 4)},
         {"a": {"b": {"c": [1, {"d": "e"}]}}}, [[[[[]]]]], {"1": 1, "01": 2, "1.0": 3}]

_rng = random.Random(20240501)
BYTES = [b"", b"\x00", b"\x00\xff" * 10, bytes(range(256)), b"'; DROP TABLE canary; --", b"\\", b"%s", b"$v",
         b"\\x00", b"\xff\xfe", "\ud800".encode("utf-8", "surrogatepass"), _rng.randbytes(MB)]


def corpus() -> list[tuple[str, Any]]:
    """``(kind, value)`` pairs; kind names the attribute family the value is meant for."""
    items: list[tuple[str, Any]] = [("str", v) for v in strings()]
    items += [("int", v) for v in INTS]
    items += [("float", v) for v in FLOATS]
    items += [("datetime", v) for v in DATETIMES]
    items += [("date", v) for v in DATES]
    items += [("json", v) for v in JSONS]
    items += [("bytes", v) for v in BYTES]
    return items
