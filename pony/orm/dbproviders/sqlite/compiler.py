"""SQLite's spelling of the SQL nodes that differ from the generic compiler.

What SQLite lacks (Unicode case mapping, exact date arithmetic, Json and arrays) is done by
the Python functions of functions.py, registered on every connection.
"""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from ...sql import ast
from ...sql.compiler import SQLCompiler

# Python types stored as BLOBs: JSON has no bytes, so they travel as hex text and meet hex(column).
_BLOB_TYPES = (bytes, bytearray, memoryview, UUID)


def _json_default(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex().upper()
    raise TypeError(f"A value of type {type(value).__name__} cannot be sent in a list: {value!r}")


def _json_list(values: list) -> str:
    return json.dumps(values, default=_json_default, separators=(",", ":"))


class SQLiteCompiler(SQLCompiler):
    QUOTE = '"'
    PARAMSTYLE = "qmark"
    GREATEST = "max"
    LEAST = "min"
    RANDOM_FUNC = "random()"
    CAST_TYPES = {"int": "integer", "float": "real", "str": "text", "Decimal": "decimal", "bool": "integer"}

    def inlist_sql(self, node: ast.InList) -> str:
        """A long list as one JSON text read by json_each: SQLite's limit on parameters does not apply."""
        param = self.encoded_param(node.param, _json_list)
        exprs = [f"hex({self.sql(e)})" if issubclass(t, _BLOB_TYPES) else self.operand(e)
                 for e, t in zip(node.exprs, node.types)]
        if len(exprs) == 1:
            sql = f"{exprs[0]} IN (SELECT value FROM json_each({param}))"
        else:
            columns = ", ".join(f"json_extract(value, '$[{i}]')" for i in range(len(exprs)))
            sql = f"({', '.join(exprs)}) IN (SELECT {columns} FROM json_each({param}))"
        return f"NOT ({sql})" if node.negated else sql

    def lock_sql(self, lock: str) -> str:
        return ""  # the whole database is locked by BEGIN IMMEDIATE instead

    def now_sql(self, node: ast.Now) -> str:
        return "strftime('%Y-%m-%d %H:%M:%f', 'now', 'localtime')"

    def today_sql(self, node: ast.Today) -> str:
        return "date('now', 'localtime')"

    def func_sql(self, node: ast.Func) -> str:
        if node.name in ("UPPER", "LOWER"):  # SQLite's own map ASCII only: 'Zoë' -> 'ZOë'
            return f"py_{node.name.lower()}({self.join(node.args)})"
        return super().func_sql(node)

    # --- arithmetic ---------------------------------------------------------------------------

    def pow_sql(self, node: ast.Pow) -> str:
        return f"py_pow({self.sql(node.left)}, {self.sql(node.right)})"

    def div_sql(self, node: ast.Div) -> str:
        return f"CAST({self.sql(node.left)} AS REAL) / {self.operand(node.right)}"

    def floordiv_sql(self, node: ast.FloorDiv) -> str:
        return f"py_floordiv({self.sql(node.left)}, {self.sql(node.right)})"

    def mod_sql(self, node: ast.Mod) -> str:
        return f"py_mod({self.sql(node.left)}, {self.sql(node.right)})"

    # --- dates: stored as ISO text ------------------------------------------------------------

    def datepart_sql(self, node: ast.DatePart) -> str:
        return f"py_date_part('{node.part}', {self.sql(node.expr)})"

    def dateonly_sql(self, node: ast.DateOnly) -> str:
        return f"substr({self.sql(node.expr)}, 1, 10)"

    def dateadd_sql(self, node: ast.DateAdd) -> str:
        func = "py_date_add" if node.kind == "date" else "py_datetime_add"
        delta = self.sql(node.delta) if node.sign == "+" else f"-({self.sql(node.delta)})"
        return f"{func}({self.sql(node.expr)}, {delta})"

    def datediff_sql(self, node: ast.DateDiff) -> str:
        return f"py_datetime_diff({self.sql(node.left)}, {self.sql(node.right)})"

    # --- Json (JSON text) ---------------------------------------------------------------------

    def path_args(self, path: tuple) -> str:
        return "".join(", " + self.sql(item) for item in path)

    def jsonvalue_sql(self, node: ast.JsonValue) -> str:
        if node.as_type is None:
            return f"py_json_extract({self.sql(node.expr)}{self.path_args(node.path)})"
        value = f"py_json_value({self.sql(node.expr)}{self.path_args(node.path)})"
        if node.as_type in ("int", "float", "str"):
            return f"CAST({value} AS {self.CAST_TYPES[node.as_type]})"
        return value

    def jsoncontains_sql(self, node: ast.JsonContains) -> str:
        return f"py_json_contains({self.sql(node.expr)}, {self.sql(node.key)}{self.path_args(node.path)})"

    def jsonisnull_sql(self, node: ast.JsonIsNull) -> str:
        return f"py_json_is_null({self.sql(node.expr)}{self.path_args(node.path)}) = 1"

    def jsontruth_sql(self, node: ast.JsonTruth) -> str:
        return f"py_json_truth({self.sql(node.expr)}{self.path_args(node.path)}) = 1"

    def jsonarraylength_sql(self, node: ast.JsonArrayLength) -> str:
        return f"py_json_array_length({self.sql(node.expr)}{self.path_args(node.path)})"

    def jsonconcat_sql(self, node: ast.JsonConcat) -> str:
        return f"py_json_concat({self.sql(node.left)}, {self.sql(node.right)})"

    def jsoncompare_sql(self, node: ast.JsonCompare) -> str:
        op = self.sql(ast.Value(node.op))
        return (
            f"py_json_compare({self.sql(node.expr)}, {op}, {self.sql(node.value)}"
            f"{self.path_args(node.path)}) = 1"
        )

    # --- arrays (JSON text) -------------------------------------------------------------------

    def arrayitem_sql(self, node: ast.ArrayItem) -> str:
        return f"py_array_item({self.sql(node.expr)}, {self.sql(node.index)})"

    def arrayslice_sql(self, node: ast.ArraySlice) -> str:
        start = self.sql(node.start) if node.start is not None else "NULL"
        stop = self.sql(node.stop) if node.stop is not None else "NULL"
        return f"py_array_slice({self.sql(node.expr)}, {start}, {stop})"

    def arraylength_sql(self, node: ast.ArrayLength) -> str:
        return f"py_array_length({self.sql(node.expr)})"

    def arraycontains_sql(self, node: ast.ArrayContains) -> str:
        func = "py_array_subset" if node.subset else "py_array_contains"
        text = f"{func}({self.sql(node.expr)}, {self.sql(node.item)})"
        return f"{text} = 0" if node.negated else f"{text} = 1"
