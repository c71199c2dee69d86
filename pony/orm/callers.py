"""Which stack frame belongs to the user: where names in query text and ``$name`` parameters come from.

Query text (``filter("p.age > x")``), raw SQL with ``$x`` and ``raw_sql()`` inside a lambda read
names from the function that wrote the query. That function is found by walking the stack to the
first frame whose code is not part of this package, instead of counting a fixed number of frames:
the number of Pony frames between the user and the place that reads the names differs from one
entry point to another (``Entity.get`` calls ``Entity.select``, a decorator adds a wrapper, ...),
and a wrong count silently reads another function's variables.

The example programs shipped with the package (``pony/orm/examples``, ``pony/flask/example``)
are user code: they are written the way a user writes queries.
"""

from __future__ import annotations

import os
import sys
from types import CodeType, FrameType

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # .../pony
_USER_DIRS = tuple(os.path.join(_PACKAGE_DIR, *parts) + os.sep
                   for parts in (("orm", "examples"), ("flask", "example")))
_internal_files: dict[str, bool] = {}


def is_internal(filename: str) -> bool:
    """True for the source files of this package (except its example programs) and frozen stdlib modules."""
    known = _internal_files.get(filename)
    if known is None:
        if filename.startswith("<frozen"):
            known = True
        elif filename.startswith("<"):
            known = False  # exec'd or interactive user code
        else:
            path = os.path.abspath(filename)
            known = path.startswith(_PACKAGE_DIR + os.sep) and not path.startswith(_USER_DIRS)
        _internal_files[filename] = known
    return known


def user_frame() -> FrameType:
    """The innermost frame on the stack whose code is not part of this package."""
    frame: FrameType | None = sys._getframe(1)
    outermost = frame
    while frame is not None:
        if not is_internal(frame.f_code.co_filename):
            return frame
        outermost = frame
        frame = frame.f_back
    return outermost  # type: ignore[return-value]  # everything is internal: the outermost frame


def user_namespaces(globals: dict | None = None, locals: dict | None = None) -> tuple[dict, dict]:
    """The globals and locals to read names in: explicit dicts where given, else the user's frame.

    Explicit ``globals`` without ``locals`` use the globals for both, as ``eval`` does.
    """
    if globals is not None:
        return globals, (locals if locals is not None else globals)
    frame = user_frame()
    return frame.f_globals, (locals if locals is not None else frame.f_locals)


def writer_frame(code: CodeType) -> FrameType:
    """The frame of the function whose body contains ``code`` (a generator expression or lambda).

    Falls back to the user's frame when the writer is no longer on the stack (a lambda returned by
    a function that has finished): its names can then only come from the function using it.
    """
    frame: FrameType | None = user_frame()
    first = frame
    while frame is not None:
        if code in frame.f_code.co_consts:
            return frame
        frame = frame.f_back
    return first  # type: ignore[return-value]
