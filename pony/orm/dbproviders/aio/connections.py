"""Synchronous DB-API faces of asyncio driver connections, for the provider code.

The providers talk DB-API (``con.cursor()``, ``cursor.execute``, ``con.commit()``). Under an async
session they get a ``BridgeConnection``: each call that needs the server is handed to the event
loop through ``await_only``, so the same provider code drives psycopg's ``AsyncConnection``,
aiomysql, or an sqlite3 connection running in a worker thread of its own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from ... import errors
from .bridge import await_only


class BridgeConnection:
    """A DB-API connection whose waits go through the bridge; ``raw`` is the driver's."""

    def __init__(self, raw: Any, pool: Any) -> None:
        self.raw = raw
        self.pool = pool
        # A driver call was interrupted (task cancelled): the connection's state is unknown, so it
        # is closed instead of reused, which also rolls its transaction back on the server.
        self.broken = False

    def _wait(self, awaitable: Awaitable) -> Any:
        if self.broken:
            if hasattr(awaitable, "close"):
                awaitable.close()  # type: ignore[union-attr]
            raise errors.InterfaceError(None, "The connection was interrupted by a cancelled task and is closed")
        try:
            return await_only(awaitable)
        except Exception:
            raise
        except BaseException:  # CancelledError, GeneratorExit: the call did not complete
            self.broken = True
            raise

    def __getattr__(self, name: str) -> Any:  # plain attributes (info, description, ...)
        return getattr(self.raw, name)

    def cursor(self) -> BridgeCursor:
        return BridgeCursor(self, self.raw.cursor())

    def commit(self) -> None:
        self._wait(self.raw.commit())

    def rollback(self) -> None:
        self._wait(self.raw.rollback())

    def execute(self, sql: str, arguments: Any = None) -> BridgeCursor:
        cursor = self.cursor()
        cursor.execute(sql, arguments)
        return cursor

    async def aclose(self) -> None:
        """Close the driver connection (from the event loop)."""
        result = self.raw.close()
        if asyncio.iscoroutine(result):
            await result


class BridgeCursor:
    def __init__(self, connection: BridgeConnection, raw: Any) -> None:
        self.connection = connection
        self.raw = raw

    def __getattr__(self, name: str) -> Any:  # description, rowcount, lastrowid, nextset, ...
        return getattr(self.raw, name)

    def execute(self, sql: str, arguments: Any = None) -> BridgeCursor:
        if arguments is None:
            self.connection._wait(self.raw.execute(sql))
        else:
            self.connection._wait(self.raw.execute(sql, arguments))
        return self

    def executemany(self, sql: str, arguments_list: Any, **options: Any) -> None:
        self.connection._wait(self.raw.executemany(sql, arguments_list, **options))

    def fetchone(self) -> Any:
        return self.connection._wait(self.raw.fetchone())

    def fetchmany(self, size: int | None = None) -> list:
        fetch = self.raw.fetchmany
        return self.connection._wait(fetch() if size is None else fetch(size))

    def fetchall(self) -> list:
        return self.connection._wait(self.raw.fetchall())

    def __iter__(self) -> Any:
        while True:
            row = self.fetchone()
            if row is None:
                return
            yield row

    def close(self) -> None:
        result = self.raw.close()
        if asyncio.iscoroutine(result):
            self.connection._wait(result)


class PGBridgeConnection(BridgeConnection):
    """psycopg 3 ``AsyncConnection``: autocommit is switched by a coroutine."""

    @property
    def autocommit(self) -> bool:
        return self.raw.autocommit

    @autocommit.setter
    def autocommit(self, value: bool) -> None:
        self._wait(self.raw.set_autocommit(value))

    async def aclose(self) -> None:
        if self.broken:  # stop the interrupted statement on the server (its locks go with it)
            try:
                await self.raw.cancel_safe(timeout=5.0)
            except Exception:
                pass
        await self.raw.close()

    def prepared_cursor(self) -> BridgeCursor:
        """A server-side binding cursor (psycopg prepares statements sent often)."""
        import psycopg
        return BridgeCursor(self, psycopg.AsyncCursor(self.raw))


class MySQLBridgeConnection(BridgeConnection):
    """aiomysql: ``cursor()`` gives an awaitable."""

    def cursor(self) -> BridgeCursor:
        return BridgeCursor(self, self._wait(self.raw.cursor()))

    def __init__(self, raw: Any, pool: Any, connect_kwargs: dict) -> None:
        super().__init__(raw, pool)
        self.connect_kwargs = connect_kwargs

    async def aclose(self) -> None:
        if self.broken:
            await self._kill_on_server()
        self.raw.close()

    async def _kill_on_server(self) -> None:
        """Closing the socket does not stop a running statement (nor free its locks) on the server:
        KILL it from a short-lived second connection."""
        import aiomysql
        try:
            killer = await aiomysql.connect(**self.connect_kwargs)
            try:
                async with killer.cursor() as cursor:
                    await cursor.execute("KILL %s", (self.raw.thread_id(),))
            finally:
                killer.close()
        except Exception:
            pass


class ThreadedConnection(BridgeConnection):
    """An sqlite3 connection driven from a worker thread of its own: the event loop never runs
    SQLite's work (the sqlite3 module releases the GIL while a statement steps)."""

    def __init__(self, raw: Any, pool: Any, executor: ThreadPoolExecutor,
                 on_close: Callable[[Any], None] | None = None) -> None:
        super().__init__(raw, pool)
        self.executor = executor
        self.on_close = on_close

    def run(self, func: Callable, *args: Any) -> Any:
        """``func(*args)`` in the connection's thread, waited for through the bridge."""
        return self._wait(asyncio.get_running_loop().run_in_executor(self.executor, func, *args))

    def cursor(self) -> BridgeCursor:
        return ThreadedCursor(self, self.raw.cursor())

    def commit(self) -> None:
        self.run(self.raw.commit)

    def rollback(self) -> None:
        self.run(self.raw.rollback)

    async def aclose(self) -> None:
        loop = asyncio.get_running_loop()
        if self.broken:
            try:
                self.raw.interrupt()  # thread-safe: stops the statement the worker is running
            except Exception:
                pass
        try:
            if self.on_close is not None:  # a borrowed connection goes back clean
                await loop.run_in_executor(self.executor, _rollback_quietly, self.raw)
                self.on_close(self.raw)
            else:
                await loop.run_in_executor(self.executor, self.raw.close)
        finally:
            self.executor.shutdown(wait=False)


def _rollback_quietly(raw: Any) -> None:
    try:
        if raw.in_transaction:
            raw.rollback()
    except Exception:
        pass


class ThreadedCursor(BridgeCursor):
    connection: ThreadedConnection

    def execute(self, sql: str, arguments: Any = None) -> BridgeCursor:
        if arguments is None:
            self.connection.run(self.raw.execute, sql)
        else:
            self.connection.run(self.raw.execute, sql, arguments)
        return self

    def executemany(self, sql: str, arguments_list: Any, **options: Any) -> None:
        self.connection.run(self.raw.executemany, sql, arguments_list)

    def fetchone(self) -> Any:
        return self.connection.run(self.raw.fetchone)

    def fetchmany(self, size: int | None = None) -> list:
        if size is None:
            return self.connection.run(self.raw.fetchmany)
        return self.connection.run(self.raw.fetchmany, size)

    def fetchall(self) -> list:
        return self.connection.run(self.raw.fetchall)

    def close(self) -> None:
        self.raw.close()
