"""Composite keys: primary keys and unique keys made of several attributes, and relationships
between entities whose keys have more than one column.

A ``Group`` is identified by its department and year, a ``Course`` by its name and semester; a
student's name is unique inside a group (``composite_key``), and the m2m table between students
and courses has one column per key part. ``python -m pony.orm.examples.compositekeys`` runs it.
"""

# Query sources stay on one line, as a reader types them.
# ruff: noqa: E501

from __future__ import annotations

from datetime import date

from pony.orm import Database, Optional, PrimaryKey, Required, Set, composite_key, db_session

from ._runner import ExampleQuery, run_example


def define_entities(db: Database) -> None:
    class Group(db.Entity):
        dept = Required(str)
        year = Required(int)
        spec = Required(str)
        students = Set("Student")
        PrimaryKey(dept, year)

    class Student(db.Entity):
        id = PrimaryKey(int, auto=True)
        name = Required(str)
        group = Required(Group)
        dob = Optional(date)
        courses = Set("Course")
        composite_key(name, group)

    class Course(db.Entity):
        name = Required(str)
        semester = Required(int)
        credits = Required(int)
        students = Set(Student)
        PrimaryKey(name, semester)

    _ = Course


def populate(db: Database) -> None:
    with db_session:
        cs1 = db.Group(dept="CS", year=1, spec="Software Engineering")
        cs2 = db.Group(dept="CS", year=2, spec="Software Engineering")
        ma1 = db.Group(dept="Math", year=1, spec="Applied Mathematics")
        prog1 = db.Course(name="Programming", semester=1, credits=5)
        prog2 = db.Course(name="Programming", semester=2, credits=4)
        calc1 = db.Course(name="Calculus", semester=1, credits=4)
        db.Student(name="John", group=cs1, dob=date(2004, 5, 1), courses=[prog1, calc1])
        db.Student(name="Mary", group=cs1, dob=date(2004, 8, 12), courses=[prog1])
        db.Student(name="John", group=cs2, dob=date(2003, 2, 3), courses=[prog2])
        db.Student(name="Anna", group=ma1, courses=[calc1, prog1])


QUERIES: list[ExampleQuery] = [
    ("A group by its composite primary key", "Group['CS', 1]"),
    ("A course by its composite primary key", "Course['Programming', 2]"),
    ("A student by the composite unique key (name, group)",
     "Student.get(name='John', group=Group['CS', 2])"),
    ("Students of the first-year groups",
     "select((s.name, s.group.dept) for s in Student if s.group.year == 1).order_by(2, 1)"),
    ("Groups and their number of students",
     "select((g.dept, g.year, count(g.students)) for g in Group).order_by(1, 2)"),
    ("Who attends a Programming course, and in which semester",
     "select((s.name, c.semester) for s in Student for c in s.courses if c.name == 'Programming').order_by(1, 2)"),
    ("First-semester courses attended by CS students",
     "select(c for c in Course if 'CS' in c.students.group.dept and c.semester == 1).order_by(Course.name)"),
    ("Credits per student",
     "select((s.name, s.group.year, sum(s.courses.credits)) for s in Student).order_by(1, 2)"),
    ("Students of a group given as an object",
     "select(s.name for s in Student if s.group == Group['CS', 1]).order_by(1)"),
]


def main(argv: list[str] | None = None) -> None:
    run_example(define_entities, populate, QUERIES, argv)


if __name__ == "__main__":
    main()
