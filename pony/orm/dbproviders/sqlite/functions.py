"""Python functions registered on every SQLite connection (``py_upper``, ``py_pow`` ...)."""

from __future__ import annotations

import sqlite3


def _py_upper(value: object) -> object:
    return value.upper() if isinstance(value, str) else value


def _py_lower(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


def _py_pow(base: object, exponent: object) -> object:
    if base is None or exponent is None:
        return None
    return base ** exponent  # type: ignore[operator]


def register_functions(con: sqlite3.Connection) -> None:
    # SQLite's own upper()/lower() only know ASCII; Python's handle all of Unicode.
    con.create_function("py_upper", 1, _py_upper, deterministic=True)
    con.create_function("py_lower", 1, _py_lower, deterministic=True)
    con.create_function("py_pow", 2, _py_pow, deterministic=True)
