"""Compare a live database with the schema a migration state maps to (for ``check``).

Tables, columns, nullability, SQL defaults (``sql_default``), UNIQUE constraints, indexes and
foreign keys (with their ON DELETE action) are compared. Index and constraint names are left out:
databases name inline constraints themselves. Defaults are compared after the spelling each
database gives them is normalized (``'a'::character varying`` is ``'a'``).
"""

from __future__ import annotations

import re
from typing import Any

from ..orm.introspection import TableInfo, introspect
from ..orm.sql.schema import Table, table_name_text
from .build import mapped
from .history import TABLE
from .state import ModelState


def live_differences(runner: Any, state: ModelState) -> list[str]:
    """What differs between the database and the schema of ``state``, one sentence each."""
    expected = {table_name_text(t.name): t for t in mapped(state, runner.provider).schema.tables.values()}
    live = introspect(runner.provider, runner.execute).tables
    problems = [f"table {name} is missing" for name in expected if name not in live]
    problems += [f"table {name} is not in the migrations" for name in live if name not in expected and name != TABLE]
    for name, table in expected.items():
        if name in live:
            problems += _column_differences(name, table, live[name])
            problems += _key_differences(name, table, live[name], runner.provider.provider_name)
    return problems


def _column_differences(name: str, table: Table, live: TableInfo) -> list[str]:
    problems = []
    columns = {c.name: c for c in live.columns}
    for column in table.columns:
        found = columns.pop(column.name, None)
        if found is None:
            problems.append(f"column {name}.{column.name} is missing")
            continue
        if found.nullable == column.is_not_null and not column.is_pk:
            problems.append(f"column {name}.{column.name} is {'nullable' if found.nullable else 'NOT NULL'}")
        if column.is_pk or column.sql_default in (True, False):
            continue  # a serial key's default, or a default the entity leaves to the database
        want, have = normalize_default(column.sql_default), normalize_default(found.default)
        if want != have:
            problems.append(f"column {name}.{column.name} has default {found.default or 'none'} where the "
                            f"migrations say {column.sql_default or 'none'}")
    problems += [f"column {name}.{extra} is not in the migrations" for extra in columns]
    return problems


def _key_differences(name: str, table: Table, live: TableInfo, dialect: str) -> list[str]:
    want_unique = {i.col_names for i in table.indexes.values() if i.is_unique and not i.is_pk}
    want_index = {i.col_names for i in table.indexes.values() if not i.is_unique}
    have_unique = {u.columns for u in live.uniques}
    have_index = {i.columns for i in live.indexes}
    want_fks = {(fk.col_names, table_name_text(fk.parent_table.name), _action(fk.on_delete))
                for fk in table.foreign_keys.values()}
    have_fks = {(fk.columns, fk.parent_table, _action(fk.on_delete)) for fk in live.foreign_keys}
    if dialect == "mysql":  # the server adds an index on a foreign key's columns when none starts with them
        fk_columns = {fk[0] for fk in want_fks}
        have_index = {i for i in have_index if i in want_index or i not in fk_columns}
    problems = []
    for what, want, have in ((f"UNIQUE ({{}}) of {name}", want_unique, have_unique),
                             (f"index on {name} ({{}})", want_index, have_index)):
        problems += [what.format(", ".join(c)) + " is missing" for c in sorted(want - have)]
        problems += [what.format(", ".join(c)) + " is not in the migrations" for c in sorted(have - want)]
    for cols, parent, action in sorted(want_fks ^ have_fks):
        where = "is missing" if (cols, parent, action) in want_fks else "is not in the migrations"
        problems.append(f"foreign key {name}({', '.join(cols)}) -> {parent}"
                        f"{f' ON DELETE {action}' if action else ''} {where}")
    return problems


def _action(on_delete: str | None) -> str:
    action = (on_delete or "").upper()
    return "" if action in ("", "NO ACTION", "RESTRICT") else action


_CAST = re.compile(r"::[a-z_ ]+(\(\d+(,\s*\d+)?\))?(\[\])?$", re.IGNORECASE)
_NOW = re.compile(r"^(current_timestamp|now|localtimestamp)(\(\d*\))?$")


def normalize_default(text: str | None) -> str | None:
    """A column default as a comparable text: the literal of a quoted default (without the cast
    PostgreSQL adds), otherwise the expression lower-cased, numbers as numbers."""
    if text is None:
        return None
    text = text.strip()
    while text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
        text = text[1:-1].strip()
    if text.upper() == "NULL" or text == "":
        return None
    if text.startswith("'"):
        end = _literal_end(text)
        return text[:end + 1]
    text = _CAST.sub("", text).lower()
    if _NOW.match(text):
        return "current_timestamp"
    try:
        return str(float(text))
    except ValueError:
        return text


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def _literal_end(text: str) -> int:
    """The index of the quote closing the string literal that starts ``text`` (doubled quotes escape)."""
    i = 1
    while i < len(text):
        if text[i] == "'":
            if i + 1 < len(text) and text[i + 1] == "'":
                i += 2
                continue
            return i
        i += 1
    return len(text) - 1
