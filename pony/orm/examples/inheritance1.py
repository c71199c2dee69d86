"""Inheritance: ``Student`` and ``Professor`` are kinds of ``Person``, all kept in one table.

Querying ``Person`` returns students and professors as instances of their own classes; the
``classtype`` column (the discriminator Pony adds) tells them apart.
``python -m pony.orm.examples.inheritance1`` runs it on in-memory SQLite.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pony.orm import Database, Optional, Required, Set, db_session

from ._runner import ExampleQuery, run_example


def define_entities(db: Database) -> None:
    class Person(db.Entity):
        name = Required(str)
        dob = Optional(date)
        ssn = Required(str, unique=True)

    class Student(Person):
        group = Required("Group")
        mentor = Optional("Professor")
        attend_courses = Set("Course")

    class Professor(Person):
        degree = Required(str)
        teaches_courses = Set("Course")
        mentored_students = Set(Student)
        salary = Required(Decimal, 10, 2)

    class Group(db.Entity):
        number = Required(int, unique=True)
        students = Set(Student)

    class Course(db.Entity):
        name = Required(str, unique=True)
        students = Set(Student)
        teachers = Set(Professor)

    _ = Course


def populate(db: Database) -> None:
    with db_session:
        g1, g2 = db.Group(number=101), db.Group(number=102)
        python, sql, math = (db.Course(name=n) for n in ("Python", "SQL", "Mathematics"))
        smith = db.Professor(name="Alan Smith", dob=date(1965, 7, 1), ssn="111-11-1111", degree="Ph.D.",
                             salary=Decimal("8000.00"), teaches_courses=[python, sql])
        brown = db.Professor(name="Julia Brown", dob=date(1972, 3, 15), ssn="222-22-2222", degree="M.S.",
                             salary=Decimal("6500.00"), teaches_courses=[math])
        db.Student(name="John Doe", dob=date(2003, 1, 9), ssn="333-33-3333", group=g1, mentor=smith,
                   attend_courses=[python, math])
        db.Student(name="Jane Roe", dob=date(2002, 5, 30), ssn="444-44-4444", group=g1, mentor=smith,
                   attend_courses=[python, sql])
        db.Student(name="Ivan Ivanov", dob=date(2003, 11, 2), ssn="555-55-5555", group=g2, mentor=brown,
                   attend_courses=[math])
        db.Student(name="Li Wei", ssn="666-66-6666", group=g2, attend_courses=[sql, math])
        db.Person(name="Mary Staff", dob=date(1980, 2, 2), ssn="777-77-7777")


QUERIES: list[ExampleQuery] = [
    ("Everybody, each as its own class",
     "select(p for p in Person).order_by(Person.id)"),
    ("Only the students",
     "select(s for s in Student).order_by(Student.name)"),
    ("People who are neither students nor professors",
     "select(p for p in Person if p.classtype == 'Person')"),
    ("Students of group 101 and their mentors",
     "select((s.name, s.mentor.name) for s in Student if s.group.number == 101).order_by(1)"),
    ("Professors with more than one mentored student",
     "select(p.name for p in Professor if count(p.mentored_students) > 1)"),
    ("Students without a mentor",
     "select(s.name for s in Student if s.mentor is None)"),
    ("Who teaches the courses John Doe attends",
     "select(p.name for p in Professor for c in p.teaches_courses"
     " if 'John Doe' in c.students.name).order_by(1)"),
    ("Number of students per course",
     "select((c.name, count(c.students)) for c in Course).order_by(1)"),
    ("The total salary of the professors",
     "sum(p.salary for p in Professor)"),
    ("Person[1] is loaded as the class it was saved as", "Person[1]"),
]


def main(argv: list[str] | None = None) -> None:
    run_example(define_entities, populate, QUERIES, argv)


if __name__ == "__main__":
    main()
