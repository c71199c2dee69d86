"""Edge cases of typed query values, on every backend: time parts, str compared with numbers,
bitwise operators, JSON documents merged with ``|`` and JSON paths compared with a constant on
the left, long ``in`` lists mixing number types, ``count`` of a correlated generator (distinct by
default) and a tuple ``in`` a subquery of tuples. Every result is checked against the rows inserted."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest

from pony.orm import Json, PrimaryKey, Required, Set, count, db_session, select
from pony.orm.errors import IncomparableTypesError

TIMES = {1: datetime.time(10, 20, 30), 2: datetime.time(11, 0, 5), 3: datetime.time(1, 2, 3)}
DOCS = {1: {"a": 1, "s": "x", "o": {"p": 2, "q": [1, {"x": 1}]}},
        2: {"a": 5, "s": "y", "o": {"p": 3}},
        3: {"a": 3, "s": "z", "o": {}}}
WANTED = {"q": [1, {"x": 1}], "p": 2}
EXTRA = {1: {"b": 2}, 2: {"a": 9}, 3: {}}
NAMES = {1: "ann", 2: "bob", 3: "cid"}
AMOUNTS = {1: [5, 5, 7], 2: [1], 3: []}


def define_entities(db):
    class Rec(db.Entity):
        id = PrimaryKey(int)
        n = Required(int)
        name = Required(str)
        t = Required(datetime.time)
        j = Required(Json)
        k = Required(Json)
        orders = Set("Order")

    class Order(db.Entity):
        rec = Required(Rec)
        amount = Required(int)


@pytest.fixture(scope="module")
def db(backend_module):
    db = backend_module.make_db(define_entities)
    with db_session:
        for i in (1, 2, 3):
            rec = db.Rec(id=i, n=i, name=NAMES[i], t=TIMES[i], j=DOCS[i], k=EXTRA[i])
            for amount in AMOUNTS[i]:
                db.Order(rec=rec, amount=amount)
    return db


@db_session
def test_time_attribute_parts(db):
    rows = select((r.id, r.t.hour, r.t.minute, r.t.second) for r in db.Rec)[:]
    assert sorted(rows) == sorted((i, t.hour, t.minute, t.second) for i, t in TIMES.items())


@db_session
def test_str_compared_with_a_float_is_refused(db):
    for query in (lambda: select(r.id for r in db.Rec if r.name == 1.5)[:],
                  lambda: select(r.id for r in db.Rec if r.name != 1.5)[:]):
        with pytest.raises(IncomparableTypesError) as info:
            query()
        op = "==" if "==" in str(info.value) else "!="
        assert str(info.value) == f"Incomparable types 'str' and 'float' in expression: r.name {op} 1.5"


@db_session
def test_str_ordered_against_an_int_is_refused(db):
    # equality of a str with an int is allowed (never true in Python); ordering them is not
    for op, query in (("<", lambda: select(r.id for r in db.Rec if r.name < 1)[:]),
                      (">=", lambda: select(r.id for r in db.Rec if 1 >= r.name)[:])):
        with pytest.raises(IncomparableTypesError) as info:
            query()
        src = "r.name < 1" if op == "<" else "1 >= r.name"
        assert str(info.value) == f"Incomparable types {'str' if op == '<' else 'int'!r} and " \
            f"{'int' if op == '<' else 'str'!r} in expression: {src}"


@db_session
def test_bitwise_and_of_numbers_is_refused(db):
    with pytest.raises(TypeError, match=re.escape("Operator '&' is not supported for these types in "
                                                  "expression r.n & 1")):
        select(r.id for r in db.Rec if r.n & 1)[:]


@db_session
def test_bitwise_and_of_json_documents_is_refused(db):
    with pytest.raises(TypeError, match=re.escape("Operator '&' is not supported for these types in "
                                                  "expression r.j & r.k")):
        select((r.id, r.j & r.k) for r in db.Rec)[:]


@db_session
def test_json_documents_merged_with_or(db, backend_module):
    query = select((r.id, r.j | r.k) for r in db.Rec)
    if backend_module.name == "mysql":  # as in Pony: MySQL has no operator merging two documents
        with pytest.raises(NotImplementedError, match=re.escape("Json concatenation (|) is not supported by MySQL")):
            query[:]
        return
    rows = query[:]
    assert sorted(rows) == [(i, {**DOCS[i], **EXTRA[i]}) for i in (1, 2, 3)]


@pytest.mark.parametrize("query, expected", [
    (lambda Rec: select(r.id for r in Rec if 2 < r.j["a"]), [2, 3]),
    (lambda Rec: select(r.id for r in Rec if 3 <= r.j["a"]), [2, 3]),
    (lambda Rec: select(r.id for r in Rec if 4 > r.j["a"]), [1, 3]),
    (lambda Rec: select(r.id for r in Rec if 3 >= r.j["a"]), [1, 3]),
    (lambda Rec: select(r.id for r in Rec if 3 == r.j["a"]), [3]),
    (lambda Rec: select(r.id for r in Rec if 3 != r.j["a"]), [1, 2]),
    (lambda Rec: select(r.id for r in Rec if "x" == r.j["s"]), [1]),
    (lambda Rec: select(r.id for r in Rec if "y" < r.j["s"]), [3]),
    (lambda Rec: select(r.id for r in Rec if r.n < r.j["a"]), [2]),
    (lambda Rec: select(r.id for r in Rec if r.n >= r.j["a"]), [1, 3]),
    (lambda Rec: select(r.id for r in Rec if Json(3) == r.j["a"]), [3]),
    (lambda Rec: select(r.id for r in Rec if Json("x") == r.j["s"]), [1]),
    (lambda Rec: select(r.id for r in Rec if WANTED == r.j["o"]), [1]),
    (lambda Rec: select(r.id for r in Rec if WANTED != r.j["o"]), [2, 3]),
], ids=["lt", "le", "gt", "ge", "eq", "ne", "str-eq", "str-lt", "column-lt", "column-ge",
        "json-number", "json-str", "document-eq", "document-ne"])
@db_session
def test_json_path_compared_with_a_value_on_the_left(db, query, expected):
    assert sorted(query(db.Rec)[:]) == expected


LONG = [True, 2, 3.0, Decimal("4")] + list(range(100, 120))


@db_session
def test_long_in_list_mixing_bool_int_float_and_decimal(db):
    assert sorted(select(r.id for r in db.Rec if r.n in LONG)[:]) == [1, 2, 3]
    assert sorted(select(r.id for r in db.Rec if r.n + 1 in LONG)[:]) == [1, 2, 3]
    assert sorted(select(r.id for r in db.Rec if r.n * 50 in LONG)[:]) == [2]
    assert select(r.id for r in db.Rec if r.n not in LONG)[:] == []


@db_session
def test_long_in_list_is_one_parameter_in_the_sql(db, backend_module):
    ids = list(range(100, 120))
    query = select(r.id for r in db.Rec if r.n in ids)
    assert query[:] == []
    where = {
        "sqlite": 'WHERE "r"."n" IN (SELECT value FROM json_each(?))',
        "postgres": 'WHERE "r"."n" = ANY(%s)',
        "mysql": "WHERE `r`.`n` IN %s",
    }[backend_module.name]
    assert where in query.get_sql()


@db_session
def test_count_of_a_correlated_generator_is_distinct_by_default(db):
    rows = select((r.id, count(o.amount for o in db.Order if o.rec == r)) for r in db.Rec)[:]
    assert sorted(rows) == [(i, len(set(a))) for i, a in AMOUNTS.items()]
    rows = select((r.id, count((o.amount for o in db.Order if o.rec == r), distinct=False)) for r in db.Rec)[:]
    assert sorted(rows) == [(i, len(a)) for i, a in AMOUNTS.items()]


@db_session
def test_tuple_in_a_subquery_of_tuples(db):
    rows = select(r.id for r in db.Rec if (r.n, r.name) in select((x.n, x.name) for x in db.Rec if x.id != 2))[:]
    assert sorted(rows) == [1, 3]
    rows = select(r.id for r in db.Rec if (r.id, 5) in select((o.rec.id, o.amount) for o in db.Order))[:]
    assert rows == [1]


@db_session
def test_tuple_in_a_subquery_of_longer_tuples_is_refused(db):
    with pytest.raises(TypeError, match=re.escape("A tuple of 2 items cannot be found in "
                                                  "((x.n, x.name, x.id) for x in db.Rec)")):
        select(r.id for r in db.Rec if (r.n, r.name) in select((x.n, x.name, x.id) for x in db.Rec))[:]


@db_session
def test_tuple_less_or_equal_includes_the_equal_row(db):
    # rows (n, name): (1, "ann"), (2, "bob"), (3, "cid"); (2, "bob") itself is <= (2, "bob")
    assert sorted(select(r.id for r in db.Rec if (r.n, r.name) <= (2, "bob"))) == [1, 2]
    assert sorted(select(r.id for r in db.Rec if (r.n, r.name) < (2, "bob"))) == [1]
    assert sorted(select(r.id for r in db.Rec if (r.n, r.name) >= (2, "bob"))) == [2, 3]


@db_session
def test_a_negative_number_written_in_the_query_is_an_sql_literal(db):
    query = select(r.id for r in db.Rec if r.n > -2 and r.n - -2 >= 4 and r.n * -1.5 > -4.0)
    sql = query.get_sql()
    assert "> -2" in sql and "- -2" in sql and "* -1.5" in sql and "-4.0" in sql
    assert sorted(query[:]) == [2]  # n=2: 4 >= 4 and -3.0 > -4.0; n=3: -4.5 is not > -4.0


@db_session
def test_minus_a_negative_literal_is_not_an_sql_comment(db):
    from pony.orm.sql import ast

    compiler = db.provider.compiler
    assert compiler.compile(ast.Neg(ast.Value(-1))).sql == "-(-1)"
    assert sorted(select(r.id for r in db.Rec if -(r.n - 3) >= 1)[:]) == [1, 2]
