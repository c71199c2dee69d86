"""The Oracle provider (python-oracledb, thin mode; Oracle 12c+).

Bind forms: ``'user/password@dsn'``, ``(user, password)``, ``(user, password, dsn)`` or the
keywords ``user, password, dsn`` (plus any oracledb.connect keyword). Like MySQL, a transaction
starts with the first statement. Names are upper-cased; '' is stored as NULL.
"""

from __future__ import annotations

from typing import Any

from ...log import log_sql
from ..base.errors import wrap_dbapi_exceptions
from ..base.pool import Pool
from ..base.provider import DBAPIProvider
from .compiler import OracleCompiler
from .converters import ORACLE_CONVERTERS
from .ddl import OracleDDLCompiler

# ORA- codes of a lost connection: end-of-file on channel, not connected, session killed ...
_CONNECTION_LOST_CODES = frozenset({28, 1012, 3113, 3114, 3135, 12537, 12541, 12547})


class OracleProvider(DBAPIProvider):
    dialect = "Oracle"
    provider_name = "oracle"
    URL_SCHEMES = ("oracle",)

    @classmethod
    def bind_arguments_from_url(cls, url: Any) -> tuple[tuple, dict]:
        """``oracle://user:password@host:port/service`` is ``dsn='host:port/service'``."""
        kwargs = url.server_kwargs()
        host, port, service = kwargs.pop("host", ""), kwargs.pop("port", None), kwargs.pop("database", "")
        dsn = host + (f":{port}" if port is not None else "") + (f"/{service}" if service else "")
        if dsn:
            kwargs["dsn"] = dsn
        return (), kwargs
    compiler_cls = OracleCompiler
    ddl_compiler_cls = OracleDDLCompiler
    converter_classes = ORACLE_CONVERTERS
    paramstyle = "numeric"
    max_name_len = 30
    max_params_count = 1000
    OFFLINE_SERVER_VERSION = (19, 0)

    SUPPORTS_RETURNING = True
    SUPPORTS_ARRAYS = False
    UNSIGNED_BIGINT = True
    TRANSACTIONAL_DDL = False
    TABLE_IF_NOT_EXISTS = False
    INDEX_IF_NOT_EXISTS = False
    IMPLICIT_TRANSACTIONS = True
    NAME_CASE = "upper"
    EMPTY_STRING_IS_NULL = True

    def get_pool(self, *args: Any, **kwargs: Any) -> Pool:
        self.dbapi_module = self.import_driver("oracle", "oracle", "oracledb")
        if len(args) == 1 and isinstance(args[0], str):
            user_password, _, dsn = args[0].partition("@")
            user, _, password = user_password.partition("/")
            kwargs.update(user=user, password=password)
            if dsn:
                kwargs["dsn"] = dsn
        elif args:
            if len(args) > 3:
                raise TypeError(f"Oracle provider takes at most 3 positional arguments. Got: {args!r}")
            kwargs.update(zip(("user", "password", "dsn"), args))
        for pool_option in ("threaded", "min", "max", "increment"):
            kwargs.pop(pool_option, None)  # cx_Oracle session-pool options: one connection per thread here
        self.connect_kwargs = kwargs
        return Pool(self._open, self.new_connection_setup)

    def _open(self) -> Any:
        return self.dbapi_module.connect(**self.connect_kwargs)

    def inspect_connection(self, con: Any) -> None:
        version = tuple(int(n) for n in con.version.split(".")[:2])
        self.apply_server_version(version)
        cursor = con.cursor()
        cursor.execute("ALTER SESSION SET NLS_TIMESTAMP_FORMAT = 'YYYY-MM-DD HH24:MI:SS.FF'")

    def apply_server_version(self, version: tuple) -> None:
        super().apply_server_version(version)
        if version >= (12, 2):
            self.max_name_len = 128

    def is_driver_connection_error(self, exc: BaseException) -> bool:
        args = getattr(exc, "args", ())
        code = getattr(args[0], "code", None) if args else None
        return code in _CONNECTION_LOST_CODES or getattr(args[0] if args else None, "isrecoverable", False)

    def begin(self, con: Any, immediate: bool = False, serializable: bool = False) -> None:
        if serializable:
            self.execute(con.cursor(), "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE")

    def execute(self, cursor: Any, sql: str, arguments: Any = None, returning_id: bool = False) -> Any:
        if not (returning_id and " RETURNING " in sql):
            return super().execute(cursor, sql, arguments, returning_id)
        log_sql(sql, arguments)
        with wrap_dbapi_exceptions():
            out = cursor.var(int)
            cursor.execute(sql, [*(arguments or ()), out])
            value = out.getvalue()
        return value[0] if isinstance(value, list) else value

    def release_savepoint(self, con: Any, name: str) -> None:
        """Oracle has no RELEASE SAVEPOINT: a savepoint lasts until the transaction ends."""

    def insert_rows(self, cursor: Any, sql: str, rows: list, returning_id: bool) -> list | None:
        """Each row's ``INSERT ... RETURNING key INTO :n`` runs with an output variable of its own
        bound at ``:n`` (the base class's loop binds none and reads ``lastrowid``, which on Oracle is
        a ROWID, not the key)."""
        if not (returning_id and " RETURNING " in sql):
            return super().insert_rows(cursor, sql, rows, returning_id)
        return [self.execute(cursor, sql, row, returning_id=True) for row in rows]

    # --- introspection ------------------------------------------------------------------------

    def _owner(self, table_name: Any) -> tuple[str, tuple, str]:
        schema, name = self.split_table_name(table_name)
        if schema is None:
            return "owner = SYS_CONTEXT('USERENV', 'CURRENT_SCHEMA')", (), name
        return "owner = :1", (schema,), name

    def table_exists(self, con: Any, table_name: Any, case_sensitive: bool = True) -> str | None:
        cond, args, name = self._owner(table_name)
        n = len(args) + 1
        name_cond = f"table_name = :{n}" if case_sensitive else f"UPPER(table_name) = UPPER(:{n})"
        row = self._fetch_one(
            con, f"SELECT table_name FROM all_tables WHERE {cond} AND {name_cond}", (*args, name)
        )
        return row[0] if row else None

    def index_exists(self, con: Any, table_name: Any, index_name: str) -> bool:
        cond, args, _ = self._owner(table_name)
        sql = f"SELECT index_name FROM all_indexes WHERE {cond} AND index_name = :{len(args) + 1}"
        return self._fetch_one(con, sql, (*args, index_name)) is not None

    def fk_exists(self, con: Any, table_name: Any, fk_name: str) -> bool:
        cond, args, name = self._owner(table_name)
        n = len(args)
        sql = (
            f"SELECT constraint_name FROM all_constraints WHERE {cond} AND table_name = :{n + 1} "
            f"AND constraint_name = :{n + 2} AND constraint_type = 'R'"
        )
        return self._fetch_one(con, sql, (*args, name, fk_name)) is not None

    def table_has_data(self, con: Any, table_name: Any) -> bool:
        sql = f"SELECT 1 FROM {self.quote_name(table_name)} FETCH FIRST 1 ROWS ONLY"
        return self._fetch_one(con, sql) is not None
