"""``python -m pony.diagram MODULE:ATTR [--format mermaid|dot|svg] [-o FILE]`` (also ``pony-diagram``)."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path
from typing import Any

from ..orm import Database
from . import FORMATS, GraphvizMissing, diagram


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="pony-diagram", description="Draw the ER diagram of Pony entities.")
    p.add_argument("target", help="MODULE:ATTR naming a Database with declared entities, or a function "
                                  "that declares them on the Database it is given (e.g. define_entities)")
    p.add_argument("--format", "-f", choices=FORMATS, default="mermaid", help="output format (default: mermaid)")
    p.add_argument("-o", "--output", help="write to this file instead of printing")
    return p


def load(spec: str) -> Any:
    """The Database ``MODULE:ATTR`` names (a declaring function is called with a new Database)."""
    module_name, _, attr = spec.partition(":")
    if not module_name or not attr:
        raise ValueError(f"{spec!r}: expected MODULE:ATTR, e.g. myapp.models:db")
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    module = importlib.import_module(module_name)
    value = getattr(module, attr, None)
    if value is None:
        raise ValueError(f"{spec!r}: module {module_name} has no attribute {attr!r}")
    if isinstance(value, Database):
        return value
    if callable(value):
        db = Database()
        value(db)
        return db
    raise ValueError(f"{spec!r}: {attr} is neither a Database nor a function declaring entities")


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        text = diagram(load(args.target), args.format)
    except (ValueError, ImportError, GraphvizMissing, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.output:
        Path(args.output).write_text(text)
    else:
        sys.stdout.write(text)
    return 0
