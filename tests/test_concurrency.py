"""Concurrency: many threads and processes change shared rows; nothing is lost or made up.

Every worker runs ``@db_session(retry=...)`` transactions that increment a counter and move
money between two accounts (tests/soak/worker.py). Each operation is fixed in advance, so the
final counters and balances are known exactly: a lost update, a double-applied retry or a
half-committed transaction shows as a wrong number. Sizes grow under ``make soak``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from soak import size
from soak.worker import INITIAL_BALANCE, define_bank, expected_totals, make_plan, run_plan

from pony.orm import OptimisticCheckError, commit, db_session

WORKER = Path(__file__).parent / "soak" / "worker.py"
THREADS = size(4, 8)
PROCESSES = size(4, 8)
TRANSACTIONS = size(12, 150)  # per worker
COUNTERS = 3
ACCOUNTS = 5


def make_bank(backend):
    db = backend.make_db(define_bank)
    with db_session:
        for i in range(1, COUNTERS + 1):
            db.Counter(id=i, value=0)
        for i in range(1, ACCOUNTS + 1):
            db.Account(id=i, balance=INITIAL_BALANCE)
    return db


def run_workers(backend, db, mode, threads=THREADS, processes=PROCESSES, transactions=TRANSACTIONS):
    """Run ``threads`` threads here and ``processes`` worker processes at the same time."""
    plans = [make_plan(seed, transactions, COUNTERS, ACCOUNTS) for seed in range(threads + processes)]
    procs = []
    try:
        for plan in plans[threads:]:
            config = {"bind_args": backend.bind_args, "mode": mode, "plan": plan}
            procs.append(subprocess.Popen([sys.executable, str(WORKER), json.dumps(config)], text=True,
                                          stdin=subprocess.PIPE, stdout=subprocess.PIPE))
        for proc in procs:
            line = proc.stdout.readline()
            assert line.strip() == "ready", f"worker process failed to start: {line!r}"
        results: list = [None] * threads
        start = threading.Barrier(threads + 1)

        def thread_main(i):
            start.wait()
            results[i] = run_plan(db, mode, plans[i])

        workers = [threading.Thread(target=thread_main, args=(i,)) for i in range(threads)]
        for t in workers:
            t.start()
        for proc in procs:
            proc.stdin.write("go\n")
            proc.stdin.flush()
        start.wait()
        for t in workers:
            t.join()
        for proc in procs:
            out, _ = proc.communicate(timeout=600)
            lines = out.strip().splitlines()
            assert proc.returncode == 0 and lines, f"worker process exited with {proc.returncode}"
            results.append(json.loads(lines[-1]))
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    return plans, results


def check_bank(db, plans, results, record_property):
    errors = [r["error"] for r in results if r["error"]]
    assert errors == []
    assert [r["done"] for r in results] == [len(p) for p in plans]
    values, balances = expected_totals(plans, COUNTERS, ACCOUNTS)
    with db_session:
        assert {c.id: c.value for c in db.Counter.select()} == values
        assert {a.id: a.balance for a in db.Account.select()} == balances
        total = sum(a.balance for a in db.Account.select())
    assert total == INITIAL_BALANCE * ACCOUNTS
    record_property("workers", len(plans))
    record_property("transactions", sum(len(p) for p in plans))
    record_property("attempts", sum(r["attempts"] for r in results))
    record_property("counter_total", sum(values.values()))
    record_property("balance_total", total)


@pytest.mark.parametrize("mode", ["optimistic", "pessimistic"])
def test_threads_and_processes_keep_counters_and_balances_exact(backend, mode, record_property):
    db = make_bank(backend)
    plans, results = run_workers(backend, db, mode)
    check_bank(db, plans, results, record_property)


@pytest.mark.requires("serializable")
def test_serializable_transactions_are_retried_until_they_commit(backend, record_property):
    db = make_bank(backend)
    plans, results = run_workers(backend, db, "serializable")
    check_bank(db, plans, results, record_property)


def test_one_hot_row_under_threads_only(backend, record_property):
    """Every worker increments the same counter: the most contended case, all in one process."""
    db = make_bank(backend)
    threads, per_thread = size(8, 16), size(10, 100)

    @db_session(retry=1000)
    def increment():
        db.Counter[1].value += 1

    def work():
        for _ in range(per_thread):
            increment()

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    with db_session:
        assert db.Counter[1].value == threads * per_thread
    record_property("workers", threads)
    record_property("transactions", threads * per_thread)
    record_property("counter_total", threads * per_thread)


def test_retry_gives_up_after_the_given_number_of_attempts(backend):
    """A transaction that always loses the race is run retry+1 times, then the error is raised."""
    db = make_bank(backend)
    attempts = []

    @db_session(retry=2)
    def always_conflicts():
        attempts.append(1)
        counter = db.Counter[1]
        _ = counter.value  # read: the update below checks this value  # noqa: B018
        bump_in_another_thread(db)
        counter.value += 1

    with pytest.raises(OptimisticCheckError, match=r"Object Counter\[1\] was updated outside of current transaction"):
        always_conflicts()
    assert len(attempts) == 3
    with db_session:
        assert db.Counter[1].value == 3  # the three updates of the other thread, none of ours


def bump_in_another_thread(db):
    def bump():
        with db_session:
            db.Counter[1].value += 1
            commit()

    t = threading.Thread(target=bump)
    t.start()
    t.join()


# --- lost updates -----------------------------------------------------------------------------

def in_another_session(func):
    """Run ``func`` in a db_session of its own on another thread and commit it."""
    failure = []

    def main():
        try:
            with db_session:
                func()
        except Exception as exc:
            failure.append(exc)

    t = threading.Thread(target=main)
    t.start()
    t.join()
    assert failure == []


def test_second_writer_of_an_object_read_by_both_gets_optimistic_check_error(backend):
    db = make_bank(backend)

    def first_writer():
        db.Counter[1].value = 10

    with pytest.raises(OptimisticCheckError) as info:
        with db_session:
            counter = db.Counter[1]
            assert counter.value == 0  # both sessions have read the object
            in_another_session(first_writer)
            counter.value = 20
            db.Account[1].balance = 0  # written in the same transaction: must not be kept either
    assert str(info.value).startswith("Object Counter[1] was updated outside of current transaction")
    with db_session:
        assert db.Counter[1].value == 10
        assert db.Account[1].balance == INITIAL_BALANCE


def test_update_of_an_object_deleted_by_another_session_is_refused(backend):
    db = make_bank(backend)
    with pytest.raises(OptimisticCheckError, match=r"Counter\[2\]"):
        with db_session:
            counter = db.Counter[2]
            _ = counter.value
            in_another_session(lambda: db.Counter[2].delete())
            counter.value = 5
    with db_session:
        assert db.Counter.get(id=2) is None
        assert db.Counter.select().count() == COUNTERS - 1


def test_raw_sql_update_from_another_session_is_detected(backend):
    db = make_bank(backend)
    with pytest.raises(OptimisticCheckError):
        with db_session:
            account = db.Account[3]
            _ = account.balance
            in_another_session(lambda: db.execute("update account set balance = balance + 1 where id = 3"))
            account.balance -= 100
    with db_session:
        assert db.Account[3].balance == INITIAL_BALANCE + 1


def test_lost_update_is_caught_on_every_pair_of_writers(backend, record_property):
    """Many rounds of the same race: each time exactly the first writer's value is kept."""
    db = make_bank(backend)
    rounds = size(5, 200)
    for n in range(rounds):
        first_value, second_value = 1000 + n, 2000 + n
        with pytest.raises(OptimisticCheckError):
            with db_session:
                counter = db.Counter[3]
                _ = counter.value

                def first_writer(value=first_value):
                    db.Counter[3].value = value

                in_another_session(first_writer)
                counter.value = second_value
        with db_session:
            assert db.Counter[3].value == first_value
    record_property("lost_update_races", rounds)


def test_serialization_failure_is_retried(backend):
    """Two serializable transactions write the same row; the loser is rerun and both count."""
    db = make_bank(backend)
    attempts, other_done = [], threading.Event()

    def other_writer():
        with db_session(serializable=True):
            db.Counter[1].value += 1
        other_done.set()

    @db_session(retry=3, serializable=True)
    def increment():
        attempts.append(1)
        counter = db.Counter[1]
        _ = counter.value
        if len(attempts) == 1:
            threading.Thread(target=other_writer).start()
            # Databases that serialize with locks keep the other writer waiting until we finish.
            other_done.wait(1.0)
        counter.value += 1

    increment()
    assert other_done.wait(30)
    with db_session:
        assert db.Counter[1].value == 2
    # With snapshot isolation the other writer finished first, so our first attempt failed.
    assert len(attempts) in (1, 2)
