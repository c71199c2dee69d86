"""Pony-compatible module name for the schema model (``pony.orm.dbschema``)."""

from .sql.schema import Column, DBIndex, DBSchema, ForeignKey, Table

__all__ = ["DBSchema", "Table", "Column", "DBIndex", "ForeignKey"]
