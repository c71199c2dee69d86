"""The PostgreSQL provider: psycopg 3, or psycopg2 when only that is installed.

Reads run in autocommit mode; ``begin`` switches the connection to a transaction (the driver
sends BEGIN with the next statement) and ``end_transaction`` switches it back, so a session
that only reads never holds a transaction open between its statements.

``prepared_statements`` (a bind option): True lets psycopg 3 prepare the ORM's frequent statements
on the server, False never prepares (needed behind PgBouncer in transaction pooling mode, where
the next statement may run on another server connection that lacks the prepared statement);
the default ``"auto"`` prepares unless the first connection shows a pooler in between.
"""

from __future__ import annotations

import itertools
import time
from typing import Any

from ...log import log_orm, log_sql_many
from ..aio.connections import BridgeConnection
from ..base.errors import raise_wrapped, sqlstate, wrap_dbapi_exceptions
from ..base.pool import Pool
from ..base.provider import DBAPIProvider
from ..base.streams import RowStream, buffer_open_streams
from .compiler import PGCompiler
from .converters import PG_CONVERTERS
from .ddl import PGDDLCompiler

# SQLSTATE class 08 (connection exception) and the "server is shutting down / killed us" codes.
_CONNECTION_LOST_STATES = ("57P01", "57P02", "57P03")
# psycopg parses (and may prepare) once a statement of at most this many parameters.
_CACHED_PARAMS = 50
_INT4_LIMIT = 2 ** 31
_INT8_LIMIT = 2 ** 63


_stream_ids = itertools.count(1)


class PGProvider(DBAPIProvider):
    dialect = "PostgreSQL"
    provider_name = "postgres"
    URL_SCHEMES = ("postgres", "postgresql")
    compiler_cls = PGCompiler
    ddl_compiler_cls = PGDDLCompiler
    converter_classes = PG_CONVERTERS
    paramstyle = "format"
    max_name_len = 63
    max_params_count = 10000
    OFFLINE_SERVER_VERSION = (16, 0)
    DRIVER_MODULES = ("psycopg", "psycopg2")
    PIP_EXTRA = "postgres"
    DEFAULT_PORT: int | None = None
    # Server-side prepared statements (see the module docstring); None until decided.
    prepared_statements: bool | None = None

    SUPPORTS_RETURNING = True
    INSERT_ROWS_RETURNING = True
    UPSERT_ROWS_PIPELINED = True  # psycopg pipelines executemany: ~25% faster than multi-row upserts
    AUTOCOMMIT_WRITES = True
    PREPARED_CURSORS = True
    SUPPORTS_ARRAYS = True
    UNSIGNED_BIGINT = False
    TRANSACTIONAL_DDL = True
    SUPPORTS_NAN = True
    NAME_CASE = "lower"

    # --- connections --------------------------------------------------------------------------

    def get_pool(self, *args: Any, **kwargs: Any) -> Pool:
        self.dbapi_module = driver = self.import_driver(
            self.provider_name, self.PIP_EXTRA, *self.DRIVER_MODULES
        )
        self.is_psycopg3 = driver.__name__ == "psycopg"
        if len(args) > 1:
            raise TypeError(
                f"{self.dialect} provider takes at most one positional argument (a dsn). Got: {args!r}"
            )
        dsn = args[0] if args else kwargs.pop("dsn", "")
        for alias in ("database", "db"):
            if alias in kwargs:
                kwargs["dbname"] = kwargs.pop(alias)
        if "passwd" in kwargs:
            kwargs["password"] = kwargs.pop("passwd")
        if self.DEFAULT_PORT is not None:
            kwargs.setdefault("port", self.DEFAULT_PORT)
        kwargs.setdefault("client_encoding", "UTF8")
        self.prepared_statements = self._prepared_statements_option(kwargs.pop("prepared_statements", "auto"))
        self.connect_args = (dsn, kwargs)
        return Pool(self._open, self.new_connection_setup)

    @staticmethod
    def _prepared_statements_option(value: Any) -> bool | None:
        """True, False, or None for "auto" (decided at the first connection)."""
        if isinstance(value, str) and value.lower() in ("auto", "true", "false", "1", "0"):
            return None if value.lower() == "auto" else value.lower() in ("true", "1")
        if isinstance(value, bool):
            return value
        raise TypeError(f"'prepared_statements' must be True, False or 'auto'. Got: {value!r}")

    def _open(self) -> Any:
        dsn, kwargs = self.connect_args
        if self.is_psycopg3:
            # Client-side binding, as with psycopg2: a bare None or an untyped parameter in raw
            # SQL ("$x IS NULL", "LIMIT $n") works, and no statement is prepared per connection.
            kwargs.setdefault("cursor_factory", self.dbapi_module.ClientCursor)
            return self.dbapi_module.connect(dsn, autocommit=True, **kwargs)
        con = self.dbapi_module.connect(dsn, **kwargs)
        con.autocommit = True
        return con

    def prepared_cursor(self, con: Any) -> Any:
        # Server-side binding: psycopg 3 prepares a statement after a few executions (per
        # connection), which saves the server's parse and plan of every primary-key SELECT.
        if not self.is_psycopg3 or not self.prepared_statements:
            return self.cursor(con)
        if isinstance(con, BridgeConnection):
            return con.prepared_cursor()
        try:
            return self.dbapi_module.Cursor(con)
        except Exception as exc:
            raise_wrapped(exc)

    def reusable_cursor(self, con: Any, prepared: bool) -> Any:
        # A psycopg 3 cursor works out its row loaders again for each new cursor (about as long
        # as the server takes to answer a primary-key SELECT here): one kept per connection
        # and kind saves that. The caller reads the rows at once, so reusing it loses nothing.
        if not self.is_psycopg3 or isinstance(con, BridgeConnection):
            return super().reusable_cursor(con, prepared)
        cursors = getattr(con, "_pony_reusable_cursors_", None)
        if cursors is None:
            cursors = con._pony_reusable_cursors_ = {}
        cursor = cursors.get(prepared)
        if cursor is None or cursor.closed:
            cursor = cursors[prepared] = self.prepared_cursor(con) if prepared else self.cursor(con)
        return cursor

    def preparable_select_arguments(self, arguments: list) -> list | None:
        # Only plain ints, each typed as PostgreSQL types the same number written in the SQL text
        # (integer, or bigint beyond its range): then operators, functions and overflow behave as
        # with client-side binding. A str, None or other value may leave the server unable to
        # infer a parameter's type, so such queries keep the ordinary cursor.
        if not self.is_psycopg3:
            return None
        wrappers = self._int_wrappers
        if wrappers is None:
            from psycopg.types.numeric import Int4, Int8
            wrappers = self._int_wrappers = (Int4, Int8)
        int4, int8 = wrappers
        prepared = []
        for value in arguments:
            if type(value) is not int:
                return None
            if -_INT4_LIMIT <= value < _INT4_LIMIT:
                prepared.append(int4(value))
            elif -_INT8_LIMIT <= value < _INT8_LIMIT:
                prepared.append(int8(value))
            else:
                return None  # numeric in the SQL text
        return prepared

    _int_wrappers: Any = None

    def insert_rows_returning(self, cursor: Any, node: Any, sql: str, rows: list, record: Any,
                              start: int = 0) -> list:
        if not self.is_psycopg3 or type(cursor) is not self.dbapi_module.Cursor:
            return super().insert_rows_returning(cursor, node, sql, rows, record, start)
        # Statements of at most 50 parameters are parsed once and prepared by psycopg: chunks of
        # that size go in one pipelined executemany, the rest as larger chunks.
        width = max(1, len(rows[0]))
        size = _CACHED_PARAMS // width
        count = (len(rows) - start) // size if size > 1 else 0
        if count < 2:
            return super().insert_rows_returning(cursor, node, sql, rows, record, start)
        chunk_sql = self.insert_rows_sql(node, size)
        arguments_list = [[value for row in rows[pos:pos + size] for value in row]
                          for pos in range(start, start + count * size, size)]
        log_sql_many(chunk_sql, arguments_list)
        started = time.perf_counter()
        ids = []
        try:
            cursor.executemany(chunk_sql, arguments_list, returning=True)
            while True:
                ids.extend(row[0] for row in cursor.fetchall())
                if not cursor.nextset():
                    break
        except Exception as exc:
            raise_wrapped(exc)
        record(chunk_sql, started, count)
        ids.extend(super().insert_rows_returning(cursor, node, sql, rows, record, start + count * size))
        return ids

    def inspect_connection(self, con: Any) -> None:
        version = con.info.server_version if self.is_psycopg3 else con.server_version
        major, rest = divmod(version, 10000)
        self.apply_server_version((major, rest // 100, rest % 100) if major < 10 else (major, rest))
        if self.prepared_statements is None:
            self.prepared_statements = not self.behind_pooler(con)
        if self.is_psycopg3 and not self.prepared_statements:
            con.prepare_threshold = None  # not even raw SQL run many times gets prepared
        log_orm("SWITCH TO AUTOCOMMIT MODE")

    def behind_pooler(self, con: Any) -> bool:
        """Is a connection pooler (PgBouncer, pgcat...) between us and the server? The process id the
        server announced at connect time is then the pooler's invention, not the backend's own."""
        announced = con.info.backend_pid if self.is_psycopg3 else con.get_backend_pid()
        try:
            with con.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                actual = cursor.fetchone()[0]
        except self.dbapi_module.Error:
            return False  # a server without the function (a PostgreSQL look-alike): no pooler known
        if announced != actual:
            log_orm("CONNECTION POOLER DETECTED: SERVER-SIDE PREPARED STATEMENTS OFF")
        return announced != actual

    def is_driver_connection_error(self, exc: BaseException) -> bool:
        state = sqlstate(exc) or ""
        if state.startswith("08") or state in _CONNECTION_LOST_STATES:
            return True
        return bool(getattr(exc, "pgconn", None) is not None and getattr(exc.pgconn, "status", 0) == 1)

    def replication_lag(self, con: Any) -> float | None:
        # Replayed all it received: no lag it knows of; else the age of the last replayed commit.
        sql = ("SELECT CASE WHEN NOT pg_is_in_recovery() OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() "
               "THEN 0 ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END")
        row = self._fetch_one(con, sql)
        return None if row is None or row[0] is None else float(row[0])

    # --- transactions -------------------------------------------------------------------------

    def begin(self, con: Any, immediate: bool = False, serializable: bool = False) -> None:
        with wrap_dbapi_exceptions():
            con.autocommit = False
            if serializable:
                self.execute(con.cursor(), "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE")

    def end_transaction(self, con: Any) -> None:
        try:
            con.autocommit = True
        except Exception:
            pass  # a broken connection: the session drops it

    # --- streams: a named (server-side) cursor, declared inside the session's transaction ---------

    STREAM_IN_TRANSACTION = True

    def open_stream(self, con: Any, sql: str, arguments: Any) -> RowStream:
        name = f"pony_stream_{next(_stream_ids)}"
        with wrap_dbapi_exceptions():
            if self.is_psycopg3 and arguments:
                # bound on the client, as every other statement is (see _open)
                sql = self.dbapi_module.ClientCursor(con).mogrify(sql, arguments)
                arguments = None
            cursor = con.cursor(name=name)
        self.execute(cursor, sql, arguments)
        return RowStream(self, con, cursor)

    def commit(self, con: Any) -> None:
        if self.open_streams:
            buffer_open_streams(self, con)  # a commit closes the server's cursors
        super().commit(con)

    def rollback(self, con: Any) -> None:
        if self.open_streams:
            buffer_open_streams(self, con)
        super().rollback(con)

    def release(self, con: Any) -> None:
        if not con.autocommit:  # the session ended inside a transaction it did not finish
            try:
                con.rollback()
                con.autocommit = True
            except Exception:
                self.drop(con)
                return
        super().release(con)

    # --- introspection ------------------------------------------------------------------------

    def _schema_condition(self, schema: str | None, column: str) -> tuple[str, tuple]:
        if schema is None:
            return f"{column} = current_schema()", ()
        return f"{column} = %s", (schema,)

    def table_exists(self, con: Any, table_name: Any, case_sensitive: bool = True) -> str | None:
        schema, name = self.split_table_name(table_name)
        cond, args = self._schema_condition(schema, "n.nspname")
        name_cond = "c.relname = %s" if case_sensitive else "lower(c.relname) = lower(%s)"
        sql = (
            "SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
            f"ON n.oid = c.relnamespace WHERE {cond} AND {name_cond} AND c.relkind IN ('r', 'p')"
        )
        row = self._fetch_one(con, sql, (*args, name))
        return row[0] if row else None

    def index_exists(self, con: Any, table_name: Any, index_name: str) -> bool:
        schema, _ = self.split_table_name(table_name)
        cond, args = self._schema_condition(schema, "n.nspname")
        sql = (
            "SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
            f"ON n.oid = c.relnamespace WHERE {cond} AND c.relname = %s AND c.relkind = 'i'"
        )
        return self._fetch_one(con, sql, (*args, index_name)) is not None

    def fk_exists(self, con: Any, table_name: Any, fk_name: str) -> bool:
        schema, name = self.split_table_name(table_name)
        cond, args = self._schema_condition(schema, "table_schema")
        sql = (
            "SELECT constraint_name FROM information_schema.table_constraints WHERE "
            f"{cond} AND table_name = %s AND constraint_name = %s AND constraint_type = 'FOREIGN KEY'"
        )
        return self._fetch_one(con, sql, (*args, name, fk_name)) is not None
