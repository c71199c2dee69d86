"""Objects known only by primary key are loaded in batches (one query per batch, not one per
object), and INSERT/UPDATE statements are built once per entity and column set."""

from __future__ import annotations

import pytest

from pony.orm import Database, Optional, PrimaryKey, Required, Set, db_session, flush


def define(db: Database) -> None:
    class Owner(db.Entity):
        name = Required(str)
        city = Optional(str)
        cars = Set("Car")

    class Car(db.Entity):
        model = Required(str)
        owner = Required(Owner)

    class Pair(db.Entity):
        x = Required(int)
        y = Required(str)
        label = Optional(str)
        PrimaryKey(x, y)
        links = Set("Link")

    class Link(db.Entity):
        pair = Required(Pair)


N = 12


@pytest.fixture
def db(backend):
    db = backend.make_db(define)
    with db_session:
        for i in range(N):
            owner = db.Owner(name=f"o{i}")
            db.Car(model=f"m{i}", owner=owner)
            db.Link(pair=db.Pair(x=i, y=str(i), label=f"p{i}"))
    return db


def statements(db, verb: str) -> dict:
    """SQL text -> times executed, for statements starting with ``verb`` in this thread."""
    return {sql: stat.db_count for sql, stat in db.local_stats.items()
            if sql and sql.lstrip().upper().startswith(verb)}


def test_seeds_are_loaded_in_one_query(db):
    with db_session:
        cars = db.Car.select_by_sql("SELECT * FROM car")
        db.merge_local_stats()
        assert sorted(car.owner.name for car in cars) == sorted(f"o{i}" for i in range(N))
        assert sum(statements(db, "SELECT").values()) == 1


def test_seeds_with_a_composite_key_are_loaded_in_one_query(db):
    with db_session:
        links = db.Link.select_by_sql("SELECT * FROM link")
        db.merge_local_stats()
        assert sorted(link.pair.label for link in links) == sorted(f"p{i}" for i in range(N))
        assert sum(statements(db, "SELECT").values()) == 1


def test_batch_size_follows_the_parameter_limit(db, monkeypatch):
    monkeypatch.setattr(type(db.provider), "max_params_count", 5)
    with db_session:
        cars = db.Car.select_by_sql("SELECT * FROM car")
        db.merge_local_stats()
        for car in cars:
            car.owner.name  # noqa: B018
        assert sum(statements(db, "SELECT").values()) == 3  # 5 + 5 + 2
    monkeypatch.setattr(type(db.provider), "max_params_count", 4)
    with db_session:
        links = db.Link.select_by_sql("SELECT * FROM link")
        db.merge_local_stats()
        for link in links:
            link.pair.label  # noqa: B018
        assert sum(statements(db, "SELECT").values()) == 6  # two key columns: 2 objects per query


def test_loaded_seed_is_not_loaded_again(db):
    with db_session:
        cars = db.Car.select_by_sql("SELECT * FROM car")
        cars[0].owner.name  # noqa: B018
        db.merge_local_stats()
        assert db.Owner[cars[-1].owner.id].name == f"o{N - 1}"
        assert statements(db, "SELECT") == {}


def test_one_insert_statement_per_entity_and_column_set(db):
    with db_session:
        db.merge_local_stats()
        for i in range(5):
            owner = db.Owner(name=f"n{i}", city="X" if i % 2 else "")
        for i in range(3):
            db.Car(model=f"c{i}", owner=owner)
        flush()
        inserts = statements(db, "INSERT")
        if db.provider.INSERT_ROWS_RETURNING:  # several new rows share one multi-row INSERT
            assert sum(inserts.values()) < 8
        else:
            assert sorted(inserts.values()) == [3, 5]


def test_one_update_statement_per_column_set(db):
    with db_session:
        owners = db.Owner.select_by_sql("SELECT * FROM owner")
        db.merge_local_stats()
        for owner in owners[:4]:
            owner.city = "Y"
        for owner in owners[4:6]:
            owner.set(city="Z", name=owner.name + "!")
        flush()
        # a statement per row sent together, or one UPDATE per column set where the provider can
        expected = [1, 1] if db.provider.UPDATE_ROWS_IN_ONE else [2, 4]
        assert sorted(statements(db, "UPDATE").values()) == expected
    with db_session:
        assert [o.city for o in db.Owner.select_by_sql("SELECT * FROM owner ORDER BY id")][:7] == \
            ["Y"] * 4 + ["Z"] * 2 + [""]
