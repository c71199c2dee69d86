"""A bounded connection pool per database and event loop, for async sessions.

At most ``size`` connections are open (or being opened) at once; a session that finds none free
waits up to ``timeout`` seconds, then gets ``PoolTimeoutError``. A session holds its connection
from its first statement to its end. The pool of a loop closes its idle connections when
``asyncio.run`` (or any loop that shuts down its async generators) finishes.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from ...log import log_orm
from .bridge import await_only, in_bridge
from .connections import BridgeConnection
from .errors import PoolTimeoutError

DEFAULT_POOL_SIZE = 10
DEFAULT_POOL_TIMEOUT = 30.0


class AsyncPool:
    def __init__(self, provider: Any, opener: Callable[[AsyncPool], Awaitable[BridgeConnection]], size: int,
                 timeout: float, name: str) -> None:
        self.provider = provider
        self.opener = opener
        self.size = size
        self.timeout = timeout
        self.name = name
        self.slots = asyncio.Semaphore(size)
        self.idle: list[BridgeConnection] = []
        self.open_count = 0  # open connections, in use or idle
        self.closing: set[asyncio.Task] = set()  # dropped connections being closed
        # Started on first use, then left suspended: the loop's shutdown_asyncgens() (run by
        # asyncio.run at its end) finalizes it, which closes the idle connections.
        self._closer = _close_at_shutdown(self)
        self._closer_started = False

    async def acquire(self) -> tuple[BridgeConnection, bool]:
        """A free connection and whether it is new (needs the provider's set-up)."""
        if not self._closer_started:
            self._closer_started = True  # the loop holds it weakly: self._closer keeps it alive
            await self._closer.__anext__()
        try:
            if self.slots.locked():
                await asyncio.wait_for(self.slots.acquire(), self.timeout)
            else:
                await self.slots.acquire()  # free at once: no timer needed
        except TimeoutError:
            raise PoolTimeoutError(None, f"No connection of the async pool of {self.name} became free within "
                                         f"{self.timeout:g} s (pool size {self.size}): more sessions hold a "
                                         "connection at once than the pool allows; raise the size with "
                                         "pony.orm.aio.configure(db, pool_size=...)") from None
        while self.idle:
            con = self.idle.pop()
            if not _is_closed(con):
                log_orm("GET CONNECTION FROM THE ASYNC POOL")
                return con, False
            self.open_count -= 1
        try:
            log_orm("GET NEW CONNECTION")
            con = await self.opener(self)
        except BaseException:
            self.slots.release()
            raise
        self.open_count += 1
        return con, True

    def release(self, con: BridgeConnection) -> None:
        log_orm("RELEASE CONNECTION")
        if con.broken:
            self.drop(con)
            return
        self.idle.append(con)
        self.slots.release()

    def drop(self, con: BridgeConnection) -> None:
        """Close ``con`` (its server rolls back what it had not committed) and free its slot."""
        log_orm("CLOSE CONNECTION")
        self.open_count -= 1
        try:
            if in_bridge():  # the session's own code: wait for the close (a rollback on the server)
                await_only(_quiet_close(con))
                return
        finally:
            self.slots.release()
        task = asyncio.get_running_loop().create_task(_quiet_close(con))
        self.closing.add(task)
        task.add_done_callback(self.closing.discard)

    async def close_idle(self) -> None:
        """Close the idle connections, and wait for those being closed."""
        idle, self.idle = self.idle, []
        self.open_count -= len(idle)
        for con in idle:
            await _quiet_close(con)
        if self.closing:
            await asyncio.gather(*self.closing, return_exceptions=True)


async def _quiet_close(con: BridgeConnection) -> None:
    try:
        await con.aclose()
    except Exception:
        pass


def _is_closed(con: BridgeConnection) -> bool:
    closed = getattr(con.raw, "closed", False)
    return closed() if callable(closed) else bool(closed)


async def _close_at_shutdown(pool: AsyncPool) -> AsyncIterator[None]:
    try:
        yield
    finally:
        await pool.close_idle()


def pool_for(provider: Any, opener: Callable[[AsyncPool], Awaitable[BridgeConnection]]) -> AsyncPool:
    """The async pool of ``provider`` for the running event loop (made on first use)."""
    loop = asyncio.get_running_loop()
    pools = provider.__dict__.get("_async_pools")
    if pools is None:
        pools = provider._async_pools = weakref.WeakKeyDictionary()
    pool = pools.get(loop)
    if pool is None:
        options = provider.__dict__.get("async_pool_options", {})
        size = options.get("pool_size", DEFAULT_POOL_SIZE)
        timeout = options.get("pool_timeout", DEFAULT_POOL_TIMEOUT)
        if getattr(provider, "filename", None) in (":memory:", ":sharedmemory:"):
            # A private in-memory database is one connection; a shared-cache one has table locks
            # that do not wait (busy timeout), so its sessions take turns.
            size = 1
        pool = pools[loop] = AsyncPool(provider, opener, size, timeout, provider.dialect)
    return pool
