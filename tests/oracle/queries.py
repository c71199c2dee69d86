"""One oracle case: a query described once (``Spec``), run through the ORM as query text and
evaluated in Python over the rows read with the raw driver; both answers normalised the same way."""

from __future__ import annotations

import builtins
from collections import Counter
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from pony.orm import count, desc, left_join, select  # noqa: F401 - names the order_by() text uses

RELATED = {"p.country", "x.owner", "c"}  # to-one relations a generated query may yield alone


@dataclass(frozen=True)
class Item:
    """One item of the result: ``text`` as written; an aggregate names its function and argument."""

    text: str
    agg: str | None = None
    arg: str | None = None
    sep: str = ","


def agg(func: str, arg: str, sep: str = "|") -> Item:
    """An aggregate item: ``count(x)``, ``group_concat(x.name, sep="|")``..."""
    text = f"group_concat({arg}, sep={sep!r})" if func == "group_concat" else f"{func}({arg})"
    return Item(text, func, arg, sep)


@dataclass(frozen=True)
class Spec:
    """``select(<items> for <loops> if <where and having>)`` and what is done with the query after."""

    family: str
    items: tuple[Item, ...]
    loops: tuple[tuple[str, str], ...] = (("p", "Person"),)
    where: tuple[str, ...] = ()
    having: tuple[tuple[Item, str], ...] = ()  # (aggregate, " > 1"): a condition on the group
    left: bool = False  # left_join(...) instead of select(...)
    distinct: bool = True  # False: .without_distinct()
    auto_distinct: bool = True  # Pony adds DISTINCT (not over the window of another query)
    order: tuple[int, ...] = ()  # order_by(*positions)
    order_keys: tuple[tuple[str, bool], ...] = ()  # order_by("desc(p.age), p.id"): (key, descending)
    then_filter: str = ""  # .filter("...") after ordering (the order must survive it)
    window: tuple = ()  # ("limit", n, k) | ("slice", a, b) | ("page", n, size) | ("first",)
    whole: str | None = None  # .count() / .sum() / ... of the whole query
    extra: dict = field(default_factory=dict, compare=False)

    def text(self) -> str:
        items = ", ".join(i.text for i in self.items)
        head = f"({items})" if len(self.items) > 1 else items
        loops = " ".join(f"for {var} in {source}" for var, source in self.loops)
        conds = [*self.where, *(f"{a.text}{cond}" for a, cond in self.having)]
        return f"{head} {loops}" + (f" if {' and '.join(f'({c})' for c in conds)}" if conds else "")

    def describe(self) -> str:
        text = f"{'left_join' if self.left else 'select'}({self.text()})"
        if not self.distinct:
            text += ".without_distinct()"
        if self.order:
            text += f".order_by{self.order!r}"
        if self.order_keys:
            text += f".order_by({self.order_text()!r})"
        if self.then_filter:
            text += f".filter({self.then_filter!r})"
        if self.window:
            text += f" window {self.window!r}"
        if self.whole:
            text += f".{self.whole}()"
        return text

    def order_text(self) -> str:
        return ", ".join(f"desc({key})" if descending else key for key, descending in self.order_keys)

    @property
    def ordered(self) -> bool:
        return bool(self.order or self.order_keys)

    def with_(self, **changes: Any) -> Spec:
        return replace(self, **changes)


# --- through the ORM ----------------------------------------------------------------------------

def run_orm(spec: Spec, namespace: dict) -> Any:
    """The ORM's answer: a list of rows, one row (first()) or one value (an aggregate)."""
    query = (left_join if spec.left else select)(spec.text(), namespace)
    if not spec.distinct:
        query = query.without_distinct()
    if spec.order:
        query = query.order_by(*spec.order)
    if spec.order_keys:
        query = query.order_by(spec.order_text())
    if spec.then_filter:
        query = query.filter(spec.then_filter)
    if spec.whole:
        return getattr(query, spec.whole)()
    kind = spec.window[0] if spec.window else None
    if kind == "limit":
        return list(query.limit(spec.window[1], offset=spec.window[2]))
    if kind == "slice":
        return list(query[spec.window[1]:spec.window[2]])
    if kind == "page":
        return list(query.page(spec.window[1], spec.window[2]))
    if kind == "first":
        return query.first()
    return list(query[:])


# --- in Python ----------------------------------------------------------------------------------

def _compile(text: str, names: list, namespace: dict) -> Any:
    return eval(f"lambda {', '.join(names)}: ({text})", namespace)  # noqa: S307 - generated from a fixed grammar


class _Missing:
    """The row a left join did not find: every attribute of it is NULL."""

    def __getattr__(self, name: str) -> None:
        return None


MISSING = _Missing()


def _value(value: Any) -> Any:
    return None if value is MISSING else value


def environments(spec: Spec, namespace: dict) -> list[tuple]:
    """The loop variables' values for every row of the FROM clause (a left join keeps a row
    with None where the last loop finds nothing)."""
    names = [var for var, _ in spec.loops]
    envs: list[tuple] = [()]
    for depth, (_, source) in enumerate(spec.loops):
        get = _compile(source, names[:depth], namespace)
        grown = []
        for env in envs:
            values = list(get(*env))
            if not values and spec.left and depth == len(spec.loops) - 1:
                values = [MISSING]
            grown.extend(env + (v,) for v in values)
        envs = grown
    # an attribute through an optional relation joins it (select(), not left_join())
    joined = "p.country.name" in spec.text() and not spec.left
    return [env for env in envs if not (joined and env[names.index("p")].country is None)]


def _null_safe(func: Any) -> Any:
    """A result item is NULL where an operand is (``p.born + timedelta(...)`` of no date)."""
    def call(*env: Any) -> Any:
        try:
            return func(*env)
        except TypeError as exc:
            if "NoneType" in str(exc):
                return None
            raise
    return call


def aggregate(func: str, values: list, sep: str) -> Any:
    """Pony's aggregates: count of distinct non-NULL values, sum of none is 0, others None."""
    present = [v for v in values if v is not None]
    if func == "count":
        return len(set(present))
    if func == "sum":
        return builtins.sum(present) if present else 0
    if not present:
        return None
    if func == "avg":
        return builtins.sum(present) / len(present)
    if func == "group_concat":
        return sep.join(str(v) for v in present)
    return builtins.min(present) if func == "min" else builtins.max(present)


def python_rows(spec: Spec, namespace: dict) -> list[tuple]:
    """The rows of the query before DISTINCT, ordering and windows, as tuples."""
    names = [var for var, _ in spec.loops]
    conds = [_compile(c, names, namespace) for c in spec.where]
    envs = [env for env in environments(spec, namespace) if all(c(*env) for c in conds)]
    items = [_null_safe(_compile(i.arg if i.agg else i.text, names, namespace)) for i in spec.items]
    if not any(i.agg for i in spec.items) and not spec.having:
        rows = [tuple(_value(f(*env)) for f in items) for env in envs]
        if len(spec.items) == 1 and spec.items[0].text in RELATED:  # Pony reads it through a join
            rows = [row for row in rows if row[0] is not None]
        return rows
    keys = [f for f, i in zip(items, spec.items) if not i.agg]
    groups: dict = {}
    for env in envs:
        groups.setdefault(tuple(_value(f(*env)) for f in keys), []).append(env)
    if not keys and not groups:
        groups[()] = []  # aggregates without grouping give one row, of an empty set too
    rows = []
    for key, members in groups.items():
        if not all(_holds(a, cond, members, names, namespace) for a, cond in spec.having):
            continue
        values, it = [], iter(key)
        for f, i in zip(items, spec.items):
            values.append(aggregate(i.agg, [_value(f(*env)) for env in members], i.sep) if i.agg else next(it))
        rows.append(tuple(values))
    return rows


def _holds(item: Item, cond: str, members: list, names: list, namespace: dict) -> bool:
    get = _compile(item.arg, names, namespace)
    value = aggregate(item.agg, [_value(get(*env)) for env in members], item.sep)
    return value is not None and eval(f"value {cond}", {"value": value})  # noqa: S307


def run_python(spec: Spec, namespace: dict) -> Any:
    """The expected answer, shaped like ``run_orm``'s."""
    rows = python_rows(spec, namespace)
    if spec.whole and spec.whole != "count":  # as in Pony, sum() & co. look at every row, DISTINCT or not
        return aggregate(spec.whole, [r[0] for r in rows], ",")
    if spec.distinct and spec.auto_distinct:
        rows = list(dict.fromkeys(rows))
    single = len(spec.items) == 1
    if spec.whole:  # count(): the distinct values that are not NULL
        return aggregate("count", [r[0] for r in rows], ",")
    for pos in reversed(spec.order):  # stable sorts, the last key first
        index = abs(pos) - 1
        rows.sort(key=lambda r: sort_key(r[index]), reverse=pos < 0)  # noqa: B023 - used at once
    for key, descending in reversed(spec.order_keys):  # keys of the objects a query of "p" yields
        get = _compile(key, ["p"], namespace)
        rows.sort(key=lambda r: get(r[0]), reverse=descending)  # noqa: B023 - used at once
    if spec.then_filter:
        test = _compile(spec.then_filter, ["p"], namespace)
        rows = [r for r in rows if test(r[0])]
    kind = spec.window[0] if spec.window else None
    if kind == "limit":
        rows = rows[spec.window[2]:spec.window[2] + spec.window[1]]
    elif kind == "slice":
        rows = rows[spec.window[1]:spec.window[2]]
    elif kind == "page":
        rows = rows[(spec.window[1] - 1) * spec.window[2]:spec.window[1] * spec.window[2]]
    values = [r[0] for r in rows] if single else rows
    if kind == "first":
        return values[0] if values else None
    return values


def sort_key(value: Any) -> Any:
    """How Python orders a result item: an object by its primary key."""
    return value.id if hasattr(value, "_entity") else value


# --- comparing ----------------------------------------------------------------------------------

def plain(value: Any, item: Item | None = None) -> Any:
    """A value both sides can be compared by: objects by entity and key, numbers rounded."""
    if isinstance(value, tuple):
        return tuple(plain(v) for v in value)
    if hasattr(value, "_pk_"):
        return ("object", type(value)._root_.__name__, value._pk_)
    if hasattr(value, "_entity"):
        return ("object", value._entity, value.id)
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, float):  # MariaDB's avg() of integers keeps 4 decimals
        value = round(value, 3)
        return int(value) if value.is_integer() else value
    if isinstance(value, str) and item is not None and item.agg == "group_concat":
        return ("concat", tuple(sorted(value.split(item.sep))))
    return value


def plain_row(spec: Spec, row: Any) -> Any:
    """A row of the result, plain (see ``plain``)."""
    if len(spec.items) == 1:
        return plain(row, spec.items[0])
    return tuple(plain(v, i) for v, i in zip(row, spec.items))


def compare(spec: Spec, got: Any, expected: Any) -> str | None:
    """None when the answers agree, else what differs."""
    if spec.whole or spec.window[:1] == ("first",):
        item = spec.items[0] if not spec.whole or spec.whole == "group_concat" else None
        if plain(got, item) == plain(expected, item):
            return None
        return f"{spec.describe()}: got {got!r}, expected {expected!r}"
    got_rows = [plain_row(spec, r) for r in got]
    expected_rows = [plain_row(spec, r) for r in expected]
    if spec.ordered:
        if got_rows == expected_rows:
            return None
        return f"{spec.describe()}: got {got_rows!r}, expected {expected_rows!r}"
    got_c, expected_c = Counter(map(repr, got_rows)), Counter(map(repr, expected_rows))
    if got_c == expected_c:
        return None
    return (f"{spec.describe()}: missing {sorted((expected_c - got_c).elements())}, "
            f"unexpected {sorted((got_c - expected_c).elements())}")
