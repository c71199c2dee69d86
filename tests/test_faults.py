"""Faults: connections closed by the server, client processes killed mid-transaction.

A connection lost before anything was written is replaced without the user noticing; lost
after a write, the session fails with a clear error and nothing of the transaction is kept.
A client killed at any moment leaves only whole transactions (and, on SQLite, an intact file).
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import mysql_params, pg_params
from soak import size
from soak.writer import define_log

from pony.orm import (
    CommitException,
    ConnectionClosedError,
    DBException,
    PrimaryKey,
    Required,
    commit,
    db_session,
    flush,
)

WRITER = Path(__file__).parent / "soak" / "writer.py"


def define_entities(db):
    class Counter(db.Entity):
        id = PrimaryKey(int)
        value = Required(int)


def make_db(backend):
    db = backend.make_db(define_entities)
    with db_session:
        db.Counter(id=1, value=0)
    return db


# --- killing a connection the way its server would -------------------------------------------

def connection_handle(backend, db):
    """Inside a db_session: what ``kill_connection`` needs to end the session's connection."""
    if backend.name == "postgres":
        return db.get("pg_backend_pid()")
    if backend.name == "mysql":
        return db.get("connection_id()")
    return db.get_connection()  # SQLite has no server: the connection is closed under the ORM


def kill_connection(backend, handle):
    if backend.name == "sqlite":
        handle.close()
        return
    if backend.name == "postgres":
        import psycopg
        params = pg_params()
        params["dbname"] = params.pop("database")
        if not params["password"]:
            del params["password"]
        with psycopg.connect(autocommit=True, **params) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (handle,))
            wait_until_gone(lambda: admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s",
                                                  (handle,)).fetchone())
        return
    import pymysql
    admin = pymysql.connect(autocommit=True, **mysql_params())
    try:
        cursor = admin.cursor()
        cursor.execute(f"KILL {int(handle)}")

        def alive():
            cursor.execute("SELECT 1 FROM information_schema.processlist WHERE id = %s", (handle,))
            return cursor.fetchone()
        wait_until_gone(alive)
    finally:
        admin.close()


def wait_until_gone(alive, limit=10.0):
    deadline = time.monotonic() + limit
    while alive():
        assert time.monotonic() < deadline, "the server did not end the connection"
        time.sleep(0.02)


# --- connection closed by the server ---------------------------------------------------------

@pytest.mark.direct_connection
def test_connection_closed_between_sessions_is_replaced_silently(backend, record_property):
    db = make_db(backend)
    rounds = size(3, 30)
    for n in range(rounds):
        with db_session:
            handle = connection_handle(backend, db)
        kill_connection(backend, handle)
        with db_session:
            counter = db.Counter[1]
            assert counter.value == n
            counter.value += 1
            new_handle = connection_handle(backend, db)
            assert new_handle is not handle and new_handle != handle  # a new connection
    with db_session:
        assert db.Counter[1].value == rounds
    record_property("faults", rounds)


@pytest.mark.direct_connection
def test_connection_closed_inside_a_session_that_only_read_is_replaced(backend):
    db = make_db(backend)
    with db_session:
        assert db.Counter[1].value == 0
        kill_connection(backend, connection_handle(backend, db))
        assert db.select("select value from counter") == [0]
        db.Counter[1].value = 5
    with db_session:
        assert db.Counter[1].value == 5


@pytest.mark.parametrize("next_step", ["commit", "flush", "raw_sql", "load"])
def test_connection_closed_after_a_write_fails_and_keeps_nothing(backend, next_step, record_property):
    db = make_db(backend)
    with pytest.raises((ConnectionClosedError, CommitException)) as info:
        with db_session:
            counter = db.Counter[1]
            counter.value = 100
            db.Counter(id=2, value=7)
            flush()
            kill_connection(backend, connection_handle(backend, db))
            if next_step == "flush":
                counter.value = 200
                flush()
            elif next_step == "raw_sql":
                db.execute("update counter set value = 300")
            elif next_step == "load":
                db.Counter.get(id=3)
    exc = info.value
    if isinstance(exc, CommitException):  # the COMMIT itself met the closed connection
        assert str(exc).startswith("Commit failed: ")
        assert isinstance(exc.exceptions[0][1], DBException)
    else:
        assert "connection to the database was lost" in str(exc)
        assert "nothing of it was saved" in str(exc)
    with db_session:  # a new connection, and none of the transaction
        assert [(c.id, c.value) for c in db.Counter.select()] == [(1, 0)]
        db.Counter[1].value = 1
    with db_session:
        assert db.Counter[1].value == 1
    record_property("faults", 1)


def test_session_after_a_lost_connection_can_retry_the_transaction(backend):
    """``retry`` reruns a transaction whose connection was lost after a write."""
    db = make_db(backend)
    attempts = []

    @db_session(retry=2)
    def add_one():
        attempts.append(1)
        db.Counter[1].value += 1
        flush()
        if len(attempts) == 1:
            kill_connection(backend, connection_handle(backend, db))
            commit()

    add_one()
    assert len(attempts) == 2
    with db_session:
        assert db.Counter[1].value == 1


# --- client process killed -------------------------------------------------------------------

def start_writer(backend, **config):
    config["bind_args"] = backend.bind_args
    return subprocess.Popen([sys.executable, str(WRITER), json.dumps(config)], text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)


def kill_process(proc):
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()
    proc.stdin.close()


def check_after_kill(backend, db):
    """The file (SQLite) is intact and the database takes new writes."""
    if backend.name == "sqlite":
        path = backend.bind_args[0][1]
        con = sqlite3.connect(path)
        try:
            assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        finally:
            con.close()
    with db_session:
        db.Entry(batch=-1, payload="after")
    with db_session:
        assert db.Entry.get(batch=-1).payload == "after"


def test_client_killed_inside_a_transaction_leaves_only_committed_ones(backend, record_property):
    db = backend.make_db(define_log)
    rows, committed = 40, 2
    proc = start_writer(backend, batches=committed + 5, rows=rows, wait=True, payload=2000)
    try:
        for n in range(committed):
            assert proc.stdout.readline().strip() == f"inflight {n}"
            proc.stdin.write("go\n")
            proc.stdin.flush()
            assert proc.stdout.readline().strip() == f"committed {n}"
        assert proc.stdout.readline().strip() == f"inflight {committed}"  # rows sent, no commit
    finally:
        kill_process(proc)
    with db_session:
        counts = {b: db.Entry.select().filter(batch=b).count() for b in range(committed + 1)}
    assert counts == {**{n: rows for n in range(committed)}, committed: 0}
    check_after_kill(backend, db)
    record_property("faults", 1)


def test_client_killed_at_any_moment_leaves_whole_transactions(backend, record_property):
    db = backend.make_db(define_log)
    rng = random.Random(os.getpid())
    rows, kills, killed_at = 25, size(3, 25), []
    for _ in range(kills):
        proc = start_writer(backend, batches=10_000, rows=rows, payload=rng.randint(10, 3000))
        try:
            target = rng.randint(1, 4)
            for line in proc.stdout:
                if line.startswith("committed") and int(line.split()[1]) >= target:
                    break
            time.sleep(rng.random() * 0.05)  # land anywhere: inside a flush, a commit, between
        finally:
            kill_process(proc)
        with db_session:
            killed_at.append(db.Entry.select().count())
    assert all(total % rows == 0 for total in killed_at), killed_at
    check_after_kill(backend, db)
    record_property("faults", kills)
