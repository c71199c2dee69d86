"""Queries used inside other queries: a subquery yielding one aggregate as a scalar value, row
values tested against a subquery of tuples, and set-typed operands that Python cannot compare.
"""

from __future__ import annotations

import ast as pyast
from typing import Any

from ..errors import IncomparableTypesError
from ..sql import ast
from .objects import ObjectExpr, SetExpr
from .values import Expr, Value, make_value


def scalar_subquery(expr: Expr) -> Expr:
    """``select(sum(x) for ...)``: a subquery yielding one aggregate is the value of that aggregate.

    Any other expression is returned as it is.
    """
    if isinstance(expr, SetExpr) and isinstance(expr.item, Value) and expr.item.aggregated:
        item = expr.item
        node = ast.Subquery(expr.frame.select((item.node,)))
        value = make_value(node, item.py_type, item.attr)
        value.src = expr.src
        return value
    return expr


def set_type_name(expr: Expr) -> str:
    """How Pony names the type of a subquery in its messages: ``Set of int``."""
    item = expr.item if isinstance(expr, SetExpr) else expr
    py_type = item.entity if isinstance(item, ObjectExpr) else getattr(item, "py_type", None)
    return f"Set of {getattr(py_type, '__name__', py_type)}"


def check_set_comparison(left: Expr, right: Expr, node: pyast.AST) -> None:
    """A subquery compared with ``<``, ``==`` ...: Python would compare a set with a value."""
    if not isinstance(left, SetExpr) and not isinstance(right, SetExpr):
        return
    src = pyast.unparse(node)
    names = [set_type_name(e) if isinstance(e, SetExpr) else e.type_name() for e in (left, right)]
    error = IncomparableTypesError(names[0], names[1])
    error.args = (f"Incomparable types {names[0]!r} and {names[1]!r} in expression: {src}",)
    raise error


def row_in_subquery(tr: Any, row_items: list, items: SetExpr) -> ast.Node:
    """``(a, b) in select((x.a, x.b) for x in ...)``: EXISTS with the pairs compared item by item."""
    mine = items.item
    members = getattr(mine, "items", None)
    if members is None or len(members) != len(row_items):
        raise TypeError(f"A tuple of {len(row_items)} items cannot be found in {items.src}")
    saved, tr.frame = tr.frame, items.frame
    try:
        conds = [tr.compare("Eq", left, right) for left, right in zip(row_items, members)]
    finally:
        tr.frame = saved
    items.frame.where.extend(conds)
    return items.exists()


__all__ = ["scalar_subquery", "check_set_comparison", "row_in_subquery", "set_type_name"]
