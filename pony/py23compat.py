"""Python 2/3 compatibility names that old Pony code imports (SPEC 18); Python 3 only now."""

from __future__ import annotations

import platform
import sys
from typing import Any

PY36 = sys.version_info[:2] >= (3, 6)
PY37 = sys.version_info[:2] >= (3, 7)
PY38 = sys.version_info[:2] >= (3, 8)
PY39 = sys.version_info[:2] >= (3, 9)
PY310 = sys.version_info[:2] >= (3, 10)
PY311 = sys.version_info[:2] >= (3, 11)
PY312 = sys.version_info[:2] >= (3, 12)
PY313 = sys.version_info[:2] >= (3, 13)
PY314 = sys.version_info[:2] >= (3, 14)
PYPY = platform.python_implementation() == "PyPy"

buffer = bytes
unicode = str
int_types = (int,)


def cmp(a: Any, b: Any) -> int:
    """Python 2's ``cmp``: -1, 0 or 1."""
    return (a > b) - (a < b)
