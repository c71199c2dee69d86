"""Query caching (SPEC 9.7): translations cached per code and parameter types; per-session
query results answered from the cache until a write, commit, rollback or bulk delete."""

from __future__ import annotations

import pytest
from query_models import define_entities, populate

from pony.orm import commit, db_session, delete, flush, rollback, select
from pony.orm.translation.chain import translation_count


@pytest.fixture(scope="module")
def db(backend_module):
    db = backend_module.make_db(define_entities)
    populate(db)
    return db


def names_over(Student, gpa):
    return sorted(select(s.name for s in Student if s.gpa > gpa)[:])


def test_second_call_of_a_generator_query_does_no_translation(db):
    with db_session:
        assert names_over(db.Student, 3.0) == ["Alice", "Bob"]
        before = translation_count()
        assert names_over(db.Student, 3.6) == ["Bob"]
        assert names_over(db.Student, 0.0) == ["Alice", "Bob", "Carol"]  # Dan's gpa is None
        assert translation_count() == before


def test_another_parameter_type_translates_again_once(db):
    with db_session:
        names_over(db.Student, 3.0)
        before = translation_count()
        assert names_over(db.Student, 3) == ["Alice", "Bob"]  # int instead of float
        assert translation_count() == before + 1
        assert names_over(db.Student, 2) == ["Alice", "Bob", "Carol"]
        assert translation_count() == before + 1


@pytest.mark.parametrize("form", ["lambda", "text"])
def test_lambda_and_text_queries_are_cached(db, form):
    def run(limit):
        if form == "lambda":
            return db.Student.select(lambda s: s.gpa > limit).order_by(lambda s: s.name)[:]
        return db.Student.select("lambda s: s.gpa > limit").order_by("s.name")[:]

    with db_session:
        assert [s.name for s in run(3.0)] == ["Alice", "Bob"]
        before = translation_count()
        assert [s.name for s in run(3.6)] == ["Bob"]
        assert [s.name for s in run(1.0)] == ["Alice", "Bob", "Carol"]
        assert translation_count() == before


def test_same_code_with_two_databases_is_translated_once_per_database(backend_module, db):
    other = backend_module.make_db(define_entities)  # the same tables, a second Database
    with db_session:
        assert names_over(db.Student, 3.0) == ["Alice", "Bob"]
        assert names_over(other.Student, 3.0) == ["Alice", "Bob"]
        before = translation_count()
        for gpa in (3.0, 3.6, 1.0):
            names_over(db.Student, gpa)
            names_over(other.Student, gpa)
        assert translation_count() == before


def executed(db, sql):
    stat = db.local_stats.get(sql)
    return (stat.db_count, stat.cache_count) if stat is not None else (0, 0)


def test_identical_query_in_a_session_is_answered_from_the_cache(db):
    db.merge_local_stats()
    with db_session:
        def query(gpa):
            return select(s for s in db.Student if s.gpa > gpa)

        sql = query(3.0).get_sql()
        first = query(3.0)[:]
        second = query(3.0)[:]
        assert sorted(s.name for s in second) == sorted(s.name for s in first) == ["Alice", "Bob"]
        assert executed(db, sql) == (1, 1)
        assert [s.name for s in query(3.6)[:]] == ["Bob"]  # another parameter value: sent to the database
        assert executed(db, sql) == (2, 1)
    with db_session:  # a new session starts with an empty cache
        query(3.0)[:]
        assert executed(db, sql) == (3, 1)


def test_aggregates_are_cached_too(db):
    db.merge_local_stats()
    with db_session:
        q = select(s for s in db.Student if s.gpa > 3.0)
        assert q.count() == 2
        assert q.count() == 2
        stats = [stat for stat in db.local_stats.values() if stat.sql and "COUNT" in stat.sql.upper()]
        assert [(st.db_count, st.cache_count) for st in stats] == [(1, 1)]


@pytest.mark.parametrize("action", ["flush", "commit", "rollback", "bulk_delete"])
def test_cache_is_cleared(db, action):
    db.merge_local_stats()
    with db_session:
        q = select(c.name for c in db.Course if c.credits >= 4)
        sql = q.get_sql()
        assert sorted(q[:]) == ["Calculus", "Lasers"]
        if action == "flush":
            db.Course.select(lambda c: c.name == "Topology").first().credits = 4
            flush()
        elif action == "commit":
            commit()
        elif action == "rollback":
            rollback()
        else:
            select(t for t in db.Teacher if t.salary < 0).delete(bulk=True)
        expected = ["Calculus", "Lasers", "Topology"] if action == "flush" else ["Calculus", "Lasers"]
        assert sorted(select(c.name for c in db.Course if c.credits >= 4)[:]) == expected
        assert executed(db, sql) == (2, 0)
        rollback()


def test_changes_in_memory_are_flushed_before_a_query_and_not_answered_from_the_cache(db):
    db.merge_local_stats()
    with db_session:
        assert sorted(select(c.name for c in db.Course if c.credits >= 5)[:]) == ["Calculus"]
        db.Course.select(lambda c: c.name == "Lasers").first().credits = 5
        assert sorted(select(c.name for c in db.Course if c.credits >= 5)[:]) == ["Calculus", "Lasers"]
        rollback()


def test_non_bulk_delete_clears_the_cache(db):
    with db_session:
        assert select(t for t in db.Teacher).count() == 2
        assert delete(t for t in db.Teacher if t.salary > 1500) == 1
        assert select(t for t in db.Teacher).count() == 1
        rollback()
