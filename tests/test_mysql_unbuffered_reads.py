"""Plain reads of a big result on an unbuffered cursor (mysqlclient): every row, value and object.

With mysqlclient, ``Query._run`` reads a result that may be big on an ``SSCursor`` (rows come off
the connection chunk by chunk instead of being stored whole in the C library first: see
``MySQLProvider.unbuffered_cursor``). These tests check what the program sees: the same rows,
values and identical objects as the buffered cursor gives, a statement sent while rows are still
unread, an error in the middle of a read, and a stream read around a plain read. They run on every
backend and, on MySQL/MariaDB, through both drivers (mysqlclient where it is installed).
"""

from __future__ import annotations

import pytest

from pony import options
from pony.orm import Required, TooManyObjectsFoundError, db_session, select
from pony.orm.query import query as query_module
from tests.conftest import MYSQL_DRIVERS

CHUNK = query_module.FETCH_CHUNK
ROWS = 2 * CHUNK + 37  # three chunks, the last one short


@pytest.fixture(params=MYSQL_DRIVERS)
def db(request, backend):
    db = backend.make_db_through(request.param, define)
    with db_session:
        for n in range(ROWS):
            db.Item(number=n * 7, label=f"item {n}")
    return db


def define(db):
    class Item(db.Entity):
        number = Required(int)
        label = Required(str)


def expected(limit: int = ROWS) -> list:
    return [(n * 7, f"item {n}") for n in range(limit)]


def values(items: list) -> list:
    return sorted((item.number, item.label) for item in items)


@pytest.fixture
def unbuffered_reads(db, monkeypatch):
    """Statements the provider gave an unbuffered cursor for (none but with mysqlclient)."""
    sent = []
    provider = db.provider
    original = provider.unbuffered_cursor

    def spy(con):
        cursor = original(con)
        if cursor is not None:
            sent.append(cursor)
        return cursor

    monkeypatch.setattr(provider, "unbuffered_cursor", spy)
    return sent


def test_a_big_result_reads_every_row_and_value(db, unbuffered_reads):
    for _ in range(2):  # the second run of the statement reads the same way again
        with db_session:
            items = select(i for i in db.Item)[:]
            assert len(items) == ROWS and len({id(i) for i in items}) == ROWS
            assert values(items) == expected()
    if db.provider.dbapi_module.__name__ == "MySQLdb":
        assert len(unbuffered_reads) == 2
    else:
        assert unbuffered_reads == []


def test_objects_already_loaded_stay_the_same_objects(db):
    with db_session:
        first = db.Item.get(number=0)
        changed = db.Item.get(number=7 * (CHUNK + 5))
        changed.label = "changed"  # flushed before the query runs
        items = list(db.Item.select())
        by_number = {item.number: item for item in items}
        assert by_number[0] is first and by_number[changed.number] is changed
        assert changed.label == "changed" and len(items) == ROWS
        assert values(items) == sorted(expected()[:CHUNK + 5] + [(changed.number, "changed")]
                                       + expected()[CHUNK + 6:])


def test_small_and_big_results_of_one_query_alternate(db, unbuffered_reads):
    with db_session:
        for limit in (10, ROWS, 10, ROWS, 0, ROWS):
            got = select(i for i in db.Item if i.number < limit * 7)[:]
            assert values(got) == expected(limit)
            assert select(i for i in db.Item if i.number < limit * 7).count() == limit


def test_a_statement_sent_while_rows_are_unread_reads_them_first(db, monkeypatch):
    original = query_module.Query._read_rows
    counted = []

    def read_rows(self, cache, rows, read_before=0, entity_reader=None):
        if read_before == 0 and len(rows) == CHUNK and not counted:  # rows are left on the connection
            counted.append(db.select("SELECT COUNT(*) FROM item")[0])
        return original(self, cache, rows, read_before, entity_reader)

    monkeypatch.setattr(query_module.Query, "_read_rows", read_rows)
    with db_session:
        items = select(i for i in db.Item)[:]
        assert counted == [ROWS]
        assert values(items) == expected()
        assert db.Item.select().count() == ROWS


def test_an_error_in_the_middle_of_a_read_leaves_the_connection_usable(db, monkeypatch):
    monkeypatch.setattr(options, "MAX_FETCH_COUNT", CHUNK + 1)
    with db_session:
        with pytest.raises(TooManyObjectsFoundError):
            select(i for i in db.Item)[:]
        assert values(select(i for i in db.Item if i.number < 70)[:]) == expected(10)
    monkeypatch.setattr(options, "MAX_FETCH_COUNT", None)
    with db_session:
        assert values(select(i for i in db.Item)[:]) == expected()


def test_a_plain_read_inside_a_stream(db):
    with db_session:
        streamed = []
        inner = None
        for item in db.Item.select().order_by(db.Item.number).stream(500):
            streamed.append(item)
            if inner is None:
                inner = select(i for i in db.Item)[:]
        assert values(streamed) == expected() and values(inner) == expected()
