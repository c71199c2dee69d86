"""SQLite DDL: foreign keys inside CREATE TABLE, ``INTEGER PRIMARY KEY AUTOINCREMENT``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...sql.ddl import DDLCompiler

if TYPE_CHECKING:
    from ...sql.schema import Column


class SQLiteDDLCompiler(DDLCompiler):
    # SQLite cannot add a foreign key to an existing table.
    INLINE_FOREIGN_KEYS = True
    PK_NOT_NULL = True

    def auto_pk_sql(self, column: Column) -> str:
        # Only this exact spelling makes the column an alias of the rowid.
        return "INTEGER PRIMARY KEY AUTOINCREMENT"
