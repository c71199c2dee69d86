"""The database schema model (layer L1): tables, columns, indexes and foreign keys.

It knows nothing about entities: the model layer builds a ``DBSchema`` from them, and the
provider's DDL compiler (``provider.ddl_compiler_cls``, see sql/ddl.py) renders it. Table names
are a str or a ``(schema, name)`` tuple; index and FK names default to the provider's helpers
(``idx_<table>__<cols>``, ``unq_...``, ``fk_...``, ``pk_<table>``).

``create_tables``/``check_tables`` take an *executor*: a callable ``(sql, arguments=None) ->
cursor`` that runs a statement in the caller's session, so this layer needs no session.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from .. import errors

Executor = Callable[..., Any]


def table_name_text(name: Any) -> str:
    """A table name as one string: ``schema.name`` for a tuple (used for sorting and names)."""
    return ".".join(name) if isinstance(name, tuple) else name


class DBObject:
    """Base of the schema objects that have DDL of their own (tables and constraints), as in Pony."""


class Constraint(DBObject):
    """Base of indexes and foreign keys."""


class Column:
    def __init__(
        self,
        table: Table,
        name: str,
        sql_type: str,
        is_not_null: bool = False,
        sql_default: str | None = None,
        is_pk: bool = False,
        auto: bool = False,
        is_unique: bool = False,
    ) -> None:
        self.table = table
        self.name = name
        self.sql_type = sql_type
        self.is_not_null = is_not_null
        self.sql_default = sql_default
        self.is_pk = is_pk
        self.auto = auto
        self.is_unique = is_unique

    def __repr__(self) -> str:
        return f"<Column({table_name_text(self.table.name)}.{self.name})>"


class DBIndex(Constraint):
    """An index, a UNIQUE constraint (``is_unique``) or the primary key (``is_pk``)."""

    def __init__(
        self,
        table: Table,
        name: str | None,
        columns: Sequence[Column],
        is_pk: bool = False,
        is_unique: bool = False,
    ) -> None:
        self.table = table
        self.name = name
        self.columns = list(columns)
        self.is_pk = is_pk
        self.is_unique = is_unique or is_pk

    @property
    def col_names(self) -> tuple[str, ...]:
        return tuple(col.name for col in self.columns)

    def __repr__(self) -> str:
        kind = "PK" if self.is_pk else "UNIQUE" if self.is_unique else "INDEX"
        return f"<DBIndex {kind} {self.name} on {table_name_text(self.table.name)}{self.col_names}>"


class ForeignKey(Constraint):
    def __init__(
        self,
        name: str,
        child_table: Table,
        child_columns: Sequence[Column],
        parent_table: Table,
        parent_columns: Sequence[Column],
        on_delete: str | None = None,
        index_name: str | None = None,
    ) -> None:
        if len(child_columns) != len(parent_columns):
            raise errors.DBSchemaError(
                f"Foreign key {name} has {len(child_columns)} columns but references {len(parent_columns)}"
            )
        self.name = name
        self.child_table = child_table
        self.child_columns = list(child_columns)
        self.parent_table = parent_table
        self.parent_columns = list(parent_columns)
        self.on_delete = on_delete
        self.index_name = index_name

    @property
    def col_names(self) -> tuple[str, ...]:
        return tuple(col.name for col in self.child_columns)

    def __repr__(self) -> str:
        return (
            f"<ForeignKey {self.name} {table_name_text(self.child_table.name)}{self.col_names} -> "
            f"{table_name_text(self.parent_table.name)}>"
        )


class Table(DBObject):
    def __init__(self, schema: DBSchema, name: Any, is_m2m: bool = False) -> None:
        self.schema = schema
        self.name = name
        self.is_m2m = is_m2m
        self.columns: list[Column] = []
        self.column_dict: dict[str, Column] = {}
        self.pk_index: DBIndex | None = None
        self.indexes: dict[tuple[str, ...], DBIndex] = {}
        self.foreign_keys: dict[tuple[str, ...], ForeignKey] = {}
        self.options: dict[str, Any] = {}
        # CockroachDB INTERLEAVE IN PARENT: the foreign key whose parent holds this table's rows.
        self.interleave: ForeignKey | None = None
        self.parent_tables: set[Table] = set()
        self.child_tables: set[Table] = set()

    def __repr__(self) -> str:
        return f"<Table({table_name_text(self.name)})>"

    @property
    def provider(self) -> Any:
        return self.schema.provider

    def _columns(self, columns: Iterable[Column | str]) -> list[Column]:
        result = []
        for col in columns:
            if isinstance(col, str):
                try:
                    col = self.column_dict[col]
                except KeyError:
                    raise errors.DBSchemaError(
                        f"Column {col!r} not found in table {table_name_text(self.name)}"
                    )
            result.append(col)
        if not result:
            raise errors.DBSchemaError(f"An index of table {table_name_text(self.name)} needs columns")
        return result

    def add_column(
        self,
        name: str,
        sql_type: str,
        is_not_null: bool = False,
        sql_default: str | None = None,
        is_pk: bool = False,
        auto: bool = False,
        is_unique: bool = False,
    ) -> Column:
        if name in self.column_dict:
            raise errors.DBSchemaError(
                f"Column {name!r} already exists in table {table_name_text(self.name)}"
            )
        column = Column(self, name, sql_type, is_not_null, sql_default, is_pk, auto, is_unique)
        self.columns.append(column)
        self.column_dict[name] = column
        if is_pk:
            pk_columns = self.pk_index.columns if self.pk_index is not None else []
            self.add_index(None, [*pk_columns, column], is_pk=True)
        elif is_unique:
            self.add_index(None, [column], is_unique=True)
        return column

    def add_index(
        self, name: str | None, columns: Sequence[Column | str], is_pk: bool = False, is_unique: bool = False
    ) -> DBIndex:
        cols = self._columns(columns)
        key = tuple(col.name for col in cols)
        provider = self.provider
        if is_pk:
            if self.pk_index is not None:
                del self.indexes[self.pk_index.col_names]
            for col in cols:
                col.is_pk = True
            index = DBIndex(self, name or provider.get_default_pk_name(self.name), cols, is_pk=True)
            self.pk_index = index
            self.indexes[key] = index
            return index
        existing = self.indexes.get(key)
        if existing is not None and (existing.is_unique or not is_unique):
            if name is not None and not existing.is_pk:
                existing.name = name
            return existing
        if name is None:
            name = provider.get_default_index_name(self.name, key, is_unique=is_unique)
        if is_unique and len(cols) == 1:
            cols[0].is_unique = True  # rendered inline as a column constraint
        index = DBIndex(self, name, cols, is_unique=is_unique)
        self.indexes[key] = index
        return index

    def add_foreign_key(
        self,
        name: str | None,
        child_columns: Sequence[Column | str],
        parent_table: Table,
        parent_columns: Sequence[Column | str],
        on_delete: str | None = None,
        index_name: str | None = None,
    ) -> ForeignKey:
        child_cols = self._columns(child_columns)
        parent_cols = parent_table._columns(parent_columns)
        key = tuple(col.name for col in child_cols)
        if name is None:
            name = self.provider.get_default_fk_name(self.name, parent_table.name, key)
        fk = ForeignKey(name, self, child_cols, parent_table, parent_cols, on_delete, index_name)
        self.foreign_keys[key] = fk
        if parent_table is not self:
            self.parent_tables.add(parent_table)
            parent_table.child_tables.add(self)
        return fk

    @property
    def column_list(self) -> list[Column]:
        """The columns in table order (Pony's name for them)."""
        return self.columns

    def get_create_command(self) -> str:
        """The CREATE TABLE statement of this table, as Pony's ``Table.get_create_command()``."""
        return self.schema.ddl.create_table_sql(self)

    def get_create_commands(self, if_not_exists: bool = False) -> list[str]:
        """CREATE TABLE plus what must follow it at once (sequences, triggers)."""
        return self.schema.ddl.create_table_commands(self, if_not_exists=if_not_exists)


class DBSchema:
    def __init__(self, provider: Any) -> None:
        self.provider = provider
        self.tables: dict[Any, Table] = {}
        self.ddl = provider.ddl_compiler_cls(provider)

    def add_table(self, name: Any, is_m2m: bool = False) -> Table:
        if isinstance(name, list):
            name = tuple(name)
        if name in self.tables:
            raise errors.DBSchemaError(f"Table {table_name_text(name)} already exists in the schema")
        table = Table(self, name, is_m2m=is_m2m)
        self.tables[name] = table
        return table

    # --- ordering and DDL text ----------------------------------------------------------------

    def order_tables(self) -> list[Table]:
        """Tables by name, each placed after the tables it references (when that is possible)."""
        remaining = sorted(self.tables.values(), key=lambda t: table_name_text(t.name))
        done: set[Table] = set()
        ordered: list[Table] = []
        while remaining:
            # The first table by name whose parents exist; in a cycle simply the first one
            # (foreign keys added later, or not enforced yet, break the cycle).
            ready = next((t for t in remaining if t.parent_tables <= done), remaining[0])
            remaining.remove(ready)
            table = ready
            ordered.append(table)
            done.add(table)
        return ordered

    def create_statements(self) -> list[str]:
        return self.ddl.schema_statements(self.order_tables())

    def generate_create_script(self) -> str:
        return ";\n\n".join(self.create_statements())

    # --- against a live database --------------------------------------------------------------

    def create_tables(self, executor: Executor, check_tables: bool = False) -> None:
        """Create the missing tables, then their indexes, then the foreign keys."""
        provider = self.provider
        ddl = self.ddl
        ordered = self.order_tables()
        for table in ordered:
            if provider.table_exists(executor, table.name) is None:
                for sql in ddl.create_table_commands(table, if_not_exists=provider.TABLE_IF_NOT_EXISTS):
                    executor(sql)
        for table in ordered:
            for index in ddl.separate_indexes(table):
                if not provider.index_exists(executor, table.name, index.name):
                    executor(ddl.create_index_sql(index, if_not_exists=provider.INDEX_IF_NOT_EXISTS))
        if not ddl.INLINE_FOREIGN_KEYS:
            for table in ordered:
                for fk in table.foreign_keys.values():
                    if not provider.fk_exists(executor, table.name, fk.name):
                        executor(ddl.add_foreign_key_sql(fk))
        if check_tables:
            self.check_tables(executor)

    def check_tables(self, executor: Executor) -> None:
        """Select every column of every table with a false condition: a missing one raises."""
        for table in self.order_tables():
            executor(self.ddl.check_table_sql(table))
