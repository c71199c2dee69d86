"""The names the generated text may use: bound to the ORM for the query, to plain Python (over
the rows read with the raw driver) for the expected answer."""

from __future__ import annotations

import builtins
from datetime import date, timedelta
from typing import Any

from pony.orm import avg, between, count, desc, exists, group_concat, max, min, select, sum

from .predicates import STRINGS

# Windows of other queries (order_by + limit/offset), used with 'in' and as the loop source. The
# orders have no ties and no NULLs, so the window is the same set of rows on every backend.
ORDERS = {"id": lambda q: (q.id,), "id desc": lambda q: (-q.id,), "age": lambda q: (q.age, q.id),
          "age desc": lambda q: (-q.age, -q.id), "active": lambda q: (q.active, q.id)}
LIMITS, OFFSETS = [1, 2, 3, 5], [0, 1, 2, 4, 8]


def _window_order(Person: Any, key: str) -> tuple:
    return {"id": (Person.id,), "id desc": (desc(Person.id),), "age": (Person.age, Person.id),
            "age desc": (desc(Person.age), desc(Person.id)), "active": (Person.active, Person.id)}[key]


def orm_namespace(db: Any) -> dict:
    """Names for the query text: the entities and Pony functions."""
    Person = db.Person

    def window(key, limit, offset):
        return select(q for q in Person).order_by(*_window_order(Person, key)).limit(limit, offset=offset or None)

    def ages(limit, offset):
        return select(q.age for q in Person).order_by(1).limit(limit, offset=offset or None)

    def young_pairs(age):
        return select((q.id, q.age) for q in Person if q.age < age)

    return {"Person": Person, "Country": db.Country, "Pet": db.Pet, "date": date, "timedelta": timedelta,
            "count": count, "exists": exists, "between": between, "select": select, "avg": avg, "sum": sum,
            "min": min, "max": max, "group_concat": group_concat, "NEEDLES": list(STRINGS), "EMPTY": [],
            "window": window, "ages": ages, "young_pairs": young_pairs}


def _count(items: Any) -> int:
    return len(list(items))


def _exists(items: Any) -> bool:
    # a generator yielding a boolean counts only the rows where it is true (Pony's exists())
    return any(item is not False for item in items)


def _between(x: Any, a: Any, b: Any) -> bool:
    return a <= x <= b


def _present(items: Any) -> list:
    return [v for v in items if v is not None]


def _avg(items: Any) -> Any:
    values = _present(items)
    return builtins.sum(values) / len(values) if values else None


def python_namespace(model: dict) -> dict:
    """The same names over the plain rows of ``model``, with Pony's meaning in Python."""
    people = model["Person"]

    def window(key, limit, offset):
        return sorted(people, key=ORDERS[key])[offset:offset + limit]

    def ages(limit, offset):
        return sorted({q.age for q in people})[offset:offset + limit]

    def young_pairs(age):
        return [(q.id, q.age) for q in people if q.age < age]

    return {**model, "date": date, "timedelta": timedelta, "count": _count, "exists": _exists, "between": _between,
            "len": len, "select": list, "avg": _avg, "sum": lambda items: builtins.sum(_present(items)),
            "min": lambda items: builtins.min(_present(items), default=None),
            "max": lambda items: builtins.max(_present(items), default=None),
            "NEEDLES": STRINGS, "EMPTY": [], "window": window, "ages": ages, "young_pairs": young_pairs}
