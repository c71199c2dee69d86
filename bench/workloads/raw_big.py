"""The memory_1m and scaling lines for `raw`: the driver alone, on bench/workloads/raw_dbapi.py's
connection (memory: a connection of its own, outside autocommit, as a named cursor needs)."""

from __future__ import annotations

from typing import Any

from bench import memory as measuring
from bench.config import MEMORY_TABLE, SCALED_TABLES, DbConfig
from bench.harness import Round, Tests, register_scaling, texts
from bench.workloads import mysql_driver
from bench.workloads import raw_dbapi as raw

COLUMNS = "id, timestamp, level, text"
PERSON = f"select id, name, age, city from {MEMORY_TABLE}"
AGE = 2
tests = Tests()


def in_list(t: Round, k: int) -> None:
    """PostgreSQL: ``= any(%s)`` with one array parameter; elsewhere the integers inline (no
    parameter limit to hit, and integers need no quoting)."""
    ids, table = t.plan.in_ids[k], SCALED_TABLES[-1]
    with t:
        if raw.sqlite or raw.mysql:
            rows = raw.fetch(f"select {COLUMNS} from {table} where id in ({','.join(map(str, ids))})")
        else:
            rows = raw.fetch(f"select {COLUMNS} from {table} where id = any(%s)", (ids,))
    t.tuples(rows)


def count_range(t: Round, k: int) -> None:
    query = raw.sql(f"select count(*) from {SCALED_TABLES[k]} where id >= ? and id < ? and level = ?")
    counts = []
    with t:
        for low, high, level in t.plan.count_ranges[k]:
            raw.cur.execute(query, (low, high, level))
            counts.append(raw.cur.fetchone()[0])
    t.counts(counts)


def get_by_text(t: Round, k: int) -> None:
    query = raw.sql(f"select {COLUMNS} from {SCALED_TABLES[k]} where text = ?")
    rows = []
    with t:
        for text in texts(t.plan.text_ids[k]):
            (row,) = raw.fetch(query, (text,))
            rows.append(row)
    t.tuples(rows)


register_scaling(tests, in_list, count_range, get_by_text)

connection: Any = None
dialect = ""


def memory_warm_up() -> None:
    global connection, dialect
    cfg = DbConfig("sqlite" if raw.sqlite else "mysql" if raw.mysql else "postgres")
    dialect = cfg.name
    if cfg.name == "sqlite":
        import sqlite3

        connection = sqlite3.connect(cfg.sqlite_path)
    elif cfg.name == "postgres":
        import psycopg

        connection = psycopg.connect(host=cfg.host, port=cfg.port, user=cfg.user, password=cfg.password or None,
                                     dbname=cfg.database)
    else:  # the driver every contestant uses (--mysql-driver), as for the speed tests
        connection = mysql_driver(cfg).connect(host=cfg.host, port=cfg.port, user=cfg.user, password=cfg.password,
                                               database=cfg.database, charset="utf8mb4")
    measuring.raw_fetchall(connection, PERSON + " limit 1", AGE)


memory = {
    "MEM1": lambda batch_size: measuring.raw_fetchall(connection, PERSON, AGE),
    "MEM2": lambda batch_size: measuring.raw_stream(connection, PERSON, AGE, dialect, batch_size),
}
memory_notes = {"MEM1": "cursor.fetchall(), rows kept",
                "MEM2": "fetchmany(batch_size) loop: PostgreSQL named cursor, the MySQL driver's SSCursor, "
                        "sqlite3 cursor"}
