"""Python names for tables and columns: entity class names, attribute names, plurals."""

from __future__ import annotations

import keyword
import re

_WORDS = re.compile(r"[A-Za-z0-9]+")


def _reserved() -> set[str]:
    """Names an entity or attribute must not take: Python keywords, ``pony.orm`` exports and the
    public names of ``Entity`` (an attribute called ``select`` would hide the method)."""
    import pony.orm as orm
    names = set(keyword.kwlist) | set(getattr(orm, "__all__", ()))
    names |= {n for n in dir(orm.Database().Entity) if not n.startswith("_")}
    return names


_RESERVED: set[str] | None = None


def reserved() -> set[str]:
    global _RESERVED
    if _RESERVED is None:
        _RESERVED = _reserved()
    return _RESERVED


def class_name(table: str) -> str:
    """``order_line`` -> ``OrderLine``; a name that already has capitals keeps them."""
    words = _WORDS.findall(table) or ["Table"]
    name = "".join(w[:1].upper() + w[1:] for w in words)
    if name[0].isdigit():
        name = "T" + name
    return name + "_" if name in reserved() else name


def attr_name(column: str) -> str:
    """A column name as a Python identifier (``Order Date`` -> ``order_date``)."""
    words = _WORDS.findall(column) or ["column"]
    name = "_".join(words)
    if name[0].isdigit():
        name = "c_" + name
    return name + "_" if name in reserved() else name


def snake(name: str) -> str:
    """``OrderLine`` -> ``order_line``."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower().strip("_")


def plural(word: str) -> str:
    if word.endswith("people") or word.endswith("data"):
        return word
    if word.endswith("s") or word.endswith("x") or word.endswith("ch") or word.endswith("sh"):
        return word + "es"
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def reference_name(columns: tuple[str, ...], parent_table: str) -> str:
    """The attribute name for a foreign key: its column without an ``_id`` suffix, or the common
    prefix of a composite key's columns (``product_sku``, ``product_region`` -> ``product``)."""
    if len(columns) == 1:
        column = columns[0]
        base = re.sub(r"_?id$", "", column, flags=re.I) if column.lower() != "id" else column
        return attr_name(base or column)
    prefix = columns[0]
    for column in columns[1:]:
        while prefix and not column.startswith(prefix):
            prefix = prefix[:-1]
    prefix = prefix.rstrip("_")
    return attr_name(prefix) if prefix else attr_name(snake(class_name(parent_table)))


def unique_name(name: str, taken: set[str]) -> str:
    """``name``, or ``name_2``, ``name_3``... when taken; the result is added to ``taken``."""
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name}_{n}", n + 1
    taken.add(candidate)
    return candidate
