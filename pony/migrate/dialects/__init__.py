"""SQL for schema changes, one module per dialect: ``renderer_for(provider)`` picks the class."""

from __future__ import annotations

from typing import Any

from .base import AlterRenderer, Statement
from .mysql import MySQLRenderer
from .postgres import PGRenderer
from .sqlite import SQLiteRenderer

_RENDERERS = {"sqlite": SQLiteRenderer, "postgres": PGRenderer, "mysql": MySQLRenderer, "cockroach": PGRenderer}


def renderer_for(provider: Any) -> AlterRenderer:
    """The renderer of ``provider``'s dialect (a clear error for a dialect without migrations)."""
    try:
        cls = _RENDERERS[provider.provider_name]
    except KeyError:
        raise NotImplementedError(f"Migrations are not available for {provider.dialect} yet") from None
    return cls(provider)


__all__ = ["renderer_for", "Statement", "AlterRenderer"]
