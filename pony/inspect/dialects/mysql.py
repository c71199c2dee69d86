"""MySQL/MariaDB: ``column_type`` (with UNSIGNED and ``tinyint(1)``), AUTO_INCREMENT, and JSON
columns, which MariaDB stores as LONGTEXT with a ``json_valid()`` check named after the column."""

from __future__ import annotations

import re

from ...orm.introspection import Execute
from ..columns import RawColumn, canonical_type


def raw_columns(execute: Execute) -> dict[tuple[str, str], RawColumn]:
    json_columns = set()
    try:
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
