"""SQL and ORM logging (layer L0).

Messages go to the standard loggers ``pony.orm.sql`` (SQL text) and ``pony.orm`` (connection
and transaction events) at INFO level when logging is configured for them; otherwise they are
printed, as Pony does, so ``set_sql_debug(True)`` shows something with no logging set up.

"Configured" is judged like ``Logger.hasHandlers()``: a handler on the logger or on any ancestor
it propagates to, the root logger included (so ``logging.basicConfig()`` counts). One exception:
handlers that pytest's logging plugin puts on the root logger while a test runs (they come from
the ``_pytest`` package) do not count. They capture records for test reports and are not the
user's configuration; counting them would make every test run log where a script prints.
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


def _is_user_handler(handler: logging.Handler) -> bool:
    return not type(handler).__module__.startswith("_pytest")


def has_handlers(logger: logging.Logger) -> bool:
    """Does ``logger`` (or an ancestor it propagates to) have a handler the user configured?"""
    current: logging.Logger | None = logger
    while current is not None:
        if any(_is_user_handler(h) for h in current.handlers):
            return True
        if not current.propagate:
            return False
        current = current.parent  # type: ignore[assignment]
    return False


def _key_text(item: tuple) -> str:
    return str(item[0])


def format_arguments(arguments: Any) -> str:
    """Parameter values as Pony shows them: ``[v1, v2]`` or ``{'k':v}`` (keys sorted)."""
    if isinstance(arguments, Mapping):
        return "{" + ", ".join(f"{k!r}:{v!r}" for k, v in sorted(arguments.items(), key=_key_text)) + "}"
    if isinstance(arguments, Sequence) and not isinstance(arguments, (str, bytes)):
        return "[" + ", ".join(map(repr, arguments)) + "]"
    return repr(arguments)


def log_orm(msg: str) -> None:
    """A connection/transaction event (``GET NEW CONNECTION``, ``COMMIT`` ...) when debugging."""
    if not debug_flags.debug:
        return
    if has_handlers(orm_logger):
        orm_logger.info(msg)
    else:
        print(msg)


def _emit_sql(text: str, values: list[str]) -> None:
    # Values go to a logger only when asked for (show_values=True): logs outlive the console.
    show_values = debug_flags.show_values
    if has_handlers(sql_logger):
        if show_values and values:
            text = "\n".join([text, *values])
        sql_logger.info(text)
    else:
        if show_values is not False and values:
            text = "\n".join([text, *values])
        print(text, end="\n\n")


def log_sql(sql: str, arguments: Any = None, executemany_count: int | None = None) -> None:
    """One executed statement when debugging; values on the next line.

    ``executemany_count`` is kept for callers that pass only the first row of an executemany;
    ``log_sql_many`` shows all of them.
    """
    if not debug_flags.debug:
        return
    text = sql if executemany_count is None else f"EXECUTEMANY ({executemany_count})\n{sql}"
    _emit_sql(text, [format_arguments(arguments)] if arguments else [])


def log_sql_many(sql: str, arguments_list: Sequence) -> None:
    """An ``executemany`` when debugging: ``EXECUTEMANY (n)``, the SQL, one line per row."""
    if not debug_flags.debug:
        return
    text = f"EXECUTEMANY ({len(arguments_list)})\n{sql}"
    _emit_sql(text, [format_arguments(arguments) for arguments in arguments_list if arguments])
