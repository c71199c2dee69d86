"""Per-process connection limits: ``max_connections`` and ``pool_timeout`` bind options."""

from __future__ import annotations

import threading
import time

import pytest

from pony.orm import Database, Required, db_session, select
from pony.orm.routing import PoolExhaustedError


def define(db: Database) -> None:
    class Item(db.Entity):
        name = Required(str)


def limited_db(backend, max_connections: int, pool_timeout: float) -> Database:
    args, kwargs = backend.bind_args
    db = Database()
    define(db)
    db.bind(*args, **kwargs, max_connections=max_connections, pool_timeout=pool_timeout)
    backend.databases.append(db)
    db.generate_mapping(create_tables=True)
    return db


def test_exhausted_pool_raises_after_timeout_then_recovers(backend):
    if backend.name == "sqlite":
        args, kwargs = backend.bind_args
        with pytest.raises(TypeError, match="'max_connections' is not supported by the sqlite provider"):
            Database(*args, **kwargs, max_connections=1)
        return
    db = limited_db(backend, max_connections=1, pool_timeout=0.3)
    holding, done = threading.Event(), threading.Event()

    def hold_the_connection() -> None:
        with db_session:
            db.Item(name="held")
            db.flush()
            holding.set()
            done.wait(10)

    holder = threading.Thread(target=hold_the_connection)
    holder.start()
    assert holding.wait(10)
    started = time.monotonic()
    with pytest.raises(PoolExhaustedError, match=r"all 1 connections \(max_connections\) were in use for 0.3s"):
        with db_session:
            select(i for i in db.Item).count()
    assert 0.25 <= time.monotonic() - started < 5
    done.set()
    holder.join(10)
    with db_session:  # the holder's connection, idle now, is taken over by this thread
        assert [i.name for i in select(i for i in db.Item)] == ["held"]
    assert db.provider.pool.limit.open == 1


def test_threads_share_a_limited_pool_and_all_succeed(backend):
    if backend.name == "sqlite":
        pytest.skip("SQLite refuses max_connections (see the test above)")
    db = limited_db(backend, max_connections=2, pool_timeout=20)
    limit = db.provider.pool.limit
    most_open = []
    failures = []

    def worker(n: int) -> None:
        try:
            for i in range(5):
                with db_session:
                    db.Item(name=f"w{n}-{i}")
                    most_open.append(limit.open)
        except Exception as exc:  # collected: a failure in a thread must fail the test
            failures.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert failures == []
    assert max(most_open) <= 2
    with db_session:
        assert select(i for i in db.Item).count() == 30


def test_bad_limit_options_are_refused(backend):
    args, kwargs = backend.bind_args
    with pytest.raises(TypeError, match="'max_connections' must be a positive integer. Got: 0"):
        Database(*args, **kwargs, max_connections=0)
    with pytest.raises(TypeError, match="'pool_timeout' needs 'max_connections'"):
        Database(*args, **kwargs, pool_timeout=1)
    if backend.name != "sqlite":
        with pytest.raises(TypeError, match="'pool_timeout' must be a number of seconds >= 0. Got: -1"):
            Database(*args, **kwargs, max_connections=2, pool_timeout=-1)
