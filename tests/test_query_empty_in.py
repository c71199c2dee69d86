"""``x in <empty>`` is FALSE and ``x not in <empty>`` is TRUE, for every row (NULLs included), whether the
empty sequence is a parameter or a constant, in WHERE and in SELECT, alone or under ``or`` / ``not``."""

from __future__ import annotations

import pytest

from pony.orm import Optional, Required, db_session, select


def define_entities(db):
    class Item(db.Entity):
        name = Required(str)
        size = Optional(int)


@pytest.fixture(scope="module")
def db(backend_module):  # these tests only read
    db = backend_module.make_db(define_entities)
    with db_session:
        db.Item(name="a", size=1)
        db.Item(name="b", size=2)
        db.Item(name="c")  # size is NULL
    return db


ALL = ["a", "b", "c"]


def names(query):
    return sorted(item.name for item in query)


def test_in_empty_parameter_matches_nothing(db):
    empty_list, empty_tuple = [], ()
    with db_session:
        assert names(select(i for i in db.Item if i.name in empty_list)) == []
        assert names(select(i for i in db.Item if i.size in empty_tuple)) == []


def test_not_in_empty_parameter_matches_everything(db):
    empty_list, empty_tuple = [], ()
    with db_session:
        assert names(select(i for i in db.Item if i.name not in empty_list)) == ALL
        assert names(select(i for i in db.Item if i.size not in empty_tuple)) == ALL  # NULL size included


def test_empty_constant(db):
    with db_session:
        assert names(select(i for i in db.Item if i.name in [])) == []
        assert names(select(i for i in db.Item if i.size in ())) == []
        assert names(select(i for i in db.Item if i.name not in [])) == ALL
        assert names(select(i for i in db.Item if i.size not in ())) == ALL


def test_negated_and_combined(db):
    empty = []
    with db_session:
        assert names(select(i for i in db.Item if not (i.name in empty))) == ALL  # noqa: E713 - NOT over IN
        assert names(select(i for i in db.Item if not (i.name not in empty))) == []
        assert names(select(i for i in db.Item if i.name in empty or i.size == 2)) == ["b"]
        assert names(select(i for i in db.Item if i.name not in empty and i.size == 2)) == ["b"]
        assert names(select(i for i in db.Item if i.name in empty and i.size == 2)) == []
        assert names(select(i for i in db.Item if i.name not in empty or i.size == 2)) == ALL


def test_in_select_list(db):
    empty = []
    with db_session:
        rows = select((i.name, i.name in empty, i.name not in empty) for i in db.Item)[:]
        assert sorted((name, bool(a), bool(b)) for name, a, b in rows) == [
            ("a", False, True), ("b", False, True), ("c", False, True),
        ]


def test_non_empty_parameter_still_filters(db):
    wanted = ["a", "c"]
    with db_session:
        assert names(select(i for i in db.Item if i.name in wanted)) == ["a", "c"]
        assert names(select(i for i in db.Item if i.name not in wanted)) == ["b"]


@pytest.mark.parametrize("negated, expected", [(False, []), (True, ALL)])
def test_sql_in_node_with_no_items(db, negated, expected):
    # The ORM builds IN lists itself (loading by keys, prefetching, deleting): one that ends up empty
    # must select nothing, and its NOT IN everything, as the dialect compiles it.
    from pony.orm.sql import ast
    table = db.Item._table_
    node = ast.Select((ast.Column("i", "name"),), (ast.Table(table, "i"),),
                      where=ast.In(ast.Column("i", "name"), (), negated=negated))
    compiled = db.provider.compiler.compile(node)
    with db_session:
        rows = db.select(compiled.sql)
    assert sorted(rows) == expected
