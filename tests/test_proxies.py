"""``make_proxy`` / ``EntityProxy`` (SPEC 11): a handle that works in whatever session is current."""

from __future__ import annotations

import pytest

import pony.orm.core
from pony.orm import Database, ObjectNotFound, Optional, Required, TransactionError, db_session, make_proxy
from pony.orm.core import EntityProxy


def define(db: Database) -> None:
    class Person(db.Entity):
        name = Required(str)
        pet = Optional("Pet")

    class Pet(db.Entity):
        owner = Required(Person)


@pytest.fixture
def db(backend):
    db = backend.make_db(define)
    with db_session:
        db.Person(name="Ann")
    return db


def test_exported():
    assert "make_proxy" in pony.orm.core.__all__
    assert pony.orm.core.__all__.index("make_proxy") == pony.orm.core.__all__.index("with_transaction") + 1


def test_proxy_forwards_to_the_current_session(db):
    with db_session:
        person = db.Person[1]
        proxy = make_proxy(person)
        assert isinstance(proxy, EntityProxy)
        assert repr(proxy) == "<EntityProxy(Person[1])>"
        assert proxy.name == "Ann"
        assert proxy == person and person == proxy and not proxy != person
        assert proxy == make_proxy(person) and proxy != 5
        assert proxy._get_object() is person
    with pytest.raises(TransactionError, match="db_session is required"):
        proxy.name  # noqa: B018
    with db_session:
        proxy.name = "Bea"  # a new session: the object is looked up again
        assert proxy._get_object() is not person
        pet = db.Pet(owner=proxy)  # accepted where an entity is expected
        assert pet.owner is db.Person[1]
    with db_session:
        assert db.Person[1].name == "Bea" and db.Person[1].pet.id == 1
        db.Person[1].pet.delete()
        db.Person[1].delete()
    with db_session:
        with pytest.raises(ObjectNotFound, match=r"^Person\[1\]$"):
            proxy.name  # noqa: B018


def test_proxy_of_a_new_object_flushes_first(db):
    with db_session:
        person = db.Person(name="New")
        proxy = make_proxy(person)
        assert person.id == 2  # flushed: the fixture's row has id 1
        assert db.get("name FROM person WHERE id = 2") == "New"
        assert repr(proxy) == f"<EntityProxy(Person[{person.id}])>"
        cancelled = db.Person(name="gone")
        cancelled.delete()
        with pytest.raises(ValueError, match="^Cannot make a proxy for Person object: primary key is not "
                                             "specified$"):
            make_proxy(cancelled)
