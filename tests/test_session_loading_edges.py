"""Edge cases of the session's loading: prefetched lazy columns stay read, prefetched many-to-many
collections (plain and symmetric) hold the right items, references to keys that need converting,
batches of seeds with a wide composite key keep to the parameter limit, ``Set.exists()``. Every
test runs on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

import datetime

import pytest

from pony.orm import Database, Optional, PrimaryKey, Required, Set, db_session, select


def define(db) -> None:
    class Doc(db.Entity):
        title = Required(str)
        body = Optional(str, lazy=True)
        tags = Set("Tag")

    class Tag(db.Entity):
        name = Required(str)
        docs = Set(Doc)

    class Person(db.Entity):
        name = Required(str)
        email = Optional(str, unique=True, nullable=True)
        friends = Set("Person", reverse="friends")

    class Day(db.Entity):
        day = PrimaryKey(datetime.date)
        events = Set("Event")

    class Event(db.Entity):
        name = Required(str)
        day = Required(Day)

    class Pair(db.Entity):
        x = Required(int)
        y = Required(int)
        PrimaryKey(x, y)
        items = Set("Item")
        ext = Optional("Ext")

    class Item(db.Entity):  # a composite key of three columns: a two-column reference and n
        pair = Required(Pair)
        n = Required(int)
        label = Required(str)
        PrimaryKey(pair, n)
        notes = Set("Note")

    class Note(db.Entity):
        item = Required(Item)

    class Ext(db.Entity):  # a key of one attribute and two columns: a reference to a Pair
        pair = PrimaryKey(Pair)
        label = Required(str)
        refs = Set("Ref")

    class Ref(db.Entity):
        ext = Required(Ext)


@pytest.fixture
def db(backend):
    db = backend.make_db(define)
    with db_session:
        python, sql, empty = (db.Tag(name=name) for name in ("python", "sql", "empty"))
        db.Doc(title="a", body="body a", tags=[python, sql])
        db.Doc(title="b", body="body b", tags=[sql])
        db.Doc(title="c", body="body c")
        ann, bob, cid = (db.Person(name=name, email=f"{name}@x") for name in ("ann", "bob", "cid"))
        ann.friends = [bob, cid]
        monday = db.Day(day=datetime.date(2024, 1, 1))
        db.Event(name="standup", day=monday)
        db.Event(name="review", day=db.Day(day=datetime.date(2024, 1, 2)))
        pair = db.Pair(x=1, y=2)
        for n in range(3):
            db.Note(item=db.Item(pair=pair, n=n, label=f"item {n}"))
    return db


def statements(db, verb: str) -> dict:
    """SQL text -> times executed, for statements starting with ``verb`` in this thread."""
    return {sql: stat.db_count for sql, stat in db.local_stats.items()
            if sql and sql.lstrip().upper().startswith(verb)}


def placeholders(sql: str) -> int:
    return sql.count("?") + sql.count("%s")


# --- prefetched lazy columns ------------------------------------------------------------------


def test_prefetched_lazy_column_is_read_with_the_objects_and_not_again(db):
    Doc = db.Doc
    with db_session:
        db.merge_local_stats()
        docs = select(d for d in Doc).prefetch(Doc.body).order_by(Doc.title)[:]
        assert [(d.title, d.body) for d in docs] == [("a", "body a"), ("b", "body b"), ("c", "body c")]
        assert sum(statements(db, "SELECT").values()) == 1


def test_lazy_column_prefetched_with_a_collection_is_read_in_the_same_query(db):
    Doc, Tag = db.Doc, db.Tag
    with db_session:
        db.merge_local_stats()
        tags = select(t for t in Tag if t.name == "sql").prefetch(Tag.docs, Doc.body)[:]
        assert sorted((d.title, d.body) for d in tags[0].docs) == [("a", "body a"), ("b", "body b")]
        assert sum(statements(db, "SELECT").values()) == 2  # the tags, then their docs with the bodies


# --- prefetched many-to-many collections ------------------------------------------------------


def test_prefetched_many_to_many_collection_holds_each_owners_items(db):
    Doc, Tag = db.Doc, db.Tag
    with db_session:
        docs = select(d for d in Doc).prefetch(Doc.tags)[:]
        db.merge_local_stats()
        assert {d.title: sorted(t.name for t in d.tags) for d in docs} == \
            {"a": ["python", "sql"], "b": ["sql"], "c": []}
        assert statements(db, "SELECT") == {}
    with db_session:
        tags = select(t for t in Tag).prefetch(Tag.docs)[:]
        assert {t.name: sorted(d.title for d in t.docs) for t in tags} == \
            {"python": ["a"], "sql": ["a", "b"], "empty": []}


def test_prefetched_symmetric_collection_holds_the_other_ends_not_the_owner(db):
    Person = db.Person
    with db_session:
        people = select(p for p in Person).prefetch(Person.friends)[:]
        db.merge_local_stats()
        assert {p.name: sorted(f.name for f in p.friends) for p in people} == \
            {"ann": ["bob", "cid"], "bob": ["ann"], "cid": ["ann"]}
        assert statements(db, "SELECT") == {}


# --- references -------------------------------------------------------------------------------


def test_objects_referring_to_a_date_key_read_their_reference_as_a_date(db):
    Event = db.Event
    with db_session:
        events = select(e for e in Event).order_by(Event.name)[:]
        assert [(e.name, e.day.day) for e in events] == \
            [("review", datetime.date(2024, 1, 2)), ("standup", datetime.date(2024, 1, 1))]
        assert all(type(e.day.day) is datetime.date for e in events)


def test_prefetched_references_of_tuple_results_are_loaded_together(db):
    Event, Day = db.Event, db.Day
    with db_session:
        db.merge_local_stats()
        rows = select((e, e.name) for e in Event).prefetch(Day).order_by(2)[:]
        assert [(name, e.day.day) for e, name in rows] == \
            [("review", datetime.date(2024, 1, 2)), ("standup", datetime.date(2024, 1, 1))]
        assert sum(statements(db, "SELECT").values()) == 2  # the events, then both days


# --- unique keys in the identity map ----------------------------------------------------------


def test_a_unique_value_given_up_by_one_object_can_be_taken_by_another(db):
    Person = db.Person
    with db_session:
        ann = Person.get(name="ann")
        ann.email = "ann@y"
        dan = Person(name="dan", email="ann@x")
        assert Person.get(email="ann@x") is dan
        assert Person.get(email="ann@y") is ann
    with db_session:
        bob = Person.get(name="bob")
        bob.delete()
        eve = Person(name="eve", email="bob@x")
        assert Person.get(email="bob@x") is eve
    with db_session:
        assert sorted(select((p.name, p.email) for p in Person)[:]) == \
            [("ann", "ann@y"), ("cid", "cid@x"), ("dan", "ann@x"), ("eve", "bob@x")]


# --- batches of seeds -------------------------------------------------------------------------


def test_seed_batches_of_a_wide_composite_key_keep_to_the_parameter_limit(db, monkeypatch):
    # three key columns per Item, six parameters at most: two Items per query
    monkeypatch.setattr(type(db.provider), "max_params_count", 6)
    with db_session:
        notes = db.Note.select_by_sql("SELECT * FROM note")
        db.merge_local_stats()
        assert sorted(note.item.label for note in notes) == ["item 0", "item 1", "item 2"]
        selects = statements(db, "SELECT")
        assert sum(selects.values()) == 2
        assert max(placeholders(sql) for sql in selects) == 6


def test_seed_batches_of_a_key_that_is_a_two_column_reference_keep_to_the_parameter_limit(db, monkeypatch):
    with db_session:
        for x in range(4):
            db.Ref(ext=db.Ext(pair=db.Pair(x=10 + x, y=0), label=f"ext {x}"))
    # two key columns per Ext, four parameters at most: two Exts per query
    monkeypatch.setattr(type(db.provider), "max_params_count", 4)
    with db_session:
        refs = db.Ref.select_by_sql("SELECT * FROM ref")
        db.merge_local_stats()
        assert sorted(ref.ext.label for ref in refs) == ["ext 0", "ext 1", "ext 2", "ext 3"]
        selects = statements(db, "SELECT")
        assert sum(selects.values()) == 2
        assert max(placeholders(sql) for sql in selects) == 4


# --- prepared primary-key lookups -------------------------------------------------------------


def test_primary_key_lookups_by_int_are_prepared_on_the_postgres_server(backend):
    if backend.name != "postgres":
        pytest.skip("only PostgreSQL prepares statements on the server")
    args, kwargs = backend.bind_args
    db = Database()
    define(db)
    db.bind(*args, **kwargs, prepared_statements=True)
    backend.databases.append(db)
    db.generate_mapping(create_tables=True)
    with db_session:
        tags = [db.Tag(name=f"t{i}") for i in range(10)]
        db.flush()
        ids = [tag.id for tag in tags]
    with db_session:
        assert [db.Tag[i].name for i in ids] == [f"t{i}" for i in range(10)]
        prepared = db.select("SELECT statement FROM pg_prepared_statements")
    assert [s for s in prepared if 'FROM "tag"' in s and "$1" in s] == \
        ['SELECT "t"."id", "t"."name" FROM "tag" "t" WHERE "t"."id" = $1']


# --- Set.exists() -----------------------------------------------------------------------------


def test_exists_tells_whether_a_collection_has_items(db):
    with db_session:
        assert db.Tag.get(name="sql").docs.exists() is True
        assert db.Tag.get(name="empty").docs.exists() is False
        assert db.Person.get(name="bob").friends.exists() is True
