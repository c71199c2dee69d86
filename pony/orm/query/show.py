"""Debug printing (SPEC 16): ``show(x)``, ``Query.show()`` and ``QueryResult.show()``.

A result prints as a text table in Pony's layout: a header, a line of ``-`` joined by ``+`` and one
line per row, cells separated by ``|`` and padded to the column width. The table fits in ``width``
(default ``pony.options.CONSOLE_WIDTH``): at most ``width // 5`` columns are shown, and columns
wider than their fair share of the line are cut, their text ending in ``...``.
"""

from __future__ import annotations

import pprint
import sys
from collections.abc import Callable, Sequence
from typing import Any

from ... import options

Cells = Callable[[Any], list]


def show_value(x: Any) -> None:
    """Print ``x`` for a person at the console (``show()`` of anything but a query; see query/api.py).

    An entity class prints its ``describe()``; an instance prints ``instance of Cls`` and a one-row
    table; anything with a ``show()`` method is asked to show itself; other values are pretty-printed.
    """
    if isinstance(x, type) and hasattr(x, "_attrs_") and hasattr(x, "describe"):
        print(x.describe())
    elif hasattr(type(x), "_pk_attrs_") and hasattr(type(x), "_attrs_"):
        print(f"instance of {type(x).__name__}")
        names, cells = _entity_columns(type(x))
        show_table(names, [cells(x)], None, None)
    elif hasattr(x, "show") and callable(x.show):
        x.show()
    else:
        pprint.pprint(x)


def show_query(query: Any, width: int | None, stream: Any) -> None:
    show_items(query._fetch(query._limit, query._offset), query._translation, width, stream)


def show_result(result: Any, width: int | None, stream: Any) -> None:
    query = result._query
    show_items(result._get_items(), query._translation if query is not None else None, width, stream)


def show_items(items: Sequence, translation: Any, width: int | None, stream: Any) -> None:
    names, cells = _columns(items, translation)
    show_table(names, [cells(item) for item in items], width, stream)


def _entity_columns(entity: Any) -> tuple[list[str], Cells]:
    attrs = [a for a in entity._attrs_ if not a.is_collection and not a.lazy]
    return [a.name for a in attrs], lambda obj: [getattr(obj, a.name) for a in attrs]


def _columns(items: Sequence, translation: Any) -> tuple[list[str], Cells]:
    if translation is not None and translation.entity is not None:
        return _entity_columns(translation.entity)
    if translation is not None and not translation.single:
        names = [_result_name(r, i) for i, r in enumerate(translation.results)]
        return names, lambda row: list(row)
    if translation is not None:
        return [_result_name(translation.results[0], 0)], lambda value: [value]
    if items and hasattr(type(items[0]), "_attrs_"):
        return _entity_columns(type(items[0]))
    return ["value"], lambda value: [value]


def _result_name(result: Any, index: int) -> str:
    src = getattr(result.expr, "src", None)
    return src if src and src != "?" else f"column {index + 1}"


def column_widths(natural: list[int], width: int) -> list[int]:
    """Share ``width`` (less one separator between columns) among the columns.

    Columns narrower than the fair share keep their width; the space they leave is shared again
    among the others, and the columns still wider than the share are cut to it.
    """
    available = width - (len(natural) - 1)
    pending = list(range(len(natural)))
    while pending:
        share = available // len(pending)
        narrow = [i for i in pending if natural[i] < share]
        if not narrow:
            break
        available -= sum(natural[i] for i in narrow)
        pending = [i for i in pending if i not in narrow]
    result = list(natural)
    for i in pending:
        result[i] = min(natural[i], max(available // len(pending), 1))
    return result


def show_table(names: list[str], rows: list[list], width: int | None, stream: Any) -> None:
    stream = stream or sys.stdout
    width = width or options.CONSOLE_WIDTH
    max_columns = max(width // 5, 1)
    names = names[:max_columns]
    texts = [[_text(v) for v in row][:max_columns] for row in rows]
    natural = [max([len(n)] + [len(row[i]) for row in texts]) for i, n in enumerate(names)]
    widths = column_widths(natural, width)

    def line(cells: list[str]) -> str:
        return "|".join(_fit(c, w).ljust(w) for c, w in zip(cells, widths))

    print(line(names), file=stream)
    print("+".join("-" * w for w in widths), file=stream)
    for row in texts:
        print(line(row), file=stream)


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 3, 0)] + "..."


def _text(value: Any) -> str:
    return repr(value) if hasattr(type(value), "_pk_attrs_") else str(value)
