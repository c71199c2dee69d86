"""Providers against real servers: bind forms, on_connect, the per-thread pool, reconnecting."""

import threading

import pytest
from conftest import _mysql_connect, _pg_connect

from pony.orm import *
from pony.orm.dbapiprovider import DBAPIProvider


def _bind_variants(backend):
    args, kwargs = backend.bind_args
    name, rest = args[0], args[1:]
    provider_cls = __import__(f"pony.orm.dbproviders.{name}", fromlist=["provider_cls"]).provider_cls
    return {
        "positional": lambda db: db.bind(name, *rest, **kwargs),
        "provider_kw": lambda db: db.bind(*rest, provider=name, **kwargs),
        "dict": lambda db: db.bind({"provider": name, **dict(zip(("filename",), rest)), **kwargs}),
        "class": lambda db: db.bind(provider_cls, *rest, **kwargs),
    }


@pytest.mark.parametrize("form", ["positional", "provider_kw", "dict", "class"])
def test_bind_forms(backend, form):
    db = Database()
    _bind_variants(backend)[form](db)
    backend.databases.append(db)
    assert isinstance(db.provider, DBAPIProvider)
    assert db.provider.dialect in ("SQLite", "PostgreSQL", "MySQL")
    with db_session:
        assert db.select("1 + 1") == [2]


def test_server_version_is_read_at_bind(backend):
    db = backend.database()
    version = db.provider.server_version
    assert isinstance(version, tuple) and len(version) >= 2
    assert all(isinstance(part, int) for part in version)


def test_second_bind_is_an_error(backend):
    db = backend.database()
    args, kwargs = backend.bind_args
    with pytest.raises(BindingError, match="already bound"):
        db.bind(*args, **kwargs)


def test_on_connect_runs_on_every_new_connection_with_provider_filter(backend):
    calls = []
    db = Database()

    @db.on_connect
    def any_provider(database, connection):
        calls.append(("any", database is db))

    @db.on_connect(provider=backend.name)
    def this_provider(database, connection):
        calls.append(("this", database is db))

    other = "sqlite" if backend.name != "sqlite" else "postgres"

    @db.on_connect(provider=other)
    def other_provider(database, connection):
        calls.append(("other", True))

    backend.bind(db)
    assert calls == [("any", True), ("this", True)]  # the test connection of bind
    with db_session:
        db.select("1")
    assert len(calls) == 2  # the pooled connection was reused
    db.disconnect()
    with db_session:
        db.select("1")
    assert calls == [("any", True), ("this", True)] * 2


def test_pool_gives_one_connection_per_thread(backend):
    db = backend.database()
    with db_session:
        first = db.get_connection()
    with db_session:
        assert db.get_connection() is first
    seen = []

    def worker():
        with db_session:
            seen.append(db.get_connection())
        db.disconnect()

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert len(seen) == 1 and seen[0] is not first


def test_disconnect_closes_the_thread_connection(backend):
    db = backend.database()
    with db_session:
        first = db.get_connection()
    db.disconnect()
    with db_session:
        second = db.get_connection()
        assert db.select("1") == [1]
    assert second is not first


def test_disconnect_inside_session_is_an_error(backend):
    db = backend.database()
    with db_session:
        db.select("1")
        with pytest.raises(TransactionError):
            db.disconnect()


# --- reconnecting ---------------------------------------------------------------------------


def _kill_connection(backend, db):
    """Kill this thread's pooled connection from the outside, as a server restart would."""
    con = db.provider.pool.con
    if backend.name == "sqlite":
        con.close()
    elif backend.name == "postgres":
        pid = con.info.backend_pid
        with _pg_connect() as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    else:
        thread_id = con.thread_id()
        admin = _mysql_connect()
        try:
            admin.cursor().execute(f"KILL {int(thread_id)}")
        finally:
            admin.close()


@pytest.fixture
def table_db(backend):
    db = backend.database()
    with db_session:
        db.execute("CREATE TABLE item (id INTEGER PRIMARY KEY, name VARCHAR(20))")
        db.insert("item", id=1, name="one")
    return db


def _fresh_rows(backend, db):
    other = backend.database()
    with db_session:
        return other.select("name FROM item ORDER BY id")


def test_reconnect_between_sessions(backend, table_db):
    with db_session:
        table_db.select("1")
    _kill_connection(backend, table_db)
    with db_session:
        assert table_db.select("name FROM item") == ["one"]


def test_reconnect_inside_read_only_session(backend, table_db):
    with db_session:
        assert table_db.select("name FROM item") == ["one"]
        _kill_connection(backend, table_db)
        assert table_db.select("name FROM item") == ["one"]


@pytest.mark.direct_connection
def test_lost_connection_after_write_raises_and_rolls_back(backend, table_db):
    with pytest.raises(ConnectionClosedError):
        with db_session:
            table_db.insert("item", id=2, name="two")
            _kill_connection(backend, table_db)
            table_db.select("name FROM item")
    assert _fresh_rows(backend, table_db) == ["one"]
    with db_session:  # the next session works on a new connection
        table_db.insert("item", id=3, name="three")
    assert _fresh_rows(backend, table_db) == ["one", "three"]


def test_missing_driver_names_the_pip_extra(monkeypatch):
    import builtins

    from pony.orm.dbproviders.postgres import provider_cls

    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name in ("psycopg", "psycopg2"):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    monkeypatch.setattr("importlib.import_module", lambda name: fake_import(name))
    with pytest.raises(ImportError, match=r"'postgres' provider.*pip install 'pony-ast\[postgres\]'"):
        Database(provider_cls, host="127.0.0.1")


def test_unknown_provider_name_is_rejected():
    with pytest.raises((BindingError, ImportError), match="nosuchdb"):
        Database("nosuchdb")
