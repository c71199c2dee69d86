"""Edge cases of the session's object handling: optimistic checks of new objects, unique-key
bookkeeping after outside changes, deleted objects and lookups, collections of new objects and
volatile collections, batched loading of lazy columns, proxies. Every test runs on SQLite,
PostgreSQL and MariaDB."""

from __future__ import annotations

import importlib

import pytest

from pony.orm import (
    ObjectNotFound,
    Optional,
    PrimaryKey,
    Required,
    Set,
    commit,
    composite_key,
    db_session,
    flush,
    make_proxy,
)


def define(db) -> None:
    class Person(db.Entity):
        name = Required(str)
        email = Optional(str, unique=True, nullable=True)
        bio = Optional(str, lazy=True)
        cars = Set("Car")
        vcars = Set("VCar", volatile=True)

    class Car(db.Entity):
        model = Required(str)
        owner = Optional(Person)

    class VCar(db.Entity):
        model = Required(str)
        owner = Optional(Person, volatile=True)

    class Acct(db.Entity):  # its first attribute is not the primary key
        name = Required(str)
        balance = Required(int)
        code = PrimaryKey(int)

    class Box(db.Entity):
        a = Required(int)
        b = Optional(int, nullable=True)
        composite_key(a, b)


@pytest.fixture
def db(backend):
    db = backend.make_db(define)
    with db_session:
        for i in range(1, 4):
            person = db.Person(id=i, name=f"p{i}", email=f"e{i}", bio=f"bio {i}")
            db.Car(id=i, model=f"car {i}", owner=person)
            db.VCar(id=i, model=f"vcar {i}", owner=person)
    return db


def statements(db, verb: str) -> int:
    """How many statements starting with ``verb`` this thread sent since the last merge."""
    return sum(stat.db_count for sql, stat in db.local_stats.items()
               if sql and sql.lstrip().upper().startswith(verb))


# --- optimistic checks ----------------------------------------------------------------------------


def test_a_saved_new_object_checks_only_what_it_read(db):
    with db_session:
        acct = db.Acct(code=1, name="x", balance=1)
        flush()
        db.execute("UPDATE acct SET name = 'y' WHERE code = 1")  # a column the program never read
        acct.balance = 20
        commit()
    with db_session:
        assert (db.Acct[1].name, db.Acct[1].balance) == ("y", 20)
