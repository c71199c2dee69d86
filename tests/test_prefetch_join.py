"""``prefetch`` of to-one relations reads the related objects in the main SELECT (a LEFT JOIN):
the results are those of the same query without prefetch, for self-references, missing related
objects, subclasses, composite keys, lazy columns, windows, DISTINCT and FOR UPDATE queries, and
objects changed in the session before."""

from __future__ import annotations

import warnings

import pytest

from pony.orm import (
    Database,
    LongStr,
    Optional,
    PrimaryKey,
    Required,
    Set,
    db_session,
    select,
)
from pony.orm.errors import DatabaseContainsIncorrectEmptyValue


def define(db: Database) -> None:
    class Node(db.Entity):
        name = Required(str)
        parent = Optional("Node", reverse="children")
        children = Set("Node", reverse="parent")
        owner = Optional("Person")
        pair = Optional("Pair")
        tags = Set("Tag")

    class Person(db.Entity):
        name = Required(str)
        bio = Optional(LongStr, lazy=True)
        nodes = Set(Node)

    class Teacher(Person):
        salary = Required(int)

    class Pair(db.Entity):
        x = Required(int)
        y = Required(str)
        PrimaryKey(x, y)
        nodes = Set(Node)

    class Tag(db.Entity):
        label = Required(str)
        nodes = Set(Node)


@pytest.fixture
def db(backend):
    db = backend.make_db(define)
    with db_session:
        ann = db.Person(name="ann", bio="b" * 50)
        tom = db.Teacher(name="tom", salary=5, bio="t")
        pair = db.Pair(x=1, y="one")
        tag = db.Tag(label="t")
        root = db.Node(name="root", owner=tom, pair=pair)
        mid = db.Node(name="mid", parent=root, owner=ann, tags=[tag])
        db.Node(name="leaf", parent=mid, pair=pair, tags=[tag])
        db.Node(name="alone")
    return db


def queries(db):
    return sum(stat.db_count for sql, stat in db.local_stats.items() if sql is not None)


def describe(node):
    def name(obj):
        return None if obj is None else obj.name
    return (node.name, name(node.parent), name(node.owner), type(node.owner).__name__,
            None if node.pair is None else node.pair.get_pk())


EXPECTED = [("root", None, "tom", "Teacher", (1, "one")), ("mid", "root", "ann", "Person", None),
            ("leaf", "mid", None, "NoneType", (1, "one")), ("alone", None, None, "NoneType", None)]


def test_one_select_for_the_objects_and_their_related_objects(db):
    with db_session:
        db.merge_local_stats()
        nodes = select(n for n in db.Node).order_by(db.Node.id).prefetch(db.Node.parent, db.Node.owner,
                                                                         db.Node.pair)[:]
        count = queries(db)
        assert [describe(n) for n in nodes] == EXPECTED
        assert queries(db) == count  # nothing more was loaded
        assert count == 1  # the parents of the parents were in the same rows
        assert nodes[2].parent is nodes[1] and nodes[1].parent is nodes[0]


def test_same_results_as_without_prefetch(db):
    with db_session:
        plain = [describe(n) for n in select(n for n in db.Node).order_by(db.Node.id)]
    with db_session:
        joined = [describe(n) for n in select(n for n in db.Node).order_by(db.Node.id).prefetch(db.Person, db.Pair)]
    assert plain == joined == EXPECTED


def test_windows_distinct_and_lock(db):
    with db_session:
        page = select(n for n in db.Node).order_by(db.Node.id).prefetch(db.Node.parent)[1:3]
        assert [describe(n) for n in page] == EXPECTED[1:3]
    with db_session:  # DISTINCT (a join with a collection): loaded the other way, same result
        tagged = select(n for n in db.Node for t in n.tags if t.label == "t").prefetch(db.Node.parent)[:]
        assert sorted(describe(n) for n in tagged) == sorted(EXPECTED[1:3])
    with db_session:
        locked = select(n for n in db.Node if n.name == "leaf").for_update().prefetch(db.Node.parent)[:]
        assert [describe(n) for n in locked] == [EXPECTED[2]]


def test_lazy_columns_of_the_related_objects(db):
    with db_session:
        db.merge_local_stats()
        nodes = select(n for n in db.Node if n.owner).order_by(db.Node.id).prefetch(db.Node.owner,
                                                                                     db.Person.bio)[:]
        assert [(n.owner.name, n.owner.bio) for n in nodes] == [("tom", "t"), ("ann", "b" * 50)]
        assert queries(db) == 1


def test_objects_changed_in_the_session_before(db):
    with db_session:
        mid = db.Node.get(name="mid")
        root = mid.parent
        root.name = "ROOT"
        mid.owner.name = "ANN"
        nodes = select(n for n in db.Node if n.parent).order_by(db.Node.id).prefetch(db.Node.parent,
                                                                                     db.Node.owner)[:]
        assert [describe(n) for n in nodes] == [("mid", "ROOT", "ANN", "Person", None),
                                                ("leaf", "mid", None, "NoneType", (1, "one"))]
        assert nodes[0] is mid and mid.parent is root


def test_no_warning_for_the_missing_related_rows(db):
    with db_session, warnings.catch_warnings():
        warnings.simplefilter("error", DatabaseContainsIncorrectEmptyValue)
        nodes = select(n for n in db.Node).prefetch(db.Node.parent, db.Node.owner, db.Node.pair)[:]
        assert len(nodes) == 4
