"""``Query.stream(batch_size)`` and objects that keep their loaded values as a row tuple.

Streams read a batch at a time from a server-side cursor; the objects the program drops leave
the session's identity map. Every test runs on SQLite, PostgreSQL and MariaDB.
"""

from __future__ import annotations

import pytest

from pony.orm import (
    DatabaseSessionIsOver,
    Optional,
    PrimaryKey,
    Required,
    Set,
    TransactionError,
    UnrepeatableReadError,
    commit,
    count,
    db_session,
    flush,
    select,
)
from pony.orm.session.objects import current_cache, pk_index

ROWS = 600


def define_entities(db):
    class Team(db.Entity):
        id = PrimaryKey(int)
        title = Required(str)
        players = Set("Player")

    class Player(db.Entity):
        id = PrimaryKey(int)
        name = Required(str)
        score = Required(int)
        team = Optional(Team)

    class Owner(db.Entity):
        id = PrimaryKey(int)
        name = Required(str)
        tickets = Set("Ticket")

    class Ticket(db.Entity):
        id = PrimaryKey(int)
        owner = Required(Owner)

    class Note(db.Entity):  # no relations, keys or subclasses: its objects are row-backed
        id = PrimaryKey(int)
        text = Required(str)
        rank = Required(int)
        extra = Optional(str, nullable=True)


@pytest.fixture
def db(backend):
    db = backend.make_db(define_entities)
    with db_session:
        teams = [db.Team(id=i, title=f"team {i}") for i in range(1, 6)]
        for i in range(1, ROWS + 1):
            db.Player(id=i, name=f"player {i}", score=i % 37, team=teams[i % 5] if i % 4 else None)
            db.Note(id=i, text=f"note {i}", rank=i % 11)
            db.Ticket(id=i, owner=db.Owner(id=i, name=f"owner {i}"))
    return db


def identity_map_size(db, entity):
    return len(pk_index(current_cache(db), entity))


def test_stream_gives_the_rows_of_plain_iteration(db):
    with db_session:
        plain = [(p.id, p.name, p.score, p.team and p.team.id) for p in db.Player.select().order_by(db.Player.id)]
    with db_session:
        streamed = [(p.id, p.name, p.score, p.team and p.team.id)
                    for p in db.Player.select().order_by(db.Player.id).stream(batch_size=50)]
    assert streamed == plain and len(streamed) == ROWS


def test_stream_of_tuples_and_values(db):
    with db_session:
        query = select((p.name, p.score) for p in db.Player if p.score > 30)
        assert sorted(query.stream(batch_size=9)) == sorted(query[:])
        pairs = select((p, p.team) for p in db.Player if p.id <= 20)
        # a related object inside a tuple comes from the foreign key: None where it is NULL (as in Pony)
        streamed = sorted((p.id, t and t.id) for p, t in pairs.stream(batch_size=3))
        assert streamed == sorted((p.id, t and t.id) for p, t in pairs[:])
        assert streamed == [(i, (i % 5) + 1 if i % 4 else None) for i in range(1, 21)]
        assert sorted(select(n.rank for n in db.Note).stream(batch_size=4)) == list(range(11))


@pytest.mark.parametrize("batch_size", [1, 7, 100, ROWS, ROWS + 1])
def test_every_batch_size_reads_every_row_once(db, batch_size):
    with db_session:
        ids = [n.id for n in db.Note.select().order_by(db.Note.id).stream(batch_size=batch_size)]
    assert ids == list(range(1, ROWS + 1))


def test_an_empty_result_and_a_window(db):
    with db_session:
        assert list(db.Note.select(lambda n: n.rank > 100).stream()) == []
        window = db.Note.select().order_by(db.Note.id).limit(5, offset=10)
        assert [n.id for n in window.stream(batch_size=2)] == list(range(11, 16))


def test_bad_batch_sizes_are_refused(db):
    with db_session:
        query = db.Note.select()
        with pytest.raises(ValueError, match="batch_size must be positive. Got: 0"):
            query.stream(batch_size=0)
        with pytest.raises(TypeError, match="batch_size must be an int. Got: '10'"):
            query.stream(batch_size="10")
        with pytest.raises(TypeError, match="prefetch\\(\\) cannot be combined with stream\\(\\)"):
            db.Player.select().prefetch(db.Team).stream()


def test_other_queries_during_a_stream(db):
    Player, Note = db.Player, db.Note
    with db_session:
        seen = []
        for note in Note.select().order_by(Note.id).stream(batch_size=40):
            seen.append(note.id)
            if note.id % 150 == 0:
                assert Player[note.id].name == f"player {note.id}"
                assert count(p for p in Player if p.score == 3) == len([i for i in range(1, ROWS + 1) if i % 37 == 3])
                inner = [n.id for n in Note.select(lambda n: n.id <= 3).order_by(Note.id).stream(batch_size=2)]
                assert inner == [1, 2, 3]
                db.Note(id=10_000 + note.id, text="added", rank=0)
                flush()
        assert seen[:ROWS] == list(range(1, ROWS + 1))
    with db_session:
        assert count(n for n in Note if n.text == "added") == 4


def test_modified_streamed_objects_are_kept_and_saved(db):
    Player = db.Player
    with db_session:
        for p in Player.select().stream(batch_size=25):
            if p.id % 100 == 0:
                p.score = 1000
        assert identity_map_size(db, Player) < ROWS
        assert Player[100].score == 1000  # the modified object itself, kept by the session
        commit()
    with db_session:
        assert sorted(p.id for p in Player.select(lambda p: p.score == 1000)) == [100, 200, 300, 400, 500, 600]


def test_commit_inside_a_stream_loses_no_rows(db):
    Note = db.Note
    with db_session:
        ids = []
        for note in Note.select().order_by(Note.id).stream(batch_size=30):
            ids.append(note.id)
            if note.id % 200 == 0:
                note.rank = 99
                commit()
        assert ids == list(range(1, ROWS + 1))
    with db_session:
        assert sorted(n.id for n in Note.select(lambda n: n.rank == 99)) == [200, 400, 600]


def test_the_identity_map_stays_bounded_while_streaming(db):
    Player, Note = db.Player, db.Note
    with db_session:
        kept = Note[5]
        largest = 0
        held = []
        for note in Note.select().order_by(Note.id).stream(batch_size=50):
            largest = max(largest, identity_map_size(db, Note))
            if note.id % 100 == 0:
                held.append(note)
        assert largest <= 2 * 50 + 10
        # objects the program holds are still the session's: the same object comes back
        assert Note[5] is kept and all(Note[n.id] is n for n in held)
        assert [n.id for n in held] == [100, 200, 300, 400, 500, 600]
        largest = 0
        for p in Player.select().stream(batch_size=50):
            largest = max(largest, identity_map_size(db, Player))
            assert p.team is None or p.team.title.startswith("team")
        assert largest <= 2 * 50 + 10


def test_referenced_objects_leave_with_the_objects_that_referred_to_them(db):
    Ticket, Owner = db.Ticket, db.Owner
    with db_session:
        largest = 0
        names = []
        for ticket in Ticket.select().order_by(Ticket.id).stream(batch_size=40):
            if ticket.id % 2:
                names.append(ticket.owner.name)  # loads the owners of the batch
            largest = max(largest, identity_map_size(db, Owner))
        assert names == [f"owner {i}" for i in range(1, ROWS + 1, 2)]
        assert largest <= 2 * 40 + 10
        assert identity_map_size(db, Owner) <= 40 and identity_map_size(db, Ticket) <= 40


def test_an_object_loaded_before_the_stream_is_the_one_streamed(db):
    Note = db.Note
    with db_session:
        before = Note[7]
        before.text = "changed"
        streamed = [n for n in Note.select(lambda n: n.id <= 10).stream(batch_size=3) if n.id == 7]
        assert streamed == [before] and streamed[0] is before and before.text == "changed"


def test_an_error_in_the_loop_releases_the_cursor(db, backend):
    Note = db.Note
    with db_session:
        with pytest.raises(ZeroDivisionError):
            for note in Note.select().stream(batch_size=10):
                if note.id == 35:
                    raise ZeroDivisionError("in the loop")
        assert db.provider.open_streams == {}
        if backend.name == "postgres":
            assert db.select("select count(*) from pg_cursors") == [0]
        assert count(n for n in Note) == ROWS  # the connection is usable
    stream = db_session_stream_left_open(db)
    assert db.provider.open_streams == {}
    assert stream is not None


def db_session_stream_left_open(db):
    """A stream abandoned half-way: the session's end closes its cursor."""
    with db_session:
        stream = db.Note.select().stream(batch_size=10)
        next(stream)
        assert db.provider.open_streams != {}
    return stream


def test_objects_after_a_strict_session_cannot_be_read(db):
    with db_session(strict=True):
        notes = db.Note.select()[:]
    with pytest.raises(DatabaseSessionIsOver, match="the database session is over"):
        print(notes[0].text)


# --- row-backed objects (loaded values kept as a tuple) behave like any other ----------------------


def test_row_backed_objects_read_change_delete_and_pickle(db):
    Note = db.Note
    with db_session:
        notes = Note.select().order_by(Note.id)[:5]
        assert [n.text for n in notes] == [f"note {i}" for i in range(1, 6)]
        assert notes[0].to_dict() == {"id": 1, "text": "note 1", "rank": 1, "extra": None}
        unpickle, arguments = notes[1].__reduce__()  # what pickle stores (the class travels by name)
        assert arguments[1:] == (2, {"id": 2, "text": "note 2", "rank": 2, "extra": None})
        assert unpickle(*arguments) is notes[1]
        notes[2].rank = 50
        notes[2].extra = "x"
        notes[3].delete()
        assert Note.get(text="note 5") is notes[4]
        commit()
    with db_session:
        assert (Note[3].rank, Note[3].extra) == (50, "x")
        assert Note.get(id=4) is None
    assert notes[0].text == "note 1"  # loaded values stay readable after the session


def test_a_changed_row_read_again_updates_or_detects_the_change(db):
    Note = db.Note
    with db_session:
        first = Note.select(lambda n: n.id <= 3).order_by(Note.id)[:]
        db.execute("update note set rank = 77 where id = 2")
        again = Note.select(lambda n: n.id < 4).order_by(Note.id)[:]
        assert again == first and first[1].rank == 77  # not read yet: takes the new value
        db.execute("update note set rank = 78 where id = 2")
        with pytest.raises(UnrepeatableReadError, match="Value of Note.rank for Note\\[2\\] was updated outside"):
            Note.select(lambda n: n.id < 5)[:]


def test_streaming_outside_a_session_is_refused(db):
    with pytest.raises(TransactionError, match="db_session is required"):
        list(db.Note.select().stream())
