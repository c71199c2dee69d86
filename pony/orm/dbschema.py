"""Pony-compatible module name for the schema model (``pony.orm.dbschema``)."""

from .errors import DBSchemaError, MappingError
from .sql.schema import Column, Constraint, DBIndex, DBObject, DBSchema, ForeignKey, Table

__all__ = ["DBSchema", "DBObject", "Table", "Column", "Constraint", "DBIndex", "ForeignKey", "DBSchemaError",
           "MappingError"]
