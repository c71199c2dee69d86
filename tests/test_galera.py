"""A three-node MariaDB Galera cluster started by the fixture (tests/servers/galera.py).

The smoke tests (certification conflicts retried, concurrent writers on every node) run in
``make test``; the node-kill test runs in ``make test-cluster`` (PONY_CLUSTER_TESTS=1)."""

from __future__ import annotations

import os
import threading
import time

import pytest

from pony.orm import CommitException, Database, OperationalError, PrimaryKey, Required, db_session
from tests.servers.common import start_or_skip
from tests.servers.galera import GaleraCluster

CLUSTER_TESTS = os.environ.get("PONY_CLUSTER_TESTS") == "1"
pytestmark = pytest.mark.skipif(bool(os.environ.get("PONY_PG_PGBOUNCER")) or
                                os.environ.get("PONY_BACKENDS", "mysql").find("mysql") < 0,
                                reason="a MariaDB cluster: not part of this run")


@pytest.fixture(scope="module", params=["mysql"])  # the id counts these tests as MariaDB's
def cluster():
    galera = start_or_skip(lambda: GaleraCluster().start())
    con = galera.connect(0)
    con.cursor().execute("CREATE DATABASE pony")
    con.close()
    yield galera
    galera.stop()


def define(db: Database) -> None:
    class Counter(db.Entity):
        id = PrimaryKey(int)
        value = Required(int)

    class Op(db.Entity):
        key = Required(str, unique=True)


def node_db(cluster: GaleraCluster, index: int, create: bool = False) -> Database:
    """A Database bound to node ``index``, with the other nodes as its fail-over list."""
    db = Database()
    define(db)

    @db.on_connect(provider="mysql")
    def causal_reads(db: Database, connection: object) -> None:
        # A read waits until this node has applied what the cluster committed before it.
        connection.cursor().execute("SET SESSION wsrep_sync_wait = 1")

    others = [{"port": port} for i, port in enumerate(cluster.ports) if i != index]
    db.bind("mysql", host="127.0.0.1", port=cluster.ports[index], user="root", password="", database="pony",
            failover=others, connect_timeout=3)
    db.generate_mapping(create_tables=create)
    return db


@pytest.fixture
def dbs(cluster):
    first = node_db(cluster, 0, create=True)
    with db_session:
        for i in range(3):
            first.Counter(id=i, value=0)
    result = [first] + [node_db(cluster, i) for i in (1, 2)]
    yield result
    for db in result:
        db.disconnect()
    first = node_db(cluster, 0) if cluster.nodes[0].proc.poll() is None else node_db(cluster, 2)
    first.drop_all_tables(with_all_data=True)
    first.disconnect()


def total(cluster: GaleraCluster, index: int = 0) -> tuple[int, int]:
    con = cluster.connect(index)
    try:
        cursor = con.cursor()
        cursor.execute("SET SESSION wsrep_sync_wait = 1")
        cursor.execute("SELECT (SELECT COALESCE(SUM(value), 0) FROM pony.counter), (SELECT COUNT(*) FROM pony.op)")
        return cursor.fetchone()
    finally:
        con.close()


def test_certification_failure_is_a_retryable_deadlock(cluster, dbs):
    node1 = dbs[0]
    attempts = []

    def update_on_node2() -> None:
        con = cluster.connect(1)
        con.cursor().execute("UPDATE pony.counter SET value = value + 10 WHERE id = 0")
        con.close()

    @db_session(retry=3)
    def add_one() -> None:
        attempts.append(1)
        counter = node1.Counter[0]
        counter.value += 1
        node1.flush()  # the row is changed locally on node 1, not yet certified
        if len(attempts) == 1:
            update_on_node2()  # commits first on node 2: node 1's transaction loses certification
            time.sleep(0.3)

    add_one()
    assert len(attempts) == 2
    assert total(cluster) == (11, 0)

    @db_session
    def add_one_without_retry() -> None:
        node1.Counter[0].value += 1
        node1.flush()
        update_on_node2()
        time.sleep(0.3)

    with pytest.raises(CommitException, match="Deadlock found when trying to get lock") as info:
        add_one_without_retry()
    cause = info.value.__cause__
    assert isinstance(cause, OperationalError) and cause.original_exc.args[0] == 1213 and cause.should_retry
    assert total(cluster) == (21, 0)


def run_writers(dbs: list, per_writer: int, during: object = None) -> list:
    """One thread per node doing idempotent read-modify-writes; returns the failures."""
    failures = []

    def writer(n: int, db: Database) -> None:
        @db_session(retry=50)
        def step(i: int) -> None:
            key = f"w{n}-{i}"
            if db.Op.get(key=key) is None:  # an earlier attempt whose commit reply was lost may have won
                db.Op(key=key)
                db.Counter[i % 3].value += 1
        try:
            for i in range(per_writer):
                step(i)
        except Exception as exc:
            failures.append(exc)

    threads = [threading.Thread(target=writer, args=(n, db)) for n, db in enumerate(dbs)]
    for t in threads:
        t.start()
    if during is not None:
        during()
    for t in threads:
        t.join(300)
    return failures


def test_writers_on_every_node_keep_exact_totals(cluster, dbs):
    per_writer = 40 if CLUSTER_TESTS else 15
    assert run_writers(dbs, per_writer) == []
    assert total(cluster, 2) == (3 * per_writer, 3 * per_writer)


@pytest.mark.skipif(not CLUSTER_TESTS, reason="make test-cluster (PONY_CLUSTER_TESTS=1)")
def test_killed_node_is_survived_by_moving_to_another(cluster, dbs):
    per_writer = 150
    done_at_kill = []

    def kill_node2_mid_run() -> None:
        deadline = time.monotonic() + 120
        while total(cluster, 0)[1] < per_writer and time.monotonic() < deadline:
            time.sleep(0.1)
        cluster.kill(1)
        done_at_kill.append(total(cluster, 0)[1])

    assert run_writers(dbs, per_writer, during=kill_node2_mid_run) == []
    assert done_at_kill[0] < 2 * per_writer  # the kill came mid-run
    assert total(cluster, 2) == (3 * per_writer, 3 * per_writer)
    opener = dbs[1].provider.pool.opener
    assert opener.labels[opener.current] != f"127.0.0.1:{cluster.ports[1]}"  # node 2's writer moved on
