"""SQL text laid out for reading: each clause of the outer statement on a line of its own.

Only for printing (the examples and ``make demo``): the text sent to the database is unchanged.
A line break goes before FROM, the joins, WHERE, GROUP BY, HAVING, ORDER BY, LIMIT and the set
operators of the outer statement; subqueries (inside parentheses) and quoted text stay as they are.
A line still longer than ``width`` gets its subqueries laid out the same way, indented, on lines
of their own; a long WHERE or HAVING line without subqueries is broken before its outer ANDs.
"""

from __future__ import annotations

import re

# Longest first, so that "LEFT JOIN" is found before "JOIN".
CLAUSES = ("LEFT OUTER JOIN", "LEFT JOIN", "INNER JOIN", "CROSS JOIN", "JOIN", "FROM", "WHERE", "GROUP BY",
           "HAVING", "ORDER BY", "LIMIT", "UNION ALL", "UNION", "INTERSECT", "EXCEPT")
_QUOTES = "'\"`"


def _outer_positions(sql: str, words: tuple[str, ...]) -> list[tuple[int, str]]:
    """Where each of ``words`` starts after a space, outside parentheses and quotes."""
    found = []
    depth, quote, i = 0, "", 0
    while i < len(sql):
        char = sql[i]
        if quote:
            if char == quote:
                quote = ""
        elif char in _QUOTES:
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif depth == 0 and char == " ":
            word = next((w for w in words if re.match(re.escape(w) + r"\b", sql[i + 1:])), None)
            if word is not None:
                found.append((i, word))
                i += len(word)
        i += 1
    return found


def _split_at(text: str, positions: list[int], indent: str) -> list[str]:
    lines, start = [], 0
    for position in positions:
        lines.append(text[start:position])
        start = position + 1
    lines.append(text[start:])
    return [lines[0]] + [indent + line for line in lines[1:]]


def _subqueries(line: str) -> list[tuple[int, int]]:
    """(open, close) of each outermost ``(SELECT ...)`` of ``line``, outside quotes."""
    found: list[tuple[int, int]] = []
    opened: list[int] = []
    quote = ""
    for i, char in enumerate(line):
        if quote:
            if char == quote:
                quote = ""
        elif char in _QUOTES:
            quote = char
        elif char == "(":
            opened.append(i)
        elif char == ")" and opened:
            start = opened.pop()
            if line.startswith("SELECT ", start + 1):
                found = [(o, c) for o, c in found if o < start] + [(start, i)]  # drop the ones inside
    return found


def _open_subqueries(line: str, width: int) -> list[str]:
    """A line with its subqueries laid out on lines of their own, indented, between their parentheses."""
    lines, current, start = [], "", 0
    for opened, closed in _subqueries(line):
        current += line[start:opened + 1]
        lines.append(current)
        lines += ["    " + inner for inner in _layout(line[opened + 1:closed], width - 4)]
        current, start = "", closed
    current += line[start:]
    return lines + [current]


def _outer_commas(line: str) -> list[int]:
    found = []
    depth, quote = 0, ""
    for i, char in enumerate(line):
        if quote:
            if char == quote:
                quote = ""
        elif char in _QUOTES:
            quote = char
        elif char in "()":
            depth += 1 if char == "(" else -1
        elif char == "," and depth == 0:
            found.append(i)
    return found


def _wrap_list(line: str, width: int) -> list[str]:
    """A long column list cut after its outer commas, as many items a line as fit."""
    items, start = [], 0
    for comma in _outer_commas(line):
        items.append(line[start:comma + 1].strip())
        start = comma + 1
    items.append(line[start:].strip())
    lines = [items[0]]
    for item in items[1:]:
        if len(lines[-1]) + 1 + len(item) > width:
            lines.append("    " + item)
        else:
            lines[-1] += " " + item
    return lines


def _layout(sql: str, width: int) -> list[str]:
    lines = []
    for line in _split_at(sql, [p for p, _ in _outer_positions(sql, CLAUSES)], ""):
        if len(line) > width and _subqueries(line):
            lines += _open_subqueries(line, width)
        elif len(line) > width and line.startswith(("WHERE ", "HAVING ")):
            lines += _split_at(line, [p for p, _ in _outer_positions(line, ("AND",))], "  ")
        elif len(line) > width and line.startswith(("SELECT ", "GROUP BY ", "ORDER BY ")):
            lines += _wrap_list(line, width)
        else:
            lines.append(line)
    return lines


def format_sql(sql: str, width: int = 100) -> str:
    """``sql`` (one line) with each outer clause on its own line, long subqueries opened up."""
    if "\n" in sql:
        return sql  # already laid out by someone else
    return "\n".join(_layout(sql, width))
