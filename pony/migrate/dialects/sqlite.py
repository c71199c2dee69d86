"""SQLite: ALTER TABLE for renames and plain new columns; everything else rebuilds the table.

A rebuild follows SQLite's documented procedure: create the new table under a temporary name,
copy the rows, drop the old table, rename the new one, then recreate its indexes and the
triggers the old one had. The runner turns foreign-key checks off around the migration and runs
``PRAGMA foreign_key_check`` before committing.
"""

from __future__ import annotations

from typing import Any

from ...orm.sql.schema import Column, DBIndex, ForeignKey, Table
from ..diff import SchemaChanges, TableChanges
from .base import AlterRenderer, Statement, sql_literal


class SQLiteRenderer(AlterRenderer):
    TRANSACTIONAL = True

    def statements(self, changes: SchemaChanges, concurrently: bool = False) -> list[Statement]:
        rebuilt = [t for t in changes.tables if self.needs_rebuild(t)]
        simple = [t for t in changes.tables if t not in rebuilt]
        out: list[str | Statement] = []
        for table in simple:
            out += [self.drop_index_sql(index, table.old) for index in table.drop_indexes]
            if table.renamed:
                out.append(self.rename_table_sql(table.old.name, table.new.name))
        for new in changes.create_tables:
            out += self.ddl.create_table_commands(new)
            out += [self.ddl.create_index_sql(index) for index in self.ddl.separate_indexes(new)]
        for table in simple:
            out += self.column_statements(table)
            out += [self.add_index_sql(index) for index in table.add_indexes]
        for table in rebuilt:
            out += self.rebuild(table)
        out += [self.ddl.drop_table_sql(t.name) for t in changes.drop_tables]
        return [s if isinstance(s, Statement) else Statement(s) for s in out]

    def needs_rebuild(self, table: TableChanges) -> bool:
        if table.alter_columns or table.drop_columns or table.add_fks or table.drop_fks:
            return True
        if any(index.is_unique and len(index.columns) == 1 for index in table.add_indexes + table.drop_indexes):
            return True  # inline UNIQUE column constraints live in CREATE TABLE
        if any(index.is_unique for index in table.add_indexes + table.drop_indexes):
            return True  # so do composite UNIQUE constraints
        return any(col.is_not_null and col.sql_default is None for col in table.add_columns)

    def rebuild(self, table: TableChanges) -> list[str | Statement]:
        new = table.new
        temp = f"{new.name}__new" if isinstance(new.name, str) else (*new.name[:-1], f"{new.name[-1]}__new")
        create = self.ddl.create_table_sql(new)
        create = create.replace(self.q(new.name), self.q(temp), 1)
        pairs = [(col.name, self.q(table.column_map[col.name])) for col in new.columns if col.name in table.column_map]
        pairs += [(name, sql_literal(value)) for name, value in table.fill.items()]
        targets = ", ".join(self.q(n) for n, _ in pairs)
        sources = ", ".join(o for _, o in pairs)
        triggers = Statement(f"-- keep the triggers of {self.q(table.old.name)}", action=_TriggerKeeper(table.old.name))
        out: list[str | Statement] = [
            triggers,
            create,
            f"INSERT INTO {self.q(temp)} ({targets}) SELECT {sources} FROM {self.q(table.old.name)}",
            f"DROP TABLE {self.q(table.old.name)}",
            f"ALTER TABLE {self.q(temp)} RENAME TO {self.q(new.name)}",
        ]
        out += [self.ddl.create_index_sql(index) for index in self.ddl.separate_indexes(new)]
        out.append(Statement(f"-- recreate the triggers of {self.q(new.name)}", action=triggers.action.restore))
        return out

    def column_def(self, column: Column) -> str:
        text = super().column_def(column)
        fk = column.table.foreign_keys.get((column.name,))
        return text + " " + self.ddl.references_sql(fk) if fk is not None else text

    def add_index_sql(self, index: DBIndex, concurrently: bool = False) -> str:
        return self.ddl.create_index_sql(index)

    def drop_index_sql(self, index: DBIndex, table: Table) -> str:
        return f"DROP INDEX {self.q(index.name)}"

    def drop_fk_sql(self, fk: ForeignKey) -> str:
        raise AssertionError("SQLite foreign keys change by rebuilding the table")


class _TriggerKeeper:
    """Reads a table's triggers before a rebuild drops them, and creates them again after."""

    def __init__(self, table_name: Any) -> None:
        self.table_name = table_name[-1] if isinstance(table_name, tuple) else table_name
        self.saved: list[str] = []

    def __call__(self, execute: Any) -> None:
        cursor = execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", (self.table_name,))
        self.saved = [row[0] for row in cursor.fetchall()]

    def restore(self, execute: Any) -> None:
        for sql in self.saved:
            execute(sql)
