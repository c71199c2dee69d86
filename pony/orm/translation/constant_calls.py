"""Constructors called with outside values inside a query: their arguments are checked first.

``date(2020, "1", 1)`` inside a query is evaluated in Python, like any outside sub-expression. As
Pony does, a wrongly typed argument is reported as a ``TypeError`` naming the argument, and
``buffer(5)`` (``bytes(5)``: five zero bytes, never what the query meant) is refused.
"""

from __future__ import annotations

import datetime
from typing import Any

DATE_ARGS = ("year", "month", "day")
DATETIME_ARGS = ("year", "month", "day", "hour", "minute", "second", "microsecond")
_SIGNATURES = {datetime.date: ("date(year, month, day)", DATE_ARGS),
               datetime.datetime: ("datetime(...)", DATETIME_ARGS)}


def is_checked(func: Any) -> bool:
    """Whether calls of ``func`` with outside arguments have their arguments checked."""
    return func in _SIGNATURES or func is bytes


def check_arguments(func: Any, args: list, kwargs: dict, src: str) -> None:
    """Raise TypeError for an argument ``func`` would refuse or misread."""
    if func is bytes:
        if len(args) == 1 and not kwargs and isinstance(args[0], int):
            raise TypeError(f"`{src}`: an int argument of buffer()/bytes() would give {args[0]} zero bytes; "
                            "pass a bytes value")
        return
    shown, names = _SIGNATURES[func]
    for name, value in [*zip(names, args), *kwargs.items()]:
        if name in names and not isinstance(value, int):
            raise TypeError(f"{name!r} argument of {shown} function must be of 'int' type. "
                            f"Got: {type(value).__name__!r}")
