"""PostgreSQL: ALTER COLUMN ... TYPE/SET NOT NULL/SET DEFAULT; transactional DDL; CONCURRENTLY.

Names PostgreSQL chose itself are read from the database (see livenames.py): an inline UNIQUE
constraint is dropped by its real name, and a renamed table's primary key and sequences get the
names a fresh CREATE TABLE would give them.
"""

from __future__ import annotations

from typing import Any

from ...orm.sql.schema import Column, DBIndex, Table
from ..diff import TableChanges
from .base import AlterRenderer, Statement
from .livenames import PGFreshNames, live_unique_name


class PGRenderer(AlterRenderer):
    TRANSACTIONAL = True

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

    def rename_table_statements(self, old: Any, new: Any) -> list[str | Statement]:
        return [self.rename_table_sql(old, new), self.fresh_names(new)]

    def column_statements(self, table: TableChanges) -> list[str | Statement]:
        out = super().column_statements(table)
        if table.rename_columns:  # a renamed serial column's sequence is named after it
            out.append(self.fresh_names(table.new.name))
        return out

    def fresh_names(self, table: Any) -> Statement:
        return Statement(f"-- rename the primary key and sequences of {self.q(table)} as CREATE TABLE names them",
                         resolve=PGFreshNames(table, self.q))

    def add_index_sql(self, index: DBIndex, concurrently: bool = False) -> str:
        sql = super().add_index_sql(index)
        if concurrently and sql.startswith("CREATE INDEX "):
            return "CREATE INDEX CONCURRENTLY " + sql[len("CREATE INDEX "):]
        return sql

    def drop_index_sql(self, index: DBIndex, table: Table) -> str | Statement:
        if not index.is_unique:
            return f"DROP INDEX {self.q(index.name)}"
        quoted, columns = self.q(table.name), index.col_names

        def resolve(execute: Any) -> list[str]:
            name = live_unique_name(self.provider, execute, table.name, columns)
            is_constraint = execute("SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass(%s) AND conname = %s",
                                    (quoted, name)).fetchone()
            return [f"ALTER TABLE {quoted} DROP CONSTRAINT {self.q(name)}" if is_constraint
                    else f"DROP INDEX {self.q(name)}"]
        return Statement(f"-- drop the UNIQUE constraint on {quoted} ({', '.join(columns)}), named by the database",
                         resolve=resolve)
