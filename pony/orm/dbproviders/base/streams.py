"""Row streams: the rows of one SELECT read a batch at a time from a server-side cursor.

``Provider.stream_cursor`` makes the cursor: a named (server-side) cursor on PostgreSQL, an
unbuffered ``SSCursor`` on MySQL/MariaDB, a plain cursor read with ``fetchmany`` on SQLite.

A server-side cursor lives on the session's connection, and some drivers cannot keep it open
while that connection does something else: PyMySQL drops the rest of an unbuffered result when
another statement is sent, and PostgreSQL closes a cursor at commit or rollback. Before such a
statement the provider calls ``buffer_rest``: the rows not read yet are fetched into memory and
the stream goes on from there. The result is always complete; only the memory saving is lost.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from .errors import raise_wrapped, wrap_dbapi_exceptions


class RowStream:
    """The rows of one statement, read ``fetch(n)`` at a time; ``close`` releases the cursor."""

    def __init__(self, provider: Any, con: Any, cursor: Any, register: bool = True) -> None:
        self.provider = provider
        self.con = con
        self.cursor: Any = cursor
        self.buffered: deque | None = None  # the rest of the rows, once read into memory
        self.registered = False
        if register:
            self.register()

    def register(self) -> None:
        """From now on, a statement, commit or rollback on the connection first reads the rows
        not read yet (``buffer_rest``). A stream read to its end before anything else runs on
        the connection needs no registering (a plain query's small result)."""
        if not self.registered:
            self.provider.open_streams.setdefault(id(self.con), []).append(self)
            self.registered = True

    def fetch(self, size: int) -> list:
        buffered = self.buffered
        if buffered is not None:
            return [buffered.popleft() for _ in range(min(size, len(buffered)))]
        if self.cursor is None:
            return []
        # try/except rather than the context manager: plain reads of every size come here too
        try:
            rows = self.cursor.fetchmany(size)
        except Exception as exc:
            raise_wrapped(exc)
        if not rows:
            self.close()
        return rows

    def buffer_rest(self) -> None:
        """Read every row not read yet, so the connection is free for another statement."""
        if self.cursor is None or self.buffered is not None:
            return
        self._unregister()
        with wrap_dbapi_exceptions():
            self.buffered = deque(self.cursor.fetchall())
        self._close_cursor()

    def close(self) -> None:
        """Release the cursor (idempotent); rows not read are discarded."""
        self.buffered = None
        if self.cursor is None:
            return
        self._unregister()
        self.provider.close_stream_cursor(self.con, self.cursor)
        self.cursor = None

    def _close_cursor(self) -> None:
        cursor, self.cursor = self.cursor, None
        if cursor is not None:
            try:
                cursor.close()
            except Exception:
                pass  # the connection is broken or the transaction is over: nothing to release

    def _unregister(self) -> None:
        if not self.registered:
            return
        self.registered = False
        streams = self.provider.open_streams.get(id(self.con))
        if streams is not None and self in streams:
            streams.remove(self)
            if not streams:
                del self.provider.open_streams[id(self.con)]


def buffer_open_streams(provider: Any, con: Any) -> None:
    """Called before a statement, commit or rollback on ``con``: streams open there read their
    remaining rows first (see the module's docstring)."""
    for stream in list(provider.open_streams.get(id(con), ())):
        stream.buffer_rest()


def close_open_streams(provider: Any, con: Any) -> None:
    """``con`` goes back to the pool or is dropped: streams left open on it end here."""
    for stream in list(provider.open_streams.get(id(con), ())):
        stream.close()
