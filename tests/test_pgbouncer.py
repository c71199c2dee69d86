"""PostgreSQL through PgBouncer in transaction pooling mode (a pgbouncer of the test's own, on a free
localhost port). ``make test-pgbouncer`` runs the whole PostgreSQL suite through one; this is the
quick smoke set of ``make test``."""

from __future__ import annotations

import os
import threading
import time

import pytest

from pony.orm import Database, Required, commit, db_session, rollback, select
from tests.conftest import _pg_connect, pg_params
from tests.servers.common import start_or_skip
from tests.servers.pgbouncer import PgBouncer


@pytest.fixture(scope="module")
def bouncer():
    params = pg_params()
    server = start_or_skip(lambda: PgBouncer(backend_host=params["host"], backend_port=params["port"],
                                             pool_size=3).start())
    yield server
    server.stop()


def define(db: Database) -> None:
    class Account(db.Entity):
        owner = Required(str)
        balance = Required(int)


def bouncer_db(backend, bouncer: PgBouncer, **options) -> Database:
    if backend.name != "postgres":
        pytest.skip("PgBouncer is a PostgreSQL pooler")
    _, kwargs = backend.bind_args
    db = Database()
    define(db)
    db.bind("postgres", **dict(kwargs, port=bouncer.port, **options))
    backend.databases.append(db)
    db.generate_mapping(create_tables=True)
    return db


def test_pooler_is_detected_and_statements_are_not_prepared(backend, bouncer):
    db = bouncer_db(backend, bouncer)
    assert db.provider.prepared_statements is False
    direct = backend.database()
    assert direct.provider.prepared_statements is True


@pytest.mark.parametrize("option", [True, "auto"])
def test_server_prepared_statements_break_under_transaction_pooling_unless_off(backend, bouncer, option):
    """The root cause: a statement psycopg prepared lives on one server connection, and in transaction
    pooling the next execution may run on another one (here: the one it was prepared on ends)."""
    from pony.orm import ProgrammingError
    db = bouncer_db(backend, bouncer, prepared_statements=option)
    with db_session:
        account = db.Account(owner="x", balance=0)
        db.flush()
        account_id = account.id
    for _ in range(8):  # past psycopg's prepare threshold (5)
        with db_session:
            db.Account[account_id]
            server_pid = db.select("SELECT pg_backend_pid()")[0]  # one client alone: always the same server
    with _pg_connect(admin=True) as direct:  # that server connection ends; PgBouncer opens another
        direct.execute("SELECT pg_terminate_backend(%s)", (server_pid,))
    time.sleep(0.5)
    with db_session:
        if option is True:
            with pytest.raises(ProgrammingError, match='prepared statement "_pg3_0" does not exist'):
                db.Account[account_id]
        else:
            assert db.Account[account_id].owner == "x"


def test_concurrent_read_modify_write_through_transaction_pooling(backend, bouncer):
    db = bouncer_db(backend, bouncer)
    with db_session:
        accounts = [db.Account(owner=f"a{i}", balance=0) for i in range(3)]
        db.flush()
        ids = [a.id for a in accounts]
    failures = []

    @db_session(retry=20)
    def deposit(account_id: int) -> None:
        account = db.Account.get_for_update(id=account_id)
        account.balance += 1

    def worker() -> None:
        try:
            for n in range(30):  # far past psycopg's prepare threshold of 5 executions
                deposit(ids[n % 3])
                with db_session:
                    assert db.Account[ids[n % 3]].balance >= 1
        except Exception as exc:
            failures.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert failures == []
    with db_session:
        assert sorted(a.balance for a in select(a for a in db.Account)) == [40, 40, 40]


def test_rollback_and_savepoints_through_transaction_pooling(backend, bouncer):
    db = bouncer_db(backend, bouncer)
    with db_session:
        db.Account(owner="kept", balance=1)
        commit()
        db.Account(owner="dropped", balance=2)
        db.flush()
        rollback()
        with db.savepoint():
            db.Account(owner="inner", balance=3)
    with db_session:
        assert sorted(a.owner for a in select(a for a in db.Account)) == ["inner", "kept"]


def test_prepared_statements_option_decides_server_side_preparation(backend):
    if backend.name != "postgres":
        pytest.skip("prepared_statements is a PostgreSQL option")
    args, kwargs = backend.bind_args
    for option, expect_prepared in ((False, False), (True, True)):
        db = Database()
        define(db)
        db.bind(*args, **kwargs, prepared_statements=option)
        backend.databases.append(db)
        db.generate_mapping(create_tables=True)
        with db_session:
            account = db.Account(owner="x", balance=0)
            db.flush()
            account_id = account.id
        for _ in range(10):
            with db_session:
                db.Account[account_id]
        with db_session:
            prepared = db.select("SELECT count(*) FROM pg_prepared_statements")[0]
        assert (prepared > 0) is expect_prepared
        db.drop_all_tables(with_all_data=True)
    with pytest.raises(TypeError, match="'prepared_statements' must be True, False or 'auto'. Got: 'sometimes'"):
        Database(*args, **kwargs, prepared_statements="sometimes")



if os.environ.get("PONY_PG_PGBOUNCER"):  # the suite already runs through a PgBouncer: not one behind another
    pytestmark = pytest.mark.skip(reason="not repeated in the run through PgBouncer")
