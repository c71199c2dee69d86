"""From operations to statements for one provider: map the state before and after each
operation, compare the schemas and render the difference (see diff.py, dialects/)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .build import mapped
from .dialects import Statement, renderer_for
from .diff import diff
from .operations import _MISSING, AddAttr, Operation, RunPython, RunSQL
from .state import AttrState, ModelState


@dataclass
class DataStep:
    """Run ``function(db)`` with the entities of ``state`` (see runner.run_data_step)."""

    function: Any
    state: ModelState


def schema_statements(before: ModelState, after: ModelState, provider: Any, renames: list,
                      concurrently: bool = False) -> list[Statement]:
    changes = diff(mapped(before, provider), mapped(after, provider), renames)
    _fill_discriminators(changes)
    return renderer_for(provider).statements(changes, concurrently)


def _fill_discriminators(changes: Any) -> None:
    """A new discriminator column holds the root entity's discriminator in the existing rows."""
    for entity in changes.after.db.entities.values():
        attr = entity._discriminator_attr_
        if entity._root_ is not entity or attr is None:
            continue
        for table in changes.tables:
            if table.new.name == entity._table_:
                for column in table.add_columns:
                    if column.name in attr.columns:
                        table.fill[column.name] = entity._discriminator_


def operation_steps(op: Operation, state: ModelState, provider: Any,
                    concurrently: bool = False) -> list[Statement]:
    """The statements of ``op`` applied to ``state`` (a data step is a Statement with an action)."""
    if isinstance(op, RunPython):
        step = DataStep(op.forward, state)
        return [Statement(f"-- {op.describe()}: Python code, run by `apply`", action=step)]
    if isinstance(op, RunSQL):
        return [Statement(sql) for sql in op.sql]
    if isinstance(op, AddAttr) and type(op) is AddAttr:
        fill = op.fill if op.fill is not _MISSING else _empty_value(op, state, provider)
        if fill is not _MISSING:
            return _add_with_fill(op, state, provider, fill, concurrently)
    return schema_statements(state, op.apply(state), provider, op.renames(), concurrently)


def _empty_value(op: AddAttr, state: ModelState, provider: Any) -> Any:
    """What existing rows hold in a new non-nullable Optional column: its default, or Pony's ''."""
    if op.attr.kind != "Optional" or op.attr.is_relation or "sql_default" in op.attr.options:
        return _MISSING
    entity = mapped(op.apply(state), provider).db.entities[op.entity]
    attr = entity._adict_[op.attr.name]
    if attr.nullable or not attr.column_objs or not attr.column_objs[0].is_not_null:
        return _MISSING
    return op.attr.options.get("default", attr.default)


def _add_with_fill(op: AddAttr, state: ModelState, provider: Any, fill: Any,
                   concurrently: bool = False) -> list[Statement]:
    """Add the column nullable, give the existing rows the ``fill`` value, then make it Required."""
    loose = AttrState(op.attr.name, "Optional", op.attr.py_type, *op.attr.args,
                      **{**op.attr.options, "nullable": True})
    middle = AddAttr(op.entity, loose, reverse=op.other).apply(state)
    final = op.apply(state)
    entity = mapped(middle, provider).db.entities[op.entity]
    columns = entity._adict_[op.attr.name].columns
    renderer = renderer_for(provider)
    q = renderer.q
    if len(columns) != 1:
        raise NotImplementedError(f"fill= needs a single-column attribute ({op.entity}.{op.attr.name})")
    update = Statement(f"UPDATE {q(entity._table_)} SET {q(columns[0])} = {renderer.placeholder()} "
                       f"WHERE {q(columns[0])} IS NULL", (fill,))
    return [*schema_statements(state, middle, provider, [], concurrently), update,
            *schema_statements(middle, final, provider, [], concurrently)]
