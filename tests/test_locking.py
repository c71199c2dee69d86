"""Row locks (get_for_update, Query.for_update with nowait/skip_locked) and phantom objects."""

import threading

import pytest

from pony.orm import *


def define_entities(db):
    class Group(db.Entity):
        n = Optional(int)
        students = Set("Student")

    class Student(db.Entity):
        name = Required(str)
        group = Optional(Group)


@pytest.fixture
def db(backend):
    db = backend.make_db(define_entities)
    with db_session:
        g = db.Group(n=1)
        db.Student(name="a", group=g)
        db.Student(name="b")
    return db


class LockHolder:
    """Holds ``Student[1]`` locked FOR UPDATE in another thread until released."""

    def __init__(self, db):
        self.db = db
        self.locked = threading.Event()
        self.release = threading.Event()
        self.thread = threading.Thread(target=self.run)

    def run(self):
        with db_session:
            self.db.Student.get_for_update(id=1)
            self.locked.set()
            self.release.wait(10)

    def __enter__(self):
        self.thread.start()
        assert self.locked.wait(10)
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.thread.join()


@pytest.mark.requires("nowait")
def test_get_for_update_nowait_fails_on_a_locked_row(db):
    with LockHolder(db):
        with pytest.raises(OperationalError):
            with db_session:
                db.Student.get_for_update(id=1, nowait=True)
        with db_session:  # another row is not locked
            assert db.Student.get_for_update(id=2, nowait=True).name == "b"


@pytest.mark.requires("skip_locked")
def test_for_update_skip_locked_skips_the_locked_row(db):
    with LockHolder(db):
        with db_session:
            names = [s.name for s in db.Student.select().order_by(db.Student.id).for_update(skip_locked=True)]
    assert names == ["b"]


def test_get_for_update_returns_the_object_and_keeps_the_lock_to_commit(db):
    with db_session:
        s = db.Student.get_for_update(name="a")
        s.name = "c"
    with db_session:
        assert db.Student[1].name == "c"


def test_nowait_and_skip_locked_together_are_a_type_error(db):
    with db_session:
        with pytest.raises(TypeError, match="mutually exclusive"):
            db.Student.get_for_update(id=1, nowait=True, skip_locked=True)
        with pytest.raises(TypeError, match="mutually exclusive"):
            db.Student.select().for_update(nowait=True, skip_locked=True)


@pytest.mark.requires("fresh_reads")
def test_phantom_object_disappeared(db):
    """A related object known only by its key vanishes before it is loaded."""
    with db_session:
        group = db.Student[1].group  # a seed: only its key is known

        q = db.provider.quote_name

        def remove_group():
            with db_session:
                db.execute(f"UPDATE {q(db.Student._table_)} SET {q(db.Student.group.column)} = NULL")
                db.execute(f"DELETE FROM {q(db.Group._table_)}")

        worker = threading.Thread(target=remove_group)
        worker.start()
        worker.join()
        with pytest.raises(UnrepeatableReadError, match=r"Phantom object Group\[1\] disappeared"):
            print(group.n)
