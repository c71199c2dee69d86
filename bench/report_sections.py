"""The memory_1m and scaling tables of a database's Markdown report (bench/report.py writes the rest)."""

from __future__ import annotations

from typing import Any

from bench.config import TEST_BY_ID, Sizes

Records = dict[tuple[str, str], dict[str, Any]]
PLAIN_TARGET, STREAM_TARGET = 2.0, 1.2  # memory: growth over raw fetchall's, peak over raw streaming's
IN_TARGET = 1.2  # IN3 / IN2 time within 1.2x linear (12x for 100k over 10k ids)


def failed(record: dict[str, Any], notes: list[str]) -> str | None:
    """The cell of a record that did not run ('' for N/A), or None when it has figures."""
    if record["status"] == "n/a":
        return ""
    if record["status"] == "failed":
        notes.append(f"{record['contestant']} / {record['test']}: {record['error']}")
        return f"**failed** [{len(notes)}]"
    return None


def memory_table(by_key: Records, contestants: list[str], sizes: Sizes, notes: list[str]) -> list[str]:
    """MEM1 and MEM2: peak RSS, growth, and each line's target figure against the raw driver."""
    lines = [f"## memory_1m: reading {sizes.memory_rows:,} rows of mem_person", "",
             "Cells: peak resident set (VmHWM) in MB, its growth over the baseline taken after imports, "
             "connecting and a warm-up query, and in brackets the target figure against the raw driver: "
             f"MEM1 growth ÷ raw fetchall's growth (target ≤ {PLAIN_TARGET:g}×); MEM2 peak ÷ the peak of raw "
             "streaming from the same baseline, i.e. baseline + raw streaming's growth, since the processes "
             "differ by the library's import footprint (target ≤ "
             f"{STREAM_TARGET:g}×; batch size {sizes.memory_batch:,}). One fresh process per cell.",
             "", "| line | figure | " + " | ".join(contestants) + " |", "|---|---|" + "---:|" * len(contestants)]
    for test_id, figure in (("MEM1", "growth ÷ raw fetchall's"), ("MEM2", "peak ÷ raw streaming's at this baseline")):
        if (contestants[0], test_id) not in by_key:
            continue
        cells = []
        for c in contestants:
            record = by_key[(c, test_id)]
            cell = failed(record, notes)
            if cell is None:
                ratio = record.get("memory_ratio_to_raw")
                cell = f"{record['peak_mb']:.0f} MB (+{record['growth_mb']:.1f})" + \
                    (f" [{ratio:.2f}×]" if ratio is not None else "")
            cells.append(cell)
        lines.append(f"| {test_id} {TEST_BY_ID[test_id].name} | {figure} | " + " | ".join(cells) + " |")
    return lines + [""]


def _speed_cell(record: dict[str, Any], notes: list[str]) -> str:
    cell = failed(record, notes)
    if cell is not None:
        return cell
    if record["test"].startswith("IN"):
        value = f"{record['ms_per_query']:,.1f} ms"
    else:
        value = f"{record['ops_per_s']:,.0f}"
    ratio = record["ratio_to_pony"]
    return value + (f" ({ratio:.2f}×)" if ratio is not None else "")


def _time_ratio(by_key: Records, contestants: list[str], big: str, small: str) -> list[str]:
    cells = []
    for c in contestants:
        a, b = by_key.get((c, big)), by_key.get((c, small))
        ok = a and b and a["median_ns"] and b["median_ns"]
        cells.append(f"{a['median_ns'] / b['median_ns']:.1f}×" if ok else "")
    return cells


def scaling_table(by_key: Records, contestants: list[str], sizes: Sizes, notes: list[str]) -> list[str]:
    """IN1-3 (ms per query), CNT1-3 and GET1-3 (operations per second) and the time ratios."""
    lines = ["## scaling: one operation on growing inputs", "",
             "IN: `select(j for j in Journal if j.id in ids)` on journal_s3, milliseconds per query (translation "
             "and execution, objects loaded); CNT: `count()` of an id range and a level; GET: `get()` by the "
             f"indexed text column; {sizes.scaled_ops:,} queries a round, operations per second. Brackets: speed "
             f"ratio to Pony 0.7.20. A round over {sizes.scaling_cap_s:g} s fails.", "",
             "| line | size | op | " + " | ".join(contestants) + " |", "|---|---|---|" + "---:|" * len(contestants)]
    present = [t for t in TEST_BY_ID if TEST_BY_ID[t].section == "scaling" and (contestants[0], t) in by_key]
    for family, sizes_of, unit, op in (("IN", sizes.in_sizes, "ids", "ms/query"),
                                       ("CNT", sizes.scaled_rows, "rows", "queries/s"),
                                       ("GET", sizes.scaled_rows, "rows", "gets/s")):
        ids = [f"{family}{k}" for k in (1, 2, 3) if f"{family}{k}" in present]
        for test_id in ids:
            size = sizes_of[int(test_id[-1]) - 1]
            cells = [_speed_cell(by_key[(c, test_id)], notes) for c in contestants]
            lines.append(f"| {test_id} {TEST_BY_ID[test_id].name} | {size:,} {unit} | {op} | "
                         + " | ".join(cells) + " |")
        if len(ids) > 1:
            big, small = (f"{family}3", f"{family}2") if family == "IN" else (ids[-1], ids[0])
            if big in ids and small in ids:
                lines.append(f"| {big} / {small} time | {_ratio_label(family, sizes)} | | "
                             + " | ".join(_time_ratio(by_key, contestants, big, small)) + " |")
    return lines + [""]


def _ratio_label(family: str, sizes: Sizes) -> str:
    if family == "IN":
        linear = sizes.in_sizes[2] / sizes.in_sizes[1]
        return f"linear {linear:g}× (target ≤ {linear * IN_TARGET:g}×)"
    return f"{sizes.scaled_rows[2] // sizes.scaled_rows[0]}× the rows; flat 1× with an index"
