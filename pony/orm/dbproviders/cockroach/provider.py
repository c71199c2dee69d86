"""The CockroachDB provider: the PostgreSQL provider on port 26257, with its own column types.

Serialization failures (SQLSTATE 40001) are wrapped with ``should_retry = True``, so a
``@db_session(retry=N)`` function runs again; any ``sslmode``/``sslrootcert``/``sslkey``/
``sslcert`` keyword goes to the driver as is.
"""

from __future__ import annotations

from typing import Any

from ..postgres.provider import PGProvider
from .compiler import CockroachCompiler
from .converters import COCKROACH_CONVERTERS
from .ddl import CockroachDDLCompiler


class CockroachProvider(PGProvider):
    dialect = "CockroachDB"
    provider_name = "cockroach"
    URL_SCHEMES = ("cockroach", "cockroachdb")
    compiler_cls = CockroachCompiler
    ddl_compiler_cls = CockroachDDLCompiler
    converter_classes = COCKROACH_CONVERTERS
    PIP_EXTRA = "postgres"
    DEFAULT_PORT = 26257
    OFFLINE_SERVER_VERSION = (23, 1)
    # DDL inside a transaction is limited in CockroachDB.
    TRANSACTIONAL_DDL = False
    # Keys come from unique_rowid(): one INSERT per new object keeps their order beyond doubt.
    INSERT_ROWS_RETURNING = False

    def inspect_connection(self, con: Any) -> None:
        super().inspect_connection(con)
        cursor = con.cursor()
        cursor.execute("SELECT version()")
        text = cursor.fetchone()[0]
        if "cockroachdb" in text.lower():  # 'CockroachDB CCL v23.1.11 (...)'
            number = text.split(" v", 1)[1].split()[0]
            self.apply_server_version(tuple(int(n) for n in number.split(".") if n.isdigit()))
