"""``$name`` / ``$(expr)`` parameters in raw SQL text (layer L1).

The text is split once into literal pieces and Python expression sources; the expressions are
evaluated in the caller's frame (or explicit dicts) and always sent as bound parameters.
"""

from __future__ import annotations

import functools
import re
import sys
from types import FrameType
from typing import Any

from .. import errors

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _scan_brackets(text: str, pos: int) -> int:
    """Index just after the bracket group starting at ``text[pos]``, skipping string literals."""
    closing = {"(": ")", "[": "]", "{": "}"}
    stack = [closing[text[pos]]]
    i = pos + 1
    while i < len(text):
        ch = text[i]
        if ch in "'\"":
            end = text.find(ch, i + 1)
            if end < 0:
                break
            i = end + 1
            continue
        if ch in closing:
            stack.append(closing[ch])
        elif ch == stack[-1]:
            stack.pop()
            if not stack:
                return i + 1
        i += 1
    raise errors.TranslationError(f"Unclosed bracket in raw SQL parameter: {text[pos:]!r}")


@functools.lru_cache(maxsize=1000)
def parse(text: str) -> tuple:
    """Split ``text`` into a tuple of str pieces and ``(expr_source,)`` one-tuples."""
    parts: list = []
    literal: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        j = text.find("$", i)
        if j < 0:
            literal.append(text[i:])
            break
        literal.append(text[i:j])
        if j + 1 < n and text[j + 1] == "$":
            literal.append("$")
            i = j + 2
            continue
        if j + 1 < n and text[j + 1] == "(":
            end = _scan_brackets(text, j + 1)
            source = text[j + 2:end - 1].strip()
            if source.endswith(";"):
                source = source[:-1].rstrip()
            i = end
        else:
            match = _IDENT.match(text, j + 1)
            if match is None:
                raise errors.TranslationError(
                    f"Invalid parameter in raw SQL after '$' at position {j}: {text[j:j + 20]!r}. "
                    "Write $name, $(expression), or $$ for a literal dollar sign")
            end = match.end()
            # $obj.attr, $items[0] and $func(x) chains belong to the expression
            while end < n:
                if text[end] == "." and _IDENT.match(text, end + 1):
                    end = _IDENT.match(text, end + 1).end()  # type: ignore[union-attr]
                elif text[end] in "[(":
                    end = _scan_brackets(text, end)
                else:
                    break
            source = text[j + 1:end]
            i = end
        if literal:
            parts.append("".join(literal))
            literal = []
        try:
            code = compile(source, "<raw sql parameter>", "eval")
        except SyntaxError as exc:
            raise errors.TranslationError(f"Invalid Python expression in raw SQL parameter ${source}: {exc.msg}")
        parts.append((source, code))
    if literal:
        parts.append("".join(literal))
    return tuple(parts)


def caller_namespaces(frame_depth: int, globals: dict | None, locals: dict | None) -> tuple[dict, dict]:
    """The globals and locals to evaluate parameters in: explicit dicts or the caller's frame."""
    if globals is not None:
        return globals, (locals if locals is not None else {})
    frame: FrameType = sys._getframe(frame_depth + 1)
    return frame.f_globals, (locals if locals is not None else frame.f_locals)


def evaluate(parts: tuple, globals: dict, locals: dict) -> tuple[tuple, tuple]:
    """Evaluate the expression parts; returns (parts with expressions as indexes, values)."""
    values: list = []
    items: list = []
    for part in parts:
        if isinstance(part, str):
            items.append(part)
            continue
        source, code = part
        try:
            value = eval(code, globals, locals)
        except Exception as exc:
            raise errors.ExprEvalError(source, exc) from exc
        items.append(len(values))
        values.append(value)
    return tuple(items), tuple(values)
