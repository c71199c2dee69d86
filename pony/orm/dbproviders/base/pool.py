"""A per-thread connection pool: each thread keeps one open connection and reuses it.

With a ``ConnectionLimit`` (the ``max_connections`` bind option) the open connections of all
threads are counted, and a thread may take the idle connection another thread left.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from ...log import log_orm
from .pool_limit import ConnectionLimit


class Pool(threading.local):
    """Holds at most one idle connection per thread.

    ``connect_func`` opens a new DB-API connection; ``on_new`` runs once on every new one
    (the ``on_connect`` hooks of the Database, then the provider's own set-up).
    """

    # Slots of a threading.local are shared by all threads (the rest is per thread).
    __slots__ = ("limit", "opener", "__dict__")
    # May a connection opened by one thread be used by another (not SQLite's)?
    shareable = True

    # May a second session of the same thread (another asyncio task, a suspended generator)
    # get a connection of its own while the pooled one is in use? Not for a private in-memory
    # SQLite database, where another connection would be another database.
    extra_connections = True

    def __init__(self, connect_func: Callable[[], Any], on_new: Callable[[Any], None] | None = None) -> None:
        self.connect_func = connect_func
        self.on_new = on_new
        self.con: Any = None
        self.in_use = False

    def set_limit(self, limit: ConnectionLimit | None) -> None:
        """Count this pool's connections in ``limit`` (all threads)."""
        self.limit = limit

    def set_opener(self, opener: Callable[[], Any]) -> None:
        """Open new connections with ``opener`` instead (all threads): the ``failover`` bind option."""
        self.opener = opener

    def _limit(self) -> ConnectionLimit | None:
        return getattr(self, "limit", None)

    def _new_connection(self) -> Any:
        log_orm("GET NEW CONNECTION")
        try:
            con = getattr(self, "opener", self.connect_func)()
        except BaseException:
            self._closed(None)
            raise
        if self.on_new is not None:
            try:
                self.on_new(con)
            except BaseException:
                con.close()
                self._closed(None)
                raise
        return con

    def _closed(self, con: Any) -> None:
        limit = self._limit()
        if limit is not None:
            limit.closed(con)

    def _connect_limited(self, limit: ConnectionLimit) -> tuple[Any, bool]:
        con = self.con
        if con is not None and self.in_use and not self.extra_connections:
            return con, False
        if con is not None and not self.in_use and limit.take_own(con):
            self.in_use = True
            return con, False
        if con is not None and not self.in_use:
            self.con = None  # another thread took it while it was idle
        idle = limit.reserve()
        con = idle if idle is not None else self._new_connection()
        if self.con is None:
            self.con, self.in_use = con, True
        return con, idle is None

    def connect(self) -> tuple[Any, bool]:
        """Return ``(connection, is_new)``; the pooled one when the thread has it free."""
        limit = self._limit()
        if limit is not None:
            return self._connect_limited(limit)
        con = self.con
        if con is not None:
            if self.in_use and self.extra_connections:
                return self._new_connection(), True  # closed again by release()
            log_orm("GET CONNECTION FROM THE LOCAL POOL")
            self.in_use = True
            return con, False
        con = self.con = self._new_connection()
        self.in_use = True
        return con, True

    def release(self, con: Any) -> None:
        log_orm("RELEASE CONNECTION")
        if con is self.con:
            self.in_use = False  # stays open for the thread's next session
            limit = self._limit()
            if limit is not None:
                limit.idle_again(con)
        else:
            try:
                con.close()
            except Exception:
                pass
            self._closed(con)

    def drop(self, con: Any) -> None:
        """Close ``con`` and forget it, so the next ``connect`` opens a fresh one."""
        if self.con is con:
            self.con = None
            self.in_use = False
        log_orm("CLOSE CONNECTION")
        try:
            con.close()
        except Exception:
            pass
        self._closed(con)

    def disconnect(self) -> None:
        limit = self._limit()
        con = self.con
        if con is not None:
            log_orm("DISCONNECT")
            self.con = None
            in_use, self.in_use = self.in_use, False
            if limit is not None and (in_use or not limit.take_own(con)):
                con = None  # in use by a session (or taken by another thread): not ours to close
            if con is not None:
                try:
                    con.close()
                except Exception:
                    pass
                self._closed(None)
        if limit is not None:
            for idle in limit.close_idle():
                try:
                    idle.close()
                except Exception:
                    pass
