"""Statements whose rows are read at once (``Entity[pk]``, aggregates, ``exists``) may run on a
cursor the provider hands out again (PostgreSQL keeps one per connection: psycopg 3 works out
its row loaders per cursor). Whatever else is reading at the time keeps its own rows."""

from __future__ import annotations

import pytest

from pony.orm import PrimaryKey, Required, count, db_session, exists, max, select

ROWS = 2500  # more than one fetch chunk (2,000): a plain read takes several fetches


def define_entities(db):
    class Item(db.Entity):
        id = PrimaryKey(int)
        n = Required(int)
        text = Required(str)


@pytest.fixture
def db(backend):
    db = backend.make_db(define_entities)
    with db_session:
        db.Item.insert_many([dict(id=i, n=i * 3, text=f"item {i}") for i in range(1, ROWS + 1)])
    return db


def test_gets_and_aggregates_inside_a_stream_read_their_own_rows(db):
    Item = db.Item
    with db_session:
        seen = []
        for item in select(i for i in Item).order_by(Item.id).stream(batch_size=300):
            other = ROWS + 1 - item.id
            assert Item[other].n == other * 3
            assert Item[str(other)].text == f"item {other}"  # a key given as text: converted
            assert count(i for i in Item if i.id <= item.id) == item.id
            assert exists(i for i in Item if i.n == item.id * 3)
            assert max(i.n for i in Item if i.id < item.id + 1) == item.id * 3
            seen.append(item.id)
        assert seen == list(range(1, ROWS + 1))


def test_a_read_of_several_chunks_between_gets_is_whole(db):
    Item = db.Item
    with db_session:
        assert Item[7].n == 21
        everything = select(i for i in Item).order_by(Item.id)[:]
        assert Item[8].n == 24
        assert [i.id for i in everything] == list(range(1, ROWS + 1))
        assert count(i for i in Item) == ROWS
        assert [i.n for i in select(i for i in Item if i.id > ROWS - 3).order_by(Item.id)] == \
            [3 * (ROWS - 2), 3 * (ROWS - 1), 3 * ROWS]
    with db_session:  # the next session's connection (the same pooled one) still answers
        assert Item[ROWS].text == f"item {ROWS}"
        assert count(i for i in Item if i.n % 2 == 0) == ROWS // 2


def test_a_query_whose_small_result_grows_big_reads_it_whole_and_the_next_ones_still_work(db):
    Item = db.Item
    with db_session:
        def upto(limit):  # one query shape, so the size of its last result is remembered
            return select(i for i in Item if i.id <= limit).order_by(Item.id)[:]

        assert [i.id for i in upto(3)] == [1, 2, 3]
        assert [i.id for i in upto(ROWS)] == list(range(1, ROWS + 1))  # expected small, read whole
        assert Item[ROWS - 1].n == 3 * (ROWS - 1)
        assert count(i for i in Item if i.id <= 10) == 10
        assert [i.id for i in upto(2)] == [1, 2]
        assert [i.id for i in upto(ROWS)][-1] == ROWS
