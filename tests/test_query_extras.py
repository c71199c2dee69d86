"""Translation errors, hybrid methods and properties, raw_sql, getattr/isinstance, Json paths."""

from __future__ import annotations

import pytest

from pony.orm import TranslationError, between, coalesce, concat, db_session, raw_sql, select
from pony.orm.decompiling import InvalidQuery
from tests.query_models import define_entities, populate


@pytest.fixture(scope="module")
def db(backend_module):  # one populated database per module: these tests only read
    db = backend_module.make_db(define_entities)
    populate(db)
    return db


def names(objs):
    return sorted(o.name for o in objs)


def test_errors_quote_the_expression(db):
    with db_session:
        # Pony's class and message (pony.orm.decompiling.InvalidQuery, still a TranslationError here)
        with pytest.raises(InvalidQuery, match=r"Use generator expression .* instead of list comprehension"):
            select(s for s in db.Student if [c for c in s.courses])[:]
        with pytest.raises(AttributeError, match="does not have attribute nope"):
            select(s.nope for s in db.Student)[:]
        with pytest.raises(TypeError):
            select(s for s in db.Student if getattr(s, 1) == 1)[:]


def test_hybrid_property_and_method(db):
    with db_session:
        assert sorted(select(s.full for s in db.Student if s.gpa > 3)) == ["Alice!", "Bob!"]
        assert names(select(s for s in db.Student if s.older_than())) == ["Alice", "Dan_%"]
        assert names(select(s for s in db.Student if s.older_than(1999))) == ["Dan_%"]


def test_getattr_and_isinstance(db):
    with db_session:
        attr = "name"
        assert sorted(select(getattr(s, attr) for s in db.Student if s.gpa > 3)) == ["Alice", "Bob"]
        Student, Teacher = db.Student, db.Teacher
        assert len(select(p for p in db.Person if isinstance(p, Teacher))[:]) == 2
        assert len(select(p for p in db.Person if not isinstance(p, Student))[:]) == 2
        assert len(select(p for p in db.Person if isinstance(p, (Student, Teacher)))[:]) == 6


def test_helpers_inside_queries(db):
    with db_session:
        assert names(select(s for s in db.Student if between(s.gpa, 3, 3.9))) == ["Alice"]
        assert sorted(select(concat(s.name, "-", s.group.number) for s in db.Student if s.gpa > 3)) == [
            "Alice-101",
            "Bob-101",
        ]
        assert sorted(select(coalesce(s.tel, "none") for s in db.Student)) == ["123", "none"]
        assert between(2, 1, 3) and concat("a", 1) == "a1" and coalesce(None, 2) == 2


def test_raw_sql_inside_query(db):
    with db_session:
        x = 3.9  # noqa: F841 - read by raw_sql()
        assert names(select(s for s in db.Student if raw_sql("s.gpa > $x"))) == ["Bob"]
        assert names(select(s for s in db.Student if s.gpa > raw_sql("3.9"))) == ["Bob"]
        cond = raw_sql("s.gpa < 3")
        assert names(select(s for s in db.Student if cond)) == ["Carol"]
        rows = select((s.name, raw_sql("s.gpa * 2", result_type=float)) for s in db.Student if s.gpa > 3.9)[:]
        assert rows == [("Bob", 8.0)]


def test_json_paths(db):
    S = db.Student
    with db_session:
        assert names(select(s for s in S if s.info["city"] == "Paris")) == ["Alice"]
        assert names(select(s for s in S if s.info["age"] > 20)) == ["Alice", "Bob"]
        assert names(select(s for s in S if s.info["ok"] == True)) == ["Alice"]  # noqa: E712
        key = "age"
        assert names(select(s for s in S if s.info[key] < 20)) == ["Carol"]
        assert names(select(s for s in S if s.info["tags"][0] == "c")) == ["Bob"]
        assert names(select(s for s in S if s.info["city"] is None)) == ["Carol", "Dan_%"]
        assert names(select(s for s in S if len(s.info["tags"]) == 2)) == ["Alice"]
        assert names(select(s for s in S if "a" in s.info["tags"])) == ["Alice"]
        assert names(select(s for s in S if int(s.info["age"]) == 25)) == ["Bob"]
        assert sorted(select(str(s.info["city"]) for s in S if s.info["age"] > 20)) == ["Paris", "Rome"]
        tags = select(s.info["tags"] for s in S if s.name == "Alice").get()
        assert tags == ["a", "b"]


def test_unsupported_collection_method_error_quotes_the_users_expression(offline_db):  # fails while translating: runs once
    db = offline_db
    from pony.orm.sqltranslation import IncomparableTypesError

    with db_session:
        with pytest.raises(TranslationError) as info:
            select((g.number, s.name) for g in db.Group for s in g.students.limit(1))[:]
        assert str(info.value) == "Method limit() is not supported for collections in a query: g.students.limit(1)"
        with pytest.raises(IncomparableTypesError):
            select(s for s in db.Student if s.dob == 3)[:]
