"""``Query.prefetch()`` loads related objects in bulk: one query per collection or lazy attribute
and per batch of related objects, whatever the number of objects in the result; the objects of
to-one relations of the selected entity come in the main SELECT (a LEFT JOIN)."""

from __future__ import annotations

import pytest
from query_models import define_entities, populate

from pony.orm import LongStr, Optional, PrimaryKey, Required, Set, db_session


@pytest.fixture(scope="module")
def db(backend_module):
    db = backend_module.make_db(define_entities)
    populate(db)
    return db


def queries(db):
    return sum(stat.db_count for sql, stat in db.local_stats.items() if sql is not None)


def test_collections_and_related_objects_one_query_each(db):
    with db_session:
        db.merge_local_stats()
        students = db.Student.select().prefetch(db.Student.courses, db.Group, db.Group.students)[:]
        # students with their groups (joined in the same SELECT), their courses, the groups' students
        assert queries(db) == 3
        summary = sorted((s.name, sorted(c.name for c in s.courses), s.group.major, len(s.group.students))
                         for s in students)
        assert queries(db) == 3  # everything above was in memory
    assert summary == [("Alice", ["Calculus", "Topology"], "Algebra", 2), ("Bob", ["Calculus"], "Algebra", 2),
                       ("Carol", ["Lasers", "Topology"], "Geometry", 1), ("Dan_%", [], "Optics", 1)]


def test_one_to_many_collection_and_its_reverse(db):
    with db_session:
        db.merge_local_stats()
        groups = db.Group.select().prefetch(db.Group.students)[:]
        assert queries(db) == 2
        assert sorted((g.number, sorted(s.name for s in g.students)) for g in groups) == [
            (101, ["Alice", "Bob"]), (102, ["Carol"]), (201, ["Dan_%"])]
        assert sorted(s.group.number for g in groups for s in g.students) == [101, 101, 102, 201]
        assert queries(db) == 2


def test_prefetch_sees_unflushed_changes(db):
    with db_session:
        carol = db.Student.get(name="Carol")
        carol.group = db.Group[101]
        groups = db.Group.select().prefetch(db.Group.students)[:]
        assert {g.number: sorted(s.name for s in g.students) for g in groups} == {
            101: ["Alice", "Bob", "Carol"], 102: [], 201: ["Dan_%"]}
        db.rollback()


def define_documents(db):
    class Author(db.Entity):
        id = PrimaryKey(int)
        name = Required(str)
        docs = Set("Doc")

    class Doc(db.Entity):
        id = PrimaryKey(int)
        title = Required(str)
        body = Optional(LongStr, lazy=True)
        author = Required(Author)


def test_lazy_attribute_one_query_for_all_objects(backend):
    db = backend.make_db(define_documents)
    with db_session:
        authors = [db.Author(id=i, name=f"a{i}") for i in range(1, 4)]
        for i in range(1, 10):
            db.Doc(id=i, title=f"t{i}", body="x" * i * 100, author=authors[i % 3])
    with db_session:
        db.merge_local_stats()
        docs = db.Doc.select().prefetch(db.Doc.body, db.Author)[:]
        assert queries(db) == 1  # docs with their bodies and their authors (joined): one SELECT
        assert sorted((d.id, len(d.body), d.author.name) for d in docs) == [
            (i, i * 100, f"a{authors_id}") for i, authors_id in ((i, (i % 3) + 1) for i in range(1, 10))]
        assert queries(db) == 1
