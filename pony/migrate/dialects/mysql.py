"""MySQL/MariaDB: MODIFY COLUMN, RENAME TABLE, DROP FOREIGN KEY / DROP INDEX; no transactional DDL."""

from __future__ import annotations

from typing import Any

from ...orm.sql.schema import Column, DBIndex, ForeignKey, Table
from .base import AlterRenderer, Statement
from .livenames import live_unique_name


class MySQLRenderer(AlterRenderer):
    def alter_column_sql(self, table: str, old: Column, new: Column) -> list[str]:
        return [f"ALTER TABLE {table} MODIFY COLUMN {self.column_def(new)}"]

    def rename_table_sql(self, old: Any, new: Any) -> str:
        return f"RENAME TABLE {self.q(old)} TO {self.q(new)}"

    def drop_index_sql(self, index: DBIndex, table: Table) -> str | Statement:
        quoted = self.q(table.name)
        if not (index.is_unique and len(index.columns) == 1):
            return f"ALTER TABLE {quoted} DROP INDEX {self.q(index.name)}"
        # A single-column UNIQUE written inline is an index the server names (after its column,
        # with a suffix when that name is taken): read its name from the database.
        columns = index.col_names

        def resolve(execute: Any) -> list[str]:
            return [f"ALTER TABLE {quoted} DROP INDEX "
                    f"{self.q(live_unique_name(self.provider, execute, table.name, columns))}"]
        return Statement(f"-- drop the UNIQUE index on {quoted} ({', '.join(columns)}), named by the database",
                         resolve=resolve)

    def drop_fk_sql(self, fk: ForeignKey) -> str:
        return f"ALTER TABLE {self.q(fk.child_table.name)} DROP FOREIGN KEY {self.q(fk.name)}"
