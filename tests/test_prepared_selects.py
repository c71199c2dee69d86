"""Queries whose parameters are all ints may run on a prepared statement (PostgreSQL, psycopg 3):
each parameter is typed as the same number written in the SQL would be, so arithmetic,
functions and large values give what client-side binding gives. Every query runs more times than
psycopg's prepare threshold (5), so the prepared statement itself answers the last calls."""

from __future__ import annotations

from typing import Any

import pytest

from pony.orm import Required, count, db_session, select

REPEAT = 8


def define(db: Any) -> None:
    class Gauge(db.Entity):
        name = Required(str)
        small = Required(int, size=16)
        big = Required(int, size=64)


@pytest.fixture
def db(backend: Any) -> Any:
    database = backend.make_db(define)
    with db_session:
        database.Gauge(name="alpha", small=30000, big=2 ** 40)
        database.Gauge(name="bravo", small=-30000, big=-(2 ** 40))
        database.Gauge(name="charlie", small=7, big=7)
    return database


def test_an_int_parameter_added_to_a_smallint_column_does_not_overflow(db: Any) -> None:
    step = 30000  # smallint + smallint would overflow; the SQL literal is an integer
    for _ in range(REPEAT):
        with db_session:
            assert sorted(g.name for g in select(g for g in db.Gauge if g.small + step > 50000)) == ["alpha"]


def test_int_parameters_of_a_string_function(db: Any) -> None:
    start, stop = 1, 4
    for _ in range(REPEAT):
        with db_session:
            assert sorted(select(g.name[start:stop] for g in db.Gauge)) == ["har", "lph", "rav"]


def test_parameters_beyond_the_integer_range(db: Any) -> None:
    limit = 2 ** 35
    for _ in range(REPEAT):
        with db_session:
            assert count(g for g in db.Gauge if g.big > limit) == 1
            assert count(g for g in db.Gauge if g.big < -limit) == 1


def test_an_int_parameter_in_limit_and_offset(db: Any) -> None:
    size, skip = 2, 1
    for _ in range(REPEAT):
        with db_session:
            names = select(g.name for g in db.Gauge).order_by(lambda n: n)[skip:skip + size]
            assert list(names) == ["bravo", "charlie"]
