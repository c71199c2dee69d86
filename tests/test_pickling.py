"""Pickling entity instances and collections (SPEC 3.5)."""

from __future__ import annotations

import pickle

import pytest

from pony.orm import (
    Database,
    OperationWithDeletedObjectError,
    OrmError,
    Required,
    Set,
    TransactionError,
    db_session,
    flush,
)


def define(db: Database) -> None:
    class Owner(db.Entity):
        name = Required(str)
        cars = Set("Car")

    class Car(db.Entity):
        model = Required(str)
        owner = Required(Owner)


@pytest.fixture
def db(backend):
    db = backend.make_db(define)
    with db_session:
        o = db.Owner(name="Ann")
        db.Car(model="A", owner=o)
        db.Car(model="B", owner=o)
    return db


# pickle.loads needs the classes importable by name: register this test's entities here
def _register(db) -> None:
    globals()["Owner"], globals()["Car"] = db.Owner, db.Car
    db.Owner.__qualname__, db.Car.__qualname__ = "Owner", "Car"
    db.Owner.__module__ = db.Car.__module__ = __name__


def test_loaded_object_round_trip_without_sql(db):
    _register(db)
    with db_session:
        data = pickle.dumps(db.Owner[1])
    with db_session:
        db.merge_local_stats()
        owner = pickle.loads(data)
        assert owner.name == "Ann" and owner._status_ == "loaded"
        assert db.Owner[1] is owner  # it joined the identity map
        assert not [sql for sql in db.local_stats if sql]  # no query was needed
    with db_session:
        existing = db.Owner[1]
        existing.name  # noqa: B018
        assert pickle.loads(data) is existing


def test_related_objects_and_collections(db):
    _register(db)
    with db_session:
        owner = db.Owner[1]
        data = pickle.dumps((db.Car[1], owner.cars))
    with db_session:
        car, cars = pickle.loads(data)
        assert car.owner is db.Owner[1]
        db.merge_local_stats()
        assert {c.model for c in cars} == {"A", "B"}
        assert repr(cars) == "<CarSet Owner[1].cars>"
        assert not [sql for sql in db.local_stats if sql]


def test_objects_that_cannot_be_pickled(db):
    _register(db)
    with db_session:
        new = db.Owner(name="new")
        with pytest.raises(OrmError, match=r"^Created object Owner\[new:\d+\] has to be stored in DB before it can be "
                                           r"pickled$"):
            pickle.dumps(new)
        owner = db.Owner[1]
        owner.name = "changed"
        with pytest.raises(OrmError, match=r"^Modified object Owner\[1\] has to be stored in DB before it can be "
                                           r"pickled$"):
            pickle.dumps(owner)
        flush()
        assert pickle.loads(pickle.dumps(owner)) is owner
        car = db.Car[1]
        car.delete()
        with pytest.raises(OperationWithDeletedObjectError, match=r"^Deleted object Car\[1\] cannot be pickled$"):
            pickle.dumps(car)


def test_unpickling_needs_a_session(db):
    _register(db)
    with db_session:
        data = pickle.dumps(db.Owner[1])
    with pytest.raises(TransactionError, match="db_session is required"):
        pickle.loads(data)
