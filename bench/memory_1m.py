"""Peak memory of reading a big result: the raw driver against this project's ORM.

    python bench/memory_1m.py --rows 1000000 --db sqlite|postgres|mysql [--batch-size 1000] [--json]

Fills a table ``mem_person`` (id, name, age, city) with ``--rows`` rows, then measures four ways
of reading every row of the same SELECT, each in a fresh subprocess:

    raw_fetchall  cursor.execute + fetchall, keeping the list of rows
    raw_stream    the driver's streaming loop, discarding rows: a named cursor (PostgreSQL), an
                  unbuffered SSCursor (PyMySQL), fetchmany (SQLite), ``--batch-size`` rows a time
    orm_plain     ``for p in Person.select()`` in a db_session
    orm_stream    ``for p in Person.select().stream(batch_size)`` in a db_session

Every way reads ``age`` of every row (a checksum all four must agree on). A subprocess measures
its resident set after imports, connecting and a warm-up query (the baseline), resets the peak
(``/proc/self/clear_refs``), reads the result, and reports the peak (``VmHWM``; ``ru_maxrss``
where /proc is missing). Printed: peak RSS, the growth over the baseline, plain iteration's
growth as a multiple of raw fetchall's, and streaming's peak RSS as a multiple of the raw
streaming loop's (their growths are both a batch or two, so their ratio is noise). The
connection comes from ``--bind-json '[args, kwargs]'`` (as ``db.bind`` takes them) or, by
default, the PONY_PG_* / PONY_MYSQL_* variables the tests use.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
from typing import Any

MODES = ("raw_fetchall", "raw_stream", "orm_plain", "orm_stream")
TABLE = "mem_person"


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


def fill(db: Any, rows: int) -> None:
    from pony.orm import db_session

    dialect = db.provider.dialect
    with db_session:
        db.execute(f"DELETE FROM {TABLE}")
        if dialect == "PostgreSQL":
            db.execute(f"INSERT INTO {TABLE} (id, name, age, city) SELECT n, 'person number ' || n, n % 90, "
                       f"'city ' || (n % 500) FROM generate_series(1, {int(rows)}) AS s(n)")
            return
        if dialect == "MySQL":  # the servers stop recursive queries at 1000 rows by default
            variable = "max_recursive_iterations" if db.provider.IS_MARIADB else "cte_max_recursion_depth"
            db.execute(f"SET SESSION {variable} = 100000000")
            values = "CONCAT('person number ', n), n % 90, CONCAT('city ', n % 500)"
        else:
            values = "'person number ' || n, n % 90, 'city ' || (n % 500)"
        db.execute(f"INSERT INTO {TABLE} (id, name, age, city) WITH RECURSIVE s(n) AS "
                   f"(SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < {int(rows)}) SELECT n, {values} FROM s")


def measure(mode: str, args: argparse.Namespace, bind: tuple[list, dict]) -> dict:
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
            fill(db, args.rows)
            results = {mode: measure(mode, args, bind) for mode in MODES}
        finally:
            if not args.keep:
                db.drop_all_tables(with_all_data=True)
            db.disconnect()
    checksums = {r["checksum"] for r in results.values()}
    counts = {r["count"] for r in results.values()}
    if len(checksums) != 1 or counts != {args.rows}:
        raise SystemExit(f"the four ways read different results: {results}")
    raw, raw_stream = results["raw_fetchall"], results["raw_stream"]
    ratios = {"plain_over_raw_fetchall": results["orm_plain"]["delta_mb"] / max(raw["delta_mb"], 0.01),
              "stream_peak_over_raw_stream_peak": results["orm_stream"]["peak_mb"] / raw_stream["peak_mb"],
              "stream_growth_over_raw_stream_growth":
                  results["orm_stream"]["delta_mb"] / max(raw_stream["delta_mb"], 0.01)}
    return {"db": args.db, "rows": args.rows, "batch_size": args.batch_size, "results": results, "ratios": ratios}


def report(summary: dict) -> None:
    print(f"{summary['rows']:,} rows on {summary['db']} (batch size {summary['batch_size']})")
    print(f"{'way':<14}{'peak RSS MB':>12}{'growth MB':>11}")
    for mode in MODES:
        r = summary["results"][mode]
        print(f"{mode:<14}{r['peak_mb']:>12.1f}{r['delta_mb']:>11.1f}")
    ratios = summary["ratios"]
    results = summary["results"]
    print(f"plain iteration / raw fetchall (growth): {ratios['plain_over_raw_fetchall']:.2f}x")
    print(f"streaming / raw streaming (peak RSS):    {ratios['stream_peak_over_raw_stream_peak']:.2f}x "
          f"(growth {results['orm_stream']['delta_mb']:.1f} MB against {results['raw_stream']['delta_mb']:.1f} MB: "
          f"one batch of objects, whatever the row count)")


# --- a child: one measurement ---------------------------------------------------------------------


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
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")  # resets VmHWM to the current RSS (Linux 4.0+)
    except OSError:
        pass


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
    import pymysql
    return pymysql.connect(**kwargs)


def raw_read(mode: str, con: Any, sql: str, db: str, batch_size: int) -> tuple[int, int, Any]:
    """(count, checksum, what is kept) of reading ``sql`` with the driver alone."""
    if mode == "raw_fetchall":
        cursor = con.cursor()
        cursor.execute(sql)
        rows = cursor.fetchall()
        return len(rows), sum(row[2] for row in rows), rows
    if db == "postgres":
        cursor = con.cursor(name="memory_bench")
    elif db == "mysql":
        import pymysql.cursors
        cursor = con.cursor(pymysql.cursors.SSCursor)
    else:
        cursor = con.cursor()
    cursor.execute(sql)
    count = total = 0
    while True:
        rows = cursor.fetchmany(batch_size)
        if not rows:
            break
        count += len(rows)
        total += sum(row[2] for row in rows)
    cursor.close()
    return count, total, None


def orm_read(mode: str, db: Any, batch_size: int) -> tuple[int, int, Any]:
    from pony.orm import db_session

    Person = db.Person
    count = total = 0
    with db_session:
        source = Person.select() if mode == "orm_plain" else Person.select().stream(batch_size=batch_size)
        for person in source:
            count += 1
            total += person.age
    return count, total, None


def child(args: argparse.Namespace) -> None:
    from pony.orm import db_session

    bind = tuple(json.loads(args.bind_json))
    db = make_db(bind)
    with db_session:
        sql = db.Person.select().get_sql()
        db.Person.select().limit(1)[:]  # warm-up: connection, translation, compiled SQL
    con = raw_connection(bind) if args.child.startswith("raw") else None
    if con is not None:
        warm = con.cursor()
        warm.execute(sql + " LIMIT 1")
        warm.fetchall()
        warm.close()
    baseline = rss_kb("VmRSS")
    reset_peak()
    if con is not None:
        count, checksum, kept = raw_read(args.child, con, sql, args.db, args.batch_size)
    else:
        count, checksum, kept = orm_read(args.child, db, args.batch_size)
    peak = max(rss_kb("VmHWM"), rss_kb("VmRSS"))
    del kept
    print(json.dumps({"mode": args.child, "count": count, "checksum": checksum, "baseline_mb": baseline / 1024,
                      "peak_mb": peak / 1024, "delta_mb": (peak - baseline) / 1024}))


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
