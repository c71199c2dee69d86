"""A university: departments, groups of students, courses and the students who attend them.

``python -m pony.orm.examples.university1`` builds it on in-memory SQLite and runs the queries
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
        number = PrimaryKey(int, auto=True)
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
        lect_hours = Required(int)
        lab_hours = Required(int)
        credits = Required(int)
        dept = Required(Department)
        students = Set("Student")
        PrimaryKey(name, semester)

    class Student(db.Entity):
        id = PrimaryKey(int, auto=True)
        name = Required(str)
        dob = Required(date)
        tel = Optional(str)
        picture = Optional(bytes, lazy=True)
        gpa = Required(float, default=0)
        group = Required(Group)
        courses = Set(Course)

    _ = (Course, Student)


# (name, [(group number, major)], [(course name, semester, lecture hours, lab hours, credits)])
DEPARTMENTS = [
    ("Department of Computer Science",
     [(101, "B.E. in Computer Engineering"), (102, "B.S. in Applied Computer Science")],
     [("C Fundamentals", 1, 8, 8, 4), ("Web Design", 1, 6, 8, 3), ("Data Structures and Algorithms", 3, 10, 8, 5),
      ("Operating Systems", 4, 8, 6, 4)]),
    ("Department of Mathematical Sciences",
     [(201, "B.S. in Applied Mathematics")],
     [("Linear Algebra", 1, 6, 0, 3), ("Statistical Methods", 2, 8, 4, 4), ("Discrete Mathematics", 3, 6, 2, 3)]),
]

# (name, date of birth, phone, gpa, group number, [(course name, semester)])
STUDENTS = [
    ("John Smith", date(1991, 3, 20), "123-45-67", 3.0, 101,
     [("C Fundamentals", 1), ("Linear Algebra", 1), ("Web Design", 1)]),
    ("Matthew Reed", date(1990, 11, 26), "", 3.5, 101,
     [("Data Structures and Algorithms", 3), ("Discrete Mathematics", 3)]),
    ("Chuan Qin", date(1989, 2, 5), "", 4.0, 101, [("C Fundamentals", 1), ("Linear Algebra", 1)]),
    ("Rebecca Lawson", date(1990, 4, 18), "234-56-78", 3.3, 102,
     [("Web Design", 1), ("Statistical Methods", 2)]),
    ("Maria Ionescu", date(1991, 4, 23), "", 3.9, 102, [("Linear Algebra", 1)]),
    ("Oliver Blakey", date(1990, 9, 8), "", 3.1, 201,
     [("Linear Algebra", 1), ("Statistical Methods", 2), ("Discrete Mathematics", 3)]),
    ("Jing Xia", date(1988, 12, 30), "", 3.2, 201, []),
]


def populate(db: Database) -> None:
    with db_session:
        groups, courses = {}, {}
        for name, dept_groups, dept_courses in DEPARTMENTS:
            dept = db.Department(name=name)
            for number, major in dept_groups:
                groups[number] = db.Group(number=number, major=major, dept=dept)
            for course_name, semester, lect, lab, credits in dept_courses:
                courses[course_name, semester] = db.Course(name=course_name, semester=semester, lect_hours=lect,
                                                           lab_hours=lab, credits=credits, dept=dept)
        for name, dob, tel, gpa, group, attended in STUDENTS:
            db.Student(name=name, dob=dob, tel=tel, gpa=gpa, group=groups[group],
                       courses=[courses[key] for key in attended])


QUERIES: list[ExampleQuery] = [
    ("Students with a GPA above 3.5",
     "select(s for s in Student if s.gpa > 3.5).order_by(Student.name)"),
    ("Students whose phone number we know",
     "select(s.name for s in Student if s.tel).order_by(1)"),
    ("Students born in 1990",
     "select(s.name for s in Student if s.dob.year == 1990).order_by(1)"),
    ("Names starting with 'M'",
     "select(s.name for s in Student if s.name.startswith('M')).order_by(1)"),
    ("The average GPA of each group",
     "select((g.number, avg(g.students.gpa)) for g in Group).order_by(1)"),
    ("Groups with more than two students",
     "select(g.number for g in Group if count(g.students) > 2)"),
    ("Students of the Computer Science department",
     "select(s.name for s in Student if s.group.dept.name == 'Department of Computer Science').order_by(1)"),
    ("Students attending 'Linear Algebra'",
     "select(s.name for s in Student if 'Linear Algebra' in s.courses.name).order_by(1)"),
    ("Courses nobody attends",
     "select((c.name, c.semester) for c in Course if not c.students)"),
    ("Credits each student has signed up for",
     "select((s.name, sum(s.courses.credits)) for s in Student).order_by(lambda name, credits: (desc(credits), name))"),
    ("The best student of each department",
     "select((d.name, max(d.groups.students.gpa)) for d in Department).order_by(1)"),
    ("Number of students per course, first semester",
     "select((c.name, count(c.students)) for c in Course if c.semester == 1).order_by(1)"),
    ("Is there a student born after 1988 in group 201?",
     "exists(s for s in Student if s.group.number == 201 and s.dob > date(1989, 1, 1))"),
    ("A student by primary key", "Student[1]"),
    ("A course by its composite primary key", "Course['Linear Algebra', 1]"),
]


def main(argv: list[str] | None = None) -> None:
    run_example(define_entities, populate, QUERIES, argv)


if __name__ == "__main__":
    main()
