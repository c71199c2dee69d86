"""The model state: a plain description of entities that migration files replay and compare.

``ModelState`` holds ``EntityState`` objects (name, bases, attributes, keys, table); an
``AttrState`` is one attribute as declared (``Attr("email", "Required", str, unique=True)``).
``capture(db)`` reads the declared entities of a Database (mapping not generated);
``rebuild(state)`` declares the same entities on a new Database, so a migration sees them as they
were at its point in the history.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from ..orm import core as _core  # noqa: F401 - makes sure pony.orm is initialized
from ..orm.model import attributes as attr_module

KINDS = ("PrimaryKey", "Required", "Optional", "Set", "Discriminator")
# Attribute options that describe the schema or the relation, read back from an Attribute.
_OPTION_FIELDS = {
    "unique": "is_unique", "index": "index", "sql_default": "sql_default", "sql_type": "sql_type",
    "nullable": "nullable", "auto": "auto", "cascade_delete": "declared_cascade_delete", "fk_name": "fk_name",
    "reverse_index": "reverse_index", "reverse_fk_name": "reverse_fk_name", "table": "table",
    "volatile": "volatile", "lazy": "lazy",
}
_OPTION_DEFAULTS = {"auto": False, "volatile": False}


class AttrState:
    """One attribute: ``Attr(name, kind, py_type, *args, **options)``; an entity type is its name."""

    def __init__(self, name: str, kind: str, py_type: Any, *args: Any, **options: Any) -> None:
        if kind not in KINDS:
            raise ValueError(f"Unknown attribute kind {kind!r} of {name!r}: expected one of {', '.join(KINDS)}")
        self.name = name
        self.kind = kind
        self.py_type = py_type
        self.args = tuple(args)
        self.options = dict(options)

    def key(self) -> tuple:
        """Everything but the name: two attributes with equal keys map to equal columns."""
        return (self.kind, _type_text(self.py_type), self.args, sorted(self.options.items(), key=repr))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AttrState) and self.name == other.name and self.key() == other.key()

    def __hash__(self) -> int:
        return hash(self.name)

    @property
    def is_relation(self) -> bool:
        return isinstance(self.py_type, str)

    def renamed(self, name: str) -> AttrState:
        return AttrState(name, self.kind, self.py_type, *self.args, **self.options)

    def to_source(self) -> str:
        parts = [repr(self.name), repr(self.kind), _type_text(self.py_type)]
        parts += [repr(a) for a in self.args]
        parts += [f"{k}={v!r}" for k, v in self.options.items()]
        return f"Attr({', '.join(parts)})"

    __repr__ = to_source

    def declare(self) -> Any:
        """A fresh pony Attribute for this state."""
        cls = getattr(attr_module, self.kind)
        return cls(self.py_type, *self.args, **self.options)


@dataclass
class EntityState:
    """One entity: its attributes in order, base entities, composite keys/indexes and table."""

    name: str
    attrs: list[AttrState]
    bases: tuple[str, ...] = ()
    keys: list[tuple[str, tuple[str, ...], str | None]] = field(default_factory=list)  # (kind, attrs, name)
    table: Any = None
    discriminator: Any = None

    def attr(self, name: str) -> AttrState:
        for attr in self.attrs:
            if attr.name == name:
                return attr
        raise KeyError(f"Entity {self.name} has no attribute {name!r}")

    def has_attr(self, name: str) -> bool:
        return any(a.name == name for a in self.attrs)

    def to_source(self, indent: str = "    ") -> str:
        inner = indent + "    "
        attrs = "".join(f"\n{inner}{a.to_source()}," for a in self.attrs)
        text = f"Entity({self.name!r}, [{attrs}\n{indent}]"
        if self.bases:
            text += f", bases={self.bases!r}"
        if self.keys:
            text += f", keys={self.keys!r}"
        if self.table is not None:
            text += f", table={self.table!r}"
        if self.discriminator is not None:
            text += f", discriminator={self.discriminator!r}"
        return text + ")"

    __repr__ = to_source


def Entity(name: str, attrs: list[AttrState], bases: tuple = (), keys: list | None = None, table: Any = None,
           discriminator: Any = None) -> EntityState:
    """The spelling of an entity in migration files."""
    keys = [(kind, tuple(names), key_name) for kind, names, key_name in (keys or [])]
    return EntityState(name, list(attrs), tuple(bases), keys, table, discriminator)


def Attr(name: str, kind: str, py_type: Any, *args: Any, **options: Any) -> AttrState:
    """The spelling of an attribute in migration files."""
    return AttrState(name, kind, py_type, *args, **options)


class ModelState:
    """All entities of a database at one point of the migration history (in declaration order)."""

    def __init__(self, entities: list[EntityState] | None = None) -> None:
        self.entities: dict[str, EntityState] = {e.name: e for e in entities or []}

    def copy(self) -> ModelState:
        return copy.deepcopy(self)

    def entity(self, name: str) -> EntityState:
        try:
            return self.entities[name]
        except KeyError:
            raise KeyError(f"The migration state has no entity {name!r}") from None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ModelState) and self.to_source() == other.to_source()

    def to_source(self) -> str:
        return "\n".join(e.to_source() for e in self.entities.values())


def _type_text(py_type: Any) -> str:
    if isinstance(py_type, str):
        return repr(py_type)
    return getattr(py_type, "__name__", repr(py_type))


# --- capture: entities -> state ------------------------------------------------------------------


def capture(db: Any) -> ModelState:
    """The state of ``db``'s declared entities (read before ``generate_mapping``)."""
    return ModelState([_capture_entity(entity) for entity in db.entities.values()])


def _capture_entity(entity: Any) -> EntityState:
    attrs = [_capture_attr(a) for a in entity._new_attrs_ if not a.is_implicit]
    keys: list = []
    if entity._root_ is entity and len(entity._pk_attrs_) > 1:
        keys.append(("pk", tuple(a.name for a in entity._pk_attrs_), None))
    for key in entity._composite_keys_:
        if all(a.entity is entity for a in key):
            keys.append(("key", tuple(a.name for a in key), None))
    for attrs_, name in entity._composite_indexes_:
        if all(a.entity is entity for a in attrs_):
            keys.append(("index", tuple(a.name for a in attrs_), name))
    discriminator = entity.__dict__.get("_discriminator_") if entity._discriminator_attr_ is not None else None
    if discriminator == entity.__name__:
        discriminator = None
    table = entity.__dict__.get("_table_")
    return EntityState(entity.__name__, attrs, tuple(b.__name__ for b in entity._entity_bases_), keys,
                       list(table) if isinstance(table, tuple) else table, discriminator)


def _capture_attr(attr: Any) -> AttrState:
    kind = type(attr).__name__
    py_type = attr.py_type
    if not isinstance(py_type, str) and getattr(py_type, "_database_", None) is not None:
        py_type = py_type.__name__
    elif callable(py_type) and not isinstance(py_type, type):
        raise TypeError(f"Attribute {attr}: declare the type by class or by name to use migrations")
    options: dict[str, Any] = {}
    for option, field_name in _OPTION_FIELDS.items():
        value = getattr(attr, field_name, None)
        if value is None or value == _OPTION_DEFAULTS.get(option):
            continue
        if option == "unique" and attr.is_pk:
            continue
        if option == "lazy" and value == (getattr(py_type, "__name__", "") == "LongStr"):
            continue
        options[option] = value
    if isinstance(attr.reverse, str):
        options["reverse"] = attr.reverse
    elif attr.reverse is not None:
        options["reverse"] = attr.reverse.name
    if attr.provided_columns is not None:
        options["columns"] = list(attr.provided_columns)
    if attr.reverse_columns is not None:
        options["reverse_columns"] = list(attr.reverse_columns)
    if attr.default is not None and not callable(attr.default):
        options["default"] = attr.default
    options.update(attr.declared_options[1])
    return AttrState(attr.name, kind, py_type, *attr.args, **options)
