"""The memory_1m and scaling lines for `this` and `pony` (bench/workloads/pony_api.py's database).

Imported before ``pony_api.setup`` maps the entities, so the big tables get entities of their own.
"""
# ruff: noqa: F403, F405

from __future__ import annotations

from datetime import datetime
from typing import Any

from bench.config import MEMORY_TABLE, SCALED_TABLES
from bench.harness import NotApplicable, Round, Tests, register_scaling, texts
from bench.workloads.pony_api import db
from pony.orm import *
from pony.orm.core import Query


class Person(db.Entity):
    _table_ = MEMORY_TABLE
    id = PrimaryKey(int)
    name = Required(str)
    age = Required(int)
    city = Required(str)


def _scaled(k: int, table: str) -> Any:
    """An entity on ``journal_s{k}``: the columns of Journal."""
    attrs = {"__module__": __name__, "_table_": table, "timestamp": Required(datetime),
             "level": Required(int, size=16), "text": Required(str, 255)}
    return type(db.Entity)(f"JournalS{k}", (db.Entity,), attrs)


SCALED = [_scaled(k, table) for k, table in enumerate(SCALED_TABLES, 1)]
tests = Tests()


def in_list(t: Round, k: int) -> None:
    ids, journal = t.plan.in_ids[k], SCALED[-1]
    with t, db_session:
        rows = select(j for j in journal if j.id in ids)[:]
    t.objects(rows)


def count_range(t: Round, k: int) -> None:
    journal, counts = SCALED[k], []
    with t, db_session:
        for low, high, level in t.plan.count_ranges[k]:
            counts.append(count(j for j in journal if j.id >= low and j.id < high and j.level == level))
    t.counts(counts)


def get_by_text(t: Round, k: int) -> None:
    journal, wanted = SCALED[k], texts(t.plan.text_ids[k])
    with t, db_session:
        rows = [journal.get(text=text) for text in wanted]
    t.objects(rows)


register_scaling(tests, in_list, count_range, get_by_text)


def memory_warm_up() -> None:
    with db_session:
        Person.select().limit(1)[:]


def plain(batch_size: int) -> tuple[int, int]:
    count = total = 0
    with db_session:
        for person in Person.select():
            count += 1
            total += person.age
    return count, total


def stream(batch_size: int) -> tuple[int, int]:
    if not callable(getattr(Query, "stream", None)):
        raise NotApplicable("no Query.stream() (Pony 0.7 has none)")
    count = total = 0
    with db_session:
        for person in Person.select().stream(batch_size=batch_size):
            count += 1
            total += person.age
    return count, total


memory = {"MEM1": plain, "MEM2": stream}
memory_notes = {"MEM1": "for p in Person.select()", "MEM2": "Person.select().stream(batch_size)"}
