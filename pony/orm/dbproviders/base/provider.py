"""The provider base class: everything that differs between databases hangs off a provider.

Code above this layer never asks which database it is talking to; it reads the UPPER_CASE
capability flags below (each with the question it answers) or calls a provider method.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import threading
import time
from collections.abc import Callable
from typing import Any, NamedTuple

from .... import DISTRIBUTION_NAME
from ... import errors
from ...log import debug_flags, log_orm, log_sql, log_sql_many
from ...sql.compiler import SQLCompiler
from ...sql.ddl import DDLCompiler
from ..aio.connections import BridgeConnection
from .converters import BASE_CONVERTERS, Converter
from .errors import raise_wrapped, wrap_dbapi_exceptions
from .pool import Pool
from .pool_limit import ConnectionLimit
from .streams import RowStream, close_open_streams

_NO_LOCK = contextlib.nullcontext()


class UpdateShape(NamedTuple):
    """A flush's one-row UPDATE: ``SET assigned = ? ... WHERE key = ? AND checked = ? ... AND
    null_checked IS NULL ...``; its arguments are the assigned values, the key, the checked values."""

    table: Any
    assigned: tuple
    key: str
    checked: tuple
    null_checked: tuple


class DBAPIProvider:
    dialect: str = ""
    # The name given to ``bind`` (and to ``@db.on_connect(provider=...)``).
    provider_name: str = ""
    dbapi_module: Any = None
    compiler_cls: type[SQLCompiler] = SQLCompiler
    ddl_compiler_cls: type[DDLCompiler] = DDLCompiler
    # Server version assumed by ``offline()`` providers.
    OFFLINE_SERVER_VERSION: tuple = ()
    converter_classes: tuple = BASE_CONVERTERS

    paramstyle = "qmark"
    quote_char = '"'
    max_name_len = 128
    # How many bound parameters fit in one statement (batch loading uses it)?
    max_params_count = 999
    # Default fractional-second digits of datetime/time columns.
    DEFAULT_TIME_PRECISION = 6

    # --- capability flags ---------------------------------------------------------------------
    # Can INSERT ... RETURNING give back the generated key in the same statement?
    SUPPORTS_RETURNING = False
    # Are IntArray/StrArray/FloatArray columns available?
    SUPPORTS_ARRAYS = False
    # Does SELECT ... FOR UPDATE lock rows?
    SUPPORTS_FOR_UPDATE = True
    # Are FOR UPDATE NOWAIT and SKIP LOCKED available?
    SUPPORTS_NOWAIT = True
    SUPPORTS_SKIP_LOCKED = True
    # Can a transaction be made SERIALIZABLE?
    SUPPORTS_SERIALIZABLE = True
    # Is BIGINT UNSIGNED a column type?
    UNSIGNED_BIGINT = False
    # Are schema changes transactional (rolled back with the transaction)?
    TRANSACTIONAL_DDL = False
    # Does CREATE TABLE / CREATE INDEX accept IF NOT EXISTS?
    TABLE_IF_NOT_EXISTS = True
    INDEX_IF_NOT_EXISTS = True
    # Does a read inside a session see rows that other sessions committed after its first read
    # (reads in autocommit mode), rather than a snapshot taken at its first statement?
    FRESH_READS = True
    # Does the database begin a transaction implicitly with the first statement?
    IMPLICIT_TRANSACTIONS = False
    # Can one INSERT take several VALUES rows and return their generated keys in row order?
    INSERT_ROWS_RETURNING = False
    # May an UPDATE read its own table in a subquery of its WHERE clause (MySQL: error 1093)?
    UPDATE_READS_OWN_TABLE = True
    # Does a DECIMAL(precision, scale) column round what it stores to its scale (SQLite: no)?
    DECIMAL_COLUMNS_ROUND = True
    # Between transactions, does a statement commit by itself (autocommit), so a flush of one
    # statement at commit time may skip BEGIN and COMMIT?
    AUTOCOMMIT_WRITES = False
    # Does ``prepared_cursor`` differ from ``cursor`` (PostgreSQL with psycopg 3)? Elsewhere the
    # flush does not look through its arguments for values a prepared statement can bind.
    PREPARED_CURSORS = False
    # Does a statement that fails (an integrity error) change nothing and leave the transaction
    # usable (MySQL, unlike PostgreSQL), so a batch sent as one statement needs no savepoint?
    ATOMIC_STATEMENTS = False
    # Does setting a savepoint of a name already set replace the old one (MySQL), so the flush's
    # batch savepoint needs no RELEASE (COMMIT and ROLLBACK drop it)?
    SAVEPOINT_NAME_REPLACES = False
    # Are names folded to one case ('lower', 'upper') for table names?
    NAME_CASE: str | None = None
    # Must a single string attribute have a length to be indexed/unique?
    VARCHAR_DEFAULT_MAX_LEN: int | None = None
    # Does an optional str column have to be nullable (Oracle stores '' as NULL)?
    EMPTY_STRING_IS_NULL = False
    # Can one connection be shared by all threads (in-memory SQLite)?
    SINGLE_CONNECTION = False
    # Can a float column hold NaN? (SQLite would store NULL, MySQL has none: NaN is refused)
    SUPPORTS_NAN = False
    # Does a datetime column keep a UTC offset? (A TIMESTAMP/DATETIME column would drop or
    # convert it silently, so an aware datetime is refused there.)
    KEEPS_DATETIME_OFFSET = False

    # Schemes of connection URLs that mean this provider (``postgresql://...``).
    URL_SCHEMES: tuple[str, ...] = ()

    @classmethod
    def bind_arguments_from_url(cls, url: Any) -> tuple[tuple, dict]:
        """``bind`` arguments for a connection URL (a ``pony.orm.urls.URLParts``): by default its
        user, password, host, port and database as keywords, with the query options."""
        return (), url.server_kwargs()

    def __init__(self, *args: Any, pony_database: Any = None, on_connect: Callable[[Any], None] | None = None,
                 **kwargs: Any) -> None:
        self._init_state(pony_database, on_connect)
        limit = self._connection_limit(kwargs.pop("max_connections", None), kwargs.pop("pool_timeout", None))
        self.pool = self.get_pool(*args, **kwargs)
        if limit is not None and not self.pool.shareable:
            raise TypeError(f"'max_connections' is not supported by the {self.provider_name or self.dialect} "
                            "provider: its connections cannot move between threads")
        self.pool.set_limit(limit)

    @staticmethod
    def _connection_limit(max_connections: Any, pool_timeout: Any) -> ConnectionLimit | None:
        """The bind options ``max_connections`` (per process) and ``pool_timeout`` (seconds to wait
        for a free connection, 30 by default)."""
        if isinstance(max_connections, str) and max_connections.isdigit():  # from a URL's query
            max_connections = int(max_connections)
        if isinstance(pool_timeout, str):
            try:
                pool_timeout = float(pool_timeout)
            except ValueError:
                pass  # ConnectionLimit names the bad value
        if max_connections is None:
            if pool_timeout is not None:
                raise TypeError("'pool_timeout' needs 'max_connections' (without a limit nothing waits)")
            return None
        return ConnectionLimit(max_connections, 30.0 if pool_timeout is None else pool_timeout)

    def _init_state(self, pony_database: Any, on_connect: Callable[[Any], None] | None) -> None:
        self.database = pony_database
        self.on_connect = on_connect
        self.server_version: tuple = ()
        self.compiler_local = threading.local()
        self.open_streams: dict = {}  # id(connection) -> RowStreams open on it (see streams.py)

    @classmethod
    def offline(cls, server_version: tuple | None = None, **flags: Any) -> DBAPIProvider:
        """A provider that never connects and needs no driver: it renders SQL and DDL, builds
        converters and schemas (for tests, tools and generating scripts). ``server_version``
        defaults to ``OFFLINE_SERVER_VERSION``; ``flags`` override capability flags."""
        provider = cls.__new__(cls)
        provider._init_state(None, None)
        provider.pool = None
        provider.apply_server_version(tuple(server_version or cls.OFFLINE_SERVER_VERSION))
        for name, value in flags.items():
            setattr(provider, name, value)
        return provider

    def apply_server_version(self, version: tuple) -> None:
        """Remember the server version and set the flags that depend on it."""
        self.server_version = version

    @staticmethod
    def import_driver(provider_name: str, extra: str, *module_names: str) -> Any:
        """The first importable driver module; a clear ImportError naming the pip extra if none is."""
        for name in module_names:
            try:
                return importlib.import_module(name)
            except ImportError:
                continue
        raise ImportError(f"The {provider_name!r} provider needs a database driver: "
                          f"pip install '{DISTRIBUTION_NAME}[{extra}]' (tried to import {', '.join(module_names)})")

    # --- connections --------------------------------------------------------------------------

    def get_pool(self, *args: Any, **kwargs: Any) -> Pool:
        raise NotImplementedError

    def new_connection_setup(self, con: Any) -> None:
        """Run on every new connection: provider set-up, then the user's on_connect hooks."""
        self.inspect_connection(con)
        if self.on_connect is not None:
            self.on_connect(con)

    def inspect_connection(self, con: Any) -> None:
        """Read the server version and anything else the capability flags depend on."""

    def connect(self) -> Any:
        try:
            con, _ = self.pool.connect()
        except Exception as exc:
            raise_wrapped(exc)
        return con

    def release(self, con: Any) -> None:
        if self.open_streams:
            close_open_streams(self, con)
        (con.pool if isinstance(con, BridgeConnection) else self.pool).release(con)

    def drop(self, con: Any) -> None:
        if self.open_streams:
            close_open_streams(self, con)
        (con.pool if isinstance(con, BridgeConnection) else self.pool).drop(con)

    def disconnect(self) -> None:
        self.pool.disconnect()

    # --- transactions -------------------------------------------------------------------------

    def begin(self, con: Any, immediate: bool = False, serializable: bool = False) -> None:
        """Start a transaction for writing (or at once when ``immediate``)."""
        raise NotImplementedError

    def commit(self, con: Any) -> None:
        log_orm("COMMIT")
        with wrap_dbapi_exceptions():
            con.commit()

    def rollback(self, con: Any) -> None:
        log_orm("ROLLBACK")
        with wrap_dbapi_exceptions():
            con.rollback()

    def end_transaction(self, con: Any) -> None:
        """Called after commit/rollback: return the connection to its between-sessions mode."""

    def replication_lag(self, con: Any) -> float | None:
        """Seconds a replica's data lags behind its primary (0 on a primary); None when unknown."""
        return None

    def is_connection_error(self, exc: BaseException) -> bool:
        """Does ``exc`` mean the connection is gone (so a read-only session may reconnect)?"""
        if not isinstance(exc, (errors.InterfaceError, errors.OperationalError, errors.ProgrammingError)):
            return False
        original = getattr(exc, "original_exc", None)
        if original is not None and self.is_driver_connection_error(original):
            return True
        return self._is_closed_connection_message(str(exc).lower())

    def is_driver_connection_error(self, exc: BaseException) -> bool:
        """The driver-specific test (error codes, SQLSTATE); the message test is the fallback."""
        return False

    def _is_closed_connection_message(self, text: str) -> bool:
        return any(part in text for part in ("closed", "lost connection", "gone away", "terminat",
                                             "broken pipe", "connection reset", "not connected"))

    # --- statements ---------------------------------------------------------------------------

    @property
    def compiler(self) -> SQLCompiler:
        """A compiler per thread: compiling keeps state."""
        compiler = getattr(self.compiler_local, "compiler", None)
        if compiler is None:
            compiler = self.compiler_local.compiler = self.compiler_cls()
        return compiler

    def cursor(self, con: Any) -> Any:
        """A new cursor; a closed connection raises a wrapped (so recognisable) error."""
        try:
            return con.cursor()
        except Exception as exc:
            raise_wrapped(exc)

    # --- streams (query.stream): see streams.py ------------------------------------------------

    # A stream's cursor needs a transaction (PostgreSQL declares its cursor in one).
    STREAM_IN_TRANSACTION = False

    def open_stream(self, con: Any, sql: str, arguments: Any) -> RowStream:
        """Run ``sql`` on a cursor that hands rows over a batch at a time."""
        cursor = self.stream_cursor(con)
        self.execute(cursor, sql, arguments)
        return RowStream(self, con, cursor)

    def stream_cursor(self, con: Any) -> Any:
        """The cursor of a stream: a plain one, read with ``fetchmany``."""
        return self.cursor(con)

    def unbuffered_cursor(self, con: Any) -> Any:
        """A cursor for a SELECT whose rows are all read at once, chunk by chunk, and that holds
        only the chunk being read; None (the default) where the ordinary cursor is as good.
        ``SessionCache.execute(unbuffered=True)`` wraps it in a ``RowStream``."""
        return None

    def close_stream_cursor(self, con: Any, cursor: Any) -> None:
        try:
            cursor.close()
        except Exception:
            pass  # the connection is broken or the transaction is over: nothing to release

    def prepared_cursor(self, con: Any) -> Any:
        """A cursor for a statement the ORM sends often with simple parameters (a primary key):
        one that lets the driver prepare it on the server where the driver can."""
        return self.cursor(con)

    def reusable_cursor(self, con: Any, prepared: bool) -> Any:
        """A cursor for a statement whose rows the caller reads at once, before anything else
        runs on the connection (``Entity[pk]``); a provider whose driver makes costly cursors
        may hand out the same one again. ``prepared``: as ``prepared_cursor``."""
        return self.prepared_cursor(con) if prepared else self.cursor(con)

    def preparable_select_arguments(self, arguments: list) -> list | None:
        """The arguments of a query's SELECT, ready for a prepared cursor, when binding them on the
        server gives the same results as binding them in the SQL text; otherwise None (the query
        then runs on an ordinary cursor). Drivers that prepare nothing keep the default."""
        return None

    def execute(self, cursor: Any, sql: str, arguments: Any = None, returning_id: bool = False) -> Any:
        """Run one statement; returns the new key when ``returning_id``."""
        if debug_flags.debug:
            log_sql(sql, arguments)
        # try/except rather than the context manager: this is the hottest path of every query
        try:
            if arguments is None:
                cursor.execute(sql)
            else:
                cursor.execute(sql, arguments)
            if returning_id:
                return self.last_insert_id(cursor)
        except Exception as exc:
            raise_wrapped(exc)
        return None

    def executemany(self, cursor: Any, sql: str, arguments_list: list) -> None:
        log_sql_many(sql, arguments_list)
        with wrap_dbapi_exceptions():
            cursor.executemany(sql, arguments_list)

    def insert_rows(self, cursor: Any, sql: str, rows: list, returning_id: bool) -> list | None:
        """Run the INSERT ``sql`` for each row; the new keys in row order when ``returning_id``."""
        if not returning_id:
            self.executemany(cursor, sql, rows)
            return None
        log_sql_many(sql, rows)
        ids = []
        execute = cursor.execute
        last_insert_id = self.last_insert_id
        try:
            for arguments in rows:
                execute(sql, arguments)
                ids.append(last_insert_id(cursor))
        except Exception as exc:
            raise_wrapped(exc)
        return ids

    # Rows in one multi-row INSERT (fewer when ``max_params_count`` says so).
    MAX_ROWS_PER_INSERT = 512

    def insert_rows_returning(self, cursor: Any, node: Any, sql: str, rows: list, record: Any,
                              start: int = 0) -> list:
        """INSERT ``rows[start:]`` with several rows per statement; their new keys in row order
        (``INSERT_ROWS_RETURNING``). Chunks have power-of-two sizes, so few statement texts exist.
        ``record(sql, started, count)`` counts each statement for the session's statistics."""
        ids = []
        width = max(1, len(rows[0]))
        limit = max(1, min(self.MAX_ROWS_PER_INSERT, self.max_params_count // width))
        pos, total = start, len(rows)
        while pos < total:
            size = 1 << (min(limit, total - pos).bit_length() - 1)
            chunk_sql = self.insert_rows_sql(node, size) if size > 1 else sql
            arguments = [value for row in rows[pos:pos + size] for value in row]
            started = time.perf_counter()
            ids.extend(self.execute_returning_keys(cursor, chunk_sql, arguments))
            record(chunk_sql, started)
            pos += size
        return ids

    def rows_chunk_size(self, remaining: int, limit: int) -> int:
        """Rows in the next multi-row INSERT of a bulk write with ``remaining`` rows left (at most
        ``limit``): a power of two, so few statement texts exist (each prepared once where
        statements are prepared)."""
        return 1 << (min(limit, remaining).bit_length() - 1)

    def insert_rows_sql(self, node: Any, count: int) -> str:
        """The INSERT of the ast ``node`` (one row of parameters) for ``count`` rows at once."""
        cache = self.__dict__.setdefault("_insert_rows_sql", {})
        key = (node.table, node.columns, node.returning, count)
        sql = cache.get(key)
        if sql is None:
            compiler = self.compiler
            single = compiler.compile(type(node)(node.table, node.columns, node.values)).sql
            full = compiler.compile(node).sql
            row = single[single.rindex(" VALUES ") + 8:]
            sql = cache[key] = (single[:len(single) - len(row)] + ", ".join([row] * count)
                                + full[len(single):])
        return sql

    def autocommit_lock(self, con: Any) -> contextlib.AbstractContextManager:
        """What a write that commits by itself (``AUTOCOMMIT_WRITES``) holds while it runs on
        ``con``: nothing here; SQLite's in-process write lock, as ``begin`` takes it."""
        return _NO_LOCK

    def one_statement_batch(self, kind: str, count: int, width: int, returning_id: bool) -> bool:
        """Does a flush batch of ``count`` rows of ``width`` arguments go as a single statement?
        ``kind`` is 'insert' (``returning_id``: the keys come back) or 'delete' (by a one-column
        key). With ``ATOMIC_STATEMENTS`` such a batch needs no savepoint."""
        return False

    # Can a batch of UPDATEs by a one-column key go as one statement (``update_rows``)?
    UPDATE_ROWS_IN_ONE = False

    def update_rows(self, cursor: Any, shape: Any, rows: list, record: Any) -> int:
        """UPDATE ``rows`` (argument lists of the one-row UPDATE described by ``shape``, an
        ``UpdateShape``) with few statements; returns how many rows they matched."""
        raise NotImplementedError

    def execute_returning_keys(self, cursor: Any, sql: str, arguments: Any) -> list:
        """Run a statement with a RETURNING clause of one column; the values it returned."""
        self.execute(cursor, sql, arguments)
        try:
            return [row[0] for row in cursor.fetchall()]
        except Exception as exc:
            raise_wrapped(exc)

    # Does the upsert that skips existing rows also turn other errors into warnings (MySQL's
    # INSERT IGNORE), so ``skipped_row_problems`` must be checked after it?
    UPSERT_SKIP_HIDES_ERRORS = False
    # Does an upsert of many rows go faster as one single-row statement sent with executemany (the
    # driver pipelines it) than as multi-row statements?
    UPSERT_ROWS_PIPELINED = False

    def skipped_row_problems(self, cursor: Any) -> list[str]:
        """After an upsert that skips existing rows: the problems other than duplicate keys that the
        database let pass as warnings (none where ``UPSERT_SKIP_HIDES_ERRORS`` is False)."""
        return []

    def savepoint(self, con: Any, name: str) -> None:
        self.execute(self.cursor(con), f"SAVEPOINT {name}")

    def release_savepoint(self, con: Any, name: str) -> None:
        self.execute(self.cursor(con), f"RELEASE SAVEPOINT {name}")

    def rollback_to_savepoint(self, con: Any, name: str) -> None:
        self.execute(self.cursor(con), f"ROLLBACK TO SAVEPOINT {name}")

    def last_insert_id(self, cursor: Any) -> Any:
        """The new key: the RETURNING row when the statement had one, else ``lastrowid``."""
        if self.SUPPORTS_RETURNING and cursor.description is not None:
            row = cursor.fetchone()
            return row[0] if row is not None else None
        return getattr(cursor, "lastrowid", None)

    # --- names --------------------------------------------------------------------------------

    def _short_name(self, name: str) -> str:
        """``name`` cut to ``max_name_len``; a cut name ends with a hash of the whole, so two long
        names that share a prefix stay different and the same name is always cut the same way."""
        if len(name) <= self.max_name_len:
            return name
        digest = hashlib.md5(name.encode("utf-8")).hexdigest()[:8]
        return name[:self.max_name_len - 9] + "_" + digest

    def _base_table_name(self, table_name: Any) -> str:
        return self.split_table_name(table_name)[1].lower()

    def get_default_index_name(self, table_name: Any, col_names: Any, is_unique: bool = False) -> str:
        prefix = "unq" if is_unique else "idx"
        cols = "_".join(col_names).lower()
        return self._short_name(f"{prefix}_{self._base_table_name(table_name)}__{cols}")

    def get_default_fk_name(self, child_table_name: Any, parent_table_name: Any, child_col_names: Any) -> str:
        cols = "__".join(child_col_names).lower()
        return self._short_name(f"fk_{self._base_table_name(child_table_name)}__{cols}")

    def get_default_pk_name(self, table_name: Any) -> str:
        return self._short_name(f"pk_{self._base_table_name(table_name)}")

    def get_default_m2m_table_name(self, name: str) -> str:
        return self.normalize_name(name)

    def normalize_name(self, name: str) -> str:
        name = name[:self.max_name_len]
        if self.NAME_CASE == "lower":
            return name.lower()
        if self.NAME_CASE == "upper":
            return name.upper()
        return name

    def quote_name(self, name: Any) -> str:
        return self.compiler.quote_identifier(name)

    def split_table_name(self, table_name: Any) -> tuple:
        if isinstance(table_name, str):
            return None, table_name
        return tuple(table_name)

    # --- converters ---------------------------------------------------------------------------

    def converter_class_for(self, py_type: Any) -> type[Converter]:
        for base, converter_cls in self.converter_classes:
            if isinstance(py_type, type) and issubclass(py_type, base):
                return converter_cls
        raise TypeError(f"No database converter found for type {py_type!r}")

    def get_converter_by_attr(self, attr: Any) -> Converter:
        return self.converter_class_for(attr.py_type)(self, attr.py_type, attr)

    def get_converter_by_py_type(self, py_type: Any) -> Converter:
        return self.converter_class_for(py_type)(self, py_type)

    # --- introspection (used by create/check/drop of tables) ----------------------------------
    # ``con`` is a DB-API connection or an executor ``(sql, arguments=None) -> cursor``.

    def _run(self, con: Any, sql: str, arguments: Any = None) -> Any:
        if hasattr(con, "cursor"):
            cursor = con.cursor()
            self.execute(cursor, sql, arguments)
            return cursor
        return con(sql, arguments) if arguments is not None else con(sql)

    def _fetch_one(self, con: Any, sql: str, arguments: Any = None) -> Any:
        return self._run(con, sql, arguments).fetchone()

    def table_exists(self, con: Any, table_name: Any, case_sensitive: bool = True) -> str | None:
        """The table's stored name if it exists, else None."""
        raise NotImplementedError

    def index_exists(self, con: Any, table_name: Any, index_name: str) -> bool:
        raise NotImplementedError

    def fk_exists(self, con: Any, table_name: Any, fk_name: str) -> bool:
        raise NotImplementedError

    def table_has_data(self, con: Any, table_name: Any) -> bool:
        return self._fetch_one(con, f"SELECT 1 FROM {self.quote_name(table_name)} LIMIT 1") is not None

    def drop_table(self, con: Any, table_name: Any) -> None:
        self._run(con, self.ddl_compiler_cls(self).drop_table_sql(table_name))

    def disable_fk_checks(self, con: Any) -> Any:
        """Turn foreign key checks off for DDL; returns what ``enable_fk_checks`` needs."""
        return None

    def enable_fk_checks(self, con: Any, prev: Any) -> None:
        pass


Pool = Pool
