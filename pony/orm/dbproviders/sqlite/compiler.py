"""SQLite's spelling of the SQL nodes that differ from the generic compiler."""

from __future__ import annotations

from ...sql import ast
from ...sql.compiler import SQLCompiler


class SQLiteCompiler(SQLCompiler):
    QUOTE = '"'
    PARAMSTYLE = "qmark"
    GREATEST = "max"
    LEAST = "min"
    RANDOM_FUNC = "random()"

    def lock_sql(self, lock: str) -> str:
        return ""  # the whole database is locked by BEGIN IMMEDIATE instead

    def now_sql(self, node: ast.Now) -> str:
        return "datetime('now', 'localtime')"

    def today_sql(self, node: ast.Today) -> str:
        return "date('now', 'localtime')"

    def pow_sql(self, node: ast.Pow) -> str:
        return f"py_pow({self.sql(node.left)}, {self.sql(node.right)})"

    def div_sql(self, node: ast.Div) -> str:
        return f"CAST({self.sql(node.left)} AS REAL) / {self.operand(node.right)}"
