"""Entity.insert_many: validated rows sent with executemany, beyond Pony's API."""

import re
from datetime import datetime

import pytest

from pony.orm import *


def define_entities(db):
    class Group(db.Entity):
        number = Required(int, unique=True)
        students = Set("Student")

    class Student(db.Entity):
        name = Required(str, 20)
        nick = Optional(str)
        born = Optional(datetime)
        group = Optional(Group)
        score = Optional(int, default=5)


@pytest.fixture
def db(backend):
    return backend.make_db(define_entities)


def test_insert_many_writes_every_row(db):
    with db_session:
        g = db.Group(number=1)
        flush()
        n = db.Student.insert_many([{"name": f"s{i}", "group": g, "born": datetime(2000, 1, 1 + i)}
                                    for i in range(5)] + [{"name": "x", "nick": "y"}])
        assert n == 6
    with db_session:
        table = db.Student._table_
        rows = db.select(f"name, nick, score FROM {table} ORDER BY id")
        assert [tuple(r) for r in rows] == [(f"s{i}", "", 5) for i in range(5)] + [("x", "y", 5)]
        assert db.Group[1].students.count() == 5
        assert db.Student.get(name="s2").born == datetime(2000, 1, 3)


def test_insert_many_validates_before_sending_anything(db):
    with db_session:
        with pytest.raises(ValueError, match="Student.name is too long"):
            db.Student.insert_many([{"name": "ok"}, {"name": "x" * 21}])
        with pytest.raises(TypeError, match="Unknown attribute 'age'"):
            db.Student.insert_many([{"name": "ok", "age": 3}])
        with pytest.raises(ValueError, match="Attribute Student.name is required"):
            db.Student.insert_many([{"nick": "no name"}])
    with db_session:
        assert db.Student.select().count() == 0


def test_insert_many_duplicate_is_an_integrity_error_and_rolls_back(db):
    with pytest.raises(TransactionIntegrityError):
        with db_session:
            db.Group.insert_many([{"number": 1}, {"number": 1}])
    with db_session:
        assert db.Group.select().count() == 0


def test_insert_many_hostile_text_is_a_parameter(db):
    text = "x'); DROP TABLE student; --"
    with db_session:
        db.Student.insert_many([{"name": text[:20]}])
    with db_session:
        found = db.Student.get(name=text[:20])
        assert found.name == "x'); DROP TABLE stud"
        assert db.Student.select().count() == 1


def test_insert_many_checks_values_as_object_creation_does(backend):
    def entities(db):
        class Gadget(db.Entity):
            label = Required(str)
            spec = Required(Json)
            size = Optional(int, py_check=lambda v: v > 0)
            owner = Optional("Owner")

        class Owner(db.Entity):
            gadgets = Set(Gadget)

    db = backend.make_db(entities)
    refused = [({"label": "", "spec": {}}, "Attribute Gadget.label is required"),
               ({"label": "a", "spec": ""}, "Attribute Gadget.spec is required"),
               ({"label": "a", "spec": {}, "size": 0}, "Check for attribute Gadget.size failed. Value: 0"),
               ({"label": "a", "spec": {}, "size": "x"}, "Value type for attribute Gadget.size must be int")]
    with db_session:
        for row, message in refused:
            with pytest.raises(ValueError, match=f"^{re.escape(message)}"):
                db.Gadget(**row)
            with pytest.raises(ValueError, match=f"^{re.escape(message)}"):
                db.Gadget.insert_many([{"label": "ok", "spec": {}}, row])
        rollback()
    with db_session:
        owner = db.Owner()
        flush()
        assert db.Gadget.insert_many([{"label": "a", "spec": {"k": [1]}, "size": 2, "owner": owner}]) == 1
    with db_session:
        gadget = db.Gadget.get(label="a")
        assert (gadget.spec, gadget.size, gadget.owner.id) == ({"k": [1]}, 2, owner.id)
    with db_session:
        assert db.Gadget.select().count() == 1
