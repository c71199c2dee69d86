"""Driver errors become pony.orm DB-API errors that keep the driver's exception and text."""

import sqlite3

import pytest

from pony.orm import *
from pony.orm.dbproviders.base.errors import wrap_exception


@pytest.fixture
def db(backend):
    db = backend.database()
    with db_session:
        db.execute("CREATE TABLE person (id INTEGER PRIMARY KEY, name VARCHAR(20) NOT NULL)")
        db.insert("person", id=1, name="John")
    return db


def test_duplicate_key_is_integrity_error(db):
    with pytest.raises(IntegrityError) as info:
        with db_session:
            db.insert("person", id=1, name="Again")
    exc = info.value
    assert isinstance(exc, DatabaseError) and isinstance(exc, Error) and isinstance(exc, DBException)
    mysql_class = ("MySQLdb.IntegrityError" if db.provider.dbapi_module.__name__ == "MySQLdb"
                   else "pymysql.err.IntegrityError")  # mysqlclient when installed
    driver_class = {"SQLite": "sqlite3.IntegrityError", "PostgreSQL": "psycopg.errors.UniqueViolation",
                    "MySQL": mysql_class}[db.provider.dialect]
    assert f"{type(exc.original_exc).__module__}.{type(exc.original_exc).__name__}" == driver_class
    assert exc.args == exc.original_exc.args
    assert exc.__cause__ is exc.original_exc
    with db_session:  # nothing of the failed session was kept
        assert db.select("name FROM person") == ["John"]


def test_not_null_violation_is_integrity_error(db):
    with pytest.raises(IntegrityError):
        with db_session:
            db.execute("INSERT INTO person (id, name) VALUES (2, NULL)")


def test_bad_sql_keeps_driver_text(db):
    with pytest.raises((ProgrammingError, OperationalError)) as info:
        with db_session:
            db.select("* FROM no_such_table")
    text = str(info.value).lower()
    assert "no_such_table" in text
    assert str(info.value.original_exc) == str(info.value)


def test_session_works_after_an_error(db):
    with db_session:
        with pytest.raises(DatabaseError):
            db.select("* FROM no_such_table")
    with db_session:
        assert db.select("name FROM person") == ["John"]


def test_unreachable_server_is_operational_error(backend, tmp_path):
    if backend.name == "sqlite":
        with pytest.raises(OSError, match="Database file is not found"):
            Database("sqlite", str(tmp_path / "missing.sqlite"))
        return
    args, kwargs = backend.bind_args
    kwargs = dict(kwargs, host="127.0.0.1", port=1)  # nothing listens on port 1
    with pytest.raises(OperationalError) as info:
        Database(*args, **kwargs)
    original = info.value.original_exc
    if backend.name == "postgres":
        assert (type(original).__module__, type(original).__name__) == ("psycopg", "OperationalError")
        assert "port 1 failed: Connection refused" in str(original)
    elif type(original).__module__ == "MySQLdb":  # mysqlclient, when installed
        assert type(original).__name__ == "OperationalError"
        # the client library's wording and code: MariaDB's says 2002 "to server", MySQL's 2003
        assert original.args[0] in (2002, 2003) and "Can't connect to" in original.args[1]
        assert "'127.0.0.1'" in original.args[1]
    else:
        assert (type(original).__module__, type(original).__name__) == ("pymysql.err", "OperationalError")
        assert original.args[0] == 2003 and "Can't connect to MySQL server on '127.0.0.1'" in original.args[1]
    assert str(info.value) == str(original)


def test_wrapping_follows_the_driver_class_hierarchy():
    exc = wrap_exception(sqlite3.IntegrityError("UNIQUE constraint failed"))
    assert type(exc) is IntegrityError and exc.args == ("UNIQUE constraint failed",)
    assert wrap_exception(ValueError("x")) is None


def test_psycopg_sqlstate_subclasses_are_wrapped():
    psycopg = pytest.importorskip("psycopg")
    exc = wrap_exception(psycopg.errors.UniqueViolation("dup"))
    assert type(exc) is IntegrityError
    exc = wrap_exception(psycopg.errors.UndefinedTable("no table"))
    assert type(exc) is ProgrammingError
    retry = wrap_exception(psycopg.errors.SerializationFailure("could not serialize"))
    assert type(retry) is OperationalError and retry.should_retry is True


def test_pymysql_errors_are_wrapped():
    pymysql = pytest.importorskip("pymysql")
    exc = wrap_exception(pymysql.err.IntegrityError(1062, "Duplicate entry"))
    assert type(exc) is IntegrityError and exc.args == (1062, "Duplicate entry")
    assert type(wrap_exception(pymysql.err.OperationalError(2013, "Lost connection"))) is OperationalError


def test_serialization_failure_on_postgres_sets_should_retry(backend):
    if backend.name != "postgres":
        pytest.skip("SQLSTATE 40001 is raised on demand only by PostgreSQL here")
    db = backend.database()
    with pytest.raises(OperationalError) as info:
        with db_session:
            db.execute("DO $$$$ BEGIN RAISE EXCEPTION 'forced' USING ERRCODE = '40001'; END $$$$")
    assert info.value.should_retry is True
