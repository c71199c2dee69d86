"""PostgreSQL's spelling of the SQL nodes: %s parameters, jsonb operators, native arrays."""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

from ...sql import ast
from ...sql.compiler import SQLCompiler

# The array type of each column of a row list: unnest() cannot guess it from untyped text.
_ARRAY_TYPES = {
    bool: "boolean", int: "bigint", float: "double precision", str: "text", decimal.Decimal: "numeric",
    datetime.datetime: "timestamp", datetime.date: "date", datetime.time: "time",
    datetime.timedelta: "interval", uuid.UUID: "uuid", bytes: "bytea",
}


def _column(index: int) -> Any:
    return lambda rows: [row[index] for row in rows]


class PGCompiler(SQLCompiler):
    QUOTE = '"'
    PARAMSTYLE = "format"
    TRUE = "true"
    FALSE = "false"
    GREATEST = "greatest"
    LEAST = "least"
    RANDOM_FUNC = "random()"
    CAST_TYPES = {
        "int": "integer",
        "float": "double precision",
        "str": "text",
        "Decimal": "numeric",
        "bool": "boolean",
    }
    JSON_AS_TYPES = {"int": "integer", "float": "double precision", "bool": "boolean"}

    def inlist_sql(self, node: ast.InList) -> str:
        """A long list as one array parameter (``= ANY``), or one array per column for rows."""
        if len(node.exprs) == 1:
            # PostgreSQL 14+ hashes a long array for = ANY, also under NOT (a NOT IN subquery
            # would be hashed only while it fits in work_mem, and else compares row by row)
            sql = f"{self.operand(node.exprs[0])} = ANY({self.sql(node.param)})"
        else:
            arrays = []
            for i, py_type in enumerate(node.types):
                cast = _ARRAY_TYPES.get(py_type)
                arrays.append(self.encoded_param(node.param, _column(i)) + (f"::{cast}[]" if cast else ""))
            sql = f"({self.join(node.exprs)}) IN (SELECT * FROM unnest({', '.join(arrays)}))"
        return f"NOT ({sql})" if node.negated else sql

    def limit_sql(self, limit: ast.Node | None, offset: ast.Node | None) -> str:
        text = f" LIMIT {self.sql(limit)}" if limit is not None else ""
        if offset is not None:
            text += f" OFFSET {self.sql(offset)}"
        return text

    def returning_sql(self, node: ast.Insert) -> str:
        return f" RETURNING {self.quote(node.returning)}" if node.returning else ""

    def now_sql(self, node: ast.Now) -> str:
        return "localtimestamp"

    # --- arithmetic ---------------------------------------------------------------------------

    def boolasint_sql(self, node: ast.BoolAsInt) -> str:
        return f"CAST({self.sql(node.expr)} AS integer)"

    def div_sql(self, node: ast.Div) -> str:
        return f"CAST({self.sql(node.left)} AS double precision) / {self.operand(node.right)}"

    def floordiv_sql(self, node: ast.FloorDiv) -> str:
        return f"floor(CAST({self.sql(node.left)} AS numeric) / {self.operand(node.right)})"

    def mod_sql(self, node: ast.Mod) -> str:
        # SQL's remainder takes the dividend's sign, Python's the divisor's.
        left, right = self.sql(node.left), self.sql(node.right)
        return f"mod(mod({left}, {right}) + {right}, {right})"

    def groupconcat_sql(self, node: ast.GroupConcat) -> str:
        distinct = "DISTINCT " if node.distinct else ""
        sep = self.sql(ast.Value(node.sep if node.sep is not None else ","))
        return f"string_agg({distinct}CAST({self.sql(node.expr)} AS text), {sep})"

    def trim_sql(self, node: ast.Trim) -> str:
        func = {"both": "btrim", "leading": "ltrim", "trailing": "rtrim"}[node.mode]
        if node.chars is None:
            return f"{func}({self.sql(node.expr)})"
        return f"{func}({self.sql(node.expr)}, {self.sql(node.chars)})"

    # --- dates --------------------------------------------------------------------------------

    def datepart_sql(self, node: ast.DatePart) -> str:
        extract = f"EXTRACT({node.part.upper()} FROM {self.sql(node.expr)})"
        if node.part == "second":
            extract = f"floor({extract})"
        return f"CAST({extract} AS integer)"

    def dateonly_sql(self, node: ast.DateOnly) -> str:
        return f"CAST({self.sql(node.expr)} AS date)"

    def dateadd_sql(self, node: ast.DateAdd) -> str:
        text = f"{self.operand(node.expr)} {node.sign} {self.operand(node.delta)}"
        return f"CAST({text} AS date)" if node.kind == "date" else f"({text})"

    def datediff_sql(self, node: ast.DateDiff) -> str:
        if node.kind == "date":
            return f"(({self.operand(node.left)} - {self.operand(node.right)}) * interval '1 day')"
        return f"({self.operand(node.left)} - {self.operand(node.right)})"

    # --- jsonb ----------------------------------------------------------------------------------

    def json_path(self, path: tuple) -> str:
        """A text[] path: a literal when every key is known, else ARRAY[...] of parameters."""
        if all(isinstance(item, ast.Value) for item in path):
            elements = []
            for item in path:
                text = str(item.value).replace("\\", "\\\\").replace('"', '\\"')
                elements.append(f'"{text}"')
            return self.sql(ast.Value("{" + ",".join(elements) + "}"))
        return "ARRAY[" + ", ".join(f"CAST({self.sql(item)} AS text)" for item in path) + "]"

    def json_at(self, expr: ast.Node, path: tuple, op: str = "#>") -> str:
        if not path:
            return self.operand(expr) if op == "#>" else f"({self.operand(expr)} #>> '{{}}')"
        return f"({self.operand(expr)} {op} {self.json_path(path)})"

    def jsonvalue_sql(self, node: ast.JsonValue) -> str:
        if node.as_type is None:
            return self.json_at(node.expr, node.path)
        text = self.json_at(node.expr, node.path, "#>>")
        if node.as_type == "str":
            return text
        return f"CAST({text} AS {self.JSON_AS_TYPES[node.as_type]})"

    def jsoncontains_sql(self, node: ast.JsonContains) -> str:
        return f"{self.json_at(node.expr, node.path)} ? CAST({self.sql(node.key)} AS text)"

    def jsonisnull_sql(self, node: ast.JsonIsNull) -> str:
        return f"{self.json_at(node.expr, node.path, '#>>')} IS NULL"

    def jsontruth_sql(self, node: ast.JsonTruth) -> str:
        falsy = ", ".join(f"'{text}'::jsonb" for text in ("null", "false", "0", '""', "[]", "{}"))
        return f"COALESCE({self.json_at(node.expr, node.path)} NOT IN ({falsy}), false)"

    def jsonarraylength_sql(self, node: ast.JsonArrayLength) -> str:
        return f"jsonb_array_length({self.json_at(node.expr, node.path)})"

    def jsonconcat_sql(self, node: ast.JsonConcat) -> str:
        return f"({self.operand(node.left)} || {self.operand(node.right)})"

    def jsoncompare_sql(self, node: ast.JsonCompare) -> str:
        return f"{self.json_at(node.expr, node.path)} {node.op} CAST({self.sql(node.value)} AS jsonb)"

    # --- arrays (1-based in SQL, Python indexes in the AST) -------------------------------------

    def array_length(self, expr: ast.Node) -> str:
        return f"COALESCE(array_length({self.sql(expr)}, 1), 0)"

    def array_index(self, expr: ast.Node, index: ast.Node, offset: int) -> str:
        """The 1-based SQL position of Python index ``index`` (+ ``offset``)."""
        if isinstance(index, ast.Value):
            if index.value >= 0:
                return str(index.value + offset)
            return f"{self.array_length(expr)} + {index.value + offset}"
        # the index is rendered three times: each rendering binds its own parameter
        return (f"CASE WHEN {self.sql(index)} >= 0 THEN {self.sql(index)} + {offset} "
                f"ELSE {self.array_length(expr)} + {self.sql(index)} + {offset} END")

    def arrayitem_sql(self, node: ast.ArrayItem) -> str:
        return f"{self.operand(node.expr)}[{self.array_index(node.expr, node.index, 1)}]"

    def arrayslice_sql(self, node: ast.ArraySlice) -> str:
        start = self.array_index(node.expr, node.start, 1) if node.start is not None else "1"
        stop = self.array_index(node.expr, node.stop, 0) if node.stop is not None else ""
        return f"{self.operand(node.expr)}[{start}:{stop}]"

    def arraylength_sql(self, node: ast.ArrayLength) -> str:
        return self.array_length(node.expr)

    def arraycontains_sql(self, node: ast.ArrayContains) -> str:
        if node.subset:
            # "is contained by": the parameter's type is inferred from the array column
            text = f"{self.operand(node.item)} <@ {self.operand(node.expr)}"
        else:
            text = f"{self.operand(node.item)} = ANY({self.sql(node.expr)})"
        return f"NOT ({text})" if node.negated else text
