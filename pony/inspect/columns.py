"""The Pony type of a column.

``dialects.raw_columns`` reads each column's full type as the database spells it (``INTEGER
UNSIGNED``, ``tinyint(1)``, ``timestamp(3) without time zone``...); ``canonical_type`` turns that
into Pony's DDL spelling and ``pony_type`` into an attribute type with its options, judged against
the types the provider's own converters create (so no database is named here).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


@dataclass
class RawColumn:
    type: str  # Pony's DDL spelling, e.g. VARCHAR(80), DECIMAL(10, 2), INTEGER UNSIGNED, TIMESTAMP(3)
    auto: bool = False


@dataclass
class PonyType:
    """An attribute's type as source text (``str``, ``Decimal``...), positional options and keywords."""

    expr: str
    args: list[str] = field(default_factory=list)
    options: dict[str, str] = field(default_factory=dict)
    known: bool = True


_ALIASES = {
    "CHARACTER VARYING": "VARCHAR", "INT": "INTEGER", "INT4": "INTEGER", "INT2": "SMALLINT", "INT8": "BIGINT",
    "BOOL": "BOOLEAN", "NUMERIC": "DECIMAL", "FLOAT8": "DOUBLE PRECISION", "CHARACTER": "CHAR",
    "TIMESTAMP WITHOUT TIME ZONE": "TIMESTAMP", "TIME WITHOUT TIME ZONE": "TIME",
}
_TYPE = re.compile(r"^(?P<base>[A-Z0-9 ]+?)\s*(?:\((?P<params>[\d,\s]+)\))?$")


def canonical_type(text: str) -> str:
    """A column type in Pony's DDL spelling: ``character varying(80)`` -> ``VARCHAR(80)``,
    ``int(10) unsigned`` -> ``INTEGER UNSIGNED``, ``tinyint(1)`` -> ``BOOLEAN``."""
    text = " ".join(text.upper().replace(" WITHOUT TIME ZONE", "").split())
    array = text.endswith("[]")
    unsigned = " UNSIGNED" in text
    text = text.removesuffix("[]").replace(" UNSIGNED", "").replace(" ZEROFILL", "").strip()
    match = _TYPE.match(text)
    if not match:
        return text
    base, params = _ALIASES.get(match["base"], match["base"]), match["params"]
    if base == "TINYINT" and params == "1" and not unsigned:
        return "BOOLEAN"
    if base in ("INTEGER", "SMALLINT", "TINYINT", "MEDIUMINT", "BIGINT"):
        params = None  # a MySQL display width, not a size
    out = base + (f"({', '.join(p.strip() for p in params.split(','))})" if params else "")
    return out + (" UNSIGNED" if unsigned else "") + ("[]" if array else "")


_SIMPLE = {
    "BOOLEAN": "bool", "TEXT": "str", "CLOB": "str", "LONGTEXT": "LongStr", "MEDIUMTEXT": "LongStr",
    "REAL": "float", "DOUBLE": "float", "DOUBLE PRECISION": "float", "FLOAT": "float", "FLOAT4": "float",
    "DATE": "date", "BLOB": "bytes", "BYTEA": "bytes", "LONGBLOB": "bytes", "UUID": "UUID",
    "JSON": "Json", "JSONB": "Json",
}
_TIMES = {"DATETIME": "datetime", "TIMESTAMP": "datetime", "TIME": "time", "INTERVAL": "timedelta",
          "INTERVAL DAY TO SECOND": "timedelta"}
_ARRAYS = {"INTEGER": "IntArray", "INT": "IntArray", "TEXT": "StrArray", "DOUBLE PRECISION": "FloatArray",
           "REAL": "FloatArray"}
_PARAMS = re.compile(r"^(?P<base>[A-Z0-9 ]+?)(?:\((?P<params>[\d, ]+)\))?(?P<unsigned> UNSIGNED)?$")


def pony_type(sql_type: str, provider: Any) -> PonyType:
    """The attribute type for a column of ``sql_type`` (canonical) under ``provider``; ``known`` is
    False for a type Pony has no Python type for (declared as ``str``)."""
    if sql_type.endswith("[]"):
        array = _ARRAYS.get(sql_type[:-2])
        return PonyType(array) if array else PonyType("str", known=False)
    defaults = default_types(provider)
    if sql_type in defaults and defaults[sql_type] != "Decimal":  # e.g. BINARY(16) is a UUID on MySQL
        return PonyType(defaults[sql_type])
    match = _PARAMS.match(sql_type)
    if not match:
        return PonyType("str", known=False)
    base, unsigned = match["base"], bool(match["unsigned"])
    params = [int(p) for p in match["params"].split(",")] if match["params"] else []
    if base in _TEXTS and "(" in _default_of(defaults, "str"):
        return PonyType("LongStr")  # str would be a bounded VARCHAR here: LongStr keeps long values
    if base in _SIMPLE and not params:
        return PonyType(_SIMPLE[base])
    if base in ("VARCHAR", "CHAR", "NVARCHAR") and params:
        return PonyType("str", [str(params[0])])
    if base in ("DECIMAL", "NUMERIC"):
        return PonyType("Decimal", [str(p) for p in params])
    if base in _TIMES:
        default = provider.DEFAULT_TIME_PRECISION
        # a bare DATETIME means the default precision where Pony writes the default bare, else 0
        bare = default if "(" not in _default_of(defaults, "datetime") else 0
        precision = params[0] if params else bare
        return PonyType(_TIMES[base], options={} if precision == default else {"precision": str(precision)})
    return _int_type(base, unsigned, provider)


_TEXTS = ("TEXT", "MEDIUMTEXT", "TINYTEXT")
_DEFAULT_TYPES: dict[type, dict[str, str]] = {}


def default_types(provider: Any) -> dict[str, str]:
    """The column type the provider creates for each Python type declared without options
    (``VARCHAR(255)`` -> ``str`` on MySQL, ``TEXT`` -> ``str`` elsewhere), first type first."""
    cls = type(provider)
    if cls not in _DEFAULT_TYPES:
        from datetime import date, datetime, time, timedelta
        from decimal import Decimal
        from uuid import UUID

        from ..orm.types import Json, LongStr
        found: dict[str, str] = {}
        for py_type in (str, LongStr, bool, float, Decimal, datetime, date, time, timedelta, UUID, bytes, Json):
            try:
                text = canonical_type(provider.get_converter_by_py_type(py_type).sql_type())
            except Exception:  # a type this provider cannot store
                continue
            found.setdefault(text, py_type.__name__)
        _DEFAULT_TYPES[cls] = found
    return _DEFAULT_TYPES[cls]


def _default_of(defaults: dict[str, str], name: str) -> str:
    return next((text for text, py_name in defaults.items() if py_name == name), "")


def _int_type(base: str, unsigned: bool, provider: Any) -> PonyType:
    int_converter = dict(provider.converter_classes)[int]
    sizes = int_converter.UNSIGNED_TYPES if unsigned else int_converter.SIGNED_TYPES
    spelled = f"{base} UNSIGNED" if unsigned else base
    found = [size for size, name in sizes.items() if name in (spelled, base)]
    if not found:
        return PonyType("str", known=False)
    size = 32 if 32 in found else max(found)  # PostgreSQL spells two sizes alike: take the usual one
    options = {} if size == 32 else {"size": str(size)}
    if unsigned:
        options["unsigned"] = "True"
    return PonyType("int", options=options)
