"""Oracle before 23ai has no boolean SQL type: a condition cannot stand where a value is expected
(``SELECT a > 1 FROM ...``, ``(a > 1) = 1``) and a value cannot stand where a condition is expected
(``WHERE flag``). ``oracle_booleans`` rewrites a statement's tree so that each position gets what
Oracle accepts: a condition in a value position becomes ``CASE WHEN c THEN 1 WHEN NOT (c) THEN 0 END``
(NULL when ``c`` is unknown, as a boolean would be), and a value in a condition position becomes
``v = 1`` (booleans are stored as NUMBER(1)). Literal ``''`` compared with ``=``/``<>`` becomes
``IS NULL``/``IS NOT NULL``, since Oracle stores and compares the empty string as NULL.
"""

from __future__ import annotations

from typing import Any

from ...sql import ast

COMPARISONS = frozenset({"=", "<>", "<", "<=", ">", ">="})
_CONDITION_TYPES = (ast.And, ast.Or, ast.Not, ast.IsNull, ast.IsNotNull, ast.Like, ast.In, ast.InSelect,
                    ast.Exists, ast.Between, ast.JsonContains, ast.JsonIsNull, ast.JsonCompare, ast.ArrayContains)


def is_condition(node: Any) -> bool:
    """Is ``node`` rendered by the Oracle compiler as a condition rather than a value?"""
    if isinstance(node, ast.BinOp):
        return node.op in COMPARISONS
    if isinstance(node, ast.JsonValue):
        return node.as_type == "bool"  # rendered as (JSON_VALUE(...) = 'true')
    return isinstance(node, _CONDITION_TYPES)


def as_value(node: Any) -> Any:
    node = rewrite(node)
    if is_condition(node):
        return ast.Case(((node, ast.Value(1)), (ast.Not(node), ast.Value(0))), None)
    return node


def as_condition(node: Any) -> Any:
    if node is None:
        return None
    node = rewrite(node)
    if is_condition(node):
        return node
    if isinstance(node, ast.Value) and isinstance(node.value, bool):
        return ast.And() if node.value else ast.Or()
    return ast.BinOp("=", node, ast.Value(1))


def _empty_string_comparison(node: ast.BinOp) -> Any:
    if node.op not in ("=", "<>"):
        return None
    for this, other in ((node.left, node.right), (node.right, node.left)):
        if isinstance(other, ast.Value) and other.value == "" and not isinstance(this, ast.Value):
            return ast.IsNull(this) if node.op == "=" else ast.IsNotNull(this)
    return None


def _map(value: Any, function: Any) -> Any:
    if isinstance(value, ast.Node):
        return function(value)
    if isinstance(value, tuple):
        return tuple(_map(item, function) for item in value)
    return value


def _rebuild(node: Any, **changes: Any) -> Any:
    values = {name: getattr(node, name) for name in node.__slots__}
    values.update(changes)
    clone = object.__new__(type(node))
    for name, value in values.items():
        object.__setattr__(clone, name, value)
    return clone


def rewrite(node: Any) -> Any:
    """``node`` with every position holding what Oracle accepts there."""
    if isinstance(node, (ast.And, ast.Or)):
        return type(node)(*[as_condition(item) for item in node.items])
    if isinstance(node, ast.Not):
        return ast.Not(as_condition(node.expr))
    if isinstance(node, ast.Case):
        whens = tuple((as_condition(cond), as_value(result)) for cond, result in node.whens)
        return ast.Case(whens, as_value(node.else_) if node.else_ is not None else None)
    if isinstance(node, (ast.Select, ast.Update, ast.Delete, ast.Join)):
        return _rebuild_statement(node)
    if isinstance(node, ast.BinOp):
        replaced = _empty_string_comparison(node)
        if replaced is not None:
            return rewrite(replaced)
    if isinstance(node, (ast.Raw, ast.Table, ast.Column, ast.Param, ast.Value, ast.Name, ast.Star)):
        return node
    changes = {name: _map(getattr(node, name), as_value) for name in node.__slots__}
    return _rebuild(node, **changes)


def _rebuild_statement(node: Any) -> Any:
    changes = {}
    for name in node.__slots__:
        value = getattr(node, name)
        if name in ("where", "having", "on"):
            changes[name] = as_condition(value)
        elif name in ("sources", "select", "source"):
            changes[name] = _map(value, rewrite)
        elif name == "assignments":
            changes[name] = tuple((column, as_value(expr)) for column, expr in value)
        else:
            changes[name] = _map(value, as_value)
    return _rebuild(node, **changes)


def oracle_booleans(node: ast.Node) -> ast.Node:
    """The statement ``node`` rewritten for Oracle's lack of a boolean type (see the module doc)."""
    if isinstance(node, (ast.Select, ast.Update, ast.Delete)):
        return rewrite(node)
    if isinstance(node, ast.Insert):
        return _rebuild(node, values=_map(node.values, as_value))
    return node
