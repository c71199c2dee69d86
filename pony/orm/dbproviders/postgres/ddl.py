"""PostgreSQL DDL: SERIAL keys, foreign keys added by ALTER TABLE."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...sql.ddl import DDLCompiler

if TYPE_CHECKING:
    from ...sql.schema import Column


class PGDDLCompiler(DDLCompiler):
    def auto_pk_sql(self, column: Column) -> str:
        big = column.sql_type.upper() in ("BIGINT", "INT8")
        return "BIGSERIAL PRIMARY KEY" if big else "SERIAL PRIMARY KEY"

    def drop_table_sql(self, table_name: object) -> str:
        # CASCADE drops the foreign keys of other tables that point here, not those tables.
        return f"DROP TABLE {self.quote(table_name)} CASCADE"
