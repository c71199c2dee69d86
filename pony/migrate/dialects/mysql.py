"""MySQL/MariaDB: MODIFY COLUMN, RENAME TABLE, DROP FOREIGN KEY / DROP INDEX; no transactional DDL."""

from __future__ import annotations

from typing import Any

from ...orm.sql.schema import Column, DBIndex, ForeignKey, Table
from .base import AlterRenderer


class MySQLRenderer(AlterRenderer):
    def alter_column_sql(self, table: str, old: Column, new: Column) -> list[str]:
        return [f"ALTER TABLE {table} MODIFY COLUMN {self.column_def(new)}"]

    def rename_table_sql(self, old: Any, new: Any) -> str:
        return f"RENAME TABLE {self.q(old)} TO {self.q(new)}"

    def drop_index_sql(self, index: DBIndex, table: Table) -> str:
        # A single-column UNIQUE written inline is an index named after its column.
        name = index.columns[0].name if index.is_unique and len(index.columns) == 1 else index.name
        return f"ALTER TABLE {self.q(table.name)} DROP INDEX {self.q(name)}"

    def drop_fk_sql(self, fk: ForeignKey) -> str:
        return f"ALTER TABLE {self.q(fk.child_table.name)} DROP FOREIGN KEY {self.q(fk.name)}"
