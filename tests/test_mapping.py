"""SPEC 1.2: generate_mapping, the DDL of db.schema.generate_create_script() for every dialect (compared
with what Pony 0.7.20 prints for the same entities, kept in tests/ddl_expected/), naming rules, ON DELETE
rules, and create_tables / check_tables / drop_all_tables / drop_table."""

from __future__ import annotations

from pathlib import Path

import pytest

from pony.orm import *  # noqa: F403

EXPECTED_DIR = Path(__file__).parent / "ddl_expected"

MODELS = {
"basic": '''
from decimal import Decimal
from datetime import date, datetime, time, timedelta
from uuid import UUID
class Person(db.Entity):
    name = Required(str, 40)
    nick = Optional(str, unique=True)
    bio = Optional(LongStr)
    age = Optional(int, size=16)
    big = Optional(int, size=64)
    tiny = Optional(int, size=8, unsigned=True)
    u32 = Optional(int, unsigned=True)
    score = Optional(float)
    money = Required(Decimal, 10, 3)
    born = Optional(date)
    seen = Optional(datetime, precision=3)
    wake = Optional(time, 3)
    dur = Optional(timedelta, 0)
    raw = Optional(bytes)
    uid = Optional(UUID)
    flag = Optional(bool)
    info = Optional(Json)
    note = Optional(str, sql_default="'x'")
    code = Required(str, index=True)
    cars = Set('Car')
''' + '''
class Car(db.Entity):
    owner = Required(Person)
    driver = Optional('Driver')
''' + '''
class Driver(db.Entity):
    cars = Set(Car)
''',
"m2m": '''
class Student(db.Entity):
    name = Required(str)
    courses = Set('Course')
    friends = Set('Student', reverse='friends')
    mentors = Set('Student', reverse='mentees')
    mentees = Set('Student', reverse='mentors')
class Course(db.Entity):
    title = Required(str)
    students = Set(Student)
''',
"composite": '''
class Group(db.Entity):
    dept = Required(int)
    num = Required(int)
    PrimaryKey(dept, num)
    students = Set('Student')
    tags = Set('Tag')
class Student(db.Entity):
    name = Required(str)
    group = Optional(Group)
    marks = Set('Mark')
    composite_key(name, group)
class Tag(db.Entity):
    name = PrimaryKey(str)
    groups = Set(Group)
class Mark(db.Entity):
    student = Required(Student)
    subject = Required(str)
    PrimaryKey(student, subject)
    value = Required(int)
    composite_index(value, subject)
''',
"inherit": '''
class Person(db.Entity):
    name = Required(str)
    spouse = Optional('Person', reverse='spouse')
class Student(Person):
    gpa = Optional(float)
    mentor = Optional('Teacher')
class Teacher(Person):
    salary = Required(int)
    students = Set(Student)
''',
"custom": '''
class Person(db.Entity):
    _table_ = 'people'
    name = Required(str, column='full_name')
    passport = Optional('Passport', column='pass_id')
    clubs = Set('Club', table='membership', column='club_ref')
class Passport(db.Entity):
    owner = Optional(Person)
class Club(db.Entity):
    members = Set(Person, column='person_ref')
''',
"onetoone": '''
class A(db.Entity):
    b = Optional('B')
    c = Required('C')
class B(db.Entity):
    a = Optional(A)
class C(db.Entity):
    a = Optional(A)
    d = Set('D', cascade_delete=False)
class D(db.Entity):
    c = Required(C)
''',
}
MODELS.update({
"pkorder": '''
class Student(db.Entity):
    marks = Set('Mark')
    marks2 = Set('Mark2')
class Mark(db.Entity):
    subject = Required(str)
    student = Required(Student)
    PrimaryKey(subject, student)
class Mark2(db.Entity):
    student = Required(Student)
    subject = Required(str)
    PrimaryKey(student, subject)
''',
"times": '''
from datetime import datetime, time, timedelta
class Person(db.Entity):
    cars = Set('Car')
    t1 = Optional(datetime, 2)
    t2 = Optional(time, 1)
    t3 = Optional(timedelta, 4)
    t4 = Optional(time, 0)
    t5 = Optional(timedelta, 3)
class Car(db.Entity):
    owner = Optional(Person)
    other = Optional('Other', column='oth')
class Other(db.Entity):
    car = Optional(Car)
''',
})


def declare(db: Database, code: str) -> Database:
    namespace: dict = {"db": db}
    exec("from pony.orm import *", namespace)
    exec(code, namespace)
    return db


def mapped(backend, code: str, create_tables: bool = False) -> Database:
    db = declare(Database(), code)
    backend.bind(db)
    db.generate_mapping(create_tables=create_tables, check_tables=create_tables)
    return db


DIALECTS = ("sqlite", "postgres", "mysql")


def mapped_offline(dialect: str, code: str) -> Database:
    """The model mapped by the dialect's provider without a server (names and DDL only, no statement):
    these checks run once per dialect, not under a server's label."""
    import importlib
    db = declare(Database(), code)
    db.provider = importlib.import_module(f"pony.orm.dbproviders.{dialect}").provider_cls.offline()
    db.provider_name = dialect
    db.generate_mapping(create_tables=False, check_tables=False)
    return db


@pytest.mark.parametrize("model", sorted(MODELS))
@pytest.mark.parametrize("dialect", DIALECTS)
def test_create_script_matches_pony(dialect, model: str) -> None:
    db = mapped_offline(dialect, MODELS[model])
    expected = (EXPECTED_DIR / f"{model}.{dialect}.sql").read_text().rstrip("\n")
    assert db.schema.generate_create_script() == expected


@pytest.mark.parametrize("model", sorted(MODELS))
def test_create_check_and_drop_all_tables(backend, model: str) -> None:
    db = mapped(backend, MODELS[model], create_tables=True)
    db.create_tables()  # a second time: existing tables, indexes and FKs are kept
    db.check_tables()
    names = [table.name for table in db.schema.tables.values()]
    with db_session:
        for name in names:
            assert db.select(f"select count(*) from {db.schema.ddl.quote(name)}") == [0]
    db.drop_all_tables()
    with pytest.raises(DatabaseError):
        db.check_tables()
    db.drop_all_tables()  # missing tables are skipped


# --- naming rules -----------------------------------------------------------------------------


@pytest.mark.parametrize("dialect", DIALECTS)
def test_names_follow_pony_rules(dialect) -> None:
    db = mapped_offline(dialect, MODELS["composite"] + MODELS["custom"].replace("Person", "Member").replace("Club", "Team"))
    norm = db.provider.normalize_name
    assert db.Group._table_ == norm("Group") and db.Member._table_ == "people"
    assert db.Student.group.columns == ["group_dept", "group_num"]  # composite pk FK: <attr>_<pkcol>
    assert db.Mark.student.columns == ["student"]
    assert db.Group.tags.m2m_table == norm("Group_Tag")
    assert db.Group.tags.columns == ["tag"] and db.Tag.groups.columns == ["group_dept", "group_num"]
    assert db.Member.name.columns == ["full_name"]
    assert db.Member.clubs.m2m_table == "membership"
    assert db.Member.clubs.columns == ["club_ref"] and db.Team.members.columns == ["person_ref"]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_self_and_symmetric_m2m_columns(dialect) -> None:
    db = mapped_offline(dialect, MODELS["m2m"])
    norm = db.provider.normalize_name
    assert db.Student.friends.m2m_table == norm("Student_friends")
    assert (db.Student.friends.columns, db.Student.friends.reverse_columns) == (["student"], ["student_2"])
    assert db.Student.mentors.m2m_table == norm("Student_Student")
    assert {tuple(db.Student.mentors.columns), tuple(db.Student.mentees.columns)} == {("student",), ("student_2",)}


@pytest.mark.parametrize("dialect", DIALECTS)
def test_m2m_table_name_clash_gets_a_suffix(dialect) -> None:
    db = mapped_offline(dialect, """
class A(db.Entity):
    bs = Set('B')
    bs2 = Set('B', reverse='as2')
class B(db.Entity):
    as_ = Set(A, reverse='bs')
    as2 = Set(A)
""")
    norm = db.provider.normalize_name
    assert {db.A.bs.m2m_table, db.A.bs2.m2m_table} == {norm("A_B"), norm("A_B") + "_2"}


@pytest.mark.parametrize("dialect", DIALECTS)
def test_fk_name_option_names_the_constraint(dialect) -> None:
    # Pony 0.7.20 documents fk_name but ignores it; here it names the constraint.
    db = mapped_offline(dialect, "class P(db.Entity):\n    cars = Set('Car')\n"
                         "class Car(db.Entity):\n    owner = Optional(P, fk_name='fk_custom')\n")
    fks = db.schema.tables[db.Car._table_].foreign_keys
    assert [fk.name for fk in fks.values()] == ["fk_custom"]


# --- ON DELETE rules, enforced by the database itself -----------------------------------------


ON_DELETE_MODEL = """
class Parent(db.Entity):
    kids = Set('Kid')
    pets = Set('Pet')
    toys = Set('Toy', cascade_delete=True)
    clubs = Set('Club')
class Kid(db.Entity):
    parent = Required(Parent)
class Pet(db.Entity):
    parent = Optional(Parent)
class Toy(db.Entity):
    parent = Optional(Parent)
class Club(db.Entity):
    parents = Set(Parent)
"""


def test_on_delete_actions(backend) -> None:
    db = mapped(backend, ON_DELETE_MODEL, create_tables=True)
    actions = {table.name: {fk.col_names: fk.on_delete for fk in table.foreign_keys.values()}
               for table in db.schema.tables.values()}
    norm = db.provider.normalize_name
    assert actions[norm("Kid")] == {("parent",): "CASCADE"}  # the reverse side cascades
    assert actions[norm("Pet")] == {("parent",): "SET NULL"}  # nullable Optional
    assert actions[norm("Toy")] == {("parent",): "CASCADE"}  # cascade_delete=True
    assert set(actions[norm("Club_Parent")].values()) == {"CASCADE"}  # m2m rows always cascade
    with db_session:
        p = db.Parent()
        db.Kid(parent=p), db.Pet(parent=p), db.Toy(parent=p), db.Club(parents=[p])
    with db_session:  # the database applies the rules on a raw DELETE
        db.execute(f"delete from {db.schema.ddl.quote(db.Parent._table_)}")
    with db_session:
        q = db.schema.ddl.quote
        assert db.select(f"select count(*) from {q(db.Kid._table_)}") == [0]
        assert db.select(f"select count(*) from {q(db.Toy._table_)}") == [0]
        assert db.select(f"select parent from {q(db.Pet._table_)}") == [None]
        assert db.select(f"select count(*) from {q(norm('Club_Parent'))}") == [0]


# --- drop_table and drop_all_tables -----------------------------------------------------------


DROP_MODEL = """
class Person(db.Entity):
    name = Required(str)
    clubs = Set('Club')
class Club(db.Entity):
    members = Set(Person)
"""


def test_drop_errors_and_variants(backend) -> None:
    db = mapped(backend, DROP_MODEL, create_tables=True)
    q = db.schema.ddl.quote
    person, club_person = db.Person._table_, db.Person.clubs.m2m_table
    with db_session:
        db.Club(members=[db.Person(name="a")])
    not_empty = "Cannot drop table {} because it is not empty. Specify option with_all_data=True if you want " \
                "to drop table with all data"
    with pytest.raises(TableIsNotEmpty) as info:
        db.drop_all_tables()
    assert str(info.value) == not_empty.format(q(person))
    with pytest.raises(TableIsNotEmpty) as info:
        db.drop_table(db.Person.clubs)
    assert str(info.value) == not_empty.format(q(club_person))
    db.drop_table(db.Person.clubs, with_all_data=True)
    with pytest.raises(TableDoesNotExist) as info:
        db.drop_table(db.Person.clubs)
    assert str(info.value) == f"Table {q(club_person)} does not exist"
    with pytest.raises(TableDoesNotExist) as info:
        db.drop_table("Nope")
    assert str(info.value) == f'Table {q("Nope")} does not exist'
    db.drop_table("Nope", if_exists=True)
    with pytest.raises(TypeError) as info:
        db.drop_table(5)
    assert str(info.value) == "Invalid table name: 5"
    with pytest.raises(TableIsNotEmpty):
        db.Person.drop_table()
    with db_session:
        with pytest.raises(TransactionError) as info:
            db.drop_all_tables(with_all_data=True)
    assert str(info.value) == ("@db_session-decorated drop_all_tables() function with `ddl` option cannot be "
                               "called inside of another db_session")
    db.Person.drop_table(with_all_data=True)
    with pytest.raises(TableDoesNotExist):
        db.drop_table(db.Person)
    with pytest.raises(TableIsNotEmpty):
        db.drop_all_tables()  # only Club is left
    db.drop_all_tables(with_all_data=True)
    db.create_tables()
    db.check_tables()


def test_drop_table_hints_at_the_case_normalised_name(backend) -> None:
    db = mapped(backend, DROP_MODEL, create_tables=True)
    stored = db.Person._table_
    other = stored.swapcase()
    with pytest.raises(TableDoesNotExist) as info:
        db.drop_table(other)
    q = db.schema.ddl.quote
    assert str(info.value) == f"Table {q(other)} does not exist (probably you meant table {q(stored)})"
