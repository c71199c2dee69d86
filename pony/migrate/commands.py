"""The migration commands (``make``, ``apply``, ``rollback``, ``status``, ``sql``, ``check``) as
functions of a ``Project`` (a Database with declared entities and a migrations directory).
Each returns the process exit code and prints what was done and what to do next."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import autogen, files
from .history import History
from .plan import operation_steps
from .runner import MigrationError, Options, Runner, check_allowed, reverse_plan
from .state import ModelState, capture


@dataclass
class Project:
    db: Any  # a bound Database whose entities are declared
    directory: Path
    options: Options = field(default_factory=Options)
    echo: Callable[[str], None] = print

    def __post_init__(self) -> None:
        self.directory = Path(self.directory)
        self._state: ModelState | None = None

    @property
    def provider(self) -> Any:
        if self.db.provider is None:
            raise MigrationError("The Database is not bound: bind it (db.bind(...)) in the module you named")
        return self.db.provider

    def entity_state(self) -> ModelState:
        if self._state is None:
            self._state = capture(self.db)
        return self._state

    def migrations(self) -> list[files.Migration]:
        return files.load(self.directory)

    def runner(self) -> Runner:
        return Runner(self.provider, self.migrations(), self.options, self.echo)


def make(project: Project, message: str = "", empty: bool = False, renames: dict[str, str] | None = None,
         ask: autogen.Ask = None, not_renamed: bool = False, baseline: bool = False) -> int:
    migrations = project.migrations()
    recorded = files.replay(migrations)
    if baseline:
        return _baseline(project, migrations)
    ops = [] if empty else autogen.operations(recorded, project.entity_state(), renames or {}, ask, not_renamed)
    if not ops and not empty:
        project.echo("No changes: the entities match the migrations.")
        return 0
    destructive = [op for op in ops if op.destructive]
    message = message or ("empty migration" if empty else ops[0].describe())
    path = files.write(project.directory, files.next_number(migrations), message, ops, bool(destructive))
    project.echo(f"Wrote {path}: {len(ops)} operation(s).")
    for op in ops:
        project.echo(f"  - {op.describe()}" + (f"  [may lose data: {op.destructive}]" if op.destructive else ""))
    project.echo("Review it, then run `apply`.")
    return 0


def _baseline(project: Project, migrations: list[files.Migration]) -> int:
    if migrations:
        project.echo("A baseline must be the first migration, and this directory already has migrations.")
        return 1
    from .operations import CreateEntity
    state = project.entity_state()
    ops = [CreateEntity(*state.entities.values())] if state.entities else []
    path = files.write(project.directory, 1, "baseline", ops, False, baseline=True)
    runner = project.runner()
    with runner.connection():
        history = runner.history()
        history.ensure()
        history.save(path.stem, len(ops), True)
        if runner.kind == "postgres":
            runner.con.commit() if not runner.con.autocommit else None
    project.echo(f"Wrote {path} and recorded it as applied: the database was not changed.")
    return 0


def _records(runner: Runner) -> dict:
    return runner.history().records()


def apply(project: Project, target: str | None = None) -> int:
    runner = project.runner()
    migrations = runner.migrations
    last = files.find(migrations, target) if target else len(migrations) - 1
    with runner.connection():
        runner.history().ensure()
        with runner.locked():
            records = _records(runner)
            ran = 0
            for i, migration in enumerate(migrations[:last + 1]):
                record = records.get(migration.name)
                if record is not None and record.complete:
                    continue
                if migration.baseline:
                    raise MigrationError(f"{migration.name} is a baseline: it is recorded by `make --baseline`, "
                                         "never run")
                check_allowed(migration)
                start = files.replay(migrations, i)
                skip = record.ops_done if record is not None else 0
                runner.run_migration(migration, migration.operations, migration.states(start), skip,
                                     migration.name, forward=True)
                project.echo(f"Applied {migration.name}" + (f" (resumed after {skip} operations)" if skip else ""))
                ran += 1
    project.echo("Nothing to apply: the database is up to date." if not ran else f"{ran} migration(s) applied.")
    return 0


def rollback(project: Project, target: str | None = None) -> int:
    runner = project.runner()
    migrations = runner.migrations
    with runner.connection():
        runner.history().ensure()
        with runner.locked():
            records = _records(runner)
            applied = [i for i, m in enumerate(migrations) if m.name in records]
            if not applied:
                project.echo("Nothing to roll back: no migration is applied.")
                return 0
            keep = files.find(migrations, target) if target else applied[-1] - 1
            for i in reversed([i for i in applied if i > keep]):
                migration = migrations[i]
                if migration.baseline:
                    raise MigrationError(f"Cannot roll back {migration.name}: it is the baseline of an adopted "
                                         "database")

                ops, states = reverse_plan(migration, files.replay(migrations, i), records[migration.name].ops_done)
                runner.run_migration(migration, ops, states, 0, migration.name, forward=False)
                project.echo(f"Rolled back {migration.name}")
    now = [migrations[i].name for i in applied if i <= keep]
    project.echo(f"The database is now at {now[-1]}." if now else "No migration is applied now.")
    project.echo("Run `apply` to upgrade again.")
    return 0


def status(project: Project) -> int:
    runner = project.runner()
    with runner.connection():
        records = _records(runner)
    pending = 0
    for migration in runner.migrations:
        record = records.get(migration.name)
        if record is None:
            pending += 1
            project.echo(f"[ ] {migration.name}")
        elif not record.complete:
            pending += 1
            total = len(migration.operations)
            project.echo(f"[~] {migration.name}  partly applied: {record.ops_done} of {total} operations "
                         "(run `apply` to finish it, or `rollback` to undo them)")
        else:
            project.echo(f"[x] {migration.name}  applied {record.applied_at}")
    project.echo(f"{pending} pending: run `apply`." if pending else "The database is up to date.")
    return 0


def sql(project: Project, target: str | None = None, offline: bool = False) -> int:
    """Print the SQL ``apply`` would run (a name the database chooses itself, read at ``apply``
    time, is printed as a comment saying what that statement does)."""
    migrations = project.migrations()
    records: dict = {}
    if not offline:
        runner = project.runner()
        with runner.connection():
            records = History(runner.provider, runner.execute).records()
    last = files.find(migrations, target) if target else len(migrations) - 1
    for i, migration in enumerate(migrations[:last + 1]):
        record = records.get(migration.name)
        if (record is not None and record.complete) or migration.baseline:
            continue
        project.echo(f"-- {migration.name}")
        states = migration.states(files.replay(migrations, i))
        done = record.ops_done if record else 0
        for j, op in enumerate(migration.operations[done:], done):
            for statement in operation_steps(op, states[j], project.provider, project.options.concurrently):
                params = f"  -- parameters: {statement.params!r}" if statement.params else ""
                project.echo(f"{statement.sql};{params}" if not statement.sql.startswith("--") else statement.sql)
    return 0


def check(project: Project) -> int:
    migrations = project.migrations()
    ops = autogen.operations(files.replay(migrations), project.entity_state(), {}, None, not_renamed=True)
    code = 0
    if ops:
        project.echo("The entities differ from the migrations: " + "; ".join(op.describe() for op in ops))
        project.echo("Run `make` to write a migration for them.")
        code = 1
    from .live import live_differences
    runner = project.runner()
    with runner.connection():
        records = _records(runner)
        pending = [m.name for m in migrations if m.name not in records or not records[m.name].complete]
        applied = [m for m in migrations if m.name not in pending]
        problems = live_differences(runner, files.replay(applied))
    if pending:
        project.echo(f"{len(pending)} migration(s) not applied: {', '.join(pending)}. Run `apply`.")
        code = 1
    for problem in problems:
        project.echo(f"The live database differs from the applied migrations: {problem}")
        code = 1
    if code == 0:
        project.echo("OK: entities, migrations and database agree.")
    return code
