"""From a ``ModelState`` to entities and to the schema ``generate_mapping`` would create.

``rebuild(state)`` declares the state's entities on a new ``Database``; ``mapped(state, provider)``
also generates their mapping with ``provider`` (an offline one renders DDL without a server) and
labels every table and column with its *origin* (which entity or attribute it comes from), so two
schemas can be compared by meaning rather than by name: a renamed attribute keeps its origin.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..orm.database import Database
from ..orm.model.mapping import generate_mapping
from ..orm.sql.schema import DBSchema
from .state import ModelState


def rebuild(state: ModelState) -> Database:
    """A new, unbound Database declaring the entities of ``state``."""
    db = Database()
    for entity_state in state.entities.values():
        bases = tuple(db.entities[b] for b in entity_state.bases) or (db.Entity,)
        namespace: dict[str, Any] = {"__module__": "pony.migrate.state"}
        declared = {a.name: a.declare() for a in entity_state.attrs}
        namespace.update(declared)
        composites = []
        for kind, names, key_name in entity_state.keys:
            attrs = tuple(declared[n] if n in declared else _inherited(db, entity_state.bases, n) for n in names)
            composites.append((kind, attrs, {"name": key_name} if key_name else {}))
        if composites:
            namespace["_pony_composites_"] = composites
        if entity_state.table is not None:
            table = entity_state.table
            namespace["_table_"] = tuple(table) if isinstance(table, list) else table
        if entity_state.discriminator is not None:
            namespace["_discriminator_"] = entity_state.discriminator
        type(entity_state.name, bases, namespace)
    return db


def _inherited(db: Database, bases: tuple, name: str) -> Any:
    for base in bases:
        attr = db.entities[base]._adict_.get(name)
        if attr is not None:
            return attr
    raise KeyError(f"Key attribute {name!r} not found")


@dataclass
class MappedState:
    """A state's entities mapped with one provider, with the origin of every table and column."""

    db: Database
    schema: DBSchema
    table_origin: dict[Any, Any]  # table name -> origin
    column_origin: dict[tuple[Any, str], Any]  # (table name, column name) -> origin


def mapped(state: ModelState, provider: Any) -> MappedState:
    """Map ``state`` with ``provider`` (the provider is only read: names, types and DDL)."""
    db = rebuild(state)
    db.provider = provider
    db.provider_name = provider.provider_name
    db.schema = generate_mapping(db)
    db._mapping_generated = True
    table_origin: dict[Any, Any] = {}
    column_origin: dict[tuple[Any, str], Any] = {}
    for entity in db.entities.values():
        root = entity._root_
        table_origin[root._table_] = ("entity", root.__name__)
        for attr in entity._new_attrs_:
            if attr.is_collection:
                if attr.is_m2m if hasattr(attr, "is_m2m") else attr.reverse.is_collection:
                    _m2m_origins(attr, table_origin, column_origin)
                continue
            for i, column in enumerate(attr.columns):
                column_origin[(root._table_, column)] = ("attr", entity.__name__, attr.name, i)
    return MappedState(db, db.schema, table_origin, column_origin)


def _m2m_origins(attr: Any, table_origin: dict, column_origin: dict) -> None:
    reverse = attr.reverse
    ends = tuple(sorted([f"{attr.entity.__name__}.{attr.name}", f"{reverse.entity.__name__}.{reverse.name}"]))
    table = attr.m2m_table
    table_origin[table] = ("m2m", ends)
    own = f"{attr.entity.__name__}.{attr.name}"
    for i, column in enumerate(attr.columns):
        column_origin[(table, column)] = ("m2m-col", own, i)
    if attr is reverse:
        for i, column in enumerate(attr.reverse_columns or []):
            column_origin[(table, column)] = ("m2m-col", own + "~", i)
