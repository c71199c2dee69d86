"""Opening asyncio driver connections for each provider, and handing them to a session."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from ..base.errors import raise_wrapped
from .bridge import await_only
from .connections import BridgeConnection, MySQLBridgeConnection, PGBridgeConnection, ThreadedConnection
from .pool import AsyncPool, pool_for


def connect_bridged(provider: Any) -> BridgeConnection:
    """A connection of the async pool for the session being run by the bridge (sync code)."""
    opener = _OPENERS.get(provider.provider_name) or _OPENERS.get(getattr(provider, "PIP_EXTRA", ""))
    if opener is None:
        raise NotImplementedError(f"Async sessions are not available for the {provider.dialect} provider")
    pool = pool_for(provider, opener)
    try:
        con, is_new = await_only(pool.acquire())
    except Exception as exc:
        raise_wrapped(exc)
    if is_new:
        try:
            provider.new_connection_setup(con)
        except BaseException:
            pool.drop(con)
            raise
    return con


async def _open_postgres(pool: AsyncPool, provider: Any) -> BridgeConnection:
    if not provider.is_psycopg3:
        raise ImportError("Async sessions on PostgreSQL need psycopg 3: pip install 'pony-ast[postgres]'")
    psycopg = provider.dbapi_module
    dsn, kwargs = provider.connect_args
    kwargs = {**kwargs, "cursor_factory": psycopg.AsyncClientCursor}
    raw = await psycopg.AsyncConnection.connect(dsn, autocommit=True, **kwargs)
    return PGBridgeConnection(raw, pool)


def _aiomysql() -> Any:
    try:
        import aiomysql
    except ImportError:
        raise ImportError("Async sessions on MySQL/MariaDB need aiomysql: pip install 'pony-ast[async]'") from None
    return aiomysql


async def _open_mysql(pool: AsyncPool, provider: Any) -> BridgeConnection:
    aiomysql = _aiomysql()
    kwargs = dict(provider.connect_kwargs)
    for old, new in (("database", "db"), ("passwd", "password")):
        if old in kwargs:
            kwargs[new] = kwargs.pop(old)
    if "conv" not in kwargs:  # aiomysql decodes with PyMySQL's conversions: the fast ones of those
        import pymysql

        from ..mysql.decoders import fast_conversions
        kwargs["conv"] = fast_conversions(pymysql)
    raw = await aiomysql.connect(**kwargs)
    return MySQLBridgeConnection(raw, pool, kwargs)


async def _open_sqlite(pool: AsyncPool, provider: Any) -> BridgeConnection:
    executor = ThreadPoolExecutor(1, thread_name_prefix="pony-sqlite")
    sync_pool = provider.pool
    if provider.filename == ":memory:":
        # The loop thread's private database lives in its one connection: borrow it.
        raw, _ = sync_pool.connect()
        return ThreadedConnection(raw, pool, executor, on_close=sync_pool.release)
    try:
        raw = await asyncio.get_running_loop().run_in_executor(executor, sync_pool._open)
    except BaseException:
        executor.shutdown(wait=False)
        raise
    return ThreadedConnection(raw, pool, executor)


def _opener(open_func: Any) -> Any:
    def opener(pool: AsyncPool) -> Any:
        return open_func(pool, pool.provider)
    return opener


_OPENERS = {
    "postgres": _opener(_open_postgres),
    "mysql": _opener(_open_mysql),
    "sqlite": _opener(_open_sqlite),
}
