"""The seeded data, the rows the write tests create, and the expected counts and checksums.

Row ``id`` (1-based) is ``timestamp = BASE + id seconds, level = LEVELS[id % 5],
text = "Journal row {id}"``. In ``journal_rel`` (test R) every row with level 10 is a child of
the row just before it (``parent_id = id - 1``), so each child has its own parent.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from datetime import datetime, timedelta

from bench.config import LEVELS, Plan

BASE = datetime(2024, 1, 1)
CHILD_LEVEL = 10  # D, G, H, I, J, K, R and X all work on the rows of this level
NEW_LEVEL = 11  # I and J set it
UPDATED_TEXT = "Updated row"  # I sets it


def seeded_row(i: int) -> tuple[int, datetime, int, str]:
    return i, BASE + timedelta(seconds=i), LEVELS[i % len(LEVELS)], f"Journal row {i}"


def seeded_rows(n: int) -> list[tuple[int, datetime, int, str]]:
    return [seeded_row(i) for i in range(1, n + 1)]


def parent_id(i: int) -> int | None:
    return i - 1 if LEVELS[i % len(LEVELS)] == CHILD_LEVEL and i > 1 else None


def new_rows(plan: Plan, count: int) -> list[tuple[datetime, int, str]]:
    """Values (timestamp, level, text) of the rows that insert tests create."""
    first = plan.rows + 1
    return [(BASE + timedelta(seconds=first + i), LEVELS[i % len(LEVELS)], f"Inserted row {i}")
            for i in range(count)]


UPSERTED_TEXT = "Upserted row"  # U sets it


def upsert_rows(plan: Plan) -> list[tuple[int, datetime, int, str]]:
    """U: (id, timestamp, level, text) rows; the first half have the last seeded ids (their rows are
    updated), the second half new ids (inserted)."""
    count = plan.sizes.upsert_bulk
    first = plan.rows - count // 2 + 1
    return [(i, BASE + timedelta(seconds=i), NEW_LEVEL, f"{UPSERTED_TEXT} {i}") for i in range(first, first + count)]


def row_checksum(id: int, timestamp: datetime, level: int, text: str) -> int:
    """Depends on all four columns, so a contestant that skips or mangles one fails."""
    seconds = (timestamp - BASE) // timedelta(seconds=1)
    return id * 1_000_003 + level * 10_007 + seconds * 101 + zlib.crc32(text.encode())


def checksum_rows(rows: Iterable[tuple[int, datetime, int, str]]) -> tuple[int, int]:
    count = total = 0
    for row in rows:
        count += 1
        total += row_checksum(*row)
    return count, total


def _level_ids(plan: Plan, level: int) -> list[int]:
    return [i for i in range(1, plan.rows + 1) if LEVELS[i % len(LEVELS)] == level]


def expected_read(test: str, plan: Plan) -> tuple[int, int]:
    """(rows, checksum) that one round of read test ``test`` must report."""
    rows = seeded_rows(plan.rows)
    by_id = {r[0]: r for r in rows}
    children = [by_id[i] for i in _level_ids(plan, CHILD_LEVEL)]
    if test in ("D", "G", "H", "X"):
        count, total = checksum_rows(children)
        return count * plan.repetitions, total * plan.repetitions
    if test == "D2":
        return checksum_rows(rows)
    if test == "E":
        ids = {level: _level_ids(plan, level) for level in LEVELS}
        page = plan.sizes.page_size
        return checksum_rows(by_id[i] for level, offset in plan.pages
                             for i in ids[level][offset:offset + page])
    if test in ("F", "F2"):
        return checksum_rows(by_id[i] for i in plan.get_ids)
    if test == "L":
        per_level = len(children)
        return len(plan.count_levels), per_level * len(plan.count_levels)
    if test == "R":
        count, total = checksum_rows(children)
        _, parents = checksum_rows(by_id[parent_id(c[0])] for c in children)
        return count, total + parents
    raise KeyError(test)


def table_state(rows: Iterable[tuple[int, int, str]]) -> tuple[int, int, int]:
    """(count, sum of level, sum of text length): what the admin reads back after a write test."""
    count = levels = lengths = 0
    for _, level, text in rows:
        count += 1
        levels += level
        lengths += len(text)
    return count, levels, lengths


def expected_write(test: str, plan: Plan) -> tuple[int, int, int]:
    """The table state after one round of write test ``test`` on a freshly seeded table."""
    rows = [(i, level, text) for i, _, level, text in seeded_rows(plan.rows)]
    sizes = plan.sizes
    added = {"A": sizes.insert_single, "B": sizes.insert_batch, "C": sizes.insert_bulk}
    if test in added:
        rows += [(0, level, text) for _, level, text in new_rows(plan, added[test])]
    elif test == "U":
        upserted = {i: (i, level, text) for i, _, level, text in upsert_rows(plan)}
        rows = [upserted.pop(r[0], r) for r in rows] + list(upserted.values())
    elif test == "I":
        rows = [(i, NEW_LEVEL, UPDATED_TEXT) if lv == CHILD_LEVEL else (i, lv, t) for i, lv, t in rows]
    elif test in ("J", "J2"):
        rows = [(i, NEW_LEVEL, t) if lv == CHILD_LEVEL else (i, lv, t) for i, lv, t in rows]
    elif test == "K":
        rows = [r for r in rows if r[1] != CHILD_LEVEL]
    else:
        raise KeyError(test)
    return table_state(rows)


def write_row_count(test: str, plan: Plan) -> int:
    """Rows one round of a write test touches (its rows_per_s)."""
    sizes = plan.sizes
    counts = {"A": sizes.insert_single, "B": sizes.insert_batch, "C": sizes.insert_bulk, "U": sizes.upsert_bulk}
    return counts.get(test, plan.rows // len(LEVELS))


def expected_scaling(test: str, plan: Plan) -> tuple[int, int]:
    """(rows, checksum) of one round of IN1-3, CNT1-3 or GET1-3 (the big tables hold seeded rows)."""
    family, k = test[:-1], int(test[-1]) - 1
    if family == "IN":
        return checksum_rows(seeded_row(i) for i in plan.in_ids[k])
    if family == "GET":
        return checksum_rows(seeded_row(i) for i in plan.text_ids[k])
    if family == "CNT":
        counts = [sum(1 for i in range(low, high) if LEVELS[i % len(LEVELS)] == level)
                  for low, high, level in plan.count_ranges[k]]
        return len(counts), sum(counts)
    raise KeyError(test)
