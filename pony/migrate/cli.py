"""``python -m pony.migrate --db MODULE:ATTR [--dir PATH] COMMAND`` (also ``pony-migrate``)."""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import sys
from pathlib import Path
from typing import Any

from . import commands
from .autogen import AmbiguousRename
from .history import LockTimeout
from .operations import IrreversibleError
from .runner import MigrationError, Options


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="pony-migrate", description="Schema migrations for Pony entities.")
    p.add_argument("--db", required=True, help="MODULE:ATTR of a bound Database with declared entities")
    p.add_argument("--dir", help="the migrations directory (default: migrations/ beside MODULE)")
    p.add_argument("--lock-timeout", type=float, default=60.0, help="seconds to wait for the migration lock")
    p.add_argument("--concurrently", action="store_true", help="create PostgreSQL indexes CONCURRENTLY")
    sub = p.add_subparsers(dest="command", required=True)
    make = sub.add_parser("make", help="write a migration for the changes of the entities")
    make.add_argument("-m", "--message", default="")
    make.add_argument("--empty", action="store_true", help="a migration without operations, to edit")
    make.add_argument("--rename", action="append", default=[], metavar="OLD=NEW",
                      help="Entity=NewEntity or Entity.attr=Entity.new_attr: a rename, not a drop and an add")
    make.add_argument("--not-renamed", action="store_true", help="what is gone is dropped, without asking")
    make.add_argument("--baseline", action="store_true", help="record the existing database as the start")
    for name, text in (("apply", "upgrade to the newest or to TARGET"), ("rollback", "downgrade to TARGET"),
                       ("sql", "print the SQL apply would run")):
        command = sub.add_parser(name, help=text)
        command.add_argument("target", nargs="?")
        if name == "sql":
            command.add_argument("--offline", action="store_true", help="all migrations, without connecting")
    sub.add_parser("status", help="applied and pending migrations")
    sub.add_parser("check", help="exit 1 when entities, migrations and database disagree")
    return p


def load_database(spec: str) -> tuple[Any, Path]:
    """The Database ``MODULE:ATTR`` names, with its entities declared but not mapped, and the
    default migrations directory (``migrations/`` beside the module)."""
    module_name, _, attr = spec.partition(":")
    if not module_name or not attr:
        raise MigrationError(f"--db {spec!r}: expected MODULE:ATTR, e.g. myapp.models:db")
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    module = importlib.import_module(module_name)
    db = _database_of(module, spec, attr)
    if getattr(db, "_mapping_generated", False) and module.__file__:
        # This process already mapped it (a test, a notebook, a page that imported the models):
        # the mapping changes the declarations, so read them from a private, fresh copy.
        module = _fresh_copy(module)
        db = _database_of(module, spec, attr)
    if getattr(db, "_mapping_generated", False):
        raise MigrationError(f"--db {spec!r}: the mapping is already generated; declare the entities without "
                             "calling generate_mapping() at import time")
    return db, Path(module.__file__ or ".").resolve().parent / "migrations"


def _database_of(module: Any, spec: str, attr: str) -> Any:
    db = getattr(module, attr, None)
    if db is None or not hasattr(db, "entities"):
        raise MigrationError(f"--db {spec!r}: {module.__name__} has no Database named {attr!r}")
    return db


def _fresh_copy(module: Any) -> Any:
    """A new module object executed from ``module``'s file, not registered in ``sys.modules``."""
    spec = importlib.util.spec_from_file_location(module.__name__, module.__file__)
    assert spec is not None and spec.loader is not None
    copy = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(copy)
    return copy


def _ask(question: str) -> bool:
    return input(question).strip().lower() in ("y", "yes")


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        db, default_dir = load_database(args.db)
        project = commands.Project(db, Path(args.dir) if args.dir else default_dir,
                                   Options(args.lock_timeout, args.concurrently))
        return _dispatch(project, args)
    except (MigrationError, AmbiguousRename, IrreversibleError, LockTimeout, LookupError, ValueError,
            NotImplementedError, ImportError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def _dispatch(project: commands.Project, args: argparse.Namespace) -> int:
    if args.command == "make":
        renames = dict(item.split("=", 1) for item in args.rename)
        ask = _ask if sys.stdin is not None and sys.stdin.isatty() else None
        return commands.make(project, args.message, args.empty, renames, ask, args.not_renamed, args.baseline)
    if args.command == "apply":
        return commands.apply(project, args.target)
    if args.command == "rollback":
        return commands.rollback(project, args.target)
    if args.command == "sql":
        return commands.sql(project, args.target, args.offline)
    if args.command == "status":
        return commands.status(project)
    return commands.check(project)
