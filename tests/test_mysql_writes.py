"""Write paths (the MySQL/MariaDB work, checked on every backend where it is behaviour).

Batches of new objects go in multi-row INSERTs whose keys must land on the right objects, also
while another connection inserts into the same table; a failing row of a batch is still named;
optimistic checks still guard every row of an UPDATE batch; and on MySQL/MariaDB the round
trips per operation are counted on the server (``Questions`` of the ORM's own connection).
"""

from __future__ import annotations

import threading
import time
from datetime import datetime

import pytest

from pony.orm import Optional, Required, commit, db_session, flush, select
from pony.orm.core import OptimisticCheckError, TransactionIntegrityError

STAMP = datetime(2024, 1, 2, 3, 4, 5, 123456)


def define(db):
    class Entry(db.Entity):
        name = Required(str, 60, unique=True)
        level = Required(int)
        note = Optional(str, 40, nullable=True)
        stamp = Optional(datetime)


@pytest.fixture
def db(backend):
    return backend.make_db(define)


def stored_names(db) -> dict:
    """id -> name of every row, read with raw SQL (not through the identity map)."""
    with db_session:
        return dict(db.select("id, name FROM entry"))


def insert_batch(db, prefix: str, count: int) -> dict:
    """Insert ``count`` new objects in one session; returns name -> id assigned by the ORM."""
    with db_session:
        entries = [db.Entry(name=f"{prefix}{i}", level=i % 7, stamp=STAMP) for i in range(count)]
    return {e.name: e.id for e in entries}


# --- keys of multi-row INSERTs ------------------------------------------------------------------


@pytest.mark.parametrize("count", [2, 100, 700])  # 700: more than one INSERT per batch
def test_batch_insert_gives_every_object_its_own_row(db, count):
    assigned = insert_batch(db, "n", count)
    assert len(set(assigned.values())) == count
    assert stored_names(db) == {id_: name for name, id_ in assigned.items()}
    with db_session:
        entry = db.Entry[assigned["n1"]]
        assert (entry.name, entry.level, entry.stamp) == ("n1", 1, STAMP)


def test_batch_ids_stay_right_while_another_connection_inserts(backend, db):
    if backend.name == "sqlite":
        pytest.skip("SQLite lets one connection write at a time: inserts cannot interleave")
    stop = threading.Event()
    failures: list = []
    written = [0]  # rows the other connection has committed

    def other_writer():
        try:
            i = 0
            while not stop.is_set():
                with db_session:
                    db.execute(f"INSERT INTO entry (name, level) VALUES ('other{i}', 99)")
                i += 1
                written[0] = i
        except Exception as exc:  # reported by the main thread
            failures.append(exc)

    thread = threading.Thread(target=other_writer)
    thread.start()
    assigned: dict = {}
    try:
        for round_ in range(15):
            assigned.update(insert_batch(db, f"r{round_}-", 60))
            before = written[0]  # let the other connection commit between two batches
            deadline = time.monotonic() + 5
            while written[0] == before and time.monotonic() < deadline and not failures:
                time.sleep(0.001)
    finally:
        stop.set()
        thread.join()
    assert not failures
    stored = stored_names(db)
    assert all(stored[id_] == name for name, id_ in assigned.items())
    others = [id_ for id_, name in stored.items() if name.startswith("other")]
    assert len(stored) == len(assigned) + len(others)
    # the other connection's rows did land between the batches' rows
    assert any(min(assigned.values()) < id_ < max(assigned.values()) for id_ in others)


def test_keys_from_last_insert_id_with_an_increment(backend):
    """MySQL has no INSERT ... RETURNING: the keys are LAST_INSERT_ID() plus the increment."""
    if backend.name != "mysql":
        pytest.skip("LAST_INSERT_ID() and @@auto_increment_increment are MySQL's")
    from pony.orm import Database
    db = Database()
    define(db)

    @db.on_connect(provider="mysql")
    def every_third(db, connection):
        connection.cursor().execute("SET SESSION auto_increment_increment = 3")

    backend.bind(db)
    db.generate_mapping(create_tables=True)
    db.provider.INSERT_RETURNING = False  # as on MySQL, also when the server is MariaDB
    assigned = insert_batch(db, "k", 50)
    ids = sorted(assigned.values())
    assert [b - a for a, b in zip(ids, ids[1:])] == [3] * 49
    assert stored_names(db) == {id_: name for name, id_ in assigned.items()}


# --- errors inside a batch ----------------------------------------------------------------------


def test_failing_row_of_an_insert_batch_is_named_and_nothing_is_saved(db):
    insert_batch(db, "taken", 1)
    with pytest.raises(TransactionIntegrityError) as info:
        with db_session:
            for i in range(10):
                db.Entry(name="taken0" if i == 6 else f"new{i}", level=i)
    assert str(info.value).startswith("Object Entry[new:")
    assert "cannot be stored in the database" in str(info.value)
    assert sorted(stored_names(db).values()) == ["taken0"]


def test_failing_row_of_an_insert_batch_names_that_object(db):
    insert_batch(db, "taken", 1)
    with db_session:
        entries = [db.Entry(name="taken0" if i == 4 else f"new{i}", level=i) for i in range(8)]
        with pytest.raises(TransactionIntegrityError) as info:
            flush()
        assert str(info.value).startswith(f"Object {entries[4]!r} cannot be stored in the database.")
        db.rollback()
    assert sorted(stored_names(db).values()) == ["taken0"]


def test_failing_row_in_a_later_insert_of_a_large_batch_undoes_the_whole_batch(db):
    insert_batch(db, "taken", 1)
    with db_session:
        entries = [db.Entry(name="taken0" if i == 600 else f"big{i}", level=i) for i in range(700)]
        with pytest.raises(TransactionIntegrityError) as info:
            flush()
        assert str(info.value).startswith(f"Object {entries[600]!r} cannot be stored in the database.")
        db.rollback()
    assert sorted(stored_names(db).values()) == ["taken0"]


def test_failing_row_of_an_update_batch_names_that_object(db):
    insert_batch(db, "u", 6)
    insert_batch(db, "fixed", 1)
    with db_session:
        entries = select(e for e in db.Entry if e.name.startswith("u")).order_by(db.Entry.id)[:]
        for i, entry in enumerate(entries):
            entry.name = "fixed0" if i == 3 else f"renamed{i}"
        with pytest.raises(TransactionIntegrityError) as info:
            flush()
        assert str(info.value).startswith(f"Object {entries[3]!r} cannot be updated in the database.")
        db.rollback()
    assert sorted(stored_names(db).values()) == ["fixed0"] + [f"u{i}" for i in range(6)]


# --- UPDATE batches -----------------------------------------------------------------------------


def test_update_batch_writes_each_row_its_own_values(db):
    assigned = insert_batch(db, "v", 40)
    with db_session:
        for entry in db.Entry.select():
            number = int(entry.name[1:])
            entry.level = number * 10
            entry.note = None if number % 3 == 0 else f"note {number}"
            entry.stamp = datetime(2025, 1, 1 + number % 28, number % 24)
    with db_session:
        rows = select((e.id, e.level, e.note, e.stamp) for e in db.Entry)[:]
    assert len(rows) == 40
    for id_, level, note, stamp in rows:
        number = {v: int(k[1:]) for k, v in assigned.items()}[id_]
        assert level == number * 10
        assert note == (None if number % 3 == 0 else f"note {number}")
        assert stamp == datetime(2025, 1, 1 + number % 28, number % 24)


def test_update_batch_checks_null_and_non_null_values_read(db):
    with db_session:
        for i in range(10):
            db.Entry(name=f"c{i}", level=i, note=None if i % 2 else f"was {i}")
    with db_session:
        for entry in db.Entry.select():
            _ = entry.note  # read: the UPDATE checks it (IS NULL or = old value)
            entry.level += 100
    with db_session:
        assert sorted(select(e.level for e in db.Entry)[:]) == list(range(100, 110))


def test_optimistic_check_fails_for_the_changed_row_of_a_batch(db):
    insert_batch(db, "o", 12)
    with pytest.raises(OptimisticCheckError) as info:
        with db_session:
            entries = db.Entry.select().order_by(db.Entry.id)[:]
            victim = entries[8]
            changed_elsewhere(db, victim.id)
            for entry in entries:
                entry.level = 50
            commit()
    message = str(info.value)
    assert message.startswith(f"Object Entry[{victim.id}] was updated outside of current transaction")
    assert "level (1 -> 77)" in message
    with db_session:
        levels = sorted(select(e.level for e in db.Entry)[:])
    assert 50 not in levels and 77 in levels


def changed_elsewhere(db, id_: int) -> None:
    """Another session commits a change to row ``id_`` (in a thread: a session of its own)."""
    def change():
        with db_session:
            db.execute(f"UPDATE entry SET level = 77 WHERE id = {int(id_)}")

    thread = threading.Thread(target=change)
    thread.start()
    thread.join()


def test_delete_batch_removes_exactly_its_rows(db):
    assigned = insert_batch(db, "d", 30)
    with db_session:
        for entry in db.Entry.select(lambda e: e.level < 3):
            entry.delete()
    kept = {id_: name for name, id_ in assigned.items() if int(name[1:]) % 7 >= 3}
    assert stored_names(db) == kept


def test_reads_of_a_session_that_has_not_written_see_other_commits(db):
    insert_batch(db, "seen", 1)
    with db_session:
        # raw SQL: a repeated query of the same session would be answered by the query cache
        assert db.select("count(*) FROM entry") == [1]

        def other_session():
            insert_batch(db, "later", 1)

        thread = threading.Thread(target=other_session)
        thread.start()
        thread.join()
        assert db.select("count(*) FROM entry") == [2]


# --- round trips on MySQL/MariaDB ---------------------------------------------------------------


def questions(db) -> int:
    """Statements the server received on the ORM's connection (the SHOW itself included)."""
    cursor = db.provider.pool.con.cursor()
    cursor.execute("SHOW SESSION STATUS LIKE 'Questions'")
    return int(cursor.fetchone()[1])


def round_trips(db, operation) -> int:
    calibration = -questions(db) + questions(db)  # what one SHOW adds
    before = questions(db)
    operation()
    return questions(db) - before - calibration


def test_round_trips_per_operation(backend, db):
    if backend.name != "mysql":
        pytest.skip("counted with MySQL's SHOW SESSION STATUS")
    insert_batch(db, "warm", 1)  # opens the pooled connection

    def insert_one():
        insert_batch(db, "one", 1)

    def insert_hundred():
        insert_batch(db, "h", 100)

    assert round_trips(db, insert_one) == 1  # the INSERT commits by itself (autocommit)
    assert round_trips(db, insert_hundred) == 1  # one multi-row INSERT, in autocommit
    with db_session:
        entry = db.Entry.get(name="one0")
        entry.level = 5
        assert round_trips(db, commit) == 1  # one UPDATE, in autocommit
    with db_session:
        entries = select(e for e in db.Entry if e.name.startswith("h"))[:]
        for entry in entries:
            entry.level += 1
        assert round_trips(db, commit) == 4  # BEGIN, SAVEPOINT, one UPDATE, COMMIT
    with db_session:
        entries = select(e for e in db.Entry if e.name.startswith("h"))[:]
        for entry in entries:
            entry.delete()
        assert round_trips(db, commit) == 1  # one DELETE ... IN, in autocommit

    def read_session():
        with db_session:
            db.Entry.get(name="one0")

    assert round_trips(db, read_session) == 1  # no COMMIT after reads
    with db_session:
        assert db.Entry.get(name="one0").level == 5
        assert select(e for e in db.Entry if e.name.startswith("h")).count() == 0


def test_bulk_writes_send_one_statement_per_chunk(backend, db):
    if backend.name != "mysql":
        pytest.skip("counted with MySQL's SHOW SESSION STATUS")
    insert_batch(db, "warm", 1)  # opens the pooled connection
    rows = [dict(name=f"b{i}", level=i % 7, stamp=STAMP) for i in range(700)]

    def bulk_insert():
        with db_session:
            db.Entry.insert_many(rows)

    def bulk_upsert():
        with db_session:
            db.Entry.insert_many([dict(row, level=99) for row in rows], on_conflict="update",
                                 conflict_keys=["name"])

    # BEGIN, one 700-row INSERT (any row count per statement: the drivers bind on the client), COMMIT
    assert round_trips(db, bulk_insert) == 3
    assert round_trips(db, bulk_upsert) == 3  # one INSERT ... ON DUPLICATE KEY UPDATE of 700 rows
    with db_session:
        assert select(e for e in db.Entry if e.name.startswith("b") and e.level == 99).count() == 700
        assert db.Entry.get(name="b5").stamp == STAMP
