"""``sql_debug``, ``set_sql_debug`` and ``sql_debugging``: per-thread SQL logging switches."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from .log import debug_flags


def set_sql_debug(debug: bool = True, show_values: bool | None = None) -> None:
    debug_flags.debug = debug
    debug_flags.show_values = show_values


def sql_debug(value: bool) -> None:
    """The older form of ``set_sql_debug``: sets only the flag."""
    debug_flags.debug = value


class SQLDebuggingContextManager:
    """``with sql_debugging:``, ``with sql_debugging(show_values=True):``, or a decorator."""

    def __init__(self, debug: bool = True, show_values: bool | None = None) -> None:
        self.debug = debug
        self.show_values = show_values
        self._saved: list[tuple] = []

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if len(args) == 1 and not kwargs and callable(args[0]):
            return self._decorate(args[0])
        return SQLDebuggingContextManager(*args, **kwargs)

    def __enter__(self) -> None:
        self._saved.append((debug_flags.debug, debug_flags.show_values))
        debug_flags.debug = self.debug
        debug_flags.show_values = self.show_values

    def __exit__(self, *exc: Any) -> None:
        debug_flags.debug, debug_flags.show_values = self._saved.pop()

    def _decorate(self, func: Callable) -> Callable:
        manager = self
        if inspect.isgeneratorfunction(func):
            @functools.wraps(func)
            def gen_wrapper(*args: Any, **kwargs: Any) -> Any:
                gen = func(*args, **kwargs)
                to_send: Any = None
                while True:
                    saved = (debug_flags.debug, debug_flags.show_values)
                    debug_flags.debug, debug_flags.show_values = manager.debug, manager.show_values
                    try:
                        value = gen.send(to_send)
                    except StopIteration as stop:
                        return stop.value
                    finally:
                        debug_flags.debug, debug_flags.show_values = saved
                    to_send = yield value

            return gen_wrapper

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            saved = (debug_flags.debug, debug_flags.show_values)
            debug_flags.debug, debug_flags.show_values = manager.debug, manager.show_values
            try:
                return func(*args, **kwargs)
            finally:
                debug_flags.debug, debug_flags.show_values = saved

        return wrapper


sql_debugging = SQLDebuggingContextManager()
