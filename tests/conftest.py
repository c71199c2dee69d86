"""Backend fixtures: every behaviour test runs on SQLite, PostgreSQL and MariaDB/MySQL.

Servers are configured by environment variables (defaults are the local servers):
PONY_PG_HOST/PORT/USER/PASSWORD/DATABASE and PONY_MYSQL_HOST/PORT/USER/PASSWORD/DATABASE.
PONY_BACKENDS=sqlite,postgres limits the run. Under CI=true an unreachable server fails the run;
elsewhere its tests are skipped with one loud line.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

ALL_BACKENDS = ("sqlite", "postgres", "mysql")
IN_CI = os.environ.get("CI", "").lower() == "true"


# Each test process works in a database of its own (created at start, dropped at the end), so
# several runs on one machine never wipe each other's tables. PONY_*_DATABASE names the database
# to create from (the one that must exist); PONY_TEST_OWN_DATABASE=0 uses it directly.
OWN_DATABASE = os.environ.get("PONY_TEST_OWN_DATABASE", "1") != "0"
RUN_DATABASE = f"pony_test_{os.getpid()}"
_own_databases: dict[str, str] = {}


def pg_params(admin: bool = False) -> dict:
    base = os.environ.get("PONY_PG_DATABASE", "test")
    return dict(host=os.environ.get("PONY_PG_HOST", "127.0.0.1"),
                port=int(os.environ.get("PONY_PG_PORT", "5432")),
                user=os.environ.get("PONY_PG_USER", "postgres"),
                password=os.environ.get("PONY_PG_PASSWORD", ""),
                database=base if admin else _own_databases.get("postgres", base))


def mysql_params(admin: bool = False) -> dict:
    base = os.environ.get("PONY_MYSQL_DATABASE", "test")
    return dict(host=os.environ.get("PONY_MYSQL_HOST", "127.0.0.1"),
                port=int(os.environ.get("PONY_MYSQL_PORT", "3306")),
                user=os.environ.get("PONY_MYSQL_USER", "root"),
                password=os.environ.get("PONY_MYSQL_PASSWORD", ""),
                database=base if admin else _own_databases.get("mysql", base))


def _pg_connect(admin: bool = False) -> Any:
    import psycopg
    params = pg_params(admin)
    if not params["password"]:
        del params["password"]
    params["dbname"] = params.pop("database")
    return psycopg.connect(connect_timeout=5, autocommit=True, **params)


def _mysql_connect(admin: bool = False) -> Any:
    import pymysql
    return pymysql.connect(connect_timeout=5, autocommit=True, **mysql_params(admin))


def _stale(names: list[str]) -> list[str]:
    """Databases left by test runs whose process is gone."""
    result = []
    for db_name in names:
        pid = db_name.rsplit("_", 1)[-1]
        if db_name.startswith("pony_test_") and pid.isdigit() and not os.path.exists(f"/proc/{pid}"):
            result.append(db_name)
    return result


def create_own_databases() -> None:
    if not OWN_DATABASE:
        return
    for name in selected_backends():
        if name == "postgres" and unreachable_reason(name) is None:
            with _pg_connect(admin=True) as con:
                rows = con.execute("SELECT datname FROM pg_database WHERE datname LIKE 'pony_test_%'").fetchall()
                for stale in _stale([r[0] for r in rows]):
                    con.execute(f'DROP DATABASE IF EXISTS "{stale}" WITH (FORCE)')
                con.execute(f'DROP DATABASE IF EXISTS "{RUN_DATABASE}"')
                con.execute(f'CREATE DATABASE "{RUN_DATABASE}"')
            _own_databases[name] = RUN_DATABASE
        elif name == "mysql" and unreachable_reason(name) is None:
            con = _mysql_connect(admin=True)
            try:
                cur = con.cursor()
                cur.execute("SHOW DATABASES LIKE 'pony_test_%'")
                for stale in _stale([r[0] for r in cur.fetchall()]):
                    cur.execute(f"DROP DATABASE IF EXISTS `{stale}`")
                cur.execute(f"DROP DATABASE IF EXISTS `{RUN_DATABASE}`")
                cur.execute(f"CREATE DATABASE `{RUN_DATABASE}` CHARACTER SET utf8mb4")
            finally:
                con.close()
            _own_databases[name] = RUN_DATABASE


def drop_own_databases() -> None:
    if _own_databases.pop("postgres", None):
        try:
            with _pg_connect(admin=True) as con:
                con.execute(f'DROP DATABASE IF EXISTS "{RUN_DATABASE}" WITH (FORCE)')
        except Exception as exc:  # leave it behind rather than fail a finished run
            print(f"could not drop PostgreSQL database {RUN_DATABASE}: {exc}")
    if _own_databases.pop("mysql", None):
        try:
            con = _mysql_connect(admin=True)
            con.cursor().execute(f"DROP DATABASE IF EXISTS `{RUN_DATABASE}`")
            con.close()
        except Exception as exc:
            print(f"could not drop MariaDB database {RUN_DATABASE}: {exc}")


def wipe_postgres() -> None:
    with _pg_connect() as con:
        con.execute("DROP SCHEMA IF EXISTS public CASCADE")
        con.execute("CREATE SCHEMA public")


def wipe_mysql() -> None:
    con = _mysql_connect()
    try:
        cur = con.cursor()
        cur.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()")
        tables = [row[0] for row in cur.fetchall()]
        if tables:
            cur.execute("SET FOREIGN_KEY_CHECKS = 0")
            quoted = ("`" + t.replace("`", "``") + "`" for t in tables)
            cur.execute("DROP TABLE IF EXISTS " + ", ".join(quoted))
            cur.execute("SET FOREIGN_KEY_CHECKS = 1")
    finally:
        con.close()


WIPERS: dict[str, Callable[[], None]] = {"postgres": wipe_postgres, "mysql": wipe_mysql}
_reachability: dict[str, str | None] = {}


def unreachable_reason(name: str) -> str | None:
    """None when the server answers, else why not (checked once per run)."""
    if name == "sqlite":
        return None
    if name not in _reachability:
        try:
            (_pg_connect if name == "postgres" else _mysql_connect)(admin=True).close()
            _reachability[name] = None
        except Exception as exc:  # any driver or socket error means "not reachable"
            _reachability[name] = f"{type(exc).__name__}: {exc}"
    return _reachability[name]


def selected_backends() -> tuple[str, ...]:
    names = os.environ.get("PONY_BACKENDS")
    if not names:
        return ALL_BACKENDS
    return tuple(n.strip() for n in names.split(",") if n.strip())


# the drivers of the tests that run MySQL/MariaDB through each (Backend.make_db_through)
MYSQL_DRIVERS = ("default", "pymysql", "mysqlclient")


def skip_unless_driver_applies(backend_name: str, driver: str) -> None:
    """Skip a test of ``driver`` (one of ``MYSQL_DRIVERS``) on a backend it does not apply to: a
    named driver is for MySQL/MariaDB, "default" for the others; mysqlclient needs installing."""
    if (backend_name == "mysql") == (driver == "default"):
        pytest.skip("the driver choice exists on MySQL/MariaDB only; there it is named")
    if driver == "mysqlclient" and importlib.util.find_spec("MySQLdb") is None:
        pytest.skip("mysqlclient is not installed")


@dataclass
class Backend:
    """One database to run a test against, with the ``bind`` arguments for it."""

    name: str
    tmp_path: Any = None
    databases: list = field(default_factory=list)

    @property
    def bind_args(self) -> tuple[tuple, dict]:
        if self.name == "sqlite":
            return ("sqlite", str(self.tmp_path / "test.sqlite")), {"create_db": True}
        if self.name == "postgres":
            params = pg_params()
            if not params["password"]:
                del params["password"]
            return ("postgres",), params
        # PyMySQL (the `mysql` extra) unless PONY_MYSQL_DRIVER names mysqlclient: the tests that
        # compare the two drivers name each; mysqlclient is installed for them by `make test`
        return ("mysql",), {**mysql_params(), "driver": os.environ.get("PONY_MYSQL_DRIVER", "pymysql")}

    def bind(self, db: Any) -> Any:
        args, kwargs = self.bind_args
        db.bind(*args, **kwargs)
        self.databases.append(db)
        return db

    def database(self) -> Any:
        """A new Database bound to this backend."""
        from pony.orm import Database
        return self.bind(Database())

    def make_db(self, define_entities: Callable[[Any], None] | None = None, create_tables: bool = True) -> Any:
        """A new Database with the entities of ``define_entities(db)`` mapped and created."""
        from pony.orm import Database
        db = Database()
        if define_entities is not None:
            define_entities(db)
        self.bind(db)
        if hasattr(db, "generate_mapping") and define_entities is not None:
            db.generate_mapping(create_tables=create_tables)
        return db

    def make_db_through(self, driver: str, define_entities: Callable[[Any], None]) -> Any:
        """As ``make_db``, bound through a MySQL ``driver`` (one of ``MYSQL_DRIVERS``): a named one
        on MySQL/MariaDB, "default" on the other backends; other pairs, or mysqlclient where it is
        not installed, skip the test."""
        from pony.orm import Database
        skip_unless_driver_applies(self.name, driver)
        db = Database()
        define_entities(db)
        args, kwargs = self.bind_args
        if driver != "default":
            kwargs = {**kwargs, "driver": driver}
        db.bind(*args, **kwargs)
        self.databases.append(db)
        db.generate_mapping(create_tables=True)
        return db

    def wipe(self) -> None:
        wiper = WIPERS.get(self.name)
        if wiper is not None:
            wiper()

    def close(self) -> None:
        for db in self.databases:
            try:
                if db.provider is not None:
                    db.provider.disconnect()
            except Exception:
                pass
        self.databases.clear()

    def has(self, *capabilities: str) -> bool:
        import importlib

        from pony.orm.database import KNOWN_PROVIDERS  # noqa: F401 - ensures the package imports
        provider_cls = importlib.import_module(f"pony.orm.dbproviders.{self.name}").provider_cls
        return all(getattr(provider_cls, cap.upper(), False) or getattr(provider_cls, f"SUPPORTS_{cap.upper()}", False)
                   for cap in capabilities)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        metafunc.parametrize("backend", selected_backends(), indirect=True)
    elif "backend_module" in metafunc.fixturenames:
        metafunc.parametrize("backend_module", selected_backends(), indirect=True, scope="module")


@pytest.fixture
def backend(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[Backend]:
    name = request.param
    reason = unreachable_reason(name)
    if reason is not None:
        if IN_CI:
            pytest.fail(f"{name} server is unreachable under CI=true: {reason}")
        pytest.skip(f"{name} server unreachable: {reason}")
    b = Backend(name, tmp_path)
    marker = request.node.get_closest_marker("requires")
    if marker is not None and not b.has(*marker.args):
        pytest.skip(f"{name} lacks capability {', '.join(marker.args)}")
    b.wipe()
    yield b
    b.close()
    b.wipe()


@pytest.fixture(scope="module")
def backend_module(request: pytest.FixtureRequest, tmp_path_factory: Any) -> Iterator[Backend]:
    """Like ``backend``, but one per test module and backend: for modules whose tests share one
    populated database and leave it as they found it (read, or write and roll back)."""
    name = request.param
    reason = unreachable_reason(name)
    if reason is not None:
        if IN_CI:
            pytest.fail(f"{name} server is unreachable under CI=true: {reason}")
        pytest.skip(f"{name} server unreachable: {reason}")
    b = Backend(name, tmp_path_factory.mktemp(name))
    b.wipe()
    yield b
    b.close()
    b.wipe()


@pytest.fixture(scope="session")
def offline_db() -> Any:
    """The tests/query_models.py entities on an empty in-memory SQLite database, unlabelled: for checks
    that fail while a query is translated, before any statement, so they run once, not once per backend."""
    from pony.orm import Database
    from tests.query_models import define_entities
    db = Database()
    define_entities(db)
    db.bind("sqlite", ":memory:")
    db.generate_mapping(create_tables=True)
    return db


def pytest_sessionfinish(session: pytest.Session) -> None:
    drop_own_databases()


# Set by tests/servers/pgbouncer.py when the run goes through a PgBouncer in transaction pooling mode.
THROUGH_PGBOUNCER = os.environ.get("PONY_PG_PGBOUNCER") == "1"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "direct_connection(reason): needs the server session itself (kills its process, "
                                       "counts server connections, holds a session-level lock), which a pooler in "
                                       "between hides (skipped through PgBouncer)")


def pytest_collection_modifyitems(config: pytest.Config, items: list) -> None:
    if not THROUGH_PGBOUNCER:
        return
    default = ("through PgBouncer the server process of a session's connection changes between transactions: "
               "killing it tests nothing of ours")
    for item in items:
        marker = item.get_closest_marker("direct_connection")
        if marker is not None and "[postgres" in item.nodeid:
            item.add_marker(pytest.mark.skip(reason=marker.args[0] if marker.args else default))


def pytest_sessionstart(session: pytest.Session) -> None:
    count_provider_statements()
    create_own_databases()
    for name in selected_backends():
        reason = unreachable_reason(name)
        if reason is not None:
            line = f"!!! {name} is UNREACHABLE ({reason}): its tests " + \
                   ("FAIL because CI=true" if IN_CI else "are SKIPPED")
            print("\n" + "!" * len(line) + "\n" + line + "\n" + "!" * len(line))


# --- which backend a test really used ------------------------------------------------------------
# A test counts for a backend in the summary only when that backend's provider sent at least one
# statement during the test's setup or call; one that passed without any is counted as "no-db".
# Counting wraps the provider methods every statement goes through (an extra call per statement).

STATEMENTS: Counter = Counter()  # statements sent per backend name by this process
_DIALECT_BACKENDS = {"SQLite": "sqlite", "PostgreSQL": "postgres", "MySQL": "mysql"}
_STATEMENT_METHODS = ("execute", "executemany", "insert_rows", "insert_rows_returning", "execute_returning_keys")
_backend_used: dict[str, bool] = {}  # nodeid -> its backend's provider sent a statement


def _counting(method: Callable) -> Callable:
    @functools.wraps(method)
    def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
        STATEMENTS[_DIALECT_BACKENDS.get(self.dialect, self.dialect)] += 1
        return method(self, *args, **kwargs)
    counted.__wrapped_for_counting__ = True  # type: ignore[attr-defined]
    return counted


def count_provider_statements() -> None:
    import importlib
    classes = [importlib.import_module("pony.orm.dbproviders.base.provider").DBAPIProvider]
    classes += [importlib.import_module(f"pony.orm.dbproviders.{name}").provider_cls for name in ALL_BACKENDS]
    for cls in classes:
        for name in _STATEMENT_METHODS:
            method = cls.__dict__.get(name)
            if method is not None and not getattr(method, "__wrapped_for_counting__", False):
                setattr(cls, name, _counting(method))


def backend_of(item: Any) -> str | None:
    params = getattr(getattr(item, "callspec", None), "params", {})
    return params.get("backend") or params.get("backend_module")


_backend_label: dict[str, str] = {}  # nodeid -> the backend its fixture gave it
_backends_sent_to: dict[str, set] = {}  # nodeid -> backends that received statements in setup or call
# A test without the fixture (e.g. tests/test_parity.py, which binds databases of its own) counts for
# the backend its id names, when that backend received a statement.
_NAMED_BACKEND_RE = re.compile(r"\[(?:[^\]]*-)?(sqlite|postgres|mysql)(?:-[^\]]*)?\]")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item: Any) -> Iterator[None]:
    name = backend_of(item)
    if name is not None:
        _backend_label[item.nodeid] = name
    item._statements_before = dict(STATEMENTS)
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: Any) -> Iterator[None]:
    outcome = yield
    before = getattr(item, "_statements_before", {})
    sent = {name for name, count in STATEMENTS.items() if count > before.get(name, 0)}
    _backends_sent_to.setdefault(item.nodeid, set()).update(sent)
    name = backend_of(item)
    if name is not None and outcome.excinfo is None:
        _backend_used[item.nodeid] = name in sent


def credit_backends(nodeid: str, names: set) -> None:
    """Count the test ``nodeid`` for backends that received statements on its behalf earlier (a result
    it checks was computed once, by another test's call, and cached)."""
    _backends_sent_to.setdefault(nodeid, set()).update(names)


def _summary_label(report: Any) -> str:
    """The backend a test counts for: the one its fixture gave it, or else the one its id names; a
    passed test counts for it only if it sent that backend a statement (otherwise it is no-db)."""
    nodeid = getattr(report, "nodeid", "")
    name = _backend_label.get(nodeid)
    if name is None:
        match = _NAMED_BACKEND_RE.search(nodeid)
        name = match.group(1) if match else None
        if name is None or name not in _backends_sent_to.get(nodeid, ()):
            return "no-db"
        return name
    if report.outcome == "passed" and not _backend_used.get(nodeid, False):
        return "no-db"
    return name


def pytest_terminal_summary(terminalreporter: Any) -> None:
    counts: dict[str, Counter] = {}
    for outcome in ("passed", "failed", "skipped", "error"):
        for report in terminalreporter.stats.get(outcome, []):
            if outcome != "error" and getattr(report, "when", "call") not in ("call", "setup"):
                continue
            if outcome == "passed" and report.when != "call":
                continue
            counts.setdefault(_summary_label(report), Counter())[outcome] += 1
    if counts:
        terminalreporter.write_sep("-", "tests per backend (that executed statements on it)")
        for name in (*ALL_BACKENDS, "no-db"):
            c = counts.get(name)
            if c:
                terminalreporter.write_line(
                    f"{name:>9}: {c['passed']} passed, {c['failed'] + c['error']} failing, {c['skipped']} skipped")
    unused = sorted(nodeid for nodeid, used in _backend_used.items() if not used)
    if unused:
        terminalreporter.write_line(f"{len(unused)} tests took a backend but sent it no statement (counted as no-db)"
                                    + ("" if os.environ.get("PONY_LIST_NODB") else "; PONY_LIST_NODB=1 lists them"))
        if os.environ.get("PONY_LIST_NODB"):
            for nodeid in unused:
                terminalreporter.write_line(f"  {nodeid}")
