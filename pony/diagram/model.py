"""A ``Database``'s entities as a diagram: boxes with typed attributes and keys, and relations
with the cardinality of each end (``1``, ``0..1``, ``*``). Works on declared entities whether or
not the mapping has been generated."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Field:
    name: str
    type: str  # ``int``, ``str(80)``, ``Decimal(10, 2)``, or the target entity of a reference
    keys: list[str] = field(default_factory=list)  # PK, FK, UK
    required: bool = False


@dataclass
class Box:
    name: str
    fields: list[Field] = field(default_factory=list)
    base: str | None = None


@dataclass
class Relation:
    """``left.left_attr`` points to ``right``; ``right.right_attr`` (if any) points back."""

    left: str
    left_attr: str
    right: str
    right_attr: str | None
    right_card: str  # how many ``right`` objects one ``left`` object has (the kind of left_attr)
    left_card: str  # how many ``left`` objects one ``right`` object has


@dataclass
class Diagram:
    boxes: list[Box] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)


def cardinality(attr: Any) -> str:
    if attr is None or attr.is_collection:
        return "*"
    return "1" if attr.is_required else "0..1"


def describe(db: Any) -> Diagram:
    """The diagram of ``db``'s entities in declaration order."""
    if not getattr(db, "entities", None):
        raise ValueError("The Database declares no entities")
    diagram = Diagram()
    seen: set[frozenset] = set()
    for entity in db.entities.values():
        base = next((b.__name__ for b in entity.__bases__ if b.__name__ in db.entities), None)
        box = Box(entity.__name__, base=base)
        pk = {a.name for a in getattr(entity, "_pk_attrs_", ())}
        for attr in entity._new_attrs_:
            reverse = _reverse(db, entity, attr) if attr.is_relation else None
            if attr.is_relation:
                pair = frozenset((id(attr), id(reverse)))
                if pair not in seen:
                    seen.add(pair)
                    diagram.relations.append(Relation(entity.__name__, attr.name, _target(db, attr).__name__,
                                                      reverse.name if reverse is not None else None,
                                                      cardinality(attr), cardinality(reverse)))
            if not attr.is_collection:
                box.fields.append(Field(attr.name, _type_text(db, attr), _keys(entity, attr, pk, reverse),
                                        attr.is_required))
        diagram.boxes.append(box)
    return diagram


def _target(db: Any, attr: Any) -> Any:
    py_type = attr.py_type
    if isinstance(py_type, str):
        if py_type not in db.entities:
            raise ValueError(f"{attr.entity.__name__}.{attr.name} refers to unknown entity {py_type!r}")
        return db.entities[py_type]
    return py_type


def _reverse(db: Any, entity: Any, attr: Any) -> Any:
    """The attribute on the other side of ``attr``: declared with ``reverse=``, or the only one there is."""
    target = _target(db, attr)
    declared = attr.reverse
    if declared is not None and not isinstance(declared, str):
        return declared
    if isinstance(declared, str):
        return target._adict_.get(declared)
    candidates = [a for a in target._attrs_ if a.is_relation and a is not attr
                  and issubclass(entity, _target(db, a)) and (a.reverse in (None, attr.name) or a.reverse is attr)]
    return candidates[0] if len(candidates) == 1 else None


def _keys(entity: Any, attr: Any, pk: set[str], reverse: Any) -> list[str]:
    keys = []
    if attr.name in pk:
        keys.append("PK")
    if attr.is_relation and _holds_column(attr, reverse):
        keys.append("FK")
    in_key = any(attr in index.attrs for index in getattr(entity, "_indexes_", ()) if index.is_unique
                 and not index.is_pk)
    if (attr.is_unique and not attr.is_pk) or in_key:
        keys.append("UK")
    return keys


def _holds_column(attr: Any, reverse: Any) -> bool:
    """Whether this side of a relation is the foreign key (Pony puts it on the Required side of a
    one-to-one; a mapped attribute knows its columns)."""
    columns = getattr(attr, "columns", None)
    if columns:
        return True
    if reverse is None or reverse.is_collection:
        return True
    return attr.is_required and not reverse.is_required


def _type_text(db: Any, attr: Any) -> str:
    if attr.is_relation:
        return _target(db, attr).__name__
    py_type = attr.py_type
    name = getattr(py_type, "__name__", str(py_type))
    declared_args, declared_kwargs = getattr(attr, "declared_options", None) or (attr.args, {})
    args = [a for a in declared_args if isinstance(a, int)]  # sizes; the mapping consumes attr.args
    if not args:
        args = [declared_kwargs[k] for k in ("max_len", "precision", "scale") if k in declared_kwargs]
    return f"{name}({', '.join(str(a) for a in args)})" if args else name
