"""The greenlet bridge: Pony's synchronous code waits for asyncio drivers without blocking.

Synchronous ORM code (a query, a lazy load, a flush) runs in a *bridge greenlet* whose parent is
the greenlet running the asyncio task. When that code needs the database it calls
``await_only(awaitable)``: the bridge greenlet switches to its parent, which awaits the driver
call on the event loop (other tasks run meanwhile) and switches back with the result or the
exception. This is the design of SQLAlchemy's asyncio extension.

``run_in_bridge(fn)`` runs one synchronous callable so; ``drive_in_bridge(coro)`` runs a whole
coroutine so, one step (the code between two of its real suspensions) at a time.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

try:
    from greenlet import getcurrent, greenlet
except ImportError:  # the optional ``async`` extra is not installed
    greenlet = None
    getcurrent = None

from .errors import AsyncBridgeError

T = TypeVar("T")

HAVE_GREENLET = greenlet is not None


def require_greenlet() -> None:
    if not HAVE_GREENLET:
        raise ImportError("Non-blocking database access in async code needs greenlet: pip install 'pony-ast[async]'")


if HAVE_GREENLET:
    class BridgeGreenlet(greenlet):  # type: ignore[misc, valid-type]
        """A greenlet running synchronous ORM code on behalf of an asyncio task."""

        def __init__(self, fn: Callable, parent: Any) -> None:
            super().__init__(fn, parent)
            # Share the task's context: ``current_session`` set here is the task's session.
            self.gr_context = parent.gr_context


def in_bridge() -> bool:
    """Is the caller synchronous code that may wait through ``await_only``?"""
    return HAVE_GREENLET and type(getcurrent()) is BridgeGreenlet


def _run_now(awaitable: Awaitable) -> tuple[bool, Any, Any]:
    """Start ``awaitable`` right here: one that finishes without suspending (a psycopg fetch of
    rows already received, a done future) costs no switch to the event loop.
    Returns ``(finished, result or first yielded value, iterator)``."""
    iterator = awaitable.__await__()
    try:
        first = iterator.send(None)
    except StopIteration as stop:
        return True, stop.value, None
    return False, first, iterator


class _Continue:
    """Awaits an iterator that already yielded ``first`` (started by ``_run_now``)."""

    __slots__ = ("iterator", "first")

    def __init__(self, iterator: Any, first: Any) -> None:
        self.iterator = iterator
        self.first = first

    def __await__(self) -> Any:
        iterator, value = self.iterator, self.first
        while True:
            try:
                sent = yield value
            except BaseException as exc:  # cancellation reaches the driver call
                try:
                    value = iterator.throw(exc)
                except StopIteration as stop:
                    return stop.value
            else:
                try:
                    value = iterator.send(sent)
                except StopIteration as stop:
                    return stop.value


def await_only(awaitable: Awaitable[T]) -> T:
    """Wait for ``awaitable`` from synchronous code running in a bridge greenlet."""
    current = getcurrent() if HAVE_GREENLET else None
    if type(current) is not BridgeGreenlet:
        if hasattr(awaitable, "close"):
            awaitable.close()  # type: ignore[union-attr]  # no "never awaited" warning
        raise AsyncBridgeError(
            "Pony's synchronous API cannot wait for the database here: this code runs in an asyncio task "
            "outside Pony's async bridge. Decorate the coroutine function with @db_session, start the task "
            "with pony.orm.aio.create_task() or pony.orm.aio.run(), or use the awaitable forms "
            "(await aio.fetch(query), await aio.get(...), await aio.call(func))")
    finished, value, iterator = _run_now(awaitable)
    if finished:
        return value
    return current.parent.switch(_Continue(iterator, value))


async def run_in_bridge(fn: Callable[..., T], *args: Any) -> T:
    """Run the synchronous ``fn(*args)`` in a bridge greenlet, awaiting what it waits for."""
    require_greenlet()
    if in_bridge():
        return fn(*args)  # already bridged: its waits go to our own bridge
    child = BridgeGreenlet(fn, getcurrent())
    request = child.switch(*args)
    while not child.dead:
        try:
            value = await request
        except BaseException as exc:  # the driver failed, or the task was cancelled
            child.parent = getcurrent()
            request = child.throw(exc)
        else:
            child.parent = getcurrent()
            request = child.switch(value)
    return request


async def drive_in_bridge(coro: Coroutine[Any, Any, T]) -> T:
    """Await ``coro`` so that the synchronous ORM code in it may wait through ``await_only``.

    Each step of the coroutine (``send``/``throw`` up to its next real suspension) runs in a
    bridge greenlet; what the coroutine itself awaits is passed to the event loop unchanged.
    """
    require_greenlet()
    if in_bridge():
        return await coro
    to_send: Any = None
    to_throw: BaseException | None = None
    while True:
        finished, yielded = await run_in_bridge(_step, coro, to_send, to_throw)
        if finished:
            return yielded
        try:
            to_send, to_throw = await _Yield(yielded), None
        except BaseException as exc:  # cancellation and errors go into the coroutine
            to_send, to_throw = None, exc


def _step(coro: Coroutine, to_send: Any, to_throw: BaseException | None) -> tuple[bool, Any]:
    """One step of ``coro``: ``(True, result)`` when it returned, else ``(False, yielded)``
    (StopIteration must not cross a coroutine frame, so it becomes a flag here)."""
    try:
        yielded = coro.throw(to_throw) if to_throw is not None else coro.send(to_send)
    except StopIteration as stop:
        return True, stop.value
    return False, yielded


class _Yield:
    """Passes one value yielded by the driven coroutine (a future) up to the event loop."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __await__(self) -> Any:
        return (yield self.value)
