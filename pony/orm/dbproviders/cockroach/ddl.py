"""CockroachDB DDL: the PostgreSQL spelling, with INTERLEAVE IN PARENT for interleaved tables only
on servers older than v21.1: interleaving was deprecated in v20.2, disabled by default in v21.1 and
removed in v21.2 (CockroachDB's documentation), so newer servers get plain tables."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..postgres.ddl import PGDDLCompiler

if TYPE_CHECKING:
    from ...sql.schema import Column, Table


INTERLEAVE_DISABLED_IN = (21, 1)


class CockroachDDLCompiler(PGDDLCompiler):
    def auto_pk_sql(self, column: Column) -> str:
        return "SERIAL PRIMARY KEY"  # SERIAL is already 64-bit (unique_rowid) in CockroachDB

    def table_suffix(self, table: Table) -> str:
        text = super().table_suffix(table)
        fk = table.interleave
        version = self.provider.server_version
        if fk is not None and version and version < INTERLEAVE_DISABLED_IN:
            text += (
                f"\nINTERLEAVE IN PARENT {self.quote(fk.parent_table.name)} "
                f"({self.quote_columns(fk.child_columns)})"
            )
        return text
