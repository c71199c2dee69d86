"""Sessions of generator and ``async def`` functions: suspended at ``yield``, resumed later."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import errors
from .context import current_session
from .session import Session


def _check_no_session(func: Callable, kind: str = "generator") -> None:
    if current_session.get() is not None:
        raise errors.TransactionError(
            f"@db_session-wrapped {kind} cannot be used inside another db_session")


def _new_session(manager: Any) -> Session:
    session = Session(immediate=manager.immediate, optimistic=manager.optimistic, strict=manager.strict,
                      readonly=getattr(manager, "readonly", False))
    session.manager = manager
    return session


def _suspend(session: Session, kind: str = "generator") -> None:
    """Release connections at a ``yield``; uncommitted changes may not cross it."""
    for cache in session.caches.values():
        if cache.in_transaction or cache.dirty or cache.objects_to_save:
            session.close(commit=False)
            raise errors.TransactionError(
                f"You need to manually commit() changes before suspending the {kind}")
        cache.release()


def _step(manager: Any, session: Session, inner: Any, to_send: Any, to_throw: BaseException | None,
          kind: str = "generator") -> tuple:
    """Run the wrapped generator or coroutine inside ``session`` up to its next suspension.

    Returns ``(True, result)`` when it finished (the session is committed and closed), or
    ``(False, yielded value)`` when it suspended (connections released, no pending changes).
    """
    token = current_session.set(session)
    try:
        value = inner.throw(to_throw) if to_throw is not None else inner.send(to_send)
    except StopIteration as stop:
        try:
            session.close(commit=True)
        finally:
            current_session.reset(token)
        return True, stop.value
    except BaseException as exc:
        try:
            session.close(commit=manager.is_allowed_exception(exc))
        finally:
            current_session.reset(token)
        raise
    try:
        _suspend(session, kind)
    except BaseException:
        inner.close()
        raise
    finally:
        current_session.reset(token)
    return False, value


def wrap_generator(manager: Any, func: Callable) -> Callable:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _check_no_session(func)
        gen = func(*args, **kwargs)
        session = _new_session(manager)
        to_send: Any = None
        to_throw: BaseException | None = None
        while True:
            finished, value = _step(manager, session, gen, to_send, to_throw)
            if finished:
                return value
            try:
                to_send, to_throw = (yield value), None
            except GeneratorExit:
                gen.close()
                session.close(commit=False)
                raise
            except BaseException as exc:
                to_send, to_throw = None, exc

    return wrapper


class _Suspend:
    """Passes one value yielded by the wrapped coroutine (a future) up to the event loop."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __await__(self) -> Any:
        return (yield self.value)


def wrap_coroutine(manager: Any, func: Callable) -> Callable:
    # Without greenlet (pony/orm/aio): the coroutine is driven step by step, like a generator, so
    # that the session is suspended (and checked for uncommitted changes) where it really waits.
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        _check_no_session(func, "coroutine")
        coro = func(*args, **kwargs)
        session = _new_session(manager)
        to_send: Any = None
        to_throw: BaseException | None = None
        while True:
            finished, value = _step(manager, session, coro, to_send, to_throw, "coroutine")
            if finished:
                return value
            try:
                to_send, to_throw = await _Suspend(value), None
            except BaseException as exc:  # cancellation and errors go into the coroutine
                to_send, to_throw = None, exc

    return wrapper
