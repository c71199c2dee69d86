"""Edge cases of queries and their SQL: exact error messages of QueryResult/Query, aggregates of
non-integer columns, left_join inside a query, update() values, show() of objects, upsert() with an
empty update list, boolean constants, Oracle's JSON_VALUE ... RETURNING (offline fake driver), lower()
and upper() of non-ASCII text, negative Json indexes (MySQL 8 offline), long lists of tuples of bool,
Decimal and UUID, and array slices."""

from __future__ import annotations

import io
import pickle
import sys
from decimal import Decimal
from uuid import UUID

import pytest

from pony.orm import (
    IntArray,
    Json,
    Optional,
    Required,
    TranslationError,
    count,
    db_session,
    left_join,
    select,
)
from tests import fake_oracledb


def define(db):
    class Item(db.Entity):
        name = Required(str, unique=True)
        price = Required(Decimal, 10, 2)
        stock = Required(int)
        label = Optional(str)


@pytest.fixture(scope="module")
def db(backend_module):  # these tests only read
    db = backend_module.make_db(define)
    with db_session:
        db.Item(name="nail", price=Decimal("1.25"), stock=3, label="small")
        db.Item(name="saw", price=Decimal("2.50"), stock=5)
        db.Item(name="vice", price=Decimal("10.00"), stock=0, label="big")
    return db


def test_pickled_query_result_cannot_be_streamed(db):
    with db_session:
        result = pickle.loads(pickle.dumps(select(i.name for i in db.Item).fetch()))
        assert sorted(result) == ["nail", "saw", "vice"]
        with pytest.raises(TypeError) as info:
            result.stream()
    assert str(info.value) == "This QueryResult has no query to stream"


def test_indexing_a_query_with_an_integer_is_refused(db):
    with db_session, pytest.raises(TypeError) as info:
        select(i for i in db.Item)[0]
    assert str(info.value) == "If you want apply index to a query, convert it to list first"


def test_sum_of_decimal_column_is_a_decimal(db):
    with db_session:
        total = select(i.price for i in db.Item).sum()
        assert isinstance(total, Decimal)
        assert total == Decimal("13.75")


def test_left_join_as_a_subquery_inside_a_query(db):
    with db_session:
        names = select(i.name for i in db.Item
                       if i.name in left_join(j.name for j in db.Item if j.stock > 2))[:]
        assert sorted(names) == ["nail", "saw"]


def test_update_value_with_an_aggregate_of_the_object_is_refused(db):
    with db_session, pytest.raises(TranslationError) as info:
        db.Item.select().update(stock=lambda i: count(i.name))
    assert str(info.value).startswith("`count(i.name)` cannot be a value of update()")
    with db_session:
        assert sorted(select((i.name, i.stock) for i in db.Item)[:]) == [("nail", 3), ("saw", 5), ("vice", 0)]


def test_query_text_is_evaluated_in_the_callers_scope(db):
    minimum = 4  # noqa: F841 - read by the query text below, from this frame
    with db_session:
        assert select("i.name for i in db.Item if i.stock > minimum")[:] == ["saw"]
        assert select("(i.name for i in db.Item if i.stock < minimum)").order_by(1)[:] == ["nail", "vice"]


def test_boolean_constant_in_the_select_list(db):
    with db_session:
        rows = select((i.name, True, False) for i in db.Item if i.stock > 4)[:]
    assert [(name, bool(t), bool(f)) for name, t, f in rows] == [("saw", True, False)]


@pytest.mark.parametrize("having, value, src", [
    (lambda i: count(i.name) > 0, lambda i: count(i.name), "count(i.name)"),
    (lambda i: max(i.stock) >= 0, lambda i: max(i.stock), "max(i.stock)"),
])
def test_aggregate_value_of_update_on_an_aggregated_query_is_refused(db, having, value, src):
    with db_session, pytest.raises(TranslationError) as info:
        db.Item.select().where(having).update(stock=value)
    assert str(info.value).startswith(f"`{src}` cannot be a value of update(): it reaches other rows")
    with db_session:
        assert sorted(select((i.name, i.stock) for i in db.Item)[:]) == [("nail", 3), ("saw", 5), ("vice", 0)]


def test_query_text_iterating_over_a_query_of_a_lambda(db):
    with db_session:
        assert select("i.name for i in db.Item.select(lambda j: j.stock > 4)")[:] == ["saw"]
        assert sorted(left_join("i.name for i in (db.Item)")[:]) == ["nail", "saw", "vice"]


def test_membership_in_a_tuple_of_constants_is_an_in_list(db):
    with db_session:
        query = select(i.name for i in db.Item if i.name in ("nail", "vice", "drill"))
        assert sorted(query[:]) == ["nail", "vice"]
        assert " IN (" in query.get_sql()
        assert sorted(select(i.name for i in db.Item if i.stock not in (0, 3))[:]) == ["saw"]


def define_labelled(db):
    class Tag(db.Entity):
        name = Required(str, unique=True)
        hits = Required(int)

        def __str__(self) -> str:
            return f"tag {self.name}"


def test_show_prints_objects_by_their_repr_not_their_str(backend):
    db = backend.make_db(define_labelled)
    with db_session:
        db.Tag(name="x", hits=1)
    stream = io.StringIO()
    with db_session:
        select((t, t.name) for t in db.Tag).show(stream=stream)
    assert stream.getvalue().splitlines() == ["t     |t.name", "------+------", "Tag[1]|x     "]


def test_upsert_with_an_empty_update_list_keeps_the_stored_row(backend):
    db = backend.make_db(define_labelled)
    with db_session:
        db.Tag(name="x", hits=1)
    with db_session:
        tag = db.Tag.upsert(name="x", hits=9, update=[])
        assert (tag.name, tag.hits) == ("x", 1)
        new = db.Tag.upsert(name="y", hits=2, update=[])
        assert (new.name, new.hits) == ("y", 2)
    with db_session:
        assert sorted(select((t.name, t.hits) for t in db.Tag)[:]) == [("x", 1), ("y", 2)]


@pytest.fixture
def oracle(monkeypatch):
    """A Database on the Oracle provider over tests/fake_oracledb.py; ``oracle.sent()`` lists the SQL."""
    from pony.orm import Database

    monkeypatch.setitem(sys.modules, "oracledb", fake_oracledb)
    monkeypatch.setattr(fake_oracledb, "connections", [])
    db = Database()

    class Doc(db.Entity):
        title = Required(str)
        data = Optional(Json)

    db.bind("oracle", user="scott", password="tiger", dsn="fake")
    db.generate_mapping(create_tables=True)

    def sent():
        result = [sql for con in fake_oracledb.connections for sql, _ in con.statements
                  if sql not in ("COMMIT", "ROLLBACK")]
        for con in fake_oracledb.connections:
            con.statements.clear()
        return result

    db.sent = sent
    sent()
    yield db
    db.disconnect()


def test_oracle_json_numbers_are_read_as_numbers(oracle):
    with db_session:
        select(d.title for d in oracle.Doc if int(d.data["size"]) > 3)[:]
        select(d.title for d in oracle.Doc if float(d.data["ratio"]) > 0.5)[:]
    where = [sql.split(" WHERE ", 1)[1] for sql in oracle.sent()]
    assert where[0] == '(JSON_VALUE("d"."DATA", \'$."size"\' RETURNING NUMBER)) > 3'
    assert "RETURNING BINARY_DOUBLE)) > " in where[1], where[1]


def define_notes(db):
    class Note(db.Entity):
        text = Required(str)
        data = Optional(Json)
        flag = Required(bool)
        amount = Required(Decimal, 10, 2)
        code = Required(UUID)


CODES = [UUID(int=n) for n in range(1, 4)]


@pytest.fixture(scope="module")
def notes(backend_module):  # these tests only read
    db = backend_module.make_db(define_notes)
    with db_session:
        db.Note(text="ZOË", data={"arr": [10, 20, 30]}, flag=True, amount=Decimal("1.50"), code=CODES[0])
        db.Note(text="noël", data={"arr": [40, 50]}, flag=False, amount=Decimal("2.00"), code=CODES[1])
        db.Note(text="Ångström", data={"arr": [60]}, flag=True, amount=Decimal("3.25"), code=CODES[2])
    return db


def test_lower_and_upper_map_non_ascii_letters(notes):
    with db_session:
        assert sorted(select(n.text.lower() for n in notes.Note)[:]) == ["noël", "zoë", "ångström"]
        assert sorted(select(n.text.upper() for n in notes.Note)[:]) == ["NOËL", "ZOË", "ÅNGSTRÖM"]
        assert select(n.amount for n in notes.Note if n.text.lower() == "zoë")[:] == [Decimal("1.50")]
        assert select(n.amount for n in notes.Note if n.text.upper() == "NOËL")[:] == [Decimal("2.00")]


def test_json_negative_index_counts_from_the_end(notes):
    with db_session:
        assert select(n.data["arr"][-2] for n in notes.Note if n.code == CODES[0]).get() == 20
        assert select(n.data["arr"][-3] for n in notes.Note if n.code == CODES[0]).get() == 10
        assert select(n.data["arr"][-1] for n in notes.Note if n.code == CODES[0]).get() == 30
        assert select(n.data["arr"][-2] for n in notes.Note if n.code == CODES[1]).get() == 40


def test_json_negative_index_on_rows_of_different_lengths(notes):
    # MariaDB 10.11 alone resolves $[-1] (and $[last]) against the first row's array: counted per row
    with db_session:
        assert sorted(select((n.text, n.data["arr"][-1]) for n in notes.Note)[:]) == \
            [("ZOË", 30), ("noël", 50), ("Ångström", 60)]
        assert select(n.text for n in notes.Note if n.data["arr"][-2] == 40)[:] == ["noël"]


def test_json_index_before_the_start_of_a_shorter_array_is_missing(notes):
    with db_session:
        assert sorted(select((n.text, n.data["arr"][-2]) for n in notes.Note)[:]) == \
            [("ZOË", 20), ("noël", 40), ("Ångström", None)]
        position = -3
        assert sorted(select((n.text, n.data["arr"][position]) for n in notes.Note)[:]) == \
            [("ZOË", 10), ("noël", None), ("Ångström", None)]
        position = 1
        assert sorted(select((n.text, n.data["arr"][position]) for n in notes.Note)[:]) == \
            [("ZOË", 20), ("noël", 50), ("Ångström", None)]


def test_json_negative_constant_index_of_a_decompiled_query_is_counted_per_row(notes):
    # compiled without source text: the decompiled -1 stays a constant step of the path
    namespace = {"Note": notes.Note}
    exec(compile("q = ((n.text, n.data['arr'][-1]) for n in Note)", "<no source>", "exec"), namespace)
    with db_session:
        assert sorted(select(namespace["q"])[:]) == [("ZOË", 30), ("noël", 50), ("Ångström", 60)]


def test_tuples_of_bool_decimal_and_uuid_in_a_long_list(notes):
    # more than 16 tuples: the list is sent as one parameter, with a typed array per column on PostgreSQL
    wanted = [(True, Decimal("1.50"), CODES[0]), (False, Decimal("2.00"), CODES[1])]
    wanted += [(n % 2 == 0, Decimal(n) + Decimal("0.75"), UUID(int=100 + n)) for n in range(20)]
    with db_session:
        assert sorted(select(n.text for n in notes.Note if (n.flag, n.amount, n.code) in wanted)[:]) == \
            ["ZOË", "noël"]
        assert select(n.text for n in notes.Note if (n.flag, n.amount, n.code) not in wanted)[:] == ["Ångström"]


def define_series(db):
    class Series(db.Entity):
        name = Required(str)
        points = Optional(IntArray)


@pytest.fixture(scope="module")
def series(backend_module):  # these tests only read
    if not backend_module.has("arrays"):
        pytest.skip(f"{backend_module.name} has no array columns")
    db = backend_module.make_db(define_series)
    with db_session:
        db.Series(name="s", points=[1, 2, 3, 4])
    return db


def test_array_slice_stops_where_python_stops(series):
    points = [1, 2, 3, 4]
    with db_session:
        S = series.Series
        assert select(s.points[0:2] for s in S).get() == points[0:2]
        assert select(s.points[1:3] for s in S).get() == points[1:3]
        assert select(s.points[1:] for s in S).get() == points[1:]
        assert select(s.points[:1] for s in S).get() == points[:1]
        assert select(s.points[:-1] for s in S).get() == points[:-1]
        assert select(s.points[-3:-1] for s in S).get() == points[-3:-1]


def test_mysql8_json_negative_constant_index_is_written_from_last():
    # no MySQL 8 server here (the MySQL backend is MariaDB, which takes [-n]): the SQL is what is checked.
    # A query compiled without its source text (here from eval) keeps -n as a constant of the path.
    from pony.orm import Database
    from pony.orm.dbproviders.mysql import provider_cls

    db = Database()

    class Doc(db.Entity):
        data = Optional(Json)

    db.provider, db.provider_name = provider_cls.offline((8, 0, 36)), "mysql"
    db.generate_mapping(create_tables=False, check_tables=False)
    paths = {}
    with db_session:
        for index in (-1, -2, -3, 0, 2):
            query = eval(f"select(d.data['arr'][{index}] for d in Doc)", {"select": select, "Doc": Doc})
            paths[index] = query.get_sql()
    assert paths == {index: f"SELECT DISTINCT JSON_EXTRACT(`d`.`data`, '$.\"arr\"{step}') FROM `doc` `d`"
                     for index, step in ((-1, "[last]"), (-2, "[last-1]"), (-3, "[last-2]"), (0, "[0]"), (2, "[2]"))}
