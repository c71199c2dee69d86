"""Per-dialect reading of what ``pony.orm.introspection`` leaves out: each column's full type and
whether the database numbers it itself. One module per provider name (``sqlite.py``...)."""

from __future__ import annotations

import importlib
from typing import Any

from ...orm.introspection import Execute
from ..columns import RawColumn


def raw_columns(provider: Any, execute: Execute) -> dict[tuple[str, str], RawColumn]:
    """``(table, column) -> RawColumn`` for every column of the current schema."""
    try:
        module = importlib.import_module(f"{__name__}.{provider.provider_name}")
    except ModuleNotFoundError:
        raise NotImplementedError(f"pony.inspect cannot read {provider.dialect} databases yet")
    return module.raw_columns(execute)
