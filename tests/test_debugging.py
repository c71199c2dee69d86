"""SQL debugging (SPEC 16): set_sql_debug, sql_debug, sql_debugging, printed and logged output.

Output rule under test (pony/orm/log.py): when the ``pony.orm.sql`` / ``pony.orm`` loggers or
an ancestor have a handler the user configured, messages are logged at INFO; otherwise printed.
The handlers pytest's logging plugin attaches to the root logger during a test do not count,
so a test sees the printed output unless it configures logging itself.
"""
# Variables read only through `$name` in SQL text look unused to ruff.
# ruff: noqa: F841

import io
import logging
import threading

import pytest

from pony.orm import *
from pony.orm.core import local
from pony.orm.log import log_sql, log_sql_many


@pytest.fixture(autouse=True)
def debug_off():
    set_sql_debug(False)
    yield
    set_sql_debug(False)


@pytest.fixture
def db(backend):
    db = backend.database()
    with db_session:
        db.execute("CREATE TABLE person (id INTEGER PRIMARY KEY, name VARCHAR(50))")
        db.insert("person", id=1, name="John")
    return db


class ListHandler(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def handler_on():
    """Attach a collecting handler to a logger (INFO level) for one test, then restore it."""
    attached = []

    def attach(name):
        logger = logging.getLogger(name)
        handler = ListHandler()
        attached.append((logger, handler, logger.level))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        return handler

    yield attach
    for logger, handler, level in attached:
        logger.removeHandler(handler)
        logger.setLevel(level)


def _blocks(text):
    """Printed SQL statements are separated by an empty line."""
    return [block for block in text.split("\n\n") if block.strip()]


# --- printing ----------------------------------------------------------------------------------

def test_nothing_is_printed_when_debug_is_off(db, capsys):
    with db_session:
        db.select("name FROM person")
    assert capsys.readouterr().out == ""


def test_sql_and_values_are_printed(db, capsys):
    set_sql_debug(True)
    pid = 1
    with db_session:
        db.select("name FROM person WHERE id = $pid")
    out = capsys.readouterr().out
    sql = db.last_sql
    assert f"{sql}\n[1]\n\n" in out


def test_show_values_false_hides_values_when_printing(db, capsys):
    set_sql_debug(True, show_values=False)
    pid = 1
    with db_session:
        db.select("name FROM person WHERE id = $pid")
    out = capsys.readouterr().out
    assert f"{db.last_sql}\n\n" in out
    assert "[1]" not in out


def test_show_values_true_prints_values(db, capsys):
    set_sql_debug(True, show_values=True)
    name = "O'Hara"
    with db_session:
        db.select("id FROM person WHERE name = $name AND id > $(0)")
    assert f"{db.last_sql}\n[\"O'Hara\", 0]\n\n" in capsys.readouterr().out


def test_statement_without_parameters_has_no_values_line(db, capsys):
    set_sql_debug(True)
    with db_session:
        db.select("name FROM person")
    out = capsys.readouterr().out
    assert "select name FROM person\n\n" in out
    assert "[]" not in out


def test_connection_and_transaction_messages_are_printed(db, capsys):
    set_sql_debug(True)
    with db_session:
        db.select("name FROM person")
    lines = capsys.readouterr().out.splitlines()
    assert "GET CONNECTION FROM THE LOCAL POOL" in lines
    assert lines[-1] == "RELEASE CONNECTION"
    with db_session:
        db.execute("UPDATE person SET name = 'Jo'")
    lines = capsys.readouterr().out.splitlines()
    assert "COMMIT" in lines
    assert lines.index("COMMIT") < lines.index("RELEASE CONNECTION")


def test_rollback_is_printed(db, capsys):
    set_sql_debug(True)
    with pytest.raises(ZeroDivisionError):
        with db_session:
            db.execute("UPDATE person SET name = 'Jo'")
            _ = 1 / 0
    assert "ROLLBACK" in capsys.readouterr().out.splitlines()


def test_new_connection_and_disconnect_are_printed(backend, capsys):
    from pony.orm import Database
    db = Database()
    set_sql_debug(True)
    backend.bind(db)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "GET NEW CONNECTION"
    assert lines[-1] == "RELEASE CONNECTION"
    db.disconnect()
    assert "DISCONNECT" in capsys.readouterr().out.splitlines()


def test_sql_begin_immediate_on_sqlite(tmp_path, capsys):
    db = Database("sqlite", str(tmp_path / "x.sqlite"), create_db=True)
    set_sql_debug(True)
    with db_session:
        db.execute("CREATE TABLE t (x INTEGER)")
    lines = capsys.readouterr().out.splitlines()
    assert lines[:3] == ["GET CONNECTION FROM THE LOCAL POOL", "BEGIN IMMEDIATE TRANSACTION",
                         "CREATE TABLE t (x INTEGER)"]
    assert lines[-2:] == ["COMMIT", "RELEASE CONNECTION"]


def test_executemany_format(capsys):
    set_sql_debug(True)
    log_sql_many("INSERT INTO t (a, b) VALUES (?, ?)", [(1, "x"), (2, "y")])
    assert capsys.readouterr().out == "EXECUTEMANY (2)\nINSERT INTO t (a, b) VALUES (?, ?)\n[1, 'x']\n[2, 'y']\n\n"
    set_sql_debug(True, show_values=False)
    log_sql_many("DELETE FROM t WHERE a = ?", [(1,), (2,), (3,)])
    assert capsys.readouterr().out == "EXECUTEMANY (3)\nDELETE FROM t WHERE a = ?\n\n"


def test_named_parameters_format(capsys):
    set_sql_debug(True)
    log_sql("SELECT :p2, :p1", {"p2": 1, "p1": "x"})
    assert capsys.readouterr().out == "SELECT :p2, :p1\n{'p1':'x', 'p2':1}\n\n"


# --- logging -----------------------------------------------------------------------------------

def test_sql_logger_handler_receives_sql_at_info(db, capsys, handler_on):
    sql_handler = handler_on("pony.orm.sql")
    set_sql_debug(True)
    pid = 1
    with db_session:
        db.select("name FROM person WHERE id = $pid")
    messages = [r.getMessage() for r in sql_handler.records]
    assert messages == [db.last_sql]  # values are logged only with show_values=True
    assert {r.levelno for r in sql_handler.records} == {logging.INFO}
    assert {r.name for r in sql_handler.records} == {"pony.orm.sql"}
    out = capsys.readouterr().out
    assert db.last_sql not in out
    # pony.orm has no handler: the connection messages are still printed
    assert "RELEASE CONNECTION" in out.splitlines()


def test_logged_values_only_with_show_values_true(db, handler_on):
    sql_handler = handler_on("pony.orm.sql")
    pid = 1
    for show_values, expected_suffix in ((None, ""), (False, ""), (True, "\n[1]")):
        sql_handler.records.clear()
        set_sql_debug(True, show_values=show_values)
        with db_session:
            db.select("name FROM person WHERE id = $pid")
        assert [r.getMessage() for r in sql_handler.records] == [db.last_sql + expected_suffix]


def test_orm_logger_handler_receives_both_kinds(db, capsys, handler_on):
    orm_handler = handler_on("pony.orm")
    set_sql_debug(True)
    with db_session:
        db.select("name FROM person")
    by_logger = {}
    for record in orm_handler.records:
        by_logger.setdefault(record.name, []).append(record.getMessage())
    assert "RELEASE CONNECTION" in by_logger["pony.orm"]
    assert by_logger["pony.orm.sql"] == ["select name FROM person"]
    assert capsys.readouterr().out == ""


def test_root_logger_configuration_counts(db, capsys):
    stream = io.StringIO()
    root = logging.getLogger()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    old_level = root.level
    root.addHandler(handler)  # what logging.basicConfig() does
    root.setLevel(logging.INFO)
    try:
        set_sql_debug(True)
        with db_session:
            db.select("name FROM person")
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
    assert capsys.readouterr().out == ""
    lines = stream.getvalue().splitlines()
    assert "pony.orm.sql INFO select name FROM person" in lines
    assert "pony.orm INFO RELEASE CONNECTION" in lines


def test_logger_that_does_not_propagate_stops_the_search(db, capsys, handler_on):
    handler_on("pony")  # would receive records from pony.orm.sql through propagation ...
    sql_logger = logging.getLogger("pony.orm.sql")
    sql_logger.propagate = False  # ... but the user cut it off
    try:
        set_sql_debug(True)
        with db_session:
            db.select("name FROM person")
    finally:
        sql_logger.propagate = True
    assert "select name FROM person" in capsys.readouterr().out


def test_pytest_capture_handlers_do_not_count(db, capsys, caplog):
    caplog.set_level(logging.INFO)
    set_sql_debug(True)
    with db_session:
        db.select("name FROM person")
    assert "select name FROM person" in capsys.readouterr().out
    assert not [r for r in caplog.records if r.name.startswith("pony")]


# --- flags -------------------------------------------------------------------------------------

def test_set_sql_debug_sets_both_flags():
    set_sql_debug(True, show_values=True)
    assert (local.debug, local.show_values) == (True, True)
    set_sql_debug()
    assert (local.debug, local.show_values) == (True, None)
    set_sql_debug(False)
    assert (local.debug, local.show_values) == (False, None)


def test_sql_debug_sets_only_the_flag():
    set_sql_debug(False, show_values=True)
    sql_debug(True)
    assert (local.debug, local.show_values) == (True, True)
    sql_debug(False)
    assert (local.debug, local.show_values) == (False, True)


def test_flags_are_per_thread():
    set_sql_debug(True, show_values=True)
    seen = []

    def worker():
        seen.append((local.debug, local.show_values))
        set_sql_debug(True, show_values=False)

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert seen == [(False, None)]
    assert (local.debug, local.show_values) == (True, True)


def test_sql_debugging_context_manager_forms():
    with sql_debugging:
        assert (local.debug, local.show_values) == (True, None)
        with sql_debugging(False):
            assert local.debug is False
        assert local.debug is True
        with sql_debugging(show_values=True):
            assert (local.debug, local.show_values) == (True, True)
        assert (local.debug, local.show_values) == (True, None)
    assert local.debug is False


def test_sql_debugging_restores_previous_flags():
    set_sql_debug(True, show_values=False)
    with sql_debugging(False):
        assert local.debug is False
    assert (local.debug, local.show_values) == (True, False)


def test_sql_debugging_restores_after_exception():
    with pytest.raises(ValueError):
        with sql_debugging:
            raise ValueError
    assert local.debug is False


def test_sql_debugging_prints_inside_only(db, capsys):
    with db_session:
        with sql_debugging:
            db.select("id FROM person")
        db.select("name FROM person")
    out = capsys.readouterr().out
    assert "select id FROM person" in out
    assert "select name FROM person" not in out


def test_sql_debugging_as_function_decorator():
    @sql_debugging
    def plain():
        return local.debug, local.show_values

    @sql_debugging(show_values=True)
    def with_values(x):
        return local.debug, local.show_values, x

    @sql_debugging(False)
    def quiet():
        return local.debug

    assert plain() == (True, None)
    assert with_values(5) == (True, True, 5)
    set_sql_debug(True)
    assert quiet() is False
    assert local.debug is True
    assert plain.__name__ == "plain"


def test_sql_debugging_decorator_restores_after_exception():
    @sql_debugging
    def failing():
        raise KeyError("x")

    with pytest.raises(KeyError):
        failing()
    assert local.debug is False


def test_sql_debugging_as_generator_decorator():
    @sql_debugging(show_values=True)
    def gen(n):
        for i in range(n):
            received = yield (i, local.debug, local.show_values)
            assert received in (None, "sent")
        return "done"

    g = gen(2)
    assert next(g) == (0, True, True)
    assert local.debug is False  # flags are restored while the generator is suspended
    assert g.send("sent") == (1, True, True)
    with pytest.raises(StopIteration) as info:
        next(g)
    assert info.value.value == "done"
    assert local.debug is False


def test_generator_decorator_passes_throw_and_close():
    log = []

    @sql_debugging
    def gen():
        try:
            yield 1
        except ValueError:
            log.append(("caught", local.debug))
            yield 2
        finally:
            log.append(("finally", local.debug))

    g = gen()
    assert next(g) == 1
    assert g.throw(ValueError) == 2
    g.close()
    assert log == [("caught", True), ("finally", True)]
    assert local.debug is False


def test_sql_debugging_is_thread_safe():
    """The shared ``sql_debugging`` instance: thread a enters, b enters, a leaves, b leaves.

    Each thread must get its own previous flags back (a shared stack would give a b's flags).
    """
    a_entered, a_left = threading.Event(), threading.Event()
    results = {}

    def worker(name, initial):
        set_sql_debug(initial, show_values=initial)
        if name == "b":
            a_entered.wait()
        with sql_debugging:
            if name == "a":
                a_entered.set()
                # give b time to enter before a leaves; b cannot leave before a has
                b_inside.wait(timeout=5)
            else:
                b_inside.set()
                a_left.wait(timeout=5)
        if name == "a":
            a_left.set()
        results[name] = (local.debug, local.show_values)

    b_inside = threading.Event()
    threads = [threading.Thread(target=worker, args=("a", True)),
               threading.Thread(target=worker, args=("b", False))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == {"a": (True, True), "b": (False, False)}
