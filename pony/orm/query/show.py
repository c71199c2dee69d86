"""``Query.show()`` / ``QueryResult.show()``: print a result as a text table (SPEC 16)."""

from __future__ import annotations

import sys
from typing import Any


def show_query(query: Any, width: int | None, stream: Any) -> None:
    show_items(query._fetch(query._limit, query._offset), query._translation, width, stream)


def show_result(result: Any, width: int | None, stream: Any) -> None:
    query = result._query
    show_items(result._get_items(), query._translation if query is not None else None, width, stream)


def _columns(items: list, translation: Any) -> tuple[list, Any]:
    if translation is not None and translation.entity is not None:
        entity = translation.entity
        attrs = [a for a in entity._attrs_ if not a.is_collection and not a.lazy]
        return [a.name for a in attrs], lambda obj: [getattr(obj, a.name) for a in attrs]
    if translation is not None and not translation.single:
        names = [_result_name(r, i) for i, r in enumerate(translation.results)]
        return names, lambda row: list(row)
    if translation is not None:
        return [_result_name(translation.results[0], 0)], lambda value: [value]
    if items and hasattr(items[0], "_attrs_"):
        attrs = [a for a in type(items[0])._attrs_ if not a.is_collection and not a.lazy]
        return [a.name for a in attrs], lambda obj: [getattr(obj, a.name) for a in attrs]
    return ["value"], lambda value: [value]


def _result_name(result: Any, index: int) -> str:
    src = getattr(result.expr, "src", None)
    return src if src and src != "?" else f"column {index + 1}"


def show_items(items: list, translation: Any, width: int | None, stream: Any) -> None:
    from ... import options

    stream = stream or sys.stdout
    width = width or options.CONSOLE_WIDTH
    names, cells = _columns(items, translation)
    max_columns = max(width // 5, 1)
    names = names[:max_columns]
    rows = [[_text(v) for v in cells(item)][:max_columns] for item in items]
    widths = [len(n) for n in names]
    for row in rows:
        widths = [max(w, len(c)) for w, c in zip(widths, row)]
    total = sum(widths) + 3 * (len(widths) - 1)
    while total > width and max(widths) > 4:
        i = widths.index(max(widths))
        widths[i] -= 1
        total -= 1

    def fit(text: str, w: int) -> str:
        return text if len(text) <= w else text[: max(w - 3, 1)] + "..."

    print(" | ".join(fit(n, w).ljust(w) for n, w in zip(names, widths)).rstrip(), file=stream)
    print("-+-".join("-" * w for w in widths), file=stream)
    for row in rows:
        print(" | ".join(fit(c, w).ljust(w) for c, w in zip(row, widths)).rstrip(), file=stream)


def _text(value: Any) -> str:
    return repr(value) if hasattr(value, "_pk_attrs_") else str(value)
