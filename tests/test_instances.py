"""Entity class API and instance API (SPEC 3.1-3.2): lookups, creation, assignment, deletion,
introspection and the messages Pony gives for bad input."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pony.orm import (
    CacheIndexError,
    Database,
    LongStr,
    MultipleObjectsFoundError,
    ObjectNotFound,
    OperationWithDeletedObjectError,
    Optional,
    PrimaryKey,
    Required,
    Set,
    TransactionIntegrityError,
    commit,
    composite_key,
    db_session,
    flush,
    rollback,
)
from pony.orm.session.objects import materialize


def define(db: Database) -> None:
    class Person(db.Entity):
        name = Required(str, 40)
        age = Optional(int, min=0, max=150)
        email = Optional(str, unique=True, nullable=True)
        bio = Optional(LongStr)
        cars = Set("Car")
        a = Optional(int)
        b = Optional(int)
        composite_key(a, b)

    class Car(db.Entity):
        model = Required(str)
        price = Optional(Decimal, 10, 2)
        owner = Required(Person)

    class Pair(db.Entity):
        x = Required(int)
        y = Required(str)
        PrimaryKey(x, y)
        links = Set("Link")

    class Link(db.Entity):
        pair = Required(Pair)
        k = Required(int)
        PrimaryKey(pair, k)


@pytest.fixture
def db(backend):
    db = backend.make_db(define)
    with db_session:
        alice = db.Person(name="Alice", age=30, email="a@x", bio="long text")
        bob = db.Person(name="Bob", age=20)
        db.Car(model="A1", owner=alice, price=Decimal("10.50"))
        db.Car(model="B1", owner=bob)
        pair = db.Pair(x=1, y="one")
        db.Link(pair=pair, k=5)
    return db


# --- Entity[pk] --------------------------------------------------------------------------


def test_getitem_uses_identity_map_first(db):
    with db_session:
        p = db.Person[1]
        db.merge_local_stats()
        assert db.Person[1] is p
        assert db.Person.get(id=1) is p
        assert not any(sql for sql in db.local_stats if sql)


def test_getitem_missing_raises_object_not_found(db):
    with db_session:
        with pytest.raises(ObjectNotFound) as info:
            db.Person[99]
        assert str(info.value) == "Person[99]"
        assert info.value.entity is db.Person
        assert info.value.pkval == "99"  # Pony keeps the key as shown in the message
        with pytest.raises(ObjectNotFound, match=r"^Pair\[2,'two'\]$") as info:
            db.Pair[2, "two"]
        assert info.value.pkval == "2,'two'"


def test_getitem_composite_and_raw_fk_columns(db):
    with db_session:
        pair = db.Pair[1, "one"]
        assert repr(pair) == "Pair[1,'one']"
        link = db.Link[pair, 5]
        assert db.Link[1, "one", 5] is link
        assert repr(link) == "Link[Pair[1,'one'],5]"
        assert link.get_pk() == (1, "one", 5)
        assert pair.get_pk() == (1, "one")
        with pytest.raises(TypeError, match="Invalid count of attrs in Pair primary key"):
            db.Pair[1]


# --- get / exists -----------------------------------------------------------------------------


def test_get_and_exists(db):
    with db_session:
        assert db.Person.get(name="Alice").age == 30
        assert db.Person.get(name="Nobody") is None
        assert db.Person.exists(name="Bob")
        assert not db.Person.exists(name="Nobody")
        db.Person(name="Alice")
        with pytest.raises(MultipleObjectsFoundError,
                           match=r"^Multiple objects were found. Use Person.select\(...\) to retrieve them$"):
            db.Person.get(name="Alice")
        assert db.Person.exists(name="Alice")


def test_get_finds_unique_key_in_cache_without_sql(db):
    with db_session:
        alice = db.Person.get(email="a@x")
        db.merge_local_stats()
        assert db.Person.get(email="a@x") is alice
        assert db.Person.exists(email="a@x")
        assert not any(sql for sql in db.local_stats if sql)


def test_get_bad_criteria(db):
    with db_session:
        with pytest.raises(TypeError, match=r"^Collection attribute Person.cars cannot be specified as search "
                                            r"criteria$"):
            db.Person.get(cars=db.Car[1])
        with pytest.raises(TypeError, match=r"^Unknown attribute 'foo'$"):
            db.Person.get(foo=1)
        with pytest.raises(TypeError, match="Unknown attribute 'foo'"):
            db.Person.exists(foo=1)


def test_get_for_update(db):
    with db_session:
        assert db.Person.get_for_update(name="Bob").age == 20
        assert db.Person.get_for_update(name="Nobody") is None
        with pytest.raises(TypeError, match="nowait and skip_locked options are mutually exclusive"):
            db.Person.get_for_update(name="Bob", nowait=True, skip_locked=True)


# --- raw SQL -----------------------------------------------------------------------------------


def test_select_by_sql_and_get_by_sql(db):
    with db_session:
        people = db.Person.select_by_sql("SELECT * FROM person ORDER BY id")
        assert [p.name for p in people] == ["Alice", "Bob"]
        assert people[0] is db.Person[1]
        age = 25
        assert db.Person.get_by_sql("SELECT id, name, age FROM person WHERE age < $age").name == "Bob"
        assert db.Person.get_by_sql("SELECT * FROM person WHERE age > 100") is None
        with pytest.raises(MultipleObjectsFoundError, match=r"Use Person.select\(...\)"):
            db.Person.get_by_sql("SELECT * FROM person")
        with pytest.raises(ValueError,
                           match="^Primary key attribute Person.id was not found in query result set$"):
            db.Person.select_by_sql("SELECT name FROM person")
        with pytest.raises(NameError, match="^Column zz does not belong to entity Person$"):
            db.Person.select_by_sql("SELECT id, 1 AS zz FROM person")
        del age


def test_select_by_sql_matches_column_names_case_insensitively(db):
    with db_session:
        (p,) = db.Person.select_by_sql("SELECT ID, NAME FROM person WHERE id = 2")
        assert p.name == "Bob" and p.age == 20  # the rest is loaded on access


def test_select_random_returns_a_list(db):
    with db_session:
        result = db.Person.select_random(5)
        assert isinstance(result, list)
        assert sorted(p.name for p in result) == ["Alice", "Bob"]
        assert len(db.Person.select_random(1)) == 1


def test_select_all_with_ordering_and_slices(db):
    with db_session:
        q = db.Person.select()
        assert q.count() == 2
        assert [p.name for p in q.order_by(db.Person.name)[:]] == ["Alice", "Bob"]
        assert [p.name for p in q.order_by(db.Person.name.desc)[:]] == ["Bob", "Alice"]
        assert [p.name for p in q.order_by(db.Person.age).limit(1)] == ["Bob"]
        assert q.order_by(db.Person.id).first().name == "Alice"


# --- class introspection -----------------------------------------------------------------------


def test_iterating_an_entity_class_is_refused(db):
    with pytest.raises(TypeError, match=r"^Use select\(...\) function or Person.select\(...\) method for "
                                        r"iteration$"):
        for _ in db.Person:
            pass


def test_describe_and_attribute_descriptors(db):
    text = db.Person.describe()
    assert text.splitlines()[:5] == [
        "class Person(Entity):",
        "    id = PrimaryKey(int, auto=True)",
        "    name = Required(str, 40)",
        "    age = Optional(int, max=150, min=0)",
        "    email = Optional(str, unique=True)",
    ]
    assert "    cars = Set(Car)" in text
    assert "    bio = Optional(LongStr, default='')" in text
    assert "PrimaryKey(x, y)" in db.Pair.describe()
    assert repr(db.Person.name) == "Person.name"
    assert db.Person.name.describe() == "name = Required(str, 40)"
    assert repr(db.Person.name.desc) == "<DescWrapper(Person.name)>"
    assert db.Person.name.asc is db.Person.name
    assert db.Person.cars.is_collection and db.Person.cars.is_relation
    assert db.Person.email.is_unique and not db.Person.name.is_unique
    assert db.Person.id.is_pk and db.Person.name.is_required
    assert db.Car.owner.reverse is db.Person.cars
    assert db.Car.owner.column == "owner"


# --- constructor --------------------------------------------------------------------------------


def test_constructor_rules(db):
    with db_session:
        with pytest.raises(TypeError, match="^Person constructor accept only keyword arguments. Got: 1 "
                                            "positional argument$"):
            db.Person("x")
        with pytest.raises(TypeError, match="^Unknown attribute 'foo'$"):
            db.Person(name="x", foo=1)
        with pytest.raises(ValueError, match=r"^Attribute Person.name is required$"):
            db.Person()
        with pytest.raises(ValueError, match=r"^Attribute Person.name is required$"):
            db.Person(name="")
        p = db.Person(name="  Carl ")
        assert p.name == "Carl"  # autostrip
        assert p.age is None and p.email is None and p.bio == ""
        assert p.id is None
        assert repr(p).startswith("Person[new:")
        assert p._status_ == "created"
        flush()
        assert isinstance(p.id, int) and repr(p) == f"Person[{p.id}]"
        assert p._status_ == "inserted"


def test_duplicates_in_identity_map_raise_cache_index_error(db):
    with db_session:
        db.Pair[1, "one"]
        with pytest.raises(CacheIndexError, match="^Cannot create Pair: instance with primary key 1, one already "
                                                  "exists$"):
            db.Pair(x=1, y="one")
        db.Person[1].email  # loads Alice  # noqa: B018
        with pytest.raises(CacheIndexError, match="^Cannot create Person: value 'a@x' for key email already "
                                                  "exists$"):
            db.Person(name="Q", email="a@x")
        p = db.Person(name="C", a=1, b=2)
        with pytest.raises(CacheIndexError, match=r"^Cannot create Person: value \(1, 2\) for composite key "
                                                  r"\(a, b\) already exists$"):
            db.Person(name="D", a=1, b=2)
        q = db.Person(name="E")
        with pytest.raises(CacheIndexError, match=r"^Cannot update Person.email: Person\[1\] with key a@x "
                                                  r"already exists$"):
            q.email = "a@x"
        with pytest.raises(CacheIndexError, match=rf"^Cannot update {q!r}: composite key \(a, b\) with value "
                                                  rf"\(1, 2\) already exists for {p!r}$".replace("[", r"\[")):
            q.set(a=1, b=2)
        assert (q.a, q.b, q.email) == (None, None, None)


def test_duplicate_found_only_in_the_database(db):
    with db_session:
        db.Person(name="Q", email="a@x")  # Alice is not in this session's identity map
        with pytest.raises(TransactionIntegrityError, match="cannot be stored in the database"):
            commit()
    with db_session:
        assert db.Person.select().count() == 2


# --- assignment ----------------------------------------------------------------------------------


def test_assignment_validation_messages(db):
    with db_session:
        p = db.Person[1]
        with pytest.raises(ValueError, match="^Value type for attribute Person.age must be int. Got string 'abc'$"):
            p.age = "abc"
        with pytest.raises(ValueError, match="^Value 200 of attr Person.age is greater than the maximum allowed "
                                             "value 150$"):
            p.age = 200
        with pytest.raises(ValueError, match="^Value -1 of attr Person.age is less than the minimum allowed "
                                             "value 0$"):
            p.age = -1
        with pytest.raises(ValueError, match="^Value for attribute Person.name is too long. Max length is 40, "
                                             "value length is 50$"):
            p.name = "x" * 50
        with pytest.raises(TypeError, match="^Value type for attribute Person.name must be str. Got: "
                                            "<class 'int'>$"):
            p.name = 5
        with pytest.raises(ValueError, match=r"^Attribute Person\[1\].name is required$"):
            p.name = None
        with pytest.raises(TypeError, match="^Cannot change value of primary key$"):
            p.id = 5
        with pytest.raises(TypeError, match="^Cannot change value of primary key attribute id$"):
            p.set(id=5)
        with pytest.raises(TypeError, match="^Unknown attribute 'zz'$"):
            p.set(zz=1)
        car = db.Car[1]
        with pytest.raises(ValueError, match=r"^Attribute Car\[1\].owner is required$"):
            car.owner = None
        with pytest.raises(TypeError, match=r"^Attribute Car.owner must be of Person type. Got: Car\[2\]$"):
            car.owner = db.Car[2]
        with pytest.raises(ValueError, match="^Value type for attribute Person.id must be int. Got string 'zz'$"):
            db.Car(model="x", owner="zz")
        assert p.age == 30 and p.name == "Alice" and car.owner is p
    with db_session:
        assert db.Person[1].age == 30


def test_set_assigns_several_attributes(db):
    with db_session:
        p = db.Person[2]
        p.set(name="Robert", age=21)
        assert p._status_ == "modified"
    with db_session:
        assert (db.Person[2].name, db.Person[2].age) == ("Robert", 21)
        assert db.Person[2]._status_ == "loaded"


def test_status_transitions(db):
    with db_session:
        p = db.Person(name="Z")
        assert p._status_ == "created"
        p.flush()
        assert p._status_ == "inserted"
        p.name = "ZZ"
        assert p._status_ == "modified"
        flush()
        assert p._status_ == "updated"
        p.delete()
        assert p._status_ == "marked_to_delete"
        flush()
        assert p._status_ == "deleted"
        q = db.Person(name="Q")
        q.delete()
        assert q._status_ == "cancelled"


# --- delete --------------------------------------------------------------------------------------


def test_delete_and_access_afterwards(db):
    with db_session:
        bob = db.Person[2]
        bob.delete()
        assert bob.name == "Bob"  # still readable until flushed, as in Pony
        with pytest.raises(OperationWithDeletedObjectError, match=r"^Person\[2\] was marked to delete$"):
            bob.name = "X"
        with pytest.raises(OperationWithDeletedObjectError, match=r"^Person\[2\] was marked to delete$"):
            bob.cars.count()
        bob.delete()  # a second delete does nothing
        assert db.Person.get(name="Bob") is None
        assert not db.Person.exists(id=2)
        with pytest.raises(ObjectNotFound):
            db.Person[2]
        flush()
        with pytest.raises(OperationWithDeletedObjectError, match=r"^Person\[2\] was deleted$"):
            bob.name  # noqa: B018
        assert bob.id == 2
        new = db.Person(name="N")
        new.delete()
        with pytest.raises(OperationWithDeletedObjectError, match=r"^Person\[new:\d+\] was cancelled$"):
            new.name  # noqa: B018
    with db_session:
        assert db.Person.select().count() == 1
        assert db.Car.select().count() == 1  # Bob's car went with him (cascade)


# --- flush, get_pk, load ------------------------------------------------------------------------


def test_obj_flush_gives_auto_id(db):
    with db_session:
        p = db.Person(name="New")
        other = db.Person(name="Other")
        assert p.id is None
        p.flush()
        assert p.id == 3 and other.id is None  # the two rows of the fixture have ids 1 and 2
        assert db.get("name FROM person WHERE id = $(p.id)") == "New"
        assert p.get_pk() == p.id
        rollback()
    with db_session:
        assert db.Person.select().count() == 2


def test_load_and_lazy_attributes(db):
    with db_session:
        p = db.Person[1]
        p.name  # noqa: B018
        assert db.Person.bio not in (materialize(p) or p._vals_)  # lazy: not loaded with the object
        db.merge_local_stats()
        assert p.bio == "long text"
        assert sum(s.db_count for sql, s in db.local_stats.items() if sql) == 1
    with db_session:
        p = db.Person[1]
        p.load()
        assert db.Person.bio in p._vals_
        p.load("name", db.Person.age)
        with pytest.raises(AttributeError, match=r"^Object Person\[1\] does not have attribute 'zz'$"):
            p.load("zz")


# --- to_dict, repr, ordering ----------------------------------------------------------------------


def test_to_dict_options(db):
    with db_session:
        p = db.Person[1]
        assert p.to_dict() == {"id": 1, "name": "Alice", "age": 30, "email": "a@x", "a": None, "b": None}
        assert p.to_dict("name age") == {"name": "Alice", "age": 30}
        assert p.to_dict(only=["name", "bio"]) == {"name": "Alice", "bio": "long text"}
        assert p.to_dict(exclude="a, b, email") == {"id": 1, "name": "Alice", "age": 30}
        full = p.to_dict(with_collections=True, with_lazy=True)
        assert full["cars"] == [1] and full["bio"] == "long text"
        related = p.to_dict(only="cars", with_collections=True, related_objects=True)
        assert related == {"cars": [db.Car[1]]}
        assert db.Car[1].to_dict(only="owner") == {"owner": 1}
        assert db.Car[1].to_dict(only="owner", related_objects=True) == {"owner": p}
        assert db.Car[1].to_dict(only="price") == {"price": Decimal("10.50")}
        assert db.Link[1, "one", 5].to_dict() == {"pair": (1, "one"), "k": 5}
        with pytest.raises(AttributeError, match="^Entity Person does not have attribute zzz$"):
            p.to_dict(only=["zzz"])


def test_to_dict_flushes_first(db):
    with db_session:
        p = db.Person(name="Fresh")
        assert p.to_dict() == {"id": 3, "name": "Fresh", "age": None, "email": None, "a": None, "b": None}
        assert db.get("name FROM person WHERE id = 3") == "Fresh"


def test_ordering_by_primary_key(db):
    with db_session:
        a, b = db.Person[1], db.Person[2]
        n1, n2 = db.Person(name="x"), db.Person(name="y")
        assert sorted([n2, b, n1, a]) == [a, b, n1, n2]
        assert a < b and b >= a and n1 > b
