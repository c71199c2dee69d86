"""How the translator gets a query's ``ast`` and the values of its outer names.

A small front over the capture layer (``capture.py``, which reads the source and falls back to
the decompiler): it wraps a capture in ``Captured``, the shape the query layer keeps.
"""

from __future__ import annotations

import ast
import types
from typing import Any

from ..errors import TranslationError
from .capture import capture


class Captured:
    """A query's tree (GeneratorExp or Lambda), a key for the translation cache, its names."""

    __slots__ = ("tree", "key", "globals", "locals")

    def __init__(self, tree: ast.expr, key: Any, globals: dict, locals: dict) -> None:
        self.tree = tree
        self.key = key
        self.globals = globals
        self.locals = locals


def capture_generator(gen: types.GeneratorType) -> Captured:
    captured = capture(gen)
    return Captured(captured.tree, captured.key, captured.globals, dict(captured.locals))


def capture_lambda(func: types.FunctionType) -> Captured:
    captured = capture(func)
    return Captured(captured.tree, captured.key, captured.globals, dict(captured.locals))


def capture_text(text: str, kind: type, globals: dict, locals: dict) -> Captured:
    captured = capture(text, globals, locals)
    tree = captured.tree
    if kind is ast.GeneratorExp and not isinstance(tree, ast.GeneratorExp):
        raise TranslationError(f"Expected a generator expression, got: {text}")
    return Captured(tree, ("text", text), globals, locals)
