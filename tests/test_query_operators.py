"""Operators inside queries: comparisons, None, objects, tuples, logic, arithmetic, CASE, IN."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pony.orm import db_session, select
from pony.orm.errors import IncomparableTypesError
from pony.orm.sqltranslation import IncomparableTypesError as CompatIncomparable
from tests.query_models import define_entities, populate


@pytest.fixture(scope="module")
def db(backend_module):  # one populated database per module: these tests only read
    db = backend_module.make_db(define_entities)
    populate(db)
    return db


def names(objs):
    return sorted(o.name for o in objs)


def test_comparisons_and_chained(db):
    S = db.Student
    with db_session:
        assert names(select(s for s in S if 2.5 < s.gpa <= 4.0)) == ["Alice", "Bob"]
        assert names(select(s for s in S if s.gpa != 3.5)) == ["Bob", "Carol"]
        assert names(select(s for s in S if s.name >= "C")) == ["Carol", "Dan_%"]


def test_none_checks(db):
    S = db.Student
    with db_session:
        assert names(select(s for s in S if s.gpa is None)) == ["Dan_%"]
        assert names(select(s for s in S if s.mentor is not None)) == ["Alice", "Bob", "Carol"]
        assert names(select(s for s in S if s.mentor == None)) == ["Dan_%"]  # noqa: E711
        x = None
        assert names(select(s for s in S if s.tel == x)) == ["Bob", "Carol", "Dan_%"]


def test_logic_and_truthiness(db):
    S = db.Student
    with db_session:
        assert names(select(s for s in S if s.gpa > 3 and s.name != "Bob" or s.name == "Carol")) == [
            "Alice",
            "Carol",
        ]
        assert names(select(s for s in S if not s.tel)) == ["Bob", "Carol", "Dan_%"]
        assert names(select(s for s in S if s.tel)) == ["Alice"]
        assert names(select(s for s in S if s.mentor)) == ["Alice", "Bob", "Carol"]
        assert names(select(s for s in S if not s.courses)) == ["Dan_%"]
        assert names(select(s for s in S if s.gpa if s.gpa < 3)) == ["Carol"]


def test_arithmetic(db):
    S = db.Student
    with db_session:
        assert names(select(s for s in S if s.gpa * 2 + 1 > 8)) == ["Bob"]
        assert sorted(select(c.credits // 2 for c in db.Course)) == [1, 2]
        assert sorted(select(c.credits % 3 for c in db.Course)) == [0, 1, 2]
        assert sorted(select(c.credits / 2 for c in db.Course)) == [1.5, 2.0, 2.5]
        assert sorted(select(-c.credits for c in db.Course)) == [-5, -4, -3]
        assert sorted(select(c.credits**2 for c in db.Course)) == [9, 16, 25]
        assert sorted(select(abs(c.semester - c.credits) for c in db.Course)) == [1, 3, 4]
        assert select(s.scholarship + 1 for s in S if s.name == "Alice").get() == Decimal("101.50")


def test_python_floor_division_and_modulo_of_negative_numbers(db):
    with db_session:
        rows = select((c.name, (c.semester - c.credits) // 2) for c in db.Course)[:]
        assert sorted(rows) == [("Calculus", -2), ("Lasers", -2), ("Topology", -1)]
        assert all(type(x) is int for _, x in rows)
        assert sorted(select((c.semester - c.credits) % 3 for c in db.Course)) == [0, 2]


def test_unsupported_operators(offline_db):  # fails while translating: runs once
    db = offline_db
    with db_session:
        with pytest.raises(TypeError):
            select(c for c in db.Course if c.credits | 1)[:]
        with pytest.raises(NotImplementedError):
            select(c for c in db.Course if c.credits << 1)[:]


def test_conditional_expression(db):
    with db_session:
        rows = select((s.name, "good" if s.gpa > 3 else "other") for s in db.Student)[:]
        assert sorted(rows) == [("Alice", "good"), ("Bob", "good"), ("Carol", "other"), ("Dan_%", "other")]


def test_fstrings_and_constants(db):
    with db_session:
        rows = select(f"{s.name}:{s.group.number}" for s in db.Student if s.gpa > 3)[:]
        assert sorted(rows) == ["Alice:101", "Bob:101"]
        rows = select(f"{s.name!s}" for s in db.Student if s.gpa > 3.9)[:]
        assert rows == ["Bob"]


def test_entity_comparisons(db):
    with db_session:
        g = db.Group[101]
        assert names(select(s for s in db.Student if s.group == g)) == ["Alice", "Bob"]
        assert names(select(s for s in db.Student if s.group != g)) == ["Carol", "Dan_%"]
        assert names(
            select(s for s in db.Student for t in db.Teacher if s.mentor == t and t.salary > 1500)
        ) == ["Carol"]
        with pytest.raises(IncomparableTypesError):
            select(s for s in db.Student if s.group == s.mentor)[:]


def test_incomparable_types(offline_db):  # fails while translating: runs once
    db = offline_db
    assert CompatIncomparable is IncomparableTypesError
    with db_session:
        with pytest.raises(IncomparableTypesError):
            select(s for s in db.Student if s.dob == "x" and s.name == s.dob)[:]


def test_tuples(db):
    S = db.Student
    with db_session:
        assert names(select(s for s in S if (s.name, s.group.number) == ("Bob", 101))) == ["Bob"]
        assert names(select(s for s in S if (s.name, s.group.number) in (("Bob", 101), ("Carol", 102)))) == [
            "Bob",
            "Carol",
        ]
        assert names(select(s for s in S if (s.group.number, s.name) < (102, "B"))) == ["Alice", "Bob"]
        assert names(select(s for s in S if (s.group.number, s.name) < (101, "B"))) == ["Alice"]
        assert names(select(s for s in S if (s.group.number, s.name) >= (102, "Carol"))) == ["Carol", "Dan_%"]


def test_in_lists_and_parameters(db):
    S = db.Student
    with db_session:
        assert names(select(s for s in S if s.name in ("Alice", "Bob"))) == ["Alice", "Bob"]
        wanted = ["Carol", "Zed"]
        assert names(select(s for s in S if s.name in wanted)) == ["Carol"]
        assert names(select(s for s in S if s.name not in wanted)) == ["Alice", "Bob", "Dan_%"]
        empty = []
        assert names(select(s for s in S if s.name in empty)) == []
        assert len(select(s for s in S if s.name not in empty)[:]) == 4
        groups = [db.Group[102], db.Group[201]]
        assert names(select(s for s in S if s.group in groups)) == ["Carol", "Dan_%"]
        assert names(select(s for s in S if s.group.number in {101})) == ["Alice", "Bob"]


def test_in_subquery_and_query(db):
    S = db.Student
    with db_session:
        math = select(g for g in db.Group if g.dept.name == "Math")
        assert names(select(s for s in S if s.group in math)) == ["Alice", "Bob", "Carol"]
        assert names(
            select(s for s in S if s.group not in select(g for g in db.Group if g.number < 102))
        ) == ["Carol", "Dan_%"]
        numbers = select(g.number for g in db.Group if g.major.startswith("G"))
        assert names(select(s for s in S if s.group.number in numbers)) == ["Carol"]


def test_object_in_collection(db):
    with db_session:
        calc = db.Course.get(name="Calculus")
        assert names(select(s for s in db.Student if calc in s.courses)) == ["Alice", "Bob"]
        assert names(select(s for s in db.Student if calc not in s.courses)) == ["Carol", "Dan_%"]
        assert names(
            select(s for s in db.Student for c in db.Course if c in s.courses and c.semester == 2)
        ) == ["Alice", "Carol"]


def test_constant_folding_and_expr_eval_error(db):
    from pony.orm import ExprEvalError

    with db_session:
        limits = {"low": 3}
        assert names(select(s for s in db.Student if s.gpa > limits["low"] + 0.5)) == ["Bob"]
        with pytest.raises(ExprEvalError, match="raises ZeroDivisionError"):
            select(s for s in db.Student if s.gpa > 1 / 0)[:]
