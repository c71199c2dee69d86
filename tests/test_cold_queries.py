"""The cold-query fast paths give the same answers as the long ones.

A generator expression is parsed alone (with its file columns, lines counted from its first one),
plain outer names are looked up without compiling them, expression texts are produced only when an
error quotes them, and a few tuple rows are read without a generated reader.
"""

from __future__ import annotations

from typing import Any

import pytest

from pony.orm import Required, db_session, select
from pony.orm.translation.capture import capture

PEOPLE = ["ann", "bob"]
THRESHOLD = 10
LEVEL = 1  # shadowed by a local of the same name in a test below


def define(db: Any) -> None:
    class Item(db.Entity):
        name = Required(str)
        level = Required(int)


@pytest.fixture
def db(backend: Any) -> Any:
    database = backend.make_db(define)
    with db_session:
        for i in range(1, 6):
            database.Item(name=f"item {i}", level=i)
    return database


def test_sub_expressions_of_an_indented_multi_line_generator_keep_their_text() -> None:
    if PEOPLE:  # indented, so the generator starts at a column other than 0
        q = capture(p.upper()
                    for p in PEOPLE
                    if p.startswith("a")
                    and len(p) < THRESHOLD)
    assert q.source_of(q.tree.elt) == "p.upper()"
    condition = q.tree.generators[0].ifs[0]
    assert q.source_of(condition) == 'p.startswith("a")\n                    and len(p) < THRESHOLD'
    assert q.source == ("(p.upper()\n                    for p in PEOPLE\n                    "
                        'if p.startswith("a")\n                    and len(p) < THRESHOLD)')


def test_outer_names_resolve_like_python(db: Any) -> None:
    LEVEL = 3  # noqa: N806 - the local wins over the module's LEVEL
    with db_session:
        assert sorted(i.level for i in select(i for i in db.Item if i.level <= LEVEL)) == [1, 2, 3]
        # a builtin used as a value, a global, a closure value
        assert select(i for i in db.Item if i.level == abs(-2))[:][0].level == 2
        assert select(i for i in db.Item if i.level == THRESHOLD - 5)[:][0].level == 5

    def inner() -> list:
        return sorted(i.level for i in select(i for i in db.Item if i.level > LEVEL))

    with db_session:
        assert inner() == [4, 5]


def test_an_undefined_outer_name_names_itself(db: Any) -> None:
    from pony.orm.errors import ExprEvalError

    with db_session, pytest.raises(ExprEvalError, match="^`no_such_level` raises NameError: "
                                                         "name 'no_such_level' is not defined$"):
        select(i for i in db.Item if i.level == no_such_level)[:]  # type: ignore[name-defined]  # noqa: F821


def test_a_comparison_error_quotes_the_expression(db: Any) -> None:
    with db_session, pytest.raises(TypeError) as info:
        select(i for i in db.Item if i.name > 3)[:]
    assert "i.name > 3" in str(info.value)


@pytest.mark.parametrize("count", [1, 3, 60])
def test_tuple_rows_read_the_same_with_or_without_a_generated_reader(db: Any, count: int) -> None:
    with db_session:
        for i in range(count):
            db.Item(name=f"extra {i}", level=100 + i)
    with db_session:
        rows = select((i.name, i.level) for i in db.Item if i.level >= 100)[:]
        again = select((i.name, i.level) for i in db.Item if i.level >= 100)[:]
    expected = sorted((f"extra {i}", 100 + i) for i in range(count))
    assert sorted(rows) == expected
    assert sorted(again) == expected
