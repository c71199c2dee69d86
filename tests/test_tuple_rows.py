"""Tuples of columns read back: the values and types a program gets, whichever way a row is read.

A query of plain columns reads each row into a tuple. Where the driver already gives every
column's Python type (PostgreSQL, MySQL), the driver's row is kept as the tuple; a value of
another type (an int for a bool on MySQL, a date as text on SQLite) is converted, on every row.
"""

from __future__ import annotations

import datetime

import pytest

from pony.orm import Optional, Required, db_session, select

BASE = datetime.datetime(2024, 5, 6, 7, 8, 9)
ROWS = 60  # past the count from which a generated reader reads the rows


def define(db):
    class Reading(db.Entity):
        n = Required(int)
        flag = Required(bool)
        at = Required(datetime.datetime)
        price = Required(float)
        label = Optional(str, nullable=True)


def expected(n: int) -> tuple:
    return (n, n % 2 == 0, BASE + datetime.timedelta(minutes=n), n / 4, None if n % 7 == 0 else f"r{n}")


@pytest.fixture(scope="module")
def db(backend_module):
    db = backend_module.make_db(define)
    with db_session:
        for n in range(ROWS):
            _, flag, at, price, label = expected(n)
            db.Reading(n=n, flag=flag, at=at, price=price, label=label)
    return db


def typed(rows: list) -> list:
    return [tuple((type(v), v) for v in row) for row in rows]


@db_session
def test_rows_of_columns_come_back_with_their_python_types(db):
    rows = select((r.n, r.flag, r.at, r.price, r.label) for r in db.Reading).order_by(1)[:]
    assert typed(rows) == typed([expected(n) for n in range(ROWS)])
    assert all(type(row) is tuple for row in rows)


@db_session
def test_columns_in_another_order_and_a_computed_one(db):
    rows = select((r.label, r.n * 2, r.flag, r.n) for r in db.Reading).order_by(4)[:]
    assert typed(rows) == typed([(e[4], e[0] * 2, e[1], e[0]) for e in map(expected, range(ROWS))])


@db_session
def test_a_few_rows_read_item_by_item_give_the_same(db):
    rows = select((r.n, r.flag, r.at) for r in db.Reading if r.n < 5).order_by(1)[:]
    assert typed(rows) == typed([expected(n)[:3] for n in range(5)])
