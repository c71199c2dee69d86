"""SQLite introspection from ``sqlite_master`` and the table/index/foreign-key PRAGMAs."""

from __future__ import annotations

import re

from . import ColumnInfo, Execute, ForeignKeyInfo, IndexInfo, SchemaInfo, TableInfo

_TYPE = re.compile(r"^\s*([A-Za-z ]+?)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?\s*$")


def introspect(execute: Execute) -> SchemaInfo:
    rows = execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                   "ORDER BY name").fetchall()
    return SchemaInfo({name: _table(execute, name) for (name,) in rows})


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _table(execute: Execute, name: str) -> TableInfo:
    table = TableInfo(name)
    pk: list[tuple[int, str]] = []
    for _, col, type_, notnull, default, pk_pos in execute(f"PRAGMA table_info({_quote(name)})").fetchall():
        base, first, second = _split_type(type_)
        is_text = base in ("VARCHAR", "CHAR", "TEXT")
        table.columns.append(ColumnInfo(col, base, not notnull and not pk_pos, default,
                                        first if is_text else None, None if is_text else first, second))
        if pk_pos:
            pk.append((pk_pos, col))
    table.primary_key = tuple(c for _, c in sorted(pk))
    for _, index_name, unique, origin, *_ in execute(f"PRAGMA index_list({_quote(name)})").fetchall():
        if origin == "pk":
            continue
        cols = tuple(r[2] for r in execute(f"PRAGMA index_info({_quote(index_name)})").fetchall())
        target = table.uniques if unique else table.indexes
        target.append(IndexInfo(None if index_name.startswith("sqlite_autoindex") else index_name, cols, bool(unique)))
    fks: dict[int, list] = {}
    for fk_id, _, parent, col, parent_col, _, on_delete, _ in execute(
            f"PRAGMA foreign_key_list({_quote(name)})").fetchall():
        fks.setdefault(fk_id, [parent, [], [], on_delete])
        fks[fk_id][1].append(col)
        fks[fk_id][2].append(parent_col)
    for parent, cols, parent_cols, on_delete in fks.values():
        action = None if on_delete in ("NO ACTION", "RESTRICT") else on_delete
        table.foreign_keys.append(ForeignKeyInfo(None, tuple(cols), parent, tuple(parent_cols), action))
    return table


def _split_type(type_: str) -> tuple[str, int | None, int | None]:
    match = _TYPE.match(type_ or "")
    if not match:
        return (type_ or "").upper(), None, None
    first = int(match[2]) if match[2] else None
    second = int(match[3]) if match[3] else None
    return match[1].upper(), first, second
