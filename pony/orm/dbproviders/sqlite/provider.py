"""The SQLite provider: file, ``:memory:`` and ``:sharedmemory:`` databases."""

from __future__ import annotations

import itertools
import os
import sqlite3
import threading
from typing import Any

from ... import errors
from ...callers import user_frame
from ...log import log_orm
from ..aio.connections import BridgeConnection
from ..base.errors import raise_wrapped
from ..base.pool import Pool
from ..base.provider import DBAPIProvider
from .compiler import SQLiteCompiler
from .converters import SQLITE_CONVERTERS
from .ddl import SQLiteDDLCompiler
from .functions import register_functions

_shared_memory_ids = itertools.count(1)


class SQLitePool(Pool):
    shareable = False  # sqlite3 connections stay in the thread that opened them

    def __init__(self, filename: str, create_db: bool, kwargs: dict, on_new: Any) -> None:
        self.filename = filename
        self.extra_connections = filename != ":memory:"
        self.create_db = create_db
        self.kwargs = kwargs
        super().__init__(self._open, on_new)

    def _open(self) -> sqlite3.Connection:
        filename = self.filename
        if filename != ":memory:" and not self.kwargs.get("uri") and not os.path.exists(filename):
            if not self.create_db:
                raise OSError(f"Database file is not found: {filename!r}")
        return sqlite3.connect(filename, **self.kwargs)

    def drop(self, con: Any) -> None:
        if self.filename == ":memory:":
            # Closing would destroy the thread's private database: roll back instead.
            try:
                con.rollback()
                return
            except sqlite3.Error:
                pass  # already closed: nothing left to keep
        super().drop(con)

    def disconnect(self) -> None:
        if self.filename != ":memory:":
            super().disconnect()


class SharedMemoryPool(Pool):
    """An in-memory database shared by all threads: each thread has its own connection to one
    shared-cache memory database, kept alive by an anchor connection that is never closed."""

    shareable = False

    def __init__(self, uri: str, kwargs: dict, on_new: Any, anchor: Any) -> None:
        self.uri = uri
        self.kwargs = kwargs
        self.anchor = anchor
        super().__init__(self._open, on_new)

    def _open(self) -> sqlite3.Connection:
        return sqlite3.connect(self.uri, uri=True, **self.kwargs)


def _caller_dir() -> str:
    """Directory of the first module outside this package on the stack (the one that bound)."""
    filename = user_frame().f_code.co_filename
    if filename.startswith("<"):
        return os.getcwd()
    return os.path.dirname(os.path.abspath(filename))


class SQLiteProvider(DBAPIProvider):
    dialect = "SQLite"
    provider_name = "sqlite"
    URL_SCHEMES = ("sqlite",)

    @classmethod
    def bind_arguments_from_url(cls, url: Any) -> tuple[tuple, dict]:
        """``sqlite://`` and ``sqlite://:memory:`` are in memory; ``sqlite:///rel.db`` is relative to
        the current directory, ``sqlite:////abs/path.db`` absolute."""
        path = url.path
        if path in ("", ":memory:", "/:memory:"):
            filename = ":memory:"
        elif path in (":sharedmemory:", "/:sharedmemory:"):
            filename = ":sharedmemory:"
        elif path.startswith("/"):
            filename = os.path.abspath(path[1:])
        else:
            raise errors.BindingError(f"Malformed SQLite URL {url.safe_url!r}: use sqlite:///relative/path, "
                                      "sqlite:////absolute/path or sqlite://:memory:")
        return (filename,), url.options()
    dbapi_module = sqlite3
    compiler_cls = SQLiteCompiler
    ddl_compiler_cls = SQLiteDDLCompiler
    OFFLINE_SERVER_VERSION = sqlite3.sqlite_version_info
    converter_classes = SQLITE_CONVERTERS
    paramstyle = "qmark"
    max_name_len = 1024
    max_params_count = 999

    SUPPORTS_RETURNING = False
    SUPPORTS_ARRAYS = True
    SUPPORTS_FOR_UPDATE = False
    SUPPORTS_NOWAIT = False
    SUPPORTS_SKIP_LOCKED = False
    UNSIGNED_BIGINT = False
    TRANSACTIONAL_DDL = True
    DECIMAL_COLUMNS_ROUND = False  # NUMERIC affinity: a computed 1.6666 is stored as it is
    KEEPS_DATETIME_OFFSET = True  # stored as ISO text with its offset
    # A commit whose flush is one statement sends it alone: SQLite commits each statement by
    # itself outside BEGIN (isolation_level=None), under the same write lock as ``begin``.
    AUTOCOMMIT_WRITES = True
    # sqlite3 prepares every statement it runs (its statement cache): any cursor is a prepared one
    prepared_cursor = DBAPIProvider.cursor

    # One lock per database file: SQLite allows one writer, and in-process writers that wait
    # on each other here never hit "database is locked".
    _write_locks: dict[str, threading.RLock] = {}
    _write_locks_guard = threading.Lock()

    def get_pool(self, filename: str = ":memory:", create_db: bool = False, timeout: float = 5.0,
                 **kwargs: Any) -> Pool:
        if not isinstance(filename, str):
            raise TypeError(f"SQLite filename must be a str. Got: {filename!r}")
        kwargs.update(timeout=timeout, check_same_thread=False, isolation_level=None)
        self.filename = filename
        if filename == ":sharedmemory:":
            lock_key = f":sharedmemory:{next(_shared_memory_ids)}"
            uri = f"file:pony_shared_{lock_key.rsplit(':', 1)[1]}_{id(self)}?mode=memory&cache=shared"
            anchor = sqlite3.connect(uri, uri=True, check_same_thread=False)
            pool: Pool = SharedMemoryPool(uri, kwargs, self.new_connection_setup, anchor)
        else:
            if filename != ":memory:" and not kwargs.get("uri"):
                if not os.path.isabs(filename):
                    filename = os.path.join(_caller_dir(), filename)
                filename = os.path.abspath(filename)
                self.filename = filename
            lock_key = filename if filename != ":memory:" else f":memory:{id(self)}"
            pool = SQLitePool(filename, create_db, kwargs, self.new_connection_setup)
        with self._write_locks_guard:
            self.write_lock = self._write_locks.setdefault(lock_key, threading.RLock())
        return pool

    def inspect_connection(self, con: Any) -> None:
        self.apply_server_version(sqlite3.sqlite_version_info)
        con.execute("PRAGMA foreign_keys = true")
        con.execute("PRAGMA case_sensitive_like = true")
        register_functions(con)

    # --- transactions: reads in autocommit, BEGIN IMMEDIATE at the first write ---------------

    def begin(self, con: Any, immediate: bool = False, serializable: bool = False) -> None:
        if isinstance(con, BridgeConnection):
            # An async session's connection waits for the file lock in its own thread (busy
            # timeout); the in-process lock would block the event loop's thread.
            log_orm("BEGIN IMMEDIATE TRANSACTION")
            con.execute("BEGIN IMMEDIATE TRANSACTION")
            return
        self.write_lock.acquire()
        log_orm("BEGIN IMMEDIATE TRANSACTION")
        try:
            con.execute("BEGIN IMMEDIATE TRANSACTION")
        except BaseException as exc:
            self.write_lock.release()
            if isinstance(exc, Exception):
                raise_wrapped(exc)
            raise

    def autocommit_lock(self, con: Any) -> Any:
        # An async session's statement waits for the file lock in its worker thread (see begin).
        return super().autocommit_lock(con) if isinstance(con, BridgeConnection) else self.write_lock

    def _end(self, con: Any, action: str) -> None:
        try:
            log_orm(action)
            try:
                if con.in_transaction:
                    if action == "COMMIT":
                        con.commit()
                    else:
                        con.rollback()
            except Exception as exc:
                raise_wrapped(exc)
        finally:
            if not isinstance(con, BridgeConnection):
                self._release_write_lock()

    def _release_write_lock(self) -> None:
        try:
            self.write_lock.release()
        except RuntimeError:
            pass  # this thread did not hold it: the session only read

    def commit(self, con: Any) -> None:
        self._end(con, "COMMIT")

    def rollback(self, con: Any) -> None:
        self._end(con, "ROLLBACK")

    def drop(self, con: Any) -> None:
        try:
            in_transaction = con.in_transaction
        except sqlite3.ProgrammingError:  # already closed
            in_transaction = True
        if in_transaction and not isinstance(con, BridgeConnection):
            self._release_write_lock()
        super().drop(con)

    def is_connection_error(self, exc: BaseException) -> bool:
        # The only way to lose an SQLite connection is to close it.
        closed = "closed" in str(exc).lower()
        return closed and isinstance(exc, (errors.ProgrammingError, errors.InterfaceError))

    # --- introspection ------------------------------------------------------------------------

    def table_exists(self, con: Any, table_name: Any, case_sensitive: bool = True) -> str | None:
        _, name = self.split_table_name(table_name)
        if case_sensitive:
            sql = "SELECT name FROM sqlite_master WHERE type='table' AND name=?"
        else:
            sql = "SELECT name FROM sqlite_master WHERE type='table' AND lower(name)=lower(?)"
        row = self._fetch_one(con, sql, (name,))
        return row[0] if row else None

    def index_exists(self, con: Any, table_name: Any, index_name: str) -> bool:
        sql = "SELECT name FROM sqlite_master WHERE type='index' AND name=?"
        return self._fetch_one(con, sql, (index_name,)) is not None

    def fk_exists(self, con: Any, table_name: Any, fk_name: str) -> bool:
        return True  # foreign keys are part of CREATE TABLE: they exist with the table

    def disable_fk_checks(self, con: Any) -> Any:
        prev = self._fetch_one(con, "PRAGMA foreign_keys")[0]
        self._run(con, "PRAGMA foreign_keys = false")
        return prev

    def enable_fk_checks(self, con: Any, prev: Any) -> None:
        if prev:
            self._run(con, "PRAGMA foreign_keys = true")
