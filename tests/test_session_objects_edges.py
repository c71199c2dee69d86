"""Edge cases of the session's object handling: optimistic checks of new objects, unique-key
bookkeeping after outside changes, deleted objects and lookups, collections of new objects and
volatile collections, batched loading of lazy columns, proxies. Every test runs on SQLite,
PostgreSQL and MariaDB."""

from __future__ import annotations

import importlib
import re
from operator import attrgetter

import pytest

from pony.orm import (
    CacheIndexError,
    ObjectNotFound,
    Optional,
    PrimaryKey,
    Required,
    Set,
    TransactionIntegrityError,
    commit,
    composite_key,
    db_session,
    flush,
    make_proxy,
    rollback,
    select,
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

    class Pair(db.Entity):
        x = Required(int)
        y = Required(str)
        note = Optional(str, lazy=True)
        PrimaryKey(x, y)


@pytest.fixture
def db(backend):
    db = backend.make_db(define)
    with db_session:
        for i in range(1, 4):
            person = db.Person(name=f"p{i}", email=f"e{i}", bio=f"bio {i}")
            db.Car(model=f"car {i}", owner=person)
            db.VCar(model=f"vcar {i}", owner=person)
            flush()  # ids 1, 2, 3 in this order
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


# --- unique keys ------------------------------------------------------------------------------


def test_an_object_whose_unique_value_changed_outside_can_be_deleted(db):
    with db_session:
        person = db.Person[1]
        db.execute("UPDATE person SET email = 'changed' WHERE id = 1")
        db.Person.select()[:]  # reads the new email into the object
        person.delete()
        commit()
    with db_session:
        assert sorted(p.email for p in db.Person.select()) == ["e2", "e3"]


def test_creating_a_duplicate_of_a_unique_value_read_through_a_relation_fails_at_once(db):
    with db_session:
        assert db.Car[2].owner.name == "p2"  # loads the owner, known before only by its key
        with pytest.raises(CacheIndexError, match=re.escape(
                "Cannot create Person: value 'e2' for key email already exists")):
            db.Person(name="duplicate", email="e2")


# --- deleted objects and lookups ------------------------------------------------------------------


def test_an_object_marked_to_delete_is_not_found_by_key(db):
    with db_session:
        db.Person[1].delete()
        with pytest.raises(ObjectNotFound, match=r"^Person\[1\]$"):
            db.Person[1]
        assert db.Person.get(id=1) is None
        assert not db.Person.exists(id=1)


def test_an_object_deleted_while_streaming_stays_deleted(db):
    Person = db.Person
    with db_session:
        for i in range(4, 7):
            Person(name=f"p{i}", email=f"e{i}")
    with db_session:
        seen = []
        for person in Person.select().order_by(Person.id).stream(batch_size=2):
            seen.append(person.id)
            if person.id == 1:
                person.delete()
                flush()
        assert seen == [1, 2, 3, 4, 5, 6]
        assert Person.get(id=1) is None
    with db_session:
        assert sorted(p.id for p in Person.select()) == [2, 3, 4, 5, 6]


def test_a_streamed_object_with_a_null_in_its_composite_key_leaves_the_session(db):
    Box = db.Box
    with db_session:
        for i in range(1, 5):
            Box(a=i, b=None)
    with db_session:
        box = Box[1]
        db.execute("UPDATE box SET b = 5 WHERE id = 1")
        del box  # nothing refers to it now: the stream may drop it
        ids = list(map(attrgetter("id"), Box.select().order_by(Box.id).stream(batch_size=1)))
        assert ids == [1, 2, 3, 4]
        db.merge_local_stats()
        assert Box[1].b == 5
        assert statements(db, "SELECT") == 1  # read again: it had left the session


def test_a_lookup_by_attribute_sees_unsaved_changes(db):
    with db_session:
        person = db.Person[2]
        person.name = "renamed"
        assert db.Person.get(name="renamed") is person
        assert db.Person.get(name="p2") is None


def test_loading_a_related_object_saves_pending_changes_first(db):
    with db_session:
        car = db.Car[1]
        db.Person(name="duplicate", email="e3")  # its row breaks the unique constraint
        with pytest.raises(TransactionIntegrityError,
                           match=r"^Object Person\[new:\d+\] cannot be stored in the database\. IntegrityError: "):
            car.owner.name  # noqa: B018
        rollback()
    with db_session:
        assert db.Person.select().count() == 3


def test_make_proxy_reads_the_object_in_a_later_session(db):
    with db_session:
        proxy = make_proxy(db.Person[2])
    with db_session:
        assert proxy.name == "p2"
        assert proxy.email == "e2"


# --- collections ------------------------------------------------------------------------------


def test_the_collection_of_a_new_object_is_empty_without_a_query(db):
    with db_session:
        person = db.Person(name="new")
        db.merge_local_stats()
        assert len(person.cars) == 0 and person.cars.count() == 0 and list(person.cars) == []
        assert statements(db, "SELECT") == 0 and statements(db, "INSERT") == 0


def test_reloading_a_volatile_collection_keeps_the_items_known_before(db):
    with db_session:
        person = db.Person[1]
        person.vcars.load()
        db.execute("UPDATE vcar SET owner = NULL WHERE id = 1")
        person.vcars.load()
        assert sorted(car.id for car in person.vcars) == [1]


def test_a_collection_prints_its_saved_items_first_and_new_ones_last(db):
    with db_session:
        person = db.Person[1]
        assert str(person.cars) == "CarSet([Car[1]])"
        db.Car(model="new", owner=person)
        db.Car(id=10, model="ten", owner=person)
        assert re.fullmatch(r"CarSet\(\[Car\[1\], Car\[10\], Car\[new:\d+\]\]\)", str(person.cars))


def test_collections_of_different_owners_compare_by_items(db):
    with db_session:
        first, second = db.Person[1], db.Person[2]
        assert first.cars != second.cars
        assert not first.cars == second.cars
        assert first.cars == first.cars
        db.Car[2].owner = first
        second_cars = set(first.cars)
        assert first.cars == second_cars and first.cars != second.cars


# --- batched loading --------------------------------------------------------------------------


def test_prefetching_a_lazy_column_of_tuple_results_reads_it_in_one_query(db):
    Person = db.Person
    with db_session:
        db.merge_local_stats()
        rows = select((p, p.name) for p in Person).prefetch(Person.bio).order_by(1)[:]
        assert statements(db, "SELECT") == 2  # the rows, then the lazy column of all of them
        assert [(p.bio, name) for p, name in rows] == [("bio 1", "p1"), ("bio 2", "p2"), ("bio 3", "p3")]
        assert statements(db, "SELECT") == 2


def test_prefetching_a_lazy_column_with_a_composite_primary_key(db):
    Pair = db.Pair
    with db_session:
        for i in range(3):
            Pair(x=i, y=str(i), note=f"note {i}")
    with db_session:
        rows = select((p, p.y) for p in Pair).prefetch(Pair.note)[:]
        assert sorted((p.x, y, p.note) for p, y in rows) == [(0, "0", "note 0"), (1, "1", "note 1"),
                                                              (2, "2", "note 2")]


# --- module interfaces ------------------------------------------------------------------------


@pytest.mark.parametrize("module", ["pony.orm.session.loading", "pony.orm.session.objects",
                                    "pony.orm.session.collections", "pony.orm.session.bulk_loading"])
def test_star_import_of_a_session_module_gives_its_public_names(module):
    namespace: dict = {}
    exec(f"from {module} import *", namespace)  # noqa: S102
    names = importlib.import_module(module).__dict__.get("__all__", [])
    assert all(name in namespace for name in names)
