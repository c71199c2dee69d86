"""Python functions registered on every SQLite connection (``py_upper``, ``py_json_*`` ...).

SQLite lacks Unicode case mapping, exact date arithmetic, Python-style division and the JSON
and array operations Pony offers, so the SQLite compiler calls these instead. Json values and
arrays are stored as JSON text; a JSON path arrives as separate arguments (str keys, int
indexes, negative indexes count from the end), so bound parameters can be path items too.
"""

from __future__ import annotations

import json
import math
import sqlite3
from datetime import date, datetime, timedelta
from typing import Any

_MISSING = object()


def _py_upper(value: object) -> object:
    return value.upper() if isinstance(value, str) else value


def _py_lower(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


def _py_pow(base: Any, exponent: Any) -> object:
    if base is None or exponent is None:
        return None
    try:
        return base**exponent
    except (ZeroDivisionError, OverflowError):
        return None


def _py_floordiv(a: Any, b: Any) -> object:
    if a is None or b is None or b == 0:
        return None
    return a // b


def _py_mod(a: Any, b: Any) -> object:
    if a is None or b is None or b == 0:
        return None
    return a % b


def _py_floor(a: Any) -> object:
    return None if a is None else math.floor(a)


def _py_string_slice(text: Any, start: Any, stop: Any) -> object:
    """``text[start:stop]`` with Python semantics (negative indexes, None for open ends)."""
    if text is None:
        return None
    return text[start:stop]


# --- dates: text 'YYYY-MM-DD HH:MM:SS.ffffff', timedelta as REAL days --------------------------


def _to_datetime(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("T", " ", 1))


def _py_datetime_add(value: Any, days: Any) -> object:
    if value is None or days is None:
        return None
    result = _to_datetime(value) + timedelta(days=days)
    return result.isoformat(" ", "microseconds")


def _py_date_add(value: Any, days: Any) -> object:
    if value is None or days is None:
        return None
    result = date.fromisoformat(value[:10]) + timedelta(days=days)
    return result.isoformat()


def _py_datetime_diff(a: Any, b: Any) -> object:
    if a is None or b is None:
        return None
    return (_to_datetime(a) - _to_datetime(b)) / timedelta(days=1)


def _py_date_part(part: str, value: Any) -> object:
    if value is None:
        return None
    if part in ("hour", "minute", "second") and len(value) <= 15 and value[2:3] == ":":  # a time value
        return getattr(datetime.strptime(value[:8], "%H:%M:%S"), part)
    return getattr(_to_datetime(value) if len(value) > 10 else date.fromisoformat(value), part)


# --- Json -----------------------------------------------------------------------------------


def _load(doc: Any) -> Any:
    if doc is None:
        return _MISSING
    if isinstance(doc, (str, bytes)):
        try:
            return json.loads(doc)
        except ValueError:
            return doc
    return doc


def _walk(doc: Any, path: tuple) -> Any:
    value = _load(doc)
    for key in path:
        if isinstance(value, dict):
            value = value.get(str(key), _MISSING) if not isinstance(key, str) else value.get(key, _MISSING)
        elif isinstance(value, list) and isinstance(key, int) and not isinstance(key, bool):
            try:
                value = value[key]
            except IndexError:
                return _MISSING
        else:
            return _MISSING
        if value is _MISSING:
            return _MISSING
    return value


def _dump(value: Any) -> Any:
    if value is _MISSING:
        return None
    return json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


def _py_json_extract(doc: Any, *path: Any) -> object:
    """The sub-document at ``path`` as JSON text (NULL when missing)."""
    return _dump(_walk(doc, path))


def _py_json_value(doc: Any, *path: Any) -> object:
    """The scalar at ``path`` as an SQL value; objects and arrays come back as JSON text."""
    value = _walk(doc, path)
    if value is _MISSING or value is None:
        return None
    if isinstance(value, (dict, list)):
        return _dump(value)
    return value


def _py_json_is_null(doc: Any, *path: Any) -> object:
    value = _walk(doc, path)
    return 1 if value is _MISSING or value is None else 0


def _py_json_truth(doc: Any, *path: Any) -> object:
    value = _walk(doc, path)
    return 1 if value is not _MISSING and value else 0


def _py_json_contains(doc: Any, key: Any, *path: Any) -> object:
    value = _walk(doc, path)
    if isinstance(value, dict):
        return 1 if key in value else 0
    if isinstance(value, list):
        return 1 if key in value else 0
    return 0


def _py_json_array_length(doc: Any, *path: Any) -> object:
    value = _walk(doc, path)
    return len(value) if isinstance(value, (list, dict)) else None


def _py_json_concat(a: Any, b: Any) -> object:
    left, right = _load(a), _load(b)
    if left is _MISSING or right is _MISSING:
        return None
    if isinstance(left, dict) and isinstance(right, dict):
        return _dump({**left, **right})
    left = left if isinstance(left, list) else [left]
    right = right if isinstance(right, list) else [right]
    return _dump(left + right)


_COMPARE = {
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<>": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def _py_json_compare(doc: Any, op: str, other: Any, *path: Any) -> object:
    """Compare the value at ``path`` with ``other`` (JSON text of a scalar) as Python does."""
    value = _walk(doc, path)
    if value is _MISSING or other is None:
        return None
    try:
        return 1 if _COMPARE[op](value, _load(other)) else 0
    except TypeError:
        return None


# --- arrays (JSON text) -----------------------------------------------------------------------


def _py_array_item(arr: Any, index: Any) -> object:
    items = _load(arr)
    if not isinstance(items, list) or index is None:
        return None
    try:
        return items[index]
    except IndexError:
        return None


def _py_array_slice(arr: Any, start: Any, stop: Any) -> object:
    items = _load(arr)
    if not isinstance(items, list):
        return None
    return _dump(items[start:stop])


def _py_array_length(arr: Any) -> object:
    items = _load(arr)
    return len(items) if isinstance(items, list) else 0


def _py_array_contains(arr: Any, item: Any) -> object:
    items = _load(arr)
    return 1 if isinstance(items, list) and item in items else 0


def _py_array_subset(arr: Any, subset: Any) -> object:
    items, wanted = _load(arr), _load(subset)
    if not isinstance(items, list) or not isinstance(wanted, list):
        return 0
    return 1 if all(x in items for x in wanted) else 0


def _py_make_array(*items: Any) -> object:
    return _dump(list(items))


_FUNCTIONS: tuple = (
    ("py_upper", 1, _py_upper),
    ("py_lower", 1, _py_lower),
    ("py_pow", 2, _py_pow),
    ("py_floordiv", 2, _py_floordiv),
    ("py_mod", 2, _py_mod),
    ("py_floor", 1, _py_floor),
    ("py_string_slice", 3, _py_string_slice),
    ("py_datetime_add", 2, _py_datetime_add),
    ("py_date_add", 2, _py_date_add),
    ("py_datetime_diff", 2, _py_datetime_diff),
    ("py_date_part", 2, _py_date_part),
    ("py_json_extract", -1, _py_json_extract),
    ("py_json_value", -1, _py_json_value),
    ("py_json_is_null", -1, _py_json_is_null),
    ("py_json_contains", -1, _py_json_contains),
    ("py_json_truth", -1, _py_json_truth),
    ("py_json_array_length", -1, _py_json_array_length),
    ("py_json_concat", 2, _py_json_concat),
    ("py_json_compare", -1, _py_json_compare),
    ("py_array_item", 2, _py_array_item),
    ("py_array_slice", 3, _py_array_slice),
    ("py_array_length", 1, _py_array_length),
    ("py_array_contains", 2, _py_array_contains),
    ("py_array_subset", 2, _py_array_subset),
    ("py_make_array", -1, _py_make_array),
)


def register_functions(con: sqlite3.Connection) -> None:
    for name, nargs, func in _FUNCTIONS:
        con.create_function(name, nargs, func, deterministic=True)
