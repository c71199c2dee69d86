"""The university again, with teachers and grades: who teaches what, and how students did.

``python -m pony.orm.examples.university2`` builds it on in-memory SQLite and runs the queries
below; ``define_entities(db)`` and ``populate(db)`` work on any database.
"""

# Query sources stay on one line, as a reader types them.
# ruff: noqa: E501

from __future__ import annotations

from datetime import date

from pony.orm import Database, Optional, PrimaryKey, Required, Set, db_session

from ._runner import ExampleQuery, run_example


def define_entities(db: Database) -> None:
    class Department(db.Entity):
        name = Required(str, unique=True)
        faculty = Required(str)
        groups = Set("Group")
        courses = Set("Course")
        teachers = Set("Teacher")

    class Group(db.Entity):
        number = PrimaryKey(int)
        grad_year = Required(int)
        dept = Required(Department)
        students = Set("Student")

    class Teacher(db.Entity):
        name = Required(str)
        degree = Optional(str)
        dept = Required(Department)
        courses = Set("Course")
        grades = Set("Grade")

    class Course(db.Entity):
        name = Required(str, unique=True)
        credits = Required(int)
        dept = Required(Department)
        teachers = Set(Teacher)
        grades = Set("Grade")

    class Student(db.Entity):
        name = Required(str)
        dob = Required(date)
        scholarship = Required(int, default=0)
        group = Required(Group)
        grades = Set("Grade")

    class Grade(db.Entity):
        student = Required(Student)
        course = Required(Course)
        teacher = Required(Teacher)
        value = Required(int)
        date = Optional(date)
        PrimaryKey(student, course)

    _ = Grade


DEPARTMENTS = [("Computer Science", "Engineering"), ("Mathematics", "Sciences")]
GROUPS = [(4141, 2025, 1), (4142, 2025, 1), (3131, 2026, 2)]
# (name, degree, department number, [course numbers])
TEACHERS = [("Ada Byron", "Ph.D.", 1, [1, 2]), ("Alan Church", "M.S.", 1, [2, 3]), ("Emmy Gauss", "Ph.D.", 2, [4, 5])]
# (name, credits, department number)
COURSES = [("Programming", 5, 1), ("Databases", 4, 1), ("Networks", 3, 1), ("Algebra", 4, 2), ("Probability", 3, 2)]
# (name, date of birth, scholarship, group)
STUDENTS = [
    ("John Smith", date(2003, 3, 20), 0, 4141),
    ("Matthew Reed", date(2002, 11, 26), 500, 4141),
    ("Chuan Qin", date(2003, 2, 5), 1000, 4142),
    ("Rebecca Lawson", date(2004, 4, 18), 0, 4142),
    ("Oliver Blakey", date(2004, 9, 8), 500, 3131),
]
# (student, course, teacher, value)
GRADES = [
    (1, 1, 1, 4), (1, 2, 2, 3), (1, 4, 3, 5),
    (2, 1, 1, 5), (2, 2, 1, 5), (2, 3, 2, 4),
    (3, 1, 1, 5), (3, 4, 3, 5), (3, 5, 3, 4),
    (4, 2, 2, 2), (4, 5, 3, 3),
    (5, 4, 3, 4), (5, 5, 3, 5),
]


def populate(db: Database) -> None:
    with db_session:
        depts = [db.Department(name=name, faculty=faculty) for name, faculty in DEPARTMENTS]
        groups = {number: db.Group(number=number, grad_year=year, dept=depts[d - 1]) for number, year, d in GROUPS}
        courses = [db.Course(name=name, credits=credits, dept=depts[d - 1]) for name, credits, d in COURSES]
        teachers = [db.Teacher(name=name, degree=degree, dept=depts[d - 1], courses=[courses[c - 1] for c in cs])
                    for name, degree, d, cs in TEACHERS]
        students = [db.Student(name=name, dob=dob, scholarship=money, group=groups[g])
                    for name, dob, money, g in STUDENTS]
        for i, (s, c, t, value) in enumerate(GRADES):
            db.Grade(student=students[s - 1], course=courses[c - 1], teacher=teachers[t - 1], value=value,
                     date=date(2024, 6, 10 + i % 5))


QUERIES: list[ExampleQuery] = [
    ("Students with a scholarship",
     "select((s.name, s.scholarship) for s in Student if s.scholarship > 0).order_by(1)"),
    ("Each student's average grade",
     "select((s.name, avg(s.grades.value)) for s in Student).order_by(lambda name, grade: (desc(grade), name))"),
    ("Students with no grade below 4",
     "select(s.name for s in Student if min(s.grades.value) >= 4).order_by(1)"),
    ("Students with a grade below 3",
     "select(g.student.name for g in Grade if g.value < 3)"),
    ("Courses and how many students passed them",
     "select((c.name, count(g for g in c.grades if g.value >= 3)) for c in Course).order_by(1)"),
    ("Teachers of the Computer Science department",
     "select(t.name for t in Teacher if t.dept.name == 'Computer Science').order_by(1)"),
    ("Who teaches Databases",
     "select(t.name for t in Teacher if 'Databases' in t.courses.name).order_by(1)"),
    ("Grades given by each teacher",
     "select((t.name, count(t.grades), avg(t.grades.value)) for t in Teacher).order_by(1)"),
    ("Students Ada Byron gave a five",
     "select(g.student.name for g in Grade if g.teacher.name == 'Ada Byron' and g.value == 5).order_by(1)"),
    ("Credits earned by each student (grade 3 or better)",
     "select((s.name, sum(g.course.credits for g in s.grades if g.value >= 3)) for s in Student).order_by(1)"),
    ("Average grade per group",
     "select((g.number, avg(g.students.grades.value)) for g in Group).order_by(1)"),
    ("The best student of group 4141",
     "select(s for s in Student if s.group.number == 4141).order_by(lambda s: desc(avg(s.grades.value))).first()"),
    ("A grade by its composite primary key", "Grade[Student[1], Course[4]]"),
]


def main(argv: list[str] | None = None) -> None:
    run_example(define_entities, populate, QUERIES, argv)


if __name__ == "__main__":
    main()
