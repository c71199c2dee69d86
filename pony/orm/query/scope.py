"""Capturing a query argument together with the scope its names come from.

A generator or lambda carries its own names (closure cells and its module's globals), except the
``$names`` of a ``raw_sql()`` inside it: Python never sees those, so they are read from the locals
of the function that wrote the query. Query text carries no scope at all: its names come from
explicit ``globals``/``locals`` or from the user's frame (see ``pony.orm.callers``).
"""

from __future__ import annotations

import ast
import types
from typing import Any

from ..callers import user_namespaces, writer_frame
from ..translation.reading import Captured, capture_generator, capture_lambda, capture_text

_raw_sql_users: dict = {}


def _uses_raw_sql(tree: Any) -> bool:
    found = _raw_sql_users.get(id(tree))
    if found is None or found[0] is not tree:
        uses = any(isinstance(n, ast.Name) and n.id == "raw_sql" for n in ast.walk(tree))
        found = _raw_sql_users[id(tree)] = (tree, uses)
    return found[1]


def _code_mentions(code: types.CodeType, name: str) -> bool:
    """Whether ``name`` occurs among the names of ``code`` or of the code nested in it (a cheap
    superset of the tree's ``Name`` nodes: a query that never mentions it needs no tree walk)."""
    if name in code.co_names or name in code.co_freevars or name in code.co_varnames:
        return True
    return any(isinstance(const, types.CodeType) and _code_mentions(const, name) for const in code.co_consts)


def _with_raw_sql_names(captured: Captured, code: types.CodeType) -> Captured:
    if _code_mentions(code, "raw_sql") and _uses_raw_sql(captured.tree):
        frame = writer_frame(code)
        captured.locals = {**frame.f_locals, **captured.locals}
    return captured


def capture_generator_in_scope(gen: types.GeneratorType) -> Captured:
    """A generator query; the ``$names`` of its ``raw_sql()`` calls come from the function that wrote it."""
    return _with_raw_sql_names(capture_generator(gen), gen.gi_code)


def capture_lambda_in_scope(func: types.FunctionType) -> Captured:
    """A lambda query; the ``$names`` of its ``raw_sql()`` calls come from the function that wrote it."""
    return _with_raw_sql_names(capture_lambda(func), func.__code__)


def capture_text_in_scope(text: str, kind: type = object, globals: dict | None = None,
                          locals: dict | None = None) -> Captured:
    """Query text whose names come from ``globals``/``locals`` or, by default, the user's frame."""
    g, lc = user_namespaces(globals, locals)
    return capture_text(text, kind, g, dict(lc))


def eval_first_iterable(gen: types.GeneratorType, source: ast.expr) -> Any:
    """The value of a generator's first ``in`` expression, evaluated where the generator was written."""
    frame = writer_frame(gen.gi_code)
    expr = ast.Expression(body=source)
    ast.fix_missing_locations(expr)
    return eval(compile(expr, "<query>", "eval"), frame.f_globals, frame.f_locals)
