"""The Pony ORM workload: runs unchanged on this project (`this`) and on Pony 0.7.20 (`pony`).

Only the interpreter differs: each runs in its own venv, where ``import pony`` finds either the
working tree or the published package. This is the code a Pony user would write.
"""
# The star import is how Pony is used:
# ruff: noqa: F403, F405

from __future__ import annotations

from datetime import datetime, timedelta

from bench.config import DbConfig
from bench.data import BASE, CHILD_LEVEL, NEW_LEVEL, UPDATED_TEXT, new_rows, upsert_rows
from bench.harness import NotApplicable, Round, Shapes, Tests
from bench.workloads import mysql_driver
from pony.orm import *
from pony.orm.core import Query

db = Database()


class Journal(db.Entity):
    _table_ = "journal"
    timestamp = Required(datetime)
    level = Required(int, size=16)
    text = Required(str, 255)


class JournalRel(db.Entity):
    _table_ = "journal_rel"
    timestamp = Required(datetime)
    level = Required(int, size=16)
    text = Required(str, 255)
    parent = Optional("JournalRel", column="parent_id")
    children = Set("JournalRel")


def setup(cfg: DbConfig) -> dict[str, str]:
    if cfg.name == "sqlite":
        db.bind(provider="sqlite", filename=cfg.sqlite_path)
    elif cfg.name == "postgres":
        db.bind(provider="postgres", host=cfg.host, port=cfg.port, user=cfg.user,
                password=cfg.password, database=cfg.database)
    else:
        mysql_driver(cfg)  # both take MySQLdb when it can be imported, else PyMySQL
        db.bind(provider="mysql", host=cfg.host, port=cfg.port, user=cfg.user,
                passwd=cfg.password, db=cfg.database)
    db.generate_mapping(create_tables=False)
    import pony

    return {"pony": getattr(pony, "__version__", "?"), "pony_path": pony.__file__}


def warm_up() -> None:
    """Open the connection and load one object (M measures query translation, not connecting)."""
    with db_session:
        Journal[1]


def before_round() -> None:
    db.merge_local_stats()


def sql_count() -> int:
    """Statements sent so far (the harness checks none are sent while it reads the results)."""
    return sum(stat.db_count for sql, stat in db.local_stats.items() if sql is not None)


def check_no_cache_hits() -> None:
    """Read tests must not be answered from a previous repetition's query-result cache."""
    # The totals entry (key None) is left out: Pony 0.7.20 starts it at cache_count 1 after a merge.
    hits = sum(stat.cache_count for sql, stat in db.local_stats.items() if sql is not None)
    assert hits == 0, f"db.local_stats reports {hits} query-result cache hits"


tests = Tests()


@tests("A")
def insert_single(t: Round) -> None:
    rows = new_rows(t.plan, t.plan.sizes.insert_single)
    with t:
        for timestamp, level, text in rows:
            with db_session:
                Journal(timestamp=timestamp, level=level, text=text)
    t.touched(len(rows))


@tests("B")
def insert_batch(t: Round) -> None:
    rows = new_rows(t.plan, t.plan.sizes.insert_batch)
    with t, db_session:
        for timestamp, level, text in rows:
            Journal(timestamp=timestamp, level=level, text=text)
    t.touched(len(rows))


def find_bulk_insert():
    """This project may grow a bulk-insert API; Pony 0.7 has none. Detected by name."""
    for owner, name in ((Journal, "insert_many"), (Journal, "bulk_insert"), (Journal, "bulk_create"),
                        (db, "insert_many"), (db, "bulk_insert")):
        method = getattr(owner, name, None)
        if callable(method):
            return owner, name, method
    return None


@tests("C")
def insert_bulk(t: Round) -> None:
    found = find_bulk_insert()
    if found is None:
        raise NotApplicable("no bulk-insert API (looked for Journal.insert_many/bulk_insert/bulk_create, "
                            "db.insert_many/bulk_insert)")
    owner, name, bulk_insert = found
    rows = [dict(timestamp=ts, level=level, text=text)
            for ts, level, text in new_rows(t.plan, t.plan.sizes.insert_bulk)]
    with t, db_session:
        if owner is db:
            bulk_insert(Journal, rows)
        else:
            bulk_insert(rows)
    t.touched(len(rows))
    t.note = f"bulk API found: {'db' if owner is db else 'Journal'}.{name}"


@tests("U")
def upsert_bulk(t: Round) -> None:
    """Beyond Pony 0.7: ``Journal.insert_many(rows, on_conflict="update")`` (N/A where absent)."""
    import inspect

    insert_many = getattr(Journal, "insert_many", None)
    if insert_many is None or "on_conflict" not in inspect.signature(insert_many).parameters:
        raise NotApplicable("no upsert API (looked for Journal.insert_many(..., on_conflict=...))")
    rows = [dict(id=id, timestamp=ts, level=level, text=text) for id, ts, level, text in upsert_rows(t.plan)]
    with t, db_session:
        insert_many(rows, on_conflict="update")
    t.touched(len(rows))
    t.note = "upsert API: Journal.insert_many(rows, on_conflict='update')"


@tests("D")
def filter_large(t: Round) -> None:
    for _ in range(t.plan.repetitions):
        with t, db_session:
            journals = select(j for j in Journal if j.level == CHILD_LEVEL)[:]
        t.objects(journals)


@tests("D2")
def fetch_all(t: Round) -> None:
    with t, db_session:
        journals = select(j for j in Journal)[:]
    t.objects(journals)


@tests("E")
def filter_small(t: Round) -> None:
    pages = []
    size = t.plan.sizes.page_size
    with t:
        for level, offset in t.plan.pages:
            with db_session:
                query = select(j for j in Journal if j.level == level).order_by(Journal.id)
                pages.append(query[offset:offset + size])
    t.objects(j for page in pages for j in page)


@tests("F")
def get_pk(t: Round) -> None:
    with t, db_session:
        journals = [Journal[id] for id in t.plan.get_ids]
    t.objects(journals)


@tests("F2")
def get_pk_request(t: Round) -> None:
    journals = []
    with t:
        for id in t.plan.get_ids:
            with db_session:
                journals.append(Journal[id])
    t.objects(journals)


@tests("G")
def filter_dict(t: Round) -> None:
    for _ in range(t.plan.repetitions):
        with t, db_session:
            dicts = [j.to_dict() for j in select(j for j in Journal if j.level == CHILD_LEVEL)]
        t.dicts(dicts)


@tests("H")
def filter_tuple(t: Round) -> None:
    for _ in range(t.plan.repetitions):
        with t, db_session:
            rows = select((j.id, j.timestamp, j.level, j.text)
                          for j in Journal if j.level == CHILD_LEVEL)[:]
        t.tuples(rows)


@tests("I")
def update_whole(t: Round) -> None:
    with db_session:
        journals = select(j for j in Journal if j.level == CHILD_LEVEL)[:]
        with t:
            for j in journals:
                j.level = NEW_LEVEL
                j.text = UPDATED_TEXT
            commit()
    t.touched(len(journals))


@tests("J")
def update_partial(t: Round) -> None:
    with db_session:
        journals = select(j for j in Journal if j.level == CHILD_LEVEL)[:]
        with t:
            for j in journals:
                j.level = NEW_LEVEL
            commit()
    t.touched(len(journals))


@tests("J2")
def update_bulk(t: Round) -> None:
    """J as one statement: this project's ``Query.update()``. Pony 0.7 has no bulk update; its
    nearest equivalent is J's loop, timed here with the SELECT that finds the rows."""
    with db_session:
        if callable(getattr(Query, "update", None)):
            with t:
                count = select(j for j in Journal if j.level == CHILD_LEVEL).update(level=NEW_LEVEL)
                commit()
            t.note = "bulk API found: Query.update"
        else:
            with t:
                journals = select(j for j in Journal if j.level == CHILD_LEVEL)[:]
                for j in journals:
                    j.level = NEW_LEVEL
                commit()
            count = len(journals)
            t.note = "no bulk update in Pony 0.7: select, assign, commit"
    t.touched(count)


@tests("K")
def delete_each(t: Round) -> None:
    with db_session:
        journals = select(j for j in Journal if j.level == CHILD_LEVEL)[:]
        with t:
            for j in journals:
                j.delete()
            commit()
    t.touched(len(journals))


@tests("L")
def count_by_level(t: Round) -> None:
    counts = []
    with t:
        for level in t.plan.count_levels:
            with db_session:
                counts.append(count(j for j in Journal if j.level == level))
    t.counts(counts)


@tests("R")
def relation_load(t: Round) -> None:
    with t, db_session:
        children = select(j for j in JournalRel if j.level == CHILD_LEVEL).prefetch(JournalRel.parent)[:]
    t.pairs(children, lambda child: child.parent)


@tests("X")
def cache_on(t: Round) -> None:
    with db_session:
        for _ in range(t.plan.repetitions):
            with t:
                journals = select(j for j in Journal if j.level == CHILD_LEVEL)[:]
            t.objects(journals)


# Test M: the 20 shapes of bench/shapes.py, each called once in a fresh process.
cold = Shapes()


@cold
def level_and_id(n):
    return select(j for j in Journal if j.level == 20 and j.id <= 50)[:]


@cold
def id_greater(n):
    return select(j for j in Journal if j.id > n - 10)[:]


@cold
def id_between(n):
    return select(j for j in Journal if between(j.id, 100, 120))[:]


@cold
def text_equals(n):
    return select(j for j in Journal if j.text == "Journal row 77")[:]


@cold
def text_startswith(n):
    return select(j for j in Journal if j.text.startswith("Journal row 12") and j.level == 30)[:]


@cold
def id_in_list(n):
    return select(j for j in Journal if j.id in (3, 14, 15, 92, 65))[:]


@cold
def order_desc_limit(n):
    return select(j for j in Journal).order_by(desc(Journal.timestamp))[:5]


@cold
def count_where(n):
    return count(j for j in Journal if j.level == 40)


@cold
def max_id_level(n):
    return max(j.id for j in Journal if j.level == 30)


@cold
def one_column(n):
    return select(j.text for j in Journal if j.id == 42)[:]


@cold
def exists_level(n):
    return exists(j for j in Journal if j.level == 60)


@cold
def not_equal_and(n):
    return select(j for j in Journal if j.level != 10 and j.id < 12)[:]


@cold
def or_levels(n):
    return select(j for j in Journal if (j.level == 10 or j.level == 50) and j.id < 20)[:]


@cold
def timestamp_after(n):
    after = BASE + timedelta(seconds=n - 5)
    return select(j for j in Journal if j.timestamp > after)[:]


@cold
def distinct_levels(n):
    return select(j.level for j in Journal)[:]


@cold
def group_count(n):
    return select((j.level, count(j)) for j in Journal)[:]


@cold
def order_two_keys_page(n):
    return select(j for j in Journal).order_by(Journal.level, desc(Journal.id))[2:5]


@cold
def sum_level(n):
    return sum(j.level for j in Journal if j.id <= 100)


@cold
def text_contains(n):
    return select(j for j in Journal if "row 99" in j.text)[:]


@cold
def two_columns(n):
    return select((j.id, j.level) for j in Journal if j.id < 5)[:]


def run_cold(queries, n: int) -> list:
    with db_session:
        return [query(n) for query in queries]
