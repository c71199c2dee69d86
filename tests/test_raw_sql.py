"""Raw SQL on a Database: $-parameters, rows, get/exists/execute/insert, statistics."""

import pytest

from pony.orm import *


@pytest.fixture
def db(backend):
    db = backend.database()
    with db_session:
        db.execute("CREATE TABLE person (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL, age INTEGER)")
        db.insert("person", id=1, name="John", age=20)
        db.insert("person", id=2, name="Mary", age=22)
    return db


def test_select_with_frame_parameter(db):
    min_age = 21
    with db_session:
        assert db.select("name FROM person WHERE age >= $min_age") == ["Mary"]


def test_select_rows_have_attribute_access(db):
    with db_session:
        rows = db.select("id, name FROM person ORDER BY id")
    assert [(r.id, r.name) for r in rows] == [(1, "John"), (2, "Mary")]


def test_expression_parameter_and_dollar_escape(db):
    x = 20
    with db_session:
        assert db.select("name FROM person WHERE age = $(x + 2)") == ["Mary"]
        assert db.get("select '$$'") == "$"


def test_hostile_value_is_bound_not_spliced(db):
    name = "x'; DROP TABLE person; --"
    with db_session:
        db.insert("person", id=3, name=name, age=1)
        assert db.get("name FROM person WHERE id = 3") == name
        assert db.select("count(*) FROM person") == [3]


def test_get_raises_row_errors(db):
    with db_session:
        with pytest.raises(RowNotFound):
            db.get("name FROM person WHERE id = 99")
        with pytest.raises(MultipleRowsFound):
            db.get("name FROM person")


def test_exists(db):
    with db_session:
        assert db.exists("* FROM person WHERE age > 21")
        assert not db.exists("* FROM person WHERE age > 99")


def test_outside_session_is_an_error(db):
    with pytest.raises(TransactionError, match="db_session is required"):
        db.select("name FROM person")


def test_stats_count_queries(db):
    with db_session:
        db.select("name FROM person")
        db.select("name FROM person")
    assert db.last_sql == "select name FROM person"
    assert db.local_stats["select name FROM person"].db_count == 2
