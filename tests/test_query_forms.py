"""Query forms of the "Queries parity" issue (items 7-12) beyond the parity programs: edge cases
where Pony 0.7.20 gives a wrong answer, and the shape of the SQL sent."""

from __future__ import annotations

import pytest

from pony.orm import PrimaryKey, Required, Set, coalesce, db_session, desc, select


def define(db):
    class Writer(db.Entity):
        id = PrimaryKey(int)
        name = Required(str)
        notes = Set("Note")

    class Note(db.Entity):
        id = PrimaryKey(int)
        writer = Required(Writer)
        points = Required(int)


@pytest.fixture(scope="module")
def db(backend_module):
    db = backend_module.make_db(define)
    with db_session:
        bob, anna = db.Writer(id=1, name="Bob"), db.Writer(id=2, name="Annabel")
        db.Writer(id=3, name="Cecilia")
        for nid, writer, points in [(1, bob, 3), (2, bob, 4), (3, anna, 1)]:
            db.Note(id=nid, writer=writer, points=points)
    return db


def test_slice_with_negative_start_before_the_first_character(db):
    # Pony 0.7.20 gives '' on MariaDB here; Python (and this project everywhere) gives 'Bo'
    with db_session:
        assert select(w.name[-4:-1] for w in db.Writer if w.id == 1).get() == "Bo"
        assert select(w.name[-10:] for w in db.Writer if w.id == 1).get() == "Bob"
        stop = -5
        assert select(w.name[:stop] for w in db.Writer if w.id == 1).get() == ""


def test_slice_bounds_from_columns(db):
    # Pony 0.7.20 ignores a stop computed from a column (it returns the whole name)
    with db_session:
        got = sorted(select((w.id, w.name[:w.id]) for w in db.Writer))
        assert got == [(1, "B"), (2, "An"), (3, "Cec")]
        got = sorted(select((w.id, w.name[w.id - 4:]) for w in db.Writer))
        assert got == [(1, "Bob"[-3:]), (2, "Annabel"[-2:]), (3, "Cecilia"[-1:])]


def test_slice_bound_of_wrong_type(db):
    with db_session, pytest.raises(TypeError, match="Slice bounds must be integers or None"):
        select(w.name[:"a"] for w in db.Writer)[:]


def test_fetched_result_is_a_list_parameter(db):
    # q[:2] fetched two writers: the later query uses exactly those, not the query without its window
    with db_session:
        first_two = select(w for w in db.Writer).order_by(lambda w: w.id)[:2]
        assert sorted(n.id for n in select(n for n in db.Note if n.writer not in first_two)) == []
        names = select(w.name for w in db.Writer).order_by(lambda n: n)[1:2]
        assert names == ["Bob"]
        assert select(w.id for w in db.Writer if w.name in names)[:] == [1]
        q = select(w for w in db.Writer if w.id == 3)
        fetched = q[:]
        db.Writer(id=4, name="Dora")
        assert select(w.id for w in db.Writer if w in fetched)[:] == [3]
        assert sorted(select(w.id for w in db.Writer if w not in fetched)) == [1, 2, 4]
        db.rollback()


def test_loop_over_windowed_value_query(db):
    # the window picks the inner rows first, then the outer condition filters them (Pony 0.7.20
    # applies the condition before the window and gives ['Cecilia'] here)
    with db_session:
        q = select(w.name for w in db.Writer).order_by(lambda n: n).limit(2, offset=1)
        assert sorted(select(n for n in q if n != "Annabel")) == ["Bob", "Cecilia"]
        assert sorted(select(n for n in q)) == ["Bob", "Cecilia"]
        q = select((w.name, w.id) for w in db.Writer).order_by(lambda name, i: i).limit(2)
        assert sorted(select(i for name, i in q if name != "Bob")) == [2]
        assert sum(x for x in select(n.points for n in db.Note).order_by(lambda p: p).limit(2)) == 4


def test_loop_over_value_query_is_one_select(db):
    with db_session:
        q = select(n.points for n in db.Note if n.points > 1)
        outer = select(x for x in q if x < 4)
        assert outer[:] == [3]
        sql = outer.get_sql()
        assert sql.count("SELECT") == 1, sql
        total = sum(x for x in select(n.points for n in db.Note))
        assert total == 8 and type(total) is int


def test_loop_over_tuples_needs_as_many_names(db):
    q = select((w.name, w.id) for w in db.Writer)
    with db_session, pytest.raises(TypeError, match="Cannot unpack 2 query result items into 3 loop names"):
        select(a for a, b, c in q)[:]


def _points_above(db, low):
    q = select(n.points for n in db.Note if n.points > low)
    return sorted(select(x for x in q if x < 10))


def test_folded_query_takes_the_inner_parameters_of_each_call(db):
    with db_session:
        assert _points_above(db, 0) == [1, 3, 4]
        assert _points_above(db, 3) == [4]  # same translation (cached), the inner query's own value


def test_scalar_subquery_forms(db):
    with db_session:
        q = select((w.name, coalesce(select(sum(n.points) for n in w.notes), 0)) for w in db.Writer)
        assert sorted(q) == [("Annabel", 1), ("Bob", 7), ("Cecilia", 0)]
        by_points = select(w for w in db.Writer).order_by(lambda w: desc(coalesce(select(sum(n.points)
                                                                                       for n in w.notes), 0)))
        assert [w.id for w in by_points] == [1, 2, 3]
        with pytest.raises(TypeError, match="Incomparable types 'Set of int' and 'int'"):
            select(w for w in db.Writer if select(sum(n.points) for n in w.notes) > 1)[:]


def test_collection_methods_in_queries(db):
    with db_session:
        q = select(w.id for w in db.Writer if w.notes.exists(lambda n: n.points > 3))
        assert q[:] == [1]
        assert "EXISTS" in q.get_sql()
        assert sorted(select(w.id for w in db.Writer if not w.notes.filter())) == [3]
        assert sorted(select(n.id for n in db.Note if n.writer in db.Writer.select(lambda w: w.name < "B"))) == [3]
        low = 2  # the lambda may use the outer query's names and outside variables
        q = select(n.id for n in db.Note if n.writer not in db.Writer.select(lambda w: w.id < n.points - low))  # noqa: B023
        assert sorted(q) == [1, 3]


def test_collection_attribute_as_result_joins_the_collection(db):
    with db_session:
        assert sorted(select((w.name, w.notes.points) for w in db.Writer)) == [("Annabel", 1), ("Bob", 3),
                                                                                ("Bob", 4)]
