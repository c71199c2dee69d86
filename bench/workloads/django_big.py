"""The memory_1m and scaling lines for Django; its models (bench/workloads/django_models.py) exist
once ``django_orm.setup`` has configured Django, so they are looked up when a line runs."""

from __future__ import annotations

from typing import Any

from bench.harness import Round, Tests, register_scaling, texts

tests = Tests()


def models() -> Any:
    from bench.workloads import django_models

    return django_models


def in_list(t: Round, k: int) -> None:
    ids, journal = t.plan.in_ids[k], models().JOURNAL_SCALED[-1]
    with t:
        rows = list(journal.objects.filter(id__in=ids))
    t.objects(rows)


def count_range(t: Round, k: int) -> None:
    journal, counts = models().JOURNAL_SCALED[k], []
    with t:
        for low, high, level in t.plan.count_ranges[k]:
            counts.append(journal.objects.filter(id__gte=low, id__lt=high, level=level).count())
    t.counts(counts)


def get_by_text(t: Round, k: int) -> None:
    journal, wanted = models().JOURNAL_SCALED[k], texts(t.plan.text_ids[k])
    with t:
        rows = [journal.objects.get(text=text) for text in wanted]
    t.objects(rows)


register_scaling(tests, in_list, count_range, get_by_text)


def memory_warm_up() -> None:
    list(models().Person.objects.all()[:1])


def read(batch_size: int | None) -> tuple[int, int]:
    people = models().Person.objects.all()
    count = total = 0
    for person in people.iterator(chunk_size=batch_size) if batch_size else people:
        count += 1
        total += person.age
    return count, total


memory = {"MEM1": lambda batch_size: read(None), "MEM2": read}
memory_notes = {"MEM1": "for p in Person.objects.all()",
                "MEM2": "Person.objects.all().iterator(chunk_size=batch_size) (a server-side cursor on "
                        "PostgreSQL; MySQL's driver buffers the whole result)"}
