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

    def __init__(self, connect_func: Callable[[], Any], on_new: Callable[[Any], None] | None = None) -> None:
        self.connect_func = connect_func
        self.on_new = on_new
        self.con: Any = None

    def connect(self) -> tuple[Any, bool]:
        """Return ``(connection, is_new)``; the pooled one when the thread has it."""
        con = self.con
        if con is not None:
            log_orm("GET CONNECTION FROM THE LOCAL POOL")
            return con, False
        log_orm("GET NEW CONNECTION")
        con = self.connect_func()
        if self.on_new is not None:
            try:
                self.on_new(con)
            except BaseException:
                con.close()
                raise
        self.con = con
        return con, True

    def release(self, con: Any) -> None:
        log_orm("RELEASE CONNECTION")
        # The pooled connection stays open for the thread's next session.

    def drop(self, con: Any) -> None:
        """Close ``con`` and forget it, so the next ``connect`` opens a fresh one."""
        if self.con is con:
            self.con = None
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
            try:
                con.close()
            except Exception:
                pass
