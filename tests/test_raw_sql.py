"""Raw SQL on a Database: $-parameters, rows, get/exists/execute/insert, statistics."""
# Variables read only through `$name` in SQL text look unused to ruff.
# ruff: noqa: F841

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


# --- $ parameters --------------------------------------------------------------------------

class Holder:
    def __init__(self, value):
        self.value = value
        self.inner = self

    def plus(self, n):
        return self.value + n


def test_attribute_index_key_and_call_chains(db):
    obj = Holder(20)
    ages = [22, 99]
    by_name = {"k": 20}
    with db_session:
        assert db.select("name FROM person WHERE age = $obj.value") == ["John"]
        assert db.select("name FROM person WHERE age = $obj.inner.value") == ["John"]
        assert db.select("name FROM person WHERE age = $ages[0]") == ["Mary"]
        assert db.select("name FROM person WHERE age = $by_name['k']") == ["John"]
        assert db.select("name FROM person WHERE age = $obj.plus(2)") == ["Mary"]


def test_name_chain_stops_at_sql_text(db):
    obj = Holder(1)
    with db_session:
        # "." followed by a non-name and ")" end the expression: they are SQL
        assert db.select("name FROM person WHERE (id = $obj.value)") == ["John"]
        assert db.get("count(*) FROM person WHERE id=$obj.value AND age>0") == 1


def test_trailing_semicolon_is_dropped(db):
    x = 22
    with db_session:
        assert db.select("name FROM person WHERE age = $(x;)") == ["Mary"]
        assert db.select("name FROM person WHERE age = $( x ; )") == ["Mary"]
        assert db.select("name FROM person WHERE age = $x;") == ["Mary"]
    assert ";" not in db.last_sql


def test_brackets_inside_strings_do_not_end_the_expression(db):
    names = {")": "John", "]": "Mary"}
    with db_session:
        assert db.select("age FROM person WHERE name = $(names[')'])") == [20]
        assert db.select("age FROM person WHERE name = $names[']']") == [22]


def test_same_expression_twice(db):
    a = 20
    with db_session:
        assert db.select("name FROM person WHERE age = $a OR age = $a + 2 ORDER BY id") == ["John", "Mary"]


def test_explicit_globals_dict(db):
    with db_session:
        assert db.select("name FROM person WHERE id = $pid", {"pid": 2}) == ["Mary"]


def test_explicit_locals_win_over_globals(db):
    with db_session:
        assert db.select("name FROM person WHERE id = $pid", {"pid": 1}, {"pid": 2}) == ["Mary"]
        assert db.get("name FROM person WHERE id = $pid", globals={"pid": 1}) == "John"
        assert db.exists("* FROM person WHERE id = $pid", locals={"pid": 2})


def test_locals_only_uses_caller_globals(db):
    with db_session:
        # `len` is found in the caller's globals (builtins), `names` in the explicit locals
        assert db.get("$(len(names))", locals={"names": ["a", "b"]}) == 2


def test_parameter_from_enclosing_function(db):
    def outer():
        limit = 21

        def inner():
            return db.select("name FROM person WHERE age > $limit", locals={"limit": limit})

        return inner()

    with db_session:
        assert outer() == ["Mary"]


def test_values_are_always_bound_parameters(db):
    evil = "x' OR '1'='1"
    with db_session:
        assert db.select("name FROM person WHERE name = $evil") == []
        assert evil not in db.last_sql


def test_percent_signs_in_text_and_values(db):
    pattern = "J%"
    with db_session:
        db.insert("person", id=3, name="100%", age=5)
        assert db.select("name FROM person WHERE name LIKE 'J%'") == ["John"]
        assert db.select("name FROM person WHERE name LIKE $pattern") == ["John"]
        assert db.select("name FROM person WHERE name LIKE '%!%%' ESCAPE '!'") == ["100%"]
        assert db.get("name FROM person WHERE name = '100%' AND age = $(5)") == "100%"


def test_percent_without_parameters(db):
    with db_session:
        assert db.get("'50%'") == "50%"
        assert db.select("name FROM person WHERE name LIKE '%a%'") == ["Mary"]
    assert db.last_sql == "select name FROM person WHERE name LIKE '%a%'"


@pytest.mark.parametrize("sql, shown", [
    ("name FROM person WHERE id = $", "'$'"),
    ("name FROM person WHERE id = $1", "'$1'"),
    ("name FROM person WHERE id = $ x", "'$ x'"),
    ("name FROM person WHERE id = $(1 +", "'$(1 +"),
    ("name FROM person WHERE id = $(1 +)", "$(1 +)"),
    ("name FROM person WHERE id = $()", "$()"),
    ("name FROM person WHERE id = $x[0", "'$x[0"),
])
def test_malformed_parameter_names_the_expression(db, sql, shown):
    x = [1]
    with db_session:
        with pytest.raises(TranslationError) as info:
            db.select(sql)
    assert shown in str(info.value)
    assert x


def test_failing_expression_raises_expr_eval_error(db):
    with db_session:
        with pytest.raises(ExprEvalError) as info:
            db.select("name FROM person WHERE id = $undefined_name")
    assert str(info.value) == "`undefined_name` raises NameError: name 'undefined_name' is not defined"
    assert isinstance(info.value.cause, NameError)


def test_expression_error_keeps_cause(db):
    zero = 0
    with db_session:
        with pytest.raises(ExprEvalError) as info:
            db.get("$(1 / zero)")
    assert str(info.value) == "`1 / zero` raises ZeroDivisionError: division by zero"
    assert isinstance(info.value.cause, ZeroDivisionError)
    assert info.value.__cause__ is info.value.cause


def test_none_parameter_is_null(db):
    nothing = None
    with db_session:
        assert db.select("name FROM person WHERE age = $nothing") == []
        assert db.select("name FROM person WHERE age = $nothing OR id = $(1)") == ["John"]


def test_untyped_none_parameter(db):
    nothing = None
    with db_session:
        assert db.get("count(*) FROM person WHERE $nothing IS NULL") == 2


# --- db.select ---------------------------------------------------------------------------------

@pytest.mark.parametrize("sql", [
    "select name FROM person WHERE id = 1",
    "SELECT name FROM person WHERE id = 1",
    "  \n SeLeCt name FROM person WHERE id = 1",
    "name FROM person WHERE id = 1",
])
def test_select_prefix_added_only_when_missing(db, sql):
    with db_session:
        assert db.select(sql) == ["John"]
    assert db.last_sql.lower().count("select") == 1


def test_column_named_like_select_gets_the_prefix(db):
    with db_session:
        db.execute("CREATE TABLE t2 (selected INTEGER)")
        db.insert("t2", selected=7)
        assert db.select("selected FROM t2") == [7]


def test_with_clause_is_not_prefixed(db):
    with db_session:
        assert db.select("WITH x AS (SELECT name FROM person WHERE id = 2) SELECT name FROM x") == ["Mary"]


def test_single_column_gives_scalars(db):
    with db_session:
        assert db.select("id FROM person ORDER BY id") == [1, 2]


def test_empty_result(db):
    with db_session:
        assert db.select("id FROM person WHERE id > 100") == []
        assert db.select("id, name FROM person WHERE id > 100") == []


def test_rows_are_tuples(db):
    with db_session:
        rows = db.select("id, name, age FROM person ORDER BY id")
    assert rows == [(1, "John", 20), (2, "Mary", 22)]
    row = rows[0]
    assert isinstance(row, tuple)
    assert repr(row) == "(1, 'John', 20)"
    assert row[1] == row.name == "John"
    ident, name, age = row
    assert (ident, age) == (1, 20)
    with pytest.raises(AttributeError):
        _ = row.missing


def test_row_column_aliases(db):
    with db_session:
        row = db.get("id AS ident, name AS label FROM person WHERE id = 2")
    assert (row.ident, row.label) == (2, "Mary")


def test_row_with_duplicate_and_odd_names(db):
    with db_session:
        row = db.get("id AS a, age AS a, name AS \"two words\", 3 AS \"count\" FROM person WHERE id = 1")
    assert row == (1, 20, "John", 3)
    assert row.a == 20  # the last of duplicate names wins, as in Pony
    assert row.count == 3  # a column shadows the tuple method of the same name


def test_rows_pickle(db):
    import pickle
    with db_session:
        row = db.get("id, name FROM person WHERE id = 1")
    copy = pickle.loads(pickle.dumps(row))
    assert copy == row and copy.name == "John"


def test_max_fetch_count(db, monkeypatch):
    from pony import options
    monkeypatch.setattr(options, "MAX_FETCH_COUNT", 1)
    with db_session:
        with pytest.raises(TooManyRowsFound):
            db.select("name FROM person")
        assert db.select("name FROM person WHERE id = 1") == ["John"]
    monkeypatch.setattr(options, "MAX_FETCH_COUNT", 2)
    with db_session:
        assert len(db.select("name FROM person")) == 2


# --- db.get / db.exists ------------------------------------------------------------------------

def test_get_returns_scalar_or_row(db):
    with db_session:
        assert db.get("name FROM person WHERE id = 2") == "Mary"
        row = db.get("name, age FROM person WHERE id = 2")
    assert row == ("Mary", 22) and row.age == 22


def test_get_error_classes(db):
    with db_session:
        with pytest.raises(RowNotFound):
            db.get("name FROM person WHERE id = 99")
        with pytest.raises(MultipleRowsFound):
            db.get("name, age FROM person")
    assert issubclass(RowNotFound, OrmError)


def test_exists_with_and_without_select(db):
    age = 22
    with db_session:
        assert db.exists("select * FROM person WHERE age = $age")
        assert db.exists("1 FROM person WHERE age = $age")
        assert db.exists("* FROM person WHERE age = $(age + 1)") is False


# --- db.execute ----------------------------------------------------------------------------------

def test_execute_returns_cursor(db):
    with db_session:
        cursor = db.execute("SELECT name FROM person ORDER BY id")
        assert list(cursor.fetchall()) == [("John",), ("Mary",)]
        cursor = db.execute("UPDATE person SET age = age + 1")
        assert cursor.rowcount == 2


def test_execute_changes_are_committed_at_session_end(db):
    new_age = 40
    with db_session:
        db.execute("UPDATE person SET age = $new_age WHERE id = 1")
    with db_session:
        assert db.get("age FROM person WHERE id = 1") == 40


def test_execute_starts_a_transaction_that_rollback_undoes(db):
    with db_session:
        db.execute("DELETE FROM person WHERE id = 2")
        assert db.select("id FROM person") == [1]
        rollback()
        assert db.select("id FROM person ORDER BY id") == [1, 2]


def test_exception_in_session_rolls_back_execute(db):
    with pytest.raises(ZeroDivisionError):
        with db_session:
            db.execute("DELETE FROM person")
            _ = 1 / 0
    with db_session:
        assert db.select("count(*) FROM person") == [2]


def test_execute_with_parameters(db):
    pid, name = 5, "Ann"
    with db_session:
        db.execute("INSERT INTO person (id, name, age) VALUES ($pid, $name, $(pid * 2))")
        assert db.get("name, age FROM person WHERE id = 5") == ("Ann", 10)


# --- db.insert -----------------------------------------------------------------------------------

AUTO_ID = {
    "sqlite": "INTEGER PRIMARY KEY AUTOINCREMENT",
    "postgres": "SERIAL PRIMARY KEY",
    "mysql": "INTEGER PRIMARY KEY AUTO_INCREMENT",
}


@pytest.fixture
def auto_db(db, backend):
    with db_session:
        db.execute(f"CREATE TABLE item (id {AUTO_ID[backend.name]}, label VARCHAR(20))")
    return db


def test_insert_returning_gives_generated_key(auto_db):
    with db_session:
        first = auto_db.insert("item", label="a", returning="id")
        second = auto_db.insert("item", label="b", returning="id")
        assert second == first + 1
        assert auto_db.get("label FROM item WHERE id = $second") == "b"


def test_insert_without_returning_gives_lastrowid(auto_db):
    with db_session:
        has_lastrowid = hasattr(auto_db.execute("SELECT 1"), "lastrowid")
        new_id = auto_db.insert("item", label="a")
        if has_lastrowid:
            assert auto_db.select("id FROM item") == [new_id]
        else:  # psycopg 3 cursors have no lastrowid
            assert new_id is None


def test_insert_values_are_converted(db):
    from decimal import Decimal
    with db_session:
        db.execute("CREATE TABLE note (id INTEGER PRIMARY KEY, amount DECIMAL(10, 2), flag BOOLEAN)")
        db.insert("note", id=1, amount=Decimal("12.50"), flag=True)
        assert Decimal(str(db.get("amount FROM note"))) == Decimal("12.50")
        assert db.get("flag FROM note") == 1  # True on PostgreSQL, 1 elsewhere


def test_insert_quotes_table_and_column_names(db):
    with db_session:
        db.execute(db.provider.compiler.quote("order").join(["CREATE TABLE ", " (id INTEGER, "]) +
                   db.provider.compiler.quote("group") + " INTEGER)")
        db.insert("order", id=1, group=2)
        assert db.exists("* FROM " + db.provider.compiler.quote("order"))


# --- statistics ----------------------------------------------------------------------------------

def test_last_sql_is_per_thread(db):
    import threading
    with db_session:
        db.select("id FROM person")
    seen = []

    def worker():
        seen.append(db.last_sql)
        with db_session:
            db.select("name FROM person")
        seen.append(db.last_sql)

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert seen == [None, "select name FROM person"]
    assert db.last_sql == "select id FROM person"


def test_local_stats_totals(db):
    db.merge_local_stats()
    with db_session:
        db.select("id FROM person")
        db.select("id FROM person")
        db.select("name FROM person")
    stats = db.local_stats
    assert set(stats) == {None, "select id FROM person", "select name FROM person"}
    stat = stats["select id FROM person"]
    assert stat.sql == "select id FROM person"
    assert stat.db_count == 2
    assert stat.cache_count == 0
    assert 0 <= stat.min_time <= stat.max_time
    assert stat.sum_time >= stat.max_time
    assert stat.avg_time == pytest.approx(stat.sum_time / 2)
    total = stats[None]
    assert total.sql is None
    assert total.db_count == 3


def test_merge_local_stats_moves_to_global(db):
    with db_session:
        db.select("id FROM person")
    count_before = db.global_stats.get("select id FROM person")
    count_before = count_before.db_count if count_before else 0
    local_count = db.local_stats["select id FROM person"].db_count
    db.merge_local_stats()
    assert list(db.local_stats) == [None]
    assert db.local_stats[None].db_count == 0
    merged = db.global_stats["select id FROM person"]
    assert merged.db_count == count_before + local_count
    with db_session:
        db.select("id FROM person")
    db.merge_local_stats()
    assert db.global_stats["select id FROM person"].db_count == merged.db_count + 1


def test_global_stats_is_a_copy(db):
    with db_session:
        db.select("id FROM person")
    db.merge_local_stats()
    snapshot = db.global_stats
    snapshot["select id FROM person"].db_count = 1000
    snapshot.clear()
    assert db.global_stats["select id FROM person"].db_count < 1000


def test_stats_from_other_threads_merge(db):
    import threading

    def worker():
        with db_session:
            db.select("age FROM person")
        db.merge_local_stats()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert db.global_stats["select age FROM person"].db_count == 3
    assert "select age FROM person" not in db.local_stats


def test_query_stat_is_importable_from_core():
    from pony.orm.core import QueryStat
    stat = QueryStat("select 1")
    assert (stat.sql, stat.db_count, stat.cache_count) == ("select 1", 0, 0)
    assert stat.avg_time is None
    stat = QueryStat("select 1", 0.5)
    assert (stat.db_count, stat.min_time, stat.max_time, stat.sum_time, stat.avg_time) == (1, 0.5, 0.5, 0.5, 0.5)


def test_global_stats_lock_is_deprecated(db):
    from pony.orm.errors import PonyDeprecationWarning
    with pytest.warns(PonyDeprecationWarning, match="global_stats_lock is deprecated"):
        lock = db.global_stats_lock
    with lock:
        pass


# --- raw SQL next to entities ----------------------------------------------------------------

def define_people(db):
    class Person(db.Entity):
        name = Required(str)
        age = Optional(int)


@pytest.fixture
def people_db(backend):
    return backend.make_db(define_people)


def test_insert_into_entity_table(people_db):
    Person = people_db.Person
    with db_session:
        new_id = people_db.insert(Person, name="Ann", age=30, returning="id")
    with db_session:
        assert Person[new_id].name == "Ann"


def test_raw_select_sees_pending_changes(people_db):
    Person = people_db.Person
    table = people_db.provider.quote_name(Person._table_)
    with db_session:
        Person(name="Bob")
        assert people_db.select(f"name FROM {table}") == ["Bob"]
        assert people_db.exists(f"* FROM {table} WHERE name = 'Bob'")
