"""Resource bounds: big results, many sessions and repeated queries leave nothing behind.

Memory is measured with tracemalloc (Python allocations), connections by asking the server
(or, for SQLite, by counting the process's open handles on the database file).
"""

from __future__ import annotations

import gc
import os
import threading
import time
import tracemalloc

import pytest
from soak import size

from pony.orm import PrimaryKey, Required, db_session, select


def define_entities(db):
    class Item(db.Entity):
        id = PrimaryKey(int)
        value = Required(int)


def fill(db, rows):
    with db_session:
        if db.provider.dialect == "MySQL":  # MariaDB stops recursive queries at 1000 rows by default
            db.execute("set session max_recursive_iterations = 100000000")
        db.execute(f"insert into item (id, value) with recursive s(n) as "
                   f"(select 1 union all select n + 1 from s where n < {int(rows)}) select n, n % 1000 from s")


def traced(func):
    """``(result, bytes still allocated after func, peak bytes during func)``, both over the start."""
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        result = func()
        gc.collect()
        current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, current - base, peak - base


CONNECTIONS_SQL = {
    "postgres": "select count(*) from pg_stat_activity where datname = current_database()",
    "mysql": "select count(*) from information_schema.processlist where db = database()",
}


def open_connections(backend, db):
    if backend.name == "sqlite":
        path = os.path.realpath(backend.bind_args[0][1])
        fds = os.listdir("/proc/self/fd")
        return sum(1 for fd in fds if os.path.realpath(f"/proc/self/fd/{fd}") == path)
    with db_session:
        return db.get(CONNECTIONS_SQL[backend.name])


def settled_connections(backend, db, expected):
    """The connection count once the server has noticed closed connections (a few ms)."""
    deadline = time.monotonic() + 10
    count = open_connections(backend, db)
    while count != expected and time.monotonic() < deadline:
        time.sleep(0.05)
        count = open_connections(backend, db)
    return count


def test_iterating_a_big_query_keeps_one_copy_of_the_rows(backend, record_property):
    rows = size(20_000, 1_000_000)
    db = backend.make_db(define_entities)
    fill(db, rows)

    def iterate():
        with db_session:
            def walk():
                total = count = 0
                for item in db.Item.select():
                    total += item.value
                    count += 1
                return total, count
            (total, count), retained, peak = traced(walk)  # objects still in the session here
        return total, count, retained, peak

    (total, count, retained, peak), after_session, _ = traced(iterate)
    assert count == rows
    assert total == sum(n % 1000 for n in range(1, rows + 1))
    # Peak while iterating is the objects the session keeps, not rows + objects at once.
    assert peak <= retained * 1.15 + (1 << 20), f"peak {peak} bytes for {retained} kept"
    # The session's objects are gone once it ends.
    assert after_session < retained * 0.05 + (256 << 10), f"{after_session} bytes left of {retained}"
    record_property("rows", rows)
    record_property("bytes_per_row", retained // rows)
    record_property("memory_growth", after_session)


def test_a_big_result_is_read_in_chunks_not_all_rows_then_all_objects(backend, record_property):
    rows = size(50_000, 1_000_000)
    db = backend.make_db(define_entities)
    fill(db, rows)

    def read():
        with db_session:
            items, retained, peak = traced(lambda: db.Item.select()[:])
            assert len(items) == rows and sum(item.value for item in items) == sum(n % 1000 for n in range(1, rows + 1))
        return retained, peak

    retained, peak = read()
    # PyMySQL's default cursor has every row in memory once the query returns: only the other
    # drivers can hand rows over chunk by chunk.
    extra = 0.15 if backend.name == "mysql" else 0.04
    assert peak <= retained * (1 + extra) + (512 << 10), f"peak {peak} bytes for {retained} kept"
    record_property("peak_over_kept", peak / retained)


def test_many_sessions_leave_no_connections_or_memory_behind(backend, record_property):
    sessions = size(2_000, 10_000)
    db = backend.make_db(define_entities)
    fill(db, 10)

    def run(n):
        for i in range(n):
            with db_session:
                item = db.Item[i % 10 + 1]
                if i % 10 == 0:
                    item.value += 1

    run(200)  # warm up: caches of compiled SQL, the pooled connection
    connections = open_connections(backend, db)
    _, growth, _ = traced(lambda: run(sessions))
    assert open_connections(backend, db) == connections
    assert growth < 64 * 1024, f"{growth} bytes kept after {sessions} sessions"
    with db_session:
        assert sum(i.value for i in db.Item.select()) == sum(n % 1000 for n in range(1, 11)) + (sessions + 200) // 10
    record_property("sessions", sessions)
    record_property("memory_growth", growth)


def test_sessions_in_short_lived_threads_close_their_connections(backend, record_property):
    threads = size(20, 200)
    db = backend.make_db(define_entities)
    fill(db, 10)
    connections = open_connections(backend, db)

    def work():
        with db_session:
            assert db.Item[1].value == 1

    for _ in range(threads):
        t = threading.Thread(target=work)
        t.start()
        t.join()
    gc.collect()
    assert settled_connections(backend, db, connections) == connections
    record_property("sessions", threads)


def run_queries(Item, form, n):
    found = 0
    with db_session:
        for k in range(n):
            x = k % 40
            if form == "generator":
                found += len(select(i.id for i in Item if i.value > x and i.id < x + 10)[:])
            elif form == "lambda":
                found += len(Item.select(lambda i: i.value > x and i.id < x + 10)[:])  # noqa: B023
            else:
                found += len(Item.select("lambda i: i.value > x and i.id < x + 10")[:])
    return found


@pytest.mark.parametrize("form", ["generator", "lambda", "string"])
def test_queries_in_a_loop_do_not_leak(backend, form, record_property):
    loops = size(1_000, 10_000)
    other = backend.make_db(define_entities)  # the same query code used with a second database first
    fill(other, 50)
    run_queries(other.Item, form, 100)
    db = backend.make_db(define_entities)  # the same tables, already filled
    warm = run_queries(db.Item, form, 100)
    found, growth, _ = traced(lambda: run_queries(db.Item, form, loops))
    assert found == warm * loops // 100
    assert growth < 64 * 1024, f"{growth} bytes kept after {loops} queries"
    record_property("queries", loops)
    record_property("memory_growth", growth)

