"""The PNG bar chart: speed ratio to Pony 0.7.20 per test (runs in the `report` venv)."""

from __future__ import annotations

import json

from bench.config import CONTESTANTS, TEST_BY_ID

COLORS = {"this": "#d62728", "pony": "#7f7f7f", "sqlalchemy": "#1f77b4", "peewee": "#2ca02c",
          "django": "#9467bd", "raw": "#17becf"}


def draw(json_path: str, png_path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with open(json_path) as f:
        records = [json.loads(line) for line in f if line.strip()]
    # the memory and scaling lines have tables of their own, no bars
    records = [r for r in records if TEST_BY_ID[r["test"]].section == "speed"]
    tests = list(dict.fromkeys(r["test"] for r in records))
    contestants = [c for c in CONTESTANTS if any(r["contestant"] == c for r in records)]
    ratio = {(r["contestant"], r["test"]): r["ratio_to_pony"] for r in records}
    status = {(r["contestant"], r["test"]): r["status"] for r in records}
    db = records[0]["db"] if records else "?"

    fig, ax = plt.subplots(figsize=(max(10, len(tests) * 0.9), 5.5))
    width = 0.8 / max(1, len(contestants))
    for i, contestant in enumerate(contestants):
        xs = [t + (i - (len(contestants) - 1) / 2) * width for t in range(len(tests))]
        heights = [ratio.get((contestant, test)) or 0 for test in tests]
        ax.bar(xs, heights, width, label=contestant, color=COLORS.get(contestant))
        for x, test in zip(xs, tests):
            if status.get((contestant, test)) == "failed":
                ax.text(x, 1, "×", ha="center", va="bottom", color=COLORS.get(contestant), fontsize=9)
    ax.axhline(1.0, color="black", linewidth=0.8)
    ax.set_yscale("log")
    ax.set_xticks(range(len(tests)))
    ax.set_xticklabels(tests)
    ax.set_ylabel("speed ratio to Pony 0.7.20 (log scale, >1 = faster)")
    quick = " (quick)" if records and records[0].get("quick") else ""
    ax.set_title(f"{db}{quick}: operations per second relative to Pony 0.7.20 (× = failed)")
    ax.legend(ncol=len(contestants), fontsize=8, loc="upper left")
    ax.grid(axis="y", which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(png_path, dpi=110)
