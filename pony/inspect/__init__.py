"""Reverse engineering: entity declarations for an existing database.

``generate_module(db)`` reads the schema of the database a (bound, unmapped) ``Database`` points at
and returns the source of a Python module declaring matching entities: types, sizes, nullability,
defaults, keys, indexes and both sides of every relation, with ``_table_``/``column=`` where the
live names differ from Pony's defaults. ``python -m pony.inspect`` does the same from the command
line (see docs/inspect-and-diagrams.md).
"""

from __future__ import annotations

from typing import Any

from ..orm import db_session
from ..orm.introspection import introspect
from .builder import Builder
from .dialects import raw_columns
from .render import render_module
from .settle import InspectError, map_source, settle

SKIPPED_TABLES = ("pony_migrations",)  # bookkeeping of pony.migrate, not a model table


def generate_module(db: Any, title: str = "", skip: tuple[str, ...] = SKIPPED_TABLES) -> str:
    """The source of a module declaring entities for the tables of ``db``'s database."""
    provider = getattr(db, "provider", None)
    if provider is None:
        raise InspectError("The Database is not bound: call db.bind(...) first")
    with db_session:  # the Database's own connection: an in-memory SQLite database is seen too
        con = db.get_connection()

        def execute(sql: str, params: Any = None) -> Any:
            cursor = con.cursor()
            cursor.execute(sql) if params is None else cursor.execute(sql, params)
            return cursor

        schema = introspect(provider, execute)
        for name in skip:
            schema.tables.pop(name, None)
        if not schema.tables:
            raise InspectError("The database has no tables")
        raw = raw_columns(provider, execute)
        quote = provider.ddl_compiler_cls(provider).quote

        def discriminator_values(table: str, column: str) -> list[str]:
            sql = f"SELECT DISTINCT {quote(column)} FROM {quote(table)} ORDER BY 1"
            return [row[0] for row in execute(sql).fetchall() if isinstance(row[0], str)]

        entities = Builder(schema, raw, provider, discriminator_values).build()
    settle(entities, provider, {key: column.type for key, column in raw.items()})
    return render_module(entities, title)


__all__ = ["generate_module", "InspectError", "map_source"]
