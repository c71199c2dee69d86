"""Helpers that Pony users import from ``pony.utils`` (SPEC 18), kept for compatibility.

New code in this project does not use ``throw``; it exists because user code written for Pony
calls it.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import os
import re
import threading
import warnings
from collections.abc import Callable
from types import ModuleType
from typing import Any

from pony.orm.errors import PonyDeprecationWarning

__all__ = ["throw", "cut_traceback", "decorator", "localbase", "is_ident", "import_module", "deref_proxy",
           "cached_property", "deprecated", "PonyDeprecationWarning"]

_PONY_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def throw(exc_type: Any, *args: Any, **kwargs: Any) -> None:
    """``raise exc_type(*args, **kwargs)``; an exception instance is raised as it is."""
    if isinstance(exc_type, BaseException):
        raise exc_type
    raise exc_type(*args, **kwargs)


def cut_traceback(func: Callable) -> Callable:
    """Hide Pony's internal frames from interactive tracebacks (``pony.options.CUT_TRACEBACK``)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        import pony
        from pony import options
        if not (options.CUT_TRACEBACK and pony.MODE == "INTERACTIVE"):
            return func(*args, **kwargs)
        try:
            return func(*args, **kwargs)
        except Exception as exc:
            tb = exc.__traceback__
            # Keep the user's frames: stop at the first frame inside pony/ after this wrapper.
            kept = tb.tb_next if tb is not None else None
            while kept is not None and kept.tb_next is not None and \
                    not kept.tb_next.tb_frame.f_code.co_filename.startswith(_PONY_DIR):
                kept = kept.tb_next
            raise exc.with_traceback(kept)

    return wrapper


def decorator(caller: Callable, func: Callable | None = None) -> Callable:
    """Turn ``caller(func, *args, **kwargs)`` into a signature-preserving decorator.

    Arguments reach ``caller`` bound to the signature with defaults applied: positional
    parameters positionally, keyword-only ones by keyword.
    """
    if func is None:
        return lambda f: decorator(caller, f)
    signature = inspect.signature(func)

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        return caller(func, *bound.args, **bound.kwargs)

    return wrapper


# Thread-local data: a subclass's ``__init__`` runs once in every thread that touches the object.
localbase = threading.local


_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def is_ident(string: str) -> bool:
    """is_ident(string) -> bool: an ASCII identifier (keywords included)."""
    return _IDENT.match(string) is not None


def import_module(name: str) -> ModuleType:
    """import_module('a.b.c') -> <module a.b.c>"""
    return importlib.import_module(name)


def deref_proxy(value: Any) -> Any:
    """The object behind a Flask/Werkzeug ``LocalProxy`` (``current_user``); others unchanged."""
    if type(value).__name__ == "LocalProxy" and hasattr(value, "_get_current_object"):
        return value._get_current_object()
    return value


class cached_property:  # noqa: N801 - Pony's name
    """
    A property that is only computed once per instance and then replaces itself
    with an ordinary attribute. Deleting the attribute resets the property.
    """

    def __init__(self, func: Callable) -> None:
        self.__doc__ = func.__doc__
        self.func = func

    def __get__(self, obj: Any, cls: Any = None) -> Any:
        if obj is None:
            return self
        value = obj.__dict__[self.func.__name__] = self.func(obj)
        return value


def deprecated(stacklevel: int, message: str) -> None:
    """Emit a ``PonyDeprecationWarning``; ``stacklevel`` counts as in ``warnings.warn`` from here."""
    warnings.warn(message, PonyDeprecationWarning, stacklevel)
