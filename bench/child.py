"""The subprocess side: a contestant's worker, a fresh process for test M, the admin, the chart.

Workers speak JSON lines: the orchestrator writes one command per line on stdin, the worker
answers one line on the original stdout. Anything a library prints goes to stderr instead.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import importlib.metadata
import json
import os
import platform
import sys
import time
import traceback
from typing import Any, TextIO

from bench.config import PONY_API, TEST_BY_ID, DbConfig, Plan
from bench.harness import NotApplicable, Round
from bench.workloads import mysql_driver

WORKLOADS = {
    "this": "bench.workloads.pony_api",
    "pony": "bench.workloads.pony_api",
    "sqlalchemy": "bench.workloads.sqlalchemy_orm",
    "peewee": "bench.workloads.peewee_orm",
    "django": "bench.workloads.django_orm",
    "raw": "bench.workloads.raw_dbapi",
}
# The memory_1m and scaling lines of each workload (imported before its setup: Pony maps entities then).
EXTRAS = {
    "this": "bench.workloads.pony_big",
    "pony": "bench.workloads.pony_big",
    "sqlalchemy": "bench.workloads.sqlalchemy_big",
    "peewee": "bench.workloads.peewee_big",
    "django": "bench.workloads.django_big",
    "raw": "bench.workloads.raw_big",
}
DISTRIBUTIONS = ("pony", "SQLAlchemy", "peewee", "Django", "psycopg", "psycopg2-binary", "PyMySQL", "mysqlclient")


def protocol_stream() -> TextIO:
    """Keep the real stdout for answers; send everything else printed to stderr."""
    out = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return out


def error_of(exc: BaseException) -> dict[str, Any]:
    return {"error": f"{type(exc).__name__}: {exc}".strip(), "traceback": traceback.format_exc(limit=8)}


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for dist in DISTRIBUTIONS:
        try:
            found[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            pass
    return found


DRIVER_MODULES = {"sqlite": ("sqlite3",), "postgres": ("psycopg", "psycopg2"),
                  "mysql": ("pymysql", "MySQLdb")}


def load_workload(contestant: str, cfg: DbConfig) -> tuple[Any, dict[str, str]]:
    module = importlib.import_module(WORKLOADS[contestant])
    module.tests.update(importlib.import_module(EXTRAS[contestant]).tests)
    info = versions()
    info.update(module.setup(cfg) or {})
    try:
        module.warm_up()  # connects and loads one object, so the driver is known
    except Exception as exc:  # the tests will report it where it matters
        info["warm_up_error"] = f"{type(exc).__name__}: {exc}"
    loaded = list({id(m): m for m in map(sys.modules.get, DRIVER_MODULES[cfg.name]) if m is not None}.values())
    if cfg.name == "mysql":  # peewee imports PyMySQL whichever driver it is given: name the one in use
        chosen = mysql_driver(cfg)
        loaded = [chosen] if chosen in loaded else loaded
    info["driver"] = ", ".join(_driver_name(m) for m in loaded)
    return module, info


def _driver_name(module: Any) -> str:
    if module.__name__ == "sqlite3":
        return f"sqlite3 (SQLite {module.sqlite_version})"
    # PyMySQL's __version__ is a mysqlclient version it poses as (for Django): VERSION_STRING first
    version = getattr(module, "VERSION_STRING", "") or getattr(module, "__version__", "")
    if module.__name__ == "MySQLdb":  # mysqlclient's MySQLdb names no version of its own
        return f"mysqlclient {importlib.metadata.version('mysqlclient')}"
    return f"{module.__name__} {str(version).split()[0]}".strip()


def run_round(module: Any, contestant: str, test_id: str, plan: Plan) -> dict[str, Any]:
    test = module.tests.get(test_id)
    if test is None:
        return {"na": f"{contestant} has no test {test_id}"}
    if hasattr(module, "before_round"):
        module.before_round()
    t = Round(plan, getattr(module, "sql_count", None))
    try:
        test(t)
    except NotApplicable as exc:
        return {"na": str(exc)}
    checked_cache = contestant in PONY_API and not TEST_BY_ID[test_id].writes and test_id != "X"
    if checked_cache:
        module.check_no_cache_hits()
    return {"ok": True, "ns": t.ns, "rows": t.rows, "checksum": t.checksum, "note": t.note}


def worker(args: argparse.Namespace, plan: Plan) -> int:
    out = protocol_stream()
    cfg = DbConfig(args.db)
    try:
        module, info = load_workload(args.contestant, cfg)
    except BaseException as exc:  # a contestant that cannot even start fails every test
        out.write(json.dumps({"ready": False, **error_of(exc)}) + "\n")
        return 0
    out.write(json.dumps({"ready": True, "versions": info}) + "\n")
    for line in sys.stdin:
        command = json.loads(line)
        if command["op"] == "quit":
            break
        try:
            answer = run_round(module, args.contestant, command["test"], plan)
        except BaseException as exc:
            answer = error_of(exc)
        out.write(json.dumps(answer) + "\n")
    return 0


def cold(args: argparse.Namespace, plan: Plan) -> int:
    """Test M: one fresh process per round; the 20 shapes are called once each, in one session."""
    from bench.shapes import SHAPES, normalise

    out = protocol_stream()
    try:
        module, _ = load_workload(args.contestant, DbConfig(args.db))
        queries = [module.cold[shape.name] for shape in SHAPES]
        gc.collect()
        start = time.perf_counter_ns()
        results = module.run_cold(queries, plan.rows)
        ns = time.perf_counter_ns() - start
        object_id = getattr(module, "object_id", lambda o: o.id)
        normalised = {s.name: normalise(s.kind, r, object_id) for s, r in zip(SHAPES, results)}
        answer = {"ok": True, "ns": ns, "results": normalised}
    except BaseException as exc:
        answer = error_of(exc)
    out.write(json.dumps(answer) + "\n")
    return 0


def memory(args: argparse.Namespace, plan: Plan) -> int:
    """MEM1 / MEM2: one way of reading mem_person, measured in this fresh process (bench/memory.py)."""
    from bench.memory import measure

    out = protocol_stream()
    try:
        load_workload(args.contestant, DbConfig(args.db))
        extra = importlib.import_module(EXTRAS[args.contestant])
        read = extra.memory[args.test]
        extra.memory_warm_up()
        answer = {"ok": True, **measure(lambda: read(plan.sizes.memory_batch)),
                  "note": extra.memory_notes.get(args.test, "")}
    except NotApplicable as exc:
        answer = {"na": str(exc)}
    except BaseException as exc:
        answer = error_of(exc)
    out.write(json.dumps(answer) + "\n")
    return 0


def admin(args: argparse.Namespace, plan: Plan) -> int:
    from bench.dbadmin import Admin

    out = protocol_stream()
    db = Admin(DbConfig(args.db), plan)
    for line in sys.stdin:
        command = json.loads(line)
        if command["op"] == "quit":
            break
        try:
            answer = {"ok": True, **getattr(db, command["op"])()}
        except BaseException as exc:
            answer = error_of(exc)
        out.write(json.dumps(answer, default=str) + "\n")
    return 0


def chart(args: argparse.Namespace, plan: Plan) -> int:
    from bench.chart import draw

    draw(args.json, args.png)
    return 0


def main(argv: list[str]) -> int:
    from bench.config import FULL, QUICK

    parser = argparse.ArgumentParser(prog="bench/_child.py")
    parser.add_argument("role", choices=("worker", "cold", "memory", "admin", "chart"))
    parser.add_argument("--contestant")
    parser.add_argument("--db")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--test", help="memory: the line (MEM1, MEM2)")
    parser.add_argument("--json")
    parser.add_argument("--png")
    args = parser.parse_args(argv)
    plan = Plan.build(QUICK if args.quick else FULL)
    roles = {"worker": worker, "cold": cold, "memory": memory, "admin": admin, "chart": chart}
    return roles[args.role](args, plan)
