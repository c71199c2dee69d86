"""SPEC 2.6: single-table inheritance, automatic classtype, custom discriminators, diamonds."""

from __future__ import annotations

import pytest

from pony.orm import *  # noqa: F403


def define_people(db: Database) -> None:
    class Person(db.Entity):
        name = Required(str)

    class Student(Person):
        gpa = Optional(float)

    class Teacher(Person):
        salary = Optional(int)

    class Assistant(Student, Teacher):
        hours = Optional(int)


def test_subclasses_share_the_root_table_with_classtype(backend) -> None:
    db = backend.make_db(define_people)
    Person, Student, Teacher, Assistant = db.Person, db.Student, db.Teacher, db.Assistant
    assert Student._table_ == Teacher._table_ == Person._table_
    assert list(db.schema.tables) == [Person._table_]
    assert Person.classtype.is_discriminator and Person._discriminator_attr_ is Person.classtype
    assert (Person._discriminator_, Student._discriminator_, Assistant._discriminator_) == \
        ("Person", "Student", "Assistant")
    assert Student._root_ is Person and Assistant._all_bases_ == {Person, Student, Teacher}
    assert Person._subclasses_ == {Student, Teacher, Assistant}
    columns = db.schema.tables[Person._table_].column_dict
    assert not columns["gpa"].is_not_null and columns["classtype"].is_not_null
    with db_session:
        Person(name="p"), Student(name="s", gpa=3.5), Teacher(name="t", salary=10)
        Assistant(name="a", gpa=4.0, salary=5, hours=2)
    with db_session:
        q = db.schema.ddl.quote
        rows = db.select(f"select name, classtype from {q(Person._table_)} order by id")
        assert [tuple(r) for r in rows] == [("p", "Person"), ("s", "Student"), ("t", "Teacher"), ("a", "Assistant")]


def test_queries_on_a_base_return_subclass_instances(backend) -> None:
    db = backend.make_db(define_people)
    Person, Student, Teacher, Assistant = db.Person, db.Student, db.Teacher, db.Assistant
    with db_session:
        Person(name="p"), Student(name="s", gpa=3.5), Teacher(name="t", salary=10)
        Assistant(name="a", gpa=4.0, salary=5, hours=2)
    with db_session:
        people = sorted(Person.select(), key=lambda p: p.id)
        assert [type(p) for p in people] == [Person, Student, Teacher, Assistant]
        assert people[3].gpa == 4.0 and people[3].salary == 5 and people[3].hours == 2
    with db_session:
        assert type(Person[2]) is Student and Person[2].gpa == 3.5
        assert type(Person[4]) is Assistant
        assert sorted(s.name for s in Student.select()) == ["a", "s"]
        assert sorted(t.name for t in Teacher.select()) == ["a", "t"]
        with pytest.raises(ObjectNotFound):
            Teacher[2]
        assert Person.get(name="t").salary == 10
        assert Student.get(name="t") is None
    with db_session:
        s = Student[2]
        assert s.classtype == "Student"
        with pytest.raises(TypeError) as info:
            s.classtype = "Teacher"
        assert str(info.value) == "Cannot assign value to discriminator attribute"


def test_custom_discriminator(backend) -> None:
    def define(db: Database) -> None:
        class Shape(db.Entity):
            kind = Discriminator(int)
            _discriminator_ = 1
            name = Required(str)

        class Circle(Shape):
            _discriminator_ = 2
            radius = Optional(float)

    db = backend.make_db(define)
    with db_session:
        db.Shape(name="x"), db.Circle(name="c", radius=1.5)
    with db_session:
        q = db.schema.ddl.quote
        assert sorted(db.select(f"select kind from {q(db.Shape._table_)}")) == [1, 2]
        shapes = sorted(db.Shape.select(), key=lambda s: s.id)
        assert [type(s) for s in shapes] == [db.Shape, db.Circle] and shapes[1].kind == 2


def test_describe_shows_inherited_attributes() -> None:
    db = Database()
    define_people(db)
    db.bind("sqlite", ":memory:")
    db.generate_mapping(create_tables=True)
    assert db.Student.describe() == (
        "class Student(Person):\n    # inherited attrs\n    id = PrimaryKey(int, auto=True)\n"
        "    name = Required(str)\n    classtype = Discriminator(str)\n    # attrs introduced in Student\n"
        "    gpa = Optional(float)")
    assert db.Assistant.describe().startswith("class Assistant(Student,Teacher):\n    # inherited attrs\n")
    assert db.Assistant.describe().endswith("    # attrs introduced in Assistant\n    hours = Optional(int)")
