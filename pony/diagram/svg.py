"""SVG through Graphviz's ``dot`` program, when it is installed."""

from __future__ import annotations

import shutil
import subprocess


class GraphvizMissing(RuntimeError):
    """``dot`` is not on PATH."""


def dot_program() -> str | None:
    return shutil.which("dot")


def to_svg(dot_text: str) -> str:
    """Render DOT text as SVG with ``dot -Tsvg``."""
    program = dot_program()
    if program is None:
        raise GraphvizMissing("SVG needs Graphviz's `dot` program, which is not on PATH: install Graphviz "
                              "(e.g. `apt-get install graphviz` or `brew install graphviz`), or use "
                              "--format mermaid or --format dot")
    result = subprocess.run([program, "-Tsvg"], input=dot_text, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise RuntimeError(f"dot failed: {result.stderr.strip()}")
    return result.stdout
