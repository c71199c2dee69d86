"""A per-thread connection pool: each thread keeps one open connection and reuses it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from ...log import log_orm


class Pool(threading.local):
    """Holds at most one idle connection per thread.

    ``connect_func`` opens a new DB-API connection; ``on_new`` runs once on every new one
    (the ``on_connect`` hooks of the Database, then the provider's own set-up).
    """

    # May a second session of the same thread (another asyncio task, a suspended generator)
    # get a connection of its own while the pooled one is in use? Not for a private in-memory
    # SQLite database, where another connection would be another database.
    extra_connections = True

    def __init__(self, connect_func: Callable[[], Any], on_new: Callable[[Any], None] | None = None) -> None:
        self.connect_func = connect_func
        self.on_new = on_new
        self.con: Any = None
        self.in_use = False

    def _new_connection(self) -> Any:
        log_orm("GET NEW CONNECTION")
        con = self.connect_func()
        if self.on_new is not None:
            try:
                self.on_new(con)
            except BaseException:
                con.close()
                raise
        return con

    def connect(self) -> tuple[Any, bool]:
        """Return ``(connection, is_new)``; the pooled one when the thread has it free."""
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
        else:
            try:
                con.close()
            except Exception:
                pass

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

    def disconnect(self) -> None:
        con = self.con
        if con is not None:
            log_orm("DISCONNECT")
            self.con = None
            self.in_use = False
            try:
                con.close()
            except Exception:
                pass
