"""Optimistic checks (SPEC 3.4): a lost update raises OptimisticCheckError; floats within
tolerance and timezone-aware datetimes never do; changed reads raise UnrepeatableReadError."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pytest

from pony.orm import (
    Database,
    OptimisticCheckError,
    Optional,
    Required,
    UnrepeatableReadError,
    db_session,
    flush,
    rollback,
)


def define(db: Database) -> None:
    class Account(db.Entity):
        name = Required(str)
        balance = Optional(int)
        score = Optional(float)
        seen = Optional(datetime)
        free = Optional(int, optimistic=False)


@pytest.fixture
def db(backend):
    db = backend.make_db(define)
    with db_session:
        db.Account(name="a", balance=10, score=1.5)
        db.Account(name="b", balance=20)
    return db


def in_other_thread(func) -> None:
    """Run ``func`` in its own db_session on another thread (another connection)."""
    errors = []

    def run():
        try:
            db_session(func)()
        except Exception as exc:  # reported in the test's thread
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]


def test_lost_update_is_detected(db):
    with db_session:
        acc = db.Account[1]
        assert acc.balance == 10
        in_other_thread(lambda: setattr(db.Account[1], "balance", 15))
        acc.balance = 11
        with pytest.raises(OptimisticCheckError, match=r"^Object Account\[1\] was updated outside of current "
                                                       r"transaction. Changes: balance \(10 -> 15\)$"):
            flush()
        rollback()
    with db_session:
        assert db.Account[1].balance == 15


def test_change_of_an_attribute_that_was_only_read(db):
    with db_session:
        acc = db.Account[2]
        acc.name, acc.balance  # noqa: B018
        in_other_thread(lambda: db.Account[2].set(balance=25))
        acc.name = "bb"
        with pytest.raises(OptimisticCheckError, match=r"Changes: balance \(20 -> 25\)$"):
            flush()
        rollback()


def test_deleted_outside(db):
    with db_session:
        acc = db.Account[2]
        acc.name  # noqa: B018
        in_other_thread(lambda: db.Account[2].delete())
        acc.name = "x"
        with pytest.raises(OptimisticCheckError, match=r"^Object Account\[2\] was deleted outside of current "
                                                       r"transaction$"):
            flush()
        rollback()


def test_no_check_for_unread_attributes_and_non_optimistic_ones(db):
    with db_session:
        acc = db.Account[1]
        acc.free  # noqa: B018
        in_other_thread(lambda: db.Account[1].set(free=7))
        acc.free = 8  # optimistic=False: last writer wins
        flush()
    with db_session:
        assert db.Account[1].free == 8


def test_optimistic_false_session_option(db):
    with db_session(optimistic=False):
        acc = db.Account[1]
        acc.balance  # noqa: B018
        acc.balance = 12
    with db_session:
        assert db.Account[1].balance == 12


def test_floats_are_not_checked(db):
    with db_session:
        acc = db.Account[1]
        assert acc.score == 1.5
        in_other_thread(lambda: setattr(db.Account[1], "score", 1.5 + 1e-15))
        acc.name = "float"
        flush()
    with db_session:
        assert db.Account[1].name == "float"


def test_timezone_aware_datetimes_do_not_fail_the_check(db):
    moment = datetime(2024, 5, 1, 12, 30, tzinfo=timezone(timedelta(hours=3)))
    with db_session:
        acc = db.Account[1]
        try:
            acc.seen = moment
        except ValueError as exc:  # a backend that would drop the offset refuses the value up front
            assert "timezone-aware" in str(exc)
            pytest.skip("this backend refuses timezone-aware datetimes")
        flush()
        acc.name = "same session"
        flush()
    with db_session:
        acc = db.Account[1]
        acc.seen  # noqa: B018
        acc.name = "next session"
    with db_session:
        assert db.Account[1].name == "next session"


def test_unrepeatable_read(db, backend):
    with db_session:
        acc = db.Account[1]
        assert acc.balance == 10
        in_other_thread(lambda: setattr(db.Account[1], "balance", 99))
        if backend.name == "mysql":
            return  # REPEATABLE READ: the session keeps seeing its snapshot, so nothing changes
        with pytest.raises(UnrepeatableReadError, match=r"^Value of Account.balance for Account\[1\] was updated "
                                                        r"outside of current transaction \(was: 10, now: 99\)$"):
            db.Account.select_by_sql("SELECT * FROM account")
