"""Async sessions: the ordinary API inside ``@db_session async def`` / ``async with db_session``
runs on non-blocking drivers (psycopg AsyncConnection, aiomysql, sqlite3 in a worker thread)."""

from __future__ import annotations

import asyncio
import threading

import pytest

from pony.orm import *
from pony.orm import aio
from pony.orm.aio import AsyncBridgeError, PoolTimeoutError

pytest.importorskip("greenlet")


def define(db):
    class Person(db.Entity):
        name = Required(str)
        age = Required(int)
        pets = Set("Pet")

    class Pet(db.Entity):
        name = Required(str)
        owner = Required(Person)


@pytest.fixture
def db(backend):
    db = backend.make_db(define)
    with db_session:
        ann = db.Person(name="Ann", age=30)
        db.Person(name="Bob", age=40)
        db.Pet(name="Rex", owner=ann)
        db.Pet(name="Tom", owner=ann)
    return db


def names(db):
    with db_session:
        return sorted(select(p.name for p in db.Person))


def server_sleep_sql(backend, seconds):
    if backend.name == "postgres":
        return f"SELECT pg_sleep({seconds})"
    if backend.name == "mysql":
        return f"SELECT SLEEP({seconds})"
    # SQLite: a CPU-bound query (the sqlite3 module releases the GIL while it runs)
    return "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000) SELECT count(*) FROM c"


def server_connections(backend):
    """Connections the server holds to the test database (None on SQLite)."""
    if backend.name == "postgres":
        from conftest import _pg_connect
        with _pg_connect() as con:
            return con.execute("SELECT count(*) - 1 FROM pg_stat_activity WHERE datname = current_database()"
                               ).fetchone()[0]
    if backend.name == "mysql":
        from conftest import _mysql_connect
        con = _mysql_connect()
        try:
            cur = con.cursor()
            cur.execute("SELECT count(*) - 1 FROM information_schema.processlist WHERE db = DATABASE()")
            return cur.fetchone()[0]
        finally:
            con.close()
    return None


# --- the plain API, non-blocking ----------------------------------------------------------------


def test_plain_api_inside_async_function(db):
    @db_session
    async def work():
        ann = db.Person.get(name="Ann")              # get
        await asyncio.sleep(0)
        pets = sorted(p.name for p in ann.pets)      # collection load
        older = select(p.name for p in db.Person if p.age > 35)[:]  # select
        bob = db.Person[2]
        await asyncio.sleep(0)
        age = bob.age                                # attribute of a loaded object
        raw = db.select("SELECT name FROM person WHERE age < $(age)")  # raw SQL
        ann.age += 1                                 # a change pending across the await below
        await asyncio.sleep(0)
        flush()
        db.Pet(name="Kit", owner=bob)
        return pets, list(older), age, list(raw)

    assert asyncio.run(work()) == (["Rex", "Tom"], ["Bob"], 40, ["Ann"])
    with db_session:
        assert db.Person.get(name="Ann").age == 31
        assert sorted(p.name for p in db.Person.get(name="Bob").pets) == ["Kit"]


def test_lazy_attribute_load_across_await(db):
    @db_session
    async def work():
        pet = db.Pet.get(name="Rex")
        await asyncio.sleep(0)
        return pet.owner.name, pet.owner.age  # owner is loaded lazily after the await

    assert asyncio.run(work()) == ("Ann", 30)


def test_other_tasks_run_while_a_query_waits(backend, db):
    """A task waiting for the server holds the connection but not the event loop: a ticker runs."""
    sql = server_sleep_sql(backend, 0.3)
    ticks = []

    @db_session
    async def slow():
        db.select(sql)

    async def ticker(stop):
        while not stop.is_set():
            ticks.append(1)
            await asyncio.sleep(0.005)

    async def main():
        stop = asyncio.Event()
        tick_task = asyncio.create_task(ticker(stop))
        await asyncio.sleep(0)
        before = len(ticks)
        await slow()
        during = len(ticks) - before
        stop.set()
        await tick_task
        return during

    assert asyncio.run(main()) >= 5


def test_a_task_waiting_for_a_lock_does_not_block_the_holder(backend, db):
    """Deterministic: B waits on the server for A's row lock / write lock; A can only commit if
    the event loop keeps running while B waits."""
    order = []

    @db_session
    async def holder(locked: asyncio.Event):
        db.Person.get(name="Ann").age = 50
        flush()                        # the row (SQLite: the file) is locked until commit
        locked.set()
        await asyncio.sleep(0.2)       # B is waiting on the server meanwhile
        order.append("A commits")

    @db_session
    async def waiter(locked: asyncio.Event):
        await locked.wait()
        if backend.name == "postgres":
            db.execute("SET lock_timeout = '5s'")
        elif backend.name == "mysql":
            db.execute("SET SESSION innodb_lock_wait_timeout = 5")
        bob = db.Person.get(name="Bob")
        bob.age = 60
        db.execute("UPDATE person SET age = age + 1 WHERE name = 'Ann'")  # waits for A's lock
        order.append("B updated")

    async def main():
        locked = asyncio.Event()
        await asyncio.gather(holder(locked), waiter(locked))

    asyncio.run(main())
    assert order == ["A commits", "B updated"]
    with db_session:
        assert db.Person.get(name="Ann").age == 51


# --- sessions and transactions ------------------------------------------------------------------


def test_changes_stay_pending_across_awaits_and_commit_at_the_end(db):
    seen = []

    @db_session
    async def write():
        db.Person(name="Cid", age=1)
        await asyncio.sleep(0.01)
        db.Person(name="Dan", age=2)
        await asyncio.sleep(0.01)

    async def main():
        task = asyncio.create_task(write())
        await asyncio.sleep(0.005)
        seen.append(await aio.call(names, db))  # another session does not see the pending rows
        await task

    asyncio.run(main())
    assert seen == [["Ann", "Bob"]]
    assert names(db) == ["Ann", "Bob", "Cid", "Dan"]


def test_an_exception_rolls_back(db):
    @db_session
    async def fail():
        db.Person(name="Zed", age=9)
        flush()
        await asyncio.sleep(0)
        raise ValueError("boom")

    with pytest.raises(ValueError, match="^boom$"):
        asyncio.run(fail())
    assert names(db) == ["Ann", "Bob"]


def test_each_task_has_its_own_session_and_connection(db):
    @db_session
    async def identity(name):
        first = db.Person.get(name=name)
        await asyncio.sleep(0.01)
        cache = db._get_cache()
        return first is db.Person.get(name=name), id(cache), id(cache.connection.raw)

    async def main():
        return await asyncio.gather(identity("Ann"), identity("Ann"), identity("Bob"))

    results = asyncio.run(main())
    assert all(same for same, _, _ in results)
    assert len({cache for _, cache, _ in results}) == 3
    assert len({con for _, _, con in results}) == 3


def test_a_task_created_inside_a_session_gets_its_own_session(db):
    @db_session
    async def child():
        db.Person(name="Child", age=3)

    @db_session
    async def parent():
        db.Person(name="Parent", age=4)
        await asyncio.create_task(child())  # inherits the context, not the session
        raise ValueError("parent fails")

    with pytest.raises(ValueError):
        asyncio.run(parent())
    assert names(db) == ["Ann", "Bob", "Child"]


def test_nested_async_function_joins_the_session(db):
    @db_session
    async def inner():
        return db.Person.get(name="Ann")

    @db_session
    async def outer():
        ann = db.Person.get(name="Ann")
        ann.age = 77
        return (await inner()) is ann

    assert asyncio.run(outer()) is True
    with db_session:
        assert db.Person.get(name="Ann").age == 77


def test_retry_reruns_the_coroutine_function(db):
    calls = []

    @db_session(retry=2)
    async def flaky():
        calls.append(1)
        db.Person(name=f"try{len(calls)}", age=len(calls))
        await asyncio.sleep(0)
        if len(calls) < 3:
            raise OptimisticCheckError("conflict")
        return len(calls)

    assert asyncio.run(flaky()) == 3
    assert names(db) == ["Ann", "Bob", "try3"]

    calls.clear()

    @db_session(retry=1)
    async def always():
        calls.append(1)
        raise OptimisticCheckError("conflict")

    with pytest.raises(OptimisticCheckError):
        asyncio.run(always())
    assert len(calls) == 2


def test_concurrent_increments_with_retry_end_exact(db):
    @db_session(retry=30)
    async def increment():
        person = db.Person.get(name="Bob")
        await asyncio.sleep(0.001)
        person.age += 1

    async def main():
        await asyncio.gather(*[increment() for _ in range(20)])

    asyncio.run(main())
    with db_session:
        assert db.Person.get(name="Bob").age == 60


def test_cancellation_rolls_back_and_returns_the_connection(backend, db):
    aio.configure(db, pool_size=2)
    started = []

    @db_session
    async def slow_write():
        db.Person(name="Cancelled", age=5)
        flush()
        started.append(1)
        db.select(server_sleep_sql(backend, 5 if backend.name != "sqlite" else 0.3))

    @db_session
    async def count():
        return db.Person.select().count()

    writers = 1 if backend.name == "sqlite" else 2  # SQLite has one writer at a time
    baseline = server_connections(backend)

    async def main():
        tasks = [asyncio.create_task(slow_write()) for _ in range(writers)]
        while len(started) < writers:
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.05)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with pytest.raises(asyncio.CancelledError):
                await task
        # both slots of the pool are free again: two sessions at once get connections
        counts = await asyncio.wait_for(asyncio.gather(count(), count()), 5)
        return counts, server_connections(backend)

    counts, connections = asyncio.run(main())
    assert counts == [2, 2]
    if connections is not None:
        assert connections - baseline <= 2
    assert names(db) == ["Ann", "Bob"]


def test_async_generator_is_refused(db):
    async def agen():
        yield 1

    with pytest.raises(TypeError, match="^@db_session does not support async generator functions$"):
        db_session(agen)


# --- pool ---------------------------------------------------------------------------------------


def test_pool_timeout_is_a_clear_error(db):
    aio.configure(db, pool_size=1, pool_timeout=0.1)

    @db_session
    async def hold():
        db.Person.get(name="Ann")
        await asyncio.sleep(0.5)

    @db_session
    async def wait():
        return db.Person.get(name="Bob").age

    async def main():
        holder = asyncio.create_task(hold())
        await asyncio.sleep(0.05)
        try:
            return await wait()
        finally:
            await holder

    with pytest.raises(PoolTimeoutError, match=r"^No connection of the async pool of \w+ became free within "
                                               r"0.1 s \(pool size 1\)"):
        asyncio.run(main())


def test_pool_settings_are_checked(db):
    with pytest.raises(TypeError, match="^pool_size must be a positive int. Got: 0$"):
        aio.configure(db, pool_size=0)
    with pytest.raises(TypeError, match="^pool_timeout must be a positive number of seconds. Got: 'x'$"):
        aio.configure(db, pool_timeout="x")


def test_no_connection_leak_after_10000_tasks(backend, db):
    # The last of 10,000 waiters waits for all the others: a generous pool_timeout keeps a loaded
    # machine from turning this leak test into a throughput test.
    aio.configure(db, pool_size=5, pool_timeout=600)
    baseline = server_connections(backend)

    @db_session
    async def read(i):
        return db.Person[1 + i % 2].name

    async def main():
        results = await asyncio.gather(*[read(i) for i in range(10_000)])
        pools = list(db.provider._async_pools.values())
        return results, server_connections(backend), pools[0].open_count

    results, connections, open_count = asyncio.run(main())
    assert results.count("Ann") == 5000 and results.count("Bob") == 5000
    assert open_count <= 5
    if connections is not None:
        assert connections - baseline <= 5
        assert server_connections(backend) == baseline  # closed when the loop ended
    else:
        assert sum(t.name.startswith("pony-sqlite") for t in threading.enumerate()) <= 5


@pytest.mark.direct_connection("counts the server's connections, which PgBouncer keeps open in its own pool")
def test_idle_connections_are_closed_when_the_loop_ends(backend, db):
    baseline = server_connections(backend)

    @db_session
    async def read():
        return db.Person[1].name

    async def main():
        await asyncio.gather(read(), read())
        return server_connections(backend)

    during = asyncio.run(main())
    after = server_connections(backend)
    if during is not None:
        assert during - baseline == 2
        assert after == baseline


# --- awaitable forms ----------------------------------------------------------------------------


def test_awaitable_forms(db):
    async def main():
        async with db_session:
            ann = await aio.get(db.Person, name="Ann")
            everyone = await aio.fetch(select(p for p in db.Person).order_by(db.Person.name))
            older = await aio.fetch(p.name for p in db.Person if p.age > 35)
            first = await aio.first(select(p for p in db.Person).order_by(desc(db.Person.age)))
            total = await aio.count(select(p for p in db.Person))
            any_old = await aio.exists(select(p for p in db.Person if p.age > 100))
            by_query = await aio.get(select(p for p in db.Person if p.name == "Bob"))
            iterated = [p.name async for p in select(p for p in db.Person).order_by(db.Person.id)]
            pet_names = await aio.call(lambda: sorted(p.name for p in ann.pets))
            db.Person(name="New", age=1)
            await aio.flush()
            await aio.rollback()
            db.Person(name="Kept", age=2)
            await aio.commit()
            return (ann.name, [p.name for p in everyone], list(older), first.name, total, any_old,
                    by_query.name, iterated, pet_names)

    assert asyncio.run(main()) == ("Ann", ["Ann", "Bob"], ["Bob"], "Bob", 2, False, "Bob", ["Ann", "Bob"],
                                   ["Rex", "Tom"])
    assert names(db) == ["Ann", "Bob", "Kept"]


def test_plain_api_outside_the_bridge_is_a_clear_error(db):
    async def main():
        async with db_session:
            db.Person.get(name="Ann")

    with pytest.raises(AsyncBridgeError, match="^Pony's synchronous API cannot wait for the database here"):
        asyncio.run(main())


def test_async_with_in_a_bridged_task(db):
    async def handler(name):
        async with db_session:
            person = db.Person.get(name=name)
            await asyncio.sleep(0)
            person.age += 5
        return name

    async def main():
        first = await aio.create_task(handler("Ann"))
        second = await asyncio.create_task(handler("Bob"))  # the loop's factory, installed by aio.run
        return first, second

    assert aio.run(main()) == ("Ann", "Bob")
    with db_session:
        assert sorted(select((p.name, p.age) for p in db.Person)) == [("Ann", 35), ("Bob", 45)]


def test_async_with_retry_is_refused(db):
    async def main():
        async with db_session(retry=3):
            pass

    with pytest.raises(TypeError, match="^@db_session can accept 'retry' parameter only when used as decorator"):
        asyncio.run(main())


def test_sync_sessions_are_unchanged_inside_the_loop(db):
    async def main():
        with db_session:  # a synchronous session: blocking driver, thread's connection
            return db.Person.get(name="Ann").age

    assert asyncio.run(main()) == 30


def test_without_greenlet_coroutines_fall_back_to_suspended_sessions(db, monkeypatch):
    import pony.orm.session.async_session as aio_session
    monkeypatch.setattr(aio_session, "HAVE_GREENLET", False)
    with pytest.raises(TypeError, match="^db_session with `retry` option cannot be applied to a coroutine function "
                                        "without the async extra"):
        @db_session(retry=2)
        async def retried():
            pass

    @db_session
    async def pending():
        db.Person(name="Pending", age=1)
        await asyncio.sleep(0)

    with pytest.raises(TransactionError, match=r"^You need to manually commit\(\) changes before suspending the "
                                               r"coroutine$"):
        asyncio.run(pending())
    assert names(db) == ["Ann", "Bob"]
