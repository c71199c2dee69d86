"""Query helper functions that also work in plain Python: ``desc``, ``JOIN``, ``between``,
``concat``, ``coalesce`` and ``raw_sql``. Inside a query the translator recognises them by
their ``_pony_func_`` mark and translates them to SQL."""

from __future__ import annotations

from typing import Any

from ..callers import user_frame
from ..model.attributes import Attribute, DescWrapper
from ..sql import dollar
from ..types import RawSQL


def _mark(name: str, nofold: bool = False) -> Any:
    def decorate(func: Any) -> Any:
        func._pony_func_ = name
        func._pony_nofold_ = nofold
        return func

    return decorate


@_mark("desc")
def desc(expr: Any) -> Any:
    """Descending order in ``order_by()``: ``desc(Person.name)``, ``desc(2)`` (a result position),
    or ``desc(p.age)`` inside a lambda or generator (``ORDER BY ... DESC``)."""
    if isinstance(expr, Attribute):
        return expr.desc
    if isinstance(expr, DescWrapper):
        return expr.attr
    if isinstance(expr, int) and not isinstance(expr, bool):
        return -expr
    if isinstance(expr, str):
        return f"desc({expr})"
    return expr


@_mark("JOIN")
def JOIN(expr: Any) -> Any:  # noqa: N802 - Pony's name
    """In a query, ``JOIN(x.attr)`` asks for a JOIN where a subquery would be used; in Python it
    returns its argument."""
    return expr


@_mark("between")
def between(x: Any, a: Any, b: Any) -> bool:
    """``a <= x <= b``; in a query, SQL ``x BETWEEN a AND b``."""
    if (
        hasattr(type(x), "_entity_meta_marker_")
        or hasattr(type(a), "_entity_meta_marker_")
        or hasattr(type(b), "_entity_meta_marker_")
    ):
        raise TypeError("between() function cannot be applied to entity instances")
    return a <= x <= b


@_mark("concat")
def concat(*args: Any) -> str:
    """The arguments as strings joined together; in a query, the database's string
    concatenation (``||`` or ``CONCAT``)."""
    return "".join(str(arg) for arg in args)


@_mark("coalesce")
def coalesce(*args: Any) -> Any:
    """The first argument that is not ``None``; in a query, SQL ``coalesce(...)``."""
    for arg in args:
        if arg is not None:
            return arg
    return None


@_mark("raw_sql", nofold=True)
def raw_sql(sql: str, result_type: Any = None) -> RawSQL:
    """A raw SQL fragment; ``$name``/``$(expr)`` are taken from the caller's frame as parameters."""
    parts = dollar.parse(sql)
    frame = user_frame()
    items: list = []
    values: list = []
    for part in parts:
        if isinstance(part, str):
            items.append(part)
        else:
            items.append(len(values))
            values.append(None)
    if values:
        values = dollar.evaluate(parts, frame.f_globals, frame.f_locals)
    return RawSQL(sql, tuple(items), tuple(values), result_type)
