"""left_join keeps the rows an inner join drops: outer rows with empty collections (between loops) and
objects whose optional relation is None (through attributes), on every backend."""

from __future__ import annotations

import pytest

from pony.orm import Optional, Required, Set, count, db_session, left_join, select


def define_entities(db):
    class Dept(db.Entity):
        name = Required(str)
        groups = Set("Grp")

    class Grp(db.Entity):
        number = Required(int)
        dept = Required(Dept)
        students = Set("Pupil")

    class Tutor(db.Entity):
        name = Required(str)
        pupils = Set("Pupil")

    class Pupil(db.Entity):
        name = Required(str)
        group = Required(Grp)
        tutor = Optional(Tutor)


@pytest.fixture(scope="module")
def db(backend_module):  # these tests only read
    db = backend_module.make_db(define_entities)
    E = db.entities
    with db_session:
        math, phys = E["Dept"](name="Math"), E["Dept"](name="Physics")
        E["Dept"](name="Art")  # no groups at all
        g1 = E["Grp"](number=1, dept=math)
        E["Grp"](number=2, dept=math)  # no pupils
        g3 = E["Grp"](number=3, dept=phys)
        t = E["Tutor"](name="T")
        E["Tutor"](name="Idle")  # no pupils
        E["Pupil"](name="A", group=g1, tutor=t)
        E["Pupil"](name="B", group=g1)  # no tutor
        E["Pupil"](name="C", group=g3, tutor=t)
    return db


def test_empty_collection_between_loops_keeps_outer_row(db):
    with db_session:
        rows = left_join((d.name, g.number) for d in db.Dept for g in d.groups)[:]
        assert sorted(rows, key=repr) == [("Art", None), ("Math", 1), ("Math", 2), ("Physics", 3)]
        inner = select((d.name, g.number) for d in db.Dept for g in d.groups)[:]
        assert sorted(inner) == [("Math", 1), ("Math", 2), ("Physics", 3)]


def test_three_loops_keep_every_level(db):
    with db_session:
        rows = left_join((d.name, g.number, p.name) for d in db.Dept for g in d.groups for p in g.students)[:]
        assert sorted(rows, key=repr) == [
            ("Art", None, None), ("Math", 1, "A"), ("Math", 1, "B"), ("Math", 2, None), ("Physics", 3, "C"),
        ]


def test_reverse_collection_loop_keeps_idle_tutor(db):
    with db_session:
        rows = left_join((t.name, p.name) for t in db.Tutor for p in t.pupils)[:]
        assert sorted(rows, key=repr) == [("Idle", None), ("T", "A"), ("T", "C")]


def test_count_over_left_join_counts_zero(db):
    with db_session:
        rows = left_join((d.name, count(g)) for d in db.Dept for g in d.groups)[:]
        assert sorted(rows) == [("Art", 0), ("Math", 2), ("Physics", 1)]


def test_condition_on_missing_side_finds_empty_outer(db):
    with db_session:
        found = left_join(d for d in db.Dept for g in d.groups if g.number is None)[:]
        assert [d.name for d in found] == ["Art"]


def test_attribute_of_none_relation_is_none(db):
    with db_session:
        rows = left_join((p.name, p.tutor.name) for p in db.Pupil)[:]
        assert sorted(rows, key=repr) == [("A", "T"), ("B", None), ("C", "T")]
        # select() joins the same attribute with an inner join: the pupil without a tutor drops out
        assert sorted(select((p.name, p.tutor.name) for p in db.Pupil)[:]) == [("A", "T"), ("C", "T")]


def test_attributes_through_loop_and_relation_together(db):
    with db_session:
        rows = left_join((g.number, g.dept.name, p.tutor.name) for g in db.Grp for p in g.students)[:]
        assert sorted(rows, key=repr) == [(1, "Math", "T"), (1, "Math", None), (2, "Math", None), (3, "Physics", "T")]


def test_related_object_result_is_none_when_missing(db):
    with db_session:
        rows = left_join((p.name, p.tutor) for p in db.Pupil)[:]
        assert sorted((name, tutor.name if tutor else None) for name, tutor in rows) == [
            ("A", "T"), ("B", None), ("C", "T"),
        ]
