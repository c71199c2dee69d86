"""Pony's ``pony.orm.decompiling`` module name, kept for code that imports from it.

Queries are read from source; the bytecode decompiler is the fallback (see
``pony.orm.translation``). Only the names below are promised, not Pony's private formats.
"""

from __future__ import annotations

import ast
import types
from typing import Any

from .errors import DecompileError, InvalidQuery
from .translation.decompile import Decompiler, decompile_code
from .translation.names import free_names

__all__ = ["decompile", "Decompiler", "DecompileError", "InvalidQuery"]


def decompile(x: Any) -> tuple[ast.expr, set[str], dict[str, types.CellType]]:
    """Decompile a generator, function or code object: ``(tree, external_names, cells)``.

    Like Pony, a generator gives its ``ast.GeneratorExp`` (first iterable ``.0``) and a function
    gives the expression it returns; ``external_names`` are the names it reads from outside
    (``.0`` included) and ``cells`` maps closure variables to their cells.
    """
    cells: dict[str, types.CellType] = {}
    if isinstance(x, types.GeneratorType):
        code = x.gi_code
    elif isinstance(x, types.FunctionType):
        code = x.__code__
        cells = dict(zip(code.co_freevars, x.__closure__ or ()))
    elif isinstance(x, types.CodeType):
        code = x
    else:
        raise TypeError(f"Cannot decompile {type(x).__name__} object")
    tree = decompile_code(code)
    if isinstance(tree, ast.Lambda):
        return tree.body, set(free_names(tree.body)), cells
    return tree, {*free_names(tree), ".0"}, cells
