"""``sql_debug``, ``set_sql_debug`` and ``sql_debugging``: per-thread SQL logging switches (L0)."""

from __future__ import annotations

import functools
import inspect
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from .log import debug_flags


def set_sql_debug(debug: bool = True, show_values: bool | None = None) -> None:
    """Turn SQL logging on or off for this thread; ``show_values`` controls parameter values."""
    debug_flags.debug = debug
    debug_flags.show_values = show_values


def sql_debug(value: bool) -> None:
    """The older form of ``set_sql_debug``: sets only the flag."""
    debug_flags.debug = value


@contextmanager
def _flags(debug: bool, show_values: bool | None) -> Iterator[None]:
    saved = (debug_flags.debug, debug_flags.show_values)
    debug_flags.debug, debug_flags.show_values = debug, show_values
    try:
        yield
    finally:
        debug_flags.debug, debug_flags.show_values = saved


class SQLDebuggingContextManager:
    """``with sql_debugging:``, ``with sql_debugging(show_values=True):``, or a decorator.

    ``sql_debugging`` is one module-level instance shared by every thread, so the flags to
    restore on exit are kept on a per-thread stack.
    """

    def __init__(self, debug: bool = True, show_values: bool | None = None) -> None:
        self.debug = debug
        self.show_values = show_values
        self._local = threading.local()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if len(args) == 1 and not kwargs and callable(args[0]):
            return self._decorate(args[0])
        return SQLDebuggingContextManager(*args, **kwargs)

    def _saved(self) -> list[tuple[bool, bool | None]]:
        stack = getattr(self._local, "stack", None)
        if stack is None:
            stack = self._local.stack = []
        return stack

    def __enter__(self) -> None:
        self._saved().append((debug_flags.debug, debug_flags.show_values))
        debug_flags.debug = self.debug
        debug_flags.show_values = self.show_values

    def __exit__(self, *exc: Any) -> None:
        debug_flags.debug, debug_flags.show_values = self._saved().pop()

    def _decorate(self, func: Callable) -> Callable:
        debug, show_values = self.debug, self.show_values
        if inspect.isgeneratorfunction(func):
            @functools.wraps(func)
            def gen_wrapper(*args: Any, **kwargs: Any) -> Any:
                # The flags apply while the generator's own code runs, not while it is suspended.
                gen = func(*args, **kwargs)
                resume: Callable = gen.send
                arg: Any = None
                while True:
                    with _flags(debug, show_values):
                        try:
                            value = resume(arg)
                        except StopIteration as stop:
                            return stop.value
                    try:
                        arg = yield value
                        resume = gen.send
                    except GeneratorExit:
                        with _flags(debug, show_values):
                            gen.close()
                        raise
                    except BaseException as exc:
                        resume, arg = gen.throw, exc

            return gen_wrapper

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with _flags(debug, show_values):
                return func(*args, **kwargs)

        return wrapper


sql_debugging = SQLDebuggingContextManager()
"""Log the SQL sent inside a block: ``with sql_debugging:`` or ``with sql_debugging(show_values=True):``."""
