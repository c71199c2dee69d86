"""Sessions of generator and ``async def`` functions: suspended at ``yield``, resumed later."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import errors
from .context import current_session
from .session import Session


def _check_no_session(func: Callable) -> None:
    if current_session.get() is not None:
        raise errors.TransactionError(
            f"@db_session-wrapped generator or coroutine {func.__name__}() cannot be used "
            "inside another db_session")


def _new_session(manager: Any) -> Session:
    return Session(immediate=manager.immediate, optimistic=manager.optimistic, strict=manager.strict)


def _suspend(session: Session) -> None:
    """Release connections at a ``yield``; uncommitted changes may not cross it."""
    for cache in session.caches.values():
        if cache.in_transaction or cache.dirty or cache.objects_to_save:
            session.close(commit=False)
            raise errors.TransactionError(
                "You need to manually commit() changes before suspending the generator")
        cache.release()


def wrap_generator(manager: Any, func: Callable) -> Callable:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _check_no_session(func)
        gen = func(*args, **kwargs)
        session = _new_session(manager)
        to_send: Any = None
        to_throw: BaseException | None = None
        while True:
            token = current_session.set(session)
            try:
                if to_throw is not None:
                    value = gen.throw(to_throw)
                else:
                    value = gen.send(to_send)
            except StopIteration as stop:
                try:
                    session.close(commit=True)
                finally:
                    current_session.reset(token)
                return stop.value
            except BaseException as exc:
                try:
                    session.close(commit=manager.is_allowed_exception(exc))
                finally:
                    current_session.reset(token)
                raise
            try:
                _suspend(session)
            finally:
                current_session.reset(token)
            try:
                to_send, to_throw = (yield value), None
            except GeneratorExit:
                gen.close()
                session.close(commit=False)
                raise
            except BaseException as exc:
                to_send, to_throw = None, exc

    return wrapper


def wrap_coroutine(manager: Any, func: Callable) -> Callable:
    # Each asyncio task runs in its own copy of the context, so the session set here is
    # visible only inside this coroutine's task, across its awaits.
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        _check_no_session(func)
        session = _new_session(manager)
        token = current_session.set(session)
        try:
            result = await func(*args, **kwargs)
        except BaseException as exc:
            try:
                session.close(commit=manager.is_allowed_exception(exc))
            finally:
                current_session.reset(token)
            raise
        try:
            session.close(commit=True)
        finally:
            current_session.reset(token)
        return result

    return wrapper
