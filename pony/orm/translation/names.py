"""Which outside names an expression reads (scope-aware: loop targets and lambda parameters are
bound inside, a comprehension's first iterable is evaluated outside)."""

from __future__ import annotations

import ast

__all__ = ["free_names", "has_nested_scope", "lambda_params", "target_names"]

_COMPREHENSIONS = (ast.GeneratorExp, ast.ListComp, ast.SetComp, ast.DictComp)


def target_names(target: ast.AST) -> set[str]:
    """Names bound by a ``for`` target (``p``, ``(a, b)``, ``[a, *rest]``)."""
    return {node.id for node in ast.walk(target) if isinstance(node, ast.Name)}


def lambda_params(args: ast.arguments) -> set[str]:
    params = [*args.posonlyargs, *args.args, *args.kwonlyargs]
    if args.vararg:
        params.append(args.vararg)
    if args.kwarg:
        params.append(args.kwarg)
    return {param.arg for param in params}


def free_names(node: ast.AST, skip_first_iter: bool = False) -> tuple[str, ...]:
    """Names ``node`` reads from outside, in order of first use.

    For a generator object the first iterable is already evaluated (it is the frame local
    ``.0``); ``skip_first_iter`` leaves its names out. A top-level lambda's parameters are bound.
    """
    found: dict[str, None] = {}
    if isinstance(node, ast.Lambda):
        _visit(node.body, lambda_params(node.args), found)
    elif isinstance(node, _COMPREHENSIONS):
        _comprehension(node, frozenset(), found, skip_first_iter)
    else:
        _visit(node, frozenset(), found)
    return tuple(found)


# nodes without names below them (contexts, operators, constants): skipped without a look
_LEAVES = frozenset((ast.Load, ast.Store, ast.Del, ast.Constant, ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt,
                     ast.GtE, ast.In, ast.NotIn, ast.Is, ast.IsNot, ast.And, ast.Or, ast.Not, ast.Add, ast.Sub,
                     ast.Mult, ast.Div))


def _visit(node: ast.AST, bound: frozenset[str] | set[str], found: dict[str, None]) -> None:
    if type(node) in _LEAVES:
        return
    if isinstance(node, ast.Name):
        if isinstance(node.ctx, ast.Load) and node.id not in bound:
            found.setdefault(node.id, None)
    elif isinstance(node, _COMPREHENSIONS):
        _comprehension(node, bound, found, False)
    elif isinstance(node, ast.Lambda):
        for default in [*node.args.defaults, *(d for d in node.args.kw_defaults if d is not None)]:
            _visit(default, bound, found)
        _visit(node.body, set(bound) | lambda_params(node.args), found)
    else:  # the children in ast.iter_child_nodes' order (first use decides the order of names)
        for field in node._fields:
            value = getattr(node, field, None)
            if isinstance(value, ast.AST):
                _visit(value, bound, found)
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.AST):
                        _visit(item, bound, found)


def _comprehension(node: ast.AST, bound: frozenset[str] | set[str], found: dict[str, None],
                   skip_first_iter: bool) -> None:
    inner = set(bound)
    for index, clause in enumerate(node.generators):  # type: ignore[attr-defined]
        if index or not skip_first_iter:
            _visit(clause.iter, bound if index == 0 else inner, found)
        inner |= target_names(clause.target)
        for condition in clause.ifs:
            _visit(condition, inner, found)
    if isinstance(node, ast.DictComp):
        _visit(node.key, inner, found)
        _visit(node.value, inner, found)
    else:
        _visit(node.elt, inner, found)  # type: ignore[attr-defined]


def has_nested_scope(node: ast.AST) -> bool:
    """True when ``node`` contains a lambda or comprehension (they cannot see ``eval`` locals)."""
    return any(isinstance(child, (ast.Lambda, *_COMPREHENSIONS)) for child in ast.walk(node))
