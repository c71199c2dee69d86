"""Peak memory of one way of reading a big result, measured inside a fresh process.

The process measures its resident set after imports, connecting and a warm-up query (the
baseline), resets the peak (``/proc/self/clear_refs``), reads, and reports the peak (``VmHWM``;
``ru_maxrss`` where /proc is missing) and its growth over the baseline. Used by the harness's
``memory`` role (bench/child.py, lines MEM1 and MEM2) and by bench/memory_1m.py.
"""

from __future__ import annotations

import gc
import importlib
import resource
from collections.abc import Callable
from typing import Any

MB = 1024  # kB


def rss_kb(field: str) -> int:
    """VmRSS / VmHWM of this process in kB (ru_maxrss stands in for both without /proc)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def reset_peak() -> None:
    """Make VmHWM the current RSS (Linux 4.0+), so the peak seen next is the read's own."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def measure(read: Callable[[], tuple[int, int]]) -> dict[str, Any]:
    """Run ``read`` (warmed up already; returns (count, checksum)) between a baseline and a peak."""
    gc.collect()
    baseline = rss_kb("VmRSS")
    reset_peak()
    count, checksum = read()
    peak = max(rss_kb("VmHWM"), rss_kb("VmRSS"))
    return {"count": count, "checksum": checksum, "baseline_mb": baseline / MB, "peak_mb": peak / MB,
            "growth_mb": (peak - baseline) / MB}


def raw_fetchall(con: Any, sql: str, column: int) -> tuple[int, int]:
    """The driver's ``fetchall``, keeping every row: the floor of plain iteration."""
    cursor = con.cursor()
    cursor.execute(sql)
    rows = cursor.fetchall()
    cursor.close()
    return len(rows), sum(row[column] for row in rows)


def raw_stream(con: Any, sql: str, column: int, dialect: str, batch_size: int) -> tuple[int, int]:
    """The driver's streaming loop, discarding rows: a named (server-side) cursor on PostgreSQL,
    the driver's unbuffered SSCursor on MySQL, ``fetchmany`` on SQLite."""
    if dialect == "postgres":
        cursor = con.cursor(name="memory_bench")
    elif dialect == "mysql":  # the unbuffered cursor of the connection's driver (PyMySQL or mysqlclient)
        cursors = importlib.import_module(type(con).__module__.split(".")[0] + ".cursors")
        cursor = con.cursor(cursors.SSCursor)
    else:
        cursor = con.cursor()
    cursor.execute(sql)
    count = total = 0
    while True:
        rows = cursor.fetchmany(batch_size)
        if not rows:
            break
        count += len(rows)
        total += sum(row[column] for row in rows)
    cursor.close()
    return count, total


def ratios(plain: dict, raw_plain: dict, stream: dict | None, raw_streaming: dict | None) -> dict[str, float]:
    """The two target figures: plain growth over raw fetchall's, streaming peak over raw streaming's."""
    found = {"plain_over_raw_fetchall": plain["growth_mb"] / max(raw_plain["growth_mb"], 0.01)}
    if stream and raw_streaming:
        found["stream_peak_over_raw_stream_peak"] = stream["peak_mb"] / raw_streaming["peak_mb"]
        found["stream_growth_over_raw_stream_growth"] = stream["growth_mb"] / max(raw_streaming["growth_mb"], 0.01)
    return found
