"""Reliability tests at two sizes: short in the normal suite, long under ``make soak``.

``PONY_SOAK=1`` (set by ``tests/soak/run.py``) selects the long versions; every size the
reliability tests use comes from ``size(short, long)``.
"""

from __future__ import annotations

import os

SOAK = os.environ.get("PONY_SOAK", "") == "1"


def size(short: int, long: int) -> int:
    """``short`` in the normal suite, ``long`` under ``make soak``."""
    return long if SOAK else short
