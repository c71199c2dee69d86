"""PostgreSQL: ``format_type`` of each column; SERIAL (a ``nextval`` default) and identity columns."""

from __future__ import annotations

from ...orm.introspection import Execute
from ..columns import RawColumn, canonical_type


def raw_columns(execute: Execute) -> dict[tuple[str, str], RawColumn]:
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
