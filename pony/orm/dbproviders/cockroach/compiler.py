"""CockroachDB speaks PostgreSQL's SQL; only the differences live here."""

from __future__ import annotations

from ..postgres.compiler import PGCompiler


class CockroachCompiler(PGCompiler):
    CAST_TYPES = {**PGCompiler.CAST_TYPES, "int": "INT8", "str": "STRING"}
