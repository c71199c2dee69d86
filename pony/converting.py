"""Parsing of dates, times and timedeltas from text, as ``pony.converting`` does (SPEC 18).

Accepted dates: ``2020-01-02`` (also ``/`` or ``.`` between the parts), ``02.01.2020`` (day
first), ``01/02/2020`` (month first), and forms with month names such as ``2 Jan 2020``,
``January 2, 2020`` or ``Mon, 2-Jan-2020``. A time may follow after one space or ``T``:
``3:04``, ``03:04:05.123456``, ``3.04``, ``3 04``, ``3 pm``, ``3:04 a.m.``, ``3h``, ``3h04m05.5s``,
``3u04``, or an hour alone. A datetime given without a time
is set to noon, as Pony does.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

__all__ = ["str2datetime", "str2date", "str2time", "str2timedelta", "timedelta2str"]

_MONTHS = {name: number for number, names in enumerate([
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
    ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
    ("oct", "october"), ("nov", "november"), ("dec", "december")], start=1) for name in names}
_MONTH = r"(?P<mname>[A-Za-z]{3,9})\.?"
_WEEKDAY = r"(?:[A-Za-z]{3,9}\.?,?\s+)?"

_DATE_PATTERNS = [
    r"(?P<year>\d{4})(?P<sep>[-/.])(?P<month>\d{1,2})(?P=sep)(?P<day>\d{1,2})",
    r"(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})",
    r"(?P<month>\d{1,2})/(?P<day>\d{1,2})/(?P<year>\d{4})",
    _WEEKDAY + r"(?P<day>\d{1,2})[-.\s]" + _MONTH + r"[-.\s]?\s*(?P<year>\d{4})",
    _WEEKDAY + _MONTH + r"\s+(?P<day>\d{1,2}),?\s+(?P<year>\d{4})",
]
# A time is H[:M[:S[.f]]] (":", "." or a space between the parts) or H h|u [M m [S[.f] s]] (``12h34m56.789``,
# ``12u34``), then an optional am/pm (``am``, ``a.m.``).
_TIME = (r"(?P<hour>\d{1,2})"
         r"(?:(?:[:.]|\s+)(?P<minute>\d{1,2})(?:(?:[:.]|\s+)(?P<second>\d{1,2})(?:\.(?P<fraction>\d{1,6}))?)?"
         r"|\s*(?P<h>[hu])\s*(?:(?P<hminute>\d{1,2})\s*(?:m\s*(?:(?P<hsecond>\d{1,2})"
         r"(?:\.(?P<hfraction>\d{1,6}))?\s*s?)?)?)?)?"
         r"\s*(?P<ampm>[ap]\.?m\.?)?")

_DATE_RES = [re.compile(p + r"\Z", re.IGNORECASE) for p in _DATE_PATTERNS]
_DATETIME_RES = [re.compile(p + r"(?:[ Tt]" + _TIME + r")?\Z", re.IGNORECASE) for p in _DATE_PATTERNS]
_TIME_RE = re.compile(_TIME + r"\Z", re.IGNORECASE)


def _date_parts(match: re.Match) -> tuple[int, int, int] | None:
    groups = match.groupdict()
    if groups.get("mname") is not None:
        month = _MONTHS.get(groups["mname"].lower())
        if month is None:
            return None
    else:
        month = int(groups["month"])
    return int(groups["year"]), month, int(groups["day"])


def _time_parts(match: re.Match) -> tuple[int, int, int, int] | None:
    groups = match.groupdict()
    if groups.get("hour") is None:
        return None
    if groups["h"]:
        minute, second, fraction = groups["hminute"], groups["hsecond"], groups["hfraction"]
    else:
        minute, second, fraction = groups["minute"], groups["second"], groups["fraction"]
    hour = int(groups["hour"])
    minute = int(minute or 0)
    second = int(second or 0)
    microsecond = int((fraction or "0").ljust(6, "0"))
    ampm = groups["ampm"]
    if ampm:
        if ampm[0].lower() == "p":
            hour = hour if hour == 12 else hour + 12
        elif hour == 12:
            hour = 0
    return hour, minute, second, microsecond


def str2date(s: str) -> date:
    s = s.strip()
    for regex in _DATE_RES:
        match = regex.match(s)
        if match is not None:
            parts = _date_parts(match)
            if parts is not None:
                return date(*parts)
    raise ValueError("Unrecognized date format")


def str2datetime(s: str) -> datetime:
    s = s.strip()
    for regex in _DATETIME_RES:
        match = regex.match(s)
        if match is None:
            continue
        parts = _date_parts(match)
        if parts is None:
            continue
        if match.group("hour") is None:
            return datetime(*parts, 12, 0)
        time_parts = _time_parts(match)
        if time_parts is not None:
            return datetime(*parts, *time_parts)
    raise ValueError("Unrecognized datetime format")


def str2time(s: str) -> time:
    match = _TIME_RE.match(s.strip())
    parts = _time_parts(match) if match is not None else None
    if parts is None:
        raise ValueError("Unrecognized time format")
    return time(*parts)


_TIMEDELTA_RE = re.compile(r"\s*(-)?\s*(\d+):(\d+):(\d+)(?:\.(\d{1,6}))?\s*\Z")


def str2timedelta(s: str) -> timedelta:
    """``[-]H:M:S[.ffffff]``; hours may exceed 24."""
    match = _TIMEDELTA_RE.match(s)
    if match is None:
        hours, minutes, seconds = map(int, s.split(":"))  # raises Pony's ValueError for junk
        return timedelta(hours=hours, minutes=minutes, seconds=seconds)
    sign, hours, minutes, seconds, fraction = match.groups()
    result = timedelta(hours=int(hours), minutes=int(minutes), seconds=int(seconds),
                       microseconds=int((fraction or "0").ljust(6, "0")))
    return -result if sign else result


def timedelta2str(td: timedelta) -> str:
    """``H:M:S`` with days folded into hours, no zero padding, ``.ffffff`` when needed."""
    sign = ""
    if td < timedelta(0):
        sign, td = "-", -td
    hours = td.days * 24 + td.seconds // 3600
    text = f"{sign}{hours}:{td.seconds % 3600 // 60}:{td.seconds % 60}"
    if td.microseconds:
        text += f".{td.microseconds:06d}"
    return text
