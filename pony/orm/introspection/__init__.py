"""Read a live database's schema into a dialect-neutral description.

``introspect(provider, execute)`` returns a ``SchemaInfo``: its ``tables`` map a table name to a
``TableInfo`` with ``columns`` (name, type, size, precision, scale, nullability, default),
``primary_key``, ``uniques``, ``indexes`` and ``foreign_keys``. ``execute(sql, params=None)`` runs
a statement and returns a DB-API cursor. One submodule per dialect does the reading; tools such as
migrations (``pony.migrate``) compare the result with what ``generate_mapping`` would create.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Execute = Callable[..., Any]


@dataclass
class ColumnInfo:
    name: str
    type: str  # as the database spells it, upper case (``VARCHAR``, ``INTEGER``...)
    nullable: bool
    default: str | None = None
    size: int | None = None  # character length
    precision: int | None = None
    scale: int | None = None


@dataclass
class IndexInfo:
    name: str | None
    columns: tuple[str, ...]
    unique: bool = False


@dataclass
class ForeignKeyInfo:
    name: str | None
    columns: tuple[str, ...]
    parent_table: str
    parent_columns: tuple[str, ...]
    on_delete: str | None = None  # CASCADE, SET NULL... (None for the default NO ACTION/RESTRICT)


@dataclass
class TableInfo:
    name: str
    columns: list[ColumnInfo] = field(default_factory=list)
    primary_key: tuple[str, ...] = ()
    uniques: list[IndexInfo] = field(default_factory=list)  # unique constraints and unique indexes
    indexes: list[IndexInfo] = field(default_factory=list)  # the other indexes
    foreign_keys: list[ForeignKeyInfo] = field(default_factory=list)

    def column(self, name: str) -> ColumnInfo:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"Table {self.name} has no column {name!r}")


@dataclass
class SchemaInfo:
    tables: dict[str, TableInfo] = field(default_factory=dict)

    def signature(self, ignore: tuple[str, ...] = ()) -> dict:
        """A comparable summary: per table the columns by name (name, type, nullability, sizes,
        default; column order left out, since ALTER TABLE adds columns at the end), the key, the
        sets of unique and plain index column lists and of foreign keys (names left out, since
        databases name inline constraints themselves)."""
        result = {}
        for name, table in sorted(self.tables.items()):
            if name in ignore:
                continue
            result[name] = {
                "columns": sorted((c.name, c.type, c.nullable, c.size, c.precision, c.scale, c.default or "")
                                  for c in table.columns),
                "primary_key": table.primary_key,
                "uniques": sorted(u.columns for u in table.uniques),
                "indexes": sorted(i.columns for i in table.indexes),
                "foreign_keys": sorted((f.columns, f.parent_table, f.parent_columns, f.on_delete or "")
                                       for f in table.foreign_keys),
            }
        return result


_MODULES = {"sqlite": "sqlite", "postgres": "postgres", "cockroach": "postgres", "mysql": "mysql"}


def introspect(provider: Any, execute: Execute) -> SchemaInfo:
    """The tables of the database ``provider`` is connected to (its current schema)."""
    name = _MODULES.get(provider.provider_name)
    if name is None:
        raise NotImplementedError(f"Schema introspection is not available for {provider.dialect}")
    module = importlib.import_module(f"{__name__}.{name}")
    return module.introspect(execute)


__all__ = ["introspect", "SchemaInfo", "TableInfo", "ColumnInfo", "IndexInfo", "ForeignKeyInfo"]
