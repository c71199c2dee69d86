"""``with db.savepoint():`` — an exception undoes only the block, in the database and in memory."""

import pytest

from pony.orm import *


class Boom(Exception):
    pass


def define_entities(db):
    class Team(db.Entity):
        name = Required(str, unique=True)
        players = Set("Player")

    class Player(db.Entity):
        name = Required(str)
        score = Required(int, default=0)
        team = Optional(Team)


@pytest.fixture
def db(backend):
    return backend.make_db(define_entities)


def stored(db):
    """(name, score) of every stored player, read by a new session."""
    with db_session:
        return sorted((p.name, p.score) for p in db.Player.select())


def test_failed_block_is_undone_and_the_session_goes_on(db):
    with db_session:
        ann = db.Player(name="Ann", score=1)
        with pytest.raises(Boom):
            with db.savepoint():
                ann.score = 2
                bob = db.Player(name="Bob")
                flush()
                raise Boom
        assert ann.score == 1
        assert bob._status_ == "cancelled"
        with pytest.raises(OperationWithDeletedObjectError):
            bob.name = "x"
        assert db.Player.select().count() == 1
        db.Player(name="Cid", score=3)
    assert stored(db) == [("Ann", 1), ("Cid", 3)]


def test_successful_block_is_kept(db):
    with db_session:
        with db.savepoint():
            db.Player(name="Ann", score=5)
        db.Player(name="Bob")
    assert stored(db) == [("Ann", 5), ("Bob", 0)]


def test_pending_changes_are_flushed_before_the_savepoint(db):
    with db_session:
        db.Player(name="Ann")  # not flushed yet: must not be undone by the block
        with pytest.raises(Boom):
            with db.savepoint():
                db.Player(name="Bob")
                raise Boom
    assert stored(db) == [("Ann", 0)]


def test_deleted_object_comes_back(db):
    with db_session:
        db.Player(name="Ann", score=7)
    with db_session:
        ann = db.Player.get(name="Ann")
        with pytest.raises(Boom):
            with db.savepoint():
                ann.delete()
                flush()
                assert db.Player.select().count() == 0
                raise Boom
        assert ann.score == 7
        ann.score = 8
        assert db.Player.get(name="Ann") is ann
    assert stored(db) == [("Ann", 8)]


def test_savepoints_nest(db):
    with db_session:
        with db.savepoint():
            db.Player(name="outer")
            with pytest.raises(Boom):
                with db.savepoint():
                    db.Player(name="inner")
                    flush()
                    raise Boom
            db.Player(name="after")
        with pytest.raises(Boom):
            with db.savepoint():
                db.Player(name="second")
                with db.savepoint():
                    db.Player(name="second-inner")
                raise Boom
    assert stored(db) == [("after", 0), ("outer", 0)]


def test_integrity_error_in_the_block_leaves_the_outer_transaction_usable(db):
    with db_session:
        red = db.Team(name="red")
        with pytest.raises(TransactionIntegrityError):
            with db.savepoint():
                red.name = "blue"
                db.execute(f"INSERT INTO {db.Team._table_} (name) VALUES ('green')")
                db.Team(name="green")  # the flush when leaving the block fails
        assert red.name == "red"
        db.Team(name="green")  # the unique key is free again in the identity map
    with db_session:
        assert sorted(t.name for t in db.Team.select()) == ["green", "red"]


def test_collection_changes_revert(db):
    with db_session:
        red = db.Team(name="red")
        ann = db.Player(name="Ann", team=red)
        bob = db.Player(name="Bob")
        with pytest.raises(Boom):
            with db.savepoint():
                red.players.add(bob)
                red.players.remove(ann)
                assert set(red.players) == {bob}
                raise Boom
        assert set(red.players) == {ann}
        assert bob.team is None and ann.team is red
        assert red.players.count() == 1
    with db_session:
        assert [p.name for p in db.Team.get(name="red").players] == ["Ann"]


def test_objects_first_loaded_in_the_block_are_reloaded(db):
    with db_session:
        db.Player(name="Ann", score=1)
    with db_session:
        with pytest.raises(Boom):
            with db.savepoint():
                db.execute(f"UPDATE {db.Player._table_} SET score = 99")
                ann = db.Player.get(name="Ann")
                assert ann.score == 99
                raise Boom
        assert ann.score == 1
        assert db.Player.get(name="Ann") is ann


def test_query_results_read_in_the_block_are_forgotten(db):
    with db_session:
        db.Player(name="Ann")
        with pytest.raises(Boom):
            with db.savepoint():
                db.Player(name="Bob")
                assert select(p for p in db.Player).count() == 2
                raise Boom
        assert select(p for p in db.Player).count() == 1
        assert [p.name for p in select(p for p in db.Player)] == ["Ann"]


def test_commit_inside_the_block_is_an_error_on_leaving(db):
    with db_session:
        with pytest.raises(TransactionError, match="transaction was committed or rolled back inside its block"):
            with db.savepoint():
                db.Player(name="Ann")
                commit()
    assert stored(db) == [("Ann", 0)]


def test_savepoint_needs_a_session(db):
    with pytest.raises(TransactionError, match="db_session is required"):
        with db.savepoint():
            pass


def test_failed_statement_in_the_block_does_not_poison_the_transaction(db):
    with db_session:
        db.Player(name="Ann")
        with pytest.raises(DBException):
            with db.savepoint():
                db.Player(name="Bob")
                db.execute("SELECT * FROM no_such_table_for_savepoints")
        assert [p.name for p in db.Player.select()] == ["Ann"]
        db.Player(name="Cid")
    assert stored(db) == [("Ann", 0), ("Cid", 0)]


def test_block_that_changes_nothing_and_many_savepoints_in_a_row(db):
    with db_session:
        for i in range(5):
            with db.savepoint():
                pass
            with pytest.raises(Boom):
                with db.savepoint():
                    db.Player(name=f"gone{i}")
                    raise Boom
            with db.savepoint():
                db.Player(name=f"kept{i}", score=i)
    assert stored(db) == [(f"kept{i}", i) for i in range(5)]
