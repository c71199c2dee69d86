"""PostgreSQL: ALTER COLUMN ... TYPE/SET NOT NULL/SET DEFAULT; transactional DDL; CONCURRENTLY."""

from __future__ import annotations

from typing import Any

from ...orm.sql.schema import Column, DBIndex, Table
from .base import AlterRenderer


class PGRenderer(AlterRenderer):
    TRANSACTIONAL = True
    MAX_NAME = 63

    def alter_column_sql(self, table: str, old: Column, new: Column) -> list[str]:
        col = self.q(new.name)
        out = []
        if old.sql_type.upper() != new.sql_type.upper():
            out.append(f"ALTER TABLE {table} ALTER COLUMN {col} TYPE {new.sql_type} USING {col}::{new.sql_type}")
        if old.sql_default != new.sql_default:
            if new.sql_default in (None, True, False):
                out.append(f"ALTER TABLE {table} ALTER COLUMN {col} DROP DEFAULT")
            else:
                out.append(f"ALTER TABLE {table} ALTER COLUMN {col} SET DEFAULT {new.sql_default}")
        if old.is_not_null != new.is_not_null:
            action = "SET" if new.is_not_null else "DROP"
            out.append(f"ALTER TABLE {table} ALTER COLUMN {col} {action} NOT NULL")
        return out

    def add_index_sql(self, index: DBIndex, concurrently: bool = False) -> str:
        sql = super().add_index_sql(index)
        if concurrently and sql.startswith("CREATE INDEX "):
            return "CREATE INDEX CONCURRENTLY " + sql[len("CREATE INDEX "):]
        return sql

    def drop_index_sql(self, index: DBIndex, table: Table) -> str:
        if index.is_unique:
            return f"ALTER TABLE {self.q(table.name)} DROP CONSTRAINT {self.q(self.unique_name(index, table))}"
        return f"DROP INDEX {self.q(index.name)}"

    def unique_name(self, index: DBIndex, table: Table) -> str:
        """The name PostgreSQL gave a single-column UNIQUE written without one (``t_c_key``)."""
        if len(index.columns) > 1:
            return index.name or ""
        name: Any = table.name[-1] if isinstance(table.name, tuple) else table.name
        return f"{name}_{index.columns[0].name}_key"[: self.MAX_NAME]
