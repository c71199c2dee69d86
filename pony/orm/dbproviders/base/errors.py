"""Wrap a driver's DB-API exceptions into the ``pony.orm`` classes, keeping ``original_exc``."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from ... import errors

# Most specific first: a driver class is matched by the first DB-API name in its MRO.
_DBAPI_CLASSES = {name: getattr(errors, name) for name in errors.DBAPI_ERROR_NAMES}


SERIALIZATION_FAILURE = "40001"
# The server gave up on the transaction so that another could go on (serialization failure,
# deadlock, lock wait timeout, SQLite's file lock held past the busy timeout): nothing of it
# is kept, and running it again can succeed, so ``db_session(retry=...)`` retries it.
RETRYABLE_SQLSTATES = frozenset({SERIALIZATION_FAILURE, "40P01"})
RETRYABLE_MYSQL_ERRNOS = frozenset({1205, 1213})  # lock wait timeout, deadlock
RETRYABLE_SQLITE_ERRORS = frozenset({"SQLITE_BUSY", "SQLITE_LOCKED"})
_MYSQL_DRIVERS = ("pymysql", "MySQLdb")


def sqlstate(exc: BaseException) -> str | None:
    """The SQLSTATE of a driver exception (psycopg: ``sqlstate``, psycopg2: ``pgcode``)."""
    return getattr(exc, "sqlstate", None) or getattr(exc, "pgcode", None)


def is_retryable(exc: BaseException) -> bool:
    """Did the database abort the transaction only because of a concurrent one?"""
    if sqlstate(exc) in RETRYABLE_SQLSTATES:
        return True
    if getattr(exc, "sqlite_errorname", None) in RETRYABLE_SQLITE_ERRORS:
        return True
    args = getattr(exc, "args", ())
    return (type(exc).__module__.split(".")[0] in _MYSQL_DRIVERS and bool(args)
            and args[0] in RETRYABLE_MYSQL_ERRNOS)


def wrap_exception(exc: BaseException) -> errors.DBException | None:
    """The pony.orm exception for a driver exception, or None if it is not a DB-API error."""
    if isinstance(exc, errors.DBException):
        return exc
    for cls in type(exc).__mro__:
        target = _DBAPI_CLASSES.get(cls.__name__)
        if target is not None and cls.__module__ not in ("builtins", errors.__name__):
            wrapped = target(exc, *exc.args)
            should_retry = getattr(exc, "should_retry", None)
            if should_retry is None and is_retryable(exc):
                should_retry = True  # the transaction can succeed when run again
            if should_retry is not None:
                wrapped.should_retry = should_retry  # type: ignore[attr-defined]
            return wrapped
    return None


@contextlib.contextmanager
def wrap_dbapi_exceptions() -> Iterator[None]:
    """Re-raise driver errors as pony.orm DB-API errors, chained to the original."""
    try:
        yield
    except errors.DBException:
        raise
    except Exception as exc:
        wrapped = wrap_exception(exc)
        if wrapped is None:
            raise
        raise wrapped from exc


def raise_wrapped(exc: Exception) -> None:
    """Re-raise ``exc`` as its pony.orm DB-API class (or unchanged when it is not a driver error)."""
    if isinstance(exc, errors.DBException):
        raise exc
    wrapped = wrap_exception(exc)
    if wrapped is None:
        raise exc
    raise wrapped from exc
