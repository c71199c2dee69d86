"""The MySQL/MariaDB provider: mysqlclient (MySQLdb) when installed, else PyMySQL.

``bind(..., driver="pymysql")`` or ``driver="mysqlclient"`` picks one. mysqlclient, a C extension,
reads and writes rows two to three times faster; both get the fast temporal decoders of
``decoders.py`` and give the same values.

As on PostgreSQL, connections stay in autocommit mode between transactions: reads and the
single statement of a commit that writes only one (``AUTOCOMMIT_WRITES``) take one round trip
each, and ``begin`` sends BEGIN only when a session writes more. Connections use utf8mb4,
strict SQL mode (bad values are errors, not warnings) and CLIENT.FOUND_ROWS, so an UPDATE's
rowcount counts the rows it matched, which optimistic checks rely on.

New rows of a flush batch go in multi-row INSERTs (``INSERT_ROWS_RETURNING``); how their
generated keys come back depends on the server, read at connect time:

- MariaDB >= 10.5: ``INSERT ... RETURNING id``. The server writes the VALUES rows in order and
  sends each returned row as it writes it, so the keys arrive in row order whatever the
  auto-increment settings or the storage engine.
- MySQL (no RETURNING on INSERT) and older MariaDB: the statement's ``LAST_INSERT_ID()`` (the
  first row's key, in the OK packet) plus ``@@auto_increment_increment`` per row. A multi-row
  INSERT ... VALUES is a "simple insert": InnoDB reserves its keys in one step, consecutive in
  every ``innodb_autoinc_lock_mode`` (0 and 1 under the AUTO-INC lock, 2 under the allocation
  mutex; only INSERT ... SELECT-like "bulk inserts" may get gaps in mode 2), so other
  connections' concurrent INSERTs cannot interleave keys inside it. The ORM's batches never mix
  rows with and without explicit keys (its batch key includes that), so no "mixed-mode insert"
  happens. The affected-row count is checked against the number of rows.
"""

from __future__ import annotations

import importlib
import time
from typing import Any

from ... import errors
from ..base.errors import raise_wrapped
from ..base.pool import Pool
from ..base.provider import DBAPIProvider, UpdateShape
from ..base.streams import buffer_open_streams
from .compiler import MariaDBCompiler, MySQLCompiler
from .converters import MYSQL_CONVERTERS
from .ddl import MySQLDDLCompiler
from .decoders import fast_conversions

# Client/server error codes that mean the connection is gone: closed (0), server has gone
# away (2006), lost during query (2013), lost during reading (2055), killed (1927, MariaDB),
# disconnected for inactivity (4031, MySQL 8).
_CONNECTION_LOST_CODES = frozenset({0, 2006, 2013, 2055, 1927, 4031})
_FOUND_ROWS = 2  # CLIENT.FOUND_ROWS, the same in both drivers
# The values of bind(driver=...) and the module each names.
DRIVERS = {"mysqlclient": "MySQLdb", "mysqldb": "MySQLdb", "pymysql": "pymysql"}
SQL_MODE = "TRADITIONAL"


class MySQLProvider(DBAPIProvider):
    dialect = "MySQL"
    provider_name = "mysql"
    URL_SCHEMES = ("mysql", "mariadb")
    compiler_cls = MySQLCompiler
    ddl_compiler_cls = MySQLDDLCompiler
    converter_classes = MYSQL_CONVERTERS
    paramstyle = "format"
    quote_char = "`"
    max_name_len = 64
    max_params_count = 10000
    OFFLINE_SERVER_VERSION = (8, 0, 0)

    SUPPORTS_RETURNING = False
    SUPPORTS_ARRAYS = False
    UNSIGNED_BIGINT = True
    TRANSACTIONAL_DDL = False
    TABLE_IF_NOT_EXISTS = True
    INDEX_IF_NOT_EXISTS = False  # MariaDB only: set at connect time
    FRESH_READS = True  # reads between transactions run in autocommit mode
    AUTOCOMMIT_WRITES = True
    INSERT_ROWS_RETURNING = True
    ATOMIC_STATEMENTS = True  # a failed statement is rolled back by itself (InnoDB)
    SAVEPOINT_NAME_REPLACES = True
    UPDATE_READS_OWN_TABLE = False  # "You can't specify target table for update in FROM clause"
    # Keys in one DELETE ... IN (one sequence parameter, which the drivers write out in full).
    MAX_ROWS_PER_DELETE = 10000
    # Does INSERT take a RETURNING clause (MariaDB >= 10.5)? Else keys come from LAST_INSERT_ID().
    INSERT_RETURNING = False
    NAME_CASE = "lower"
    VARCHAR_DEFAULT_MAX_LEN = 255
    # Is the server MariaDB (its JSON, index and locking syntax differ a little)?
    IS_MARIADB = False
    # the driver's unbuffered cursor class (streams, and plain reads with mysqlclient)
    _ss_cursor: Any = None
    # mysqlclient's connection class, for unbuffered_cursor(); None with PyMySQL
    _mysqldb_connection: Any = None

    # --- connections --------------------------------------------------------------------------

    def get_pool(self, *args: Any, **kwargs: Any) -> Pool:
        driver = self.dbapi_module = self._import_driver(kwargs.pop("driver", None))
        names = ("host", "user", "password", "database", "port")
        if len(args) > len(names):
            raise TypeError(f"MySQL provider takes at most {len(names)} positional arguments. Got: {args!r}")
        for name, value in zip(names, args):
            kwargs[name] = value
        is_mysqldb = driver.__name__ == "MySQLdb"
        self._mysqldb_connection = importlib.import_module("MySQLdb.connections").Connection if is_mysqldb else None
        # imported here: ``import MySQLdb`` alone does not make ``MySQLdb.cursors`` an attribute
        self._ss_cursor = importlib.import_module(f"{driver.__name__}.cursors").SSCursor
        renames = (
            {"password": "passwd", "database": "db"}
            if is_mysqldb
            else {"passwd": "password", "db": "database"}
        )
        for old, new in renames.items():
            if old in kwargs:
                kwargs[new] = kwargs.pop(old)
        kwargs.setdefault("charset", "utf8mb4")
        kwargs["client_flag"] = kwargs.get("client_flag", 0) | _FOUND_ROWS
        # the server's default: PyMySQL and mysqlclient send nothing to set it
        kwargs["autocommit"] = True
        self.connect_kwargs = kwargs
        return Pool(self._open, self.new_connection_setup)

    def _import_driver(self, choice: Any) -> Any:
        """mysqlclient's MySQLdb when installed, else PyMySQL; or the one ``choice`` names."""
        if choice is None:
            return self.import_driver("mysql", "mysql", "MySQLdb", "pymysql")
        module = DRIVERS.get(str(choice).lower())
        if module is None:
            raise ValueError(f"Unknown MySQL driver {choice!r}: use 'mysqlclient' or 'pymysql'")
        try:
            return importlib.import_module(module)
        except ImportError:
            package = "mysqlclient" if module == "MySQLdb" else "PyMySQL"
            raise ImportError(f"driver={choice!r} needs {package}: pip install {package}") from None

    def _open(self) -> Any:
        kwargs = self.connect_kwargs
        if "conv" not in kwargs:  # the user's own conversions win over the fast decoders
            kwargs = {**kwargs, "conv": fast_conversions(self.dbapi_module)}
        return self.dbapi_module.connect(**kwargs)

    def inspect_connection(self, con: Any) -> None:
        cursor = con.cursor()
        cursor.execute(f"SET SESSION sql_mode = '{SQL_MODE}'")
        cursor.execute("SELECT version()")
        text = cursor.fetchone()[0]
        self.IS_MARIADB = "mariadb" in text.lower()
        numbers = text.split("-")[0].split(".")
        self.apply_server_version(tuple(int(n) for n in numbers if n.isdigit()))

    def apply_server_version(self, version: tuple) -> None:
        super().apply_server_version(version)
        mariadb = self.IS_MARIADB
        if not mariadb and version < (5, 6, 4):
            self.DEFAULT_TIME_PRECISION = 0  # no fractional seconds before MySQL 5.6.4
        self.INDEX_IF_NOT_EXISTS = mariadb
        self.SUPPORTS_NOWAIT = version >= ((10, 3) if mariadb else (8, 0))
        self.SUPPORTS_SKIP_LOCKED = version >= ((10, 6) if mariadb else (8, 0))
        self.compiler_cls = MariaDBCompiler if mariadb else MySQLCompiler
        self.INSERT_RETURNING = mariadb and version >= (10, 5)

    def is_driver_connection_error(self, exc: BaseException) -> bool:
        args = getattr(exc, "args", ())
        return bool(args) and isinstance(args[0], int) and args[0] in _CONNECTION_LOST_CODES

    UPSERT_SKIP_HIDES_ERRORS = True
    _DUPLICATE_KEY = 1062

    def skipped_row_problems(self, cursor: Any) -> list[str]:
        """Warnings of the last INSERT IGNORE other than a duplicate key (a missing foreign key
        row, a NULL in a NOT NULL column...): errors that INSERT IGNORE let pass."""
        result = getattr(cursor, "_result", None)
        if result is not None and getattr(result, "warning_count", None) == 0:
            return []  # PyMySQL says how many warnings there were: none, no query needed
        self.execute(cursor, "SHOW WARNINGS")
        return [f"{code}: {message}" for _, code, message in cursor.fetchall() if code != self._DUPLICATE_KEY]

    # --- streams: an unbuffered cursor on the session's connection ---------------------------------
    # PyMySQL would silently drop the rest of an unbuffered result when the connection is used
    # for anything else, so every statement, commit or rollback reads open streams to the end first.

    def stream_cursor(self, con: Any) -> Any:
        if self.open_streams:
            buffer_open_streams(self, con)
        if self._ss_cursor is None:
            return super().stream_cursor(con)
        # try/except rather than the context manager: plain reads with mysqlclient come here too
        try:
            return con.cursor(self._ss_cursor)
        except Exception as exc:
            raise_wrapped(exc)

    def unbuffered_cursor(self, con: Any) -> Any:
        # mysqlclient's ordinary cursor stores the whole result in the C library's buffer, then
        # turns all of it into Python rows: the buffer and the rows are alive together, and the
        # buffer's freed memory often stays in the process (1M rows read as objects: some 60 MB
        # of a 550 MB peak). Its SSCursor converts the rows as they are fetched. PyMySQL builds
        # the Python rows as it reads in either cursor: nothing to gain there.
        if self._mysqldb_connection is None or not isinstance(con, self._mysqldb_connection):
            return None  # PyMySQL, or an async session's bridged aiomysql connection
        return self.stream_cursor(con)

    def cursor(self, con: Any) -> Any:
        if self.open_streams:
            buffer_open_streams(self, con)
        return super().cursor(con)

    def commit(self, con: Any) -> None:
        if self.open_streams:
            buffer_open_streams(self, con)
        super().commit(con)

    def rollback(self, con: Any) -> None:
        if self.open_streams:
            buffer_open_streams(self, con)
        super().rollback(con)

    # --- transactions -------------------------------------------------------------------------

    def begin(self, con: Any, immediate: bool = False, serializable: bool = False) -> None:
        cursor = self.cursor(con)
        if serializable:  # for the next transaction only
            self.execute(cursor, "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE")
        self.execute(cursor, "BEGIN")

    # --- multi-row INSERT ---------------------------------------------------------------------

    def insert_rows_sql(self, node: Any, count: int) -> str:
        """Any ``count``: power-of-two sizes are cached by the base class; others are built
        (cheaply) each time."""
        if count & (count - 1) == 0:
            sql = super().insert_rows_sql(node, count)
        else:
            sql = self.compiler.compile(type(node)(node.table, node.columns, node.values)).sql
            row = sql[sql.rindex(" VALUES ") + 8:]
            sql = sql[:len(sql) - len(row)] + ", ".join([row] * count)
        if self.INSERT_RETURNING and node.returning is not None:
            sql += " RETURNING " + self.quote_name(node.returning)
        return sql

    def rows_chunk_size(self, remaining: int, limit: int) -> int:
        return min(limit, remaining)  # bound on the client: a statement of any size costs the same

    def insert_rows_returning(self, cursor: Any, node: Any, sql: str, rows: list, record: Any,
                              start: int = 0) -> list:
        """One INSERT per chunk of up to ``MAX_ROWS_PER_INSERT`` rows (any size: PyMySQL and
        mysqlclient bind on the client, so statement texts are not prepared and need no few fixed
        sizes), so a batch that fits is one statement; the new keys in row order."""
        ids: list = []
        width = max(1, len(rows[0]))
        limit = max(1, min(self.MAX_ROWS_PER_INSERT, self.max_params_count // width))
        pos, total = start, len(rows)
        while pos < total:
            size = min(limit, total - pos)
            chunk_sql = self.insert_rows_sql(node, size)
            arguments = [value for row in rows[pos:pos + size] for value in row]
            started = time.perf_counter()
            if self.INSERT_RETURNING:
                ids.extend(self.execute_returning_keys(cursor, chunk_sql, arguments))
            else:
                ids.extend(self._execute_consecutive_keys(cursor, chunk_sql, arguments, size))
            record(chunk_sql, started)
            pos += size
        return ids

    def one_statement_batch(self, kind: str, count: int, width: int, returning_id: bool) -> bool:
        if kind == "insert":  # rows with explicit keys go through executemany (its own splitting)
            return returning_id and count <= min(self.MAX_ROWS_PER_INSERT, self.max_params_count // max(1, width))
        return kind == "delete" and width == 1 and count <= self.MAX_ROWS_PER_DELETE

    # --- several UPDATEs in one ----------------------------------------------------------------

    UPDATE_ROWS_IN_ONE = True
    MAX_ROWS_PER_UPDATE = 256

    def update_rows(self, cursor: Any, shape: UpdateShape, rows: list, record: Any) -> int:
        """``UPDATE t SET c = CASE key WHEN k1 THEN v1 ... END ... WHERE key IN (k1, ...)`` (and
        each row's optimistic checks as ``CASE key WHEN k1 THEN c = old1 ... END``) per chunk; the
        rows matched in all (CLIENT.FOUND_ROWS counts matched rows, changed or not)."""
        width = len(shape.assigned) + 1 + len(shape.checked)
        limit = max(1, min(self.MAX_ROWS_PER_UPDATE, self.max_params_count // (2 * width)))
        matched = 0
        pos, total = 0, len(rows)
        while pos < total:
            chunk = rows[pos:pos + limit]
            sql, arguments = self._update_chunk(shape, chunk)
            started = time.perf_counter()
            self.execute(cursor, sql, arguments)
            record(sql, started)
            matched += cursor.rowcount
            pos += len(chunk)
        return matched

    def _update_chunk(self, shape: UpdateShape, rows: list) -> tuple[str, list]:
        quote = self.quote_name
        key = quote(shape.key)
        n_assigned = len(shape.assigned)
        count = len(rows)
        arguments: list = []
        whens = " ".join(["WHEN %s THEN %s"] * count)
        sets = []
        for i, column in enumerate(shape.assigned):
            sets.append(f"{quote(column)} = CASE {key} {whens} END")
            for row in rows:
                arguments += (row[n_assigned], row[i])
        conditions = [f"{key} IN ({', '.join(['%s'] * count)})"]
        arguments += (row[n_assigned] for row in rows)
        if shape.checked:
            test = " AND ".join(f"{quote(column)} = %s" for column in shape.checked)
            conditions.append(f"CASE {key} {' '.join([f'WHEN %s THEN {test}'] * count)} END")
            for row in rows:
                arguments.append(row[n_assigned])
                arguments += row[n_assigned + 1:]
        conditions += (f"{quote(column)} IS NULL" for column in shape.null_checked)
        sql = f"UPDATE {quote(shape.table)} SET {', '.join(sets)} WHERE {' AND '.join(conditions)}"
        return sql, arguments

    def _execute_consecutive_keys(self, cursor: Any, sql: str, arguments: list, count: int) -> list:
        """The keys of a multi-row simple INSERT: LAST_INSERT_ID() and the increment (see above)."""
        first = self.execute(cursor, sql, arguments, returning_id=True)
        if first is None or cursor.rowcount != count:
            raise errors.UnexpectedError(f"A {count}-row INSERT reported {cursor.rowcount} rows and "
                                         f"first key {first!r}", None)
        step = self._increment(cursor.connection)
        return [first + i * step for i in range(count)]

    def _increment(self, con: Any) -> int:
        """The connection's ``@@auto_increment_increment`` (the step between the keys of one
        INSERT), read once per connection, after the user's on_connect hooks could set it."""
        step = getattr(con, "_pony_autoinc_step", None)
        if step is None:
            cursor = con.cursor()
            self.execute(cursor, "SELECT @@auto_increment_increment")
            step = int(cursor.fetchone()[0] or 1)
            con._pony_autoinc_step = step
        return step

    # --- introspection ------------------------------------------------------------------------

    def _schema(self, table_name: Any) -> tuple[str, tuple, str]:
        schema, name = self.split_table_name(table_name)
        if schema is None:
            return "table_schema = DATABASE()", (), name
        return "table_schema = %s", (schema,), name

    def table_exists(self, con: Any, table_name: Any, case_sensitive: bool = True) -> str | None:
        cond, args, name = self._schema(table_name)
        name_cond = "BINARY table_name = %s" if case_sensitive else "lower(table_name) = lower(%s)"
        sql = f"SELECT table_name FROM information_schema.tables WHERE {cond} AND {name_cond}"
        row = self._fetch_one(con, sql, (*args, name))
        return row[0] if row else None

    def index_exists(self, con: Any, table_name: Any, index_name: str) -> bool:
        cond, args, name = self._schema(table_name)
        sql = (
            f"SELECT index_name FROM information_schema.statistics WHERE {cond} "
            "AND table_name = %s AND index_name = %s"
        )
        return self._fetch_one(con, sql, (*args, name, index_name)) is not None

    def fk_exists(self, con: Any, table_name: Any, fk_name: str) -> bool:
        cond, args, name = self._schema(table_name)
        sql = (
            f"SELECT constraint_name FROM information_schema.table_constraints WHERE {cond} "
            "AND table_name = %s AND constraint_name = %s AND constraint_type = 'FOREIGN KEY'"
        )
        return self._fetch_one(con, sql, (*args, name, fk_name)) is not None

    def disable_fk_checks(self, con: Any) -> Any:
        self._run(con, "SET foreign_key_checks = 0")
        return True

    def enable_fk_checks(self, con: Any, prev: Any) -> None:
        if prev:
            self._run(con, "SET foreign_key_checks = 1")
