"""How the translator gets a query's ``ast`` and the values of its outer names.

A small front over the capture layer (``capture.py``): when that module offers
``capture_query`` it is used; until then the source span of a generator's or lambda's code
object is found with ``co_positions`` and read with ``linecache`` here.
"""

from __future__ import annotations

import ast
import linecache
import types
from typing import Any

from ..errors import TranslationError
from .capture import capture

_file_trees: dict[tuple, Any] = {}
_code_trees: dict[Any, ast.expr] = {}
_text_trees: dict[str, ast.expr] = {}


class Captured:
    """A query's tree (GeneratorExp or Lambda), a key for the translation cache, its names."""

    __slots__ = ("tree", "key", "globals", "locals")

    def __init__(self, tree: ast.expr, key: Any, globals: dict, locals: dict) -> None:
        self.tree = tree
        self.key = key
        self.globals = globals
        self.locals = locals


def _tree_of_file(filename: str) -> ast.Module | None:
    lines = linecache.getlines(filename)
    if not lines:
        return None
    key = (filename, len(lines), hash(lines[0]) if lines else 0)
    tree = _file_trees.get(key)
    if tree is None:
        try:
            tree = ast.parse("".join(lines), filename)
        except SyntaxError:
            return None
        _file_trees[key] = tree
    return tree


def tree_of_code(code: types.CodeType, node_type: type) -> ast.expr:
    """The GeneratorExp / Lambda node of ``code`` in its source file (cached per code object)."""
    tree = _code_trees.get(code)
    if tree is not None:
        return tree
    module = _tree_of_file(code.co_filename)
    spans = [
        (l1, c1, l2, c2)
        for l1, l2, c1, c2 in code.co_positions()
        if l1 is not None and c1 is not None and l2 is not None and c2 is not None
    ]
    best = None
    if module is not None and spans:
        lo = min((l1, c1) for l1, c1, _, _ in spans)
        hi = max((l2, c2) for _, _, l2, c2 in spans)
        for node in ast.walk(module):
            if (
                isinstance(node, node_type)
                and (node.lineno, node.col_offset) <= lo
                and (node.end_lineno, node.end_col_offset) >= hi
            ):
                if best is None or (node.lineno, node.col_offset) >= (best.lineno, best.col_offset):
                    best = node
    if best is None:
        best = _decompiled(code, node_type)
    _code_trees[code] = best
    return best


def _decompiled(code: types.CodeType, node_type: type) -> ast.expr:
    try:
        from .decompile import decompile_code

        tree = decompile_code(code)
    except ImportError:  # pragma: no cover - the decompiler is part of the package
        tree = None
    except Exception as exc:
        raise TranslationError(
            f"Cannot read the source of the query ({exc}). Put the query in a .py file "
            'or pass it as a string, e.g. select("p for p in Person")'
        ) from exc
    if isinstance(tree, ast.Expression):
        tree = tree.body
    if not isinstance(tree, node_type):
        raise TranslationError(
            "Cannot read the source of the query. Put the query in a .py file "
            'or pass it as a string, e.g. select("p for p in Person")'
        )
    return tree


def parse_text(text: str, kind: type) -> ast.expr:
    """A query given as text: ``"p for p in Person if ..."`` or ``"lambda p: ..."``/``"p.age > 1"``."""
    tree = _text_trees.get(text)
    if tree is None:
        source = text.strip()
        try:
            if kind is ast.GeneratorExp:
                node = ast.parse(f"({source})", mode="eval").body
                if not isinstance(node, ast.GeneratorExp):
                    raise TranslationError(f"Expected a generator expression, got: {text}")
            else:
                node = ast.parse(source, mode="eval").body
        except SyntaxError as exc:
            raise TranslationError(f"Invalid query text {text!r}: {exc.msg}") from None
        tree = _text_trees[text] = node
    return tree


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
