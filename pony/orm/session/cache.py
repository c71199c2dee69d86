"""One database's part of a session: its connection, transaction and identity map.

Pony calls this ``SessionCache``. Reads run in the connection's autocommit mode until the first
write (or at once with ``immediate``), when the provider begins a transaction; a connection lost
before anything was written is replaced silently, after a write it is a clear error.
"""

from __future__ import annotations

import time
from typing import Any, Protocol

from .. import errors
from ..dbproviders.base.streams import RowStream
from ..log import log_orm
from .stats import Statistics


class DatabaseLike(Protocol):
    """What the session needs of a Database (declared here, implemented in database.py)."""

    provider: Any
    priority: int
    _stats: Statistics


class SessionCache:
    # Scalar state starts from these class attributes (an instance sets its own when it changes):
    # a session is opened per request, so its constructor is on every request's path.
    on_replica = False
    on_primary = False
    connection: Any = None
    in_transaction = False
    # Something was written in the current transaction: a lost connection can't be replaced.
    modified = False
    noflush_counter = 0
    is_alive = True
    dirty = False  # objects changed in memory since the last flush
    # The flush of a commit is under way (the commit follows at once if it succeeds).
    committing = False
    # A write may run in the connection's autocommit mode (a commit's only statement).
    autocommit_write = False

    def __init__(self, database: DatabaseLike, session: Any) -> None:
        self.database = database
        self.provider = database.provider
        # Read replicas (pony.orm.routing): reads may start on one; the first write moves the
        # session to the primary for good (``provider`` is then the primary's again).
        self.router = getattr(database, "_router", None)
        self.readonly = getattr(session, "readonly", False)
        self.session = session
        self.stats = database._stats
        self.immediate = session.immediate
        self.serializable = session.serializable
        self.optimistic = session.optimistic and not session.serializable
        # identity map: pk value -> object, per root entity; unique keys -> object
        self.indexes: dict = {}
        self.objects: set = set()
        self.objects_to_save: list = []
        self.modified_collections: dict = {}
        self.seeds: dict = {}
        self.query_results: dict = {}
        self.for_update: set = set()
        self.perm_cache: dict = {}
        # (object, attributes) inserted as NULL to break a cycle, set by UPDATE after the flush
        self.postponed: list = []
        # names of the user's savepoints open in this transaction (session/savepoints.py)
        self.savepoints: list = []

    # --- connection -------------------------------------------------------------------------

    def get_connection(self) -> Any:
        if not self.is_alive:
            raise errors.DatabaseSessionIsOver("The database session is over")
        con = self.connection
        if con is None:
            if self.session.is_async:
                from ..dbproviders.aio.providers import connect_bridged
                con = self.connection = connect_bridged(self.provider)
            else:
                con = self.connection = self._open_connection()
            if self.immediate:
                self.begin()
        return con

    def _open_connection(self) -> Any:
        router = self.router
        if router is None or self.immediate or self.on_primary:
            return self.database.provider.connect()
        self.provider, con = router.connect_for_read(self.readonly)
        self.on_replica = self.provider is not self.database.provider
        return con

    def _move_to_primary(self) -> None:
        """Before the first write: give the replica's connection back and use the primary's."""
        con, provider = self.connection, self.provider
        self.connection, self.on_replica, self.on_primary = None, False, True
        self.provider = self.database.provider
        self.query_results.clear()
        if con is not None:
            try:
                if provider.IMPLICIT_TRANSACTIONS:
                    provider.rollback(con)
                provider.release(con)
            except errors.DBException:
                provider.drop(con)

    def _check_writable(self) -> None:
        if self.readonly:
            raise errors.TransactionError("Cannot change the database inside db_session(readonly=True)")
        if self.on_replica:
            self._move_to_primary()
        elif self.router is not None:
            self.on_primary = True  # no connection yet: the one to open is the primary's

    def begin(self) -> None:
        """Start the write transaction (idempotent)."""
        if self.in_transaction:
            return
        self._check_writable()
        con = self.connection if self.connection is not None else self.get_connection()
        if self.in_transaction:
            return
        self.provider.begin(con, immediate=self.immediate, serializable=self.serializable)
        self.in_transaction = True

    def autocommit_lock(self) -> Any:
        """The lock a write that commits by itself holds (``provider.autocommit_lock``), taken
        on the connection the write will use."""
        self._check_writable()
        return self.provider.autocommit_lock(self.get_connection())

    def execute(self, sql: str, arguments: Any = None, write: bool = False,
                returning_id: bool = False, prepared: bool = False, unbuffered: bool = False,
                reusable: bool = False) -> Any:
        """Run one statement and return ``(cursor, new_id)``; ``write`` begins the transaction.
        ``prepared``: an ORM statement with plain parameters the driver may prepare.
        ``unbuffered``: a SELECT the caller reads to its end at once with ``fetchmany``; where the
        provider has an unbuffered cursor (``Provider.unbuffered_cursor``) the "cursor" returned
        is an unregistered ``RowStream`` over it (``fetch``), which the caller must ``register``
        before it runs anything between two fetches, and ``close``.
        ``reusable``: the caller reads the rows at once, before anything else runs, so the
        cursor may be one the provider hands out again (``Provider.reusable_cursor``)."""
        if (write or self.immediate) and not self.in_transaction and not self.autocommit_write:
            self.begin()
        elif write and (self.router is not None or self.readonly):
            self._check_writable()
        con = self.connection  # (None once the session is over: get_connection then raises)
        if con is None:
            con = self.get_connection()
        provider = self.provider
        started = time.perf_counter()
        stream_cursor = None
        try:
            if unbuffered:
                stream_cursor = provider.unbuffered_cursor(con)
            if stream_cursor is not None:
                cursor = stream_cursor
            elif reusable:
                cursor = provider.reusable_cursor(con, prepared)
            else:
                cursor = provider.prepared_cursor(con) if prepared else provider.cursor(con)
            new_id = provider.execute(cursor, sql, arguments, returning_id)
        except errors.DBException as exc:
            stream_cursor = None  # a failed statement leaves no rows to stream
            if not provider.is_connection_error(exc):
                raise
            if self.modified:
                self.connection_lost()
                raise errors.ConnectionClosedError(
                    "The connection to the database was lost after changes were sent in this "
                    "transaction; the transaction is rolled back and nothing of it was saved. "
                    f"Original error: {exc}") from exc
            cursor, new_id = self.reconnect_and_retry(sql, arguments, returning_id)
        self.stats.query_executed(sql, time.perf_counter() - started)
        if write:
            self.modified = True
            if self.router is not None:
                self.router.wrote()
        if stream_cursor is not None:  # the caller registers it if it runs code between fetches
            return RowStream(provider, con, stream_cursor, register=False), new_id
        return cursor, new_id

    def executemany(self, sql: str, arguments_list: list, prepared: bool = False) -> Any:
        """One statement for many rows (a flush batch); the cursor's rowcount is their total."""
        if not self.autocommit_write:
            self.begin()
        con = self.get_connection()
        started = time.perf_counter()
        cursor = self.provider.prepared_cursor(con) if prepared else self.provider.cursor(con)
        self.provider.executemany(cursor, sql, arguments_list)
        self.stats.query_executed(sql, time.perf_counter() - started, len(arguments_list))
        self.modified = True
        return cursor

    def insert_rows(self, node: Any, sql: str, rows: list, returning_id: bool,
                    prepared: bool = False) -> list | None:
        """INSERT ``rows`` (argument lists of ``sql``, compiled from the ast ``node``); the new
        keys in row order when ``returning_id``. Several rows share one statement where the
        database can return their keys."""
        if not self.autocommit_write:
            self.begin()
        provider = self.provider
        con = self.get_connection()
        cursor = provider.prepared_cursor(con) if prepared else provider.cursor(con)
        stats = self.stats
        self.modified = True
        if not returning_id or not provider.INSERT_ROWS_RETURNING:
            started = time.perf_counter()
            ids = provider.insert_rows(cursor, sql, rows, returning_id)
            stats.query_executed(sql, time.perf_counter() - started, len(rows))
            return ids
        def record(sql: str, started: float, count: int = 1) -> None:
            stats.query_executed(sql, time.perf_counter() - started, count)

        return provider.insert_rows_returning(cursor, node, sql, rows, record)

    # --- savepoints around a flush batch: on failure, undo it and replay it row by row --------

    def savepoint(self) -> None:
        self.begin()
        self.provider.savepoint(self.connection, "pony_batch")

    def release_savepoint(self) -> None:
        if not self.provider.SAVEPOINT_NAME_REPLACES:  # else the next batch's savepoint replaces it
            self.provider.release_savepoint(self.connection, "pony_batch")

    def update_rows(self, shape: Any, rows: list) -> int:
        """A batch of UPDATEs in as few statements as the provider can (``update_rows``)."""
        self.begin()
        stats = self.stats
        self.modified = True

        def record(sql: str, started: float, count: int = 1) -> None:
            stats.query_executed(sql, time.perf_counter() - started, count)

        return self.provider.update_rows(self.provider.cursor(self.connection), shape, rows, record)

    def rollback_to_savepoint(self) -> None:
        self.provider.rollback_to_savepoint(self.connection, "pony_batch")

    def reconnect_and_retry(self, sql: str, arguments: Any, returning_id: bool) -> tuple:
        log_orm("RECONNECT")
        was_in_transaction = self.in_transaction
        self.connection_lost()
        con = self.get_connection()
        if was_in_transaction and not self.in_transaction:
            self.begin()
        cursor = con.cursor()
        new_id = self.provider.execute(cursor, sql, arguments, returning_id)
        return cursor, new_id

    def connection_lost(self) -> None:
        con = self.connection
        self.connection = None
        self.in_transaction = False
        self.savepoints.clear()
        if con is not None:
            self.provider.drop(con)

    # --- end of transaction -----------------------------------------------------------------

    def commit(self) -> None:
        con = self.connection
        if con is not None and (self.in_transaction or self.provider.IMPLICIT_TRANSACTIONS):
            try:
                self.provider.commit(con)
                if self.router is not None and self.modified:
                    self.router.wrote()  # read-your-writes counts from the commit
            except errors.DBException as exc:
                if self.provider.is_connection_error(exc):
                    self.connection_lost()
                raise
            finally:
                self.after_transaction()
        self.query_results.clear()

    def rollback(self) -> None:
        con = self.connection
        if con is not None and (self.in_transaction or self.provider.IMPLICIT_TRANSACTIONS):
            try:
                self.provider.rollback(con)
            except errors.DBException:
                self.connection_lost()
            finally:
                self.after_transaction()
        self.query_results.clear()

    def after_transaction(self) -> None:
        self.in_transaction = False
        self.savepoints.clear()
        self.modified = False
        con = self.connection
        if con is not None:
            self.provider.end_transaction(con)
        if self.immediate and con is not None and self.session.is_active:
            self.begin()

    def release(self) -> None:
        """Give the connection back to the pool at the end of the session."""
        con = self.connection
        if con is None:
            return
        self.connection = None
        if self.in_transaction:
            try:
                self.provider.rollback(con)
            except errors.DBException:
                self.provider.drop(con)
                return
            self.in_transaction = False
        self.provider.release(con)

    def close(self, rollback: bool = True) -> None:
        try:
            if rollback:
                self.rollback()
        finally:
            self.release()
            self.is_alive = False
