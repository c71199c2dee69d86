"""pony.orm.serialization (to_dict, to_json, Bag) and Pydantic models built from entities."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal

import pydantic
import pytest

from pony.orm import *
from pony.orm.serialization import Bag, to_dict, to_json


def define_entities(db):
    class Group(db.Entity):
        number = PrimaryKey(int)
        major = Optional(str)
        students = Set("Student")

    class Student(db.Entity):
        name = Required(str)
        group = Optional(Group)
        gpa = Optional(Decimal)
        dob = Optional(date)
        ts = Optional(datetime)
        bio = Optional(LongStr)
        courses = Set("Course")
        mentor = Optional("Student", reverse="mentees")
        mentees = Set("Student", reverse="mentor")

    class Course(db.Entity):
        name = Required(str)
        semester = Required(int)
        PrimaryKey(name, semester)
        students = Set(Student)


@pytest.fixture
def db(backend):
    db = backend.make_db(define_entities)
    with db_session:
        g = db.Group(number=101, major="CS")
        a = db.Student(name="A", group=g, gpa=Decimal("3.5"), dob=date(2000, 1, 2),
                       ts=datetime(2020, 1, 1, 12, 0), bio="long text")
        b = db.Student(name="B", group=g, mentor=a)
        db.Student(name="C")
        db.Course(name="Math", semester=1, students=[a])
        db.Course(name="Phys,x*y", semester=2, students=[a, b])
    return db


STUDENT_A = {"id": 1, "name": "A", "group": 101, "gpa": Decimal("3.50"), "dob": date(2000, 1, 2),
             "ts": datetime(2020, 1, 1, 12, 0), "mentor": None}


def test_to_dict_of_one_object_brings_related_objects_one_level_deep(db):
    with db_session:
        result = to_dict(db.Student[1])
    assert type(result) is dict
    assert result == {
        "Student": {
            1: {**STUDENT_A, "courses": ["Math,1", "Phys*,x**y,2"], "mentees": [2]},
            # related objects: their own attributes, no collections, nothing further
            2: {"id": 2, "name": "B", "group": 101, "gpa": None, "dob": None, "ts": None, "mentor": 1},
        },
        "Group": {101: {"number": 101, "major": "CS"}},
        "Course": {"Math,1": {"name": "Math", "semester": 1},
                   "Phys*,x**y,2": {"name": "Phys,x*y", "semester": 2}},
    }
    assert list(result) == ["Student", "Group", "Course"]
    assert list(result["Student"]) == [2, 1]
    assert list(result["Student"][1]) == ["id", "name", "group", "gpa", "dob", "ts", "courses", "mentor",
                                          "mentees"]  # lazy bio is left out


def test_to_dict_collections_are_sorted_pk_lists(db):
    with db_session:
        result = to_dict(db.Group[101])
        assert result["Group"] == {101: {"number": 101, "major": "CS", "students": [1, 2]}}
        assert sorted(result["Student"]) == [1, 2]
        assert "courses" not in result["Student"][1]
        course = to_dict(db.Course["Phys,x*y", 2])
    assert course["Course"] == {"Phys*,x**y,2": {"name": "Phys,x*y", "semester": 2, "students": [1, 2]}}


def test_an_object_seen_first_as_a_relative_keeps_that_form(db):
    with db_session:
        result = to_dict([db.Group[101], db.Student[1]])
    assert result["Group"][101]["students"] == [1, 2]
    assert "courses" not in result["Student"][1]  # Student[1] was written as Group's relative


def test_to_dict_of_a_query_and_of_nothing(db):
    with db_session:
        result = to_dict(db.Student.select())
        assert to_dict([]) == {}
    assert sorted(result["Student"]) == [1, 2, 3]
    assert result["Student"][3] == {"id": 3, "name": "C", "group": None, "gpa": None, "dob": None, "ts": None,
                                    "courses": [], "mentor": None, "mentees": []}


def test_to_dict_rejects_what_is_not_an_entity(db):
    with db_session:
        with pytest.raises(TypeError, match="not iterable"):
            to_dict(1)
        with pytest.raises(TypeError, match="Entity instance or a sequence of instances expected. Got: 1"):
            to_dict([1])
        with pytest.raises(TypeError, match="Entity instance or a sequence of instances expected. Got: 'x'"):
            to_dict([db.Student[1], "x"])


def test_to_dict_of_a_deleted_object_fails(db):
    with db_session:
        student = db.Student[3]
        student.delete()
        with pytest.raises(OperationWithDeletedObjectError):
            to_dict(student)


def test_objects_of_a_live_session_and_another_session_cannot_be_mixed(db):
    with db_session:
        old = db.Student[3]
        to_dict(old)  # loads what a later to_dict reads
    with db_session:
        with pytest.raises(TransactionError, match="An attempt to mix objects belonging to different transactions"):
            to_dict([db.Student[2], old])
        bag = Bag(db)
        bag.put(db.Student[2])
        with pytest.raises(TransactionError):
            bag.put(old)
        # Pony lets a finished session's object come first: it adopts the live session.
        assert sorted(to_dict([old, db.Student[2]])["Student"]) == [1, 2, 3]


def test_to_json_writes_dates_and_decimals_as_strings(db):
    with db_session:
        text = to_json(db.Student[1])
    data = json.loads(text)
    assert data["Student"]["1"]["gpa"] == "3.50"
    assert data["Student"]["1"]["dob"] == "2000-01-02"
    assert data["Student"]["1"]["ts"] == "2020-01-01 12:00:00"
    assert data["Group"] == {"101": {"major": "CS", "number": 101}}
    assert text.startswith('{\n  "Course": {\n    "Math,1": {\n      "name": "Math",')  # sorted, indent=2


def test_to_json_refuses_values_json_cannot_hold(backend):
    def define(db):
        class Blob(db.Entity):
            data = Optional(bytes)

    db = backend.make_db(define)
    with db_session:
        db.Blob(data=b"ab")
    with db_session:
        with pytest.raises(TypeError):
            to_json(db.Blob[1])


def test_bag_default_config_and_put(db):
    bag = Bag(db)
    with db_session:
        bag.put(db.Student[2])
        bag.put([db.Student[2]])  # the same object once
        result = bag.to_dict()
    assert isinstance(result, defaultdict)
    assert list(result["Student"]) == [1, 2]  # as in Pony: relatives are written before the object
    assert result["Student"][2]["courses"] == ["Phys*,x**y,2"]
    assert result["Student"][1] == STUDENT_A  # mentor as a relative
    assert Bag(db).to_dict() == {}
    assert Bag(db).to_json() == "{}"


def test_bag_config_only_exclude_collections_and_related(db):
    with db_session:
        bag = Bag(db)
        bag.config(db.Student, only="name courses")
        bag.config(db.Course, only=["name"])
        bag.put(db.Student[1])
        assert dict(bag.to_dict()) == {"Student": {1: {"name": "A", "courses": ["Math,1", "Phys*,x**y,2"]}},
                                       "Course": {"Math,1": {"name": "Math"}, "Phys*,x**y,2": {"name": "Phys,x*y"}}}

        bag = Bag(db)
        bag.config(db.Student, exclude="mentor, mentees gpa dob ts", with_collections=False)
        bag.put(db.Student.select())
        result = bag.to_dict()
        assert result["Student"][1] == {"id": 1, "name": "A", "group": 101}
        assert list(result) == ["Student", "Group"]

        bag = Bag(db)
        bag.config(db.Student, related_objects=False, with_lazy=True, only=None)
        bag.put(db.Student[1])
        result = bag.to_dict()
        assert list(result) == ["Student"]
        assert result["Student"][1]["bio"] == "long text"
        assert result["Student"][1]["courses"] == ["Math,1", "Phys*,x**y,2"]

        bag = Bag(db)
        bag.config(db.Student, only="name group", related_objects=False)
        bag.put(db.Student.select())
        assert json.loads(bag.to_json()) == {"Student": {"1": {"group": 101, "name": "A"},
                                                         "2": {"group": 101, "name": "B"},
                                                         "3": {"group": None, "name": "C"}}}


def test_bag_errors(db, backend):
    def define_other(other):
        class Other(other.Entity):
            x = Required(int)

    other = Database()
    define_other(other)
    backend.bind(other)
    other.generate_mapping(create_tables=True)
    bag = Bag(db)
    with pytest.raises(AttributeError, match="Entity Student does not have attribute zzz"):
        bag.config(db.Student, only="zzz")
    with pytest.raises(TypeError, match="does not belong to database"):
        bag.config(other.Other)
    with pytest.raises(TypeError, match="Entity class expected"):
        bag.config(1)
    with db_session:
        other.Other(x=1)
    with db_session:
        with pytest.raises(TypeError, match="Entity instance or a sequence of instances expected. Got: 1"):
            bag.put(1)
        with pytest.raises(TypeError, match="Entity Other does not belong to database"):
            bag.put(other.Other[1])
        with pytest.raises(TypeError, match="Entity Other does not belong to database"):
            to_dict([db.Student[1], other.Other[1]])


def test_composite_key_parts_are_escaped(backend):
    def define(db):
        class Pair(db.Entity):
            a = Required(str)
            b = Required(str)
            PrimaryKey(a, b)

    db = backend.make_db(define)
    with db_session:
        db.Pair(a="x,y", b="*z")
    with db_session:
        assert to_dict(db.Pair.select()) == {"Pair": {"x*,y,**z": {"a": "x,y", "b": "*z"}}}


def test_json_attributes_come_out_as_plain_values(backend):
    def define(db):
        class Doc(db.Entity):
            info = Optional(Json)

    db = backend.make_db(define)
    with db_session:
        db.Doc(info={"a": [1, None]})
    with db_session:
        value = to_dict(db.Doc[1])["Doc"][1]["info"]
        assert value == {"a": [1, None]}
        assert json.loads(to_json(db.Doc[1]))["Doc"]["1"]["info"] == {"a": [1, None]}


# --- Pydantic v2 ---------------------------------------------------------------------------------

class GroupRef(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(from_attributes=True)
    number: int
    major: str


class StudentOut(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(from_attributes=True)
    id: int
    name: str
    gpa: Decimal | None
    group: GroupRef | None


class CourseOut(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(from_attributes=True)
    name: str
    semester: int
    students: list[StudentOut]


def test_pydantic_models_validate_entities_from_attributes(db):
    with db_session:
        course = CourseOut.model_validate(db.Course["Phys,x*y", 2], from_attributes=True)
        lonely = StudentOut.model_validate(db.Student[3])
    assert course.name == "Phys,x*y"
    assert sorted(s.name for s in course.students) == ["A", "B"]
    first = min(course.students, key=lambda s: s.id)
    assert first == StudentOut(id=1, name="A", gpa=Decimal("3.50"), group=GroupRef(number=101, major="CS"))
    assert lonely.group is None and lonely.gpa is None


def test_pydantic_models_from_to_dict(db):
    class StudentRow(pydantic.BaseModel):
        id: int
        name: str
        group: int | None
        courses: list[tuple[str, int]]

    with db_session:
        row = StudentRow.model_validate(db.Student[1].to_dict(with_collections=True))
    assert row == StudentRow(id=1, name="A", group=101, courses=[("Math", 1), ("Phys,x*y", 2)])
