"""Query and QueryResult methods: filter/where, order_by forms, slicing, first/get/exists, limit/page,
delete, for_update, prefetch, random, get_sql, show, and the per-session query cache."""

from __future__ import annotations

import io

import pytest

from pony.orm import MultipleObjectsFoundError, commit, db_session, delete, desc, exists, get, raw_sql, select
from tests.query_models import define_entities, populate


@pytest.fixture
def db(backend):
    db = backend.make_db(define_entities)
    populate(db)
    return db


def names(objs):
    return [o.name for o in objs]


def test_filter_binds_result_items(db):
    with db_session:
        q = select((s.name, s.gpa) for s in db.Student)
        assert sorted(q.filter(lambda n, g: g > 3)) == [("Alice", 3.5), ("Bob", 4.0)]
        with pytest.raises(TypeError, match="Incorrect number of lambda arguments"):
            q.filter(lambda n: n == "x")
        q = select(s.name for s in db.Student)
        assert sorted(q.filter(lambda n: n > "B")) == ["Bob", "Carol", "Dan_%"]
        assert sorted(q.filter(lambda: s.gpa > 3)) == ["Alice", "Bob"]  # noqa: F821 - the loop variable
        assert sorted(q.filter("s.gpa < 3")) == ["Carol"]


def test_where_binds_loop_variables(db):
    with db_session:
        q = select(s.name for s in db.Student)
        assert sorted(q.where(lambda s: s.gpa > 3)) == ["Alice", "Bob"]
        with pytest.raises(TypeError, match="does not correspond to any loop variable"):
            q.where(lambda x: x.gpa > 3)
        assert names(db.Student.select().where(name="Bob")) == ["Bob"]


def test_filter_kwargs_and_raw_sql(db):
    with db_session:
        q = db.Student.select()
        assert names(q.filter(name="Carol")) == ["Carol"]
        assert names(q.filter(group=db.Group[102])) == ["Carol"]
        with pytest.raises(TypeError):
            select(s.name for s in db.Student).filter(name="x")
        x = 3.9  # noqa: F841 - read by raw_sql()
        assert names(q.filter(raw_sql("s.gpa > $x"))) == ["Bob"]


def test_filters_chain_and_queries_are_immutable(db):
    with db_session:
        q = db.Student.select()
        q2 = q.filter(lambda s: s.gpa > 2).filter(lambda s: s.name != "Bob")
        assert sorted(names(q2)) == ["Alice", "Carol"]
        assert len(q) == 4


def test_order_by_forms(db):
    S = db.Student
    with db_session:
        q = select(s for s in S if s.gpa is not None)
        assert names(q.order_by(S.name)) == ["Alice", "Bob", "Carol"]
        assert names(q.order_by(desc(S.name))) == ["Carol", "Bob", "Alice"]
        assert names(q.order_by(S.gpa.desc)) == ["Bob", "Alice", "Carol"]
        assert names(q.order_by(lambda s: desc(s.gpa))) == ["Bob", "Alice", "Carol"]
        assert names(q.order_by("s.name")) == ["Alice", "Bob", "Carol"]
        assert names(q.sort_by(lambda s: (s.group.number, desc(s.name)))) == ["Bob", "Alice", "Carol"]
        assert names(q.order_by(raw_sql("s.gpa"))) == ["Carol", "Alice", "Bob"]
        # each call puts its keys in front
        assert names(q.order_by(S.name).order_by(lambda s: s.group.number)) == ["Alice", "Bob", "Carol"]
        assert names(q.order_by(desc(S.name)).order_by(None).order_by(S.gpa)) == ["Carol", "Alice", "Bob"]


def test_order_by_positions(db):
    with db_session:
        q = select((s.group.number, s.name) for s in db.Student)
        assert list(q.order_by(-1))[0] == (201, "Dan_%")
        assert list(q.order_by(1, -2))[:2] == [(101, "Bob"), (101, "Alice")]
        with pytest.raises(ValueError):
            q.order_by(0)
        with pytest.raises(TypeError):
            q.order_by(1, db.Student.name)


def test_order_survives_filter(db):
    with db_session:
        q = db.Student.select().order_by(desc(db.Student.name)).filter(lambda s: s.gpa > 0)
        assert names(q) == ["Carol", "Bob", "Alice"]


def test_slicing_limit_page_first(db):
    with db_session:
        q = db.Student.select().order_by(db.Student.name)
        assert names(q[1:3]) == ["Bob", "Carol"]
        assert names(q[2:]) == ["Carol", "Dan_%"]
        assert names(q.limit(2)) == ["Alice", "Bob"]
        assert names(q.limit(2, offset=1)) == ["Bob", "Carol"]
        assert names(q.page(2, pagesize=3)) == ["Dan_%"]
        assert q.first().name == "Alice"
        assert select(s.name for s in db.Student).first() == "Alice"
        assert select(s for s in db.Student if s.gpa > 10).first() is None
        assert repr(q.limit(1)).startswith("<Lazy QueryResult")
        with pytest.raises(TypeError, match="convert it to list first"):
            q[0]
        with pytest.raises(TypeError):
            q[-1:]


def test_get_and_exists(db):
    with db_session:
        assert get(s for s in db.Student if s.name == "Bob").gpa == 4.0
        assert get(s for s in db.Student if s.name == "Nobody") is None
        with pytest.raises(MultipleObjectsFoundError):
            get(s for s in db.Student if s.gpa > 3)
        assert exists(s for s in db.Student if s.gpa > 3.9)
        assert not exists(s for s in db.Student if s.gpa > 4)
        assert db.Student.exists(lambda s: s.name == "Alice")
        assert db.Student.get(lambda s: s.name == "Alice").gpa == 3.5


def test_query_result_is_list_like(db):
    with db_session:
        result = select(s.name for s in db.Student).order_by(1)[:]
        assert len(result) == 4 and result[0] == "Alice" and "Bob" in result
        assert result + ["x"] == ["Alice", "Bob", "Carol", "Dan_%", "x"]
        with pytest.raises(TypeError, match="cast QueryResult to list first"):
            result.append("x")


def test_delete(db):
    with db_session:
        assert delete(s for s in db.Student if s.gpa is None) == 1
        commit()
        assert db.Student.select().count() == 3
        assert select(s for s in db.Student if s.gpa < 3).delete(bulk=True) == 1
        assert sorted(names(db.Student.select())) == ["Alice", "Bob"]
        with pytest.raises(TypeError):
            select(s.name for s in db.Student).delete()


def test_for_update_and_random_and_prefetch(db):
    with db_session:
        assert len(select(s for s in db.Student if s.gpa > 3).for_update()[:]) == 2
        with pytest.raises(TypeError):
            db.Student.select().for_update(nowait=True, skip_locked=True)
        assert len(db.Student.select().random(2)) == 2
        students = db.Student.select().prefetch(db.Student.courses, db.Group)[:]
        assert len(students) == 4


def test_get_sql_and_show(db):
    with db_session:
        q = select(s.name for s in db.Student if s.gpa > 3)
        assert "SELECT" in q.get_sql() and "gpa" in q.get_sql()
        out = io.StringIO()
        q.order_by(1).show(stream=out)
        lines = out.getvalue().splitlines()
        assert lines[0].startswith("s.name")
        assert lines[2:] == ["Alice ", "Bob   "]  # padded to the header as in Pony
        out = io.StringIO()
        db.Group.select().order_by(db.Group.number).show(stream=out)
        assert [c.strip() for c in out.getvalue().splitlines()[0].split("|")][:2] == ["number", "major"]


def test_query_cache_in_session(db):
    with db_session:
        q = select(s for s in db.Student if s.gpa > 3)
        stats_before = db.local_stats.get(None)
        before = stats_before.cache_count if stats_before else 0
        list(q)
        list(select(s for s in db.Student if s.gpa > 3))
        assert db.local_stats[None].cache_count >= before + 1
        db.Student.get(name="Carol").gpa = 3.7
        assert sorted(names(select(s for s in db.Student if s.gpa > 3))) == ["Alice", "Bob", "Carol"]


def test_translation_is_reused_with_new_parameter_values(db):
    def by_min_gpa(x):
        return sorted(select(s.name for s in db.Student if s.gpa >= x))

    with db_session:
        assert by_min_gpa(4) == ["Bob"]
        assert by_min_gpa(3) == ["Alice", "Bob"]
        assert by_min_gpa(2) == ["Alice", "Bob", "Carol"]
