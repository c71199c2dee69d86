"""Oracle's spelling of the SQL nodes: :1 parameters, FETCH FIRST, JSON_VALUE, FROM DUAL."""

from __future__ import annotations

import re

from ...sql import ast
from ...sql.compiler import CompiledSQL, SQLCompiler
from .booleans import oracle_booleans

# String literals and quoted names are kept; what remains is scanned for :N placeholders.
_PLACEHOLDER_OR_QUOTED = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|:(\d+)")


def one_value_per_placeholder(compiled: CompiledSQL) -> CompiledSQL:
    """Placeholders renumbered :1..:n in order of appearance, with one parameter key per occurrence.

    In plain SQL Oracle binds positional values to placeholders by position, each occurrence of a
    repeated name taking a value of its own; a compiler method that writes one compiled operand
    several times (MOD, LISTAGG, JSON_EXISTS ...) would otherwise leave placeholders unbound. A
    placeholder past the keys (RETURNING ... INTO) keeps its place at the end, without a key."""
    keys = compiled.param_keys
    new_keys: list = []

    def renumber(match: re.Match) -> str:
        if not match.group(1):
            return match.group(0)
        number = int(match.group(1))
        if number <= len(keys):
            new_keys.append(keys[number - 1])
        return f":{len(new_keys) + (number > len(keys))}"

    sql = _PLACEHOLDER_OR_QUOTED.sub(renumber, compiled.sql)
    return CompiledSQL(sql, tuple(new_keys))


class OracleCompiler(SQLCompiler):
    QUOTE = '"'
    PARAMSTYLE = "numeric"
    GREATEST = "greatest"
    LEAST = "least"
    RANDOM_FUNC = "dbms_random.value"
    CAST_TYPES = {
        "int": "NUMBER(38)",
        "float": "BINARY_DOUBLE",
        "str": "VARCHAR2(4000)",
        "Decimal": "NUMBER",
        "bool": "NUMBER(1)",
    }
    JSON_RETURNING = {"int": " RETURNING NUMBER", "float": " RETURNING BINARY_DOUBLE", "str": ""}

    def upsert_sql(self, insert_sql: str, conflict_columns: tuple, update_columns: tuple) -> str:
        raise NotImplementedError("upsert() and insert_many(on_conflict=...) are not supported on Oracle")

    def compile(self, node: ast.Node) -> CompiledSQL:
        return one_value_per_placeholder(super().compile(oracle_booleans(node)))

    def select_sql(self, node: ast.Select) -> str:
        if not node.sources:
            node = node.replace(sources=(ast.Table("DUAL"),))
        return super().select_sql(node)

    def table_sql(self, node: ast.Table) -> str:
        if node.name == "DUAL" and node.alias is None:
            return "DUAL"
        return super().table_sql(node)

    def limit_sql(self, limit: ast.Node | None, offset: ast.Node | None) -> str:
        text = f" OFFSET {self.sql(offset)} ROWS" if offset is not None else ""
        if limit is not None:
            text += f" FETCH NEXT {self.sql(limit)} ROWS ONLY"
        return text

    def returning_sql(self, node: ast.Insert) -> str:
        # The provider binds an output variable for the last placeholder.
        if not node.returning:
            return ""
        return f" RETURNING {self.quote(node.returning)} INTO :{len(self.param_keys) + 1}"

    def insert_sql(self, node: ast.Insert) -> str:
        if not node.columns:
            raise NotImplementedError("Oracle cannot insert a row without column values")
        return super().insert_sql(node)

    def delete_sql(self, node: ast.Delete) -> str:
        where = f" WHERE {self.sql(node.where)}" if node.where is not None else ""
        alias = f" {self.quote(node.alias)}" if node.alias else ""
        return f"DELETE FROM {self.quote(node.table)}{alias}{where}"

    def now_sql(self, node: ast.Now) -> str:
        return "LOCALTIMESTAMP"

    def today_sql(self, node: ast.Today) -> str:
        return "TRUNC(SYSDATE)"

    def groupconcat_sql(self, node: ast.GroupConcat) -> str:
        distinct = "DISTINCT " if node.distinct else ""
        sep = self.sql(ast.Value(node.sep if node.sep is not None else ","))
        expr = self.sql(node.expr)
        return f"LISTAGG({distinct}{expr}, {sep}) WITHIN GROUP (ORDER BY {expr})"

    def floordiv_sql(self, node: ast.FloorDiv) -> str:
        return f"FLOOR({self.operand(node.left)} / {self.operand(node.right)})"

    def mod_sql(self, node: ast.Mod) -> str:
        left, right = self.sql(node.left), self.sql(node.right)
        return f"MOD(MOD({left}, {right}) + {right}, {right})"

    def pow_sql(self, node: ast.Pow) -> str:
        return f"POWER({self.sql(node.left)}, {self.sql(node.right)})"

    def datepart_sql(self, node: ast.DatePart) -> str:
        extract = f"EXTRACT({node.part.upper()} FROM {self.sql(node.expr)})"
        return f"FLOOR({extract})" if node.part == "second" else extract

    def dateonly_sql(self, node: ast.DateOnly) -> str:
        return f"TRUNC({self.sql(node.expr)})"

    def dateadd_sql(self, node: ast.DateAdd) -> str:
        text = f"{self.operand(node.expr)} {node.sign} {self.operand(node.delta)}"
        return f"TRUNC({text})" if node.kind == "date" else f"({text})"

    def datediff_sql(self, node: ast.DateDiff) -> str:
        if node.kind == "date":
            return f"NUMTODSINTERVAL({self.operand(node.left)} - {self.operand(node.right)}, 'DAY')"
        return f"({self.operand(node.left)} - {self.operand(node.right)})"

    # --- JSON (stored in CLOB; paths must be constants) -----------------------------------------

    def json_path(self, path: tuple, suffix: str = "") -> str:
        text = "$"
        for item in path:
            if not isinstance(item, ast.Value):
                raise NotImplementedError("Parameters inside a Json path are not supported by Oracle")
            key = item.value
            if isinstance(key, int) and not isinstance(key, bool):
                text += f"[{key}]" if key >= 0 else ("[last]" if key == -1 else f"[last-{-key - 1}]")
            else:
                text += '."' + str(key).replace('"', '\\"') + '"'
        return self.sql(ast.Value(text + suffix))

    def jsonvalue_sql(self, node: ast.JsonValue) -> str:
        expr, path = self.sql(node.expr), self.json_path(node.path)
        if node.as_type is None:
            return f"JSON_QUERY({expr}, {path} WITH CONDITIONAL WRAPPER)"
        if node.as_type == "bool":
            return f"(JSON_VALUE({expr}, {path}) = 'true')"
        return f"JSON_VALUE({expr}, {path}{self.JSON_RETURNING[node.as_type]})"

    def jsoncontains_sql(self, node: ast.JsonContains) -> str:
        if not isinstance(node.key, ast.Value):
            raise NotImplementedError("Parameters as Json keys are not supported by Oracle")
        key = str(node.key.value).replace('"', '\\"')
        expr = self.sql(node.expr)
        as_key = self.json_path(node.path, f'."{key}"')
        as_item = self.json_path(node.path, f'[*]?(@ == "{key}")')
        return f"(JSON_EXISTS({expr}, {as_key}) OR JSON_EXISTS({expr}, {as_item}))"

    def jsonisnull_sql(self, node: ast.JsonIsNull) -> str:
        expr, path = self.sql(node.expr), self.json_path(node.path)
        return f"(JSON_VALUE({expr}, {path}) IS NULL AND JSON_QUERY({expr}, {path}) IS NULL)"

    def jsonarraylength_sql(self, node: ast.JsonArrayLength) -> str:
        return f"JSON_VALUE({self.sql(node.expr)}, {self.json_path(node.path, '.size()')})"

    def jsonconcat_sql(self, node: ast.JsonConcat) -> str:
        raise NotImplementedError("Json concatenation (|) is not supported by Oracle")

    def jsoncompare_sql(self, node: ast.JsonCompare) -> str:
        return (
            f"JSON_VALUE({self.sql(node.expr)}, {self.json_path(node.path)}) {node.op} "
            f"JSON_VALUE({self.sql(node.value)}, '$')"
        )

    def _no_arrays(self, node: ast.Node) -> str:
        raise NotImplementedError("Array types are not supported by Oracle")

    arrayitem_sql = arrayslice_sql = arraylength_sql = arraycontains_sql = _no_arrays
