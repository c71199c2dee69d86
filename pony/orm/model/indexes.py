"""``Entity._indexes_``: the keys and indexes of an entity as Pony lists them.

Each ``Index`` names the attributes it covers (inherited ones resolved to their own class), whether
it is the primary key and whether it is unique. Pony's order: an implicit ``id`` key first, then the
``PrimaryKey(...)``/``composite_key``/``composite_index`` declarations in the order of the class
body, then the attributes declared with ``PrimaryKey``/``unique=True`` in attribute order; a
subclass lists its base class's indexes before its own.
"""

from __future__ import annotations

from typing import Any


class Index:
    """One key or index of an entity (``attrs``, ``is_pk``, ``is_unique``, ``entity``)."""

    __slots__ = ("entity", "attrs", "is_pk", "is_unique")

    def __init__(self, entity: Any, attrs: tuple, is_pk: bool = False, is_unique: bool = False) -> None:
        self.entity = entity
        self.attrs = tuple(attrs)
        self.is_pk = is_pk
        self.is_unique = is_unique or is_pk

    def __repr__(self) -> str:
        kind = "PrimaryKey" if self.is_pk else "Key" if self.is_unique else "Index"
        return f"<{kind}({', '.join(str(a) for a in self.attrs)})>"


def build_indexes(entity: Any, base_indexes: list, composites: list, new_attrs: list,
                  implicit_pk: Any) -> list[Index]:
    """The entity's ``_indexes_``; ``composites`` are ``(kind, resolved attrs)`` in declaration order."""
    result = list(base_indexes)
    if implicit_pk is not None:
        result.append(Index(entity, (implicit_pk,), is_pk=True))
    for kind, attrs in composites:
        result.append(Index(entity, attrs, is_pk=kind == "pk", is_unique=kind in ("pk", "key")))
    for attr in new_attrs:
        if attr is implicit_pk:
            continue
        if attr.is_pk and not entity._pk_is_composite_:
            result.append(Index(entity, (attr,), is_pk=True))
        elif attr.is_unique and not attr.is_pk:
            result.append(Index(entity, (attr,), is_unique=True))
    return result


def secondary_keys(indexes: list[Index]) -> list[tuple]:
    """``_keys_``: the attribute tuples of the unique indexes other than the primary key."""
    return [index.attrs for index in indexes if index.is_unique and not index.is_pk]
