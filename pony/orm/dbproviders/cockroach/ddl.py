"""CockroachDB DDL: the PostgreSQL spelling plus INTERLEAVE IN PARENT for interleaved tables."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..postgres.ddl import PGDDLCompiler

if TYPE_CHECKING:
    from ...sql.schema import Column, Table


class CockroachDDLCompiler(PGDDLCompiler):
    def auto_pk_sql(self, column: Column) -> str:
        return "SERIAL PRIMARY KEY"  # SERIAL is already 64-bit (unique_rowid) in CockroachDB

    def table_suffix(self, table: Table) -> str:
        text = super().table_suffix(table)
        fk = table.interleave
        if fk is not None:
            text += (
                f"\nINTERLEAVE IN PARENT {self.quote(fk.parent_table.name)} "
                f"({self.quote_columns(fk.child_columns)})"
            )
        return text
