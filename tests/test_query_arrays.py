"""Array attributes inside queries (SPEC 9.6): index, slice, len, membership and subsets.

Arrays exist on SQLite (JSON text) and PostgreSQL (native arrays); MySQL refuses the declaration.
"""

import pytest

from pony.orm import *


def define_entities(db):
    class Post(db.Entity):
        title = Required(str)
        tags = Optional(StrArray)
        scores = Optional(IntArray)


@pytest.fixture
def db(backend):
    if not backend.has("arrays"):
        with pytest.raises(NotImplementedError, match="Array type is not supported"):
            backend.make_db(define_entities)
        pytest.skip(f"{backend.name} has no array columns (refusal checked above)")
    db = backend.make_db(define_entities)
    with db_session:
        db.Post(title="a", tags=["x", "y"], scores=[1, 2, 3])
        db.Post(title="b", tags=["y"], scores=[5])
        db.Post(title="c", tags=[], scores=[])
    return db


def titles(query):
    return sorted(query)


def test_membership_of_an_item(db):
    with db_session:
        assert titles(select(p.title for p in db.Post if "y" in p.tags)) == ["a", "b"]
        assert titles(select(p.title for p in db.Post if 2 in p.scores)) == ["a"]
        assert titles(select(p.title for p in db.Post if "x" not in p.tags)) == ["b", "c"]


def test_subset_of_a_list(db):
    wanted = ["x", "y"]
    with db_session:
        assert titles(select(p.title for p in db.Post if wanted in p.tags)) == ["a"]
        assert titles(select(p.title for p in db.Post if [1, 3] in p.scores)) == ["a"]


def test_length_and_emptiness(db):
    with db_session:
        assert titles(select(p.title for p in db.Post if len(p.scores) >= 1)) == ["a", "b"]
        assert titles(select(p.title for p in db.Post if len(p.tags) == 0)) == ["c"]


def test_index_including_negative(db):
    with db_session:
        assert titles(select(p.title for p in db.Post if p.scores[0] == 1)) == ["a"]
        assert titles(select(p.title for p in db.Post if p.scores[-1] == 3)) == ["a"]
        assert select(p.scores[1] for p in db.Post if p.title == "a").get() == 2


def test_slice(db):
    with db_session:
        assert select(p.scores[1:3] for p in db.Post if p.title == "a").get() == [2, 3]


def test_array_parameter_is_bound(db):
    tag = "x'); DROP TABLE post; --"
    with db_session:
        assert titles(select(p.title for p in db.Post if tag in p.tags)) == []
        assert db.Post.select().count() == 3
