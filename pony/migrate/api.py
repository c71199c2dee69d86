"""Everything a migration file uses: ``from pony.migrate.api import *``."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from uuid import UUID

from ..orm.ormtypes import FloatArray, IntArray, Json, LongStr, StrArray
from .operations import (
                         AddAttr,
                         AlterAttr,
                         AlterKeys,
                         CreateEntity,
                         DropAttr,
                         DropEntity,
                         IrreversibleError,
                         RenameAttr,
                         RenameEntity,
                         RunPython,
                         RunSQL,
)
from .state import Attr, Entity

buffer = bytes

__all__ = ["date", "datetime", "time", "timedelta", "Decimal", "UUID", "FloatArray", "IntArray", "Json", "LongStr",
           "StrArray", "buffer", "AddAttr", "AlterAttr", "AlterKeys", "CreateEntity", "DropAttr", "DropEntity",
           "IrreversibleError", "RenameAttr", "RenameEntity", "RunPython", "RunSQL", "Attr", "Entity"]
