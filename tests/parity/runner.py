"""Differential parity runner: the same program under Pony 0.7.20 and under this project.

A program is a module in ``programs/``. It creates ``db = Database()``, declares its entities at
module level, and defines ``populate()`` and any number of ``case_<name>()`` functions. Each case
runs in its own ``db_session`` (rolled back afterwards) and returns a value: a query, a list, an
object, a number... The runner turns that value into plain JSON (``normalize``); an exception
becomes ``{"error": class name, "mro": [...], "message": ...}``.

This file imports nothing from the project, so it runs under whichever ``pony`` the interpreter
has: ``.venv-pony/bin/python tests/parity/runner.py --record`` writes Pony's answers to
``expected/<program>.<backend>.json`` (``make parity-record``); tests/test_parity.py runs the same
programs in-process with this project and compares.

Results of a query or a list are compared as sorted lists, except for cases whose name ends in
``_ordered``. Floats are rounded to 9 significant digits. Cases named ``case_outside_*`` run outside
any db_session (to declare entities of their own, end sessions, ...); they find the program's bind
arguments in ``module.BIND = (args, kwargs)`` to bind further Database objects to the same backend
(those must use table names of their own and drop their tables when done).
"""

from __future__ import annotations

import argparse
import datetime
import decimal
import importlib.util
import json
import os
import sys
import uuid
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PROGRAMS = HERE / "programs"
EXPECTED = HERE / "expected"
BACKENDS = ("sqlite", "postgres", "mysql")
_SKIP_MRO = {"object", "BaseException", "Exception"}


def program_paths() -> list[Path]:
    return sorted(p for p in PROGRAMS.glob("*.py") if not p.name.startswith("_"))


def case_names(module: Any) -> list[str]:
    return [name for name in vars(module) if name.startswith("case_") and callable(getattr(module, name))]


def load_program(path: Path, tag: str) -> Any:
    """Import a program file under a name of its own (one import per backend and run)."""
    name = f"parity_{path.stem}_{tag}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def normalize(value: Any, entity_base: Any, ordered: bool = True) -> Any:
    """Plain JSON for a case's result; entity objects become ``Class[pk]`` strings."""
    if isinstance(value, entity_base):
        return repr(value)
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        return float(f"{value:.9g}")
    if isinstance(value, decimal.Decimal):
        return f"Decimal({value})"
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time, datetime.timedelta)):
        return f"{type(value).__name__}({value})"
    if isinstance(value, (bytes, bytearray, memoryview)):
        return f"bytes({bytes(value).hex()})"
    if isinstance(value, uuid.UUID):
        return f"UUID({value})"
    if isinstance(value, dict):
        return {str(k): normalize(v, entity_base) for k, v in value.items()}
    if isinstance(value, tuple):
        return {"tuple": [normalize(v, entity_base) for v in value]}
    if isinstance(value, (set, frozenset)):
        return sorted((normalize(v, entity_base) for v in value), key=_sort_key)
    if hasattr(value, "__iter__"):  # a query, a query result, a list, a collection
        items = [normalize(v, entity_base) for v in value]
        return items if ordered else sorted(items, key=_sort_key)
    return f"{type(value).__name__}({value!r})"


def _sort_key(item: Any) -> str:
    return json.dumps(item, sort_keys=True, ensure_ascii=False)


def error_record(exc: BaseException) -> dict:
    mro = [cls.__name__ for cls in type(exc).__mro__ if cls.__name__ not in _SKIP_MRO]
    return {"error": type(exc).__name__, "mro": mro, "message": str(exc)[:500]}


def run_case(module: Any, name: str) -> Any:
    """One case in a fresh db_session that is rolled back, as JSON."""
    from pony.orm import db_session, rollback

    ordered = name.endswith("_ordered")
    if name.startswith("case_outside_"):
        try:
            return {"result": normalize(getattr(module, name)(), module.db.Entity, ordered)}
        except Exception as exc:
            return error_record(exc)
    try:
        with db_session:
            try:
                return {"result": normalize(getattr(module, name)(), module.db.Entity, ordered)}
            finally:
                rollback()
    except Exception as exc:
        return error_record(exc)


def run_program(path: Path, tag: str, bind_args: tuple, bind_kwargs: dict) -> dict[str, Any]:
    """Bind the program's database, populate it, run every case; ``{case: record}``."""
    from pony.orm import db_session

    module = load_program(path, tag)
    module.BIND = (bind_args, bind_kwargs)
    db = module.db
    db.bind(*bind_args, **bind_kwargs)
    db.generate_mapping(create_tables=True)
    try:
        with db_session:
            module.populate()
        return {name: run_case(module, name) for name in case_names(module)}
    finally:
        db.drop_all_tables(with_all_data=True)
        db.disconnect()


# --- recording with Pony: each backend in a fresh database of its own ----------------------------

def _server_database(backend: str) -> tuple[tuple, dict, Any]:
    """Bind arguments for a new scratch database on the local server, and a function dropping it."""
    name = f"pony_parity_{os.getpid()}"
    if backend == "postgres":
        import psycopg2
        admin = psycopg2.connect(host="127.0.0.1", user="postgres", dbname="postgres")
        admin.autocommit = True
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.cursor().execute(f'CREATE DATABASE "{name}"')
        drop = lambda: admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # noqa: E731
        return ("postgres",), dict(host="127.0.0.1", user="postgres", database=name), drop
    import pymysql
    admin = pymysql.connect(host="127.0.0.1", user="root", password="", autocommit=True)
    admin.cursor().execute(f"DROP DATABASE IF EXISTS `{name}`")
    admin.cursor().execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
    drop = lambda: admin.cursor().execute(f"DROP DATABASE IF EXISTS `{name}`")  # noqa: E731
    return ("mysql",), dict(host="127.0.0.1", user="root", passwd="", db=name), drop


def record(paths: list[Path], backends: list[str]) -> None:
    EXPECTED.mkdir(exist_ok=True)
    for backend in backends:
        for path in paths:
            if backend == "sqlite":
                args, kwargs, drop = ("sqlite", ":memory:"), {}, (lambda: None)
            else:
                args, kwargs, drop = _server_database(backend)
            try:
                results = run_program(path, backend, args, kwargs)
            finally:
                drop()
            out = EXPECTED / f"{path.stem}.{backend}.json"
            out.write_text(json.dumps(results, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
            errors = sum("error" in r for r in results.values())
            print(f"{out.relative_to(HERE)}: {len(results)} cases ({errors} raise)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--record", action="store_true", help="write expected/*.json (run under pony 0.7.20)")
    parser.add_argument("--backend", action="append", choices=BACKENDS, help="default: all three")
    parser.add_argument("programs", nargs="*", help="program names (default: all)")
    args = parser.parse_args()
    paths = [p for p in program_paths() if not args.programs or p.stem in args.programs]
    backends = args.backend or list(BACKENDS)
    if args.record:
        record(paths, backends)
        return
    for path in paths:
        results = run_program(path, "show", ("sqlite", ":memory:"), {})
        print(json.dumps(results, indent=1, sort_keys=True, ensure_ascii=False))


if __name__ == "__main__":
    main()
