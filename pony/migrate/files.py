"""Migration files: ``NNNN_slug.py`` modules in one directory, loaded in name order, and written.

A file holds ``operations = [...]`` and may set ``allow_destructive = True`` (to let an operation
that can lose data run) and ``baseline = True`` (the starting state of an adopted database,
recorded as applied without running it).
"""

from __future__ import annotations

import re
import sys
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .operations import Operation
from .state import ModelState

_NAME = re.compile(r"^(\d{4})_[A-Za-z0-9_]+\.py$")


@dataclass
class Migration:
    name: str  # file name without .py
    operations: list[Operation]
    allow_destructive: bool = False
    baseline: bool = False
    message: str = ""

    def states(self, start: ModelState) -> list[ModelState]:
        """The state before each operation, then the final one (len(operations) + 1 states)."""
        states = [start]
        for op in self.operations:
            states.append(op.apply(states[-1]))
        return states


def load(directory: Path) -> list[Migration]:
    """The migrations of ``directory`` in order (none when it does not exist)."""
    if not directory.is_dir():
        return []
    result = []
    for path in sorted(directory.iterdir()):
        if _NAME.match(path.name):
            result.append(_load_file(path))
    return result


def _load_file(path: Path) -> Migration:
    # Executed from its source, never from a cached .pyc: a file edited twice within the same
    # second (a fixed migration run again) could otherwise run its old bytecode.
    module_name = f"pony_migration_{abs(hash(str(path.resolve())))}_{path.stem}"
    module = types.ModuleType(module_name)
    module.__file__ = str(path)
    sys.modules[module_name] = module
    try:
        exec(compile(path.read_text(), str(path), "exec"), module.__dict__)
    except Exception as exc:
        raise ImportError(f"Cannot load migration {path}: {type(exc).__name__}: {exc}") from exc
    operations = getattr(module, "operations", None)
    if not isinstance(operations, list) or not all(isinstance(op, Operation) for op in operations):
        raise ImportError(f"Migration {path} must define operations = [...] of migration operations")
    return Migration(path.stem, operations, bool(getattr(module, "allow_destructive", False)),
                     bool(getattr(module, "baseline", False)), getattr(module, "__doc__", "") or "")


def replay(migrations: list[Migration], upto: int | None = None) -> ModelState:
    """The state after the first ``upto`` migrations (all by default)."""
    state = ModelState()
    for migration in migrations[:upto]:
        state = migration.states(state)[-1]
    return state


def slug(message: str) -> str:
    text = re.sub(r"[^A-Za-z0-9]+", "_", message.strip().lower()).strip("_")
    return text[:40] or "migration"


def write(directory: Path, number: int, message: str, operations: list[Operation], destructive: bool,
          baseline: bool = False) -> Path:
    """Write a new migration file and return its path."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{number:04d}_{slug(message)}.py"
    body = ",\n".join("    " + op.to_source().replace("\n", "\n    ") for op in operations)
    lines = [f'"""{message}"""', "", "from pony.migrate.api import *  # noqa: F403", ""]
    if baseline:
        lines += ["baseline = True  # the database had this schema before migrations: recorded, never run", ""]
    if destructive:
        lines += ["# This migration can lose data (see the operations marked below). Check it, then keep:",
                  "allow_destructive = True", ""]
    lines += ["operations = [", body + ("," if operations else ""), "]", ""]
    path.write_text("\n".join(lines))
    return path


def next_number(migrations: list[Migration]) -> int:
    return max((int(m.name[:4]) for m in migrations), default=0) + 1


def find(migrations: list[Migration], target: Any) -> int:
    """The index of the migration named (or numbered) ``target``; a clear error otherwise."""
    for i, migration in enumerate(migrations):
        if target in (migration.name, migration.name[:4], migration.name.lstrip("0").split("_")[0]):
            return i
    names = ", ".join(m.name for m in migrations) or "none"
    raise LookupError(f"No migration {target!r}; the migrations are: {names}")
