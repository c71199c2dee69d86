"""What a workload test function receives, and how workloads register their tests.

A test is a function ``test(t)``. It wraps the measured code in ``with t:`` (any number of times;
the durations add up; ``gc.collect()`` runs before each block) and hands its results to ``t``
*outside* the measured blocks, where they are counted and checksummed::

    @tests("D")
    def filter_large(t):
        for _ in range(t.plan.repetitions):
            with t, db_session:
                rows = select(j for j in Journal if j.level == 10)[:]
            t.objects(rows)
"""

from __future__ import annotations

import functools
import gc
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from bench.config import Plan
from bench.data import row_checksum


class NotApplicable(Exception):
    """The contestant has no way to run this test (e.g. no bulk-insert API): reported as N/A."""


class Round:
    def __init__(self, plan: Plan, sql_count: Callable[[], int] | None = None) -> None:
        self.plan = plan
        self.ns = 0
        self.rows = 0
        self.checksum = 0
        self.note = ""  # shown under the Markdown table, e.g. which bulk API was found
        self._start = 0
        # Where the library counts its SQL for free (Pony's db.local_stats), checking results
        # must not run any: that would be lazy loading done outside the measured block.
        self._sql_count = sql_count
        self._sql_after_block = 0

    def __enter__(self) -> Round:
        gc.collect()
        self._start = time.perf_counter_ns()
        return self

    def __exit__(self, *exc: object) -> None:
        self.ns += time.perf_counter_ns() - self._start
        if self._sql_count is not None:
            self._sql_after_block = self._sql_count()

    def _no_sql_since_block(self) -> None:
        if self._sql_count is not None and self._sql_count() != self._sql_after_block:
            raise AssertionError("reading the results ran SQL outside the measured block (lazy loading)")

    # Result checks: called outside the measured blocks.
    def objects(self, objects: Iterable[Any]) -> None:
        """Entities (or anything) with ``id, timestamp, level, text`` attributes."""
        for o in objects:
            self._add(o.id, o.timestamp, o.level, o.text)
        self._no_sql_since_block()

    def dicts(self, dicts: Iterable[Mapping[str, Any]]) -> None:
        for d in dicts:
            self._add(d["id"], d["timestamp"], d["level"], d["text"])
        self._no_sql_since_block()

    def tuples(self, tuples: Iterable[Sequence[Any]]) -> None:
        """Rows ordered ``(id, timestamp, level, text)``."""
        for row in tuples:
            self._add(*row)
        self._no_sql_since_block()

    def pairs(self, children: Iterable[Any], parent: Callable[[Any], Any]) -> None:
        """Test R: one row per child, checksummed together with its parent."""
        for child in children:
            p = parent(child)
            self.rows += 1
            self.checksum += row_checksum(child.id, child.timestamp, child.level, child.text)
            self.checksum += row_checksum(p.id, p.timestamp, p.level, p.text)
        self._no_sql_since_block()

    def pair_tuples(self, rows: Iterable[Sequence[Any]]) -> None:
        """Test R for raw SQL: the child's four columns followed by the parent's."""
        for row in rows:
            self.rows += 1
            self.checksum += row_checksum(*row[:4]) + row_checksum(*row[4:8])

    def counts(self, counts: Iterable[int]) -> None:
        for n in counts:
            self.rows += 1
            self.checksum += n

    def touched(self, n: int) -> None:
        """Write tests: rows created, updated or deleted (the table itself is checked afterwards)."""
        self.rows += n

    def _add(self, id: int, timestamp: Any, level: int, text: str) -> None:
        self.rows += 1
        self.checksum += row_checksum(id, timestamp, level, text)


TestFunc = Callable[[Round], None]


class Tests(dict[str, TestFunc]):
    """A workload's tests by id; used as a decorator: ``@tests("D")``."""

    def __call__(self, test_id: str) -> Callable[[TestFunc], TestFunc]:
        def register(func: TestFunc) -> TestFunc:
            self[test_id] = func
            return func

        return register


ScalingFunc = Callable[[Round, int], None]


def register_scaling(tests: Tests, in_list: ScalingFunc, count_range: ScalingFunc,
                     get_by_text: ScalingFunc) -> None:
    """IN1-IN3, CNT1-CNT3 and GET1-GET3 from three functions ``f(t, k)``, k = 0, 1, 2 the size.

    IN reads ``t.plan.in_ids[k]`` from journal_s3; CNT and GET work on table ``journal_s{k + 1}``
    with ``t.plan.count_ranges[k]`` and ``t.plan.text_ids[k]``.
    """
    for k in range(3):
        tests[f"IN{k + 1}"] = functools.partial(in_list, k=k)
        tests[f"CNT{k + 1}"] = functools.partial(count_range, k=k)
        tests[f"GET{k + 1}"] = functools.partial(get_by_text, k=k)


def texts(ids: Iterable[int]) -> list[str]:
    """The ``text`` column of the seeded rows ``ids`` (what GET looks up)."""
    return [f"Journal row {i}" for i in ids]


class Shapes(dict[str, Callable[[int], Any]]):
    """Test M's query shapes by name; used as a plain decorator: ``@cold``. Each takes the row count."""

    def __call__(self, func: Callable[[int], Any]) -> Callable[[int], Any]:
        self[func.__name__] = func
        return func
