"""The Markdown table of one database's results, and the JSON lines."""

from __future__ import annotations

import json
import math
import os
import platform
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bench.config import TEST_BY_ID, Sizes
from bench.report_sections import memory_table, scaling_table
from bench.venvs import PROJECT_DIR

UNIT_PLURAL = {"transaction": "transactions", "row": "rows", "query": "queries", "get": "gets"}
LIBRARY_OF = {"this": "pony", "pony": "pony", "sqlalchemy": "SQLAlchemy", "peewee": "peewee",
              "django": "Django", "raw": None}


def write_json_lines(records: Iterable[dict[str, Any]], path: Path) -> None:
    with open(path, "w") as f:
        for record in records:
            f.write(json.dumps(record) + "\n")


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def project_commit() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_DIR, capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "pony"], cwd=PROJECT_DIR,
                               capture_output=True, text=True).stdout.strip()
        return head + (" + uncommitted changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def geometric_mean(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values))


def _number(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _cell(record: dict[str, Any], notes: list[str]) -> str:
    if record["status"] == "n/a":
        return ""
    if record["status"] == "failed":
        notes.append(f"{record['contestant']} / {record['test']}: {record['error']}")
        return f"**failed** [{len(notes)}]"
    if record["test"] == "M":
        value = f"{record['ms_per_query']:.2f} ms"
    else:
        value = _number(record["ops_per_s"])
    ratio = record["ratio_to_pony"]
    return value + (f" ({ratio:.2f}×)" if ratio is not None else "")


def means(records: list[dict[str, Any]], contestants: list[str]) -> tuple[list[str], dict[str, float]]:
    """Geometric mean of ratio_to_pony over the tests (in the mean) that every contestant ran."""
    by_key = {(r["contestant"], r["test"]): r for r in records}
    tests = [t for t in dict.fromkeys(r["test"] for r in records) if TEST_BY_ID[t].in_mean]
    common = [t for t in tests if all(by_key[(c, t)]["ratio_to_pony"] for c in contestants)]
    if not common:
        return [], {}
    return common, {c: geometric_mean([by_key[(c, t)]["ratio_to_pony"] for t in common]) for c in contestants}


def markdown(records: list[dict[str, Any]], db: str, date: str, contestants: list[str], server: str,
             versions: dict[str, dict[str, str]], sizes: Sizes, quick: bool) -> str:
    by_key = {(r["contestant"], r["test"]): r for r in records}
    tests = [t for t in dict.fromkeys(r["test"] for r in records) if TEST_BY_ID[t].section == "speed"]
    sections = {TEST_BY_ID[r["test"]].section for r in records}
    notes: list[str] = []
    lines = [f"# Benchmark: {db}, {date}" + (" (quick)" if quick else ""), ""]
    python = next((v["python"] for v in versions.values() if "python" in v), platform.python_version())
    lines += [
        f"- Machine: {os.cpu_count()} cores (nproc), {cpu_model()}, {platform.system()} {platform.release()}",
        f"- Python {python} (CPython), one venv and one process per contestant",
        f"- Database: {server}" + {
            "sqlite": " (file on tmpfs; journal_mode=WAL and foreign_keys=ON for every contestant)",
            "postgres": " on localhost (synchronous_commit=off)", "mysql": " on localhost"}[db],
        f"- Sizes: {sizes.rows:,} seeded rows; {sizes.warmup_rounds} warm-up + {sizes.timed_rounds} timed "
        "rounds, contestant order rotated, median shown" + (" — QUICK MODE (reduced sizes)" if quick else ""),
        f"- Date: {date}; this project at commit {project_commit()}",
        "- Libraries: " + "; ".join(_library(c, versions.get(c)) for c in contestants),
        "",
    ]
    if tests:
        lines += _main_table(records, tests, contestants, by_key, notes)
    if "memory" in sections:
        lines += ["", *memory_table(by_key, contestants, sizes, notes)]
    if "scaling" in sections:
        lines += ["", *scaling_table(by_key, contestants, sizes, notes)]
    na = [f"{r['contestant']} / {r['test']}: {r['error']}" for r in records if r["status"] == "n/a"]
    remarks = [f"{r['contestant']} / {r['test']}: {r['note']}" for r in records if r.get("note")]
    if notes:
        lines += ["", "Failures:", ""] + [f"{i}. {note}" for i, note in enumerate(notes, 1)]
    if na:
        lines += ["", "Not applicable:", ""] + [f"- {note}" for note in na]
    if remarks:
        lines += ["", "Notes:", ""] + [f"- {note}" for note in remarks]
    return "\n".join(lines) + "\n"


def _main_table(records: list[dict[str, Any]], tests: list[str], contestants: list[str], by_key: dict,
                notes: list[str]) -> list[str]:
    """The speed tests: one row each, the geometric means, X apart."""
    lines = [
        "Cells: operations per second (median of the timed rounds) and, in brackets, the speed ratio to "
        "Pony 0.7.20 (above 1 = faster than Pony). M is milliseconds per query (first call of 20 "
        "distinct shapes in a fresh process). Empty = not applicable.",
        "",
        "| test | op | " + " | ".join(contestants) + " |",
        "|---|---|" + "---:|" * len(contestants),
    ]
    for test_id in tests:
        if not TEST_BY_ID[test_id].in_mean:
            continue
        lines.append(_row(test_id, contestants, by_key, notes))
    common, gmeans = means(records, contestants) if "pony" in contestants else ([], {})
    lines.append(_mean_row(f"geometric mean of the ratio to Pony over the {len(common)} tests all ran"
                           + (f" ({' '.join(common)})" if common else ""), contestants, gmeans))
    peers = [c for c in contestants if c != "this"]
    if "this" in contestants and "pony" in peers and len(peers) > 1:
        peer_common, peer_means = means(records, peers)
        if peer_common != common:
            lines.append(_mean_row(f"the same among the peers only, over the {len(peer_common)} tests they "
                                   f"all ran ({' '.join(peer_common)})", contestants, peer_means))
    for test_id in tests:
        if not TEST_BY_ID[test_id].in_mean:
            lines.append(_row(test_id, contestants, by_key, notes, suffix=" (apart, not in the mean)"))
    return lines


def _row(test_id: str, contestants: list[str], by_key: dict, notes: list[str], suffix: str = "") -> str:
    test = TEST_BY_ID[test_id]
    unit = "ms/query" if test_id == "M" else UNIT_PLURAL[test.unit] + "/s"
    cells = [_cell(by_key[(c, test_id)], notes) for c in contestants]
    return f"| {test_id} {test.name}{suffix} | {unit} | " + " | ".join(cells) + " |"


def _mean_row(label: str, contestants: list[str], gmeans: dict[str, float]) -> str:
    cells = [f"**{gmeans[c]:.2f}×**" if c in gmeans else "" for c in contestants]
    return f"| {label} | | " + " | ".join(cells) + " |"


def _library(contestant: str, found: dict[str, str] | None) -> str:
    if not found:
        return f"{contestant}: (did not start)"
    library = LIBRARY_OF[contestant]
    parts = [f"{library} {found[library]}"] if library and library in found else []
    parts.append(found.get("driver") or "driver unknown")
    if contestant == "this" and "pony_path" in found:
        parts.append(f"from {Path(found['pony_path']).parent}")
    if "extensions" in found:
        parts.append(found["extensions"])
    return f"{contestant}: " + ", ".join(parts)
