"""Wrong results the query oracle (tests/test_oracle.py) found, kept as plain regression tests."""

from __future__ import annotations

import pytest

from pony.orm import Optional, PrimaryKey, Required, Set, count, db_session, select


def define_entities(db):
    class Land(db.Entity):
        id = PrimaryKey(int)
        name = Required(str)
        people = Set("Dweller")

    class Dweller(db.Entity):
        id = PrimaryKey(int)
        age = Required(int)
        land = Optional(Land)


@pytest.fixture
def db(backend):
    db = backend.make_db(define_entities)
    with db_session:
        france = db.Land(id=1, name="France")
        db.Dweller(id=1, age=30, land=france)
        db.Dweller(id=2, age=30, land=france)
        db.Dweller(id=3, age=20)
    return db


def test_related_object_in_a_tuple_keeps_rows_without_one(db):
    """`p.land` inside a tuple is the foreign key (as in Pony): the person without a land is a row
    with None, not dropped by an inner join."""
    with db_session:
        rows = select((p.land, p.age) for p in db.Dweller)[:]
        assert sorted(((land and land.id) or 0, age) for land, age in rows) == [(0, 20), (1, 30)]
        groups = select((p.land, count(p)) for p in db.Dweller)[:]
        assert sorted(((land and land.name) or "-", n) for land, n in groups) == [("-", 1), ("France", 2)]


def test_related_object_alone_still_joins(db):
    """A single related object as the result is read through a join (Pony's documented semantics)."""
    with db_session:
        assert [land.name for land in select(p.land for p in db.Dweller)[:]] == ["France"]


def test_related_object_in_a_tuple_loads_when_read(db):
    with db_session:
        rows = select((p.id, p.land) for p in db.Dweller if p.id == 1)[:]
        assert [(pid, land.name) for pid, land in rows] == [(1, "France")]


def test_left_join_object_not_found_gives_none_without_a_warning(backend):
    """An object a left join finds no row for is None, with no 'Database contains NULL' warning."""
    import warnings

    def define(db):
        class Owner(db.Entity):
            id = PrimaryKey(int)
            pets = Set("Animal")

        class Animal(db.Entity):
            id = PrimaryKey(int)
            name = Required(str)
            owner = Required(Owner)

    from pony.orm import left_join

    db = backend.make_db(define)
    with db_session:
        db.Animal(id=1, name="Rex", owner=db.Owner(id=1))
        db.Owner(id=2)
    with db_session, warnings.catch_warnings():
        warnings.simplefilter("error")
        rows = left_join((o.id, a) for o in db.Owner for a in o.pets)[:]
        assert sorted((oid, a and a.name) for oid, a in rows) == [(1, "Rex"), (2, None)]
