"""ER diagrams of a ``Database``'s entities: ``diagram(db, "mermaid" | "dot" | "svg")``.

Entities with their attributes, types and keys (PK, FK, UK), relations with the cardinality of
each end (``1``, ``0..1``, ``*``) and inheritance. Mermaid text renders on GitHub; SVG needs
Graphviz's ``dot``. ``python -m pony.diagram MODULE:ATTR --format ...`` prints one.
"""

from __future__ import annotations

from typing import Any

from .model import Diagram, describe
from .render import dot, mermaid
from .svg import GraphvizMissing, to_svg

FORMATS = ("mermaid", "dot", "svg")


def diagram(db: Any, format: str = "mermaid") -> str:
    """The diagram of ``db``'s entities in ``format``."""
    if format not in FORMATS:
        raise ValueError(f"Unknown diagram format {format!r} (expected one of {', '.join(FORMATS)})")
    described = describe(db)
    if format == "mermaid":
        return mermaid(described)
    text = dot(described)
    return to_svg(text) if format == "svg" else text


__all__ = ["diagram", "describe", "Diagram", "GraphvizMissing", "FORMATS"]
