"""Debugging helpers (SPEC 16): show(), Query.show(), describe(), pony.options and pony.MODE.

The table layout was checked against Pony 0.7.20: cells joined by ``|``, a ``-``/``+`` rule under
the header, columns cut to a fair share of CONSOLE_WIDTH with ``...`` and at most width // 5 columns.
"""

import io
import types
from datetime import date

import pytest

import pony
from pony import options
from pony.orm import *
from pony.orm.core import TooManyObjectsFoundError


def define_entities(db):
    class Customer(db.Entity):
        name = Required(str)
        email = Required(str, unique=True)
        country = Optional(str)
        notes = Optional(str, lazy=True)
        orders = Set("Order")

    class Order(db.Entity):
        customer = Required(Customer)
        total = Required(float)
        date = Optional(date)


@pytest.fixture
def db(backend):
    db = backend.make_db(define_entities)
    with db_session:
        john = db.Customer(name="John Smith", email="john@example.com", country="USA", notes="x")
        mary = db.Customer(name="A very long name that goes on and on and on and on", email="mary@example.com",
                           country="UK")
        db.Order(customer=john, total=10.5, date=date(2020, 1, 2))
        db.Order(customer=mary, total=3)
    return db


@pytest.fixture
def console_width():
    saved = options.CONSOLE_WIDTH
    yield
    options.CONSOLE_WIDTH = saved


def lines(text):
    return text.splitlines()


def test_entity_query_shows_non_lazy_non_collection_attributes(db, capsys):
    with db_session:
        select(c for c in db.Customer).order_by(db.Customer.id).show()
    assert lines(capsys.readouterr().out) == [
        "id|name                                              |email           |country",
        "--+--------------------------------------------------+----------------+-------",
        "1 |John Smith                                        |john@example.com|USA    ",
        "2 |A very long name that goes on and on and on and on|mary@example.com|UK     ",
    ]


def test_related_objects_show_as_their_repr(db, capsys):
    with db_session:
        select(o for o in db.Order).order_by(db.Order.id).show()
    assert lines(capsys.readouterr().out) == [
        "id|customer   |total|date      ",
        "--+-----------+-----+----------",
        "1 |Customer[1]|10.5 |2020-01-02",
        "2 |Customer[2]|3.0  |None      ",
    ]


def test_tuple_results_are_headed_by_their_source(db, capsys):
    with db_session:
        select((c, count(c.orders)) for c in db.Customer).order_by(1).show()
        select(c.name for c in db.Customer if c.country == "USA").show()
    assert lines(capsys.readouterr().out) == [
        "c          |count(c.orders)",
        "-----------+---------------",
        "Customer[1]|1              ",
        "Customer[2]|1              ",
        "c.name    ",
        "----------",
        "John Smith",
    ]


def test_empty_result_prints_the_header(db, capsys):
    with db_session:
        select(c for c in db.Customer if c.name == "nobody").show()
    assert lines(capsys.readouterr().out) == ["id|name|email|country", "--+----+-----+-------"]


def test_narrow_width_cuts_wide_columns_and_limits_their_number(db, capsys):
    with db_session:
        select((c.name, c.id) for c in db.Customer).order_by(2).show(width=20)
        select(c for c in db.Customer).order_by(db.Customer.id).show(width=15)
    assert lines(capsys.readouterr().out) == [
        "c.name         |c.id",
        "---------------+----",
        "John Smith     |1   ",
        "A very long ...|2   ",
        "id|name |email",  # 15 // 5 = 3 columns at most
        "--+-----+-----",
        "1 |Jo...|jo...",
        "2 |A ...|ma...",
    ]


def test_console_width_option_is_the_default_width(db, capsys, console_width):
    options.CONSOLE_WIDTH = 40
    with db_session:
        select(c for c in db.Customer).order_by(db.Customer.id).show()
    assert lines(capsys.readouterr().out) == [
        "id|name          |email         |country",
        "--+--------------+--------------+-------",
        "1 |John Smith    |john@exampl...|USA    ",
        "2 |A very long...|mary@exampl...|UK     ",
    ]


def test_show_writes_to_a_stream(db, capsys):
    stream = io.StringIO()
    with db_session:
        select(c.country for c in db.Customer).order_by(1).show(stream=stream)
    assert capsys.readouterr().out == ""
    assert stream.getvalue() == "c.country\n---------\nUK       \nUSA      \n"


def test_query_result_show(db, capsys):
    with db_session:
        result = select(c for c in db.Customer).order_by(db.Customer.id)[:1]
        result.show()
        show(result)
    out = lines(capsys.readouterr().out)
    assert out[:3] == ["id|name      |email           |country", "--+----------+----------------+-------",
                       "1 |John Smith|john@example.com|USA    "]
    assert out[3:] == out[:3]


def test_show_entity_class_prints_describe(db, capsys):
    show(db.Customer)
    assert capsys.readouterr().out == db.Customer.describe() + "\n"
    assert db.Customer.describe() == (
        "class Customer(Entity):\n"
        "    id = PrimaryKey(int, auto=True)\n"
        "    name = Required(str)\n"
        "    email = Required(str, unique=True)\n"
        "    country = Optional(str, default='')\n"
        "    notes = Optional(str, default='')\n"  # Pony leaves lazy=True out
        "    orders = Set(Order)"
    )


def test_show_instance_prints_a_one_row_table(db, capsys):
    with db_session:
        show(db.Order[1])
    assert lines(capsys.readouterr().out) == [
        "instance of Order",
        "id|customer   |total|date      ",
        "--+-----------+-----+----------",
        "1 |Customer[1]|10.5 |2020-01-02",
    ]


def test_show_query_text_and_generators_in_the_callers_scope(db, capsys):
    Customer = db.Customer
    with db_session:
        show("c.email for c in Customer if c.country == 'UK'")
        show(c.email for c in Customer if c.country == "USA")
        show(select(c.email for c in Customer).order_by(1))
    assert lines(capsys.readouterr().out) == [
        "c.email         ", "----------------", "mary@example.com",
        "c.email         ", "----------------", "john@example.com",
        "c.email         ", "----------------", "john@example.com", "mary@example.com",
    ]


def test_show_other_values_pretty_prints(capsys):
    show([1, 2, {"a": 1}])
    show(12)
    assert capsys.readouterr().out == "[1, 2, {'a': 1}]\n12\n"


def test_show_is_exported_like_in_pony():
    import pony.orm
    import pony.orm.core

    assert "show" in pony.orm.core.__all__
    assert pony.orm.show is pony.orm.core.show


# --- pony.options ---------------------------------------------------------------------------

def test_documented_options_exist_with_pony_defaults():
    assert (options.MAX_FETCH_COUNT, options.CONSOLE_WIDTH, options.INNER_JOIN_SYNTAX, options.SIMPLE_ALIASES,
            options.CUT_TRACEBACK, options.DEBUG) == (None, 80, False, True, True, True)


@pytest.fixture
def max_fetch_count():
    saved = options.MAX_FETCH_COUNT
    yield
    options.MAX_FETCH_COUNT = saved


def test_max_fetch_count_limits_entity_queries_and_raw_select(db, max_fetch_count):
    options.MAX_FETCH_COUNT = 1
    with db_session:
        with pytest.raises(TooManyObjectsFoundError):
            select(c for c in db.Customer)[:]
        with pytest.raises(TooManyRowsFound):
            db.select("select name from customer")
        assert [c.name for c in select(c for c in db.Customer if c.country == "USA")] == ["John Smith"]
        assert db.select("select name from customer where country = 'UK'") == [
            "A very long name that goes on and on and on and on"]
    options.MAX_FETCH_COUNT = 2
    with db_session:
        assert len(select(c for c in db.Customer)[:]) == 2


# --- pony.MODE ------------------------------------------------------------------------------

def module(name, **attrs):
    m = types.ModuleType(name)
    m.__dict__.update(attrs)
    return m


SCRIPT = module("__main__", __file__="/srv/app.py")
CONSOLE = module("__main__")  # the console, python -c, IPython: __main__ has no file


@pytest.mark.parametrize("loaded, environ, expected", [
    ({"__main__": SCRIPT}, {}, "UNKNOWN"),
    ({"__main__": CONSOLE}, {}, "INTERACTIVE"),
    ({"__main__": CONSOLE, "flask": module("flask"), "uwsgi": module("uwsgi")}, {}, "INTERACTIVE"),
    ({"__main__": CONSOLE, "mod_wsgi": module("mod_wsgi")}, {}, "MOD_WSGI"),
    ({"__main__": SCRIPT, "google.appengine": module("g")}, {"SERVER_SOFTWARE": "Development/2.0"}, "GAE-LOCAL"),
    ({"__main__": SCRIPT, "google.appengine": module("g")}, {"SERVER_SOFTWARE": "Google App Engine/1"},
     "GAE-SERVER"),
    ({"__main__": SCRIPT, "uwsgi": module("uwsgi"), "flup.server.fcgi": module("f")}, {}, "FCGI-FLUP"),
    ({"__main__": SCRIPT, "flask": module("flask"), "uwsgi": module("uwsgi")}, {}, "UWSGI"),
    ({"__main__": SCRIPT, "flask": module("flask"), "cherrypy": module("c")}, {}, "FLASK"),
    ({"__main__": SCRIPT, "bottle": module("bottle"), "cherrypy": module("c")}, {}, "CHERRYPY"),
    ({"__main__": SCRIPT, "bottle": module("bottle")}, {}, "BOTTLE"),
])
def test_mode_detection(loaded, environ, expected):
    assert pony.detect_mode(loaded, environ) == expected


def test_mode_detection_reads_sys_modules(monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "__main__", CONSOLE)
    assert pony.detect_mode() == "INTERACTIVE"
    monkeypatch.setitem(__import__("sys").modules, "__main__", SCRIPT)
    monkeypatch.setitem(__import__("sys").modules, "bottle", module("bottle"))
    monkeypatch.delitem(__import__("sys").modules, "flask", raising=False)
    assert pony.detect_mode() == "BOTTLE"


def test_mode_under_pytest_is_not_interactive():
    assert pony.MODE != "INTERACTIVE"
    assert pony.__version__ == "1.0.0a1"
    assert pony.PONY_API_VERSION == "0.7.20"
    assert pony.PONY_DIR.endswith("pony")
