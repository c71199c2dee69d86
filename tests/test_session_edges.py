"""Session edge cases: error messages of failed saves and rollbacks, nested db_session exits,
savepoint release, defaults of new objects and the flush order of inserts, updates and deletes."""

import re

import pytest

from pony.orm import *


class Boom(Exception):
    pass


def define_entities(db):
    class Team(db.Entity):
        name = Required(str, unique=True)
        players = Set("Player")

    class Player(db.Entity):
        name = Required(str)
        score = Required(int, default=0)
        team = Optional(Team)


@pytest.fixture
def db(backend):
    return backend.make_db(define_entities)


def stored(db):
    """(name, score) of every stored player, read by a new session."""
    with db_session:
        return sorted((p.name, p.score) for p in db.Player.select())


def test_cycle_of_required_references_between_new_objects_is_refused(backend):
    def entities(db):
        class Node(db.Entity):
            id = PrimaryKey(int, auto=True)
            name = Required(str)
            next = Required("Node", reverse="prev")
            prev = Set("Node", reverse="next")
    db = backend.make_db(entities)
    with db_session:
        db.insert(db.Node._table_, id=1, name="root", next=1)
    with db_session:
        root = db.Node[1]
        x = db.Node(name="x", next=root)
        y = db.Node(name="y", next=x)
        x.next = y
        with pytest.raises(UnresolvableCyclicDependency) as info:
            flush()
        chains = ["Cannot save cyclic chain: " + " -> ".join(repr(o) for o in order) for order in ((x, y), (y, x))]
        assert str(info.value) in chains
        rollback()


def test_failed_rollback_raises_rollback_exception(db, monkeypatch):
    def broken(connection):
        raise Boom("connection gone")
    with db_session:
        db.Player(name="Ann")
        flush()
        monkeypatch.setattr(db.provider, "rollback", broken)
        with pytest.raises(RollbackException, match=re.escape("Rollback failed")) as info:
            rollback()
        assert str(info.value) == "Rollback failed"
        monkeypatch.undo()
        rollback()


def test_db_session_show_values_option_prints_the_values(db, capsys):
    name = "Zed"  # noqa: F841 - read by the $name parameter
    with db_session(sql_debug=True, show_values=True):
        db.select(f"id FROM {db.Player._table_} WHERE name = $name")
        sql = db.last_sql
    assert f"{sql}\n['Zed']\n\n" in capsys.readouterr().out


def test_nested_decorated_function_failing_leaves_the_outer_session_working(db):
    @db_session
    def failing():
        db.Player(name="Inner")
        raise Boom
    with db_session:
        db.Player(name="Ann")
        with pytest.raises(Boom):
            failing()
    with pytest.raises(TransactionError, match=re.escape("db_session is required when working with the database")):
        db.Player.select()[:]
    assert stored(db) == [("Ann", 0), ("Inner", 0)]


def test_setting_two_unique_attributes_keeps_unchanged_keys(backend):
    def entities(db):
        class Account(db.Entity):
            code = Required(str, unique=True)
            email = Required(str, unique=True)
            note = Optional(str)
    db = backend.make_db(entities)
    with db_session:
        db.Account(code="A", email="a@x")
    with db_session:
        acc = db.Account.get(code="A")
        acc.set(code="A", email="new@x")
        assert db.Account.get(code="A") is acc
        assert db.Account.get(email="new@x") is acc
    with db_session:
        assert [(a.code, a.email) for a in db.Account.select()] == [("A", "new@x")]


def test_deleting_one_side_of_a_symmetric_relation_clears_the_other(backend):
    def entities(db):
        class Person(db.Entity):
            name = Required(str)
            spouse = Optional("Person", reverse="spouse")
    db = backend.make_db(entities)
    with db_session:
        ann = db.Person(name="Ann")
        db.Person(name="Bob", spouse=ann)
    with db_session:
        bob = db.Person.get(name="Bob")
        ann = db.Person.get(name="Ann")
        assert ann.spouse is bob
        bob.delete()
        assert ann.spouse is None
    with db_session:
        assert [(p.name, p.spouse) for p in db.Person.select()] == [("Ann", None)]


def test_new_object_optional_string_defaults_to_empty_string(backend):
    def entities(db):
        class Item(db.Entity):
            title = Optional(str)
            data = Optional(Json)
            size = Optional(int)
    db = backend.make_db(entities)
    with db_session:
        item = db.Item()
        assert (item.title, item.data, item.size) == ("", {}, None)
    with db_session:
        assert [(i.title, i.data, i.size) for i in db.Item.select()] == [("", {}, None)]


def test_cascade_delete_of_an_object_that_is_its_own_child(backend):
    def entities(db):
        class Node(db.Entity):
            name = Required(str)
            parent = Optional("Node", reverse="children")
            children = Set("Node", reverse="parent", cascade_delete=True)
    db = backend.make_db(entities)
    with db_session:
        loop = db.Node(name="loop")
        loop.parent = loop
        db.Node(name="kid", parent=loop)
        db.Node(name="other")
    with db_session:
        db.Node.get(name="loop").delete()
    with db_session:
        assert [n.name for n in db.Node.select()] == ["other"]
