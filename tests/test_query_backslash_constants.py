"""String constants written in a query's source that hold backslashes, quotes or ``%`` match exactly the
rows holding those characters, on every backend, with or without other parameters in the statement:
whatever way a dialect writes such a literal, it means the same string as in Python."""

from __future__ import annotations

import pytest

from pony.orm import Optional, db_session, select

NAMES = ["a\\b", "a\\\\b", "ab", "a\\'b", "a'b", "end\\", "\\n", "\n", "%\\_", "x_y", "50%", "50%%", "%s"]


def define_entities(db):
    class Text(db.Entity):
        value = Optional(str)


@pytest.fixture(scope="module")
def db(backend_module):  # these tests only read
    db = backend_module.make_db(define_entities)
    with db_session:
        for name in NAMES:
            db.Text(value=name)
    return db


def values(query):
    return sorted(query)


def test_equality_with_backslash_constants(db):
    with db_session:
        assert values(select(t.value for t in db.Text if t.value == "a\\b")) == ["a\\b"]
        assert values(select(t.value for t in db.Text if t.value == "a\\\\b")) == ["a\\\\b"]
        assert values(select(t.value for t in db.Text if t.value == "end\\")) == ["end\\"]
        assert values(select(t.value for t in db.Text if t.value == "\\n")) == ["\\n"]
        assert values(select(t.value for t in db.Text if t.value == "a\\'b")) == ["a\\'b"]
        assert values(select(t.value for t in db.Text if t.value == r"%\_")) == ["%\\_"]


def test_raw_string_constant(db):
    with db_session:
        assert values(select(t.value for t in db.Text if t.value == r"a\b")) == ["a\\b"]
        assert values(select(t.value for t in db.Text if t.value in (r"a\b", "ab", r"end\ "[:-1]))) == [
            "a\\b", "ab", "end\\",
        ]


def test_not_equal_and_ordering_with_backslash_constant(db):
    with db_session:
        assert values(select(t.value for t in db.Text if t.value != "a\\b" and t.value.startswith("a"))) == [
            "a'b", "a\\'b", "a\\\\b", "ab",
        ]


def test_string_methods_with_backslash_constants(db):
    with db_session:
        assert values(select(t.value for t in db.Text if t.value.startswith("a\\"))) == ["a\\'b", "a\\\\b", "a\\b"]
        assert values(select(t.value for t in db.Text if t.value.endswith("\\"))) == ["end\\"]
        assert values(select(t.value for t in db.Text if "\\\\" in t.value)) == ["a\\\\b"]
        assert values(select(t.value for t in db.Text if "%\\" in t.value)) == ["%\\_"]


def test_backslash_constant_in_select_list(db):
    with db_session:
        rows = select((t.value, t.value + "\\z") for t in db.Text if t.value == "ab")[:]
        assert rows == [("ab", "ab\\z")]
        assert select("\\" for t in db.Text if t.value == "ab")[:] == ["\\"]


def test_percent_constants_without_and_with_parameters(db):
    other = "x_y"
    with db_session:
        assert values(select(t.value for t in db.Text if t.value == "50%")) == ["50%"]
        assert values(select(t.value for t in db.Text if t.value == "50%%")) == ["50%%"]
        assert values(select(t.value for t in db.Text if t.value == "%s")) == ["%s"]
        assert values(select(t.value for t in db.Text if t.value == "%\\_")) == ["%\\_"]
        assert values(select(t.value for t in db.Text if t.value in ("50%", "%s") or t.value == other)) == [
            "%s", "50%", "x_y",
        ]
        assert values(select(t.value for t in db.Text if t.value == "50%%" or t.value == other)) == ["50%%", "x_y"]
        assert select(t.value + "%" for t in db.Text if t.value == "ab")[:] == ["ab%"]
