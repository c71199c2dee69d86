"""The generic SQL compiler (layer L1): renders sql.ast nodes to text plus parameter keys.

A dialect subclasses ``SQLCompiler`` and overrides only the ``<node>_sql`` methods and the
UPPER_CASE flags that differ, as sqlglot's generators do.
"""

from __future__ import annotations

from typing import Any

from . import ast


class CompiledSQL:
    """SQL text plus the keys of its parameters, in placeholder order.

    ``encoders`` maps a placeholder's position to the function turning its value into what the
    dialect takes there (a whole list sent as one JSON text, array or sequence). ``small_result``:
    the last run of a query's SELECT read fewer rows than a chunk (``Query._run`` reads the next
    one on the driver's ordinary cursor then)."""

    __slots__ = ("sql", "param_keys", "encoders", "small_result")

    def __init__(self, sql: str, param_keys: tuple, encoders: dict | None = None) -> None:
        self.sql = sql
        self.param_keys = param_keys
        self.encoders = encoders or None
        self.small_result = False

    def arguments(self, values: Any) -> tuple:
        """Positional arguments from ``values`` (a mapping or sequence indexed by param key)."""
        arguments = [values[key] for key in self.param_keys]
        if self.encoders is not None:
            for position, encode in self.encoders.items():
                arguments[position] = encode(arguments[position])
        return tuple(arguments)

    def __repr__(self) -> str:
        return f"CompiledSQL({self.sql!r}, {self.param_keys!r})"


class SQLCompiler:
    QUOTE = '"'
    PARAMSTYLE = "qmark"  # qmark: ?, format: %s, numeric: :1
    CONCAT_OPERATOR = "||"
    LIKE_ESCAPE = " ESCAPE '!'"
    TRUE = "1"
    FALSE = "0"
    # Does the dialect accept a row value on the left of IN and in comparisons?
    ROW_VALUE_COMPARISON = True
    RANDOM_FUNC = "random()"
    LIMIT_REQUIRED_WITH_OFFSET = "-1"  # LIMIT value used when only OFFSET is given
    GREATEST = "max"
    LEAST = "min"

    def __init__(self) -> None:
        self.param_keys: list = []
        self.encoders: dict[int, Any] = {}
        self._methods: dict[type, Any] = {}

    # --- entry points -------------------------------------------------------------------------

    def compile(self, node: ast.Node) -> CompiledSQL:
        self.param_keys = []
        self.encoders = {}
        sql = self.sql(node)
        if not self.param_keys and self.PARAMSTYLE == "format":
            # Without arguments the driver sends the text as it is: undo escape_text's doubled %.
            sql = sql.replace("%%", "%")
        return CompiledSQL(sql, tuple(self.param_keys), dict(self.encoders))

    def sql(self, node: ast.Node) -> str:
        cls = type(node)
        method = self._methods.get(cls)
        if method is None:
            method = getattr(self, cls.__name__.lower() + "_sql")
            self._methods[cls] = method
        return method(node)

    def join(self, nodes: Any, sep: str = ", ") -> str:
        return sep.join([self.sql(node) for node in nodes])

    def quote_identifier(self, name: Any) -> str:
        """``name`` quoted as written in SQL (an embedded quote character doubled)."""
        if isinstance(name, tuple):
            return ".".join(self.quote_identifier(part) for part in name)
        q = self.QUOTE
        return q + name.replace(q, q + q) + q

    def quote(self, name: Any) -> str:
        """``name`` quoted inside a compiled statement, whose "%" are doubled for the driver."""
        return self.escape_text(self.quote_identifier(name))

    def placeholder(self, index: int) -> str:
        style = self.PARAMSTYLE
        if style == "qmark":
            return "?"
        if style == "format":
            return "%s"
        if style == "numeric":
            return f":{index}"
        raise NotImplementedError(style)

    def escape_text(self, text: str) -> str:
        """Raw SQL text as the driver needs it: ``%`` doubled for format paramstyles."""
        return text.replace("%", "%%") if self.PARAMSTYLE == "format" else text

    # --- leaves -------------------------------------------------------------------------------

    def name_sql(self, node: ast.Name) -> str:
        return self.quote(node.name)

    def column_sql(self, node: ast.Column) -> str:
        if node.alias is None:
            return self.quote(node.name)
        return f"{self.quote(node.alias)}.{self.quote(node.name)}"

    def param_sql(self, node: ast.Param) -> str:
        self.param_keys.append(node.key)
        return self.placeholder(len(self.param_keys))

    def value_sql(self, node: ast.Value) -> str:
        value = node.value
        if value is None:
            return "NULL"
        if value is True:
            return self.TRUE
        if value is False:
            return self.FALSE
        if isinstance(value, (int, float)):
            return repr(value)
        if isinstance(value, str):
            return "'" + self.escape_text(value.replace("'", "''")) + "'"
        raise TypeError(f"Cannot render literal {value!r}")

    def jsonkey_sql(self, node: ast.JsonKey) -> str:
        return self.sql(node.expr)

    def raw_sql(self, node: ast.Raw) -> str:
        out = []
        for part in node.parts:
            out.append(self.escape_text(part) if isinstance(part, str) else self.sql(part))
        return "".join(out)

    def star_sql(self, node: ast.Star) -> str:
        return "*" if node.alias is None else f"{self.quote(node.alias)}.*"

    # --- expressions --------------------------------------------------------------------------

    def operand(self, node: ast.Node) -> str:
        """An operand of a binary operator, parenthesised unless it is atomic."""
        text = self.sql(node)
        if isinstance(node, ast.BoolAsInt):
            node = node.expr
        if isinstance(node, (ast.Column, ast.Param, ast.Value, ast.Func, ast.Aggregate, ast.Name, ast.Subquery)):
            return text
        return f"({text})"

    def binop_sql(self, node: ast.BinOp) -> str:
        op = self.CONCAT_OPERATOR if node.op == "||" else node.op
        return f"{self.operand(node.left)} {op} {self.operand(node.right)}"

    def and_sql(self, node: ast.And) -> str:
        return " AND ".join(self.operand(item) for item in node.items) if node.items else self.TRUE_CONDITION

    def or_sql(self, node: ast.Or) -> str:
        return " OR ".join(self.operand(item) for item in node.items) if node.items else self.FALSE_CONDITION

    TRUE_CONDITION = "1 = 1"
    FALSE_CONDITION = "0 = 1"

    def not_sql(self, node: ast.Not) -> str:
        return f"NOT {self.operand(node.expr)}"

    def neg_sql(self, node: ast.Neg) -> str:
        text = self.operand(node.expr)
        return f"-({text})" if text.startswith("-") else f"-{text}"  # "--" would start a comment

    def isnull_sql(self, node: ast.IsNull) -> str:
        return f"{self.operand(node.expr)} IS NULL"

    def isnotnull_sql(self, node: ast.IsNotNull) -> str:
        return f"{self.operand(node.expr)} IS NOT NULL"

    def like_sql(self, node: ast.Like) -> str:
        op = "NOT LIKE" if node.negated else "LIKE"
        escape = self.LIKE_ESCAPE if node.escape else ""
        return f"{self.operand(node.expr)} {op} {self.operand(node.pattern)}{escape}"

    def in_sql(self, node: ast.In) -> str:
        if not node.items:
            return self.TRUE_CONDITION if node.negated else self.FALSE_CONDITION
        op = "NOT IN" if node.negated else "IN"
        return f"{self.operand(node.expr)} {op} ({self.join(node.items)})"

    def encoded_param(self, param: ast.Param, encode: Any) -> str:
        """A placeholder whose argument is ``encode(value of param)``."""
        self.encoders[len(self.param_keys)] = encode
        return self.sql(param)

    def inlist_sql(self, node: ast.InList) -> str:
        raise NotImplementedError(
            f"{type(self).__name__} cannot send a long list for 'in' as one parameter; use a shorter list")

    def inselect_sql(self, node: ast.InSelect) -> str:
        op = "NOT IN" if node.negated else "IN"
        return f"{self.operand(node.expr)} {op} ({self.sql(node.select)})"

    def exists_sql(self, node: ast.Exists) -> str:
        op = "NOT EXISTS" if node.negated else "EXISTS"
        return f"{op} ({self.sql(node.select)})"

    def subquery_sql(self, node: ast.Subquery) -> str:
        return f"({self.sql(node.select)})"

    def between_sql(self, node: ast.Between) -> str:
        return f"{self.operand(node.expr)} BETWEEN {self.operand(node.low)} AND {self.operand(node.high)}"

    def row_sql(self, node: ast.Row) -> str:
        return f"({self.join(node.items)})"

    def case_sql(self, node: ast.Case) -> str:
        parts = ["CASE"]
        for cond, result in node.whens:
            parts.append(f"WHEN {self.sql(cond)} THEN {self.sql(result)}")
        if node.else_ is not None:
            parts.append(f"ELSE {self.sql(node.else_)}")
        parts.append("END")
        return " ".join(parts)

    def func_sql(self, node: ast.Func) -> str:
        return f"{node.name}({self.join(node.args)})"

    def aggregate_sql(self, node: ast.Aggregate) -> str:
        if node.expr is None:
            return f"{node.name}(*)"
        distinct = "DISTINCT " if node.distinct else ""
        return f"{node.name}({distinct}{self.sql(node.expr)})"

    def groupconcat_sql(self, node: ast.GroupConcat) -> str:
        distinct = "DISTINCT " if node.distinct else ""
        if node.sep is None:
            return f"GROUP_CONCAT({distinct}{self.sql(node.expr)})"
        sep = self.sql(ast.Value(node.sep))
        return f"GROUP_CONCAT({distinct}{self.sql(node.expr)}, {sep})"

    CAST_TYPES = {"int": "integer", "float": "real", "str": "text", "Decimal": "decimal", "bool": "integer"}

    def cast_sql(self, node: ast.Cast) -> str:
        return f"CAST({self.sql(node.expr)} AS {self.CAST_TYPES[node.to]})"

    def jsontruth_sql(self, node: ast.JsonTruth) -> str:
        return f"NOT ({self.sql(ast.JsonIsNull(node.expr, node.path))})"  # dialects with Json say more

    def boolasint_sql(self, node: ast.BoolAsInt) -> str:
        return self.sql(node.expr)  # booleans are the integers 1 and 0 here

    def concat_sql(self, node: ast.Concat) -> str:
        return f" {self.CONCAT_OPERATOR} ".join(self.operand(item) for item in node.items)

    def substring_sql(self, node: ast.Substring) -> str:
        if node.length is None:
            return f"substr({self.sql(node.expr)}, {self.sql(node.start)})"
        return f"substr({self.sql(node.expr)}, {self.sql(node.start)}, {self.sql(node.length)})"

    def length_sql(self, node: ast.Length) -> str:
        return f"length({self.sql(node.expr)})"

    def trim_sql(self, node: ast.Trim) -> str:
        func = {"both": "trim", "leading": "ltrim", "trailing": "rtrim"}[node.mode]
        if node.chars is None:
            return f"{func}({self.sql(node.expr)})"
        return f"{func}({self.sql(node.expr)}, {self.sql(node.chars)})"

    def scalar_sql(self, node: ast.Scalar) -> str:
        name = self.GREATEST if node.name == "GREATEST" else self.LEAST
        return f"{name}({self.join(node.args)})"

    def pow_sql(self, node: ast.Pow) -> str:
        return f"power({self.sql(node.left)}, {self.sql(node.right)})"

    def div_sql(self, node: ast.Div) -> str:
        return f"{self.operand(node.left)} / {self.operand(node.right)}"

    def floordiv_sql(self, node: ast.FloorDiv) -> str:
        return f"{self.operand(node.left)} / {self.operand(node.right)}"

    def mod_sql(self, node: ast.Mod) -> str:
        return f"{self.operand(node.left)} % {self.operand(node.right)}"

    def random_sql(self, node: ast.Random) -> str:
        return self.RANDOM_FUNC

    def now_sql(self, node: ast.Now) -> str:
        return "CURRENT_TIMESTAMP"

    def today_sql(self, node: ast.Today) -> str:
        return "CURRENT_DATE"

    # --- statements ---------------------------------------------------------------------------

    def table_sql(self, node: ast.Table) -> str:
        if node.alias is None:
            return self.quote(node.name)
        return f"{self.quote(node.name)} {self.quote(node.alias)}"

    def subquerytable_sql(self, node: ast.SubqueryTable) -> str:
        return f"({self.sql(node.select)}) {self.quote(node.alias)}"

    def join_sql(self, node: ast.Join) -> str:
        kind = "LEFT JOIN" if node.kind == "LEFT" else "JOIN"
        on = f" ON {self.sql(node.on)}" if node.on is not None else " ON 1 = 1"
        return f"{kind} {self.sql(node.source)}{on}"

    def alias_sql(self, node: ast.Alias) -> str:
        return f"{self.sql(node.expr)} AS {self.quote(node.name)}"

    def orderby_sql(self, node: ast.OrderBy) -> str:
        return f"{self.sql(node.expr)} DESC" if node.desc else self.sql(node.expr)

    def from_sql(self, sources: tuple) -> str:
        out = []
        for i, source in enumerate(sources):
            if isinstance(source, ast.Join):
                out.append(" " + self.sql(source))
            else:
                out.append((", " if i else "") + self.sql(source))
        return "".join(out)

    def select_sql(self, node: ast.Select) -> str:
        parts = ["SELECT DISTINCT " if node.distinct else "SELECT ", self.join(node.columns)]
        if node.sources:
            parts.append(" FROM " + self.from_sql(node.sources))
        if node.where is not None:
            parts.append(" WHERE " + self.sql(node.where))
        if node.group_by:
            parts.append(" GROUP BY " + self.join(node.group_by))
        if node.having is not None:
            parts.append(" HAVING " + self.sql(node.having))
        if node.order_by:
            parts.append(" ORDER BY " + self.join(node.order_by))
        parts.append(self.limit_sql(node.limit, node.offset))
        if node.lock:
            parts.append(self.lock_sql(node.lock))
        return "".join(parts)

    def limit_sql(self, limit: ast.Node | None, offset: ast.Node | None) -> str:
        if limit is None and offset is None:
            return ""
        text = " LIMIT " + (self.sql(limit) if limit is not None else self.LIMIT_REQUIRED_WITH_OFFSET)
        if offset is not None:
            text += " OFFSET " + self.sql(offset)
        return text

    def lock_sql(self, lock: str) -> str:
        return " FOR " + lock.upper()

    def insert_sql(self, node: ast.Insert) -> str:
        if not node.columns:
            return f"INSERT INTO {self.quote(node.table)} {self.DEFAULT_VALUES}{self.returning_sql(node)}"
        columns = ", ".join(self.quote(c) for c in node.columns)
        return (f"INSERT INTO {self.quote(node.table)} ({columns}) VALUES ({self.join(node.values)})"
                f"{self.returning_sql(node)}")

    DEFAULT_VALUES = "DEFAULT VALUES"

    def upsert_sql(self, insert_sql: str, conflict_columns: tuple, update_columns: tuple) -> str:
        """``insert_sql`` as an upsert: a row whose ``conflict_columns`` (a unique key) match a stored
        row sets that row's ``update_columns`` instead, or is skipped when there are none."""
        target = ", ".join(self.quote(c) for c in conflict_columns)
        if not update_columns:
            return f"{insert_sql} ON CONFLICT ({target}) DO NOTHING"
        sets = ", ".join(f"{self.quote(c)} = excluded.{self.quote(c)}" for c in update_columns)
        return f"{insert_sql} ON CONFLICT ({target}) DO UPDATE SET {sets}"

    def returning_sql(self, node: ast.Insert) -> str:
        return ""

    def update_sql(self, node: ast.Update) -> str:
        sets = ", ".join(f"{self.quote(col)} = {self.sql(value)}" for col, value in node.assignments)
        where = f" WHERE {self.sql(node.where)}" if node.where is not None else ""
        return f"UPDATE {self.quote(node.table)} SET {sets}{where}"

    def delete_sql(self, node: ast.Delete) -> str:
        where = f" WHERE {self.sql(node.where)}" if node.where is not None else ""
        if node.alias:
            return f"DELETE FROM {self.quote(node.table)} AS {self.quote(node.alias)}{where}"
        return f"DELETE FROM {self.quote(node.table)}{where}"
