"""Queries that once returned wrong rows, where Pony 0.7.20 itself answers wrongly (so they are not
parity programs): wildcards and backslashes in substring tests, nested windows, windows with their
own filter, slices as loop sources. The rest of these items is compared with Pony in
tests/parity/programs/wrong_results.py. Every expected value here is what Python says."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pony.orm import Required, Set, count, db_session, desc, select

CODES = ["a%b", "a_b", "axb", "100%", "x\\b", "b!c", "ab\\", "%_\\"]


def define_entities(db):
    class Item(db.Entity):
        code = Required(str)
        rank = Required(int)
        price = Required(Decimal, 10, 2)
        tags = Set("Tag")

    class Tag(db.Entity):
        name = Required(str)
        items = Set(Item)


@pytest.fixture(scope="module")
def db(backend_module):
    db = backend_module.make_db(define_entities)
    with db_session:
        tags = [db.Tag(name="t%"), db.Tag(name="x_b and x\\b")]
        for rank, code in enumerate(CODES, start=1):
            db.Item(code=code, rank=rank, price=Decimal(rank * 10), tags=tags[: rank % 3])
    return db


def codes(items):
    return sorted(item.code for item in items)


def expected(test):
    return sorted(code for code in CODES if test(code))


@pytest.mark.parametrize("needle", ["%", "_", "\\", "!", "a%", "a_b", "x\\b", "%_\\", "\\b"])
def test_substring_with_wildcards_is_literal(db, needle):
    Item = db.Item
    with db_session:
        assert codes(select(i for i in Item if needle in i.code)) == expected(lambda c: needle in c)
        assert codes(select(i for i in Item if needle not in i.code)) == expected(lambda c: needle not in c)
        assert codes(select(i for i in Item if i.code.startswith(needle))) == expected(lambda c: c.startswith(needle))
        assert codes(select(i for i in Item if i.code.endswith(needle))) == expected(lambda c: c.endswith(needle))


@pytest.mark.parametrize("literal", ["\\", "%", "_\\"])
def test_substring_constants_without_parameters(db, literal):
    """A query without any parameter sends its SQL text as it is: no doubled %."""
    Item = db.Item
    with db_session:
        if literal == "\\":
            found = select(i for i in Item if "\\" in i.code)
        elif literal == "%":
            found = select(i for i in Item if i.code.endswith("%"))
        else:
            found = select(i for i in Item if i.code.startswith("_\\") or "_\\" in i.code)
        assert codes(found) == expected(lambda c: literal in c if literal != "%" else c.endswith("%"))


def test_attribute_in_attribute_is_literal(db):
    Item, Tag = db.Item, db.Tag
    with db_session:
        pairs = select((i.code, t.name) for i in Item for t in Tag if i.code in t.name)[:]
        items = list(Item.select())
        tags = list(Tag.select())
        assert sorted(pairs) == sorted({(i.code, t.name) for i in items for t in tags if i.code in t.name})


def _by_rank(Item):
    return select(i for i in Item).order_by(Item.rank)


def test_nested_windows(db):
    Item = db.Item
    with db_session:
        inner = select(i for i in _by_rank(Item).limit(5)).order_by(lambda i: desc(i.rank)).limit(2, offset=1)
        assert sorted(select(i.rank for i in inner)) == [3, 4]
        inner = select(i for i in _by_rank(Item).limit(5, offset=1) if i.price > 20)
        inner = inner.order_by(lambda i: desc(i.rank)).limit(2)
        assert sorted(select(i.rank for i in inner)) == [5, 6]


def test_window_with_a_filter_of_the_outer_query(db):
    Item = db.Item
    with db_session:
        assert sorted(select(i.rank for i in _by_rank(Item).limit(4) if i.rank % 2 == 0)) == [2, 4]
        assert select(i for i in _by_rank(Item).limit(3, offset=2)).count() == 3


def test_slice_as_a_loop_source_keeps_its_window(db):
    """Pony raises TypeError here (a slice is a list); this project keeps the window."""
    Item = db.Item
    with db_session:
        assert sorted(select(i.rank for i in _by_rank(Item)[:3])) == [1, 2, 3]
        assert sorted(select(i.rank for i in _by_rank(Item)[2:5])) == [3, 4, 5]
        assert sorted(select(i.rank for i in _by_rank(Item)[6:])) == [7, 8]


def test_window_parameters_change_between_calls(db):
    Item = db.Item
    with db_session:
        for size in (1, 2, 3):
            window = _by_rank(Item).limit(size, offset=size)
            assert sorted(select(i.rank for i in Item if i in window)) == list(range(size + 1, 2 * size + 1))


def test_window_in_sql_is_a_derived_table(db):
    Item = db.Item
    with db_session:
        sql = select(i for i in Item if i in _by_rank(Item).limit(2)).get_sql()
        assert "LIMIT" in sql.upper() and sql.upper().count("SELECT") == 3


def test_conditional_count_sql_counts_rows_where_true(db):
    with db_session:
        query = select((t, count(i.price > 30)) for t in db.Tag for i in t.items)
        assert "CASE WHEN" in query.get_sql().upper()
        by_tag = {t.name: n for t, n in query}
        assert by_tag == {t.name: sum(1 for i in t.items if i.price > 30) for t in db.Tag.select()}


def test_aggregate_conjunct_goes_to_having_only(db):
    Tag = db.Tag
    with db_session:
        query = select((t, count(i)) for t in Tag for i in t.items if i.rank > 2 and count(i) > 1)
        sql = query.get_sql().upper()
        having = sql[sql.index("HAVING"):]
        assert "RANK" not in having and "COUNT" in having
        expected_rows = {}
        for t in Tag.select():
            n = sum(1 for i in t.items if i.rank > 2)
            if n > 1:
                expected_rows[t.name] = n
        assert {t.name: n for t, n in query} == expected_rows
