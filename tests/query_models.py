"""Entities shared by the tests/test_query_*.py files."""

from __future__ import annotations

import datetime
from decimal import Decimal

from pony.orm import Json, Optional, PrimaryKey, Required, Set


def define_entities(db):
    class Department(db.Entity):
        name = Required(str, unique=True)
        groups = Set("Group")
        courses = Set("Course")

    class Group(db.Entity):
        number = PrimaryKey(int)
        major = Required(str)
        dept = Required(Department)
        students = Set("Student")

    class Course(db.Entity):
        name = Required(str)
        semester = Required(int)
        credits = Required(int)
        dept = Required(Department)
        students = Set("Student")

    class Person(db.Entity):
        name = Required(str)

    class Student(Person):
        dob = Required(datetime.date)
        tel = Optional(str)
        gpa = Optional(float)
        scholarship = Optional(Decimal, precision=10, scale=2)
        group = Required(Group)
        courses = Set(Course)
        mentor = Optional("Teacher")
        info = Optional(Json)
        registered = Optional(datetime.datetime)

        @property
        def full(self):
            return self.name + "!"

        def older_than(self, year=2000):
            return self.dob.year < year

    class Teacher(Person):
        salary = Required(int)
        students = Set(Student)


def populate(db):
    from pony.orm import db_session

    E = db.entities
    with db_session:
        d1 = E["Department"](name="Math")
        d2 = E["Department"](name="Physics")
        g1 = E["Group"](number=101, major="Algebra", dept=d1)
        g2 = E["Group"](number=102, major="Geometry", dept=d1)
        g3 = E["Group"](number=201, major="Optics", dept=d2)
        c1 = E["Course"](name="Calculus", semester=1, credits=5, dept=d1)
        c2 = E["Course"](name="Topology", semester=2, credits=3, dept=d1)
        c3 = E["Course"](name="Lasers", semester=1, credits=4, dept=d2)
        t1 = E["Teacher"](name="Prof A", salary=1000)
        t2 = E["Teacher"](name="Prof B", salary=2000)
        s1 = E["Student"](
            name="Alice",
            dob=datetime.date(1999, 3, 4),
            tel="123",
            gpa=3.5,
            scholarship=Decimal("100.50"),
            group=g1,
            mentor=t1,
            info={"age": 21, "tags": ["a", "b"], "city": "Paris", "ok": True},
            registered=datetime.datetime(2020, 1, 2, 10, 30),
        )
        s2 = E["Student"](
            name="Bob",
            dob=datetime.date(2000, 5, 6),
            gpa=4.0,
            group=g1,
            mentor=t1,
            info={"age": 25, "tags": ["c"], "city": "Rome", "ok": False},
            registered=datetime.datetime(2021, 6, 7, 8, 9, 10),
        )
        s3 = E["Student"](
            name="Carol",
            dob=datetime.date(2001, 7, 8),
            gpa=2.5,
            group=g2,
            mentor=t2,
            info={"age": 19, "tags": [], "city": None},
        )
        s4 = E["Student"](name="Dan_%", dob=datetime.date(1998, 12, 31), group=g3)
        s1.courses = [c1, c2]
        s2.courses = [c1]
        s3.courses = [c2, c3]
    _ = (g3, s4)
