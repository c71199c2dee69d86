"""Async sessions: ``@db_session async def`` and ``async with db_session``.

An async session gets its connection from the async pool (see ``dbproviders/aio/pool.py``) and keeps it, with its
pending changes, across the coroutine's ``await``s until it ends. Its synchronous ORM code runs
in bridge greenlets (see ``dbproviders/aio/bridge.py``), so each database call suspends only its own task.
"""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Callable, Coroutine
from typing import Any

from .. import errors
from ..dbproviders.aio.bridge import HAVE_GREENLET, drive_in_bridge, run_in_bridge
from .context import current_session, enter_stack


def _session_of_this_task() -> Any:
    """The current session, unless it was inherited from the task that created this one (a task
    copies its creator's context): each task has a session of its own."""
    session = current_session.get()
    if session is None:
        return None
    owner = getattr(session, "task", None)
    if owner is not None and owner is not asyncio.current_task():
        current_session.set(None)
        return None
    return session


def _start(manager: Any) -> bool:
    """Enter ``manager``; True when it opened a new (async) session."""
    outer = _session_of_this_task() is None
    manager._enter()
    if outer:
        session: Any = current_session.get()
        session.is_async = True
        session.task = asyncio.current_task()
    return outer


async def _finish(manager: Any, outer: bool, exc: BaseException | None) -> None:
    if outer:
        await run_in_bridge(manager._exit, exc)  # commit or roll back: the database is waited for
    else:
        manager._exit(exc)


async def _run_once(manager: Any, func: Callable[..., Coroutine], args: tuple, kwargs: dict) -> Any:
    outer = _start(manager)
    try:
        result = await drive_in_bridge(func(*args, **kwargs))
    except BaseException as exc:
        await _finish(manager, outer, exc)
        raise
    await _finish(manager, outer, None)
    return result


def wrap_coroutine(manager: Any, func: Callable[..., Coroutine]) -> Callable[..., Coroutine]:
    """The ``@db_session`` wrapper of an ``async def`` function."""
    if not HAVE_GREENLET:
        return _legacy_wrapper(manager, func)

    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        if _session_of_this_task() is not None:  # called inside a session: it joins that one
            if manager.retry:
                warnings.warn(f"@db_session decorator with `retry={manager.retry}` option is ignored for "
                              f"{func.__name__}() function because it is called inside another db_session",
                              errors.PonyRuntimeWarning, stacklevel=2)
            return await _run_once(manager, func, args, kwargs)
        attempt = 0
        while True:
            try:
                return await _run_once(manager, func, args, kwargs)
            except Exception as exc:
                if attempt < manager.retry and manager.should_retry(exc):
                    attempt += 1  # the coroutine function runs again, in a new session
                    continue
                raise

    return wrapper


def _legacy_wrapper(manager: Any, func: Callable) -> Callable:
    """Without greenlet: the session is suspended at each ``await`` and the I/O blocks."""
    for option in ("ddl", "retry", "serializable"):
        if getattr(manager, option):
            raise TypeError(f"db_session with `{option}` option cannot be applied to a coroutine function "
                            "without the async extra: pip install 'pony-ast[async]'")
    from .suspended import wrap_coroutine as wrap_suspended
    return wrap_suspended(manager, func)


async def aenter(manager: Any) -> Any:
    """``async with db_session``: open (or join) the session of this task."""
    if manager.retry:
        raise TypeError("@db_session can accept 'retry' parameter only when used as decorator "
                        "and not as context manager")
    if HAVE_GREENLET:
        _start(manager)
    else:
        manager._enter()  # without greenlet: a synchronous session, its I/O blocks
    return manager


async def aexit(manager: Any, exc: BaseException | None) -> None:
    outer = enter_stack.get()[-1][0]
    if HAVE_GREENLET:
        await _finish(manager, outer, exc)
    else:
        manager._exit(exc)
