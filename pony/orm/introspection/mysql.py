"""MySQL/MariaDB introspection of the current database from ``information_schema``."""

from __future__ import annotations

from . import ColumnInfo, Execute, ForeignKeyInfo, IndexInfo, SchemaInfo, TableInfo


def introspect(execute: Execute) -> SchemaInfo:
    rows = execute("SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() "
                   "AND table_type = 'BASE TABLE' ORDER BY table_name").fetchall()
    schema = SchemaInfo({name: TableInfo(name) for (name,) in rows})
    for table, name, type_, nullable, default, size, precision, scale in execute(
            "SELECT table_name, column_name, upper(data_type), is_nullable, column_default, "
            "character_maximum_length, numeric_precision, numeric_scale FROM information_schema.columns "
            "WHERE table_schema = DATABASE() ORDER BY table_name, ordinal_position").fetchall():
        if table in schema.tables:
            numeric = type_ == "DECIMAL"
            text = type_ in ("VARCHAR", "CHAR")
            schema.tables[table].columns.append(ColumnInfo(
                name, type_, nullable == "YES", None if default in (None, "NULL") else str(default),
                int(size) if text and size is not None else None,
                int(precision) if numeric else None, int(scale) if numeric else None))
    _indexes(execute, schema)
    _foreign_keys(execute, schema)
    return schema


def _indexes(execute: Execute, schema: SchemaInfo) -> None:
    found: dict[tuple[str, str], list] = {}
    for table, name, non_unique, column in execute(
            "SELECT table_name, index_name, non_unique, column_name FROM information_schema.statistics "
            "WHERE table_schema = DATABASE() ORDER BY table_name, index_name, seq_in_index").fetchall():
        found.setdefault((table, name), [not int(non_unique), []])[1].append(column)
    for (table_name, name), (unique, cols) in found.items():
        table = schema.tables.get(table_name)
        if table is None:
            continue
        if name == "PRIMARY":
            table.primary_key = tuple(cols)
        else:
            (table.uniques if unique else table.indexes).append(IndexInfo(name, tuple(cols), unique))


def _foreign_keys(execute: Execute, schema: SchemaInfo) -> None:
    found: dict[tuple[str, str], list] = {}
    for table, name, column, parent, parent_col, on_delete in execute(
            "SELECT k.table_name, k.constraint_name, k.column_name, k.referenced_table_name, "
            "k.referenced_column_name, r.delete_rule FROM information_schema.key_column_usage k "
            "JOIN information_schema.referential_constraints r ON r.constraint_schema = k.constraint_schema "
            "AND r.constraint_name = k.constraint_name AND r.table_name = k.table_name "
            "WHERE k.table_schema = DATABASE() AND k.referenced_table_name IS NOT NULL "
            "ORDER BY k.table_name, k.constraint_name, k.ordinal_position").fetchall():
        entry = found.setdefault((table, name), [parent, [], [], on_delete])
        entry[1].append(column)
        entry[2].append(parent_col)
    for (table_name, name), (parent, cols, parent_cols, on_delete) in found.items():
        table = schema.tables.get(table_name)
        if table is not None:
            action = None if on_delete in ("NO ACTION", "RESTRICT") else on_delete
            table.foreign_keys.append(ForeignKeyInfo(name, tuple(cols), parent, tuple(parent_cols), action))
