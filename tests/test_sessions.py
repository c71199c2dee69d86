"""Sessions and transactions (SPEC 11): db_session forms and options, nesting, suspended
generators and coroutines, flush/commit/rollback, several databases, bad input."""

from __future__ import annotations

import asyncio
import threading

import pytest

import pony
from pony.orm import (
    CommitException,
    Database,
    DatabaseSessionIsOver,
    LongStr,
    Optional,
    PonyRuntimeWarning,
    Required,
    TransactionError,
    TransactionIntegrityError,
    commit,
    db_session,
    flush,
    rollback,
    sql_debug,
    with_transaction,
)
from pony.orm.errors import PonyDeprecationWarning


def define(db: Database) -> None:
    class Person(db.Entity):
        name = Required(str, 20)
        email = Optional(str, unique=True, nullable=True)
        note = Optional(LongStr)


@pytest.fixture
def db(backend):
    db = backend.make_db(define)
    with db_session:
        db.Person(name="Alice", email="a@x", note="long")
    return db


def names(db) -> list:
    with db_session:
        return sorted(p.name for p in db.Person.select())


# --- forms ----------------------------------------------------------------------------------


def test_all_forms_commit(db):
    @db_session
    def plain():
        db.Person(name="p1")

    @db_session()
    def called():
        db.Person(name="p2")

    @db_session(immediate=True, optimistic=False)
    def with_options():
        db.Person(name="p3")

    plain()
    called()
    with_options()
    with db_session:
        db.Person(name="p4")
    with db_session(strict=False):
        db.Person(name="p5")
    assert names(db) == ["Alice", "p1", "p2", "p3", "p4", "p5"]


def test_bad_options():
    with pytest.raises(TypeError, match="^Pass only keyword arguments to db_session. Got: 1$"):
        db_session(1)
    with pytest.raises(TypeError, match="foo"):
        db_session(foo=1)
    with pytest.raises(TypeError, match="^'retry' parameter of db_session must not be negative. Got: -1$"):
        db_session(retry=-1)
    with pytest.raises(TypeError, match="^'ddl' and 'retry' parameters of db_session cannot be used together$"):
        db_session(retry=1, ddl=True)
    with pytest.raises(TypeError, match="^The same exception ValueError cannot be specified in both allowed and "
                                        "retry exception lists simultaneously$"):
        db_session(allowed_exceptions=[ValueError], retry_exceptions=[ValueError])
    with pytest.raises(TypeError, match=r"^@db_session can accept 'retry' parameter only when used as decorator "
                                        r"and not as context manager$"):
        with db_session(retry=1):
            pass


def test_with_transaction_is_a_deprecated_alias():
    with pytest.warns(PonyDeprecationWarning, match="@with_transaction decorator is deprecated, use @db_session "
                                                    "decorator instead"):
        manager = with_transaction(retry=1)
    assert manager.retry == 1


# --- retry and allowed exceptions -----------------------------------------------------------


def test_retry_with_tuple_and_callable(db):
    calls = []

    @db_session(retry=2, retry_exceptions=(ZeroDivisionError,))
    def tuple_form():
        calls.append(1)
        db.Person(name=f"try{len(calls)}")
        if len(calls) < 3:
            1 / 0  # noqa: B018

    tuple_form()
    assert len(calls) == 3
    assert names(db) == ["Alice", "try3"]  # failed attempts were rolled back

    calls.clear()

    @db_session(retry=2, retry_exceptions=lambda e: isinstance(e, KeyError))
    def callable_form():
        calls.append(1)
        raise KeyError("k")

    with pytest.raises(KeyError):
        callable_form()
    assert len(calls) == 3

    calls.clear()

    @db_session(retry=3)
    def not_retried():
        calls.append(1)
        raise ValueError("v")

    with pytest.raises(ValueError):
        not_retried()
    assert len(calls) == 1


def test_allowed_exceptions_commit(db):
    @db_session(allowed_exceptions=[KeyError])
    def allowed():
        db.Person(name="kept")
        raise KeyError("k")

    @db_session(allowed_exceptions=lambda e: False)
    def not_allowed():
        db.Person(name="lost")
        raise KeyError("k")

    with pytest.raises(KeyError):
        allowed()
    with pytest.raises(KeyError):
        not_allowed()
    assert names(db) == ["Alice", "kept"]


# --- options --------------------------------------------------------------------------------


def test_strict_wipes_objects_on_exit(db):
    with db_session(strict=True):
        p = db.Person[1]
        p.name  # noqa: B018
    with pytest.raises(DatabaseSessionIsOver, match=r"^Cannot read value of Person\[1\].name: the database session "
                                                    r"is over$"):
        p.name  # noqa: B018


def test_default_keeps_loaded_values_readable(db):
    with db_session:
        p = db.Person[1]
        p.name  # noqa: B018
    assert p.name == "Alice"
    with pytest.raises(DatabaseSessionIsOver, match=r"^Cannot load attribute Person\[1\].note: the database "
                                                    r"session is over$"):
        p.note  # noqa: B018
    with pytest.raises(DatabaseSessionIsOver, match=r"^Cannot assign new value to Person\[1\].name: the database "
                                                    r"session is over$"):
        p.name = "X"


def test_sql_debug_and_show_values_options(db, capsys):
    sql_debug(False)
    with db_session(sql_debug=True, show_values=True):
        db.Person.get(name="Alice")
    out = capsys.readouterr().out
    assert "SELECT" in out and "Alice" in out
    with db_session:
        db.Person.get(name="Alice")
    assert "SELECT" not in capsys.readouterr().out  # the flag was restored


def test_ddl_and_serializable_cannot_nest_in_plain_sessions(db):
    with db_session:
        with pytest.raises(TransactionError, match="^Cannot start ddl transaction inside non-ddl transaction$"):
            with db_session(ddl=True):
                pass
        with pytest.raises(TransactionError, match="^Cannot start serializable transaction inside "
                                                   "non-serializable transaction$"):
            with db_session(serializable=True):
                pass


def test_serializable_and_immediate_sessions_work(db):
    with db_session(serializable=True):
        db.Person(name="ser")
    with db_session(immediate=True):
        assert db.Person.get(name="ser").id == 2  # committed after the fixture's Alice
        assert names(db) == ["Alice", "ser"]


# --- nesting --------------------------------------------------------------------------------


def test_nested_sessions_join_the_outer_one(db):
    @db_session(retry=2)
    def inner():
        return db.Person[1]

    with db_session:
        p = db.Person[1]
        with pytest.warns(PonyRuntimeWarning, match=r"@db_session decorator with `retry=2` option is ignored for "
                                                    r"inner\(\) function because it is called inside another "
                                                    r"db_session"):
            assert inner() is p
        with db_session:
            db.Person(name="inner")
        assert db.Person.get(name="inner").id == 2
        assert db.select("name FROM person ORDER BY id") == ["Alice", "inner"]
        rollback()  # affects the whole session
    assert names(db) == ["Alice"]


# --- generators and coroutines ---------------------------------------------------------------


def test_generator_session_is_suspended_and_resumed(db):
    @db_session
    def gen():
        p = db.Person[1]
        yield p.name
        yield db.Person[1] is p  # the identity map survived the yield
        db.Person(name="from gen")
        commit()
        yield "done"

    assert list(gen()) == ["Alice", True, "done"]
    assert names(db) == ["Alice", "from gen"]


def test_generator_must_commit_before_suspending(db):
    @db_session
    def gen():
        db.Person(name="uncommitted")
        yield 1

    with pytest.raises(TransactionError, match=r"^You need to manually commit\(\) changes before suspending the "
                                               r"generator$"):
        list(gen())
    assert names(db) == ["Alice"]


def test_generator_rules(db):
    @db_session
    def gen():
        yield 1

    with db_session:
        with pytest.raises(TransactionError, match="^@db_session-wrapped generator cannot be used inside another "
                                                   "db_session$"):
            list(gen())

    def plain_gen():
        yield 1

    for option in ("ddl", "retry", "serializable"):
        with pytest.raises(TypeError, match=f"^db_session with `{option}` option cannot be applied to generator "
                                            "function$"):
            db_session(**{option: 1 if option == "retry" else True})(plain_gen)


def test_async_function_session(db):
    @db_session
    async def read():
        p = db.Person[1]
        await asyncio.sleep(0)
        return p.name, db.Person[1] is p

    @db_session
    async def write_across_await():  # pending changes stay pending across an await
        db.Person(name="async")
        await asyncio.sleep(0)

    @db_session
    async def write_committed():
        db.Person(name="async ok")
        commit()
        await asyncio.sleep(0)
        db.Person(name="after await")

    assert asyncio.run(read()) == ("Alice", True)
    asyncio.run(write_across_await())
    asyncio.run(write_committed())
    assert names(db) == ["Alice", "after await", "async", "async ok"]


# --- flush, commit, rollback ---------------------------------------------------------------


def test_commit_keeps_and_rollback_clears_the_identity_map(db):
    with db_session:
        p = db.Person[1]
        db.Person(name="c")
        commit()
        assert db.Person[1] is p
        db.Person(name="r")
        rollback()
        assert db.Person[1] is not p
        assert p.name == "Alice"  # values stay readable
        with pytest.raises(DatabaseSessionIsOver):
            p.name = "X"
    assert names(db) == ["Alice", "c"]


def test_flush_sends_without_committing(db):
    with db_session:
        p = db.Person(name="f")
        flush()
        assert p.id == 2
        assert db.select("name FROM person WHERE id = $(p.id)") == ["f"]
        rollback()
    assert names(db) == ["Alice"]


def test_outside_a_session(db):
    with pytest.raises(TransactionError, match="^db_session is required when working with the database$"):
        db.Person[1]
    with pytest.raises(TransactionError, match="^db_session is required when working with the database$"):
        db.Person(name="x")
    flush()  # nothing to do: Pony ignores these outside a session
    commit()
    rollback()


def test_database_error_rolls_back_the_whole_session(db):
    with pytest.raises(TransactionIntegrityError, match="cannot be stored in the database"):
        with db_session:
            db.Person(name="first")
            flush()
            db.Person(name="dup", email="a@x")  # Alice has it, but only the database knows
    assert names(db) == ["Alice"]


def test_failed_commit_is_reported(db):
    with db_session:
        db.Person(name="dup", email="a@x")
        with pytest.raises((TransactionIntegrityError, CommitException)):
            commit()
        db.Person(name="ok")  # the session goes on after the rollback
    assert names(db) == ["Alice", "ok"]


# --- several databases ----------------------------------------------------------------------


def test_several_databases_in_one_session(backend, db, tmp_path):
    other = Database("sqlite", str(tmp_path / "other.sqlite"), create_db=True)

    class Note(other.Entity):
        text = Required(str)

    other.generate_mapping(create_tables=True)
    other.priority = 10
    with db_session:
        db.Person(name="both")
        Note(text="both")
    with db_session:
        assert (db.Person.get(name="both").id, Note.get(text="both").id) == (2, 1)
        assert db.select("name FROM person ORDER BY id") == ["Alice", "both"]
        assert other.select("text FROM Note") == ["both"]
        db.Person(name="neither")
        Note(text="neither")
        rollback()
    with db_session:
        assert not db.Person.exists(name="neither") and not Note.exists(text="neither")
    other.disconnect()


# --- threads and the interactive mode ---------------------------------------------------------


def test_sessions_are_per_thread(db):
    errors = []

    def worker():
        try:
            db.Person[1]
        except TransactionError as exc:
            errors.append(str(exc))

    with db_session:
        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
    assert errors == ["db_session is required when working with the database"]


def test_interactive_mode_allows_implicit_session_on_main_thread(db, monkeypatch):
    from pony.orm.session.context import current_session

    monkeypatch.setattr(pony, "MODE", "INTERACTIVE")
    try:
        assert db.Person[1].name == "Alice"
        db.Person(name="console")
        commit()
        errors = []

        def worker():
            try:
                db.Person[1]
            except TransactionError as exc:
                errors.append(exc)

        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
        assert len(errors) == 1  # other threads still need db_session
    finally:
        session = current_session.get()
        if session is not None:
            session.close(commit=False)
            current_session.set(None)
    monkeypatch.setattr(pony, "MODE", "UNKNOWN")
    assert names(db) == ["Alice", "console"]



def test_exit_with_keyword_exception_rolls_back_like_pony(backend):
    """Pony's integrations call ``session.__exit__(exc=e)``: only the exception is given."""
    db = backend.make_db(lambda db: type("Thing", (db.Entity,), {"name": Required(str)}))
    session = db_session()
    session.__enter__()
    db.Thing(name="lost")
    session.__exit__(exc=RuntimeError("boom"))
    with db_session:
        assert db.Thing.select().count() == 0
    session = db_session()
    session.__enter__()
    db.Thing(name="kept")
    session.__exit__()
    with db_session:
        assert [t.name for t in db.Thing.select()] == ["kept"]
