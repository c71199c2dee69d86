"""Aggregates, automatic GROUP BY / HAVING, subqueries and collections inside queries."""

from __future__ import annotations

import pytest

from pony.orm import avg, count, db_session, desc, distinct, exists, group_concat, max, min, select, sum
from tests.query_models import define_entities, populate


@pytest.fixture(scope="module")
def db(backend_module):  # one populated database per module: these tests only read
    db = backend_module.make_db(define_entities)
    populate(db)
    return db


def names(objs):
    return sorted(o.name for o in objs)


def test_group_by_with_count(db):
    with db_session:
        rows = select((s.group.number, count(s)) for s in db.Student)[:]
        assert sorted(rows) == [(101, 2), (102, 1), (201, 1)]
        rows = select((g, count(g.students)) for g in db.Group)[:]
        assert sorted((g.number, n) for g, n in rows) == [(101, 2), (102, 1), (201, 1)]


def test_having(db):
    with db_session:
        rows = select((s.group.number, avg(s.gpa)) for s in db.Student if count(s) > 1)[:]
        assert rows == [(101, 3.75)]


def test_collection_aggregates_in_conditions(db):
    with db_session:
        assert [g.number for g in select(g for g in db.Group if count(g.students) > 1)] == [101]
        assert [g.number for g in select(g for g in db.Group if max(g.students.gpa) > 3.9)] == [101]
        assert [g.number for g in select(g for g in db.Group if len(g.students) == 0)] == []
        assert sorted(g.number for g in select(g for g in db.Group if not g.students.is_empty())) == [
            101,
            102,
            201,
        ]
        rows = select((g.number, sum(g.students.gpa)) for g in db.Group)[:]
        assert sorted(rows) == [(101, 7.5), (102, 2.5), (201, 0)]


def test_conditional_count_and_nested_generators(db):
    with db_session:
        rows = select((g.number, count(s for s in g.students if s.gpa > 3)) for g in db.Group)[:]
        assert sorted(rows) == [(101, 2), (102, 0), (201, 0)]
        good = select(
            d.name for d in db.Department if exists(s for g in d.groups for s in g.students if s.gpa > 3.9)
        )[:]
        assert good == ["Math"]
        rows = select(
            s.name for s in db.Student if s.gpa > avg(x.gpa for x in db.Student if x.group == s.group)
        )[:]
        assert rows == ["Bob"]


def test_attribute_lifting(db):
    with db_session:
        assert [d.name for d in select(d for d in db.Department if "Bob" in d.groups.students.name)] == [
            "Math"
        ]
        assert sorted(select(d.name for d in db.Department if sum(d.courses.credits) > 5)) == ["Math"]
        assert names(select(s for s in db.Student if "Lasers" in s.courses.name)) == ["Carol"]
        assert names(select(s for s in db.Student if "Lasers" in s.group.dept.courses.name)) == ["Dan_%"]


def test_collection_methods_in_query(db):
    with db_session:
        rows = select((s.name, s.courses.count()) for s in db.Student)[:]
        assert sorted(rows) == [("Alice", 2), ("Bob", 1), ("Carol", 2), ("Dan_%", 0)]
        assert names(
            select(s for s in db.Student if s.courses.select(lambda c: c.semester == 2).exists())
        ) == ["Alice", "Carol"]
        assert names(select(s for s in db.Student if s.courses.is_empty())) == ["Dan_%"]


def test_scalar_min_max(db):
    with db_session:
        assert sorted(select(max(c.semester, c.credits) for c in db.Course)) == [3, 4, 5]
        assert sorted(select(min(c.semester, c.credits, 2) for c in db.Course)) == [1, 2]


def test_aggregates_of_whole_query(db):
    with db_session:
        assert select(s.gpa for s in db.Student).sum() == 10.0
        assert select(s.gpa for s in db.Student).avg() == pytest.approx(10.0 / 3)
        assert select(s.gpa for s in db.Student).min() == 2.5
        assert select(s.gpa for s in db.Student).max() == 4.0
        assert select(s for s in db.Student).count() == 4
        assert select(s.group for s in db.Student).count() == 3
        assert select(c.credits for c in db.Course if c.credits > 10).sum() == 0
        assert select(c.credits for c in db.Course if c.credits > 10).avg() is None
        assert select(s.dob for s in db.Student).max().year == 2001
        text = select(s.name for s in db.Student if s.gpa > 3).group_concat("+")
        assert sorted(text.split("+")) == ["Alice", "Bob"]


def test_top_level_aggregate_functions(db):
    with db_session:
        assert count(s for s in db.Student if s.gpa > 3) == 2
        assert sum(c.credits for c in db.Course) == 12
        assert min(c.credits for c in db.Course) == 3
        assert max(c.credits for c in db.Course) == 5
        assert avg(c.credits for c in db.Course) == 4
        assert sorted(group_concat(c.name for c in db.Course if c.semester == 1).split(",")) == [
            "Calculus",
            "Lasers",
        ]
        assert sum(c.semester for c in db.Course) == 4
        assert select(sum(distinct(c.semester)) for c in db.Course).get() == 3


def test_top_level_functions_behave_like_builtins():
    assert sum([1, 2, 3]) == 6
    assert sum([1, 2], 10) == 13
    assert min(3, 1, 2) == 1
    assert max([3, 1, 2]) == 3
    assert min([], default=5) == 5
    assert avg([1, None, 3]) == 2
    assert avg([]) is None
    assert count([1, 1, 2]) == 2
    assert group_concat([1, 2, 3]) == "1,2,3"
    assert distinct([1, 1, 2]) == {1: 2, 2: 1}
    counter = count()
    assert next(counter) == 0 and next(counter) == 1


def test_aggregate_with_distinct(db):
    with db_session:
        assert select(c.semester for c in db.Course).without_distinct().sum() == 4
        assert select(c.semester for c in db.Course).sum(distinct=True) == 3
        assert select(c.semester for c in db.Course).count() == 2
        assert select(s for s in db.Student for c in s.courses).count() == 3
        assert select((s.name, c.semester) for s in db.Student for c in s.courses).count() == 5


def test_order_by_aggregate(db):
    with db_session:
        rows = select((g.number, count(g.students)) for g in db.Group).order_by(lambda n, c: (desc(c), n))[:]
        assert rows[0] == (101, 2)
