"""Compare two mapped schemas by origin and list the table-level changes between them.

Tables and columns are matched by what they come from (see build.py), after the renames of the
operation are applied to the old origins, so a renamed attribute gives a ``RenameColumn`` and
not a drop and an add. Indexes and foreign keys are matched by their whole definition.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..orm.sql.schema import Column, DBIndex, ForeignKey, Table
from .build import MappedState

Rename = tuple  # ("entity", old, new) or ("attr", entity, old, new)


def translate(origin: Any, renames: list[Rename]) -> Any:
    """``origin`` as it is called after ``renames``."""
    for rename in renames:
        if rename[0] == "entity":
            origin = _rename_entity(origin, rename[1], rename[2])
        else:
            origin = _rename_attr(origin, f"{rename[1]}.{rename[2]}", f"{rename[1]}.{rename[3]}")
    return origin


def _rename_entity(origin: Any, old: str, new: str) -> Any:
    kind = origin[0]
    if kind == "entity":
        return ("entity", new) if origin[1] == old else origin
    if kind == "attr":
        return ("attr", new, *origin[2:]) if origin[1] == old else origin
    rename_end = lambda end: new + end[len(old):] if end.split(".")[0] == old else end  # noqa: E731
    if kind == "m2m":
        return ("m2m", tuple(sorted(rename_end(e) for e in origin[1])))
    return ("m2m-col", rename_end(origin[1]), origin[2])


def _rename_attr(origin: Any, old: str, new: str) -> Any:
    kind = origin[0]
    if kind == "attr":
        return ("attr", origin[1], new.split(".")[1], origin[3]) if f"{origin[1]}.{origin[2]}" == old else origin
    if kind == "m2m":
        return ("m2m", tuple(sorted(new if e == old else e for e in origin[1])))
    if kind == "m2m-col":
        end = origin[1].rstrip("~")
        return ("m2m-col", new + origin[1][len(end):], origin[2]) if end == old else origin
    return origin


@dataclass
class TableChanges:
    """What happens to one table that exists before and after."""

    old: Table
    new: Table
    renamed: bool = False
    add_columns: list[Column] = field(default_factory=list)
    drop_columns: list[Column] = field(default_factory=list)
    rename_columns: list[tuple[Column, Column]] = field(default_factory=list)
    alter_columns: list[tuple[Column, Column]] = field(default_factory=list)
    drop_indexes: list[DBIndex] = field(default_factory=list)
    add_indexes: list[DBIndex] = field(default_factory=list)
    drop_fks: list[ForeignKey] = field(default_factory=list)
    add_fks: list[ForeignKey] = field(default_factory=list)
    column_map: dict[str, str] = field(default_factory=dict)  # new column name -> old column name
    fill: dict[str, Any] = field(default_factory=dict)  # new NOT NULL column -> value for existing rows

    def is_empty(self) -> bool:
        return not (self.renamed or self.add_columns or self.drop_columns or self.rename_columns
                    or self.alter_columns or self.drop_indexes or self.add_indexes or self.drop_fks or self.add_fks)


@dataclass
class SchemaChanges:
    before: MappedState
    after: MappedState
    create_tables: list[Table] = field(default_factory=list)
    drop_tables: list[Table] = field(default_factory=list)
    tables: list[TableChanges] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not (self.create_tables or self.drop_tables or self.tables)


def diff(before: MappedState, after: MappedState, renames: list[Rename]) -> SchemaChanges:
    """The changes that turn ``before``'s schema into ``after``'s."""
    result = SchemaChanges(before, after)
    old_by_origin = {translate(o, renames): name for name, o in before.table_origin.items()}
    new_by_origin = {o: name for name, o in after.table_origin.items()}
    for origin, name in new_by_origin.items():
        if origin not in old_by_origin:
            result.create_tables.append(after.schema.tables[name])
        else:
            pass
    for origin, name in old_by_origin.items():
        if origin not in new_by_origin:
            result.drop_tables.append(before.schema.tables[name])
    for origin, new_name in new_by_origin.items():
        old_name = old_by_origin.get(origin)
        if old_name is not None:
            changes = _table_changes(before, after, renames, old_name, new_name)
            if not changes.is_empty():
                result.tables.append(changes)
    return result


def _column_origins(state: MappedState, table: Table, renames: list[Rename] | None) -> dict[Any, Column]:
    result = {}
    for column in table.columns:
        origin = state.column_origin.get((table.name, column.name), ("column", column.name))
        result[translate(origin, renames) if renames is not None else origin] = column
    return result


def _table_changes(before: MappedState, after: MappedState, renames: list[Rename], old_name: Any,
                   new_name: Any) -> TableChanges:
    old, new = before.schema.tables[old_name], after.schema.tables[new_name]
    changes = TableChanges(old, new, renamed=old_name != new_name)
    old_cols = _column_origins(before, old, renames)
    new_cols = _column_origins(after, new, None)
    for origin, column in new_cols.items():
        previous = old_cols.get(origin)
        if previous is None:
            changes.add_columns.append(column)
            continue
        changes.column_map[column.name] = previous.name
        if previous.name != column.name:
            changes.rename_columns.append((previous, column))
        if _column_shape(previous) != _column_shape(column):
            changes.alter_columns.append((previous, column))
    changes.drop_columns = [c for o, c in old_cols.items() if o not in new_cols]
    old_origin = {c.name: o for o, c in old_cols.items()}
    new_origin = {c.name: o for o, c in new_cols.items()}
    old_table_origin = translate(before.table_origin[old_name], renames)
    old_idx = {_index_key(i, old_origin, old_table_origin): i for i in old.indexes.values()}
    new_idx = {_index_key(i, new_origin, after.table_origin[new_name]): i for i in new.indexes.values()}
    changes.drop_indexes = [i for k, i in old_idx.items() if k not in new_idx and not i.is_pk]
    changes.add_indexes = [i for k, i in new_idx.items() if k not in old_idx and not i.is_pk]
    if any(i.is_pk for k, i in new_idx.items() if k not in old_idx):
        raise NotImplementedError(f"Changing the primary key of table {new_name!r} is not supported by migrations")
    old_fks = {_fk_key(fk, old_origin, before, renames): fk for fk in old.foreign_keys.values()}
    new_fks = {_fk_key(fk, new_origin, after, None): fk for fk in new.foreign_keys.values()}
    changes.drop_fks = [fk for k, fk in old_fks.items() if k not in new_fks]
    changes.add_fks = [fk for k, fk in new_fks.items() if k not in old_fks]
    return changes


def _column_shape(column: Column) -> tuple:
    return (column.sql_type.upper(), column.is_not_null, column.sql_default)


def _index_key(index: DBIndex, origins: dict[str, Any], table_origin: Any) -> tuple:
    # The name is part of the key: generate_mapping derives it from the table and columns, so a
    # renamed table gets its indexes renamed too, as a fresh create_tables would name them.
    return (index.is_pk, index.is_unique, tuple(origins[c.name] for c in index.columns), table_origin,
            None if index.is_pk else index.name)


def _fk_key(fk: ForeignKey, origins: dict[str, Any], state: MappedState, renames: list[Rename] | None) -> tuple:
    parent = state.table_origin[fk.parent_table.name]
    parent_cols = _column_origins(state, fk.parent_table, renames)
    parent_names = {c.name: o for o, c in parent_cols.items()}
    if renames is not None:
        parent = translate(parent, renames)
    return (tuple(origins[c.name] for c in fk.child_columns), parent,
            tuple(parent_names[c.name] for c in fk.parent_columns), fk.on_delete, fk.name)
