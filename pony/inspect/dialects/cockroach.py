"""CockroachDB answers PostgreSQL's catalog queries."""

from .postgres import raw_columns

__all__ = ["raw_columns"]
