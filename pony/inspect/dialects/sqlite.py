"""SQLite: the declared type of each column, and AUTOINCREMENT from the table's SQL."""

from __future__ import annotations

from ...orm.introspection import Execute
from ..columns import RawColumn, canonical_type


def raw_columns(execute: Execute) -> dict[tuple[str, str], RawColumn]:
    result = {}
    for table, sql in execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' "
                              "AND name NOT LIKE 'sqlite_%'").fetchall():
        autoincrement = "AUTOINCREMENT" in (sql or "").upper()
        quoted = table.replace('"', '""')
        for _, column, type_, _, _, pk in execute(f'PRAGMA table_info("{quoted}")').fetchall():
            text = canonical_type(type_ or "")
            result[(table, column)] = RawColumn(text, bool(pk) and autoincrement and text == "INTEGER")
    return result
