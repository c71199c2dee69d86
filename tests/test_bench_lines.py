"""The benchmark's memory_1m and scaling lines, offline: choosing them, their inputs, the big
tables the harness fills (on every backend) and the report tables (bench/README.md)."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import pytest

from bench import bigtables, data
from bench.cli import pick
from bench.config import (
    FULL,
    GROUPS,
    MEMORY_TABLE,
    QUICK,
    SCALED_TABLES,
    TEST_BY_ID,
    TESTS,
    DbConfig,
    Plan,
    memory_checksum,
)
from bench.dbadmin import Admin
from bench.report import markdown
from bench.runner import DbRun, Outcome

IDS = [t.id for t in TESTS]
CONTESTANTS = ["this", "pony", "raw"]


def test_sections_are_chosen_by_name_next_to_single_ids():
    assert pick("memory", IDS, "tests", GROUPS) == ["MEM1", "MEM2"]
    chosen = pick("scaling,D,MEM2", IDS, "tests", GROUPS)
    assert chosen == ["D", "MEM2", "IN1", "IN2", "IN3", "CNT1", "CNT2", "CNT3", "GET1", "GET2", "GET3"]
    with pytest.raises(SystemExit, match="unknown tests: speed"):
        pick("speed", IDS, "tests", GROUPS)
    assert all(not TEST_BY_ID[i].in_mean for i in GROUPS["memory"] + GROUPS["scaling"])


def test_quick_sizes_shrink_the_lines_and_the_inputs_follow_them():
    assert (FULL.memory_rows, FULL.in_sizes, FULL.scaled_rows) == (
        1_000_000, (1_000, 10_000, 100_000), (10_000, 100_000, 1_000_000))
    assert (QUICK.memory_rows, QUICK.in_sizes, QUICK.scaled_rows) == (
        100_000, (1_000, 10_000, 20_000), (10_000, 50_000, 100_000))
    plan = Plan.build(QUICK)
    assert [len(ids) for ids in plan.in_ids] == list(QUICK.in_sizes)
    assert all(len(set(ids)) == len(ids) and max(ids) <= QUICK.scaled_rows[-1] for ids in plan.in_ids)
    for rows, ranges, ids in zip(QUICK.scaled_rows, plan.count_ranges, plan.text_ids):
        assert len(ranges) == len(ids) == QUICK.scaled_ops
        assert all(1 <= low < high <= rows for low, high, _ in ranges) and max(ids) <= rows
    # the speed tests' inputs do not move when the new lines are added
    assert Plan.build(QUICK).get_ids == plan.get_ids


def test_expected_results_of_the_lines():
    assert memory_checksum(1_000) == sum(i % 90 for i in range(1, 1_001))
    plan = Plan.build(dataclasses.replace(QUICK, in_sizes=(3, 4, 5), scaled_ops=2))
    plan.count_ranges[0] = [(1, 11, 20), (5, 6, 10)]  # ids 1 and 6 have level 20; id 5 has level 10
    assert data.expected_scaling("CNT1", plan) == (2, 2 + 1)
    plan.in_ids[2] = [7, 3]
    assert data.expected_scaling("IN3", plan) == data.checksum_rows([data.seeded_row(7), data.seeded_row(3)])


@pytest.fixture
def admin(backend, tmp_path, monkeypatch):
    """The harness's database side, on the test database of ``backend`` with tiny big tables."""
    args, kwargs = backend.bind_args
    monkeypatch.setenv("PONY_BENCH_SQLITE", str(tmp_path / "bench.sqlite"))
    if backend.name != "sqlite":
        monkeypatch.setenv("PONY_BENCH_DATABASE", kwargs["database"])
    sizes = dataclasses.replace(QUICK, memory_rows=500, scaled_rows=(300, 600, 900), in_sizes=(10, 20, 30),
                                scaled_ops=20)
    admin = Admin(DbConfig(backend.name), Plan.build(sizes))
    admin.conn = admin._connect(admin.cfg.database if backend.name == "mysql" else None)
    yield admin
    for table in (MEMORY_TABLE, *SCALED_TABLES):
        admin._run(f"drop table if exists {table}")
    admin.conn.close()


def test_big_tables_are_filled_in_sql_and_reused(admin):
    for table in (MEMORY_TABLE, *SCALED_TABLES):
        admin._run(bigtables.create_sql(admin.cfg.name, table))
    assert admin.prepare_scaling() == {"filled": [True, True, True]}
    assert admin.prepare_memory() == {"filled": True}
    assert admin.prepare_scaling() == {"filled": [False, False, False]}  # the right count: kept
    rows = admin._run("select id, timestamp, level, text from journal_s2 where id in (1, 299, 600) order by id")
    stamp = (lambda v: datetime.fromisoformat(v)) if admin.cfg.name == "sqlite" else (lambda v: v)
    assert [(i, stamp(ts), level, text) for i, ts, level, text in rows] == [
        data.seeded_row(1), data.seeded_row(299), data.seeded_row(600)]
    assert [int(v) for v in admin._run("select count(*), sum(age) from mem_person")[0]] == [500, memory_checksum(500)]
    admin._run("delete from journal_s1 where id > 100")
    assert admin.prepare_scaling() == {"filled": [True, False, False]}  # a wrong count: filled again
    assert admin._run("select count(*) from journal_s1")[0][0] == 300


def run_with(outcomes: dict[tuple[str, str], Outcome], tests: list[str]) -> DbRun:
    run = DbRun("sqlite", CONTESTANTS, [TEST_BY_ID[t] for t in tests], Plan.build(QUICK), True)
    run.outcomes.update(outcomes)
    return run


def timed(*ms: float, rows: int = 1) -> Outcome:
    return Outcome(times_ns=[int(m * 1e6) for m in ms], rows=rows)


def test_report_tables_of_the_memory_and_scaling_lines():
    memory = {c: Outcome(rows=QUICK.memory_rows, memory={"baseline_mb": b, "peak_mb": p, "growth_mb": p - b})
              for c, b, p in (("this", 40, 80), ("pony", 30, 130), ("raw", 20, 45))}
    stream = {"this": Outcome(memory={"baseline_mb": 40, "peak_mb": 42, "growth_mb": 2}),
              "raw": Outcome(memory={"baseline_mb": 20, "peak_mb": 22, "growth_mb": 2})}
    outcomes = {(c, "MEM1"): o for c, o in memory.items()}
    outcomes |= {(c, "MEM2"): o for c, o in stream.items()}
    outcomes[("pony", "MEM2")] = Outcome(status="n/a", error="no Query.stream() (Pony 0.7 has none)")
    outcomes |= {("this", "IN2"): timed(50), ("this", "IN3"): timed(100), ("raw", "IN2"): timed(40),
                 ("raw", "IN3"): timed(90), ("pony", "IN2"): timed(500),
                 ("pony", "IN3"): Outcome(status="failed", error="over the 60 s cap")}
    run = run_with(outcomes, ["MEM1", "MEM2", "IN2", "IN3"])
    records = run.records()
    by_key = {(r["contestant"], r["test"]): r for r in records}
    assert by_key[("this", "MEM1")]["memory_ratio_to_raw"] == pytest.approx(40 / 25)
    assert by_key[("this", "MEM2")]["memory_ratio_to_raw"] == pytest.approx(42 / (40 + 2))
    assert by_key[("this", "MEM2")]["peak_over_raw_peak"] == pytest.approx(42 / 22)
    assert by_key[("this", "IN3")]["ms_per_query"] == pytest.approx(100)
    text = markdown(records, "sqlite", "today", CONTESTANTS, "SQLite", {}, QUICK, True)
    assert "| test | op |" not in text  # no speed test, no main table
    assert "| MEM1 plain_iteration | growth ÷ raw fetchall's | 80 MB (+40.0) [1.60×] | 130 MB (+100.0) [4.00×] " \
           "| 45 MB (+25.0) [1.00×] |" in text
    assert "| MEM2 streaming | peak ÷ raw streaming's at this baseline | 42 MB (+2.0) [1.00×] |  | " \
           "22 MB (+2.0) [1.00×] |" in text
    assert "| IN3 in_list | 20,000 ids | ms/query | 100.0 ms | **failed** [1] | 90.0 ms |" in text
    assert "| IN3 / IN2 time | linear 2× (target ≤ 2.4×) | | 2.0× |  | 2.2× |" in text
    assert "1. pony / IN3: over the 60 s cap" in text
    assert "- pony / MEM2: no Query.stream() (Pony 0.7 has none)" in text


def test_a_line_over_the_cap_skips_its_bigger_sizes():
    run = run_with({("pony", "IN1"): Outcome(status="failed", error="over the 60 s cap")}, ["IN2", "IN3"])
    for test_id in ("IN2", "IN3"):
        run.skip_over_cap("pony", TEST_BY_ID[test_id])
    assert run.outcomes[("pony", "IN3")].error == "not run: IN1 went over the 60 s cap"
    run.skip_over_cap("this", TEST_BY_ID["IN2"])
    assert run.outcomes[("this", "IN2")].status == "ok"
