"""String methods, slices, LIKE escaping, dates and times inside queries."""

from __future__ import annotations

import datetime
from datetime import date, timedelta

import pytest

from pony.orm import db_session, select
from tests.query_models import define_entities, populate


@pytest.fixture(scope="module")
def db(backend_module):  # one populated database per module: these tests only read
    db = backend_module.make_db(define_entities)
    populate(db)
    return db


def names(objs):
    return sorted(o.name for o in objs)


def test_string_methods(db):
    S = db.Student
    with db_session:
        assert sorted(select(s.name.upper() for s in S if s.gpa > 3)) == ["ALICE", "BOB"]
        assert sorted(select(s.name.lower() for s in S if s.gpa > 3)) == ["alice", "bob"]
        assert names(select(s for s in S if s.name.startswith("A"))) == ["Alice"]
        assert names(select(s for s in S if s.name.endswith("ol"))) == ["Carol"]
        assert names(select(s for s in S if s.name.strip("A") == "lice")) == ["Alice"]
        assert names(select(s for s in S if s.name.lstrip("B") == "ob")) == ["Bob"]
        assert names(select(s for s in S if s.name.rstrip("e") == "Alic")) == ["Alice"]
        assert names(select(s for s in S if len(s.name) == 3)) == ["Bob"]


def test_like_is_escaped(db):
    S = db.Student
    with db_session:
        assert names(select(s for s in S if "_%" in s.name)) == ["Dan_%"]
        assert names(select(s for s in S if "%" in s.name)) == ["Dan_%"]
        part = "a_"
        assert names(select(s for s in S if part in s.name)) == []
        part = "n_"
        assert names(select(s for s in S if part in s.name)) == ["Dan_%"]
        assert names(select(s for s in S if "li" not in s.name)) == ["Bob", "Carol", "Dan_%"]
        prefix = "C"
        assert names(select(s for s in S if s.name.startswith(prefix))) == ["Carol"]


def test_slices_and_indexes(db):
    S = db.Student
    with db_session:
        assert sorted(select(s.name[1:3] for s in S if s.gpa > 3)) == ["li", "ob"]
        assert sorted(select(s.name[:2] for s in S if s.gpa > 3)) == ["Al", "Bo"]
        assert sorted(select(s.name[2:] for s in S if s.gpa > 3)) == ["b", "ice"]
        assert sorted(select(s.name[-2:] for s in S if s.gpa > 3)) == ["ce", "ob"]
        assert sorted(select(s.name[0] for s in S if s.gpa > 3)) == ["A", "B"]
        assert sorted(select(s.name[-1] for s in S if s.gpa > 3)) == ["b", "e"]
        i = 1
        assert sorted(select(s.name[i : i + 2] for s in S if s.gpa > 3)) == ["li", "ob"]


def test_concatenation(db):
    with db_session:
        assert sorted(select(s.name + "/" + s.group.major for s in db.Student if s.gpa > 3)) == [
            "Alice/Algebra",
            "Bob/Algebra",
        ]


def test_missing_parentheses(offline_db):  # fails while translating: runs once
    db = offline_db
    with db_session:
        with pytest.raises(TypeError, match="forget parentheses"):
            select(s for s in db.Student if s.name.upper == "X")[:]


def test_date_parts(db):
    S = db.Student
    with db_session:
        assert names(select(s for s in S if s.dob.year == 2000)) == ["Bob"]
        assert names(select(s for s in S if s.dob.month > 6)) == ["Carol", "Dan_%"]
        assert names(select(s for s in S if s.dob.day == 4)) == ["Alice"]
        assert names(select(s for s in S if s.registered.hour == 8)) == ["Bob"]
        assert names(select(s for s in S if s.registered.minute == 30)) == ["Alice"]
        assert names(select(s for s in S if s.registered.second == 10)) == ["Bob"]
        assert select(s.registered.date() for s in S if s.name == "Bob").get() == date(2021, 6, 7)


def test_date_constants_and_parameters(db):
    S = db.Student
    with db_session:
        assert names(select(s for s in S if s.dob < date(1999, 6, 1))) == ["Alice", "Dan_%"]
        limit = datetime.datetime(2021, 1, 1)
        assert names(select(s for s in S if s.registered > limit)) == ["Bob"]
        assert names(select(s for s in S if s.dob >= date.today() - timedelta(days=365 * 100))) == [
            "Alice",
            "Bob",
            "Carol",
            "Dan_%",
        ]
        assert names(select(s for s in S if s.registered < datetime.datetime.now())) == ["Alice", "Bob"]
        assert names(select(s for s in S if s.dob < date.today())) == ["Alice", "Bob", "Carol", "Dan_%"]


def test_date_arithmetic(db):
    S = db.Student
    with db_session:
        assert names(select(s for s in S if s.dob + timedelta(days=1) == date(1999, 1, 1))) == ["Dan_%"]
        assert names(select(s for s in S if s.dob - timedelta(days=4) == date(1999, 2, 28))) == ["Alice"]
        delta = timedelta(hours=2)
        assert names(
            select(s for s in S if s.registered + delta == datetime.datetime(2020, 1, 2, 12, 30))
        ) == ["Alice"]
        assert names(select(s for s in S if s.registered - s.registered == timedelta(0))) == ["Alice", "Bob"]
