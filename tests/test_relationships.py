"""Relationships (SPEC 4.1-4.3): both ends consistent in memory after every assignment, what
reaches the database, and the cascade-delete rules."""

from __future__ import annotations

import pytest

from pony.orm import (
    ConstraintError,
    Database,
    Optional,
    Required,
    Set,
    TransactionError,
    db_session,
    flush,
)


def define(db: Database) -> None:
    class Person(db.Entity):
        name = Required(str)
        cars = Set("Car")
        pets = Set("Pet", cascade_delete=False)
        toys = Set("Toy")
        clubs = Set("Club")
        friends = Set("Person", reverse="friends")
        spouse = Optional("Person", reverse="spouse")
        passport = Optional("Passport")
        desk = Optional("Desk")

    class Car(db.Entity):
        model = Required(str)
        owner = Required(Person)

    class Pet(db.Entity):
        owner = Required(Person)

    class Toy(db.Entity):
        owner = Optional(Person)

    class Club(db.Entity):
        members = Set(Person)

    class Passport(db.Entity):
        num = Required(str)
        person = Required(Person)

    class Desk(db.Entity):
        user = Optional(Person)


@pytest.fixture
def db(backend):
    db = backend.make_db(define)
    with db_session:
        a, b, c = (db.Person(name=n) for n in "ABC")
        db.Car(model="x", owner=a)
        db.Pet(owner=b)
        db.Toy(owner=a)
        db.Toy(owner=a)
        db.Passport(num="1", person=a)
        db.Club(members=[a, b])
    return db


def test_one_to_many_move_updates_both_collections(db):
    with db_session:
        a, b = db.Person[1], db.Person[2]
        car = db.Car[1]
        assert list(a.cars) == [car] and list(b.cars) == []
        car.owner = b
        assert list(a.cars) == [] and list(b.cars) == [car]
        a.cars.add(car)  # moving back through the collection
        assert car.owner is a and list(b.cars) == []
    with db_session:
        assert db.Car[1].owner.name == "A"


def test_one_to_many_optional_side_unlinks(db):
    with db_session:
        a = db.Person[1]
        toy = db.Toy[1]
        toy.owner = None
        assert toy not in a.toys and len(a.toys) == 1
        a.toys.clear()
        assert list(a.toys) == [] and db.Toy[2].owner is None
    with db_session:
        assert [t.owner for t in db.Toy.select()] == [None, None]


def test_removing_from_required_reverse_is_refused(db):
    with db_session:
        b = db.Person[2]
        with pytest.raises(ValueError, match=r"^Attribute Pet\[1\].owner is required$"):
            b.pets.remove(db.Pet[1])
        assert db.Pet[1].owner is b


def test_one_to_one(db):
    with db_session:
        a, b = db.Person[1], db.Person[2]
        passport = db.Passport[1]
        assert a.passport is passport
        passport.person = b
        assert a.passport is None and b.passport is passport
        with pytest.raises(ConstraintError, match=r"^Cannot unlink Passport\[1\] from previous Person\[2\] object, "
                                                  r"because Passport.person attribute is required$"):
            b.passport = None
        desk = db.Desk(user=a)
        assert a.desk is desk
        b.desk = desk
        assert a.desk is None and desk.user is b
    with db_session:
        assert db.Person[2].passport.num == "1"
        assert db.Desk[1].user.name == "B" and db.Person[1].desk is None


def test_symmetric_one_to_one(db):
    with db_session:
        a, b, c = db.Person[1], db.Person[2], db.Person[3]
        a.spouse = b
        assert b.spouse is a
        b.spouse = c
        assert a.spouse is None and c.spouse is b
    with db_session:
        a, b, c = db.Person[1], db.Person[2], db.Person[3]
        assert (a.spouse, b.spouse, c.spouse) == (None, c, b)


def test_many_to_many(db):
    with db_session:
        a, b, c = db.Person[1], db.Person[2], db.Person[3]
        club = db.Club[1]
        assert set(club.members) == {a, b} and list(a.clubs) == [club]
        new = db.Club()
        a.clubs += [new]
        a.clubs -= club
        assert set(club.members) == {b} and set(new.members) == {a}
        c.clubs = [club, new]
        assert set(club.members) == {b, c} and set(new.members) == {a, c}
    with db_session:
        a, b, c = db.Person[1], db.Person[2], db.Person[3]
        assert set(db.Club[1].members) == {b, c}
        assert set(a.clubs) == {db.Club[2]}


def test_symmetric_many_to_many(db):
    with db_session:
        a, b, c = db.Person[1], db.Person[2], db.Person[3]
        a.friends.add([b, c])
        assert a in b.friends and a in c.friends
        b.friends.remove(a)
        assert set(a.friends) == {c}
    with db_session:
        a, b, c = db.Person[1], db.Person[2], db.Person[3]
        assert set(a.friends) == {c} and set(c.friends) == {a} and not b.friends


def test_cascade_default_true_for_required_reverse(db):
    with db_session:
        a = db.Person[1]
        car = db.Car[1]
        a.passport.person = db.Person[3]  # the one-to-one does not cascade: move it away first
        a.delete()
        assert car._status_ == "marked_to_delete"
        assert db.Toy[1].owner is None  # Optional reverse: unlinked
        assert a not in db.Club[1].members
    with db_session:
        assert db.Car.select().count() == 0
        assert [t.owner for t in db.Toy.select()] == [None, None]
        assert set(db.Club[1].members) == {db.Person[2]}


def test_cascade_false_with_required_reverse_refuses_and_changes_nothing(db):
    with db_session:
        b = db.Person[2]
        b.cars.create(model="y")
        with pytest.raises(ConstraintError, match=r"^Cannot delete object Person\[2\], because it has non-empty set "
                                                  r"of pets, and 'cascade_delete' option of Person.pets is not set$"):
            b.delete()
        assert b._status_ != "marked_to_delete"
        assert "marked_to_delete" not in [c._status_ for c in b.cars]  # the cascade did not start
    with db_session:
        assert db.Person.exists(id=2)


def test_one_to_one_does_not_cascade_by_default(db):
    with db_session:
        with pytest.raises(ConstraintError, match=r"^Cannot delete object Person\[1\], because it has associated "
                                                  r"passport, and 'cascade_delete' option of Person.passport is "
                                                  r"not set$"):
            db.Person[1].delete()
        assert db.Person[1].cars.count() == 1


def test_mixing_sessions_is_refused(db):
    with db_session:
        a = db.Person[1]
        a.name  # noqa: B018
    with db_session:
        car = db.Car[1]
        with pytest.raises(TransactionError, match="An attempt to mix objects belonging to different transactions"):
            car.owner = a


def test_assigning_related_object_by_primary_key(db):
    with db_session:
        car = db.Car(model="z", owner=2)
        assert car.owner is db.Person[2]
        assert car in db.Person[2].cars
        flush()
    with db_session:
        assert db.Car.get(model="z").owner.name == "B"
