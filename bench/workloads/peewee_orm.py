"""peewee (latest), written as its documentation shows.

peewee has no identity map and no session: a read repetition is just a new query, and the
connection stays in autocommit mode; writes that span several statements use ``atomic()``.
"""

from __future__ import annotations

from datetime import timedelta

import peewee
from peewee import (
    JOIN,
    CharField,
    DatabaseProxy,
    DateTimeField,
    ForeignKeyField,
    Model,
    MySQLDatabase,
    PostgresqlDatabase,
    SmallIntegerField,
    SqliteDatabase,
    chunked,
    fn,
)

from bench.config import DbConfig
from bench.data import BASE, CHILD_LEVEL, NEW_LEVEL, UPDATED_TEXT, new_rows, upsert_rows
from bench.harness import Round, Shapes, Tests
from bench.workloads import mysql_driver

database = DatabaseProxy()


class Journal(Model):
    timestamp = DateTimeField()
    level = SmallIntegerField()
    text = CharField(max_length=255)

    class Meta:
        database = database
        table_name = "journal"


class JournalRel(Model):
    timestamp = DateTimeField()
    level = SmallIntegerField()
    text = CharField(max_length=255)
    parent = ForeignKeyField("self", null=True, column_name="parent_id", backref="children")

    class Meta:
        database = database
        table_name = "journal_rel"


def setup(cfg: DbConfig) -> dict[str, str]:
    if cfg.name == "sqlite":
        db = SqliteDatabase(cfg.sqlite_path, pragmas={"foreign_keys": 1})  # as Pony and Django set it
    elif cfg.name == "postgres":
        db = PostgresqlDatabase(cfg.database, host=cfg.host, port=cfg.port, user=cfg.user,
                                password=cfg.password or None)
    else:
        peewee.mysql = mysql_driver(cfg)  # peewee takes PyMySQL first when both are installed
        db = MySQLDatabase(cfg.database, host=cfg.host, port=cfg.port, user=cfg.user, password=cfg.password)
    database.initialize(db)
    database.connect()
    return {}


def warm_up() -> None:
    Journal.get_by_id(1)


tests = Tests()


@tests("A")
def insert_single(t: Round) -> None:
    rows = new_rows(t.plan, t.plan.sizes.insert_single)
    with t:
        for timestamp, level, text in rows:
            Journal.create(timestamp=timestamp, level=level, text=text)  # autocommit
    t.touched(len(rows))


@tests("B")
def insert_batch(t: Round) -> None:
    rows = new_rows(t.plan, t.plan.sizes.insert_batch)
    with t, database.atomic():
        for timestamp, level, text in rows:
            Journal.create(timestamp=timestamp, level=level, text=text)
    t.touched(len(rows))


@tests("C")
def insert_bulk(t: Round) -> None:
    new = new_rows(t.plan, t.plan.sizes.insert_bulk)
    rows = [dict(timestamp=ts, level=level, text=text) for ts, level, text in new]
    with t, database.atomic():
        for batch in chunked(rows, 1000):  # keeps SQLite under its bound-parameter limit
            Journal.insert_many(batch).execute()
    t.touched(len(rows))


@tests("U")
def upsert_bulk(t: Round) -> None:
    """``insert_many(...).on_conflict(preserve=...)``: ON CONFLICT, or ON DUPLICATE KEY on MySQL
    (which takes no conflict target)."""
    rows = [dict(id=id, timestamp=ts, level=level, text=text) for id, ts, level, text in upsert_rows(t.plan)]
    target = {} if isinstance(database.obj, MySQLDatabase) else {"conflict_target": [Journal.id]}
    with t, database.atomic():
        for batch in chunked(rows, 200):  # 4 parameters a row: keeps SQLite under its limit
            Journal.insert_many(batch).on_conflict(
                preserve=[Journal.timestamp, Journal.level, Journal.text], **target).execute()
    t.touched(len(rows))


@tests("D")
def filter_large(t: Round) -> None:
    for _ in range(t.plan.repetitions):
        with t:
            journals = list(Journal.select().where(Journal.level == CHILD_LEVEL))
        t.objects(journals)


@tests("D2")
def fetch_all(t: Round) -> None:
    with t:
        journals = list(Journal.select())
    t.objects(journals)


@tests("E")
def filter_small(t: Round) -> None:
    pages, size = [], t.plan.sizes.page_size
    with t:
        for level, offset in t.plan.pages:
            pages.append(list(Journal.select().where(Journal.level == level).order_by(Journal.id)
                              .limit(size).offset(offset)))
    t.objects(j for page in pages for j in page)


@tests("F")
def get_pk(t: Round) -> None:
    with t:
        journals = [Journal.get_by_id(id) for id in t.plan.get_ids]
    t.objects(journals)


tests("F2")(get_pk)  # no session to open per request


@tests("G")
def filter_dict(t: Round) -> None:
    for _ in range(t.plan.repetitions):
        with t:
            dicts = list(Journal.select().where(Journal.level == CHILD_LEVEL).dicts())
        t.dicts(dicts)


@tests("H")
def filter_tuple(t: Round) -> None:
    for _ in range(t.plan.repetitions):
        with t:
            rows = list(Journal.select(Journal.id, Journal.timestamp, Journal.level, Journal.text)
                        .where(Journal.level == CHILD_LEVEL).tuples())
        t.tuples(rows)


@tests("I")
def update_whole(t: Round) -> None:
    journals = list(Journal.select().where(Journal.level == CHILD_LEVEL))
    with t, database.atomic():
        for j in journals:
            j.level = NEW_LEVEL
            j.text = UPDATED_TEXT
            j.save()
    t.touched(len(journals))


@tests("J")
def update_partial(t: Round) -> None:
    journals = list(Journal.select().where(Journal.level == CHILD_LEVEL))
    with t, database.atomic():
        for j in journals:
            j.level = NEW_LEVEL
            j.save(only=[Journal.level])
    t.touched(len(journals))


@tests("J2")
def update_bulk(t: Round) -> None:
    with t, database.atomic():
        count = Journal.update(level=NEW_LEVEL).where(Journal.level == CHILD_LEVEL).execute()
    t.touched(count)


@tests("K")
def delete_each(t: Round) -> None:
    journals = list(Journal.select().where(Journal.level == CHILD_LEVEL))
    with t, database.atomic():
        for j in journals:
            j.delete_instance()
    t.touched(len(journals))


@tests("L")
def count_by_level(t: Round) -> None:
    counts = []
    with t:
        for level in t.plan.count_levels:
            counts.append(Journal.select().where(Journal.level == level).count())
    t.counts(counts)


@tests("R")
def relation_load(t: Round) -> None:
    with t:
        Parent = JournalRel.alias()
        children = list(JournalRel.select(JournalRel, Parent)
                        .join(Parent, JOIN.LEFT_OUTER, on=(JournalRel.parent == Parent.id))
                        .where(JournalRel.level == CHILD_LEVEL))
    t.pairs(children, lambda child: child.parent)


@tests("X")
def cache_on(t: Round) -> None:
    filter_large(t)  # no session, no cache


# Test M: the 20 shapes of bench/shapes.py.
cold = Shapes()


@cold
def level_and_id(n):
    return list(Journal.select().where((Journal.level == 20) & (Journal.id <= 50)))


@cold
def id_greater(n):
    return list(Journal.select().where(Journal.id > n - 10))


@cold
def id_between(n):
    return list(Journal.select().where(Journal.id.between(100, 120)))


@cold
def text_equals(n):
    return list(Journal.select().where(Journal.text == "Journal row 77"))


@cold
def text_startswith(n):
    return list(Journal.select().where(Journal.text.startswith("Journal row 12") & (Journal.level == 30)))


@cold
def id_in_list(n):
    return list(Journal.select().where(Journal.id.in_([3, 14, 15, 92, 65])))


@cold
def order_desc_limit(n):
    return list(Journal.select().order_by(Journal.timestamp.desc()).limit(5))


@cold
def count_where(n):
    return Journal.select().where(Journal.level == 40).count()


@cold
def max_id_level(n):
    return Journal.select(fn.MAX(Journal.id)).where(Journal.level == 30).scalar()


@cold
def one_column(n):
    return [text for (text,) in Journal.select(Journal.text).where(Journal.id == 42).tuples()]


@cold
def exists_level(n):
    return Journal.select().where(Journal.level == 60).exists()


@cold
def not_equal_and(n):
    return list(Journal.select().where((Journal.level != 10) & (Journal.id < 12)))


@cold
def or_levels(n):
    return list(Journal.select().where(((Journal.level == 10) | (Journal.level == 50)) & (Journal.id < 20)))


@cold
def timestamp_after(n):
    return list(Journal.select().where(Journal.timestamp > BASE + timedelta(seconds=n - 5)))


@cold
def distinct_levels(n):
    return [level for (level,) in Journal.select(Journal.level).distinct().tuples()]


@cold
def group_count(n):
    return list(Journal.select(Journal.level, fn.COUNT(Journal.id)).group_by(Journal.level).tuples())


@cold
def order_two_keys_page(n):
    return list(Journal.select().order_by(Journal.level, Journal.id.desc()).offset(2).limit(3))


@cold
def sum_level(n):
    return Journal.select(fn.SUM(Journal.level)).where(Journal.id <= 100).scalar()


@cold
def text_contains(n):
    return list(Journal.select().where(Journal.text.contains("row 99")))


@cold
def two_columns(n):
    return list(Journal.select(Journal.id, Journal.level).where(Journal.id < 5).tuples())


def run_cold(queries, n: int) -> list:
    return [query(n) for query in queries]
