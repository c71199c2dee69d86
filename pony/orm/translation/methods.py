"""Method-call forms inside a query that name their target indirectly: ``getattr(x, "name")(...)``,
``Entity.select(lambda e: ...)`` as a subquery, and an attribute lifted over a collection
(``c.orders.total``) used as a query result, which joins the collection into the query.
"""

from __future__ import annotations

import ast as pyast
import builtins
from typing import Any

from ..sql import ast
from . import params as P
from .frames import Frame
from .objects import ObjectExpr, SetExpr
from .values import Expr, Value
from .wrappers import LambdaExpr
from .wrappers import constant_argument as _constant

ENTITY_QUERY_METHODS = ("select", "filter", "where")


def getattr_method_call(tr: Any, node: pyast.Call) -> pyast.Call | None:
    """``getattr(x, "upper")(...)`` with a constant name is the call ``x.upper(...)``."""
    func = node.func
    if not (isinstance(func, pyast.Call) and len(func.args) == 2 and not func.keywords):
        return None
    if not (isinstance(func.func, pyast.Name) and tr.is_external(func.func)):
        return None
    _, callee = tr.register(func.func)
    if callee is not builtins.getattr:
        return None
    name = _constant(tr, func.args[1], "The attribute name of getattr()")
    if not isinstance(name, str):
        raise TypeError(f"In `{pyast.unparse(func)}` second argument should be a string. Got: {name!r}")
    method = pyast.copy_location(pyast.Attribute(value=func.args[0], attr=name, ctx=pyast.Load()), func)
    return pyast.copy_location(pyast.Call(func=method, args=node.args, keywords=node.keywords), node)


def entity_query_call(tr: Any, callee: Any, node: pyast.Call) -> SetExpr | None:
    """``Product.select(lambda p: p.price > 10)`` inside a query: a subquery over the entity."""
    owner = getattr(callee, "__self__", None)
    if not P.is_entity_class(owner) or getattr(callee, "__name__", None) not in ENTITY_QUERY_METHODS:
        return None
    if node.keywords or len(node.args) > 1 or (node.args and not isinstance(node.args[0], pyast.Lambda)):
        raise TypeError(
            f"Inside a query {owner.__name__}.{callee.__name__}() takes one lambda: {pyast.unparse(node)}"
        )
    lambda_node = node.args[0] if node.args else None
    name = lambda_node.args.args[0].arg if lambda_node is not None and lambda_node.args.args else "x"
    frame = Frame(tr, tr.frame)
    alias = tr.new_alias(name)
    frame.add_table(owner._table_, alias)
    cond = tr.discriminator(owner, alias)
    if cond is not None:
        frame.where.append(cond)
    frame.loops.append((alias, owner))
    items = SetExpr(frame, ObjectExpr(owner, frame, alias))
    items.src = pyast.unparse(node)
    if lambda_node is None:
        return items
    return tr.filter_set(items, LambdaExpr(lambda_node))


def join_lifted(tr: Any, items: SetExpr) -> Expr:
    """``c.orders.total`` as a query result: the collection's rows join the query (as in Pony),
    so each (customer, order total) pair is one row."""
    frame, sub = tr.frame, items.frame
    item = items.item
    first, *rest = sub.sources
    frame.sources.append(ast.Join("INNER", first, None))
    frame.sources.extend(rest)
    not_null = item.node if isinstance(item, Value) else None
    frame.where.extend(c for c in sub.where if not (isinstance(c, ast.IsNotNull) and c.expr is not_null))
    frame.loops.extend(sub.loops)
    frame.joins.update(sub.joins)
    obj = item
    while isinstance(obj, ObjectExpr):  # joins still to come belong to the query's frame now
        if obj.frame is sub:
            obj.frame = frame
        obj = obj.parent
    return item


def is_lifted(expr: Expr) -> bool:
    return isinstance(expr, SetExpr) and getattr(expr, "lifted", False) and isinstance(expr.item, (Value, ObjectExpr))


__all__ = ["getattr_method_call", "entity_query_call", "join_lifted", "is_lifted"]
