"""Find the source of a generator expression, lambda or function from its code object.

CPython 3.11+ records a line/column span for every instruction (``co_positions``). A generator
expression's first instruction that loads its iterator (``LOAD_FAST .0``) carries the span of
the whole ``(... for ... in ...)``, and a lambda's instructions lie inside its body. The file is
read with ``linecache`` (which also knows IPython cells, the 3.13 REPL and strings registered by
tools) and parsed once; the node whose span matches is the query as the user wrote it, even with
several queries on one line or one query over many lines.

The match is checked against the code object (every name the code uses must occur in the node),
so an edited file or a reused line number leads to ``None`` (and the bytecode fallback), never to
the wrong query.
"""

from __future__ import annotations

import ast
import dis
import linecache
import re
from types import CodeType
from typing import Any

__all__ = ["SourceNode", "find_source", "segment"]

_FUNCTION_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)


class SourceNode:
    """The ``ast`` node of a code object together with the lines its positions refer to: the
    file's lines, or for a generator expression parsed alone its own lines (line 1 is its first
    line, columns are the file's)."""

    __slots__ = ("node", "lines", "filename")

    def __init__(self, node: ast.AST, lines: list[str], filename: str) -> None:
        self.node = node
        self.lines = lines
        self.filename = filename


class _FileIndex:
    """A parsed file: candidate nodes by the line they start on."""

    __slots__ = ("lines", "by_line")

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.by_line: dict[int, list[ast.AST]] = {}
        tree = ast.parse("".join(lines))
        for node in ast.walk(tree):
            if isinstance(node, ast.GeneratorExp | ast.Lambda):
                self.by_line.setdefault(node.lineno, []).append(node)
            elif isinstance(node, _FUNCTION_DEFS):
                # co_firstlineno is the first decorator's line when there are decorators
                for line in {node.lineno, *(d.lineno for d in node.decorator_list)}:
                    self.by_line.setdefault(line, []).append(node)


_FILES: dict[str, _FileIndex | None] = {}


def _file_index(filename: str, module_globals: dict[str, Any] | None) -> _FileIndex | None:
    lines = linecache.getlines(filename, module_globals)
    if not lines:
        linecache.checkcache(filename)
        lines = linecache.getlines(filename, module_globals)  # the globals' loader: zip imports
        if not lines:
            return None
    index = _FILES.get(filename)
    if index is None or index.lines is not lines:
        try:
            index = _FileIndex(lines)
        except (SyntaxError, ValueError):
            _FILES[filename] = None
            return None
        _FILES[filename] = index
    return index


def segment(lines: list[str], node: ast.AST) -> str | None:
    """The text of ``node`` (ast columns count UTF-8 bytes)."""
    first, last = getattr(node, "lineno", None), getattr(node, "end_lineno", None)
    start, end = getattr(node, "col_offset", None), getattr(node, "end_col_offset", None)
    if first is None or last is None or start is None or end is None:
        return None
    return span_text(lines, (first, start, last, end))


def span_text(lines: list[str], span: tuple[int, int, int, int]) -> str | None:
    """The text between two positions (line, UTF-8 byte column, end line, end column) of ``lines``."""
    first, start, last, end = span
    if last > len(lines):
        return None
    if first == last:
        return lines[first - 1].encode()[start:end].decode(errors="replace")
    head = lines[first - 1].encode()[start:].decode(errors="replace")
    tail = lines[last - 1].encode()[:end].decode(errors="replace")
    return head + "".join(lines[first:last - 1]) + tail


def _span(node: ast.AST) -> tuple[int, int, int, int]:
    return (node.lineno, node.col_offset, node.end_lineno or node.lineno,  # type: ignore[attr-defined]
            node.end_col_offset or 0)  # type: ignore[attr-defined]


def _inside(inner: tuple[int, int, int, int], outer: tuple[int, int, int, int]) -> bool:
    return (inner[0], inner[1]) >= (outer[0], outer[1]) and (inner[2], inner[3]) <= (outer[2], outer[3])


def _positions(code: CodeType) -> list[tuple[int, int, int, int]]:
    spans = []
    for ins in dis.get_instructions(code):
        pos = ins.positions
        if ins.opname == "RESUME" or pos is None or None in (pos.lineno, pos.end_lineno,
                                                              pos.col_offset, pos.end_col_offset):
            continue
        span = (pos.lineno, pos.col_offset, pos.end_lineno, pos.end_col_offset)
        if span[:2] != span[2:]:  # some instructions get an empty span at column 0
            spans.append(span)  # type: ignore[arg-type]
    return spans


def _identifiers(node: ast.AST) -> set[str]:
    names: set[str] = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            names.add(child.id)
        elif isinstance(child, ast.Attribute):
            names.add(child.attr)
        elif isinstance(child, ast.arg):
            names.add(child.arg)
        elif isinstance(child, _FUNCTION_DEFS):
            names.add(child.name)
    return names


def _constants(node: ast.AST) -> set[object]:
    return {(type(c.value), c.value) for c in ast.walk(node)
            if isinstance(c, ast.Constant) and isinstance(c.value, int | float | str | bytes)}


def _code_constants(code: CodeType) -> set[object]:
    # folded constants (-1, tuples) are not plain literals in the ast: compare simple ones only
    return {(type(c), c) for c in code.co_consts if isinstance(c, int | float | str | bytes)
            and not isinstance(c, bool) and not (isinstance(c, int | float) and c < 0)}


def _code_identifiers(code: CodeType) -> set[str]:
    names = {*code.co_names, *code.co_varnames, *code.co_freevars, *code.co_cellvars}
    names.discard(".0")
    return names


def _by_positions(code: CodeType, candidates: list[ast.AST]) -> list[ast.AST]:
    if code.co_name == "<genexpr>":
        # the instruction loading the iterator `.0` carries the span of the whole expression
        wanted = _genexpr_span(code)
        if wanted is None:
            return candidates
        return [node for node in candidates if _span(node) == wanted]
    spans = _positions(code)
    if not spans:
        return candidates
    # a lambda: every instruction lies inside its body; the innermost such lambda is the one
    low = min((s[0], s[1]) for s in spans)
    high = max((s[2], s[3]) for s in spans)
    covering = [node for node in candidates if isinstance(node, ast.Lambda)
                and _inside((*low, *high), _span(node.body))]
    covering.sort(key=lambda node: (_span(node)[2] - _span(node)[0], _span(node)[3] - _span(node)[1]))
    return covering[:1]


def _distinct_count(nodes: list[ast.AST]) -> int:
    return len(nodes) if len(nodes) < 2 else len({ast.dump(node) for node in nodes})


_LOAD_FAST = dis.opmap["LOAD_FAST"]


def _genexpr_span(code: CodeType) -> tuple[int, int, int, int] | None:
    """The span of the instruction loading the iterator ``.0``: the whole generator expression."""
    if code.co_varnames[:1] == (".0",):
        # fast path: the first ``LOAD_FAST 0``, read from the raw bytecode next to co_positions
        raw = code.co_code
        for offset, pos in zip(range(0, len(raw), 2), code.co_positions()):
            if raw[offset] == _LOAD_FAST and raw[offset + 1] == 0:
                if None in pos:
                    return None
                return (pos[0], pos[2], pos[1], pos[3])  # type: ignore[return-value]
    load = next((ins for ins in dis.get_instructions(code) if ins.argval == ".0"), None)
    pos = load.positions if load is not None else None
    if pos is None or None in (pos.lineno, pos.end_lineno, pos.col_offset, pos.end_col_offset):
        return None
    return (pos.lineno, pos.col_offset, pos.end_lineno, pos.end_col_offset)  # type: ignore[return-value]


def _padded(text: str, start: int) -> str:
    """``text`` (starting at UTF-8 column ``start`` of its first line) preceded by spaces inside
    an extra pair of parentheses, so that the parser gives every node its column in the file
    directly (no pass over the tree afterwards). Lines count from the expression's first line."""
    return text if start == 0 else "(" + " " * (start - 1) + text + ")"


# every word of a text: a superset of the identifiers of the expression it holds
_WORD = re.compile(r"[^\W\d]\w*")


def _genexpr_alone(code: CodeType, module_globals: dict[str, Any] | None) -> SourceNode | None:
    """Parse only the span of a generator expression (its parentheses included), so that the
    first query of a large file does not pay for parsing and indexing the whole file."""
    span = _genexpr_span(code)
    if span is None:
        return None
    lines = linecache.getlines(code.co_filename, module_globals)
    if not lines or span[2] > len(lines):
        return None
    first, start, _, _ = span
    text = span_text(lines, span)
    if not text or not text.startswith("("):
        return None
    # every name the code uses must occur in the text: an edited file gives the bytecode fallback
    if not _code_identifiers(code) <= set(_WORD.findall(text)):
        return None
    try:
        node = ast.parse(_padded(text, start), mode="eval").body
    except (SyntaxError, ValueError):
        return None
    if not isinstance(node, ast.GeneratorExp) or _span(node) != (1, start, span[2] - first + 1, span[3]):
        return None
    # the lines the node's positions refer to: the expression's own, its first one indented as in the file
    own_lines = (" " * start + text).splitlines(keepends=True) if start else text.splitlines(keepends=True)
    return SourceNode(node, own_lines, code.co_filename)


def find_source(code: CodeType, module_globals: dict[str, Any] | None = None) -> SourceNode | None:
    """The ``ast`` node of ``code`` (a genexpr, lambda or function) read from source, or None."""
    if code.co_name == "<genexpr>":
        found = _genexpr_alone(code, module_globals)
        if found is not None:
            return found
    index = _file_index(code.co_filename, module_globals)
    if index is None:
        return None
    candidates = index.by_line.get(code.co_firstlineno, [])
    if code.co_name == "<genexpr>":
        candidates = _by_positions(code, [n for n in candidates if isinstance(n, ast.GeneratorExp)])
    elif code.co_name == "<lambda>":
        candidates = _by_positions(code, [n for n in candidates if isinstance(n, ast.Lambda)])
    else:
        candidates = [n for n in candidates if isinstance(n, _FUNCTION_DEFS) and n.name == code.co_name]
    needed = _code_identifiers(code)
    candidates = [node for node in candidates if needed <= _identifiers(node)]
    if _distinct_count(candidates) > 1:  # e.g. `lambda: 1, lambda: 2` in 3.12
        constants = _code_constants(code)
        candidates = [node for node in candidates if constants <= _constants(node)]
    if not candidates or _distinct_count(candidates) > 1:
        return None  # no query or several different ones fit: let the decompiler decide
    return SourceNode(candidates[0], index.lines, code.co_filename)
