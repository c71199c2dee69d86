"""From a ``SchemaInfo`` (and the raw column types) to ``EntitySpec``s: entities, attributes, keys,
indexes and both sides of every relation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..orm.introspection import ColumnInfo, ForeignKeyInfo, SchemaInfo, TableInfo
from . import naming
from .columns import RawColumn, pony_type
from .model import AttrSpec, EntitySpec, is_link_table, relation_fks

DISCRIMINATOR = "classtype"  # the column name Pony gives a discriminator
_NULLABLE_TYPES = ("str", "LongStr", "Json")  # Optional ones are NOT NULL unless told nullable=True


class Builder:
    def __init__(self, schema: SchemaInfo, raw: dict[tuple[str, str], RawColumn], provider: Any,
                 discriminator_values: Callable[[str, str], list[str]] | None = None) -> None:
        self.schema = schema
        self.raw = raw
        self.provider = provider
        self.discriminator_values = discriminator_values
        self.entities: dict[str, EntitySpec] = {}  # by table name
        self.links = [t for t in schema.tables.values() if is_link_table(t)]

    def build(self) -> list[EntitySpec]:
        taken: set[str] = set()
        for table in self.schema.tables.values():
            if table not in self.links:
                self.entities[table.name] = EntitySpec(naming.unique_name(naming.class_name(table.name), taken),
                                                       table.name)
        for table in self.schema.tables.values():
            if table not in self.links:
                self._entity_attrs(table, self.entities[table.name])
        for table in self.links:
            self._link(table)
        for table in self.schema.tables.values():
            if table not in self.links:
                self._keys(table, self.entities[table.name])
        for entity in self.entities.values():  # columns first, in table order, then the other sides
            entity.attrs.sort(key=lambda a: not a.columns or a.link is not None)
        return list(self.entities.values())

    # --- columns ----------------------------------------------------------------------------

    def _entity_attrs(self, table: TableInfo, entity: EntitySpec) -> None:
        fks = {fk.columns[0]: fk for fk in relation_fks(self.schema, table)}
        in_fk = {c for fk in fks.values() for c in fk.columns}
        for column in table.columns:
            if column.name in fks:
                self._reference(table, entity, fks[column.name])
            elif column.name not in in_fk:
                entity.attrs.append(self._scalar(table, entity, column))

    def _scalar(self, table: TableInfo, entity: EntitySpec, column: ColumnInfo) -> AttrSpec:
        raw = self.raw.get((table.name, column.name)) or RawColumn(column.type)
        kind_of = pony_type(raw.type, self.provider)
        attr = AttrSpec(naming.unique_name(naming.attr_name(column.name), entity.names()), "Required",
                        kind_of.expr, list(kind_of.args), dict(kind_of.options), (column.name,))
        if not kind_of.known:
            attr.comment = f"the database type is {raw.type}"
        if table.primary_key == (column.name,):
            attr.kind = "PrimaryKey"
            if raw.auto:
                attr.options["auto"] = "True"
        elif column.name == DISCRIMINATOR and kind_of.expr == "str" and not column.nullable:
            attr.kind = "Discriminator"
            self._subclasses(table, entity)
        elif column.nullable:
            attr.kind = "Optional"
            if kind_of.expr in _NULLABLE_TYPES:
                attr.options["nullable"] = "True"
        if column.default is not None and not raw.auto:
            attr.options["sql_default"] = repr(str(column.default))
        return attr

    def _subclasses(self, table: TableInfo, entity: EntitySpec) -> None:
        if self.discriminator_values is None:
            return
        values = self.discriminator_values(table.name, DISCRIMINATOR)
        entity.subclasses = [v for v in values if v.isidentifier() and v != entity.name]

    # --- relations --------------------------------------------------------------------------

    def _reference(self, table: TableInfo, entity: EntitySpec, fk: ForeignKeyInfo) -> None:
        parent = self.entities[fk.parent_table]
        name = naming.unique_name(naming.reference_name(fk.columns, fk.parent_table), entity.names())
        nullable = all(table.column(c).nullable for c in fk.columns)
        attr = AttrSpec(name, "Optional" if nullable else "Required", parent.name, columns=tuple(fk.columns))
        if table.primary_key == tuple(fk.columns):
            attr.kind = "PrimaryKey"
        entity.attrs.append(attr)
        one_to_one = attr.kind == "PrimaryKey" or any(u.columns == tuple(fk.columns) for u in table.uniques)
        siblings = [f for f in table.foreign_keys if f.parent_table == fk.parent_table]
        child = naming.snake(entity.name)
        if parent is entity or len(siblings) > 1:
            reverse_name = f"{name}_of"
        else:
            reverse_name = child if one_to_one else naming.plural(child)
        reverse = AttrSpec(naming.unique_name(reverse_name, parent.names() | {name} if parent is entity
                                              else parent.names()),
                           "Optional" if one_to_one else "Set", entity.name, reverse=name)
        attr.reverse = reverse.name
        if not one_to_one and not nullable and fk.on_delete is None:
            reverse.options["cascade_delete"] = "False"
        elif not one_to_one and nullable and fk.on_delete == "CASCADE":
            reverse.options["cascade_delete"] = "True"
        if one_to_one and attr.kind != "PrimaryKey":
            attr.options["unique"] = "True"
        parent.attrs.append(reverse)

    def _link(self, table: TableInfo) -> None:
        first, second = sorted(table.foreign_keys,
                               key=lambda f: [c.name for c in table.columns].index(f.columns[0]))
        left, right = self.entities.get(first.parent_table), self.entities.get(second.parent_table)
        if left is None or right is None:
            return
        if left is right:
            base = table.name.split("_", 1)[-1]  # Pony names it Entity_attr
            name = naming.unique_name(naming.attr_name(base[:1].lower() + base[1:]), left.names())
            left.attrs.append(AttrSpec(name, "Set", left.name, columns=first.columns, reverse=name,
                                       link=table.name, reverse_columns=second.columns))
            return
        left_name = _link_name(naming.plural(naming.snake(right.name)), table.name, left.names())
        right_name = _link_name(naming.plural(naming.snake(left.name)), table.name, right.names())
        left.attrs.append(AttrSpec(left_name, "Set", right.name, columns=second.columns, reverse=right_name,
                                   link=table.name))
        right.attrs.append(AttrSpec(right_name, "Set", left.name, columns=first.columns, reverse=left_name,
                                    link=table.name))

    # --- keys and indexes -------------------------------------------------------------------

    def _keys(self, table: TableInfo, entity: EntitySpec) -> None:
        owners = {c: a for a in entity.attrs if a.columns and a.link is None for c in a.columns}
        if not table.primary_key:
            self._stand_in_key(table, entity, owners)
        elif len(table.primary_key) > 1:
            attrs = _covering(table.primary_key, owners)
            if attrs:
                entity.primary_key = attrs
            else:
                entity.comments.append(f"primary key {table.primary_key} does not follow attribute boundaries")
        for unique in table.uniques:
            attrs = _covering(unique.columns, owners)
            if attrs is None:
                entity.comments.append(f"unique {unique.columns} is not declared")
            elif len(attrs) > 1:
                entity.keys.append(attrs)
            elif entity.attr(attrs[0]).kind != "PrimaryKey":
                entity.attr(attrs[0]).options["unique"] = "True"
        relation_columns = {a.columns for a in entity.attrs if a.reverse and a.link is None}
        for index in table.indexes:
            if index.columns in relation_columns:
                continue  # Pony indexes a foreign key by itself
            attrs = _covering(index.columns, owners)
            if attrs is None:
                entity.comments.append(f"index {index.name} {index.columns} is not declared")
            elif len(attrs) > 1:
                entity.indexes.append(attrs)
            else:
                entity.attr(attrs[0]).options["index"] = "True"
                entity.attr(attrs[0]).index_name = index.name


    def _stand_in_key(self, table: TableInfo, entity: EntitySpec, owners: dict[str, AttrSpec]) -> None:
        """Pony needs a primary key: a table without one gets its first NOT NULL unique key, or all its
        columns, declared as the key (the database is not changed)."""
        candidates = [u.columns for u in table.uniques if not any(table.column(c).nullable for c in u.columns)]
        columns = candidates[0] if candidates else tuple(c.name for c in table.columns)
        if candidates:
            table.uniques = [u for u in table.uniques if u.columns != columns]
        attrs = _covering(columns, owners)
        if attrs is None:
            entity.comments.append("the table has no primary key, and none could be declared")
            return
        verb = "identify" if len(columns) > 1 else "identifies"
        entity.comments.append(f"the table has no primary key: {', '.join(columns)} {verb} a row")
        if len(attrs) == 1:
            entity.attr(attrs[0]).kind = "PrimaryKey"
            entity.attr(attrs[0]).options.pop("unique", None)
        else:
            entity.primary_key = attrs
            for name in attrs:
                attr = entity.attr(name)
                attr.kind = "Required" if attr.kind == "Optional" else attr.kind


def _link_name(natural: str, link: str, taken: set[str]) -> str:
    """The plural of the other entity, or the link table's name when that is taken."""
    return naming.unique_name(natural if natural not in taken else naming.attr_name(link), taken)


def _covering(columns: tuple[str, ...], owners: dict[str, AttrSpec]) -> tuple[str, ...] | None:
    """The attributes whose columns are exactly ``columns`` (in order), or None."""
    result: list[AttrSpec] = []
    position = 0
    while position < len(columns):
        attr = owners.get(columns[position])
        if attr is None or attr.columns != tuple(columns[position:position + len(attr.columns)]):
            return None
        result.append(attr)
        position += len(attr.columns)
    return tuple(a.name for a in result)
