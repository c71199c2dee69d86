"""The MySQL/MariaDB provider: mysqlclient (MySQLdb) when installed, else PyMySQL.

Autocommit is off, so a transaction starts with the first statement of a session
(``IMPLICIT_TRANSACTIONS``) and every session ends with COMMIT or ROLLBACK. Connections use
utf8mb4, strict SQL mode (bad values are errors, not warnings) and CLIENT.FOUND_ROWS, so an
UPDATE's rowcount counts the rows it matched, which optimistic checks rely on.
"""

from __future__ import annotations

from typing import Any

from ..base.errors import wrap_dbapi_exceptions
from ..base.pool import Pool
from ..base.provider import DBAPIProvider
from ..base.streams import buffer_open_streams
from .compiler import MariaDBCompiler, MySQLCompiler
from .converters import MYSQL_CONVERTERS
from .ddl import MySQLDDLCompiler

# Client/server error codes that mean the connection is gone: closed (0), server has gone
# away (2006), lost during query (2013), lost during reading (2055), killed (1927, MariaDB),
# disconnected for inactivity (4031, MySQL 8).
_CONNECTION_LOST_CODES = frozenset({0, 2006, 2013, 2055, 1927, 4031})
_FOUND_ROWS = 2  # CLIENT.FOUND_ROWS, the same in both drivers
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
    FRESH_READS = False  # REPEATABLE READ: a session reads from its first statement's snapshot
    IMPLICIT_TRANSACTIONS = True
    UPDATE_READS_OWN_TABLE = False  # "You can't specify target table for update in FROM clause"
    NAME_CASE = "lower"
    VARCHAR_DEFAULT_MAX_LEN = 255
    # Is the server MariaDB (its JSON, index and locking syntax differ a little)?
    IS_MARIADB = False

    # --- connections --------------------------------------------------------------------------

    def get_pool(self, *args: Any, **kwargs: Any) -> Pool:
        driver = self.import_driver("mysql", "mysql", "MySQLdb", "pymysql")
        self.dbapi_module = driver
        names = ("host", "user", "password", "database", "port")
        if len(args) > len(names):
            raise TypeError(f"MySQL provider takes at most {len(names)} positional arguments. Got: {args!r}")
        for name, value in zip(names, args):
            kwargs[name] = value
        is_mysqldb = driver.__name__ == "MySQLdb"
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
        kwargs["autocommit"] = False
        self.connect_kwargs = kwargs
        return Pool(self._open, self.new_connection_setup)

    def _open(self) -> Any:
        return self.dbapi_module.connect(**self.connect_kwargs)

    def inspect_connection(self, con: Any) -> None:
        cursor = con.cursor()
        cursor.execute(f"SET SESSION sql_mode = '{SQL_MODE}'")
        cursor.execute("SELECT version()")
        text = cursor.fetchone()[0]
        con.commit()
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
        unbuffered = getattr(getattr(self.dbapi_module, "cursors", None), "SSCursor", None)
        if unbuffered is None:
            return super().stream_cursor(con)
        with wrap_dbapi_exceptions():
            return con.cursor(unbuffered)

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
        # A transaction is already open implicitly; only the isolation level may change here,
        # which works because the session begins before its first statement when serializable.
        if serializable:
            self.execute(con.cursor(), "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE")

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
