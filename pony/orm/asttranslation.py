"""Pony-compatible module name: ``ast2src`` and ``TranslationError``."""

from __future__ import annotations

import ast

from .errors import TranslationError


def ast2src(tree: ast.AST) -> str:
    """The Python source of an ``ast`` tree."""
    return ast.unparse(tree)


__all__ = ["ast2src", "TranslationError"]
