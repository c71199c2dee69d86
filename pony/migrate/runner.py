"""Apply and roll back migrations on a live database.

Each migration runs in one transaction on SQLite and PostgreSQL (SQLite with foreign-key checks
off and ``PRAGMA foreign_key_check`` before the commit); on MySQL/MariaDB, whose DDL commits by
itself, the progress is recorded after every operation so ``status`` tells exactly what ran and
``apply`` resumes from there. ``apply`` holds a lock so two deploys never migrate at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from .datastep import run_data_step
from .dialects import Statement
from .files import Migration
from .history import History, acquire_lock, release_lock
from .operations import IrreversibleError, Operation
from .plan import DataStep, operation_steps
from .state import ModelState


class MigrationError(Exception):
    """A migration could not run (the message says which, why and what to do)."""


@dataclass
class Options:
    lock_timeout: float = 60.0
    concurrently: bool = False  # CREATE INDEX CONCURRENTLY on PostgreSQL (outside the transaction)


class Runner:
    def __init__(self, provider: Any, migrations: list[Migration], options: Options | None = None,
                 echo: Callable[[str], None] = print) -> None:
        if getattr(getattr(provider, "pool", None), "filename", None) == ":memory:":
            raise MigrationError("Migrations need a database file or server, not an in-memory SQLite database")
        self.provider = provider
        self.migrations = migrations
        self.options = options or Options()
        self.echo = echo
        self.kind = provider.provider_name

    # --- connection -----------------------------------------------------------------------------

    @contextmanager
    def connection(self) -> Iterator[Any]:
        con = self.provider.pool._new_connection()
        if self.kind == "postgres":
            con.autocommit = True
        elif self.kind == "mysql":
            con.autocommit(True)
        self.con = con
        try:
            yield con
        finally:
            con.close()

    def execute(self, sql: str, params: Any = None) -> Any:
        cursor = self.con.cursor()
        if params is None:
            cursor.execute(sql)
        else:
            cursor.execute(sql, params)
        return cursor

    def history(self) -> History:
        return History(self.provider, self.execute)

    @contextmanager
    def locked(self) -> Iterator[None]:
        handle = acquire_lock(self.provider, self.execute, self.options.lock_timeout)
        try:
            yield
        finally:
            release_lock(self.provider, self.execute, handle)

    # --- transactions ---------------------------------------------------------------------------

    def begin(self) -> None:
        if self.kind == "sqlite":
            self.execute("PRAGMA foreign_keys = OFF")
            self.execute("BEGIN IMMEDIATE")
        elif self.kind == "postgres":
            self.con.autocommit = False
        elif self.kind == "mysql":
            self.execute("SET foreign_key_checks = 0")

    def commit(self) -> None:
        if self.kind == "sqlite":
            problems = self.execute("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise MigrationError(f"Foreign key check failed after the migration: {problems[:5]}")
            self.execute("COMMIT")
            self.execute("PRAGMA foreign_keys = ON")
        elif self.kind == "postgres":
            self.con.commit()
            self.con.autocommit = True
        elif self.kind == "mysql":
            self.execute("SET foreign_key_checks = 1")

    def rollback(self) -> None:
        try:
            if self.kind == "sqlite":
                if self.con.in_transaction:
                    self.execute("ROLLBACK")
                self.execute("PRAGMA foreign_keys = ON")
            elif self.kind == "postgres":
                self.con.rollback()
                self.con.autocommit = True
            elif self.kind == "mysql":
                self.execute("SET foreign_key_checks = 1")
        except Exception:
            pass  # the original error matters more

    # --- running statements ---------------------------------------------------------------------

    def run(self, statements: list[Statement], state: ModelState, deferred: list[Statement]) -> None:
        for statement in statements:
            if isinstance(statement.action, DataStep):
                if self.kind == "mysql":  # a data step's writes are one transaction of their own
                    self.con.autocommit(False)
                    self.con.begin()
                run_data_step(statement.action.function, statement.action.state, self.provider, self.con)
                if self.kind == "mysql":
                    self.con.commit()
                    self.con.autocommit(True)
            elif statement.action is not None:
                statement.action(self.execute)
            elif statement.resolve is not None:
                for sql in statement.resolve(self.execute):
                    self.execute(sql)
            elif statement.sql.startswith("CREATE INDEX CONCURRENTLY"):
                deferred.append(statement)
            else:
                self.execute(statement.sql, statement.params)

    def run_migration(self, migration: Migration, ops: list[Operation], states: list[ModelState],
                      skip: int, name_for_record: str, forward: bool) -> None:
        """Run ``ops`` (op i goes from states[i] to states[i+1]), recording progress."""
        history = self.history()
        deferred: list[Statement] = []
        self.begin()
        i = skip
        try:
            for i, op in enumerate(ops):
                if i < skip:
                    continue
                self.run(operation_steps(op, states[i], self.provider, self.options.concurrently), states[i],
                         deferred)
                if self.kind == "mysql" and i + 1 < len(ops):
                    done = i + 1 if forward else len(ops) - i - 1
                    history.save(name_for_record, done, False)
            if forward:
                history.save(name_for_record, len(ops), True)
            else:
                history.delete(name_for_record)
            self.commit()
        except Exception as exc:
            self.rollback()
            raise MigrationError(self.failure_message(migration, ops, i, exc, forward)) from exc
        except BaseException:
            self.rollback()
            raise
        for statement in deferred:
            self.execute(statement.sql)

    def failure_message(self, migration: Migration, ops: list[Operation], failed: int, exc: Exception,
                        forward: bool) -> str:
        """What failed, what state the database is in, and what to do next."""
        command = "apply" if forward else "rollback"
        head = (f"{migration.name}: {'' if forward else 'rolling back '}operation {failed + 1} of {len(ops)} "
                f"({ops[failed].describe() if failed < len(ops) else 'recording it'}) failed: "
                f"{type(exc).__name__}: {exc}".rstrip())
        if self.kind != "mysql":
            return (f"{head}. The migration was rolled back: the database is as it was before it. Fix the "
                    f"cause, then run `{command}` again.")
        return (f"{head}. MySQL/MariaDB cannot roll back schema changes: the {failed} operation(s) before it stay "
                f"done and recorded (see `status`). Fix the cause, then run `{command}` again to continue "
                f"from operation {failed + 1}.")


def check_allowed(migration: Migration, reverse: bool = False) -> None:
    """Refuse a migration whose operations may lose data unless it says ``allow_destructive``."""
    if migration.allow_destructive:
        return
    for op in migration.operations:
        check = op.reverse() if reverse else op
        if check.destructive:
            raise MigrationError(
                f"{migration.name}: {check.describe()} {check.destructive}. If that is intended, add "
                f"`allow_destructive = True` to the migration file (after a backup), then run it again.")


def reverse_plan(migration: Migration, start: ModelState, ops_done: int) -> tuple[list[Operation], list[ModelState]]:
    """The reverse operations of the first ``ops_done`` operations, with their states."""
    states = migration.states(start)[:ops_done + 1]
    try:
        ops = [op.reverse() for op in reversed(migration.operations[:ops_done])]
    except IrreversibleError as exc:
        raise MigrationError(f"Cannot roll back {migration.name}: {exc}. Write the reverse step, or restore a "
                             "backup.") from None
    return ops, list(reversed(states))
