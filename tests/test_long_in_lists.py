"""``x in ids`` with long outer lists: correct results past the database's parameter limit
(SQLite's is 32,766 or 250,000 depending on the build, PostgreSQL's 65,535), ``in`` and
``not in`` with None, objects and tuples of composite keys, in every query form (generator,
``Entity.select(lambda)``, ``filter``, bulk ``delete``), and one translation for every length."""

from __future__ import annotations

import datetime
import sqlite3

import pytest

from pony.orm import Optional, PrimaryKey, Required, db_session, delete, rollback, select
from pony.orm.errors import IncomparableTypesError
from pony.orm.translation.chain import translation_count

ROWS = 3000


def define_entities(db):
    class Item(db.Entity):
        id = PrimaryKey(int)
        value = Required(int)
        label = Required(str)
        day = Required(datetime.date)
        maybe = Optional(int)

    class Pair(db.Entity):
        a = Required(int)
        b = Required(str)
        PrimaryKey(a, b)


def day_of(n):
    return datetime.date(2020, 1, 1) + datetime.timedelta(days=n % 400)


@pytest.fixture(scope="module")
def db(backend_module):
    db = backend_module.make_db(define_entities)
    with db_session:
        for n in range(1, ROWS + 1):
            db.Item(id=n, value=n % 100, label=f"L{n}", day=day_of(n), maybe=None if n % 7 == 0 else n % 10)
            db.Pair(a=n % 50, b=f"b{n}")
    return db


def ids_of(items):
    return sorted(item.id for item in items)


def sqlite_parameter_limit():
    return sqlite3.connect(":memory:").getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)


@pytest.mark.parametrize("size", [17, 100_000, 300_000])
def test_in_and_not_in_a_long_list_of_ints(db, size):
    # the odd ids that exist, and (for the long lists) as many more that do not
    ids = list(range(1, min(2 * size, ROWS + 1), 2))
    ids += list(range(-(size - len(ids)), 0))
    assert len(ids) == size
    if size == 300_000:
        assert size > max(sqlite_parameter_limit(), 65_535)  # past SQLite's and PostgreSQL's limit
    wanted = set(ids)
    with db_session:
        assert ids_of(select(i for i in db.Item if i.id in ids)) == sorted(wanted & set(range(1, ROWS + 1)))
        assert ids_of(select(i for i in db.Item if i.id not in ids)) == sorted(set(range(1, ROWS + 1)) - wanted)
        assert select(i for i in db.Item if i.id in ids).count() == len(wanted & set(range(1, ROWS + 1)))


def test_a_long_list_combined_with_other_conditions(db):
    ids = list(range(0, 200_000, 3))
    with db_session:
        got = ids_of(select(i for i in db.Item if i.id in ids and i.value < 50 or i.value == 99))
        assert got == sorted(n for n in range(1, ROWS + 1) if n % 3 == 0 and n % 100 < 50 or n % 100 == 99)
        got = ids_of(select(i for i in db.Item if i.value > 90 and i.id not in ids))
        assert got == sorted(n for n in range(1, ROWS + 1) if n % 100 > 90 and n % 3 != 0)


def test_none_in_a_list_parameter_is_refused_at_any_length(db):
    # Pony 0.7.20 refuses a list variable holding None (TypeError); a long list is no exception
    with db_session:
        for values in ([3, None], [3] + [None] * 20, [3, 4] * 20 + [None], [None] * 30):
            with pytest.raises(TypeError, match="should not contain None values"):
                select(i for i in db.Item if i.maybe in values)[:]
            with pytest.raises(TypeError, match="should not contain None values"):
                select(i for i in db.Item if i.maybe not in values)[:]


def test_long_lists_of_strings_dates_and_sets(db):
    labels = [f"L{n}" for n in range(0, 100_000, 5)]
    days = [day_of(n) for n in range(0, 40)]
    ids = set(range(0, 100_000, 4))
    with db_session:
        assert ids_of(select(i for i in db.Item if i.label in labels)) == list(range(5, ROWS + 1, 5))
        assert ids_of(select(i for i in db.Item if i.day in days)) == \
            [n for n in range(1, ROWS + 1) if n % 400 < 40]
        assert ids_of(select(i for i in db.Item if i.id in ids)) == list(range(4, ROWS + 1, 4))
        assert ids_of(select(i for i in db.Item if i.id in ids and i.label not in labels)) == \
            [n for n in range(4, ROWS + 1, 4) if n % 5]


def test_a_long_list_of_objects(db):
    with db_session:
        some = select(i for i in db.Item if i.value < 30)[:]
        assert len(some) > 500
        assert ids_of(select(i for i in db.Item if i in some)) == ids_of(some)
        assert ids_of(select(i for i in db.Item if i not in some)) == \
            sorted(set(range(1, ROWS + 1)) - set(ids_of(some)))


def test_a_long_list_of_composite_keys_as_tuples_and_objects(db):
    pairs = [(n % 50, f"b{n}") for n in range(0, 50_000, 2)]
    existing = {(n % 50, f"b{n}") for n in range(1, ROWS + 1)}
    with db_session:
        got = {(p.a, p.b) for p in select(p for p in db.Pair if (p.a, p.b) in pairs)}
        assert got == existing & set(pairs)
        got = {(p.a, p.b) for p in select(p for p in db.Pair if (p.a, p.b) not in pairs)}
        assert got == existing - set(pairs)
        objects = select(p for p in db.Pair if p.a < 10)[:]
        got = {(p.a, p.b) for p in select(p for p in db.Pair if p in objects)}
        assert got == {(p.a, p.b) for p in objects}


def test_lambda_filter_and_bulk_delete_with_long_lists(db):
    ids = list(range(0, 100_000, 6))
    with db_session:
        assert ids_of(db.Item.select(lambda i: i.id in ids)) == list(range(6, ROWS + 1, 6))
        assert ids_of(db.Item.select().filter(lambda i: i.id not in ids and i.value < 10)) == \
            [n for n in range(1, ROWS + 1) if n % 6 and n % 100 < 10]
        deleted = delete(i for i in db.Item if i.id in ids)
        assert deleted == ROWS // 6
        assert db.Item.select(lambda i: i.id in ids).count() == 0
        assert db.Item.select().count() == ROWS - ROWS // 6
        assert db.Item.select(lambda i: i.id not in ids).delete(bulk=True) == ROWS - ROWS // 6
        assert db.Item.select().count() == 0
        rollback()
    with db_session:
        assert db.Item.select().count() == ROWS


def test_one_translation_serves_every_length(db):
    def run(ids):
        return select(i.id for i in db.Item if i.id in ids).count()

    with db_session:
        assert run(list(range(20))) == 19
        before = translation_count()
        for size in (21, 500, 100_000):
            assert run(list(range(size))) == min(size - 1, ROWS)
        assert translation_count() == before


def test_a_long_list_of_the_wrong_type_fails_like_a_short_one(db):
    with db_session:
        for size in (2, 40):
            numbers = list(range(size))
            with pytest.raises(IncomparableTypesError):
                select(i for i in db.Item if i.day in numbers)[:]


def test_long_lists_that_cannot_be_one_parameter_still_work(db):
    # tuples holding None, or mixing tuples and numbers, get a parameter per item as short lists do
    pairs = [(n, None) for n in range(20)] + [(1, "b1"), (2, "b2")]
    with db_session:
        got = {(p.a, p.b) for p in select(p for p in db.Pair if (p.a, p.b) in pairs)}
        assert got == {(1, "b1"), (2, "b2")}
