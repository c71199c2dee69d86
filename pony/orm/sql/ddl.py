"""DDL rendering of a sql.schema model (layer L1).

``DDLCompiler`` writes the generic spelling; each provider subclasses it as
``provider.ddl_compiler_cls`` and overrides the flags and methods that differ (auto-increment
keys, inline or ALTER TABLE foreign keys, table options, identity columns, interleaving).
The text matches what Pony prints for ``db.schema.generate_create_script()``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .schema import Column, DBIndex, ForeignKey, Table


class DDLCompiler:
    QUOTE = '"'
    # Are single-column foreign keys written inside CREATE TABLE (else ALTER TABLE ADD CONSTRAINT)?
    INLINE_FOREIGN_KEYS = False
    # Does a single-column primary key also spell NOT NULL?
    PK_NOT_NULL = False
    # Which ON DELETE actions the dialect accepts (others are left out).
    ON_DELETE_ACTIONS = frozenset({"CASCADE", "SET NULL", "RESTRICT", "NO ACTION", "SET DEFAULT"})

    def __init__(self, provider: Any) -> None:
        self.provider = provider

    # --- names --------------------------------------------------------------------------------

    def quote(self, name: Any) -> str:
        if isinstance(name, tuple):
            return ".".join(self.quote(part) for part in name)
        q = self.QUOTE
        return q + name.replace(q, q + q) + q

    def quote_columns(self, columns: list[Column]) -> str:
        return ", ".join(self.quote(col.name) for col in columns)

    # --- whole schema -------------------------------------------------------------------------

    def schema_statements(self, tables: list[Table]) -> list[str]:
        """Every statement of a create script, table by table in the given order."""
        statements: list[str] = []
        for table in tables:
            statements.extend(self.create_table_commands(table))
            statements.extend(self.create_index_sql(index) for index in self.separate_indexes(table))
            if not self.INLINE_FOREIGN_KEYS:
                statements.extend(self.add_foreign_key_sql(fk) for fk in self.sorted_fks(table))
        return statements

    def sorted_fks(self, table: Table) -> list[ForeignKey]:
        return sorted(table.foreign_keys.values(), key=lambda fk: fk.name)

    # --- CREATE TABLE -------------------------------------------------------------------------

    def create_table_commands(self, table: Table, if_not_exists: bool = False) -> list[str]:
        return [self.create_table_sql(table, if_not_exists)]

    def create_table_sql(self, table: Table, if_not_exists: bool = False) -> str:
        lines = [self.column_sql(col) for col in table.columns]
        lines.extend(self.table_constraints(table))
        head = "CREATE TABLE IF NOT EXISTS " if if_not_exists else "CREATE TABLE "
        body = ",\n  ".join(lines)
        return f"{head}{self.quote(table.name)} (\n  {body}\n){self.table_suffix(table)}"

    def table_suffix(self, table: Table) -> str:
        """Text after the closing parenthesis: ``_table_options_`` one per line, sorted by key."""
        return "".join(f"\n{key} {value}" for key, value in sorted(table.options.items()))

    def is_single_pk(self, column: Column) -> bool:
        pk = column.table.pk_index
        return pk is not None and len(pk.columns) == 1 and pk.columns[0] is column

    def column_sql(self, column: Column) -> str:
        name = self.quote(column.name)
        if column.auto and self.is_single_pk(column):
            return f"{name} {self.auto_pk_sql(column)}"
        parts = [name, column.sql_type]
        if column.sql_default not in (None, True, False):  # True: filled by the db (e.g. a trigger)
            parts.append(f"DEFAULT {column.sql_default}")
        single_pk = self.is_single_pk(column)
        if column.is_unique and not single_pk:
            parts.append("UNIQUE")
        if column.is_not_null and (not single_pk or self.PK_NOT_NULL):
            parts.append("NOT NULL")
        if single_pk:
            parts.append("PRIMARY KEY")
        if self.INLINE_FOREIGN_KEYS:
            fk = column.table.foreign_keys.get((column.name,))
            if fk is not None:
                parts.append(self.references_sql(fk))
        return " ".join(parts)

    def auto_pk_sql(self, column: Column) -> str:
        """Type and constraints of an auto-incremented single-column primary key."""
        return f"{column.sql_type} PRIMARY KEY"

    def table_constraints(self, table: Table) -> list[str]:
        result = []
        pk = table.pk_index
        if pk is not None and len(pk.columns) > 1:
            result.append(f"PRIMARY KEY ({self.quote_columns(pk.columns)})")
        for index in sorted(table.indexes.values(), key=lambda i: i.name or ""):
            if index.is_unique and not index.is_pk and len(index.columns) > 1:
                result.append(
                    f"CONSTRAINT {self.quote(index.name)} UNIQUE ({self.quote_columns(index.columns)})"
                )
        if self.INLINE_FOREIGN_KEYS:
            for fk in self.sorted_fks(table):
                if len(fk.child_columns) > 1:
                    result.append(
                        f"FOREIGN KEY ({self.quote_columns(fk.child_columns)}) {self.references_sql(fk)}"
                    )
        return result

    def references_sql(self, fk: ForeignKey) -> str:
        text = f"REFERENCES {self.quote(fk.parent_table.name)} ({self.quote_columns(fk.parent_columns)})"
        return text + self.on_delete_sql(fk)

    def on_delete_sql(self, fk: ForeignKey) -> str:
        action = (fk.on_delete or "").upper()
        return f" ON DELETE {action}" if action in self.ON_DELETE_ACTIONS else ""

    # --- indexes and foreign keys -------------------------------------------------------------

    def separate_indexes(self, table: Table) -> list[DBIndex]:
        """Indexes created by their own statement (the others are table constraints)."""
        return [
            index
            for index in sorted(table.indexes.values(), key=lambda i: i.name or "")
            if not index.is_pk and not index.is_unique
        ]

    def create_index_sql(self, index: DBIndex, if_not_exists: bool = False) -> str:
        head = "CREATE UNIQUE INDEX " if index.is_unique else "CREATE INDEX "
        if if_not_exists:
            head += "IF NOT EXISTS "
        columns = self.quote_columns(index.columns)
        return f"{head}{self.quote(index.name)} ON {self.quote(index.table.name)} ({columns})"

    def add_foreign_key_sql(self, fk: ForeignKey) -> str:
        return (
            f"ALTER TABLE {self.quote(fk.child_table.name)} ADD CONSTRAINT {self.quote(fk.name)} "
            f"FOREIGN KEY ({self.quote_columns(fk.child_columns)}) {self.references_sql(fk)}"
        )

    # --- checks -------------------------------------------------------------------------------

    def check_table_sql(self, table: Table) -> str:
        """A query that fails unless the table and all its columns exist."""
        alias = table.name[-1] if isinstance(table.name, tuple) else table.name
        columns = ", ".join(f"{self.quote(alias)}.{self.quote(col.name)}" for col in table.columns) or "1"
        return f"SELECT {columns} FROM {self.quote(table.name)} {self.quote(alias)} WHERE 0 = 1"

    def drop_table_sql(self, table_name: Any) -> str:
        return f"DROP TABLE {self.quote(table_name)}"
