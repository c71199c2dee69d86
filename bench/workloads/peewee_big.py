"""The memory_1m and scaling lines for peewee, on bench/workloads/peewee_orm.py's database."""

from __future__ import annotations

from peewee import CharField, DateTimeField, IntegerField, Model, SmallIntegerField

from bench.config import MEMORY_TABLE, SCALED_TABLES
from bench.harness import Round, Tests, register_scaling, texts
from bench.workloads.peewee_orm import database


class Person(Model):
    name = CharField(max_length=255)
    age = IntegerField()
    city = CharField(max_length=255)

    class Meta:
        database = database
        table_name = MEMORY_TABLE


def _scaled(k: int, table: str) -> type:
    meta = type("Meta", (), {"database": database, "table_name": table})
    attrs = {"timestamp": DateTimeField(), "level": SmallIntegerField(), "text": CharField(max_length=255),
             "Meta": meta, "__module__": __name__}
    return type(f"JournalS{k}", (Model,), attrs)


SCALED = [_scaled(k, table) for k, table in enumerate(SCALED_TABLES, 1)]
tests = Tests()


def in_list(t: Round, k: int) -> None:
    ids, journal = t.plan.in_ids[k], SCALED[-1]
    with t:
        rows = list(journal.select().where(journal.id.in_(ids)))
    t.objects(rows)


def count_range(t: Round, k: int) -> None:
    journal, counts = SCALED[k], []
    with t:
        for low, high, level in t.plan.count_ranges[k]:
            query = journal.select().where((journal.id >= low) & (journal.id < high) & (journal.level == level))
            counts.append(query.count())
    t.counts(counts)


def get_by_text(t: Round, k: int) -> None:
    journal, wanted = SCALED[k], texts(t.plan.text_ids[k])
    with t:
        rows = [journal.get(journal.text == text) for text in wanted]
    t.objects(rows)


register_scaling(tests, in_list, count_range, get_by_text)


def memory_warm_up() -> None:
    list(Person.select().limit(1))


def read(streaming: bool) -> tuple[int, int]:
    query = Person.select()
    count = total = 0
    for person in query.iterator() if streaming else query:
        count += 1
        total += person.age
    return count, total


memory = {"MEM1": lambda batch_size: read(False), "MEM2": lambda batch_size: read(True)}
memory_notes = {"MEM1": "for p in Person.select()",
                "MEM2": "Person.select().iterator() (no row cache; the driver's default cursor, which "
                        "buffers the whole result on PostgreSQL and MySQL)"}
