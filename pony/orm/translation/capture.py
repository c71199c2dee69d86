"""Capture a query: its ``ast`` as the user wrote it, plus the outside values it refers to.

``capture(query)`` accepts what Pony's query functions accept:

* a generator expression object: ``select(p for p in Person if p.age > x)``;
* a lambda or a function whose body is a single ``return <expr>`` (entity hybrid methods);
* source text: ``"p for p in Person if p.age > 1"``, ``"lambda p: p.age > 1"``, ``"p.age > 1"``.

The expensive part (finding and parsing the source, or decompiling bytecode when there is no
source) is cached per code object (per text for strings) in a :class:`QuerySource`; every call
then costs one dict look-up plus a small :class:`CapturedQuery` that reads outside values lazily:
a generator's first iterable is its frame local ``.0`` (already evaluated by the caller), other
names are closure cells, globals or builtins, each looked up in the scope Python itself would use.
"""

from __future__ import annotations

import ast
import builtins
import textwrap
import types
from collections.abc import Hashable, Mapping
from typing import Any, Literal

from ..errors import ExprEvalError, TranslationError
from .decompile import decompile_code
from .names import free_names, has_nested_scope
from .source import find_source, segment

__all__ = ["MISSING", "CapturedQuery", "QuerySource", "capture", "capture_query", "eval_in_scope",
           "query_source"]

Kind = Literal["generator", "lambda", "function", "text"]


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()  # ``first_iter`` of anything but a generator object


class QuerySource:
    """What is known about a query's code without running it; shared by all its calls."""

    __slots__ = ("kind", "tree", "source", "code_key", "_names_used", "filename", "from_source",
                 "freevars", "_lines", "_compiled")

    def __init__(self, kind: Kind, tree: ast.expr, source: str, code_key: Hashable,
                 filename: str | None, lines: list[str] | None, freevars: tuple[str, ...] = ()) -> None:
        self.kind = kind
        self.tree = tree                  # do not mutate: shared by every call of the query
        self.source = source
        self.code_key = code_key
        self.filename = filename
        self.from_source = lines is not None
        self.freevars = freevars
        self._names_used: tuple[str, ...] | None = None
        self._lines = lines
        self._compiled: dict[Hashable, tuple[Any, types.CodeType, str, tuple[str, ...], bool]] = {}

    @property
    def names_used(self) -> tuple[str, ...]:
        """The outer names the query reads, in order (worked out when first asked: translation
        does not need them)."""
        if self._names_used is None:
            self._names_used = free_names(self.tree, skip_first_iter=self.kind == "generator")
        return self._names_used

    def source_of(self, node: ast.AST) -> str:
        """The text of a sub-expression as the user wrote it (``ast.unparse`` when decompiled)."""
        if self._lines is not None:
            text = segment(self._lines, node)
            if text is not None:
                return text
        return ast.unparse(node)

    def compiled(self, expr: str | ast.expr) -> tuple[types.CodeType, str, tuple[str, ...], bool]:
        """``expr`` compiled for ``eval`` with its source text, names and nested-scope flag (cached)."""
        key: Hashable = expr if isinstance(expr, str) else id(expr)
        entry = self._compiled.get(key)
        if entry is None or entry[0] is not expr:  # ids of dead nodes may be reused
            if isinstance(expr, str):
                node = ast.parse(expr.strip(), mode="eval").body
                src = expr.strip()
            else:
                node, src = expr, self.source_of(expr)
            tree = ast.fix_missing_locations(ast.Expression(body=node))
            code = compile(tree, self.filename or "<query>", "eval")
            entry = (expr, code, src, free_names(node), has_nested_scope(node))
            self._compiled[key] = entry
        return entry[1:]


class CapturedQuery:
    """One call of a query: its :class:`QuerySource` plus the scope to read outside values from."""

    __slots__ = ("query", "globals", "_locals", "_builtins", "_frame", "_function", "defaults")

    def __init__(self, query: QuerySource, globals: dict[str, Any], locals: Mapping[str, Any] | None = None,
                 frame: types.FrameType | None = None, function: types.FunctionType | None = None,
                 defaults: dict[str, Any] | None = None) -> None:
        self.query = query
        self.globals = globals
        self._locals = locals
        self._frame = frame
        self._function = function
        self.defaults = defaults or {}
        if frame is not None:
            self._builtins: Any = frame.f_builtins
        elif function is not None:
            self._builtins = function.__builtins__
        else:
            self._builtins = globals.get("__builtins__", builtins)
        if isinstance(self._builtins, types.ModuleType):
            self._builtins = self._builtins.__dict__

    # the shared, cached facts
    kind = property(lambda self: self.query.kind)
    tree = property(lambda self: self.query.tree)
    source = property(lambda self: self.query.source)
    code_key = property(lambda self: self.query.code_key)
    key = code_key  # the name reading.py (translator front) uses
    names_used = property(lambda self: self.query.names_used)
    from_source = property(lambda self: self.query.from_source)

    def source_of(self, node: ast.AST) -> str:
        return self.query.source_of(node)

    @property
    def locals(self) -> Mapping[str, Any]:
        """The variables of the enclosing function that the query can see."""
        if self._locals is None:
            if self._frame is not None:
                self._locals = self._frame.f_locals
            elif self._function is not None and self._function.__closure__:
                self._locals = {name: cell.cell_contents for name, cell in zip(
                    self._function.__code__.co_freevars, self._function.__closure__)
                    if _cell_is_set(cell)}
            else:
                self._locals = {}
        return self._locals

    @property
    def first_iter(self) -> Any:
        """For a generator object: ``iter(<first iterable>)``, evaluated by the caller (``.0``)."""
        if self._frame is None:
            return MISSING
        return self.locals[".0"]

    def lookup(self, name: str) -> Any:
        """The value of an outside name, resolved like Python does; NameError when unbound."""
        if self.kind == "text":
            if name in self.locals:
                return self.locals[name]
        elif name in self.query.freevars:
            try:
                return self.locals[name]
            except KeyError:
                raise NameError(f"cannot access free variable {name!r} where it is not associated "
                                f"with a value in enclosing scope") from None
        if name in self.globals:
            return self.globals[name]
        if name in self._builtins:
            return self._builtins[name]
        raise NameError(f"name {name!r} is not defined")

    def values(self) -> dict[str, Any]:
        """Every name of ``names_used`` with its value (NameError for an unbound one)."""
        return {name: self.lookup(name) for name in self.query.names_used}

    def namespace(self, names: tuple[str, ...],
                  nested: bool) -> tuple[dict[str, Any], Mapping[str, Any] | None]:
        """Globals and locals for ``eval`` of an expression that reads ``names``."""
        if self.kind == "text":
            local: Mapping[str, Any] = self.locals
        else:
            local = {name: self.locals[name] for name in names
                     if name in self.query.freevars and name in self.locals}
        if nested and local:  # lambdas / genexprs inside the expression see only globals
            return {**self.globals, **local}, None
        return self.globals, local


def _cell_is_set(cell: types.CellType) -> bool:
    try:
        cell.cell_contents  # noqa: B018 - raises ValueError when empty
    except ValueError:
        return False
    return True


# --- building QuerySource objects --------------------------------------------------------------------

_CACHE: dict[Hashable, QuerySource] = {}
_TEXT_CACHE: dict[str, QuerySource] = {}
_TEXT_CACHE_LIMIT = 4096


def query_source(code: types.CodeType, function: types.FunctionType | None = None,
                 module_globals: dict[str, Any] | None = None) -> QuerySource:
    """The cached :class:`QuerySource` of a genexpr, lambda or single-expression function."""
    query = _CACHE.get(code)
    if query is not None and query.filename == code.co_filename:
        return query
    # Code objects compare equal across files (co_filename is not compared): the same query
    # text at the same place in two files gets one entry per file.
    key = (code, code.co_filename)
    query = _CACHE.get(key)
    if query is None:
        query = _build(code, function, module_globals)
        _CACHE.setdefault(code, query)
        _CACHE[key] = query
    return query


def _build(code: types.CodeType, function: types.FunctionType | None,
           module_globals: dict[str, Any] | None) -> QuerySource:
    found = find_source(code, module_globals)
    kind: Kind = ("generator" if code.co_name == "<genexpr>"
                  else "lambda" if code.co_name == "<lambda>" else "function")
    if found is None:
        # defaults in a decompiled tree are the first function's values, for display only;
        # translators read CapturedQuery.defaults
        defaults = [ast.Constant(value=v) for v in (function.__defaults__ or ())] if function else []
        kw_defaults = {k: ast.Constant(value=v) for k, v in (function.__kwdefaults__ or {}).items()} \
            if function else {}
        tree: ast.expr = decompile_code(code, defaults, kw_defaults)
        return QuerySource(kind, tree, ast.unparse(tree), code, code.co_filename, None, code.co_freevars)
    node = found.node
    text = segment(found.lines, node) or ""
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        text = textwrap.dedent(" " * node.col_offset + text)
        node = _function_as_lambda(node, code)
    assert isinstance(node, ast.expr)
    return QuerySource(kind, node, text, code, found.filename, found.lines, code.co_freevars)


def _function_as_lambda(node: ast.FunctionDef | ast.AsyncFunctionDef, code: types.CodeType) -> ast.Lambda:
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        body = body[1:]  # docstring
    if len(body) != 1 or not isinstance(body[0], ast.Return) or body[0].value is None:
        raise TranslationError(f"{code.co_qualname}() cannot be used in a query: its body must be "
                               f"a single `return <expression>`")
    lam = ast.Lambda(args=node.args, body=body[0].value)
    return ast.copy_location(lam, node)


def _parse_text(text: str) -> tuple[ast.expr, list[str]]:
    stripped = text.strip()
    try:
        source = stripped
        tree = ast.parse(source, mode="eval").body
    except SyntaxError as error:
        source = f"({stripped}\n)"  # a bare generator expression needs its parentheses
        try:
            tree = ast.parse(source, mode="eval").body
        except SyntaxError:
            raise error from None
        if not isinstance(tree, ast.GeneratorExp):
            raise error from None
    return tree, source.splitlines(keepends=True)


def _text_source(text: str) -> QuerySource:
    query = _TEXT_CACHE.get(text)
    if query is None:
        tree, lines = _parse_text(text)
        if len(_TEXT_CACHE) > _TEXT_CACHE_LIMIT:
            _TEXT_CACHE.clear()
        query = _TEXT_CACHE[text] = QuerySource("text", tree, text.strip(), text, "<string>", lines)
    return query


# --- the entry point ------------------------------------------------------------------------------


def capture(query: Any, globals: dict[str, Any] | None = None,
            locals: Mapping[str, Any] | None = None) -> CapturedQuery:
    """Capture a generator expression, lambda / function, or source text (see the module doc).

    ``globals`` / ``locals`` give the scope of a text query (the caller's frame, typically);
    they are ignored for code objects, which carry their own scope.
    """
    if isinstance(query, str):
        return CapturedQuery(_text_source(query), globals if globals is not None else {}, locals)
    if isinstance(query, types.GeneratorType):
        code = query.gi_code
        if code.co_name != "<genexpr>":
            raise TypeError(f"Query should be a generator expression, got generator function "
                            f"{code.co_qualname}()")
        frame = query.gi_frame
        if frame is None or query.gi_running:
            raise TypeError("The generator expression has already been used; pass a new one")
        return CapturedQuery(query_source(code, None, frame.f_globals), frame.f_globals, frame=frame)
    function = _as_function(query)
    if function is None:
        raise TypeError(f"Expected a generator expression, a lambda or a string, got {type(query).__name__}")
    source = query_source(function.__code__, function, function.__globals__)
    return CapturedQuery(source, function.__globals__, function=function, defaults=_defaults(function))


def _as_function(obj: Any) -> types.FunctionType | None:
    if isinstance(obj, property):
        obj = obj.fget
    if isinstance(obj, staticmethod | classmethod | types.MethodType):
        obj = obj.__func__
    return obj if isinstance(obj, types.FunctionType) else None


def _defaults(function: types.FunctionType) -> dict[str, Any]:
    code = function.__code__
    values: dict[str, Any] = dict(function.__kwdefaults__ or {})
    positional = function.__defaults__ or ()
    if positional:
        names = code.co_varnames[:code.co_argcount]
        values.update(zip(names[len(names) - len(positional):], positional))
    return values


def eval_in_scope(expr: str | ast.expr, captured: CapturedQuery) -> Any:
    """Evaluate a sub-expression that uses only outside variables (to fold it into a parameter).

    Any error is raised as :class:`ExprEvalError` naming the expression as the user wrote it.
    """
    code, src, names, nested = captured.query.compiled(expr)
    try:
        globals_, locals_ = captured.namespace(names, nested)
        return eval(code, globals_, locals_)
    except Exception as exc:
        raise ExprEvalError(src, exc) from exc


capture_query = capture  # the name the translator's front (reading.py) looks for
