"""Entity.upsert() and insert_many(on_conflict=...), beyond Pony: rows, counts, identity map, errors."""

import importlib

import pytest

from pony.orm import *


@pytest.mark.parametrize("name, update, expected", [
    ("sqlite", ("b",), 'INSERT INTO "t" ("a", "b") VALUES (?, ?) ON CONFLICT ("a") DO UPDATE SET "b" = excluded."b"'),
    ("sqlite", (), 'INSERT INTO "t" ("a", "b") VALUES (?, ?) ON CONFLICT ("a") DO NOTHING'),
    ("postgres", ("b",),
     'INSERT INTO "t" ("a", "b") VALUES (%s, %s) ON CONFLICT ("a") DO UPDATE SET "b" = excluded."b"'),
    ("mysql", ("b",), "INSERT INTO `t` (`a`, `b`) VALUES (%s, %s) ON DUPLICATE KEY UPDATE `b` = VALUES(`b`)"),
    ("mysql", (), "INSERT IGNORE INTO `t` (`a`, `b`) VALUES (%s, %s)"),
])
def test_upsert_sql_per_dialect(name, update, expected):
    from pony.orm.sql import ast
    provider = importlib.import_module(f"pony.orm.dbproviders.{name}").provider_cls.offline()
    insert = provider.compiler.compile(ast.Insert("t", ("a", "b"), (ast.Param(0), ast.Param(1)))).sql
    assert provider.compiler.upsert_sql(insert, ("a",), update) == expected


def define_entities(db):
    class Team(db.Entity):
        name = Required(str, unique=True)
        members = Set("Member")

    class Member(db.Entity):
        email = Required(str, 40, unique=True)
        name = Optional(str)
        visits = Required(int, default=0)
        team = Optional(Team)

    class Setting(db.Entity):
        key = PrimaryKey(str, 30)
        value = Optional(str)

    class Cell(db.Entity):
        row = Required(int)
        col = Required(int)
        text = Optional(str)
        composite_key(row, col)


@pytest.fixture
def db(backend):
    return backend.make_db(define_entities)


def rows(db, entity, *columns):
    """The stored rows of ``entity``, read by a new session."""
    with db_session:
        return sorted(tuple(getattr(obj, c) for c in columns) for obj in entity.select())


# --- Entity.upsert -------------------------------------------------------------------------------


def test_upsert_inserts_a_missing_row_and_returns_its_object(db):
    with db_session:
        ann = db.Member.upsert(email="ann@x", name="Ann")
        assert (ann.email, ann.name, ann.visits) == ("ann@x", "Ann", 0)
        assert db.Member.get(email="ann@x") is ann
    assert rows(db, db.Member, "email", "name", "visits") == [("ann@x", "Ann", 0)]


def test_upsert_updates_only_the_given_attributes_of_an_existing_row(db):
    with db_session:
        db.Member(email="ann@x", name="Ann", visits=3)
    with db_session:
        ann = db.Member.get(email="ann@x")
        assert ann.visits == 3
        again = db.Member.upsert(email="ann@x", visits=4)
        assert again is ann
        assert (ann.name, ann.visits) == ("Ann", 4)  # the loaded object sees the stored values
    assert rows(db, db.Member, "email", "name", "visits") == [("ann@x", "Ann", 4)]


def test_upsert_by_primary_key(db):
    with db_session:
        theme = db.Setting.upsert(key="theme", value="dark")
        assert theme.value == "dark"
        assert db.Setting.upsert(key="theme", value="light") is theme
        assert theme.value == "light"
    assert rows(db, db.Setting, "key", "value") == [("theme", "light")]


def test_upsert_by_composite_key(db):
    with db_session:
        db.Cell.upsert(row=1, col=2, text="a")
        cell = db.Cell.upsert(row=1, col=2, text="b")
        assert cell.text == "b"
        db.Cell.upsert(row=2, col=1, text="c")
    assert rows(db, db.Cell, "row", "col", "text") == [(1, 2, "b"), (2, 1, "c")]


def test_upsert_with_update_list(db):
    with db_session:
        db.Member(email="ann@x", name="Ann", visits=1)
    with db_session:
        # name is only used when inserting; visits is overwritten
        db.Member.upsert(email="ann@x", name="Other", visits=2, update=["visits"])
        db.Member.upsert(email="bob@x", name="Bob", visits=1, update=["visits"])
        # an empty update list only inserts a missing row
        db.Member.upsert(email="ann@x", name="Ignored", visits=9, update=[])
        db.Member.upsert(email="cy@x", name="Cy", update=())
    assert rows(db, db.Member, "email", "name", "visits") == [("ann@x", "Ann", 2), ("bob@x", "Bob", 1),
                                                              ("cy@x", "Cy", 0)]


def test_upsert_flushes_pending_changes_first(db):
    with db_session:
        ann = db.Member(email="ann@x", name="Ann")
        db.Member.upsert(email="ann@x", name="Anne")
        assert ann.name == "Anne"
    assert rows(db, db.Member, "email", "name") == [("ann@x", "Anne")]


def test_upsert_of_a_relation_refreshes_the_other_end(db):
    with db_session:
        red, blue = db.Team(name="red"), db.Team(name="blue")
        db.Member(email="ann@x", team=red)
    with db_session:
        red, blue = db.Team.get(name="red"), db.Team.get(name="blue")
        assert [m.email for m in red.members] == ["ann@x"] and list(blue.members) == []
        ann = db.Member.upsert(email="ann@x", team=blue)
        assert ann.team is blue
        assert list(red.members) == [] and list(blue.members) == [ann]


# --- insert_many(on_conflict=...) ------------------------------------------------------------------


def test_insert_many_ignore_skips_existing_rows_and_counts_the_inserted(db):
    with db_session:
        db.Member(email="ann@x", name="Ann")
    with db_session:
        ann = db.Member.get(email="ann@x")
        n = db.Member.insert_many([{"email": "ann@x", "name": "Changed"}, {"email": "bob@x", "name": "Bob"},
                                   {"email": "cy@x"}, {"email": "bob@x", "name": "Second Bob"}],
                                  on_conflict="ignore")
        assert n == 2
        assert ann.name == "Ann"
    assert rows(db, db.Member, "email", "name") == [("ann@x", "Ann"), ("bob@x", "Bob"), ("cy@x", "")]


def test_insert_many_update_writes_every_row_the_last_of_a_key_winning(db):
    with db_session:
        db.Member(email="ann@x", name="Ann", visits=7)
    with db_session:
        ann = db.Member.get(email="ann@x")
        assert ann.name == "Ann"
        n = db.Member.insert_many([{"email": "ann@x", "name": "Anne"}, {"email": "bob@x", "name": "Bob"},
                                   {"email": "bob@x", "name": "Robert"}], on_conflict="update")
        assert n == 2
        assert (ann.name, ann.visits) == ("Anne", 7)
        assert db.Member.select().count() == 2
    assert rows(db, db.Member, "email", "name", "visits") == [("ann@x", "Anne", 7), ("bob@x", "Robert", 0)]


def test_insert_many_update_with_explicit_key_and_update_list(db):
    with db_session:
        db.Cell(row=1, col=1, text="old")
    with db_session:
        n = db.Cell.insert_many([{"row": 1, "col": 1, "text": "new"}, {"row": 1, "col": 2, "text": "x"}],
                                on_conflict="update", conflict_keys=("col", "row"), update=["text"])
        assert n == 2
    assert rows(db, db.Cell, "row", "col", "text") == [(1, 1, "new"), (1, 2, "x")]


def test_insert_many_many_rows_in_chunks(db):
    with db_session:
        db.Member.insert_many([{"email": f"m{i}@x", "visits": i} for i in range(0, 1500, 2)])
    with db_session:
        n = db.Member.insert_many([{"email": f"m{i}@x", "visits": -i} for i in range(1500)], on_conflict="ignore")
        assert n == 750
        assert db.Member.insert_many([{"email": f"m{i}@x", "visits": i + 1} for i in range(1500)],
                                     on_conflict="update") == 1500
    with db_session:
        assert sum(m.visits for m in db.Member.select()) == sum(i + 1 for i in range(1500))


# --- errors --------------------------------------------------------------------------------------


@pytest.mark.parametrize("call, error, message", [
    (lambda db: db.Member.upsert("name", email="a@x", name="A"), TypeError,
     r"Conflict key \(name\) of Member is not its primary key or a unique key. Keys are: \(id\), \(email\)"),
    (lambda db: db.Member.upsert("nope", email="a@x"), TypeError, "Unknown attribute 'nope' in conflict key"),
    (lambda db: db.Member.upsert(name="A"), TypeError, r"Values for a key of Member are needed.*\(email\)"),
    (lambda db: db.Cell.upsert(row=1, text="t"), TypeError, r"Keys are: \(id\), \(row, col\)"),
    (lambda db: db.Member.upsert(email="a@x", update=["email"]), TypeError,
     "Member.email is part of the conflict key"),
    (lambda db: db.Member.upsert(email="a@x", update=["members"]), TypeError, "Unknown attribute 'members'"),
    (lambda db: db.Team.upsert(name="t", update=["members"]), TypeError, "Team.members has no column"),
    (lambda db: db.Member.upsert(email="x" * 41), ValueError, "too long"),
    (lambda db: db.Member.insert_many([{"email": "a@x"}], on_conflict="replace"), ValueError,
     "on_conflict must be one of 'ignore', 'update'"),
    (lambda db: db.Member.insert_many([{"email": "a@x"}], conflict_keys="email"), TypeError,
     "conflict_keys and update need on_conflict"),
    (lambda db: db.Member.insert_many([{"email": "a@x"}], on_conflict="update", update=[]), ValueError,
     "updates nothing"),
    (lambda db: db.Member.insert_many([{"email": "a@x"}], on_conflict="ignore", update=["name"]), TypeError,
     "update=.* is for on_conflict='update'"),
    (lambda db: db.Member.insert_many([{"email": "a@x"}, {"name": "no key"}], on_conflict="ignore"), ValueError,
     r"has no value for email of conflict key \(email\)"),
    (lambda db: db.Member.insert_many([{"email": "a@x", "name": "A"}], on_conflict="update", update=["visits"]),
     None, None),
])
def test_bad_arguments_are_clear_errors_and_send_nothing(db, call, error, message):
    with db_session:
        if error is None:
            call(db)  # the valid neighbour of the cases above
            return
        with pytest.raises(error, match=message):
            call(db)
    assert rows(db, db.Member, "email") == []


def test_missing_foreign_key_row_is_an_integrity_error_in_every_mode(db):
    with db_session:
        db.Team(name="red")
    for mode in ("ignore", "update"):
        with pytest.raises(TransactionIntegrityError, match="Upsert into Member failed"):
            with db_session:
                db.Member.insert_many([{"email": "a@x", "team": 1}, {"email": "b@x", "team": 99}],
                                      on_conflict=mode)
    assert rows(db, db.Member, "email") == []


def test_unique_key_other_than_the_target(db, backend):
    """PostgreSQL and SQLite refuse a row that collides on another unique key; MySQL has no conflict
    target (any unique key counts), so there the row with that key is updated (documented)."""
    with db_session:
        db.Member(email="ann@x", name="Ann")
    with db_session:
        ann = db.Member.get(email="ann@x")
        if backend.name == "mysql":
            db.Member.upsert("id", id=5, email="ann@x", name="Anne")
            assert (ann.id, ann.name) == (1, "Anne")
        else:
            with pytest.raises(TransactionIntegrityError):
                db.Member.upsert("id", id=5, email="ann@x", name="Anne")


def test_hostile_text_is_a_parameter(db):
    text = "x'); DROP TABLE member; --"
    with db_session:
        db.Member.upsert(email="a@x", name=text)
        db.Member.insert_many([{"email": "a@x", "name": text + "!"}], on_conflict="update")
    assert rows(db, db.Member, "email", "name") == [("a@x", text + "!")]
