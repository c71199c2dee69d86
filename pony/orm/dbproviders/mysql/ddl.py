"""MySQL DDL: backquotes, AUTO_INCREMENT, foreign keys by ALTER TABLE, table options."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...sql.ddl import DDLCompiler

if TYPE_CHECKING:
    from ...sql.schema import Column


class MySQLDDLCompiler(DDLCompiler):
    QUOTE = "`"

    def auto_pk_sql(self, column: Column) -> str:
        return f"{column.sql_type} PRIMARY KEY AUTO_INCREMENT"
