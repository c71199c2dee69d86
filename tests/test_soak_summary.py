"""The ``make soak`` summary says OK only for an area whose tests ran and passed, and shows the
oracle's case count (read from pytest's JUnit XML report)."""

from __future__ import annotations

from pathlib import Path

from soak.run import read_report, summary_line

REPORT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest">
{cases}
</testsuite></testsuites>
"""
PASSED = '<testcase classname="t" name="a[{b}]"><properties><property name="cases" value="{n}"/>' \
         '<property name="mismatches" value="0"/></properties></testcase>'
SKIPPED = '<testcase classname="t" name="s[{b}]"><skipped message="server unreachable"/></testcase>'
FAILED = '<testcase classname="t" name="f"><failure message="boom"/></testcase>'


def write(tmp_path: Path, *cases: str) -> Path:
    path = tmp_path / "report.xml"
    path.write_text(REPORT.format(cases="\n".join(cases)), encoding="utf-8")
    return path


def test_oracle_area_that_ran_is_ok_and_shows_its_case_count(tmp_path):
    report = write(tmp_path, PASSED.format(b="sqlite", n=700), PASSED.format(b="postgres", n=650))
    outcomes, figures = read_report(report)
    ok, line = summary_line("query oracle", 0, outcomes, figures)
    assert ok
    assert line == "  query oracle: OK: 2 passed, 0 failed, 0 skipped, cases 1350, mismatches 0"


def test_all_skipped_area_is_not_ok(tmp_path):
    report = write(tmp_path, SKIPPED.format(b="postgres"), SKIPPED.format(b="mysql"))
    ok, line = summary_line("faults", 0, *read_report(report))
    assert not ok
    assert line == "        faults: NOT RUN (no test passed): 0 passed, 0 failed, 2 skipped"


def test_area_without_report_is_not_ok(tmp_path):
    ok, line = summary_line("resources", 5, *read_report(tmp_path / "missing.xml"))
    assert not ok
    assert line == "     resources: FAILED: 0 passed, 0 failed, 0 skipped"


def test_failure_wins_over_passes(tmp_path):
    report = write(tmp_path, PASSED.format(b="sqlite", n=1), FAILED)
    ok, line = summary_line("hostile input", 1, *read_report(report))
    assert not ok
    assert line.startswith(" hostile input: FAILED: 1 passed, 1 failed, 0 skipped")
