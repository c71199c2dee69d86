"""select() basics: loops, joins, attribute lifting, results, DISTINCT rules, left_join."""

from __future__ import annotations

import pytest

from pony.orm import db_session, left_join, select
from tests.query_models import define_entities, populate


@pytest.fixture(scope="module")
def db(backend_module):  # one populated database per module: these tests only read
    db = backend_module.make_db(define_entities)
    populate(db)
    return db


def names(objs):
    return sorted(o.name for o in objs)


def test_select_all_and_condition(db):
    Student = db.Student
    with db_session:
        assert names(select(s for s in Student)) == ["Alice", "Bob", "Carol", "Dan_%"]
        assert names(select(s for s in Student if s.gpa > 3)) == ["Alice", "Bob"]
        assert names(Student.select(lambda s: s.gpa < 3)) == ["Carol"]
        assert names(Student.select("lambda s: s.gpa < 3")) == ["Carol"]
        assert names(select("s for s in Student if s.gpa >= 4")) == ["Bob"]


def test_inheritance_queries_return_subclasses(db):
    with db_session:
        people = select(p for p in db.Person)[:]
        assert len(people) == 6
        assert {type(p).__name__ for p in people} == {"Student", "Teacher"}
        assert names(select(t for t in db.Teacher)) == ["Prof A", "Prof B"]


def test_value_results_are_distinct(db):
    Student = db.Student
    with db_session:
        assert sorted(select(s.group.number for s in Student)) == [101, 102, 201]
        assert sorted(select(s.mentor.name for s in Student)) == ["Prof A", "Prof B"]
        assert select(s.group.number for s in Student).without_distinct().count() >= 3
        assert len(select(s.group.number for s in Student).without_distinct()[:]) == 4


def test_tuple_results(db):
    Student = db.Student
    with db_session:
        rows = select((s.name, s.group.number) for s in Student if s.group.dept.name == "Math")[:]
        assert sorted(rows) == [("Alice", 101), ("Bob", 101), ("Carol", 102)]
        rows = select((s, s.group) for s in Student if s.name == "Carol")[:]
        assert [(s.name, g.number) for s, g in rows] == [("Carol", 102)]


def test_several_loops_join_through_collections(db):
    with db_session:
        rows = select((s.name, c.name) for s in db.Student for c in s.courses)[:]
        assert sorted(rows) == [
            ("Alice", "Calculus"),
            ("Alice", "Topology"),
            ("Bob", "Calculus"),
            ("Carol", "Lasers"),
            ("Carol", "Topology"),
        ]
        depts = select(d for d in db.Department for g in d.groups for s in g.students if s.gpa > 3)[:]
        assert [d.name for d in depts] == ["Math"]  # automatic DISTINCT


def test_select_related_object(db):
    with db_session:
        groups = select(s.group for s in db.Student if s.gpa is not None)[:]
        assert sorted(g.number for g in groups) == [101, 102]


def test_cross_product_with_condition(db):
    with db_session:
        rows = select((s.name, t.name) for s in db.Student for t in db.Teacher if s.mentor == t)[:]
        assert sorted(rows) == [("Alice", "Prof A"), ("Bob", "Prof A"), ("Carol", "Prof B")]


def test_left_join(db):
    with db_session:
        rows = left_join((g.number, s) for g in db.Group for s in g.students if g.dept.name == "Physics")[:]
        assert [(n, s.name) for n, s in rows] == [(201, "Dan_%")]
        rows = left_join((d.name, g) for d in db.Department for g in d.groups)[:]
        assert len(rows) == 3


def test_iterating_a_query(db):
    with db_session:
        good = select(s for s in db.Student if s.gpa > 3)
        assert names(select(s for s in good if s.name.startswith("A"))) == ["Alice"]
        assert sorted(select(s.group.number for s in good)) == [101]


def test_iterating_collection_of_object(db):
    with db_session:
        g = db.Group[101]
        assert names(select(s for s in g.students if s.gpa > 3.7)) == ["Bob"]
        assert names(g.students.select(lambda s: s.gpa < 3.7)) == ["Alice"]
        assert names(g.students.filter(name="Bob")) == ["Bob"]
        assert g.students.select().count() == 2


def test_entity_select_forms(db):
    Student = db.Student
    with db_session:
        assert names(Student.select(name="Bob")) == ["Bob"]
        assert names(Student.select(group=db.Group[102])) == ["Carol"]
        assert names(Student.select(tel=None)) == ["Bob", "Carol", "Dan_%"]
        with pytest.raises(TypeError):
            Student.select(lambda a, b: a)


def test_iterating_entity_outside_query_raises(offline_db):  # fails while translating: runs once
    db = offline_db
    with db_session:
        with pytest.raises(TypeError, match="Use select"):
            for _ in db.Student:
                pass


def test_bad_iteration_source():  # fails while translating, whatever the database: runs once
    with db_session:
        with pytest.raises(TypeError, match="Query can only iterate over entity or another query"):
            select(x for x in [1, 2, 3])


def test_outer_variables_are_parameters(db):
    Student = db.Student
    with db_session:
        for name in ("Alice", "x' OR '1'='1"):
            result = select(s for s in Student if s.name == name)[:]
            assert len(result) == (1 if name == "Alice" else 0)
        q = select(s for s in Student if s.name == name)
        assert "OR" not in q.get_sql()


def test_closure_and_object_parameters(db):
    with db_session:
        g = db.Group[101]

        def by_group(group):
            return select(s.name for s in db.Student if s.group == group)[:]

        assert sorted(by_group(g)) == ["Alice", "Bob"]
        assert sorted(by_group(db.Group[102])) == ["Carol"]
        t = db.Teacher.get(name="Prof A")
        assert names(select(s for s in db.Student if s.mentor == t)) == ["Alice", "Bob"]
        assert names(select(s for s in db.Student if s.mentor != t)) == ["Carol"]


def test_attribute_of_outer_object_is_evaluated(db):
    with db_session:
        alice = db.Student.get(name="Alice")
        assert names(select(s for s in db.Student if s.gpa > alice.gpa)) == ["Bob"]
