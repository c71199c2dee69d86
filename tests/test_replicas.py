"""Read replicas: ``bind(..., replicas=[...])`` and ``db_session(readonly=True)``.

On every backend a second database stands in for the replica (its rows differ on purpose, so the
rows a query returns show where it ran); on PostgreSQL a real streaming replica, made by the
fixture with pg_basebackup from a primary of its own, checks ``pg_is_in_recovery()``, lag and
read-your-writes."""

from __future__ import annotations

import os
import time
import warnings

import pytest

from pony.orm import Database, PonyRuntimeWarning, Required, TransactionError, commit, db_session, select
from tests.conftest import _mysql_connect, _pg_connect
from tests.servers.common import free_port, start_or_skip
from tests.servers.pgcluster import PgCluster


def define(db: Database) -> None:
    class Note(db.Entity):
        text = Required(str)


@pytest.fixture
def stand_in(backend):
    """Bind keywords of a second database of the same backend (the stand-in replica)."""
    args, kwargs = backend.bind_args
    if backend.name == "sqlite":
        yield {"provider": "sqlite", "filename": str(backend.tmp_path / "replica.sqlite"), "create_db": True}
        return
    name = f"{kwargs['database']}_replica"
    create, drop = (f'CREATE DATABASE "{name}"', f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)') \
        if backend.name == "postgres" else (f"CREATE DATABASE `{name}`", f"DROP DATABASE IF EXISTS `{name}`")
    _admin(backend.name, drop)
    _admin(backend.name, create)
    yield {"provider": args[0], **dict(kwargs, database=name)}
    _admin(backend.name, drop)


def _admin(name: str, sql: str) -> None:
    if name == "postgres":
        with _pg_connect(admin=True) as con:
            con.execute(sql)
    else:
        con = _mysql_connect(admin=True)
        try:
            con.cursor().execute(sql)
        finally:
            con.close()


def primary_kwargs(backend) -> dict:
    args, kwargs = backend.bind_args
    if backend.name == "sqlite":
        return {"provider": "sqlite", "filename": args[1], **kwargs}
    return {"provider": args[0], **kwargs}


def mapped(backend, bind_kwargs: dict, **options) -> Database:
    db = Database()
    define(db)
    db.bind(**bind_kwargs, **options)
    backend.databases.append(db)
    db.generate_mapping(create_tables=True)
    return db


def routed_db(backend, stand_in: dict, same_key: bool = False, **options) -> Database:
    """A Database whose primary holds the note 'primary' and whose replica the note 'replica'
    (under another key, unless ``same_key``: then it is the same row, changed on the primary since)."""
    replica = mapped(backend, stand_in)
    with db_session:
        replica.Note(id=1 if same_key else 100, text="replica")
    replica.disconnect()
    db = mapped(backend, primary_kwargs(backend), replicas=[{k: v for k, v in stand_in.items() if k != "provider"}],
                **options)
    with db_session:
        db.Note(text="primary")
    return db


def texts(db: Database) -> list[str]:
    return sorted(n.text for n in select(n for n in db.Note))


def test_readonly_sessions_read_from_the_replica_and_others_from_the_primary(backend, stand_in):
    db = routed_db(backend, stand_in)
    with db_session(readonly=True):
        assert texts(db) == ["replica"]
    with db_session:
        assert texts(db) == ["primary"]
    db.disconnect()


def test_reads_before_the_first_write_go_to_the_replica_when_asked(backend, stand_in):
    db = routed_db(backend, stand_in, replica_reads="all")
    with db_session:
        assert texts(db) == ["replica"]
        db.Note(text="second")
        assert texts(db) == ["primary", "second"]  # the write moved the session to the primary
        commit()
        assert texts(db) == ["primary", "second"]  # and it stays there
    with db_session:
        assert texts(db) == ["replica"]
    db.disconnect()


def test_a_row_read_on_the_replica_and_changed_since_is_detected_at_the_move_to_the_primary(backend, stand_in):
    db = routed_db(backend, stand_in, same_key=True, replica_reads="all")
    with pytest.raises(TransactionError, match=r"Value of Note.text for Note\[1\] was updated outside of current "
                                               r"transaction \(was: 'replica', now: 'primary'\)"):
        with db_session:
            note = db.Note[1]
            assert note.text == "replica"
            db.Note(text="second")
            texts(db)  # reads the row again, on the primary
    db.disconnect()
    check = mapped(backend, primary_kwargs(backend))  # no replicas: the primary itself
    with db_session:
        assert texts(check) == ["primary"]  # the session's insert was rolled back


def test_read_your_writes_keeps_this_thread_on_the_primary(backend, stand_in):
    db = routed_db(backend, stand_in, replica_reads="all", read_your_writes=60)
    with db_session:
        db.Note(text="mine")
    with db_session(readonly=True):
        assert texts(db) == ["mine", "primary"]
    db.disconnect()


def test_readonly_session_refuses_writes(backend):
    db = backend.make_db(define)
    with pytest.raises(TransactionError, match=r"Cannot change the database inside db_session\(readonly=True\)"):
        with db_session(readonly=True):
            db.Note(text="no")
    with pytest.raises(TransactionError, match=r"inside db_session\(readonly=True\)"):
        with db_session(readonly=True):
            db.execute("DELETE FROM note")
    with pytest.raises(TransactionError, match=r"inside db_session\(readonly=True\)"):
        with db_session(readonly=True):
            select(n for n in db.Note).for_update()[:]
    with pytest.raises(TransactionError, match=r"inside db_session\(readonly=True\)"):
        with db_session(readonly=True):
            with db.savepoint():
                pass
    with db_session(readonly=True):
        assert texts(db) == [] and db.select("SELECT count(*) FROM note") == [0]
    with db_session:
        assert texts(db) == []
    with pytest.raises(TypeError, match="'readonly' parameter of db_session cannot be used with 'immediate'"):
        db_session(readonly=True, immediate=True)


def test_replica_that_is_down_falls_back_to_the_primary_with_a_warning(backend):
    if backend.name == "sqlite":
        replica = {"filename": str(backend.tmp_path / "missing.sqlite"), "create_db": False}
    else:
        replica = {"port": free_port()}  # nothing listens there
    db = mapped(backend, primary_kwargs(backend), replicas=[replica], replica_retry_after=60)
    with db_session:
        db.Note(text="primary")
    with pytest.warns(PonyRuntimeWarning, match="Replica .* is unavailable, reading from the primary"):
        with db_session(readonly=True):
            assert texts(db) == ["primary"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # within replica_retry_after: no new attempt, no new warning
        with db_session(readonly=True):
            assert texts(db) == ["primary"]
    db.disconnect()


def test_bad_routing_options_are_refused(backend):
    kwargs = primary_kwargs(backend)
    with pytest.raises(TypeError, match="'replica_reads' must be one of readonly, all. Got: 'most'"):
        Database(**kwargs, replicas=[{}], replica_reads="most")
    with pytest.raises(TypeError, match="read_your_writes given without 'replicas'"):
        Database(**kwargs, read_your_writes=5)
    with pytest.raises(TypeError, match="'replicas' must be a non-empty list"):
        Database(**kwargs, replicas=[])


# --- a real streaming replica (PostgreSQL) ---------------------------------------------------

@pytest.fixture(scope="module")
def pg_cluster():
    if os.environ.get("PONY_PG_PGBOUNCER"):  # a cluster of their own: the run through PgBouncer adds nothing
        pytest.skip("not repeated in the run through PgBouncer")
    cluster = start_or_skip(lambda: PgCluster().start())
    yield cluster
    cluster.stop()


def cluster_db(backend, cluster: PgCluster, **options) -> Database:
    if backend.name != "postgres":
        pytest.skip("streaming replication is PostgreSQL's")
    db = Database()
    define(db)
    db.bind("postgres", host="127.0.0.1", port=cluster.primary_port, user="postgres", database="postgres",
            replicas=[{"port": cluster.replica_port}], **options)
    backend.databases.append(db)
    db.generate_mapping(create_tables=True)
    return db


def wait_for_replay(cluster: PgCluster, timeout: float = 30) -> None:
    import psycopg
    with psycopg.connect(host="127.0.0.1", port=cluster.primary_port, user="postgres", dbname="postgres",
                         autocommit=True) as primary, \
         psycopg.connect(host="127.0.0.1", port=cluster.replica_port, user="postgres", dbname="postgres",
                         autocommit=True) as replica:
        target = primary.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
        deadline = time.monotonic() + timeout
        while replica.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (target,)).fetchone()[0] is not True:
            assert time.monotonic() < deadline, "the replica did not catch up"
            time.sleep(0.05)


def replica_sql(cluster: PgCluster, sql: str) -> None:
    import psycopg
    with psycopg.connect(host="127.0.0.1", port=cluster.replica_port, user="postgres", dbname="postgres",
                         autocommit=True) as con:
        con.execute(sql)


def in_recovery(db: Database) -> bool:
    return db.select("SELECT pg_is_in_recovery()")[0]


def test_streaming_replica_serves_readonly_sessions(backend, pg_cluster):
    db = cluster_db(backend, pg_cluster)
    try:
        with db_session:
            db.Note(text="replicated")
            assert in_recovery(db) is False
        wait_for_replay(pg_cluster)
        with db_session(readonly=True):
            assert in_recovery(db) is True
            assert texts(db) == ["replicated"]
        with db_session:
            assert in_recovery(db) is False
    finally:
        db.drop_all_tables(with_all_data=True)
        db.disconnect()


def test_lagging_replica_read_your_writes_and_max_lag(backend, pg_cluster):
    sticky = cluster_db(backend, pg_cluster, read_your_writes=60)
    plain = Database()
    define(plain)
    plain.bind("postgres", host="127.0.0.1", port=pg_cluster.primary_port, user="postgres", database="postgres",
               replicas=[{"port": pg_cluster.replica_port}])
    plain.generate_mapping()
    strict = Database()
    define(strict)
    strict.bind("postgres", host="127.0.0.1", port=pg_cluster.primary_port, user="postgres", database="postgres",
                replicas=[{"port": pg_cluster.replica_port}], max_replica_lag=0.5)
    strict.generate_mapping()
    try:
        wait_for_replay(pg_cluster)
        replica_sql(pg_cluster, "SELECT pg_wal_replay_pause()")
        with db_session:
            sticky.Note(text="fresh")
        time.sleep(1.0)  # replay is paused: the replica now lags more than max_replica_lag
        with db_session(readonly=True):
            assert (texts(sticky), in_recovery(sticky)) == (["fresh"], False)  # read-your-writes
            assert (texts(plain), in_recovery(plain)) == ([], True)  # the lagging replica's stale view
            assert (texts(strict), in_recovery(strict)) == (["fresh"], False)  # lag too high: primary
        replica_sql(pg_cluster, "SELECT pg_wal_replay_resume()")
        wait_for_replay(pg_cluster)
        with db_session(readonly=True):
            assert (texts(plain), in_recovery(plain)) == (["fresh"], True)
            assert (texts(strict), in_recovery(strict)) == (["fresh"], True)  # caught up: replica again
    finally:
        replica_sql(pg_cluster, "SELECT pg_wal_replay_resume()")
        for db in (plain, strict):
            db.disconnect()
        sticky.drop_all_tables(with_all_data=True)
        sticky.disconnect()


def test_replica_stopped_mid_run_falls_back_to_the_primary(backend, pg_cluster):
    db = cluster_db(backend, pg_cluster)
    try:
        with db_session:
            db.Note(text="kept")
        wait_for_replay(pg_cluster)
        with db_session(readonly=True):
            assert in_recovery(db) is True
        pg_cluster.stop_replica()
        with pytest.warns(PonyRuntimeWarning, match="is unavailable, reading from the primary"):
            with db_session(readonly=True):
                assert (texts(db), in_recovery(db)) == (["kept"], False)
    finally:
        db.drop_all_tables(with_all_data=True)
        db.disconnect()

