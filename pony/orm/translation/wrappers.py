"""Small pieces that calls, methods and the translator share, kept below all three so that none of
them imports another in a circle: ``desc()`` and lambda arguments as expressions, the type of an
untyped ``raw_sql()`` value, and reading an argument that must be known at translation time."""

from __future__ import annotations

import ast as pyast
from typing import Any

from ..errors import TranslationError
from .values import Expr


class DescExpr(Expr):
    """``desc(x)`` inside a query: ``x`` in descending order."""

    def __init__(self, expr: Expr) -> None:
        self.expr = expr


class LambdaExpr(Expr):
    """A lambda passed to a collection's select()/filter() inside a query."""

    def __init__(self, node: pyast.Lambda) -> None:
        self.lambda_node = node


class RawType:
    """The type of a raw_sql() value without result_type: values come back as the driver gives them."""


def constant_argument(tr: Any, node: pyast.expr | None, what: str) -> Any:
    """A value that must be known when translating (distinct=, sep=, getattr's name ...)."""
    if node is None:
        return None
    if isinstance(node, pyast.Constant):
        return node.value
    if not tr.is_external(node):
        raise TranslationError(f"{what} must not depend on the rows of the query: {pyast.unparse(node)}")
    _, value = tr.register(node, exact=True)
    return value
