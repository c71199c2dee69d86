"""Names the database chose itself, read from the live schema when a migration needs them.

An inline ``UNIQUE`` column constraint gets its name from the database (``t_c_key`` on PostgreSQL,
the column name on MySQL, with a suffix when that name is taken), so dropping one looks the real
name up through ``pony.orm.introspection`` rather than guessing it. PostgreSQL also names a
table's primary key and serial sequences after the table: ``pg_fresh_name`` computes the names a
fresh ``CREATE TABLE`` would give, so a renamed table can be brought in line.
"""

from __future__ import annotations

from typing import Any

from ...orm.introspection import introspect

PG_MAX_NAME = 63


class MissingConstraint(LookupError):
    """The live database has no constraint the migration expects (it differs from the migrations)."""


def _plain(name: Any) -> str:
    return name[-1] if isinstance(name, tuple) else name


def live_unique_name(provider: Any, execute: Any, table: Any, columns: tuple[str, ...]) -> str:
    """The name of the UNIQUE constraint or index on exactly ``columns`` of ``table``."""
    info = introspect(provider, execute).tables.get(_plain(table))
    for unique in info.uniques if info is not None else []:
        if unique.columns == tuple(columns) and unique.name:
            return unique.name
    raise MissingConstraint(f"The database has no UNIQUE constraint on {_plain(table)}({', '.join(columns)}); "
                            "it differs from the migrations (run `check`)")


def pg_fresh_name(name1: str, name2: str | None, label: str) -> str:
    """The name PostgreSQL gives an implicit object (``makeObjectName``): the longer of the two
    parts is shortened, one character at a time, until ``name1_name2_label`` fits in 63 bytes."""
    overhead = len(label) + 1 + (1 if name2 else 0)
    first, second = len(name1.encode()), len(name2.encode()) if name2 else 0
    while first + second > PG_MAX_NAME - overhead:
        if first > second:
            first -= 1
        else:
            second -= 1
    parts = [name1.encode()[:first].decode(errors="ignore")]
    if name2:
        parts.append(name2.encode()[:second].decode(errors="ignore"))
    return "_".join(parts + [label])


class PGFreshNames:
    """Renames a table's primary key constraint and serial sequences to the names a fresh
    ``CREATE TABLE`` under its current name would give them (after a table or column rename)."""

    def __init__(self, table: Any, quote: Any) -> None:
        self.table = table
        self.q = quote

    def __call__(self, execute: Any) -> list[str]:
        table, quoted = _plain(self.table), self.q(self.table)
        out = []
        row = execute("SELECT conname FROM pg_constraint WHERE conrelid = to_regclass(%s) AND contype = 'p'",
                      (quoted,)).fetchone()
        if row is not None and row[0] != pg_fresh_name(table, None, "pkey"):
            out.append(f"ALTER TABLE {quoted} RENAME CONSTRAINT {self.q(row[0])} TO "
                       f"{self.q(pg_fresh_name(table, None, 'pkey'))}")
        rows = execute("SELECT a.attname, s.relname FROM pg_attribute a JOIN pg_depend d ON d.refobjid = a.attrelid "
                       "AND d.refobjsubid = a.attnum AND d.classid = 'pg_class'::regclass AND d.deptype = 'a' "
                       "JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S' "
                       "WHERE a.attrelid = to_regclass(%s) ORDER BY a.attnum", (quoted,)).fetchall()
        for column, sequence in rows:
            fresh = pg_fresh_name(table, column, "seq")
            if sequence != fresh:
                out.append(f"ALTER SEQUENCE {self.q(sequence)} RENAME TO {self.q(fresh)}")
        return out
