"""Test M (cold_translate): 20 distinct query shapes, each called once in a fresh process.

Every workload implements each shape under the same name; this module holds what each shape
must return (computed from the seeded data) and how a result is normalised before comparing.
Results are kept small so that the measurement is dominated by building the query, not by rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bench.data import BASE, seeded_rows


@dataclass(frozen=True)
class Shape:
    name: str
    kind: str  # ids | ids_ordered | scalar | values | tuples
    oracle: Callable[[list[tuple], int], Any]  # (seeded rows, row count) -> normalised result


def _ids(rows, pred):
    return sorted(r[0] for r in rows if pred(r))


SHAPES: tuple[Shape, ...] = (
    Shape("level_and_id", "ids", lambda rows, n: _ids(rows, lambda r: r[2] == 20 and r[0] <= 50)),
    Shape("id_greater", "ids", lambda rows, n: _ids(rows, lambda r: r[0] > n - 10)),
    Shape("id_between", "ids", lambda rows, n: _ids(rows, lambda r: 100 <= r[0] <= 120)),
    Shape("text_equals", "ids", lambda rows, n: _ids(rows, lambda r: r[3] == "Journal row 77")),
    Shape("text_startswith", "ids",
          lambda rows, n: _ids(rows, lambda r: r[3].startswith("Journal row 12") and r[2] == 30)),
    Shape("id_in_list", "ids", lambda rows, n: _ids(rows, lambda r: r[0] in (3, 14, 15, 92, 65))),
    Shape("order_desc_limit", "ids_ordered",
          lambda rows, n: [r[0] for r in sorted(rows, key=lambda r: r[1], reverse=True)[:5]]),
    Shape("count_where", "scalar", lambda rows, n: sum(1 for r in rows if r[2] == 40)),
    Shape("max_id_level", "scalar", lambda rows, n: max(r[0] for r in rows if r[2] == 30)),
    Shape("one_column", "values", lambda rows, n: sorted(r[3] for r in rows if r[0] == 42)),
    Shape("exists_level", "scalar", lambda rows, n: any(r[2] == 60 for r in rows)),
    Shape("not_equal_and", "ids", lambda rows, n: _ids(rows, lambda r: r[2] != 10 and r[0] < 12)),
    Shape("or_levels", "ids", lambda rows, n: _ids(rows, lambda r: r[2] in (10, 50) and r[0] < 20)),
    Shape("timestamp_after", "ids",
          lambda rows, n: _ids(rows, lambda r: r[1] > BASE + timedelta(seconds=n - 5))),
    Shape("distinct_levels", "values", lambda rows, n: sorted({r[2] for r in rows})),
    Shape("group_count", "tuples",
          lambda rows, n: sorted((lv, sum(1 for r in rows if r[2] == lv)) for lv in {r[2] for r in rows})),
    Shape("order_two_keys_page", "ids_ordered",
          lambda rows, n: [r[0] for r in sorted(rows, key=lambda r: (r[2], -r[0]))[2:5]]),
    Shape("sum_level", "scalar", lambda rows, n: sum(r[2] for r in rows if r[0] <= 100)),
    Shape("text_contains", "ids", lambda rows, n: _ids(rows, lambda r: "row 99" in r[3])),
    Shape("two_columns", "tuples", lambda rows, n: sorted((r[0], r[2]) for r in rows if r[0] < 5)),
)
SHAPE_NAMES = tuple(s.name for s in SHAPES)


def expected(n: int) -> dict[str, Any]:
    rows = seeded_rows(n)
    return {s.name: s.oracle(rows, n) for s in SHAPES}


def normalise(kind: str, result: Any, object_id: Callable[[Any], int]) -> Any:
    """Turn a contestant's raw result into the oracle's form (JSON-friendly)."""
    if kind == "ids":
        return sorted(object_id(o) for o in result)
    if kind == "ids_ordered":
        return [object_id(o) for o in result]
    if kind == "scalar":
        return int(result) if not isinstance(result, bool) else result
    if kind == "values":
        return sorted(result)
    if kind == "tuples":
        return sorted([list(map(int, t)) for t in result])
    raise ValueError(kind)


def comparable(kind: str, value: Any) -> Any:
    """The oracle's value in the same JSON-friendly form as ``normalise``."""
    if kind == "tuples":
        return sorted([list(t) for t in value])
    return value
