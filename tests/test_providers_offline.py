"""Providers that have no server here, checked against their documented behaviour offline.

Oracle runs through tests/fake_oracledb.py, a stand-in driver that checks each statement as Oracle
would before running it (one bound value per placeholder, an output variable for RETURNING INTO,
no condition where a value is wanted and no value where a condition is wanted, no RELEASE SAVEPOINT)
and records it. CockroachDB's DDL is checked in tests/test_schema_ddl.py. Neither provider has run
against a live server (docs/providers.md).
"""

from __future__ import annotations

import sys

import pytest

from pony.orm import Json, Optional, Required, db_session, select
from pony.orm.dbproviders.oracle.compiler import one_value_per_placeholder
from pony.orm.sql.compiler import CompiledSQL
from tests import fake_oracledb


@pytest.fixture
def oracle(monkeypatch):
    """A Database on the Oracle provider over the fake driver; ``oracle.statements()`` lists
    (sql, params) sent since the last call; ``oracle.answer(rows)`` sets the rows SELECTs return."""
    from pony.orm import Database

    monkeypatch.setitem(sys.modules, "oracledb", fake_oracledb)
    monkeypatch.setattr(fake_oracledb, "connections", [])
    db = Database()

    class Person(db.Entity):
        name = Required(str)
        nick = Optional(str)
        active = Required(bool)
        age = Optional(int)

    class Doc(db.Entity):
        data = Optional(Json)

    db.bind("oracle", user="scott", password="tiger", dsn="fake")
    db.generate_mapping(create_tables=True)

    def statements():
        sent = [(sql, params) for con in fake_oracledb.connections for sql, params in con.statements
                if sql not in ("COMMIT", "ROLLBACK")]
        for con in fake_oracledb.connections:
            con.statements.clear()
        return sent

    def answer(rows, columns=("X",)):
        for con in fake_oracledb.connections:
            con.answer = lambda sql, params: (rows, [(c,) for c in columns])

    db.statements, db.answer = statements, answer
    statements()
    yield db
    db.disconnect()


def only_sql(oracle):
    return [sql for sql, _ in oracle.statements()]


# --- INSERT ... RETURNING ... INTO -------------------------------------------------------------


def test_one_new_object_gets_the_key_returned_into_the_output_variable(oracle):
    with db_session:
        p = oracle.Person(name="a", active=True)
    assert p.id == 1
    (sql, params), = oracle.statements()
    assert sql == ('INSERT INTO "PERSON" ("NAME", "NICK", "ACTIVE", "AGE") VALUES (:1, :2, :3, :4) '
                   'RETURNING "ID" INTO :5')
    assert params[:4] == ["a", None, 1, None] and isinstance(params[4], fake_oracledb.Var)


def test_new_objects_flushed_together_get_their_keys_in_order(oracle):
    with db_session:
        people = [oracle.Person(name=f"n{i}", active=i % 2 == 0, age=i) for i in range(3)]
    assert [p.id for p in people] == [1, 2, 3]
    sent = oracle.statements()
    inserts = [(sql, params) for sql, params in sent if sql.startswith("INSERT")]
    assert [params[:4] for _, params in inserts] == [["n0", None, 1, 0], ["n1", None, 0, 1], ["n2", None, 1, 2]]
    assert all(isinstance(params[4], fake_oracledb.Var) for _, params in inserts)
    assert not any(sql.startswith("RELEASE SAVEPOINT") for sql, _ in sent)  # Oracle has none


# --- booleans: Oracle before 23ai has no boolean SQL type ---------------------------------------


def test_boolean_attribute_as_a_condition_compares_with_one(oracle):
    with db_session:
        select(p for p in oracle.Person if p.active)[:]
        select(p for p in oracle.Person if not p.active)[:]
        select(p for p in oracle.Person if p.active or p.age > 3)[:]
    where = [sql.split(" WHERE ", 1)[1] for sql in only_sql(oracle)]
    # `not p.active` also holds for NULL (an Optional bool), as in Python and Pony
    assert where == ['"p"."ACTIVE" = 1', '(NOT ("p"."ACTIVE" = 1)) OR ("p"."ACTIVE" IS NULL)',
                     '("p"."ACTIVE" = 1) OR ("p"."AGE" > 3)']


def test_comparison_in_the_select_list_becomes_a_number(oracle):
    oracle.answer([("a", 1), ("b", 0), ("c", None)], columns=("NAME", "X"))
    with db_session:
        rows = select((p.name, p.age > 3) for p in oracle.Person)[:]
    assert sorted(rows, key=repr) == [("a", True), ("b", False), ("c", None)]
    (sql,) = only_sql(oracle)
    assert sql == ('SELECT DISTINCT "p"."NAME", CASE WHEN "p"."AGE" > 3 THEN 1 WHEN NOT ("p"."AGE" > 3) THEN 0 END '
                   'FROM "PERSON" "p"')


def test_condition_compared_with_a_boolean(oracle):
    with db_session:
        select(p for p in oracle.Person if (p.age > 3) == True)[:]  # noqa: E712 - the comparison is the point
        select((p.name, p.active and p.age > 3) for p in oracle.Person)[:]
    first, second = only_sql(oracle)
    assert first.endswith('WHERE (CASE WHEN "p"."AGE" > 3 THEN 1 WHEN NOT ("p"."AGE" > 3) THEN 0 END) = 1')
    assert 'CASE WHEN ("p"."ACTIVE" = 1) AND ("p"."AGE" > 3) THEN 1' in second


def test_conditional_expression_and_boolean_attribute_in_select(oracle):
    with db_session:
        select(("big" if p.age > 3 else "small", p.active) for p in oracle.Person)[:]
    (sql,) = only_sql(oracle)
    assert sql.startswith("SELECT DISTINCT CASE WHEN \"p\".\"AGE\" > 3 THEN 'big' ELSE 'small' END, \"p\".\"ACTIVE\"")


# --- '' is NULL in Oracle ------------------------------------------------------------------------


def test_comparison_with_empty_string_constant_is_a_null_test(oracle):
    for query in (lambda: select(p for p in oracle.Person if p.nick == ""),
                  lambda: select(p for p in oracle.Person if p.nick != ""),
                  lambda: select(p for p in oracle.Person if "" != p.nick)):
        with db_session:
            query()[:]
    where = [sql.split(" WHERE ", 1)[1] for sql in only_sql(oracle)]
    assert where == ['"p"."NICK" IS NULL', '"p"."NICK" IS NOT NULL', '"p"."NICK" IS NOT NULL']


# --- placeholders: one value per occurrence ------------------------------------------------------


def test_operand_written_several_times_gets_a_value_per_placeholder(oracle):
    divisor = 5
    with db_session:
        select(p.age % divisor for p in oracle.Person)[:]
    (sql, params), = oracle.statements()
    assert sql == 'SELECT DISTINCT MOD(MOD("p"."AGE", :1) + :2, :3) FROM "PERSON" "p"'
    assert params == [5, 5, 5]


def test_renumbering_skips_literals_and_quoted_names_and_keeps_returning_last():
    compiled = CompiledSQL("""SELECT ':1', "a:2" FROM t WHERE x = :1 AND y = :2 OR z = :1""", ("k1", "k2"))
    renumbered = one_value_per_placeholder(compiled)
    assert renumbered.sql == """SELECT ':1', "a:2" FROM t WHERE x = :1 AND y = :2 OR z = :3"""
    assert renumbered.param_keys == ("k1", "k2", "k1")
    insert = one_value_per_placeholder(CompiledSQL('INSERT INTO t (a) VALUES (:1) RETURNING "ID" INTO :2', ("a",)))
    assert (insert.sql, insert.param_keys) == ('INSERT INTO t (a) VALUES (:1) RETURNING "ID" INTO :2', ("a",))


def test_the_fake_driver_refuses_what_oracle_refuses():
    cursor = fake_oracledb.connect().cursor()
    refused = [
        ('SELECT "A" FROM "T" WHERE "FLAG"', None, "ORA-00920"),
        ('SELECT "A" > 1 FROM "T"', None, "ORA-00923"),
        ("SELECT 1 FROM DUAL WHERE 1 = :1 AND 2 = :1", [1], "not :1..:n"),
        ("SELECT 1 FROM DUAL WHERE 1 = :1 AND 2 = :2", [1], "ORA-01008"),
        ("INSERT INTO T (A) VALUES (:1) RETURNING ID INTO :2", [1, None], "ORA-01008"),
        ("RELEASE SAVEPOINT p", None, "ORA-00900"),
    ]
    for sql, params, code in refused:
        with pytest.raises(fake_oracledb.DatabaseError, match=code):
            cursor.execute(sql, params)


def test_string_parameter_equal_to_empty_string_matches_null(oracle):
    # Oracle binds '' as NULL: the comparison must also hold where both are NULL.
    for wanted in ("", "x"):
        with db_session:
            select(p for p in oracle.Person if p.nick == wanted)[:]
            select(p for p in oracle.Person if p.nick != wanted)[:]
    sent = oracle.statements()
    assert [sql.split(" WHERE ", 1)[1] for sql, _ in sent[:2]] == [
        '("p"."NICK" = :1) OR (("p"."NICK" IS NULL) AND (:2 IS NULL))',
        '("p"."NICK" <> :1) OR ((:2 IS NULL) AND ("p"."NICK" IS NOT NULL))',
    ]
    assert [params for _, params in sent] == [["", ""], ["", ""], ["x", "x"], ["x", "x"]]


# --- Json paths: constants only, negative indexes counted back from "last" ---------------------


def test_negative_json_index_counts_back_from_last(oracle):
    # compiled from eval (no source text), so the decompiled -n stays a constant of the path
    with db_session:
        for index in (-1, -2, -3, 1):
            eval(f"select(d.id for d in Doc if d.data['arr'][{index}] == 7)[:]", {"select": select, "Doc": oracle.Doc})
    where = [sql.split(" WHERE ", 1)[1] for sql in only_sql(oracle)]
    assert where == [f"""(JSON_VALUE("d"."DATA", '$."arr"{step}' RETURNING BINARY_DOUBLE)) = 7"""
                     for step in ("[last]", "[last-1]", "[last-2]", "[1]")]


def test_negative_json_index_written_in_the_source_is_a_constant(oracle):
    with db_session:
        select(d.id for d in oracle.Doc if d.data["arr"][-2] == 7)[:]
    (sql,) = only_sql(oracle)
    assert sql.endswith("""'$."arr"[last-1]' RETURNING BINARY_DOUBLE)) = 7""")
