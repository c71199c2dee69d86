"""Session edge cases of changes, flushes and caches: a failed create frees its unique value, obj.set()
with a taken unique value, symmetric one-to-one re-pairing, many-to-many counts known without loading,
proxies compared with objects, reading a deleted object reached by a reference, insert_many() inside
the transaction, bulk updates of objects kept as rows and of unique and composite keys, column defaults
read before the flush, Json changed in place, db_session option messages, async sessions without
greenlet, writes of a session that read from a replica, MySQL's single-statement commits, and
overridden _save_() and _after_save_()."""

from __future__ import annotations

import asyncio

import pytest

from pony.orm import (
    CacheIndexError,
    Json,
    Optional,
    Required,
    Set,
    commit,
    composite_key,
    db_session,
    flush,
    make_proxy,
    rollback,
    select,
)
from tests.test_replicas import mapped, primary_kwargs, routed_db, stand_in, texts  # noqa: F401 - a fixture


def define_entities(db):
    class Team(db.Entity):
        name = Required(str, unique=True)
        score = Optional(int)
        players = Set("Player")

    class Player(db.Entity):
        name = Required(str)
        team = Optional(Team)

    class Person(db.Entity):
        name = Required(str)
        spouse = Optional("Person", reverse="spouse")

    class Course(db.Entity):
        title = Required(str)
        students = Set("Student")

    class Student(db.Entity):
        name = Required(str)
        courses = Set(Course)

    class Slot(db.Entity):
        day = Required(int)
        hour = Required(int)
        label = Required(str)
        composite_key(day, hour)

    class Ticket(db.Entity):
        title = Required(str)
        level = Optional(int, sql_default="5")
        hits = Optional(int, volatile=True)

    class Doc(db.Entity):
        info = Required(Json)


@pytest.fixture
def db(backend):
    return backend.make_db(define_entities)


def team_names(db):
    with db_session:
        return sorted(select(t.name for t in db.Team)[:])


# --- creating and assigning ---------------------------------------------------------------------


def test_create_failing_on_a_collection_item_leaves_its_unique_value_free(db):
    with db_session:
        with pytest.raises(TypeError) as info:
            db.Team(name="Red", players=["Ann"])
        assert str(info.value) == "Item of collection Team.players must be an instance of Player. Got: 'Ann'"
        team = db.Team(name="Red")  # the failed object holds no claim on the name
        assert db.Team.get(name="Red") is team
    assert team_names(db) == ["Red"]


def test_set_with_a_taken_unique_value_changes_no_attribute(db):
    with db_session:
        db.Team(name="Red")
        db.Team(name="Blue", score=1)
    with db_session:
        db.Team.get(name="Red")
        blue = db.Team.get(name="Blue")
        with pytest.raises(CacheIndexError) as info:
            blue.set(score=5, name="Red")
        assert str(info.value).startswith("Cannot update Team.name: Team[")
        assert (blue.name, blue.score) == ("Blue", 1)
        with pytest.raises(ValueError):
            blue.set(score=7, name=None)  # a required attribute refuses None after score in the call
        assert (blue.name, blue.score) == ("Blue", 1)
        with pytest.raises(ValueError, match="^Value type for attribute Team.score must be int"):
            blue.set(name="Green", score="many")  # the int attribute refuses after the unique one
        assert (blue.name, blue.score) == ("Blue", 1)
        assert db.Team.get(name="Green") is None
    with db_session:
        assert db.Team.get(name="Blue").score == 1


def spouses(db):
    with db_session:
        return {p.name: p.spouse.name if p.spouse else None for p in db.Person.select()}


def test_symmetric_one_to_one_taken_over_unpairs_the_former_partner(db):
    with db_session:
        a, b, c = db.Person(name="a"), db.Person(name="b"), db.Person(name="c")
        a.spouse = b
        c.spouse = b  # b leaves a for c
        assert (a.spouse, b.spouse, c.spouse) == (None, c, b)
    assert spouses(db) == {"a": None, "b": "c", "c": "b"}
    with db_session:
        a, b, c = (db.Person.get(name=n) for n in "abc")
        a.spouse = c  # stored pairs too: c leaves b for a
        assert (a.spouse, b.spouse, c.spouse) == (c, None, a)
    assert spouses(db) == {"a": "c", "b": None, "c": "a"}


def test_many_to_many_count_known_without_loading_follows_adds_and_removes(db):
    with db_session:
        s1 = db.Student(name="s1")
        db.Student(name="s2")
        db.Course(title="Math", students=[s1])
    with db_session:
        course = db.Course.get(title="Math")
        assert course.students.count() == 1  # counted, not loaded
        db.Student.get(name="s2").courses.add(course)
        assert course.students.count() == 2
        db.Student.get(name="s1").courses.remove(course)
        assert course.students.count() == 1
    with db_session:
        assert [s.name for s in db.Course.get(title="Math").students] == ["s2"]


def test_proxy_equals_its_own_object_and_no_other(db):
    with db_session:
        red, blue = db.Team(name="Red"), db.Team(name="Blue")
        flush()
        proxy = make_proxy(red)
        assert (proxy == red, proxy == blue, proxy != red, proxy != blue) == (True, False, False, True)


# --- deleting ---------------------------------------------------------------------------------


def test_object_reached_by_a_reference_and_deleted_is_readable_until_the_flush(db):
    with db_session:
        db.Player(name="Ann", team=db.Team(name="Red", score=7))
    with db_session:
        team = db.Player.get(name="Ann").team  # only its key is known
        team.delete()
        assert (team.name, team.score) == ("Red", 7)
        flush()
        assert db.Player.get(name="Ann").team is None
    assert team_names(db) == []


# --- bulk statements ------------------------------------------------------------------------------


def test_insert_many_is_undone_by_rollback(db):
    with db_session:
        assert db.Player.insert_many([{"name": "Ann"}]) == 1
        assert db.Player.select().count() == 1
        rollback()
        assert db.Player.select().count() == 0
    with db_session:
        assert db.Player.select().count() == 0


def test_bulk_update_of_a_unique_attribute_with_a_reference_only_object_in_the_session(db):
    with db_session:
        db.Player(name="Ann", team=db.Team(name="Red"))
        db.Team(name="Blue")
    with db_session:
        blue = db.Team.get(name="Blue")
        red = db.Player.get(name="Ann").team  # only its key is known
        assert select(t for t in db.Team if t.name == "Blue").update(name="Navy") == 1
        assert (blue.name, red.name) == ("Navy", "Red")
        assert db.Team.get(name="Navy") is blue and db.Team.get(name="Blue") is None
    assert team_names(db) == ["Navy", "Red"]


def test_bulk_update_reaches_the_objects_a_query_loaded(db):
    with db_session:
        red = db.Team(name="Red")
        db.Player(name="Ann", team=red)
        db.Player(name="Bob")
    with db_session:
        players = select(p for p in db.Player).order_by(db.Player.name)[:]  # kept as rows until changed
        assert select(p for p in db.Player).update(name=lambda p: "Sir " + p.name) == 2
        assert [(p.name, p.team and p.team.name) for p in players] == [("Sir Ann", "Red"), ("Sir Bob", None)]
    with db_session:
        assert sorted(select(p.name for p in db.Player)[:]) == ["Sir Ann", "Sir Bob"]


def test_bulk_update_of_a_composite_key_frees_the_old_key_values(db):
    with db_session:
        db.Slot(day=1, hour=9, label="a")
    with db_session:
        slot = db.Slot.get(day=1, hour=9)
        assert select(s for s in db.Slot).update(hour=10) == 1
        assert db.Slot.get(day=1, hour=9) is None
        other = db.Slot(day=1, hour=9, label="b")  # the old key values are free again
        assert db.Slot.get(day=1, hour=10) is slot and slot.hour == 10 and other.label == "b"
    with db_session:
        assert sorted(select((s.day, s.hour, s.label) for s in db.Slot)[:]) == [(1, 9, "b"), (1, 10, "a")]


# --- values the database fills in ------------------------------------------------------------------


def test_column_default_read_before_the_insert_does_not_fail_a_later_update(db):
    with db_session:
        ticket = db.Ticket(title="a")
        assert ticket.level is None  # not known until the database fills it in
        flush()
        ticket.title = "b"
        commit()  # the UPDATE must not check the level read as None before the INSERT
        assert ticket.level == 5
    with db_session:
        assert [(t.title, t.level) for t in db.Ticket.select()] == [("b", 5)]


def test_json_value_changed_in_place_is_saved(db):
    with db_session:
        db.Doc(info={"a": 1})
    with db_session:
        doc = db.Doc.select().first()
        doc.info["b"] = [2]
    with db_session:
        assert db.Doc.select().first().info == {"a": 1, "b": [2]}


# --- db_session options --------------------------------------------------------------------------


def test_readonly_session_with_serializable_is_refused_with_the_full_message():
    with pytest.raises(TypeError) as info:
        db_session(readonly=True, serializable=True)
    assert str(info.value) == ("'readonly' parameter of db_session cannot be used with 'immediate', 'ddl' "
                               "or 'serializable'")


def test_async_with_db_session_without_greenlet_runs_a_blocking_session(db, monkeypatch):
    import pony.orm.session.async_session as aio_session
    monkeypatch.setattr(aio_session, "HAVE_GREENLET", False)

    async def main():
        async with db_session:
            db.Team(name="Red")
        async with db_session:
            return [t.name for t in db.Team.select()]

    assert asyncio.run(main()) == ["Red"]
    assert team_names(db) == ["Red"]


# --- where the statements go ----------------------------------------------------------------------


def test_write_after_reads_on_the_replica_is_stored_on_the_primary(backend, stand_in):  # noqa: F811
    db = routed_db(backend, stand_in, replica_reads="all")
    with db_session:
        assert texts(db) == ["replica"]
        db.Note(text="second")
    db.disconnect()
    primary = mapped(backend, primary_kwargs(backend))
    with db_session:
        assert texts(primary) == ["primary", "second"]
    primary.disconnect()
    replica = mapped(backend, stand_in)
    with db_session:
        assert texts(replica) == ["replica"]


def test_commit_of_one_change_sends_that_statement_alone(db, capsys):
    with db_session(sql_debug=True):
        db.Team(name="Red", score=1)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(" ")[0] for line in lines if line.split(" ")[0] in ("INSERT", "BEGIN", "COMMIT")] \
        == ["INSERT"]
    with db_session(sql_debug=True):
        db.Team.get(name="Red").score = 2
    lines = capsys.readouterr().out.splitlines()
    assert not {"BEGIN", "BEGIN IMMEDIATE TRANSACTION", "COMMIT"} & set(lines)
    assert [line for line in lines if line.startswith("UPDATE")]
    with db_session:
        assert [(t.name, t.score) for t in db.Team.select()] == [("Red", 2)]


def test_sqlite_one_statement_commit_waits_for_the_in_process_writer(tmp_path):
    """The statement sent alone takes SQLite's in-process write lock, as BEGIN IMMEDIATE does:
    a writer of another thread that holds the file longer than the busy timeout makes it wait,
    not fail with "database is locked"."""
    import threading
    import time

    from pony.orm import Database

    db = Database("sqlite", str(tmp_path / "lock.sqlite"), create_db=True, timeout=0.05)
    define_entities(db)
    db.generate_mapping(create_tables=True)
    holding, errors = threading.Event(), []

    def long_writer():
        with db_session:
            db.Team(name="first")
            db.flush()  # BEGIN IMMEDIATE: the file's write lock is held until the commit
            holding.set()
            time.sleep(0.3)

    def single_insert():
        holding.wait()
        try:
            with db_session:
                db.Team(name="second")
        except Exception as exc:  # noqa: BLE001 - the test reports any failure
            errors.append(exc)

    threads = [threading.Thread(target=long_writer), threading.Thread(target=single_insert)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with db_session:
        assert sorted(select(t.name for t in db.Team)[:]) == ["first", "second"]
    db.disconnect()


@pytest.mark.requires("atomic_statements", "autocommit_writes")
def test_commit_of_deletes_only_is_one_statement_without_begin_or_savepoint(db, capsys):
    with db_session:
        for name in "abc":
            db.Player(name=name)
    with db_session(sql_debug=True):
        players = db.Player.select()[:]
        capsys.readouterr()  # the statements of the commit only
        for player in players:
            player.delete()
    lines = capsys.readouterr().out.splitlines()
    assert [line for line in lines if line.startswith("DELETE")] == ["DELETE FROM `player` WHERE `id` IN %s"]
    assert not {"BEGIN", "COMMIT"} & set(lines) and not [line for line in lines if "SAVEPOINT" in line]
    with db_session:
        assert db.Player.select().count() == 0


# --- overridden _save_ and _after_save_ -----------------------------------------------------------

SAVED: list = []


def define_hooked(db):
    class Author(db.Entity):
        name = Required(str)
        books = Set("Book")

        def _after_save_(self, status):
            SAVED.append((status, self.id))
            super()._after_save_(status)

    class Book(db.Entity):
        title = Required(str)
        author = Optional(Author)

        def _save_(self, dependent_objects=None):
            SAVED.append(("save", self.title))
            super()._save_(dependent_objects)


def test_overridden_after_save_is_called_for_each_write(backend):
    db = backend.make_db(define_hooked)
    SAVED.clear()
    with db_session:
        author = db.Author(name="Ann")
    with db_session:
        db.Author[author.id].name = "Bea"
    with db_session:
        db.Author[author.id].delete()
    assert SAVED == [("inserted", author.id), ("updated", author.id), ("deleted", author.id)]


def test_overridden_save_of_an_object_referring_to_a_later_new_object_inserts_that_one_first(backend):
    db = backend.make_db(define_hooked)
    SAVED.clear()
    with db_session:
        book = db.Book(title="Odyssey")
        author = db.Author(name="Homer")
        book.author = author  # the book is saved first, by its own _save_, and needs the author's key
    assert SAVED == [("save", "Odyssey"), ("inserted", author.id)]
    with db_session:
        assert [(b.title, b.author.name) for b in db.Book.select()] == [("Odyssey", "Homer")]


class HookFailed(Exception):
    pass


def define_failing_hook(db):
    class Animal(db.Entity):
        name = Required(str)

    class Loud(Animal):  # only the subclass has the hook
        def _after_save_(self, status):
            super()._after_save_(status)
            if status == "deleted":
                raise HookFailed(status)


def test_after_save_failing_on_a_delete_rolls_the_deletes_back(backend):
    # MySQL sends a commit of deletes only as one statement without BEGIN, unless a hook could
    # still fail after it: here only the second object, of a subclass, has one
    db = backend.make_db(define_failing_hook)
    with db_session:
        db.Animal(name="plain")
        db.Loud(name="loud")
    with pytest.raises(HookFailed):
        with db_session:
            plain, loud = db.Animal.get(name="plain"), db.Loud.get(name="loud")
            plain.delete()
            loud.delete()
    with db_session:
        assert sorted(a.name for a in db.Animal.select()) == ["loud", "plain"]
