"""``db_session``: decorator and context manager that opens, commits and closes a session."""

from __future__ import annotations

import functools
import inspect
import warnings
from collections.abc import Callable
from typing import Any

from .. import errors
from ..log import debug_flags
from .context import current_session, enter_stack
from .session import Session

_OPTION_NAMES = ("retry", "immediate", "ddl", "serializable", "strict", "optimistic", "retry_exceptions",
                 "allowed_exceptions", "sql_debug", "show_values", "readonly")


def _exception_matcher(value: Any, option: str) -> Callable[[BaseException], bool]:
    if callable(value) and not isinstance(value, type):
        return value
    if isinstance(value, type) and issubclass(value, BaseException):
        value = (value,)
    if not isinstance(value, (tuple, list, set, frozenset)):
        raise TypeError(f"'{option}' parameter of db_session must be a tuple of exception classes "
                        f"or a callable. Got: {value!r}")
    classes = tuple(value)
    return lambda exc: isinstance(exc, classes)


class DBSessionContextManager:
    """``db_session``: a decorator and context manager that runs code in a database session.

    On leaving, changes are committed (rolled back after an exception) and the identity map is dropped.
    ``@db_session(retry=N, immediate=..., serializable=..., strict=..., optimistic=..., sql_debug=...)``
    configures it; it also wraps generator and ``async def`` functions."""

    def __init__(self, retry: int = 0, immediate: bool = False, ddl: bool = False, serializable: bool = False,
                 strict: bool = False, optimistic: bool = True,
                 retry_exceptions: Any = (errors.TransactionError,), allowed_exceptions: Any = (),
                 sql_debug: bool | None = None, show_values: bool | None = None, readonly: bool = False) -> None:
        if not isinstance(retry, int) or isinstance(retry, bool):
            raise TypeError(f"'retry' parameter of db_session must be of integer type. Got: {type(retry)!r}")
        if retry < 0:
            raise TypeError(f"'retry' parameter of db_session must not be negative. Got: {retry}")
        if ddl and retry:
            raise TypeError("'ddl' and 'retry' parameters of db_session cannot be used together")
        if not callable(allowed_exceptions) and not callable(retry_exceptions):
            both = set(_as_tuple(allowed_exceptions)) & set(_as_tuple(retry_exceptions))
            if both:
                names = ", ".join(sorted(cls.__name__ for cls in both))
                raise TypeError(f"The same exception {names} cannot be specified in both "
                                "allowed and retry exception lists simultaneously")
        if readonly and (immediate or ddl or serializable):
            raise TypeError("'readonly' parameter of db_session cannot be used with 'immediate', 'ddl' "
                            "or 'serializable'")
        self.readonly = readonly
        self.retry = retry
        self.immediate = immediate
        self.ddl = ddl
        self.serializable = serializable
        self.strict = strict
        self.optimistic = optimistic
        self.retry_exceptions = retry_exceptions
        self.allowed_exceptions = allowed_exceptions
        self.is_retry_exception = _exception_matcher(retry_exceptions, "retry_exceptions")
        self.is_allowed_exception = _exception_matcher(allowed_exceptions, "allowed_exceptions")
        self.sql_debug = sql_debug
        self.show_values = show_values

    # --- the three call forms: @db_session, @db_session(...), db_session(...) as manager -----

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not args and not kwargs:
            return self
        if len(args) > 1 or (args and kwargs):
            raise TypeError("Pass only keyword arguments to db_session or use db_session as decorator")
        if args:
            func = args[0]
            if not callable(func):
                raise TypeError(f"Pass only keyword arguments to db_session. Got: {func!r}")
            return self._decorate(func)
        unknown = set(kwargs) - set(_OPTION_NAMES)
        if unknown:
            raise TypeError(f"Unknown option(s) of db_session: {', '.join(sorted(unknown))}")
        return DBSessionContextManager(**kwargs)

    def should_retry(self, exc: BaseException) -> bool:
        if self.is_allowed_exception(exc):
            return False
        return bool(self.is_retry_exception(exc) or getattr(exc, "should_retry", False))

    # --- context manager --------------------------------------------------------------------

    def __enter__(self) -> DBSessionContextManager:
        if self.retry:
            raise TypeError("@db_session can accept 'retry' parameter only when used as decorator "
                            "and not as context manager")
        self._enter()
        return self

    def __exit__(self, exc_type: Any = None, exc: Any = None, tb: Any = None) -> bool:
        self._exit(exc)
        return False

    async def __aenter__(self) -> DBSessionContextManager:
        from .async_session import aenter
        return await aenter(self)

    async def __aexit__(self, exc_type: Any = None, exc: Any = None, tb: Any = None) -> bool:
        from .async_session import aexit
        await aexit(self, exc)
        return False

    def _enter(self) -> None:
        session = current_session.get()
        # As in Pony, sql_debug= sets both switches for the session (show_values= alone does
        # nothing), and only then are they restored on exit.
        saved_flags = None if self.sql_debug is None else (debug_flags.debug, debug_flags.show_values)
        if session is None:
            session = Session(immediate=self.immediate, serializable=self.serializable,
                              optimistic=self.optimistic, strict=self.strict, ddl=self.ddl,
                              readonly=self.readonly)
            session.manager = self
            current_session.set(session)
            outer = True
        else:
            if self.ddl and not session.ddl:
                raise errors.TransactionError("Cannot start ddl transaction inside non-ddl transaction")
            if self.serializable and not session.serializable:
                raise errors.TransactionError(
                    "Cannot start serializable transaction inside non-serializable transaction")
            outer = False
        if saved_flags is not None:
            debug_flags.debug, debug_flags.show_values = self.sql_debug, self.show_values
        enter_stack.set(enter_stack.get() + ((outer, saved_flags),))

    def _exit(self, exc: BaseException | None) -> None:
        stack = enter_stack.get()
        outer, saved_flags = stack[-1]
        enter_stack.set(stack[:-1])
        try:
            if outer:
                session = current_session.get()
                commit = exc is None or self.is_allowed_exception(exc)
                try:
                    if session is not None:
                        session.close(commit=commit)  # hooks run at commit: the session is still current
                finally:
                    current_session.set(None)
        finally:
            if saved_flags is not None:
                debug_flags.debug, debug_flags.show_values = saved_flags

    # --- decorator --------------------------------------------------------------------------

    def _decorate(self, func: Callable) -> Callable:
        if inspect.isasyncgenfunction(func):
            raise TypeError("@db_session does not support async generator functions")
        if inspect.iscoroutinefunction(func):
            from .async_session import wrap_coroutine
            return functools.wraps(func)(wrap_coroutine(self, func))
        if inspect.isgeneratorfunction(func):
            for option in ("ddl", "retry", "serializable"):
                if getattr(self, option):
                    raise TypeError(f"db_session with `{option}` option cannot be applied to generator "
                                    "function")
            from .suspended import wrap_generator
            return functools.wraps(func)(wrap_generator(self, func))

        manager = self

        @functools.wraps(func)
        def new_func(*args: Any, **kwargs: Any) -> Any:
            if current_session.get() is not None:
                if manager.ddl and not current_session.get().ddl:  # type: ignore[union-attr]
                    raise errors.TransactionError(
                        f"{func.__name__}() cannot be called inside of db_session")
                if manager.retry:
                    warnings.warn("@db_session decorator with `retry=%d` option is ignored for "
                                  f"{func.__name__}() function because it is called inside another "
                                  "db_session" % manager.retry, errors.PonyRuntimeWarning, stacklevel=2)
                manager._enter()
                try:
                    result = func(*args, **kwargs)
                except BaseException as exc:
                    manager._exit(exc)
                    raise
                manager._exit(None)
                return result
            attempt = 0
            while True:
                manager._enter()
                try:
                    result = func(*args, **kwargs)
                except BaseException as exc:
                    error = exc
                    try:
                        manager._exit(exc)
                    except BaseException as exit_exc:
                        error = exit_exc
                else:
                    try:
                        manager._exit(None)
                        return result
                    except BaseException as exc:  # the commit failed
                        error = exc
                if attempt < manager.retry and manager.should_retry(error):
                    attempt += 1
                    continue
                raise error

        return new_func


def _as_tuple(value: Any) -> tuple:
    if isinstance(value, type):
        return (value,)
    return tuple(value)


db_session = DBSessionContextManager()


def with_transaction(*args: Any, **kwargs: Any) -> Any:
    """Deprecated alias of ``db_session``."""
    warnings.warn("@with_transaction decorator is deprecated, use @db_session decorator instead",
                  errors.PonyDeprecationWarning, stacklevel=2)
    return db_session(*args, **kwargs)
