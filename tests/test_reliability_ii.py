"""Regressions from the "Reliability II" attack run: query names read from the wrong function,
JSON keys walking into nested data, backslashes under NO_BACKSLASH_ESCAPES, Decimal rounding."""
# Names read only through query text or `$name` look unused to ruff.
# ruff: noqa: F841, F405, F403

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

import pytest

from pony.orm import *

# --- 1. names in query text come from the function that wrote the query ---------------------------

gx = "carol"  # a module global: text in this module reads it when the writing function has no local gx


def _define_people(db):
    class Person(db.Entity):
        _table_ = "rel_person"
        id = PrimaryKey(int)
        name = Required(str)

    return Person


@pytest.fixture(scope="module")
def people(backend_module):
    db = backend_module.make_db(_define_people)
    with db_session:
        for i, name in enumerate(("alice", "bob", "carol"), 1):
            db.Person(id=i, name=name)
    return db


def _names(objects):
    return sorted(p.name for p in objects)


# Each case is a function binding x = "alice" (or reading the module global gx = "carol") that
# returns what its query found. The callers below bind x and gx to other values (and add
# db_session's wrapper frames): a query reading the caller's names finds Bob instead.
CASES: dict = {}


def case(expected):
    def register(func):
        CASES[func.__name__.removeprefix("case_")] = (func, expected)
        return func

    return register


ALICE = ["alice"]


@case(ALICE)
def case_query_filter_text(db):
    x = "alice"
    return _names(select(p for p in db.Person).filter("p.name == x"))


@case(ALICE)
def case_query_where_text(db):
    x = "alice"
    return _names(select(p for p in db.Person).where("p.name == x"))


@case("alice")
def case_query_order_by_text(db):
    x = "alice"
    return select(p for p in db.Person).order_by("p.name != x").first().name


@case("alice")
def case_query_sort_by_text(db):
    x = "alice"
    return select(p for p in db.Person).sort_by("p.name != x").first().name


@case(ALICE)
def case_chained_text_filters(db):
    x = "alice"
    return _names(select(p for p in db.Person).filter("p.id > 0").filter("p.name == x").where("p.id < 10"))


@case("alice")
def case_first_after_text_filter(db):
    x = "alice"
    return select(p for p in db.Person).filter("p.name == x").first().name


@case(True)
def case_exists_after_text_filter(db):
    x = "alice"
    return select(p for p in db.Person).filter("p.name == x and p.id == 1").exists()


@case(ALICE)
def case_entity_select_text(db):
    x = "alice"
    return _names(db.Person.select("p.name == x"))


@case(ALICE)
def case_entity_select_then_filter_text(db):
    x = "alice"
    return _names(db.Person.select().filter("p.name == x"))


@case("alice")
def case_entity_get_text(db):
    x = "alice"
    return db.Person.get("p.name == x").name


@case(True)
def case_entity_exists_text(db):
    x = "alice"
    return db.Person.exists("p.name == x and p.id == 1")


@case(ALICE)
def case_select_text(db):
    x = "alice"
    Person = db.Person
    return _names(select("p for p in Person if p.name == x"))


@case(ALICE)
def case_left_join_text(db):
    x = "alice"
    Person = db.Person
    return _names(left_join("p for p in Person if p.name == x"))


@case("alice")
def case_get_text(db):
    x = "alice"
    Person = db.Person
    return get("p for p in Person if p.name == x").name


@case(True)
def case_exists_text(db):
    x = "alice"
    Person = db.Person
    return exists("p for p in Person if p.name == x and p.id == 1")


@case(1)
def case_count_text(db):
    x = "alice"
    Person = db.Person
    return count("p for p in Person if p.name == x and p.id == 1")


@case(["carol"])
def case_global_in_text(db):
    return _names(db.Person.select("p.name == gx"))


@case(ALICE)
def case_select_by_sql(db):
    x = "alice"
    return _names(db.Person.select_by_sql("SELECT * FROM rel_person WHERE name = $x"))


@case("alice")
def case_get_by_sql(db):
    x = "alice"
    return db.Person.get_by_sql("SELECT * FROM rel_person WHERE name = $x").name


@case(ALICE)
def case_db_select(db):
    x = "alice"
    return db.select("name FROM rel_person WHERE name = $x")


@case("alice")
def case_db_get(db):
    x = "alice"
    return db.get("name FROM rel_person WHERE name = $x")


@case(True)
def case_db_exists(db):
    x = "alice"
    return db.exists("* FROM rel_person WHERE name = $x AND id = 1")


@case("alice")
def case_db_execute(db):
    x = "alice"
    return db.execute("SELECT name FROM rel_person WHERE name = $x").fetchall()[0][0]


@case(ALICE)
def case_raw_sql_in_entity_select_lambda(db):
    x = "alice"
    return _names(db.Person.select(lambda p: raw_sql("p.name = $x")))


@case(ALICE)
def case_raw_sql_in_filter_lambda(db):
    x = "alice"
    return _names(db.Person.select().filter(lambda p: raw_sql("p.name = $x")))


@case("alice")
def case_raw_sql_in_order_by_lambda(db):
    x = "alice"
    return db.Person.select().order_by(lambda p: raw_sql("CASE WHEN p.name = $x THEN 0 ELSE 1 END")).first().name


@case(ALICE)
def case_raw_sql_in_generator(db):
    x = "alice"
    return _names(select(p for p in db.Person if raw_sql("p.name = $x")))


@case("alice")
def case_raw_sql_in_entity_get_lambda(db):
    x = "alice"
    return db.Person.get(lambda p: raw_sql("p.name = $x")).name


@case(True)
def case_raw_sql_in_entity_exists_lambda(db):
    x = "alice"
    return db.Person.exists(lambda p: raw_sql("p.name = $x AND p.id = 1"))


@case(ALICE)
def case_raw_sql_value_in_filter(db):
    x = "alice"
    return _names(db.Person.select().filter(raw_sql("name = $x")))


@case(["carol"])
def case_global_in_raw_sql(db):
    return _names(db.Person.select(lambda p: raw_sql("p.name = $gx")))


@case(["carol"])
def case_explicit_globals_win(db):
    Person = db.Person
    return _names(select("p for p in Person if p.name == y", globals={"Person": Person, "y": "carol"}))


def _run_with_other_names(db, func):
    """The caller binds x and gx to other values and adds db_session's wrapper frames."""
    x = "bob"
    gx = "bob"
    return db_session(func)(db)


@pytest.mark.parametrize("name", list(CASES))
def test_query_names_come_from_the_writing_function(people, name):
    func, expected = CASES[name]
    assert _run_with_other_names(people, func) == expected


@pytest.mark.parametrize("name", ["query_filter_text", "select_text", "db_select", "raw_sql_in_filter_lambda"])
def test_caller_without_the_name_does_not_matter(people, name):
    func, expected = CASES[name]

    def caller():  # no x here: the query must not look for one
        with db_session:
            return func(people)

    assert caller() == expected


def _lambda_written_elsewhere(db):
    x = "alice"
    return db.Person.select(lambda p: raw_sql("p.name = $x"))


def test_raw_sql_reads_the_function_that_wrote_the_query(people):
    def helper_running_a_query(query):  # a helper of the user's between the writer and select()
        x = "bob"
        return _names(select(query) if not hasattr(query, "filter") else query)

    def writer():
        x = "alice"
        return helper_running_a_query(p for p in people.Person if raw_sql("p.name = $x"))

    with db_session:
        assert writer() == ALICE
        assert _names(_lambda_written_elsewhere(people)) == ALICE


def test_example_programs_count_as_user_code():
    import os

    import pony
    from pony.orm import callers

    root = os.path.dirname(pony.__file__)
    assert callers.is_internal(os.path.join(root, "orm", "query", "api.py"))
    assert callers.is_internal(os.path.join(root, "flask", "__init__.py"))
    assert not callers.is_internal(os.path.join(root, "orm", "examples", "estore.py"))
    assert not callers.is_internal(os.path.join(root, "flask", "example", "app.py"))
    assert not callers.is_internal(__file__)
    assert not callers.is_internal("<string>")


# --- 2. a Json key from a variable addresses exactly one member ------------------------------------

ODD_KEYS = ['q"k', "b\\s", "x\\\"y", "a.b", "$", "*", "[0]", "sp ace", "ünï €", 'secret"."pw', "1", '"', "\\"]
DOC = {**{key: f"v{i}" for i, key in enumerate(ODD_KEYS)}, "lst": [10, 20, 30], "nest": {"a.b": "deep"}}
NESTED_ONLY = {"secret": {"pw": "hidden"}, "q": {"k": "inner"}}


def _define_docs(db):
    class Doc(db.Entity):
        _table_ = "rel_doc"
        id = PrimaryKey(int)
        data = Required(Json)


@pytest.fixture(scope="module")
def docs(backend_module):
    db = backend_module.make_db(_define_docs)
    with db_session:
        db.Doc(id=1, data=DOC)
        db.Doc(id=2, data=NESTED_ONLY)
    return db


@pytest.mark.parametrize("key", ODD_KEYS)
def test_json_key_from_variable_names_one_member(docs, key):
    Doc = docs.Doc
    with db_session:
        assert select((d.id, d.data[key]) for d in Doc).order_by(1)[:] == [(1, DOC[key]), (2, None)]
        assert select(d.id for d in Doc if d.data[key] == DOC[key])[:] == [1]
        assert select(d.id for d in Doc if key in d.data)[:] == [1]


@pytest.mark.parametrize("key", ODD_KEYS)
def test_json_key_written_in_the_query_names_one_member(docs, key):
    Doc = docs.Doc
    with db_session:
        assert select(f"(d.id, d.data[{key!r}]) for d in Doc").order_by(1)[:] == [(1, DOC[key]), (2, None)]
        assert select(f"d.id for d in Doc if d.data[{key!r}] == {DOC[key]!r}")[:] == [1]


@pytest.mark.parametrize("key", ['secret"."pw', 'q"."k', 'secret"]["pw', "secret.pw", 'q"k'])
def test_json_key_cannot_walk_into_nested_members(docs, key):
    Doc = docs.Doc
    with db_session:
        assert select(d.data[key] for d in Doc if d.id == 2)[:] == [None]
        assert select(d.id for d in Doc if d.data[key] == "hidden" or d.data[key] == "inner")[:] == []
        assert select(d.id for d in Doc if d.id == 2 and key in d.data)[:] == []


def test_json_variable_steps_mixed_with_constant_steps(docs):
    Doc = docs.Doc
    key = "a.b"
    with db_session:
        assert select(d.data["nest"][key] for d in Doc if d.id == 1)[:] == ["deep"]
        assert select(d.data[key] for d in Doc if d.id == 1)[:] == [DOC["a.b"]]


@pytest.mark.parametrize("index", [0, 2, -1, -3, 5])
def test_json_int_index_from_variable_stays_an_index(docs, index):
    Doc = docs.Doc
    expected = DOC["lst"][index] if -3 <= index < 3 else None
    with db_session:
        assert select(d.data["lst"][index] for d in Doc if d.id == 1)[:] == [expected]
        assert select(d.id for d in Doc if d.data["lst"][index] == 20)[:] == ([1] if expected == 20 else [])


# --- 4. string constants with backslashes under NO_BACKSLASH_ESCAPES --------------------------------

TEXTS = ["C:\\dir\\file", "a\\b", "a\\\\b", "ab", "\\start", "end\\", "\\", "50%\\_x", "it's\\"]


def _define_texts(no_backslash_escapes):
    def define(db):
        if no_backslash_escapes:
            @db.on_connect(provider="mysql")
            def no_backslash_escapes_mode(db, connection):
                connection.cursor().execute("SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES')")

        class Text(db.Entity):
            _table_ = "rel_text"
            id = PrimaryKey(int)
            text = Required(str)
            data = Optional(Json)

    return define


def _backslash_queries(db):
    """The same queries (same code objects, so one translation) for every database."""
    Text = db.Text
    prefix, key = "C:\\", "k\\ey"
    return {
        "startswith variable": select(t.id for t in Text if t.text.startswith(prefix))[:],
        "json path variable": select(t.data[key] for t in Text if t.id == 1)[:],
        "equal": select(t.id for t in Text if t.text == "a\\b")[:],
        "equal two": select(t.id for t in Text if t.text == "a\\\\b")[:],
        "in": select(t.id for t in Text if t.text in ("\\", "end\\"))[:],
        "startswith": select(t.id for t in Text if t.text.startswith("C:\\"))[:],
        "startswith backslash": select(t.id for t in Text if t.text.startswith("\\"))[:],
        "endswith": select(t.id for t in Text if t.text.endswith("\\"))[:],
        "contains": select(t.id for t in Text if "\\dir\\" in t.text)[:],
        "like specials": select(t.id for t in Text if t.text.startswith("50%\\_"))[:],
        "quote and backslash": select(t.id for t in Text if t.text == "it's\\")[:],
        "select list": select((t.id, "x\\y") for t in Text if t.id == 1)[:],
        "concat": select(t.text + "\\" for t in Text if t.id == 4)[:],
        "text query": select("t.id for t in Text if t.text == 'a\\\\b'")[:],
        "json path": select(t.data["k\\ey"] for t in Text if t.id == 1)[:],
        "json where": select(t.id for t in Text if t.data["k\\ey"] == "C:\\dir\\file")[:],
        "group_concat": group_concat((t.text for t in Text if t.id in (3, 4)), sep="\\"),
    }


def _expected_backslash_results():
    ids = {i: text for i, text in enumerate(TEXTS, 1)}

    def where(cond):
        return sorted(i for i, text in ids.items() if cond(text))

    return {
        "equal": where(lambda s: s == "a\\b"), "equal two": where(lambda s: s == "a\\\\b"),
        "in": where(lambda s: s in ("\\", "end\\")), "startswith": where(lambda s: s.startswith("C:\\")),
        "startswith backslash": where(lambda s: s.startswith("\\")), "endswith": where(lambda s: s.endswith("\\")),
        "contains": where(lambda s: "\\dir\\" in s), "like specials": where(lambda s: s.startswith("50%\\_")),
        "quote and backslash": where(lambda s: s == "it's\\"), "select list": [(1, "x\\y")],
        "concat": [ids[4] + "\\"], "text query": where(lambda s: s == "a\\b"),
        "json path": [ids[1]], "json where": [1], "json path variable": [ids[1]],
        "startswith variable": where(lambda s: s.startswith("C:\\")), "group_concat": "\\".join(sorted([ids[3], ids[4]])),
    }


def test_backslash_constants_with_and_without_no_backslash_escapes(backend):
    if backend.name != "mysql":
        pytest.skip("NO_BACKSLASH_ESCAPES is a MySQL/MariaDB sql_mode; other databases have no such mode")
    plain = backend.make_db(_define_texts(False))
    strict = backend.make_db(_define_texts(True), create_tables=False)
    with db_session:
        for i, text in enumerate(TEXTS, 1):
            plain.Text(id=i, text=text, data={"k\\ey": text})
    expected = _expected_backslash_results()
    for db, has_mode in ((plain, False), (strict, True), (plain, False)):
        with db_session:
            assert ("NO_BACKSLASH_ESCAPES" in db.get("@@sql_mode")) == has_mode
            results = _backslash_queries(db)
        for name, value in results.items():
            got = sorted(value) if isinstance(value, list) and name not in ("select list", "concat") else value
            assert (name, got) == (name, expected[name])


def test_backslash_values_written_through_the_no_backslash_escapes_connection(backend):
    if backend.name != "mysql":
        pytest.skip("NO_BACKSLASH_ESCAPES is a MySQL/MariaDB sql_mode; other databases have no such mode")
    plain = backend.make_db(_define_texts(False))
    strict = backend.make_db(_define_texts(True), create_tables=False)
    with db_session:
        strict.Text(id=1, text="a\\b", data={"k\\ey": "v\\"})
        strict.Text(id=2, text="ab", data=["\\"])
    with db_session:
        assert [(t.id, t.text, t.data) for t in plain.Text.select().order_by(1)] == [
            (1, "a\\b", {"k\\ey": "v\\"}), (2, "ab", ["\\"])]
        assert select(t.id for t in strict.Text if t.text == "a\\b")[:] == [1]


# --- 5. Decimal values are rounded the same way on every database ------------------------------------

CENT = Decimal("0.01")
AMOUNTS = ["1.005", "2.675", "-1.005", "1.015", "0.125", "-0.005", "9999999999.994", "1E-9", "7"]


def _half_up(text):
    return Decimal(text).quantize(CENT, rounding=ROUND_HALF_UP)


def _define_accounts(db):
    class Account(db.Entity):
        _table_ = "rel_account"
        id = PrimaryKey(int)
        amount = Required(Decimal, 12, 2)
        note = Optional(str)


@pytest.fixture
def accounts(backend):
    return backend.make_db(_define_accounts)


def _stored(db):
    """What the database holds, read with raw SQL (not through the objects of a session)."""
    with db_session:
        return [Decimal(str(v)).quantize(Decimal("0.0001")) for v in db.select("amount FROM rel_account ORDER BY id")]


def test_decimal_is_rounded_half_up_before_it_is_stored(accounts):
    expected = [_half_up(text) for text in AMOUNTS]
    with db_session:
        created = [accounts.Account(id=i, amount=Decimal(text)) for i, text in enumerate(AMOUNTS, 1)]
        assert [a.amount for a in created] == expected  # the object holds what is stored
    assert _stored(accounts) == expected
    with db_session:
        assert [a.amount for a in accounts.Account.select().order_by(1)] == expected


def test_decimal_rounding_through_set_insert_many_and_batched_flush(accounts):
    Account = accounts.Account
    with db_session:
        Account.insert_many([{"id": i, "amount": Decimal(text)} for i, text in enumerate(AMOUNTS, 1)])
    assert _stored(accounts) == [_half_up(text) for text in AMOUNTS]
    new = ["3.335", "-3.335", "0.005"]
    with db_session:
        for i, text in enumerate(new, 1):
            Account[i].set(amount=Decimal(text))  # updates of one shape: flush may batch them
        Account[4].amount = 4.445  # a float is taken as its repr, then rounded
        for i in range(10, 13):
            Account(id=i, amount=Decimal("5.555"))  # inserts of one shape: flush may batch them
    stored = _stored(accounts)
    assert stored[:4] == [_half_up(text) for text in new] + [_half_up("4.445")]
    assert stored[-3:] == [_half_up("5.555")] * 3
    with db_session:  # the value read back matches what the optimistic check compares with
        Account[1].note = "checked"
        Account[1].amount = Decimal("1")
    assert _stored(accounts)[0] == Decimal("1")


def test_decimal_query_parameters_are_not_rounded(accounts):
    Account = accounts.Account
    with db_session:
        Account(id=1, amount=Decimal("1.01"))
        Account(id=2, amount=Decimal("1.00"))
    limit = Decimal("1.005")
    with db_session:
        assert select(a.id for a in Account if a.amount > limit)[:] == [1]
        assert select(a.id for a in Account if a.amount < limit)[:] == [2]


@pytest.mark.parametrize("text", ["10000000000", "12345678901.5", "9999999999.995", "-9999999999.995", "1E+30"])
def test_decimal_with_too_many_integer_digits_is_refused(accounts, text):
    Account = accounts.Account
    message = f"Value {Decimal(text)} of attr Account.amount is out of range for DECIMAL(12, 2)"
    with db_session:
        Account(id=1, amount=Decimal("1"))
    with pytest.raises(ValueError, match=re.escape(message)):
        with db_session:
            Account(id=2, amount=Decimal(text))
    with pytest.raises(ValueError, match=re.escape(message)):
        with db_session:
            Account[1].set(amount=Decimal(text))
    with pytest.raises(ValueError, match=re.escape(message)):
        with db_session:
            Account.insert_many([{"id": 3, "amount": Decimal("2")}, {"id": 4, "amount": Decimal(text)}])
    assert _stored(accounts) == [Decimal("1")]
