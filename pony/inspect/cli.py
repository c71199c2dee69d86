"""``python -m pony.inspect PROVIDER [ARG ...] [KEY=VALUE ...] | URL`` (also ``pony-inspect``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..orm import Database
from . import InspectError, generate_module
from .connection import describe, parse_target

EPILOG = """examples:
  pony-inspect sqlite app.db
  pony-inspect postgres host=127.0.0.1 user=postgres database=shop
  pony-inspect postgresql://postgres@127.0.0.1/shop -o models.py
  pony-inspect mysql://root@127.0.0.1:3306/shop"""


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="pony-inspect", epilog=EPILOG, formatter_class=argparse.RawTextHelpFormatter,
                                description="Print entity declarations for the tables of an existing database.")
    p.add_argument("target", nargs="+", help="PROVIDER [ARG ...] [KEY=VALUE ...] (as for db.bind) or a URL")
    p.add_argument("-o", "--output", help="write the module to this file instead of printing it")
    p.add_argument("--skip", action="append", default=["pony_migrations"], metavar="TABLE",
                   help="leave this table out (repeatable)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        bind_args, bind_kwargs = parse_target(args.target)
        db = Database()
        db.bind(*bind_args, **bind_kwargs)
        try:
            source = generate_module(db, f"Entities of {describe(bind_args, bind_kwargs)}", tuple(args.skip))
        finally:
            db.disconnect()
    except (InspectError, ValueError, TypeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # a driver or connection error: say what it is, without a traceback
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    if args.output:
        Path(args.output).write_text(source)
    else:
        sys.stdout.write(source)
    return 0
