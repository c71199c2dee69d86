"""``$name`` / ``$(expr)`` parameters in raw SQL text (layer L1).

The text is split once into literal pieces and Python expression sources; the expressions are
evaluated in the caller's frame (or explicit dicts) and always sent as bound parameters, so
nothing from the caller ever becomes SQL text.

Forms: ``$name``, ``$obj.attr``, ``$items[0]``, ``$func(x)`` (chains of these), ``$(any
expression)``, and ``$$`` for a literal ``$``. A ``;`` that ends the expression is dropped, inside
``$( ... ;)`` or right after it (``select $x;``), as Pony does.
"""

from __future__ import annotations

import functools
import re
from types import CodeType

from .. import errors

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_TRAILING_SEMICOLON = re.compile(r"\s*;")
_CLOSING = {"(": ")", "[": "]", "{": "}"}

Part = str | tuple[str, CodeType]


def _skip_string(text: str, pos: int) -> int:
    """Index just after the Python string literal that starts with the quote at ``text[pos]``."""
    quote = text[pos]
    i = pos + 1
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == quote:
            return i + 1
        i += 1
    return len(text)


def _scan_brackets(text: str, pos: int) -> int:
    """Index just after the bracket group starting at ``text[pos]``, skipping string literals."""
    stack = [_CLOSING[text[pos]]]
    i = pos + 1
    while i < len(text):
        ch = text[i]
        if ch in "'\"":
            i = _skip_string(text, i)
            continue
        if ch in _CLOSING:
            stack.append(_CLOSING[ch])
        elif ch in ")]}":
            if ch != stack[-1]:
                break
            stack.pop()
            if not stack:
                return i + 1
        i += 1
    start = text.rfind("$", 0, pos)
    raise errors.TranslationError(
        f"Unbalanced brackets in raw SQL parameter {text[start:i + 1]!r}")


def _name_chain_end(text: str, pos: int) -> int:
    """End of ``name(.attr | [index] | (args))*`` starting at ``pos`` (a name is known to be there)."""
    end = _IDENT.match(text, pos).end()  # type: ignore[union-attr]
    while end < len(text):
        ch = text[end]
        if ch == "." and _IDENT.match(text, end + 1):
            end = _IDENT.match(text, end + 1).end()  # type: ignore[union-attr]
        elif ch in "[(":
            end = _scan_brackets(text, end)
        else:
            break
    return end


def _compile(source: str, shown: str) -> CodeType:
    try:
        return compile(source, f"<raw sql parameter {shown}>", "eval")
    except SyntaxError as exc:
        raise errors.TranslationError(
            f"Invalid Python expression in raw SQL parameter {shown}: {exc.msg}") from None


@functools.lru_cache(maxsize=1000)
def parse(text: str) -> tuple[Part, ...]:
    """Split ``text`` into str pieces and ``(expr_source, code)`` pairs, in order."""
    parts: list[Part] = []
    literal: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        j = text.find("$", i)
        if j < 0:
            literal.append(text[i:])
            break
        literal.append(text[i:j])
        nxt = text[j + 1] if j + 1 < n else ""
        if nxt == "$":
            literal.append("$")
            i = j + 2
            continue
        if nxt == "(":
            end = _scan_brackets(text, j + 1)
            source = text[j + 2:end - 1].strip()
            if source.endswith(";"):
                source = source[:-1].rstrip()
            shown = text[j:end]
        elif _IDENT.match(nxt):
            end = _name_chain_end(text, j + 1)
            source = text[j + 1:end]
            shown = "$" + source
        else:
            found = text[j:j + 10] or "$"
            raise errors.TranslationError(
                f"Invalid raw SQL parameter {found!r}: write $name, $(expression), "
                "or $$ for a literal dollar sign")
        if not source:
            raise errors.TranslationError(f"Empty raw SQL parameter {shown}")
        semicolon = _TRAILING_SEMICOLON.match(text, end)
        i = semicolon.end() if semicolon else end
        if literal:
            parts.append("".join(literal))
            literal = []
        parts.append((source, _compile(source, shown)))
    if literal:
        parts.append("".join(literal))
    return tuple(parts)


def evaluate(parts: tuple[Part, ...], globals: dict, locals: dict) -> list:
    """The values of the expression parts, in order; a failing expression raises ExprEvalError."""
    values = []
    for part in parts:
        if isinstance(part, str):
            continue
        source, code = part
        try:
            values.append(eval(code, globals, locals))
        except Exception as exc:
            raise errors.ExprEvalError(source, exc) from exc
    return values
