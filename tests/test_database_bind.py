"""Database construction and binding (SPEC 1.1): provider forms, SQLite files, on_connect."""

import copy
import importlib.util
import os
import sqlite3
import threading
import uuid

import pytest

from pony.orm import *
from pony.orm.dbproviders.sqlite import provider_cls as SQLiteProvider

# --- an unbound Database -------------------------------------------------------------------------


def test_unbound_database_attributes():
    db = Database()
    assert db.provider is None
    assert db.provider_name is None
    assert db.schema is None
    assert db.entities == {}
    assert db.priority == 0
    assert isinstance(db.Entity, type)
    assert callable(db.on_connect)


def test_each_database_has_its_own_id_and_entity_base():
    db1, db2 = Database(), Database()
    assert isinstance(db1.id, int) and db1.id != db2.id
    assert db1.Entity is not db2.Entity


def test_deepcopy_returns_the_database_itself():
    db = Database("sqlite", ":memory:")
    assert copy.deepcopy(db) is db
    assert copy.deepcopy({"db": db})["db"] is db


def test_unbound_database_cannot_run_sql():
    db = Database()
    with pytest.raises(MappingError, match="not bound"):
        with db_session:
            db.select("1")


# --- provider argument forms ---------------------------------------------------------------------

@pytest.mark.parametrize("make", [
    lambda: Database("sqlite", ":memory:"),
    lambda: Database(provider="sqlite", filename=":memory:"),
    lambda: Database({"provider": "sqlite", "filename": ":memory:"}),
    lambda: Database("sqlite"),
    lambda: Database(SQLiteProvider, ":memory:"),
], ids=["positional", "keywords", "dict", "default-filename", "provider-class"])
def test_bind_forms_in_constructor(make):
    db = make()
    assert db.provider_name == "sqlite"
    assert db.provider.dialect == "SQLite"
    with db_session:
        assert db.get("1 + 1") == 2


@pytest.mark.parametrize("args, kwargs", [
    (("sqlite", ":memory:"), {}),
    (("sqlite",), {"filename": ":memory:"}),
    ((), {"provider": "sqlite", "filename": ":memory:"}),
    (({"provider": "sqlite", "filename": ":memory:"},), {}),
])
def test_bind_forms(args, kwargs):
    db = Database()
    db.bind(*args, **kwargs)
    assert db.provider_name == "sqlite"


def test_bind_on_each_backend(backend):
    db = backend.database()
    assert db.provider_name == backend.name
    assert db.provider.dialect in ("SQLite", "PostgreSQL", "MySQL")
    with db_session:
        assert db.get("1 + 1") == 2


def test_provider_is_required():
    with pytest.raises(TypeError, match="Database provider is not specified"):
        Database().bind()
    with pytest.raises(TypeError, match="Database provider is not specified"):
        Database().bind(filename=":memory:")


def test_provider_name_must_be_a_string():
    with pytest.raises(TypeError, match="Provider name should be string. Got: 'int'"):
        Database(1)


def test_pygresql_is_rejected():
    with pytest.raises(TypeError, match="Pony no longer supports PyGreSQL module"):
        Database("pygresql")


@pytest.mark.parametrize("name", ["nosuchdb", "sqlite.provider", "../sqlite"])
def test_unknown_provider(name):
    db = Database()
    with pytest.raises(ImportError, match="unknown database provider"):
        db.bind(name)
    assert db.provider is None


def test_second_bind_is_an_error():
    db = Database("sqlite", ":memory:")
    with pytest.raises(BindingError, match="^Database object was already bound to SQLite provider$"):
        db.bind("sqlite", ":memory:")


def test_failed_bind_leaves_database_unbound(tmp_path):
    db = Database()
    with pytest.raises(OSError):
        db.bind("sqlite", str(tmp_path / "missing.sqlite"))
    assert db.provider is None and db.provider_name is None
    db.bind("sqlite", ":memory:")
    assert db.provider_name == "sqlite"


def test_driver_arguments_pass_through():
    db = Database("sqlite", ":memory:", timeout=1.5, detect_types=sqlite3.PARSE_DECLTYPES)
    with db_session:
        assert db.get("1") == 1
    with pytest.raises(TypeError):
        Database("sqlite", ":memory:", no_such_option=1)


# --- SQLite files ----------------------------------------------------------------------------------

def _load_module(path, source):
    """A module in ``path``'s directory, as if the user wrote it there."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source)
    name = f"bind_helper_{uuid.uuid4().hex}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


HELPER = """
from pony.orm import Database

def in_constructor(name, **kw):
    return Database('sqlite', name, **kw)

def with_bind(name, **kw):
    db = Database()
    db.bind('sqlite', name, **kw)
    return db

def with_keywords(name, **kw):
    db = Database()
    db.bind(provider='sqlite', filename=name, **kw)
    return db
"""


@pytest.fixture
def helper(tmp_path, monkeypatch):
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)  # a cwd different from the module's directory
    return _load_module(tmp_path / "app" / "models.py", HELPER)


@pytest.mark.parametrize("form", ["in_constructor", "with_bind", "with_keywords"])
def test_relative_filename_is_resolved_against_the_calling_module(helper, tmp_path, form):
    db = getattr(helper, form)("data.sqlite", create_db=True)
    expected = tmp_path / "app" / "data.sqlite"
    assert expected.exists()
    assert not (tmp_path / "cwd" / "data.sqlite").exists()
    with db_session:
        db.execute("CREATE TABLE t (x INTEGER)")
    with sqlite3.connect(expected) as con:
        assert con.execute("SELECT name FROM sqlite_master").fetchall() == [("t",)]


def test_relative_subdirectory(helper, tmp_path):
    (tmp_path / "app" / "var").mkdir()
    helper.in_constructor(os.path.join("var", "db.sqlite"), create_db=True)
    assert (tmp_path / "app" / "var" / "db.sqlite").exists()


@pytest.mark.parametrize("form", ["in_constructor", "with_bind", "with_keywords"])
def test_missing_file_without_create_db(helper, tmp_path, form):
    expected = str(tmp_path / "app" / "missing.sqlite")
    with pytest.raises(IOError) as info:
        getattr(helper, form)("missing.sqlite")
    assert str(info.value) == f"Database file is not found: {expected!r}"
    assert not os.path.exists(expected)


def test_absolute_filename(tmp_path):
    path = tmp_path / "abs.sqlite"
    with pytest.raises(OSError, match="Database file is not found"):
        Database("sqlite", str(path))
    Database("sqlite", str(path), create_db=True)
    assert path.exists()
    db = Database("sqlite", str(path))  # now it exists
    with db_session:
        assert db.get("1") == 1


def test_file_database_is_shared_by_threads_and_survives_disconnect(tmp_path):
    db = Database("sqlite", str(tmp_path / "f.sqlite"), create_db=True)
    with db_session:
        db.execute("CREATE TABLE t (x INTEGER)")
        db.insert("t", x=1)
    seen = []

    def worker():
        with db_session:
            seen.append(db.select("x FROM t"))

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert seen == [[1]]
    db.disconnect()
    with db_session:
        assert db.select("x FROM t") == [1]


def test_memory_database_is_private_to_a_thread():
    db = Database("sqlite", ":memory:")
    with db_session:
        db.execute("CREATE TABLE t (x INTEGER)")
    errors = []

    def worker():
        try:
            with db_session:
                db.select("x FROM t")
        except OperationalError as exc:
            errors.append(str(exc))

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert errors == ["no such table: t"]


def test_memory_databases_are_separate():
    db1, db2 = Database("sqlite", ":memory:"), Database("sqlite", ":memory:")
    with db_session:
        db1.execute("CREATE TABLE t (x INTEGER)")
        assert not db2.exists("* FROM sqlite_master")


def test_shared_memory_database_is_seen_by_all_threads():
    db = Database("sqlite", ":sharedmemory:")
    with db_session:
        db.execute("CREATE TABLE t (x INTEGER)")
        db.insert("t", x=7)
    seen = []

    def worker():
        try:
            with db_session:
                seen.append(db.select("x FROM t"))
        except OperationalError as exc:
            seen.append(str(exc))

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert seen == [[7]]
    db.disconnect()
    with db_session:
        assert db.select("x FROM t") == [7]


def test_shared_memory_databases_are_separate():
    db1, db2 = Database("sqlite", ":sharedmemory:"), Database("sqlite", ":sharedmemory:")
    with db_session:
        db1.execute("CREATE TABLE t (x INTEGER)")
        assert not db2.exists("* FROM sqlite_master")


def test_memory_database_survives_disconnect():
    db = Database("sqlite", ":memory:")
    with db_session:
        db.execute("CREATE TABLE t (x INTEGER)")
    db.disconnect()
    with db_session:
        assert db.select("x FROM t") == []


def test_sqlite_connection_pragmas():
    db = Database("sqlite", ":memory:")
    with db_session:
        assert db.execute("PRAGMA foreign_keys").fetchone() == (1,)
        assert db.get("'a' LIKE 'A'") == 0  # case_sensitive_like


def test_disconnect_inside_session_is_an_error():
    db = Database("sqlite", ":memory:")
    with db_session:
        db.select("1")
        with pytest.raises(TransactionError, match=r"disconnect\(\) cannot be called inside of db_session"):
            db.disconnect()


# --- on_connect ------------------------------------------------------------------------------------

def test_on_connect_runs_on_bind_test_connection_and_new_connections(tmp_path):
    db = Database()
    calls = []

    @db.on_connect
    def remember(database, connection):
        calls.append((database, type(connection).__name__))

    db.bind("sqlite", str(tmp_path / "c.sqlite"), create_db=True)
    assert calls == [(db, "Connection")]
    with db_session:
        db.select("1")
    assert len(calls) == 1  # the pooled connection is reused
    db.disconnect()
    with db_session:
        db.select("1")
    assert len(calls) == 2


def test_on_connect_runs_for_each_thread_connection(tmp_path):
    db = Database()
    threads_seen = []
    db.on_connect(lambda database, con: threads_seen.append(threading.get_ident()))
    db.bind("sqlite", str(tmp_path / "t.sqlite"), create_db=True)

    def worker():
        with db_session:
            db.select("1")

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert len(threads_seen) == 2 and threads_seen[0] != threads_seen[1]


def test_on_connect_provider_filter(backend):
    db = Database()
    calls = []

    @db.on_connect(provider=backend.name)
    def mine(database, con):
        calls.append("keyword")

    @db.on_connect(backend.name)
    def mine_positional(database, con):
        calls.append("positional")

    for other in ("sqlite", "postgres", "mysql", "oracle"):
        if other != backend.name:
            db.on_connect(provider=other)(lambda database, con, other=other: calls.append(other))

    @db.on_connect()
    def every(database, con):
        calls.append("any")

    backend.bind(db)
    assert calls == ["keyword", "positional", "any"]


def test_on_connect_changes_are_committed(backend):
    db = Database()
    runs = []

    @db.on_connect
    def setup(database, con):
        runs.append(1)
        if len(runs) == 1:  # only on bind's test connection
            cursor = con.cursor()
            cursor.execute("CREATE TABLE hook_t (x INTEGER)")
            cursor.execute("INSERT INTO hook_t VALUES (1)")

    backend.bind(db)
    db.disconnect()  # closing the hook's connection would lose uncommitted work
    with db_session:
        assert db.select("x FROM hook_t") == [1]
    assert len(runs) == 2


def test_on_connect_returns_the_function():
    db = Database()

    def hook(database, con):
        pass

    assert db.on_connect(hook) is hook
    assert db.on_connect(provider="sqlite")(hook) is hook


@pytest.mark.parametrize("name", ["cockroach", "postgresql", "foo"])
def test_on_connect_unknown_provider(name):
    db = Database()
    with pytest.raises(BindingError, match=f"^Unknown provider {name}$"):
        db.on_connect(provider=name)
    with pytest.raises(BindingError, match=f"^Unknown provider {name}$"):
        db.on_connect(name)


def test_on_connect_provider_must_be_a_string():
    with pytest.raises(TypeError, match="'provider' option should be type of 'string', got 'int'"):
        Database().on_connect(provider=5)


def test_on_connect_needs_a_function():
    with pytest.raises(TypeError, match="on_connect expects a function"):
        Database().on_connect(provider="sqlite")(5)


def test_on_connect_error_fails_bind():
    db = Database()

    @db.on_connect
    def broken(database, con):
        raise RuntimeError("hook failed")

    with pytest.raises(RuntimeError, match="hook failed"):
        db.bind("sqlite", ":memory:")
    assert db.provider is None


def test_provider_class_gives_its_provider_name():
    class CustomSQLite(SQLiteProvider):
        provider_name = ""

    db = Database(CustomSQLite, ":memory:")
    assert db.provider_name == "sqlite"  # from the dialect when the class names none
    assert isinstance(db.provider, CustomSQLite)
