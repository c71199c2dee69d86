"""``make soak``: the long versions of the reliability tests, one summary line per area.

Runs each area's test file with ``PONY_SOAK=1`` (bigger sizes, see tests/soak/__init__.py),
plus tests/test_oracle.py when it exists with a larger hypothesis budget
(``PONY_ORACLE_EXAMPLES``, default 2000). Figures the tests record (workers, transactions,
faults, hostile values, memory growth) are read from pytest's JUnit XML and summed per area.
Extra arguments go to pytest. An area is OK only when some of its tests ran and passed (all
skipped is NOT RUN). Exit status: non-zero if any area failed or did not run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
AREAS = [
    ("concurrency", "test_concurrency.py"),
    ("faults", "test_faults.py"),
    ("hostile input", "test_hostile_input.py"),
    ("resources", "test_resources.py"),
    ("query oracle", "test_oracle.py"),
]
SUMMED = ("workers", "transactions", "attempts", "lost_update_races", "faults", "hostile_values", "refused",
          "rows", "sessions", "queries", "cases", "mismatches")
MAXED = ("memory_growth",)
# Figures shown even when zero: the oracle's case count says how much it checked.
ALWAYS_SHOWN = {"query oracle": ("cases", "mismatches")}


def read_report(report: Path) -> tuple[Counter, Counter]:
    """Outcome counts and summed/maxed recorded figures from a pytest JUnit XML report."""
    outcomes, figures = Counter(), Counter()
    if not report.exists():
        return outcomes, figures
    for case in ET.parse(report).getroot().iter("testcase"):
        kinds = {child.tag for child in case}
        outcome = "failed" if kinds & {"failure", "error"} else "skipped" if "skipped" in kinds else "passed"
        outcomes[outcome] += 1
        for prop in case.iter("property"):
            key, value = prop.get("name"), prop.get("value")
            if key in SUMMED:
                figures[key] += int(value)
            elif key in MAXED:
                figures[key] = max(figures[key], int(value))
    return outcomes, figures


def summary_line(name: str, returncode: int, outcomes: Counter, figures: Counter) -> tuple[bool, str]:
    """(ok, line): OK only when pytest succeeded and at least one test of the area ran and passed;
    an area whose tests were all skipped (or that collected none) did not run, which is not OK."""
    if returncode != 0 or outcomes["failed"]:
        ok, status = False, "FAILED"
    elif not outcomes["passed"]:
        ok, status = False, "NOT RUN (no test passed)"
    else:
        ok, status = True, "OK"
    parts = [f"{outcomes['passed']} passed", f"{outcomes['failed']} failed", f"{outcomes['skipped']} skipped"]
    always = ALWAYS_SHOWN.get(name, ())
    parts += [f"{key.replace('_', ' ')} {figures[key]}" for key in (*SUMMED, *MAXED)
              if figures[key] or key in always]
    return ok, f"{name:>14}: {status}: " + ", ".join(parts)


def run_area(name: str, test_file: Path, extra: list[str]) -> tuple[bool, str]:
    env = dict(os.environ, PONY_SOAK="1")
    env.setdefault("PONY_ORACLE_EXAMPLES", "2000")
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.xml"
        proc = subprocess.run([sys.executable, "-m", "pytest", str(test_file), "-q", "-p", "no:cacheprovider",
                               f"--junitxml={report}", *extra], env=env, cwd=TESTS.parent)
        outcomes, figures = read_report(report)
    return summary_line(name, proc.returncode, outcomes, figures)


def main() -> int:
    extra = sys.argv[1:]
    lines, worst = [], 0
    for name, filename in AREAS:
        test_file = TESTS / filename
        if not test_file.exists():
            lines.append(f"{name:>14}: not present ({filename})")
            continue
        ok, line = run_area(name, test_file, extra)
        worst = worst or (0 if ok else 1)
        lines.append(line)
    print("\n" + "=" * 30 + " soak summary " + "=" * 30)
    for line in lines:
        print(line)
    return worst


if __name__ == "__main__":
    sys.exit(main())
