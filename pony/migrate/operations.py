"""Migration operations: each one changes the model state, knows its reverse and its risk.

An operation's ``apply(state)`` changes a copy of the state; the schema change is computed by
mapping the state before and after (see runner.py), so every operation works on every backend.
``renames()`` tells the comparison which tables and columns are the same ones under a new name.
``destructive`` says why an operation may lose data (``allow_destructive`` lets it run), and
``reverse()`` raises ``IrreversibleError`` when there is no way back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .state import AttrState, EntityState, ModelState

_MISSING: Any = object()


class IrreversibleError(Exception):
    """An operation (or a data step) has no reverse, so its migration cannot be rolled back."""


class Operation:
    destructive: str | None = None  # why this may lose data, or None

    def apply(self, state: ModelState) -> ModelState:
        raise NotImplementedError

    def reverse(self) -> Operation:
        raise IrreversibleError(f"{self.describe()} cannot be reversed")

    def renames(self) -> list[tuple]:
        return []

    def describe(self) -> str:
        raise NotImplementedError

    def __repr__(self) -> str:
        return self.to_source()

    def to_source(self) -> str:
        raise NotImplementedError


def _pair_text(pair: tuple[str, AttrState] | None) -> str:
    return "" if pair is None else f", reverse=({pair[0]!r}, {pair[1].to_source()})"


class CreateEntity(Operation):
    """New entities (a new table each, plus link tables); ``reverse_attrs`` are the attributes
    that existing entities get at the same time (the other ends of the new relations)."""

    def __init__(self, *entities: EntityState, reverse_attrs: list[tuple[str, AttrState]] | None = None) -> None:
        self.entities = list(entities)
        self.reverse_attrs = [tuple(p) for p in reverse_attrs or []]

    def apply(self, state: ModelState) -> ModelState:
        state = state.copy()
        for entity in self.entities:
            if entity.name in state.entities:
                raise ValueError(f"Entity {entity.name} already exists")
            state.entities[entity.name] = EntityState(entity.name, list(entity.attrs), entity.bases,
                                                      list(entity.keys), entity.table, entity.discriminator)
        for name, attr in self.reverse_attrs:
            state.entity(name).attrs.append(attr)
        return state

    def reverse(self) -> Operation:
        return DropEntity(*self.entities, reverse_attrs=self.reverse_attrs)

    def describe(self) -> str:
        return f"create entity {', '.join(e.name for e in self.entities)}"

    def to_source(self) -> str:
        inner = ",\n    ".join(e.to_source(indent="    ") for e in self.entities)
        extra = f", reverse_attrs=[{', '.join(f'({n!r}, {a.to_source()})' for n, a in self.reverse_attrs)}]" \
            if self.reverse_attrs else ""
        return f"{type(self).__name__}(\n    {inner}{extra})"


class DropEntity(CreateEntity):
    """Drop entities and their tables (and the given attributes of other entities)."""

    destructive = "drops a table with its rows"

    def apply(self, state: ModelState) -> ModelState:
        state = state.copy()
        for name, attr in self.reverse_attrs:
            entity = state.entity(name)
            entity.attrs = [a for a in entity.attrs if a.name != attr.name]
        for entity in self.entities:
            state.entity(entity.name)
            del state.entities[entity.name]
        return state

    def reverse(self) -> Operation:
        return CreateEntity(*self.entities, reverse_attrs=self.reverse_attrs)

    def describe(self) -> str:
        return f"drop entity {', '.join(e.name for e in self.entities)}"


class RenameEntity(Operation):
    """Rename an entity: its table (unless ``_table_`` is set), link tables and references follow."""

    def __init__(self, old: str, new: str) -> None:
        self.old, self.new = old, new

    def apply(self, state: ModelState) -> ModelState:
        state = state.copy()
        entities = {}
        for name, entity in state.entities.items():
            if name == self.old:
                entity.name = name = self.new
            entity.bases = tuple(self.new if b == self.old else b for b in entity.bases)
            for attr in entity.attrs:
                if attr.py_type == self.old:
                    attr.py_type = self.new
            entities[name] = entity
        state.entities = entities
        return state

    def reverse(self) -> Operation:
        return RenameEntity(self.new, self.old)

    def renames(self) -> list[tuple]:
        return [("entity", self.old, self.new)]

    def describe(self) -> str:
        return f"rename entity {self.old} to {self.new}"

    def to_source(self) -> str:
        return f"RenameEntity({self.old!r}, {self.new!r})"


class AddAttr(Operation):
    """Add an attribute (a column, or a relation with its ``reverse`` end on the other entity).
    ``fill``: the value existing rows get in a new Required column (sent as a parameter)."""

    def __init__(self, entity: str, attr: AttrState, reverse: tuple[str, AttrState] | None = None,
                 fill: Any = _MISSING) -> None:
        self.entity, self.attr, self.other, self.fill = entity, attr, reverse, fill

    @property
    def destructive(self) -> str | None:  # type: ignore[override]
        if type(self) is AddAttr and self.attr.kind == "Required" and self.fill is _MISSING \
                and "sql_default" not in self.attr.options:
            return ("adds a Required column without a value for the existing rows (give fill=VALUE, or add it "
                    "as Optional, fill it in a data step, then make it Required)")
        return None

    def pairs(self) -> list[tuple[str, AttrState]]:
        return [(self.entity, self.attr)] + ([tuple(self.other)] if self.other else [])  # type: ignore[list-item]

    def apply(self, state: ModelState) -> ModelState:
        state = state.copy()
        for name, attr in self.pairs():
            entity = state.entity(name)
            if entity.has_attr(attr.name):
                raise ValueError(f"Entity {name} already has attribute {attr.name}")
            entity.attrs.append(attr)
        return state

    def reverse(self) -> Operation:
        return DropAttr(self.entity, self.attr, reverse=self.other, fill=self.fill)

    def describe(self) -> str:
        return f"add attribute {self.entity}.{self.attr.name}"

    def to_source(self) -> str:
        fill = "" if self.fill is _MISSING else f", fill={self.fill!r}"
        return f"{type(self).__name__}({self.entity!r}, {self.attr.to_source()}{_pair_text(self.other)}{fill})"


class DropAttr(AddAttr):
    """Drop an attribute and its column(s) (the attribute is kept here for the reverse)."""

    @property
    def destructive(self) -> str | None:  # type: ignore[override]
        return "drops a column with its data"

    def apply(self, state: ModelState) -> ModelState:
        state = state.copy()
        for name, attr in self.pairs():
            entity = state.entity(name)
            entity.attr(attr.name)
            entity.attrs = [a for a in entity.attrs if a.name != attr.name]
        return state

    def reverse(self) -> Operation:
        attr = self.attr
        if attr.kind == "Required" and self.fill is _MISSING and "sql_default" not in attr.options \
                and not attr.is_relation:
            raise IrreversibleError(f"{self.describe()}: the dropped values are gone and the Required column "
                                    f"needs one; give DropAttr(..., fill=VALUE) for the rows on rollback")
        return AddAttr(self.entity, self.attr, reverse=self.other, fill=self.fill)

    def describe(self) -> str:
        return f"drop attribute {self.entity}.{self.attr.name}"


class RenameAttr(Operation):
    """Rename an attribute: its column is renamed, the data stays."""

    def __init__(self, entity: str, old: str, new: str) -> None:
        self.entity, self.old, self.new = entity, old, new

    def apply(self, state: ModelState) -> ModelState:
        state = state.copy()
        entity = state.entity(self.entity)
        attrs = entity.attrs
        attrs[attrs.index(entity.attr(self.old))] = entity.attr(self.old).renamed(self.new)
        entity.keys = [(k, tuple(self.new if n == self.old else n for n in names), name)
                       for k, names, name in entity.keys]
        for other in state.entities.values():
            for attr in other.attrs:
                if attr.py_type == self.entity and attr.options.get("reverse") == self.old:
                    attr.options["reverse"] = self.new
        return state

    def reverse(self) -> Operation:
        return RenameAttr(self.entity, self.new, self.old)

    def renames(self) -> list[tuple]:
        return [("attr", self.entity, self.old, self.new)]

    def describe(self) -> str:
        return f"rename attribute {self.entity}.{self.old} to {self.new}"

    def to_source(self) -> str:
        return f"RenameAttr({self.entity!r}, {self.old!r}, {self.new!r})"


class AlterAttr(Operation):
    """Change an attribute's declaration (type, size, nullability, default, unique, index...)."""

    def __init__(self, entity: str, old: AttrState, new: AttrState) -> None:
        self.entity, self.old, self.new = entity, old, new

    @property
    def destructive(self) -> str | None:  # type: ignore[override]
        if self.old.kind == "Optional" and self.new.kind in ("Required", "PrimaryKey") \
                and "sql_default" not in self.new.options:
            return "makes a column Required (rows without a value would be refused)"
        if _type_key(self.old) != _type_key(self.new) and not _widens(self.old, self.new):
            return "changes a column's type (values may not fit)"
        return None

    def apply(self, state: ModelState) -> ModelState:
        state = state.copy()
        entity = state.entity(self.entity)
        entity.attrs[entity.attrs.index(entity.attr(self.old.name))] = self.new
        return state

    def reverse(self) -> Operation:
        return AlterAttr(self.entity, self.new, self.old)

    def describe(self) -> str:
        return f"alter attribute {self.entity}.{self.new.name}"

    def to_source(self) -> str:
        return f"AlterAttr({self.entity!r},\n        {self.old.to_source()},\n        {self.new.to_source()})"


def _type_key(attr: AttrState) -> tuple:
    return (attr.py_type if isinstance(attr.py_type, str) else attr.py_type.__name__, attr.args,
            attr.options.get("sql_type"), attr.options.get("max_len"), attr.options.get("size"),
            attr.options.get("precision"), attr.options.get("scale"))


def _widens(old: AttrState, new: AttrState) -> bool:
    """A change no value can be lost by: a longer string, more digits of the same scale, a wider int."""
    if old.py_type is not new.py_type or old.options.get("sql_type") != new.options.get("sql_type"):
        return False
    if old.py_type is str:
        before = old.args[0] if old.args else old.options.get("max_len")
        after = new.args[0] if new.args else new.options.get("max_len")
        return after is None or (before is not None and after >= before)
    if old.py_type.__name__ == "Decimal" and len(old.args) == 2 and len(new.args) == 2:
        return new.args[1] == old.args[1] and new.args[0] >= old.args[0]
    if old.py_type is int:
        return (new.options.get("size") or 32) >= (old.options.get("size") or 32)
    return False


class AlterKeys(Operation):
    """Change an entity's composite keys and indexes (``composite_key``/``composite_index``)."""

    def __init__(self, entity: str, old: list, new: list) -> None:
        self.entity = entity
        self.old = [(k, tuple(n), name) for k, n, name in old]
        self.new = [(k, tuple(n), name) for k, n, name in new]

    def apply(self, state: ModelState) -> ModelState:
        state = state.copy()
        state.entity(self.entity).keys = list(self.new)
        return state

    def reverse(self) -> Operation:
        return AlterKeys(self.entity, self.new, self.old)

    def describe(self) -> str:
        return f"change the composite keys/indexes of {self.entity}"

    def to_source(self) -> str:
        return f"AlterKeys({self.entity!r}, {self.old!r}, {self.new!r})"


class RunPython(Operation):
    """A data step: ``forward(db)`` runs in a db_session with the entities as they are at this
    point of the history (``db.Customer``...). Without ``backward`` it cannot be rolled back;
    ``backward=RunPython.noop`` says that rolling back needs nothing."""

    def __init__(self, forward: Callable[[Any], None], backward: Callable[[Any], None] | None = None) -> None:
        self.forward, self.backward = forward, backward

    @staticmethod
    def noop(db: Any) -> None:
        """A backward step that does nothing."""

    def apply(self, state: ModelState) -> ModelState:
        return state

    def reverse(self) -> Operation:
        if self.backward is None:
            raise IrreversibleError(f"data step {self.forward.__name__}() has no backward function")
        return RunPython(self.backward, self.forward)

    def describe(self) -> str:
        return f"data step {self.forward.__name__}()"

    def to_source(self) -> str:
        backward = f", {self.backward.__name__}" if self.backward else ""
        return f"RunPython({self.forward.__name__}{backward})"


class RunSQL(Operation):
    """Raw SQL (a statement or a list), with the SQL that undoes it for rollback."""

    def __init__(self, sql: str | list[str], reverse_sql: str | list[str] | None = None) -> None:
        self.sql = [sql] if isinstance(sql, str) else list(sql)
        self.reverse_sql = [reverse_sql] if isinstance(reverse_sql, str) else reverse_sql

    def apply(self, state: ModelState) -> ModelState:
        return state

    def reverse(self) -> Operation:
        if self.reverse_sql is None:
            raise IrreversibleError("RunSQL without reverse_sql cannot be reversed")
        return RunSQL(self.reverse_sql, self.sql)

    def describe(self) -> str:
        return "run SQL"

    def to_source(self) -> str:
        return f"RunSQL({self.sql!r}, {self.reverse_sql!r})"
