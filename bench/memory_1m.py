"""Peak memory of reading a big result: the raw driver against this project's ORM.

    python bench/memory_1m.py --rows 1000000 --db sqlite|postgres|mysql [--batch-size 1000] [--json]

Fills a table ``mem_person`` (id, name, age, city) with ``--rows`` rows, then measures four ways
of reading every row of the same SELECT, each in a fresh subprocess:

    raw_fetchall  cursor.execute + fetchall, keeping the list of rows
    raw_stream    the driver's streaming loop, discarding rows: a named cursor (PostgreSQL),
                  the driver's unbuffered SSCursor (MySQL), fetchmany (SQLite), ``--batch-size`` rows a time
    orm_plain     ``for p in Person.select()`` in a db_session
    orm_stream    ``for p in Person.select().stream(batch_size)`` in a db_session

Every way reads ``age`` of every row (a checksum all four must agree on). A subprocess measures the
way bench/memory.py does (the harness's memory_1m lines MEM1 and MEM2 use the same code, with every
contestant: bench/README.md); the table comes from bench/bigtables.py. Printed: peak RSS, the growth
over the baseline, plain iteration's growth as a multiple of raw fetchall's, and streaming's peak
RSS as a multiple of the raw streaming loop's (their growths are both a batch or two, so their ratio
is noise). The connection comes from ``--bind-json '[args, kwargs]'`` (as ``db.bind`` takes them)
or, by default, the PONY_PG_* / PONY_MYSQL_* variables the tests use.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from typing import Any

if not __package__:  # run as a script: the project root holds the ``bench`` package
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench import bigtables  # noqa: E402
from bench.config import MEMORY_TABLE as TABLE  # noqa: E402
from bench.memory import measure, ratios, raw_fetchall, raw_stream  # noqa: E402

MODES = ("raw_fetchall", "raw_stream", "orm_plain", "orm_stream")
AGE = 2  # column of the checksum in ``SELECT id, name, age, city``


def default_bind(db: str, workdir: str) -> tuple[list, dict]:
    if db == "sqlite":
        return ["sqlite", os.path.join(workdir, "memory_1m.sqlite")], {"create_db": True}
    if db == "postgres":
        params = {"host": os.environ.get("PONY_PG_HOST", "127.0.0.1"),
                  "port": int(os.environ.get("PONY_PG_PORT", "5432")),
                  "user": os.environ.get("PONY_PG_USER", "postgres"),
                  "database": os.environ.get("PONY_PG_DATABASE", "test")}
        if os.environ.get("PONY_PG_PASSWORD"):
            params["password"] = os.environ["PONY_PG_PASSWORD"]
        return ["postgres"], params
    if db == "mysql":
        return ["mysql"], {"host": os.environ.get("PONY_MYSQL_HOST", "127.0.0.1"),
                           "port": int(os.environ.get("PONY_MYSQL_PORT", "3306")),
                           "user": os.environ.get("PONY_MYSQL_USER", "root"),
                           "password": os.environ.get("PONY_MYSQL_PASSWORD", ""),
                           "database": os.environ.get("PONY_MYSQL_DATABASE", "test")}
    raise SystemExit(f"unknown --db {db!r}: use sqlite, postgres or mysql")


def make_db(bind: tuple[list, dict], create: bool = False) -> Any:
    from pony.orm import Database, PrimaryKey, Required

    db = Database()

    class Person(db.Entity):
        _table_ = TABLE
        id = PrimaryKey(int)
        name = Required(str)
        age = Required(int)
        city = Required(str)

    db.bind(*bind[0], **bind[1])
    db.generate_mapping(create_tables=create, check_tables=False)
    return db


# --- the parent: fill the table, run one subprocess per way of reading ----------------------------


def fill(db: Any, rows: int, dialect: str) -> None:
    from pony.orm import db_session

    with db_session:
        db.execute(f"DELETE FROM {TABLE}")
        for statement in bigtables.fill_sql(dialect, TABLE, rows, getattr(db.provider, "IS_MARIADB", False)):
            db.execute(statement)


def measure_in_child(mode: str, args: argparse.Namespace, bind: tuple[list, dict]) -> dict:
    command = [sys.executable, os.path.abspath(__file__), "--child", mode, "--rows", str(args.rows),
               "--db", args.db, "--batch-size", str(args.batch_size), "--bind-json", json.dumps(bind)]
    env = dict(os.environ)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{mode} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(args: argparse.Namespace) -> dict:
    """Fill the table, measure every way of reading, return {mode: result} and the ratios."""
    with tempfile.TemporaryDirectory() as workdir:
        bind = tuple(json.loads(args.bind_json)) if args.bind_json else default_bind(args.db, workdir)
        db = make_db(bind, create=True)
        try:
            fill(db, args.rows, args.db)
            results = {mode: measure_in_child(mode, args, bind) for mode in MODES}
        finally:
            if not args.keep:
                db.drop_all_tables(with_all_data=True)
            db.disconnect()
    checksums = {r["checksum"] for r in results.values()}
    counts = {r["count"] for r in results.values()}
    if len(checksums) != 1 or counts != {args.rows}:
        raise SystemExit(f"the four ways read different results: {results}")
    found = ratios(results["orm_plain"], results["raw_fetchall"], results["orm_stream"], results["raw_stream"])
    return {"db": args.db, "rows": args.rows, "batch_size": args.batch_size, "results": results, "ratios": found}


def report(summary: dict) -> None:
    print(f"{summary['rows']:,} rows on {summary['db']} (batch size {summary['batch_size']})")
    print(f"{'way':<14}{'peak RSS MB':>12}{'growth MB':>11}")
    for mode in MODES:
        r = summary["results"][mode]
        print(f"{mode:<14}{r['peak_mb']:>12.1f}{r['growth_mb']:>11.1f}")
    found, results = summary["ratios"], summary["results"]
    print(f"plain iteration / raw fetchall (growth): {found['plain_over_raw_fetchall']:.2f}x")
    print(f"streaming / raw streaming (peak RSS):    {found['stream_peak_over_raw_stream_peak']:.2f}x "
          f"(growth {results['orm_stream']['growth_mb']:.1f} MB against {results['raw_stream']['growth_mb']:.1f} "
          "MB: one batch of objects, whatever the row count)")


# --- a child: one measurement ---------------------------------------------------------------------


def raw_connection(bind: tuple[list, dict]) -> Any:
    args, kwargs = bind
    if args[0] == "sqlite":
        import sqlite3
        return sqlite3.connect(args[1])
    if args[0] == "postgres":
        import psycopg
        params = dict(kwargs)
        params["dbname"] = params.pop("database")
        return psycopg.connect(autocommit=False, **params)
    params = dict(kwargs)
    # the ORM's driver: the one bind() names, else its default (mysqlclient when installed)
    name = params.pop("driver", None)
    if name is None:
        name = "mysqlclient" if importlib.util.find_spec("MySQLdb") is not None else "pymysql"
    driver = importlib.import_module("MySQLdb" if name == "mysqlclient" else "pymysql")
    return driver.connect(**params)


def orm_read(mode: str, db: Any, batch_size: int) -> tuple[int, int]:
    from pony.orm import db_session

    Person = db.Person
    count = total = 0
    with db_session:
        source = Person.select() if mode == "orm_plain" else Person.select().stream(batch_size=batch_size)
        for person in source:
            count += 1
            total += person.age
    return count, total


def child(args: argparse.Namespace) -> None:
    from pony.orm import db_session

    bind = tuple(json.loads(args.bind_json))
    db = make_db(bind)
    with db_session:
        sql = db.Person.select().get_sql()
        db.Person.select().limit(1)[:]  # warm-up: connection, translation, compiled SQL
    if args.child.startswith("raw"):
        con = raw_connection(bind)
        raw_fetchall(con, sql + " LIMIT 1", AGE)  # warm-up: connection, driver
        if args.child == "raw_fetchall":
            result = measure(lambda: raw_fetchall(con, sql, AGE))
        else:
            result = measure(lambda: raw_stream(con, sql, AGE, args.db, args.batch_size))
    else:
        result = measure(lambda: orm_read(args.child, db, args.batch_size))
    print(json.dumps({"mode": args.child, **result}))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--db", choices=("sqlite", "postgres", "mysql"), default="sqlite")
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--bind-json", help="'[args, kwargs]' for db.bind (default: the local test servers)")
    parser.add_argument("--json", action="store_true", help="print the summary as one JSON line")
    parser.add_argument("--keep", action="store_true", help="keep the table afterwards")
    parser.add_argument("--child", choices=MODES, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args)
        return
    summary = run(args)
    if args.json:
        print(json.dumps(summary))
    else:
        report(summary)


if __name__ == "__main__":
    main()
