"""What the introspection leaves out about columns, per dialect, and the Pony type of a column.

``raw_columns`` reads each column's full type as the database spells it (``INTEGER UNSIGNED``,
``tinyint(1)``, ``timestamp(3) without time zone``...) and whether the database numbers it itself
(AUTOINCREMENT, SERIAL, AUTO_INCREMENT). ``canonical_type`` turns that into Pony's DDL spelling and
``pony_type`` into an attribute type with its options.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..orm.introspection import Execute


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


def raw_columns(provider_name: str, execute: Execute) -> dict[tuple[str, str], RawColumn]:
    """``(table, column) -> RawColumn`` for every column of the current schema."""
    reader = {"sqlite": _sqlite, "postgres": _postgres, "cockroach": _postgres, "mysql": _mysql}[provider_name]
    return reader(execute)


def _sqlite(execute: Execute) -> dict[tuple[str, str], RawColumn]:
    result = {}
    for table, sql in execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' "
                              "AND name NOT LIKE 'sqlite_%'").fetchall():
        autoincrement = "AUTOINCREMENT" in (sql or "").upper()
        quoted = table.replace('"', '""')
        for _, column, type_, _, _, pk in execute(f'PRAGMA table_info("{quoted}")').fetchall():
            text = canonical_type(type_ or "")
            result[(table, column)] = RawColumn(text, bool(pk) and autoincrement and text == "INTEGER")
    return result


def _postgres(execute: Execute) -> dict[tuple[str, str], RawColumn]:
    rows = execute(
        "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), pg_get_expr(d.adbin, d.adrelid), "
        "a.attidentity FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
        "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND a.attnum > 0 "
        "AND NOT a.attisdropped").fetchall()
    return {(table, column): RawColumn(canonical_type(type_),
                                       bool(identity) or (default or "").startswith("nextval("))
            for table, column, type_, default, identity in rows}


def _mysql(execute: Execute) -> dict[tuple[str, str], RawColumn]:
    json_columns = set()
    try:  # MariaDB stores JSON as LONGTEXT with a json_valid() check named after the column
        for table, clause in execute("SELECT table_name, check_clause FROM information_schema.check_constraints "
                                     "WHERE constraint_schema = DATABASE()").fetchall():
            match = re.fullmatch(r"\s*json_valid\(`([^`]+)`\)\s*", clause or "", re.I)
            if match:
                json_columns.add((table, match[1]))
    except Exception:  # MySQL before 8.0.16 has no check_constraints view
        pass
    result = {}
    for table, column, type_, extra in execute(
            "SELECT table_name, column_name, column_type, extra FROM information_schema.columns "
            "WHERE table_schema = DATABASE()").fetchall():
        text = "JSON" if (table, column) in json_columns else canonical_type(type_)
        result[(table, column)] = RawColumn(text, "auto_increment" in (extra or "").lower())
    return result


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
    if provider.provider_name == "mysql" and sql_type == "BINARY(16)":
        return PonyType("UUID")
    match = _PARAMS.match(sql_type)
    if not match:
        return PonyType("str", known=False)
    base, unsigned = match["base"], bool(match["unsigned"])
    params = [int(p) for p in match["params"].split(",")] if match["params"] else []
    if base in ("TEXT", "MEDIUMTEXT", "TINYTEXT") and provider.provider_name == "mysql":
        return PonyType("LongStr")  # str would be VARCHAR(255): LongStr keeps long values
    if base in _SIMPLE and not params:
        return PonyType(_SIMPLE[base])
    if base in ("VARCHAR", "CHAR", "NVARCHAR") and params:
        default_len = 255 if provider.provider_name == "mysql" else None
        return PonyType("str", [] if params[0] == default_len else [str(params[0])])
    if base in ("DECIMAL", "NUMERIC"):
        return PonyType("Decimal", [str(p) for p in params])
    if base in _TIMES:
        default = provider.DEFAULT_TIME_PRECISION
        precision = params[0] if params else (0 if provider.provider_name == "mysql" else default)
        options = {} if precision == default else {"precision": str(precision)}
        return PonyType(_TIMES[base], options=options)
    return _int_type(base, unsigned, provider)


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
