"""Raw DB-API: the physical floor. sqlite3, psycopg 3 or mysqlclient/PyMySQL, hand-written SQL, tuples.

The connection runs in autocommit mode; writes that span several statements are wrapped in an
explicit BEGIN/COMMIT. On SQLite the timestamps arrive as text and are parsed, as every ORM does.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bench.config import DbConfig
from bench.data import BASE, CHILD_LEVEL, NEW_LEVEL, UPDATED_TEXT, new_rows, upsert_rows
from bench.harness import Round, Shapes, Tests
from bench.workloads import mysql_driver

COLUMNS = ("id", "timestamp", "level", "text")
conn: Any = None
cur: Any = None
sqlite = False
mysql = False


def sql(text: str) -> str:
    """Queries are written with ``?``; psycopg and the MySQL drivers want ``%s``."""
    return text if sqlite else text.replace("?", "%s")


def setup(cfg: DbConfig) -> dict[str, str]:
    global conn, cur, sqlite, mysql
    if cfg.name == "sqlite":
        import sqlite3

        sqlite = True
        conn = sqlite3.connect(cfg.sqlite_path, isolation_level=None)
        conn.execute("pragma foreign_keys = on")  # as Pony and Django set it
    elif cfg.name == "postgres":
        import psycopg

        conn = psycopg.connect(host=cfg.host, port=cfg.port, user=cfg.user, password=cfg.password or None,
                               dbname=cfg.database, autocommit=True)
    else:
        mysql = True
        conn = mysql_driver(cfg).connect(host=cfg.host, port=cfg.port, user=cfg.user, password=cfg.password,
                                         database=cfg.database, autocommit=True, charset="utf8mb4")
    cur = conn.cursor()
    return {}


def fetch(query: str, params: tuple = ()) -> list[tuple]:
    cur.execute(query, params)
    rows = cur.fetchall()
    if sqlite:
        rows = [(id, datetime.fromisoformat(ts), level, text) for id, ts, level, text in rows]
    return rows


def insert_params(count: int, plan) -> list[tuple]:
    rows = new_rows(plan, count)
    return [(ts.isoformat(" "), level, text) for ts, level, text in rows] if sqlite else rows


SELECT = "select id, timestamp, level, text from journal"
INSERT = "insert into journal (timestamp, level, text) values (?, ?, ?)"
tests = Tests()


@tests("A")
def insert_single(t: Round) -> None:
    rows, insert = insert_params(t.plan.sizes.insert_single, t.plan), sql(INSERT)
    with t:
        for row in rows:
            cur.execute(insert, row)  # autocommit: one statement, one transaction
    t.touched(len(rows))


@tests("B")
def insert_batch(t: Round) -> None:
    rows, insert = insert_params(t.plan.sizes.insert_batch, t.plan), sql(INSERT)
    with t:
        cur.execute("begin")
        for row in rows:
            cur.execute(insert, row)
        cur.execute("commit")
    t.touched(len(rows))


@tests("C")
def insert_bulk(t: Round) -> None:
    rows, insert = insert_params(t.plan.sizes.insert_bulk, t.plan), sql(INSERT)
    with t:
        cur.execute("begin")
        cur.executemany(insert, rows)
        cur.execute("commit")
    t.touched(len(rows))


UPSERT = {
    False: "insert into journal (id, timestamp, level, text) values (?, ?, ?, ?) on conflict (id) do update "
           "set timestamp = excluded.timestamp, level = excluded.level, text = excluded.text",
    True: "insert into journal (id, timestamp, level, text) values (?, ?, ?, ?) on duplicate key update "
          "timestamp = values(timestamp), level = values(level), text = values(text)",
}


@tests("U")
def upsert_bulk(t: Round) -> None:
    rows = [(id, ts.isoformat(" ") if sqlite else ts, level, text) for id, ts, level, text in upsert_rows(t.plan)]
    upsert = sql(UPSERT[mysql])
    with t:
        cur.execute("begin")
        cur.executemany(upsert, rows)
        cur.execute("commit")
    t.touched(len(rows))


@tests("D")
def filter_large(t: Round) -> None:
    query = sql(SELECT + " where level = ?")
    for _ in range(t.plan.repetitions):
        with t:
            rows = fetch(query, (CHILD_LEVEL,))
        t.tuples(rows)


@tests("D2")
def fetch_all(t: Round) -> None:
    with t:
        rows = fetch(SELECT)
    t.tuples(rows)


@tests("E")
def filter_small(t: Round) -> None:
    query = sql(SELECT + " where level = ? order by id limit ? offset ?")
    size, pages = t.plan.sizes.page_size, []
    with t:
        for level, offset in t.plan.pages:
            pages.append(fetch(query, (level, size, offset)))
    t.tuples(row for page in pages for row in page)


@tests("F")
def get_pk(t: Round) -> None:
    query, rows = sql(SELECT + " where id = ?"), []
    with t:
        for id in t.plan.get_ids:
            rows.append(fetch(query, (id,))[0])
    t.tuples(rows)


tests("F2")(get_pk)  # no session to open per request


@tests("G")
def filter_dict(t: Round) -> None:
    query = sql(SELECT + " where level = ?")
    for _ in range(t.plan.repetitions):
        with t:
            dicts = [dict(zip(COLUMNS, row)) for row in fetch(query, (CHILD_LEVEL,))]
        t.dicts(dicts)


@tests("H")
def filter_tuple(t: Round) -> None:
    filter_large(t)


def _ids_of_level() -> list[int]:
    cur.execute(sql("select id from journal where level = ?"), (CHILD_LEVEL,))
    return [row[0] for row in cur.fetchall()]


@tests("I")
def update_whole(t: Round) -> None:
    params = [(NEW_LEVEL, UPDATED_TEXT, id) for id in _ids_of_level()]
    with t:
        cur.execute("begin")
        cur.executemany(sql("update journal set level = ?, text = ? where id = ?"), params)
        cur.execute("commit")
    t.touched(len(params))


@tests("J")
def update_partial(t: Round) -> None:
    params = [(NEW_LEVEL, id) for id in _ids_of_level()]
    with t:
        cur.execute("begin")
        cur.executemany(sql("update journal set level = ? where id = ?"), params)
        cur.execute("commit")
    t.touched(len(params))


@tests("J2")
def update_bulk(t: Round) -> None:
    with t:
        cur.execute("begin")
        cur.execute(sql("update journal set level = ? where level = ?"), (NEW_LEVEL, CHILD_LEVEL))
        count = cur.rowcount
        cur.execute("commit")
    t.touched(count)


@tests("K")
def delete_each(t: Round) -> None:
    params = [(id,) for id in _ids_of_level()]
    with t:
        cur.execute("begin")
        cur.executemany(sql("delete from journal where id = ?"), params)
        cur.execute("commit")
    t.touched(len(params))


@tests("L")
def count_by_level(t: Round) -> None:
    query, counts = sql("select count(*) from journal where level = ?"), []
    with t:
        for level in t.plan.count_levels:
            cur.execute(query, (level,))
            counts.append(cur.fetchone()[0])
    t.counts(counts)


@tests("R")
def relation_load(t: Round) -> None:
    query = sql("select c.id, c.timestamp, c.level, c.text, p.id, p.timestamp, p.level, p.text "
                "from journal_rel c join journal_rel p on p.id = c.parent_id where c.level = ?")
    with t:
        cur.execute(query, (CHILD_LEVEL,))
        rows = cur.fetchall()
        if sqlite:
            parse = datetime.fromisoformat
            rows = [(a, parse(b), c, d, e, parse(f), g, h) for a, b, c, d, e, f, g, h in rows]
    t.pair_tuples(rows)


@tests("X")
def cache_on(t: Round) -> None:
    filter_large(t)


# Test M: the same 20 shapes as hand-written SQL.
cold = Shapes()


def object_id(row: tuple) -> int:
    return row[0]


def _rows(query: str, *params: Any) -> list[tuple]:
    cur.execute(sql(query), params)
    return cur.fetchall()


def _value(query: str, *params: Any) -> Any:
    return _rows(query, *params)[0][0]


@cold
def level_and_id(n):
    return _rows(SELECT + " where level = ? and id <= ?", 20, 50)


@cold
def id_greater(n):
    return _rows(SELECT + " where id > ?", n - 10)


@cold
def id_between(n):
    return _rows(SELECT + " where id between ? and ?", 100, 120)


@cold
def text_equals(n):
    return _rows(SELECT + " where text = ?", "Journal row 77")


@cold
def text_startswith(n):
    return _rows(SELECT + " where text like ? and level = ?", "Journal row 12%", 30)


@cold
def id_in_list(n):
    return _rows(SELECT + " where id in (?, ?, ?, ?, ?)", 3, 14, 15, 92, 65)


@cold
def order_desc_limit(n):
    return _rows(SELECT + " order by timestamp desc limit ?", 5)


@cold
def count_where(n):
    return _value("select count(*) from journal where level = ?", 40)


@cold
def max_id_level(n):
    return _value("select max(id) from journal where level = ?", 30)


@cold
def one_column(n):
    return [row[0] for row in _rows("select text from journal where id = ?", 42)]


@cold
def exists_level(n):
    return bool(_value("select exists(select 1 from journal where level = ?)", 60))


@cold
def not_equal_and(n):
    return _rows(SELECT + " where level <> ? and id < ?", 10, 12)


@cold
def or_levels(n):
    return _rows(SELECT + " where (level = ? or level = ?) and id < ?", 10, 50, 20)


@cold
def timestamp_after(n):
    after = BASE + timedelta(seconds=n - 5)
    return _rows(SELECT + " where timestamp > ?", after.isoformat(" ") if sqlite else after)


@cold
def distinct_levels(n):
    return [row[0] for row in _rows("select distinct level from journal")]


@cold
def group_count(n):
    return _rows("select level, count(*) from journal group by level")


@cold
def order_two_keys_page(n):
    return _rows(SELECT + " order by level, id desc limit ? offset ?", 3, 2)


@cold
def sum_level(n):
    return _value("select sum(level) from journal where id <= ?", 100)


@cold
def text_contains(n):
    return _rows(SELECT + " where text like ?", "%row 99%")


@cold
def two_columns(n):
    return _rows("select id, level from journal where id < ?", 5)


def warm_up() -> None:
    _rows(SELECT + " where id = ?", 1)


def run_cold(queries, n: int) -> list:
    return [query(n) for query in queries]
