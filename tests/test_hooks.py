"""Entity hooks (SPEC 3.3): the six hooks, when they run, re-flush rounds and the round limit."""

from __future__ import annotations

import pytest

from pony.orm import Database, Optional, Required, TransactionError, commit, db_session, flush, rollback
from pony.orm.core import Entity

LOG: list = []


def define(db: Database) -> None:
    class Person(db.Entity):
        name = Required(str)
        n = Optional(int, default=0)
        limit = Optional(int, default=3)

        def before_insert(self):
            LOG.append(("before_insert", self.name, Person.exists(name="first")))

        def after_insert(self):
            LOG.append(("after_insert", self.name, self.id is not None))

        def before_update(self):
            LOG.append(("before_update", self.name))

        def after_update(self):
            LOG.append(("after_update", self.name, self.n))
            if self.n < self.limit:
                self.n += 1  # changes data: another flush round

        def before_delete(self):
            LOG.append(("before_delete", self.name))

        def after_delete(self):
            LOG.append(("after_delete", self.id))

    class Audit(db.Entity):
        text = Required(str)

    class Item(db.Entity):
        title = Required(str)

        def after_insert(self):
            Audit(text=f"inserted {self.title}")  # a hook creating objects: saved in the next round


@pytest.fixture
def db(backend):
    LOG.clear()
    return backend.make_db(define)


def test_insert_hooks_run_around_the_insert_with_flushing_disabled(db):
    with db_session:
        db.Person(name="first")
        db.Person(name="second")
        assert LOG == []
        flush()
    # both before_insert hooks ran before any INSERT, and their query did not flush
    assert LOG == [("before_insert", "first", False), ("before_insert", "second", False),
                   ("after_insert", "first", True), ("after_insert", "second", True)]


def test_update_hooks_repeat_while_hooks_change_data(db):
    with db_session:
        db.Person(name="p")
    LOG.clear()
    with db_session:
        p = db.Person[1]
        p.name = "q"
    assert LOG == [("before_update", "q"), ("after_update", "q", 0),
                   ("before_update", "q"), ("after_update", "q", 1),
                   ("before_update", "q"), ("after_update", "q", 2),
                   ("before_update", "q"), ("after_update", "q", 3)]
    with db_session:
        assert db.Person[1].n == 3


def test_round_limit(db):
    with db_session:
        db.Person(name="p", limit=1000)
    with db_session:
        p = db.Person[1]
        p.name = "loop"
        with pytest.raises(TransactionError, match=r"^Recursion depth limit reached in obj._after_save_\(\) call$"):
            flush()
        assert p.n == 50
        rollback()
    with db_session:
        assert db.Person[1].n == 0


def test_delete_hooks(db):
    with db_session:
        db.Person(name="gone")
    LOG.clear()
    with db_session:
        db.Person[1].delete()
        assert LOG == []
        commit()
        assert LOG == [("before_delete", "gone"), ("after_delete", 1)]


def test_hook_creating_objects(db):
    with db_session:
        db.Item(title="a")
        db.Item(title="b")
    with db_session:
        assert sorted(a.text for a in db.Audit.select_by_sql("SELECT * FROM audit")) == ["inserted a", "inserted b"]


def test_hooks_run_at_session_exit_commit(db):
    with db_session:
        db.Person(name="exit")
    assert [entry[0] for entry in LOG] == ["before_insert", "after_insert"]


def test_obj_flush_runs_only_its_own_hooks(db):
    with db_session:
        a = db.Person(name="a")
        db.Person(name="b")
        a.flush()
        assert [entry[:2] for entry in LOG] == [("before_insert", "a"), ("after_insert", "a")]
        rollback()


def define_revisioned(db: Database) -> None:
    class Article(db.Entity):
        title = Required(str)
        revision = Required(int, default=0)

        def before_update(self):
            self.revision += 1  # a hook changing the object it runs for


def test_before_update_changing_its_own_object_saves_it_once(backend):
    db = backend.make_db(define_revisioned)
    with db_session:
        db.Article(title="Hello")
    with db_session:
        db.Article[1].title = "Hello again"  # no OptimisticCheckError from a second UPDATE of the object
    with db_session:
        article = db.Article[1]
        assert (article.title, article.revision) == ("Hello again", 1)
        article.title = "Third"
    with db_session:
        assert db.Article.select().fetch()[0].revision == 2


def define_plain(db: Database) -> None:
    class Base(db.Entity):
        name = Required(str)

    class Child(Base):
        extra = Optional(int)


@pytest.fixture
def plain_db(backend):
    LOG.clear()
    return backend.make_db(define_plain)


def test_a_hook_assigned_after_objects_were_saved_runs_from_then_on(plain_db):
    """The flush caches each class's hooks: assigning, inheriting or deleting one must count."""
    Base, Child = plain_db.Base, plain_db.Child
    with db_session:
        Child(name="before")  # saved with no hooks: the class's (empty) hooks are cached
    Base.before_insert = lambda self: LOG.append(("before_insert", self.name))
    Base.after_insert = lambda self: LOG.append(("after_insert", self.name))
    try:
        with db_session:
            Child(name="inherited")
        assert LOG == [("before_insert", "inherited"), ("after_insert", "inherited")]
        LOG.clear()
        del Base.after_insert
        with db_session:
            Base(name="own")
        assert LOG == [("before_insert", "own")]
    finally:
        del Base.before_insert
    LOG.clear()
    with db_session:
        Child(name="after")
    assert LOG == []
    with db_session:
        assert sorted(b.name for b in Base.select()) == ["after", "before", "inherited", "own"]


def test_a_save_hook_assigned_later_replaces_the_single_statement_commit(plain_db):
    Base = plain_db.Base
    with db_session:
        Base(name="plain")

    def _save_(self, dependent_objects=None):
        LOG.append(("_save_", self.name))
        Entity._save_(self, dependent_objects)  # the base class's own save

    Base._save_ = _save_
    try:
        with db_session:
            Base(name="hooked")
    finally:
        del Base._save_
    assert LOG == [("_save_", "hooked")]
    with db_session:
        assert sorted(b.name for b in Base.select()) == ["hooked", "plain"]
