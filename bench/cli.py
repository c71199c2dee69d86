"""``python -m bench``: set up the venvs, run every contestant against each database, write the reports."""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from bench.config import (
    CONTESTANTS,
    DATABASES,
    FULL,
    GROUPS,
    MYSQL_DRIVER_ENV,
    MYSQL_DRIVERS,
    QUICK,
    TESTS,
    DbConfig,
    Plan,
)
from bench.report import markdown, write_json_lines
from bench.runner import DbRun
from bench.venvs import BENCH_DIR, VENVS, ensure_venv

RESULTS_DIR = BENCH_DIR / "results"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="reduced sizes: a whole run in under 2 minutes")
    parser.add_argument("--db", default="all", choices=(*DATABASES, "all"),
                        help="database to run on (default: all reachable ones)")
    parser.add_argument("--json", metavar="PATH", help="also write all JSON lines to PATH")
    parser.add_argument("--only", metavar="CONTESTANTS",
                        help=f"comma-separated subset of {','.join(CONTESTANTS)} (development)")
    parser.add_argument("--tests", metavar="IDS",
                        help="comma-separated test ids or sections, e.g. D,F,M or memory,scaling,IN3")
    parser.add_argument("--no-chart", action="store_true", help="skip the PNG (and the matplotlib venv)")
    parser.add_argument("--mysql-driver", default=MYSQL_DRIVERS[0], choices=MYSQL_DRIVERS,
                        help="the MySQL driver of every contestant (default: mysqlclient, the C one)")
    return parser.parse_args(argv)


def pick(value: str | None, allowed: list[str], what: str, groups: dict[str, list[str]] | None = None) -> list[str]:
    """The names of ``value`` (comma-separated; a group name stands for its members), in ``allowed``'s order."""
    if not value:
        return list(allowed)
    chosen = [v.strip() for v in value.split(",") if v.strip()]
    chosen = [member for v in chosen for member in (groups or {}).get(v, [v])]
    unknown = [v for v in chosen if v not in allowed]
    if unknown:
        raise SystemExit(f"unknown {what}: {', '.join(unknown)} (choose from {', '.join(allowed)})")
    return [v for v in allowed if v in chosen]  # keep the canonical order


def reachable(db: str) -> bool:
    if db == "sqlite":
        return True
    cfg = DbConfig(db)
    try:
        with socket.create_connection((cfg.host, cfg.port), timeout=3):
            return True
    except OSError:
        return False


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    contestants = pick(args.only, list(CONTESTANTS), "contestants")
    tests = [t for t in TESTS if t.id in pick(args.tests, [t.id for t in TESTS], "tests", GROUPS)]
    sizes = QUICK if args.quick else FULL
    plan = Plan.build(sizes)
    dbs = list(DATABASES) if args.db == "all" else [args.db]
    os.environ[MYSQL_DRIVER_ENV] = args.mysql_driver  # the workers inherit it

    for name in dict.fromkeys([*contestants, "raw"] + ([] if args.no_chart else ["report"])):
        ensure_venv(name)

    RESULTS_DIR.mkdir(exist_ok=True)
    date = time.strftime("%Y-%m-%d")
    all_records = []
    for db in dbs:
        if not reachable(db):
            cfg = DbConfig(db)
            print(f"[bench] !!! {db} is not reachable at {cfg.host}:{cfg.port}: skipped !!!")
            continue
        started = time.monotonic()
        run = DbRun(db, contestants, tests, plan, args.quick)
        run.run()
        records = run.records()
        all_records += records
        # a run of some contestants or tests never overwrites the published full results
        partial = bool(args.only or args.tests)
        stem = RESULTS_DIR / (f"{date}-{db}" + ("-quick" if args.quick else "") + ("-partial" if partial else ""))
        write_json_lines(records, stem.with_suffix(".json"))
        text = markdown(records, db, date, contestants, run.server, run.versions, sizes, args.quick)
        stem.with_suffix(".md").write_text(text)
        if not args.no_chart:
            draw_chart(stem.with_suffix(".json"), stem.with_suffix(".png"))
        print(text)
        print(f"[bench] {db} done in {time.monotonic() - started:.0f} s: {stem}.{{json,md"
              + ("" if args.no_chart else ",png") + "}")
    if args.json:
        write_json_lines(all_records, Path(args.json))
    return 0


def draw_chart(json_path: Path, png_path: Path) -> None:
    command = [str(VENVS["report"].python), "-P", str(BENCH_DIR / "_child.py"), "chart",
               "--json", str(json_path), "--png", str(png_path)]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        print(f"[bench] the chart failed: {result.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
