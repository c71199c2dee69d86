"""PostgreSQL introspection of the current schema from ``information_schema`` and ``pg_catalog``."""

from __future__ import annotations

from . import ColumnInfo, Execute, ForeignKeyInfo, IndexInfo, SchemaInfo, TableInfo

_ACTIONS = {"c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}


def introspect(execute: Execute) -> SchemaInfo:
    rows = execute("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
                   "AND table_type = 'BASE TABLE' ORDER BY table_name").fetchall()
    schema = SchemaInfo({name: TableInfo(name) for (name,) in rows})
    _columns(execute, schema)
    _constraints(execute, schema)
    _indexes(execute, schema)
    return schema


def _columns(execute: Execute, schema: SchemaInfo) -> None:
    for table, name, type_, nullable, default, size, precision, scale in execute(
            "SELECT table_name, column_name, upper(data_type), is_nullable, column_default, "
            "character_maximum_length, numeric_precision, numeric_scale FROM information_schema.columns "
            "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position").fetchall():
        if table in schema.tables:
            numeric = type_ == "NUMERIC"
            schema.tables[table].columns.append(ColumnInfo(
                name, type_, nullable == "YES", default, size, precision if numeric else None,
                scale if numeric else None))


def _constraints(execute: Execute, schema: SchemaInfo) -> None:
    rows = execute(
        "SELECT c.conname, c.contype, t.relname, c.confdeltype, p.relname, "
        "ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a "
        "ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i), "
        "ARRAY(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a "
        "ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i) "
        "FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid "
        "JOIN pg_namespace n ON n.oid = t.relnamespace LEFT JOIN pg_class p ON p.oid = c.confrelid "
        "WHERE n.nspname = current_schema() AND c.contype IN ('p', 'u', 'f') ORDER BY c.conname").fetchall()
    for name, kind, table_name, on_delete, parent, cols, parent_cols in rows:
        table = schema.tables.get(table_name)
        if table is None:
            continue
        if kind == "p":
            table.primary_key = tuple(cols)
        elif kind == "u":
            table.uniques.append(IndexInfo(name, tuple(cols), True))
        else:
            table.foreign_keys.append(ForeignKeyInfo(name, tuple(cols), parent, tuple(parent_cols or ()),
                                                     _ACTIONS.get(on_delete)))


def _indexes(execute: Execute, schema: SchemaInfo) -> None:
    rows = execute(
        "SELECT i.relname, t.relname, x.indisunique, ARRAY(SELECT a.attname FROM unnest(x.indkey) "
        "WITH ORDINALITY k(n, o) JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.n ORDER BY k.o) "
        "FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
        "JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = current_schema() "
        "AND NOT x.indisprimary AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) "
        "ORDER BY i.relname").fetchall()
    for name, table_name, unique, cols in rows:
        table = schema.tables.get(table_name)
        if table is not None:
            (table.uniques if unique else table.indexes).append(IndexInfo(name, tuple(cols), bool(unique)))
