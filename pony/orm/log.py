"""SQL and ORM logging (layer L0).

Messages go to the standard loggers ``pony.orm.sql`` (SQL text) and ``pony.orm`` (connection
and transaction events) at INFO level when those loggers have handlers; otherwise they are
printed, as Pony does, so ``set_sql_debug(True)`` shows something with no logging set up.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence
from typing import Any

sql_logger = logging.getLogger("pony.orm.sql")
orm_logger = logging.getLogger("pony.orm")


class DebugFlags(threading.local):
    """Per-thread switches that ``set_sql_debug`` and ``sql_debugging`` change."""

    def __init__(self) -> None:
        self.debug = False
        self.show_values: bool | None = None


debug_flags = DebugFlags()


def _has_handlers(logger: logging.Logger) -> bool:
    # Only handlers the user attached count: ancestors up to (not including) the root logger,
    # plus the root logger when it was configured (basicConfig and friends).
    current: logging.Logger | None = logger
    while current is not None:
        if current.handlers:
            return True
        if not current.propagate:
            return False
        current = current.parent  # type: ignore[assignment]
    return False


def format_arguments(arguments: Any) -> str:
    if isinstance(arguments, Mapping):
        return "{%s}" % ", ".join(f"{k!r}:{v!r}" for k, v in sorted(arguments.items()))
    if isinstance(arguments, Sequence) and not isinstance(arguments, (str, bytes)):
        return "[%s]" % ", ".join(map(repr, arguments))
    return repr(arguments)


def log_orm(msg: str) -> None:
    if not debug_flags.debug:
        return
    if _has_handlers(orm_logger):
        orm_logger.info(msg)
    else:
        print(msg)


def log_sql(sql: str, arguments: Any = None, executemany_count: int | None = None) -> None:
    if not debug_flags.debug:
        return
    show_values = debug_flags.show_values
    text = sql if executemany_count is None else f"EXECUTEMANY ({executemany_count})\n{sql}"
    if _has_handlers(sql_logger):
        if show_values and arguments:
            text = f"{text}\n{format_arguments(arguments)}"
        sql_logger.info(text)
    else:
        if show_values is not False and arguments:
            text = f"{text}\n{format_arguments(arguments)}"
        print(text, end="\n\n")
