"""The applied-migrations table ``pony_migrations`` (created on first use) and the migration lock.

One row per migration: its name, when it was applied, how many of its operations ran
(``ops_done``) and whether it finished. On MySQL/MariaDB, where DDL cannot be rolled back, the
row is written after every operation, so a failure leaves an exact record and ``apply`` resumes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

TABLE = "pony_migrations"
LOCK_NAME = "pony_migrate"
LOCK_KEY = 7_415_230_981  # the PostgreSQL advisory lock key


@dataclass
class Record:
    name: str
    applied_at: str
    ops_done: int
    complete: bool


class History:
    def __init__(self, provider: Any, execute: Any) -> None:
        self.provider = provider
        self.execute = execute
        self.q = provider.ddl_compiler_cls(provider).quote
        self.ph = "?" if provider.paramstyle == "qmark" else "%s"

    def exists(self) -> bool:
        return self.provider.table_exists(self.execute, TABLE) is not None

    def ensure(self) -> None:
        if not self.exists():
            self.execute(f"CREATE TABLE {self.q(TABLE)} ({self.q('name')} VARCHAR(255) PRIMARY KEY, "
                         f"{self.q('applied_at')} VARCHAR(32) NOT NULL, {self.q('ops_done')} INTEGER NOT NULL, "
                         f"{self.q('complete')} INTEGER NOT NULL)")

    def records(self) -> dict[str, Record]:
        if not self.exists():
            return {}
        cursor = self.execute(f"SELECT {self.q('name')}, {self.q('applied_at')}, {self.q('ops_done')}, "
                              f"{self.q('complete')} FROM {self.q(TABLE)}")
        return {row[0]: Record(row[0], row[1], int(row[2]), bool(row[3])) for row in cursor.fetchall()}

    def save(self, name: str, ops_done: int, complete: bool) -> None:
        now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
        self.execute(f"DELETE FROM {self.q(TABLE)} WHERE {self.q('name')} = {self.ph}", (name,))
        self.execute(f"INSERT INTO {self.q(TABLE)} VALUES ({self.ph}, {self.ph}, {self.ph}, {self.ph})",
                     (name, now, ops_done, int(complete)))

    def delete(self, name: str) -> None:
        self.execute(f"DELETE FROM {self.q(TABLE)} WHERE {self.q('name')} = {self.ph}", (name,))


class LockTimeout(Exception):
    """Another process holds the migration lock for longer than the lock timeout."""


def acquire_lock(provider: Any, execute: Any, timeout: float) -> Any:
    """Take the migration lock (PostgreSQL advisory lock, MySQL GET_LOCK, on SQLite an exclusive
    lock on the file ``<database>.migrate-lock``) and return what ``release_lock`` needs."""
    name = provider.provider_name
    message = f"Another migration holds the lock (waited {timeout:g}s); try again when it has finished"
    if name == "postgres":
        deadline = time.monotonic() + timeout
        while not execute("SELECT pg_try_advisory_lock(%s)", (LOCK_KEY,)).fetchone()[0]:
            if time.monotonic() > deadline:
                raise LockTimeout(message)
            time.sleep(0.2)
        execute(f"SET lock_timeout = '{int(timeout * 1000)}ms'")
    elif name == "mysql":
        got = execute("SELECT GET_LOCK(%s, %s)", (LOCK_NAME, int(timeout))).fetchone()[0]
        if got != 1:
            raise LockTimeout(message)
        execute(f"SET SESSION lock_wait_timeout = {max(1, int(timeout))}")
    elif name == "sqlite":
        execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        return _lock_file(f"{provider.pool.filename}.migrate-lock", timeout, message)
    return None


def _lock_file(path: str, timeout: float, message: str) -> Any:
    """An open file holding an exclusive ``flock`` (released by the OS if the process dies)."""
    try:
        import fcntl
    except ImportError:  # no flock (Windows): each migration still runs in BEGIN IMMEDIATE
        return None
    handle = open(path, "a")  # noqa: SIM115 - kept open while the lock is held
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return handle
        except BlockingIOError:
            if time.monotonic() > deadline:
                handle.close()
                raise LockTimeout(message) from None
            time.sleep(0.1)


def release_lock(provider: Any, execute: Any, handle: Any = None) -> None:
    name = provider.provider_name
    if name == "postgres":
        execute("SELECT pg_advisory_unlock(%s)", (LOCK_KEY,))
    elif name == "mysql":
        execute("SELECT RELEASE_LOCK(%s)", (LOCK_NAME,))
    elif handle is not None:
        handle.close()  # closing the file releases its flock
