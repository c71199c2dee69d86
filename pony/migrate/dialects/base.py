"""``AlterRenderer``: schema changes as ALTER TABLE statements, in an order that always works.

Order: drop foreign keys and indexes that go, rename tables, create new tables, change columns
(rename, add, alter, drop), drop tables, then create indexes and foreign keys. Column and
constraint text comes from the provider's DDL compiler, so the result equals a fresh create.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ...orm.sql.schema import Column, DBIndex, ForeignKey, Table
from ..diff import SchemaChanges, TableChanges


@dataclass
class Statement:
    """One statement to run: SQL text with bound parameters, or a callable given the executor.

    ``resolve(execute)`` returns the SQL to run when it depends on the live database (a constraint
    name the database chose); ``sql`` then only describes it, for ``sql --offline``."""

    sql: str
    params: tuple | None = None
    action: Callable[[Any], None] | None = None
    resolve: Callable[[Any], list[str]] | None = None

    def __str__(self) -> str:
        return self.sql


def sql_literal(value: Any) -> str:
    """A literal for a value the code chose (a discriminator), never for user data."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise TypeError(f"Cannot write {value!r} as an SQL literal")
    return str(value) if isinstance(value, int) else "'" + value.replace("'", "''") + "'"


class AlterRenderer:
    # Can one statement run inside a transaction that is later rolled back (transactional DDL)?
    TRANSACTIONAL = False

    def __init__(self, provider: Any) -> None:
        self.provider = provider
        self.ddl = provider.ddl_compiler_cls(provider)
        self.q = self.ddl.quote

    def placeholder(self) -> str:
        return "?" if self.provider.paramstyle == "qmark" else "%s"

    def statements(self, changes: SchemaChanges, concurrently: bool = False) -> list[Statement]:
        out: list[str | Statement] = []
        for table in changes.tables:
            out += [self.drop_fk_sql(fk) for fk in table.drop_fks]
            out += [self.drop_index_sql(index, table.old) for index in table.drop_indexes]
        for table in changes.tables:
            if table.renamed:
                out += self.rename_table_statements(table.old.name, table.new.name)
        for new in changes.create_tables:
            out += self.ddl.create_table_commands(new)
        for table in changes.tables:
            out += self.column_statements(table)
        out += [self.ddl.drop_table_sql(t.name) for t in changes.drop_tables]
        for table in changes.tables:
            out += [self.add_index_sql(index, concurrently) for index in table.add_indexes]
        for new in changes.create_tables:
            out += [self.add_index_sql(index, concurrently) for index in self.ddl.separate_indexes(new)]
        out += self.foreign_key_statements(changes)
        return [s if isinstance(s, Statement) else Statement(s) for s in out]

    def foreign_key_statements(self, changes: SchemaChanges) -> list[str]:
        out = []
        for table in changes.tables:
            out += [self.ddl.add_foreign_key_sql(fk) for fk in table.add_fks]
        for new in changes.create_tables:
            out += [self.ddl.add_foreign_key_sql(fk) for fk in self.ddl.sorted_fks(new)]
        return out

    def column_statements(self, table: TableChanges) -> list[str | Statement]:
        name = self.q(table.new.name)
        out: list[str | Statement] = [self.rename_column_sql(name, old, new) for old, new in table.rename_columns]
        for col in table.add_columns:
            if col.name in table.fill:
                literal = sql_literal(table.fill[col.name])
                out.append(f"ALTER TABLE {name} ADD {self.q(col.name)} {col.sql_type} DEFAULT {literal} NOT NULL")
                out.append(f"ALTER TABLE {name} ALTER COLUMN {self.q(col.name)} DROP DEFAULT")
            else:
                out.append(f"ALTER TABLE {name} ADD {self.column_def(col)}")
        for old, new in table.alter_columns:
            out += self.alter_column_sql(name, old, new)
        out += [f"ALTER TABLE {name} DROP COLUMN {self.q(col.name)}" for col in table.drop_columns]
        return out

    # --- pieces -------------------------------------------------------------------------------

    def column_def(self, column: Column) -> str:
        """A column without key constraints (those are indexes of their own here)."""
        parts = [self.q(column.name), column.sql_type]
        if column.sql_default not in (None, True, False):
            parts.append(f"DEFAULT {column.sql_default}")
        if column.is_not_null:
            parts.append("NOT NULL")
        return " ".join(parts)

    def rename_table_statements(self, old: Any, new: Any) -> list[str | Statement]:
        return [self.rename_table_sql(old, new)]

    def rename_table_sql(self, old: Any, new: Any) -> str:
        return f"ALTER TABLE {self.q(old)} RENAME TO {self.q(new)}"

    def rename_column_sql(self, table: str, old: Column, new: Column) -> str:
        return f"ALTER TABLE {table} RENAME COLUMN {self.q(old.name)} TO {self.q(new.name)}"

    def alter_column_sql(self, table: str, old: Column, new: Column) -> list[str]:
        raise NotImplementedError

    def add_index_sql(self, index: DBIndex, concurrently: bool = False) -> str:
        table = self.q(index.table.name)
        if index.is_unique and len(index.columns) == 1:
            return f"ALTER TABLE {table} ADD UNIQUE ({self.q(index.columns[0].name)})"
        if index.is_unique:
            columns = self.ddl.quote_columns(index.columns)
            return f"ALTER TABLE {table} ADD CONSTRAINT {self.q(index.name)} UNIQUE ({columns})"
        return self.ddl.create_index_sql(index)

    def drop_index_sql(self, index: DBIndex, table: Table) -> str | Statement:
        raise NotImplementedError

    def drop_fk_sql(self, fk: ForeignKey) -> str:
        return f"ALTER TABLE {self.q(fk.child_table.name)} DROP CONSTRAINT {self.q(fk.name)}"
