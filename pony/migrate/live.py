"""Compare a live database with the schema a migration state maps to (for ``check``)."""

from __future__ import annotations

from typing import Any

from ..orm.introspection import introspect
from ..orm.sql.schema import table_name_text
from .build import mapped
from .history import TABLE
from .state import ModelState


def live_differences(runner: Any, state: ModelState) -> list[str]:
    """Tables, columns and nullability that differ between the database and ``state``."""
    expected = {table_name_text(t.name): t for t in mapped(state, runner.provider).schema.tables.values()}
    live = introspect(runner.provider, runner.execute).tables
    problems = [f"table {name} is missing" for name in expected if name not in live]
    problems += [f"table {name} is not in the migrations" for name in live if name not in expected and name != TABLE]
    for name, table in expected.items():
        if name not in live:
            continue
        columns = {c.name: c for c in live[name].columns}
        for column in table.columns:
            found = columns.pop(column.name, None)
            if found is None:
                problems.append(f"column {name}.{column.name} is missing")
            elif found.nullable == column.is_not_null and not column.is_pk:
                problems.append(f"column {name}.{column.name} is {'nullable' if found.nullable else 'NOT NULL'}")
        problems += [f"column {name}.{extra} is not in the migrations" for extra in columns]
    return problems
