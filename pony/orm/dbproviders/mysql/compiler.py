"""MySQL/MariaDB spelling of the SQL nodes: backquotes, %s parameters, CONCAT(), JSON_*()."""

from __future__ import annotations

from typing import Any

from ...sql import ast
from ...sql.compiler import SQLCompiler


class MySQLCompiler(SQLCompiler):
    QUOTE = "`"
    PARAMSTYLE = "format"
    GREATEST = "greatest"
    LEAST = "least"
    RANDOM_FUNC = "RAND()"
    LIMIT_REQUIRED_WITH_OFFSET = "18446744073709551615"
    CAST_TYPES = {
        "int": "SIGNED",
        "float": "DOUBLE",
        "str": "CHAR",
        "Decimal": "DECIMAL(65, 30)",
        "bool": "SIGNED",
    }
    DEFAULT_VALUES = "() VALUES ()"
    # How a negative JSON array index is written: MySQL says [last], MariaDB takes [-1].
    NEGATIVE_JSON_INDEX_AS_LAST = True

    def inlist_sql(self, node: ast.InList) -> str:
        """A long list as one sequence parameter: PyMySQL writes it as ``(a, b, ...)`` (rows as
        ``((a, b), ...)``) into the statement, which has no limit on parameters."""
        left = self.operand(node.exprs[0]) if len(node.exprs) == 1 else f"({self.join(node.exprs)})"
        sql = f"{left} IN {self.encoded_param(node.param, tuple)}"
        return f"NOT ({sql})" if node.negated else sql

    def value_sql(self, node: ast.Value) -> str:
        if isinstance(node.value, str) and "\\" in node.value:
            # Backslash is an escape character in MySQL literals unless the connection's sql_mode
            # has NO_BACKSLASH_ESCAPES. A hex literal reads the same in both modes, so the SQL
            # does not depend on how the server or on_connect configured the session.
            return "_utf8mb4 X'" + node.value.encode("utf-8").hex() + "'"
        return super().value_sql(node)

    def binop_sql(self, node: ast.BinOp) -> str:
        if node.op == "||":
            return f"concat({self.sql(node.left)}, {self.sql(node.right)})"
        return super().binop_sql(node)

    def concat_sql(self, node: ast.Concat) -> str:
        return f"concat({self.join(node.items)})"

    def length_sql(self, node: ast.Length) -> str:
        return f"char_length({self.sql(node.expr)})"

    def trim_sql(self, node: ast.Trim) -> str:
        if node.chars is None:
            func = {"both": "trim", "leading": "ltrim", "trailing": "rtrim"}[node.mode]
            return f"{func}({self.sql(node.expr)})"
        return f"trim({node.mode.upper()} {self.sql(node.chars)} FROM {self.sql(node.expr)})"

    def groupconcat_sql(self, node: ast.GroupConcat) -> str:
        distinct = "DISTINCT " if node.distinct else ""
        sep = ""
        if node.sep is not None:  # SEPARATOR takes a plain literal only (no charset introducer)
            literal = self.sql(ast.Value(node.sep)) if "\\" not in node.sep else f"X'{node.sep.encode().hex()}'"
            sep = f" SEPARATOR {literal}"
        return f"GROUP_CONCAT({distinct}{self.sql(node.expr)}{sep})"

    def now_sql(self, node: ast.Now) -> str:
        return "NOW(6)"

    def today_sql(self, node: ast.Today) -> str:
        return "CURDATE()"

    def delete_sql(self, node: ast.Delete) -> str:
        if not node.alias:
            return super().delete_sql(node)
        where = f" WHERE {self.sql(node.where)}" if node.where is not None else ""
        alias = self.quote(node.alias)
        return f"DELETE {alias} FROM {self.quote(node.table)} AS {alias}{where}"

    # --- arithmetic (``/`` is already exact division) -------------------------------------------

    def upsert_sql(self, insert_sql: str, conflict_columns: tuple, update_columns: tuple) -> str:
        """MySQL names no conflict target: any unique key that matches counts. Skipping uses
        INSERT IGNORE, which turns other errors into warnings too: the provider checks them."""
        if not update_columns:
            assert insert_sql.startswith("INSERT ")
            return "INSERT IGNORE " + insert_sql[len("INSERT "):]
        sets = ", ".join(f"{self.quote(c)} = VALUES({self.quote(c)})" for c in update_columns)
        return f"{insert_sql} ON DUPLICATE KEY UPDATE {sets}"

    def floordiv_sql(self, node: ast.FloorDiv) -> str:
        return f"floor({self.operand(node.left)} / {self.operand(node.right)})"

    def mod_sql(self, node: ast.Mod) -> str:
        left, right = self.sql(node.left), self.sql(node.right)
        return f"mod(mod({left}, {right}) + {right}, {right})"

    # --- dates --------------------------------------------------------------------------------

    def datepart_sql(self, node: ast.DatePart) -> str:
        return f"{node.part}({self.sql(node.expr)})"

    def dateonly_sql(self, node: ast.DateOnly) -> str:
        return f"DATE({self.sql(node.expr)})"

    def dateadd_sql(self, node: ast.DateAdd) -> str:
        func = "ADDTIME" if node.sign == "+" else "SUBTIME"
        if node.kind == "date":
            return f"DATE({func}(CAST({self.sql(node.expr)} AS DATETIME), {self.sql(node.delta)}))"
        return f"{func}({self.sql(node.expr)}, {self.sql(node.delta)})"

    def datediff_sql(self, node: ast.DateDiff) -> str:
        if node.kind == "date":
            return (
                f"TIMEDIFF(CAST({self.sql(node.left)} AS DATETIME), CAST({self.sql(node.right)} AS DATETIME))"
            )
        return f"TIMEDIFF({self.sql(node.left)}, {self.sql(node.right)})"

    # --- JSON -----------------------------------------------------------------------------------

    def json_path_item(self, item: ast.Value) -> str:
        """One constant step of a JSON path: ``[n]`` for an int, ``."name"`` (escaped) for a member."""
        key = item.value
        if isinstance(key, int) and not isinstance(key, bool):
            if key < 0 and self.NEGATIVE_JSON_INDEX_AS_LAST:
                return "[last]" if key == -1 else f"[last-{-key - 1}]"
            return f"[{key}]"
        return '."' + str(key).replace("\\", "\\\\").replace('"', '\\"') + '"'

    def json_member(self, key: ast.Node) -> str:
        """SQL building the path step ``."key"`` from a value known at run time, with ``\\`` and ``"``
        escaped so that the key names exactly one member and never adds steps of its own."""
        escaped = self.sql(key)
        for char in ("\\", '"'):
            found, replacement = self.sql(ast.Value(char)), self.sql(ast.Value("\\" + char))
            escaped = f"REPLACE({escaped}, {found}, {replacement})"
        return f"concat('.\"', {escaped}, '\"')"

    def json_index(self, index: ast.Node) -> str:
        """SQL building the path step ``[n]`` from an int known at run time."""
        if not self.NEGATIVE_JSON_INDEX_AS_LAST:
            return f"concat('[', {self.sql(index)}, ']')"
        # each placeholder needs its own argument: render the parameter three times
        first, second, third = self.sql(index), self.sql(index), self.sql(index)
        return f"IF({first} < 0, concat('[last-', -1 - {second}, ']'), concat('[', {third}, ']'))"

    def json_path(self, path: tuple, doc: ast.Node) -> str:
        """SQL of the JSON path string of ``path`` (steps of ``doc``, the document it is applied to)."""
        if all(self.constant_json_step(item) for item in path):
            return self.sql(ast.Value("$" + "".join(self.json_path_item(item) for item in path)))
        pieces = ["'$'", *(self.json_step(path, i, doc) for i in range(len(path)))]
        return f"concat({', '.join(pieces)})"

    def constant_json_step(self, item: Any) -> bool:
        """Can the step ``item`` be written into a constant path string?"""
        return isinstance(item, ast.Value)

    def json_step(self, path: tuple, i: int, doc: ast.Node) -> str:
        """SQL building step ``i`` of ``path`` in a path string put together at run time."""
        item = path[i]
        if isinstance(item, ast.Value):
            return self.sql(ast.Value(self.json_path_item(item)))
        if item.index:
            return self.json_index(item.expr)
        return self.json_member(item.expr)

    def json_extract(self, expr: ast.Node, path: tuple) -> str:
        return f"JSON_EXTRACT({self.sql(expr)}, {self.json_path(path, expr)})"

    def jsonvalue_sql(self, node: ast.JsonValue) -> str:
        value = self.json_extract(node.expr, node.path)
        if node.as_type is None:
            return value
        if node.as_type == "str":
            return f"JSON_UNQUOTE({value})"
        if node.as_type == "bool":
            return f"(JSON_UNQUOTE({value}) IN ('true', '1'))"
        return f"CAST({value} AS {self.CAST_TYPES[node.as_type]})"

    def jsoncontains_sql(self, node: ast.JsonContains) -> str:
        # rendered in text order: placeholders take their arguments in the order they are rendered
        at = self.json_extract(node.expr, node.path)
        key = self.sql(node.key)
        expr = self.sql(node.expr)
        path = self.json_path(node.path, node.expr)
        member = self.json_member(node.key)
        as_member = f"JSON_CONTAINS_PATH({expr}, 'one', concat({path}, {member}))"
        return f"(JSON_CONTAINS({at}, JSON_ARRAY({key})) OR {as_member})"

    def jsonisnull_sql(self, node: ast.JsonIsNull) -> str:
        return f"COALESCE(JSON_TYPE({self.json_extract(node.expr, node.path)}), 'NULL') = 'NULL'"

    def jsontruth_sql(self, node: ast.JsonTruth) -> str:
        value = self.json_extract(node.expr, node.path)
        return (
            f"COALESCE(CASE JSON_TYPE({value}) WHEN 'NULL' THEN 0"
            f" WHEN 'BOOLEAN' THEN JSON_UNQUOTE({value}) = 'true'"
            f" WHEN 'STRING' THEN JSON_UNQUOTE({value}) <> ''"
            f" WHEN 'ARRAY' THEN JSON_LENGTH({value}) > 0 WHEN 'OBJECT' THEN JSON_LENGTH({value}) > 0"
            f" ELSE CAST(JSON_UNQUOTE({value}) AS DOUBLE) <> 0 END, 0)"
        )

    def jsonarraylength_sql(self, node: ast.JsonArrayLength) -> str:
        return f"JSON_LENGTH({self.sql(node.expr)}, {self.json_path(node.path, node.expr)})"

    def jsonconcat_sql(self, node: ast.JsonConcat) -> str:
        raise NotImplementedError("Json concatenation (|) is not supported by MySQL")

    def jsoncompare_sql(self, node: ast.JsonCompare) -> str:
        return (
            f"{self.json_extract(node.expr, node.path)} {node.op} JSON_EXTRACT({self.sql(node.value)}, '$')"
        )

    # --- arrays ---------------------------------------------------------------------------------

    def _no_arrays(self, node: ast.Node) -> str:
        raise NotImplementedError("Array types are not supported by MySQL")

    arrayitem_sql = arrayslice_sql = arraylength_sql = arraycontains_sql = _no_arrays


class MariaDBCompiler(MySQLCompiler):
    NEGATIVE_JSON_INDEX_AS_LAST = False

    # MariaDB (10.11) resolves a negative path index ($[-1], and $[last] too) against the array of the
    # first row it evaluates and reuses that position for every later row: a wrong answer over arrays
    # of different lengths. So a negative index is turned into a position from JSON_LENGTH of the
    # array in each row; past the start of the array the path is NULL, as the value is missing.

    def constant_json_step(self, item: Any) -> bool:
        return super().constant_json_step(item) and not self._maybe_negative(item)

    def json_step(self, path: tuple, i: int, doc: ast.Node) -> str:
        if self._maybe_negative(path[i]):
            return self._counted_index(path[i], path[:i], doc)
        return super().json_step(path, i, doc)

    @staticmethod
    def _maybe_negative(item: Any) -> bool:
        """A step that may be a negative index: a negative int constant or an index known at run time."""
        if isinstance(item, ast.Value):
            return isinstance(item.value, int) and not isinstance(item.value, bool) and item.value < 0
        return bool(item.index)

    def _counted_index(self, item: Any, prefix: tuple, doc: ast.Node) -> str:
        """``[n]`` counted from the start: JSON_LENGTH(array) + n for a negative n, NULL before the start."""
        def length() -> str:  # rendered anew each time: every placeholder needs its own argument
            return f"JSON_LENGTH({self.sql(doc)}, {self.json_path(prefix, doc)})"

        if isinstance(item, ast.Value):
            position = f"IF({length()} + {item.value} >= 0, {length()} + {item.value}, NULL)"
        else:
            index = item.expr
            position = (f"IF({self.sql(index)} >= 0, {self.sql(index)}, "
                        f"IF({length()} + {self.sql(index)} >= 0, {length()} + {self.sql(index)}, NULL))")
        return f"concat('[', {position}, ']')"

    def jsoncompare_sql(self, node: ast.JsonCompare) -> str:
        # MariaDB's JSON is text: equality of documents needs JSON_EQUALS (key order, spacing). A WHERE
        # takes its NULL (a missing key) for true, so NULL is spelled out.
        if node.op not in ("=", "<>"):
            return super().jsoncompare_sql(node)
        at = self.json_extract(node.expr, node.path)
        equal = f"(CASE WHEN {at} IS NULL THEN NULL ELSE JSON_EQUALS({at}, {self.sql(node.value)}) END)"
        return equal if node.op == "=" else f"NOT {equal}"
