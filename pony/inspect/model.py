"""The entities a live schema describes, as plain data the renderer turns into Python source.

Tables become entities, columns attributes, foreign keys ``Required``/``Optional`` attributes with
a ``Set`` (or, when the key's columns are unique, an ``Optional``) on the other side, and a table
made only of two foreign keys is a many-to-many link rather than an entity.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..orm.introspection import ForeignKeyInfo, SchemaInfo, TableInfo


@dataclass
class AttrSpec:
    name: str
    kind: str  # Required, Optional, PrimaryKey, Set, Discriminator
    type: str  # a Python type expression or, for a relation, the target entity's name
    args: list[str] = field(default_factory=list)  # positional options as source text
    options: dict[str, str] = field(default_factory=dict)  # keyword options as source text
    columns: tuple[str, ...] = ()  # the live columns (for a many-to-many Set: the link columns to the target)
    reverse: str | None = None  # the attribute on the other side of a relation
    link: str | None = None  # the link table of a many-to-many Set
    reverse_columns: tuple[str, ...] = ()  # for a symmetric Set: the link columns to the entity itself
    comment: str | None = None
    index_name: str | None = None  # the live name of the attribute's own index
    explicit_columns: bool = False  # set when Pony's default column names differ from the live ones
    explicit_link: bool = False
    explicit_reverse_columns: bool = False

    @property
    def is_relation(self) -> bool:
        return self.kind == "Set" or self.reverse is not None


@dataclass
class EntitySpec:
    name: str
    table: str
    attrs: list[AttrSpec] = field(default_factory=list)
    primary_key: tuple[str, ...] = ()  # attribute names of a composite primary key
    keys: list[tuple[str, ...]] = field(default_factory=list)  # composite_key(...)
    indexes: list[tuple[str, ...]] = field(default_factory=list)  # composite_index(...)
    base: str | None = None
    explicit_table: bool = False
    comments: list[str] = field(default_factory=list)
    subclasses: list[str] = field(default_factory=list)  # discriminator values seen in the table

    def attr(self, name: str) -> AttrSpec:
        for attr in self.attrs:
            if attr.name == name:
                return attr
        raise KeyError(name)

    def names(self) -> set[str]:
        return {a.name for a in self.attrs}


def is_link_table(table: TableInfo) -> bool:
    """Two foreign keys covering every column, and no other key than all of them: a many-to-many link."""
    if len(table.foreign_keys) != 2:
        return False
    fk_columns = [c for fk in table.foreign_keys for c in fk.columns]
    all_columns = [c.name for c in table.columns]
    if sorted(fk_columns) != sorted(all_columns):
        return False
    return not table.primary_key or sorted(table.primary_key) == sorted(all_columns)


def relation_fks(schema: SchemaInfo, table: TableInfo) -> list[ForeignKeyInfo]:
    """The table's foreign keys to tables that exist, each column used by one key only."""
    used: set[str] = set()
    result = []
    for fk in sorted(table.foreign_keys, key=lambda f: [c.name for c in table.columns].index(f.columns[0])):
        if fk.parent_table in schema.tables and not used & set(fk.columns):
            parent = schema.tables[fk.parent_table]
            if tuple(fk.parent_columns) == tuple(parent.primary_key):
                used |= set(fk.columns)
                result.append(fk)
    return result
