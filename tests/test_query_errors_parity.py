"""The exception classes and messages of wrong queries (issue "Queries parity", items 20-24).

tests/parity/programs/errors_*.py compare the exception classes with Pony 0.7.20; these tests pin the
messages, the classes a user catches (``except NotImplementedError`` ...) and the cases where this
project deliberately refuses what Pony lets through.
"""

from __future__ import annotations

import datetime
import os.path
import re

import pytest

from pony.orm import (
    Database,
    ExprEvalError,
    Optional,
    PrimaryKey,
    Required,
    Set,
    TranslationError,
    avg,
    buffer,
    concat,
    db_session,
    group_concat,
    select,
)


def define(db):
    class Person(db.Entity):
        id = PrimaryKey(int)
        name = Required(str)
        age = Required(int)
        born = Required(datetime.date)
        photo = Optional(bytes)
        pets = Set("Pet")

    class Pet(db.Entity):
        id = PrimaryKey(int)
        name = Required(str)
        owner = Optional(Person)


@pytest.fixture(scope="module")
def db(backend_module):
    db = backend_module.make_db(define)
    with db_session:
        ann = db.Person(id=1, name="Ann", age=30, born=datetime.date(1990, 1, 2), photo=b"ab")
        bob = db.Person(id=2, name="Bob", age=40, born=datetime.date(1980, 3, 4))
        db.Pet(id=1, name="Rex", owner=ann)
        db.Pet(id=2, name="Tom", owner=bob)
        db.Pet(id=3, name="Kit", owner=ann)
    return db


class Box:
    def __init__(self, value):
        self.value = value


def raised(query_function):
    """The exception a query raises, at select() or at iteration."""
    with db_session:
        with pytest.raises(Exception) as info:
            list(query_function())
    return info.value


# --- 20. aggregates of objects --------------------------------------------------------------------

def test_aggregates_of_objects_are_type_errors_naming_the_call(db):
    Person = db.Person
    exc = raised(lambda: select(sum(p.pets) for p in Person))
    assert isinstance(exc, TypeError)
    assert str(exc) == "Function sum() expects query or items of numeric type, got 'Pet' in sum(p.pets)"
    exc = raised(lambda: select(max(pet for pet in p.pets) for p in Person))
    assert isinstance(exc, TypeError)
    assert str(exc) == ("Function max() expects query or items of comparable type, got 'Pet' "
                        "in max(pet for pet in p.pets)")
    exc = raised(lambda: select(avg(p) for p in Person))
    assert type(exc) is TypeError
    assert str(exc) == "Function 'AVG' cannot be applied to type 'Person' in avg(p)"


def test_group_concat_of_objects_joins_their_primary_keys(db):
    with db_session:
        rows = select((p.id, group_concat(p.pets, sep="|")) for p in db.Person)
        assert sorted((pid, sorted(text.split("|"))) for pid, text in rows) == [(1, ["1", "3"]), (2, ["2"])]
        assert select(p for p in db.Person if p.id == 2).group_concat() == "2"


def test_concat_of_a_collection_is_a_translation_error(db):
    exc = raised(lambda: select(concat(p.name, p.pets) for p in db.Person))
    assert type(exc) is TranslationError
    assert str(exc) == "Invalid argument of concat() function: p.pets"


# --- 21. unknown names, wrongly typed constants -----------------------------------------------------

def test_unknown_name_is_expr_eval_error_and_name_error(db):
    exc = raised(lambda: select(p for p in db.Person if p.age > no_such_name))  # noqa: F821
    assert isinstance(exc, ExprEvalError)
    assert isinstance(exc, NameError)  # code that caught NameError keeps working
    assert str(exc) == "`no_such_name` raises NameError: name 'no_such_name' is not defined"
    assert isinstance(exc.cause, NameError)


def test_date_arguments_of_the_wrong_type_are_named(db):
    exc = raised(lambda: select(p for p in db.Person if p.born > datetime.date("2000", 1, 1)))
    assert type(exc) is TypeError
    assert str(exc) == "'year' argument of date(year, month, day) function must be of 'int' type. Got: 'str'"
    exc = raised(lambda: select(p for p in db.Person if p.born > datetime.datetime(2000, 1, None)))
    assert str(exc) == "'day' argument of datetime(...) function must be of 'int' type. Got: 'NoneType'"
    exc = raised(lambda: select(p for p in db.Person if p.born > datetime.date(2000, 2, 31)))
    assert isinstance(exc, ValueError) and "day is out of range for month" in str(exc)


def test_buffer_of_an_int_is_refused(db):
    exc = raised(lambda: select(p for p in db.Person if p.photo == buffer(5)))
    assert type(exc) is TypeError
    assert str(exc).startswith("`buffer(5)`: an int argument of buffer()/bytes() would give 5 zero bytes")
    with db_session:
        assert select(p.id for p in db.Person if p.photo == buffer(b"ab"))[:] == [1]


def test_date_with_a_column_argument_is_not_implemented(db):
    exc = raised(lambda: select(p for p in db.Person if p.born > datetime.date(p.age, 1, 1)))
    assert isinstance(exc, NotImplementedError) and isinstance(exc, TranslationError)
    assert "datetime.date(p.age, 1, 1)" in str(exc)


# --- 22. refused queries ----------------------------------------------------------------------------

def test_entities_of_two_databases_in_one_query(db):
    other = Database()

    class Stranger(other.Entity):
        name = Required(str)

    other.bind("sqlite", ":memory:")
    other.generate_mapping(create_tables=True)
    exc = raised(lambda: select((p, s) for p in db.Person for s in Stranger))
    assert type(exc) is TranslationError
    assert str(exc) == "All entities in a query must belong to the same database"


def test_outside_variable_as_the_result(db):
    k = 5
    exc = raised(lambda: select(k for p in db.Person))
    assert str(exc) == "External parameter 'k' cannot be used as query result"
    with db_session:  # in a tuple, outside values are columns, as in Pony
        assert select((k, p.id) for p in db.Person).order_by(2)[:] == [(5, 1), (5, 2)]
        assert select((k, k) for p in db.Person)[:] == [(5, 5)]


def test_tuple_parameter_with_none(db):
    names = ("Ann", None)
    exc = raised(lambda: select(p for p in db.Person if p.name not in names))
    assert type(exc) is TypeError
    assert str(exc) == "Expression `names` should not contain None values"
    with db_session:  # a tuple written in the query may hold None, as in Pony
        assert select(p.id for p in db.Person if p.name in ("Ann", None))[:] == [1]


# --- 23. classes Pony users catch -------------------------------------------------------------------

@pytest.mark.parametrize(("query", "cls", "message"), [
    (lambda P: select(p.name[::2] for p in P), TypeError, "Step is not supported in p.name[::2]"),
    (lambda P: select(p for p in P if p.name.no_such()), AttributeError,
     "'str' object has no attribute 'no_such': p.name.no_such"),
    (lambda P: select(p.born.hour for p in P), AttributeError, "'date' object has no attribute 'hour': p.born.hour"),
    (lambda P: select(p for p in P if p.no_such()), AttributeError,
     "Entity Person does not have attribute no_such: p.no_such"),
    (lambda P: select(p.pets.no_such for p in P), AttributeError,
     "Entity Pet does not have attribute no_such: p.pets.no_such"),
    (lambda P: select(p for p in P if p.pets.name.upper() == "A"), AttributeError,
     "Method upper() is not supported for collections in a query: p.pets.name"),
    (lambda P: select(c for p in P for c in p.name), NotImplementedError, "for c in p.name"),
    (lambda P: select(p for p in P if (lambda: p.age)() > 1), NotImplementedError,
     "A lambda cannot be called inside a query: (lambda: p.age)()"),
    (lambda P: select(len(p.age) for p in P), TypeError, "len() is not supported for this expression: p.age"),
    (lambda P: select(p for p in P if 5 in p.age), TypeError,
     "Operator 'in' is not supported for this expression: p.age"),
    (lambda P: select(p.age[0] for p in P), TypeError, "Subscript is not supported for this expression: p.age"),
    (lambda P: select(p for p in P if p.name.startswith(prefix="A")), TypeError,
     "startswith() got an unexpected keyword argument 'prefix': p.name"),
    (lambda P: select(p for p in P if isinstance(p.age, int)), ValueError,
     "Inside a query, isinstance first argument should be of entity type. Got: p.age"),
])
def test_unsupported_constructs_raise_pony_classes(db, query, cls, message):
    exc = raised(lambda: query(db.Person))
    assert isinstance(exc, cls)
    assert isinstance(exc, TranslationError)
    assert str(exc) == message


def test_unknown_keyword_of_filter_is_attribute_error(db):
    exc = raised(lambda: select(p for p in db.Person).filter(no_such=1))
    assert isinstance(exc, AttributeError)
    assert str(exc) == "Entity Person does not have attribute no_such"


def test_text_filter_and_order_by_read_the_callers_variables(db):
    def run():
        low = 35  # noqa: F841 - read by the text of filter()
        return [p.id for p in select(p for p in db.Person).filter("p.age > low")]

    with db_session:
        low = 0  # noqa: F841 - the caller's caller must not be read
        assert run() == [2]
        with pytest.raises(ExprEvalError, match="^`age` raises NameError: name 'age' is not defined$"):
            select(p for p in db.Person).order_by("age")[:]  # text is an expression, as in Pony


# --- 24. messages -----------------------------------------------------------------------------------

def test_closure_of_an_unsupported_type_names_the_expression(db):
    box = Box(1)
    for query in (lambda: select(p for p in db.Person if p.age == box),
                  lambda: select((p, box) for p in db.Person),
                  lambda: select(p for p in db.Person if box in p.pets)):
        exc = raised(query)
        assert type(exc) is TypeError
        assert str(exc) == "Expression `box` has unsupported type 'Box'"
    with db_session:
        assert select(p.id for p in db.Person if p.age == box.value * 30)[:] == [1]


def test_library_functions_are_named_as_the_user_wrote_them(db):
    exc = raised(lambda: select(p for p in db.Person if re.match("A", p.name)))
    assert isinstance(exc, TranslationError)
    assert "re.match(" in str(exc) and "_compile" not in str(exc)
    assert str(exc).startswith("re.match(...) is too complex to be translated inside a query")
    exc = raised(lambda: select(p for p in db.Person if os.path.exists(p.name)))
    assert isinstance(exc, TranslationError)  # was translated as `True` before (a decompiled try/except)
    assert str(exc).startswith("os.path.exists(...) is too complex")


def test_builtin_functions_are_type_errors(db):
    import math
    exc = raised(lambda: select(math.sqrt(p.age) for p in db.Person))
    assert isinstance(exc, TypeError) and isinstance(exc, TranslationError)
    assert str(exc) == "Function math.sqrt() cannot be used in a query: math.sqrt(p.age)"


# --- deliberate differences: Pony fails with a bare AssertionError or sends the value to the database -----

@pytest.mark.parametrize(("call", "cls", "message"), [
    (lambda q: q.limit(1.5), TypeError, "Parameter 'limit' of limit() must be an int. Got: 1.5"),
    (lambda q: q.limit("2"), TypeError, "Parameter 'limit' of limit() must be an int. Got: '2'"),
    (lambda q: q.limit(-1), ValueError, "Parameter 'limit' of limit() cannot be negative. Got: -1"),
    (lambda q: q.limit(1, offset="x"), TypeError, "Parameter 'offset' of limit() must be an int. Got: 'x'"),
    (lambda q: q.count(5), TypeError, "`distinct` value should be True or False. Got: 5"),
    (lambda q: q.sum(distinct="yes"), TypeError, "`distinct` value should be True or False. Got: 'yes'"),
])
def test_query_method_arguments_are_checked(db, call, cls, message):
    with db_session:
        query = select(p.age for p in db.Person)
        with pytest.raises(cls) as info:
            list(call(query))
    assert str(info.value) == message
