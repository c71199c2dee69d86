"""The awaitable forms: explicit ``await`` points for the ORM calls that reach the database.

Inside ``@db_session async def`` the plain API is already non-blocking; these forms also work in
a task that is not bridged (``async with db_session`` in a plain coroutine), where the plain
API's database calls would raise ``AsyncBridgeError``.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any, TypeVar

from ..dbproviders.aio.bridge import drive_in_bridge, require_greenlet, run_in_bridge

T = TypeVar("T")


async def call(func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run any synchronous Pony code ``func(*args, **kwargs)`` without blocking the loop."""
    if kwargs:
        return await run_in_bridge(functools.partial(func, *args, **kwargs))
    return await run_in_bridge(func, *args)


def _query(source: Any) -> Any:
    """A Query from a Query or a generator expression (its own frame keeps its variables)."""
    from ..query.query import Query
    if isinstance(source, Query):
        return source
    from ..query.api import select
    return select(source)


async def fetch(query: Any, limit: int | None = None, offset: int | None = None) -> list:
    """``query.fetch(limit, offset)``: the rows (or objects) as a list."""
    return await call(lambda: _query(query).fetch(limit, offset))


def iterate(query: Any) -> AsyncIterator[Any]:
    """``async for x in aio.iterate(query)`` (also ``async for x in query``): fetches, then yields."""
    return _query(query).__aiter__()


async def get(source: Any, *args: Any, **kwargs: Any) -> Any:
    """``Entity.get(...)`` for an entity class, ``query.get()`` for a query or generator."""
    if isinstance(source, type) and hasattr(source, "_pk_attrs_"):
        entity: Any = source
        return await call(entity.get, *args, **kwargs)
    return await call(lambda: _query(source).get())


async def first(query: Any) -> Any:
    """``query.first()``: the first row or None."""
    return await call(lambda: _query(query).first())


async def count(query: Any) -> int:
    """``query.count()``."""
    return await call(lambda: _query(query).count())


async def exists(query: Any) -> bool:
    """``query.exists()``."""
    return await call(lambda: _query(query).exists())


async def flush() -> None:
    """Send the pending changes of the current session."""
    from ..session.api import flush as flush_session
    await call(flush_session)


async def commit() -> None:
    """Commit the current session (it stays open)."""
    from ..session.api import commit as commit_session
    await call(commit_session)


async def rollback() -> None:
    """Roll the current session back (it stays open)."""
    from ..session.api import rollback as rollback_session
    await call(rollback_session)


def create_task(coro: Coroutine[Any, Any, T], **kwargs: Any) -> asyncio.Task[T]:
    """``asyncio.create_task`` for a coroutine that may use the plain API anywhere in it."""
    require_greenlet()
    return asyncio.get_running_loop().create_task(drive_in_bridge(coro), **kwargs)


def _task_factory(loop: asyncio.AbstractEventLoop, coro: Any, **kwargs: Any) -> asyncio.Task:
    return asyncio.Task(drive_in_bridge(coro), loop=loop, **kwargs)


def install(loop: asyncio.AbstractEventLoop | None = None) -> None:
    """Run every task created from now on in ``loop`` (default: the running one) under the bridge."""
    require_greenlet()
    (loop or asyncio.get_running_loop()).set_task_factory(_task_factory)  # type: ignore[arg-type]


def run(main: Coroutine[Any, Any, T], *, debug: bool | None = None) -> T:
    """``asyncio.run(main)`` with every task of the loop (``main`` included) under the bridge."""
    require_greenlet()
    with asyncio.Runner(debug=debug) as runner:
        install(runner.get_loop())
        return runner.run(main)


def configure(db: Any, pool_size: int | None = None, pool_timeout: float | None = None) -> None:
    """Set the size and the wait timeout (seconds) of ``db``'s async pools (bind ``db`` first).
    Pools made before the call keep their settings."""
    provider = db._require_provider()
    options = provider.__dict__.setdefault("async_pool_options", {})
    if pool_size is not None:
        if not isinstance(pool_size, int) or isinstance(pool_size, bool) or pool_size < 1:
            raise TypeError(f"pool_size must be a positive int. Got: {pool_size!r}")
        options["pool_size"] = pool_size
    if pool_timeout is not None:
        if isinstance(pool_timeout, bool) or not isinstance(pool_timeout, (int, float)) or pool_timeout <= 0:
            raise TypeError(f"pool_timeout must be a positive number of seconds. Got: {pool_timeout!r}")
        options["pool_timeout"] = float(pool_timeout)


async def disconnect(db: Any) -> None:
    """Close the idle connections of ``db``'s async pool of the running loop."""
    provider = db._require_provider()
    pool = provider.__dict__.get("_async_pools", {}).get(asyncio.get_running_loop())
    if pool is not None:
        await pool.close_idle()
