"""Model/session parity, item 1: Pony's module paths and the names tools import from them."""

import datetime
from decimal import Decimal

import pony.orm.core
import pony.orm.dbschema
import pony.orm.decompiling
import pony.orm.ormtypes
from pony.orm import *

db = Database()

# Pony's optimistic check of a Json column fails on MariaDB (CAST(... AS JSON) is not MariaDB syntax).
IMPROVEMENTS = {"case_ormtypes_tracked_in_place_change_is_saved": "CAST AS JSON (MariaDB)"}

ORMTYPES_NAMES = ["Array", "FloatArray", "IntArray", "Json", "LongStr", "LongUnicode", "RawSQL", "RawSQLType",
                  "SetType", "FuncType", "QueryType", "StrArray", "TrackedArray", "TrackedDict", "TrackedList",
                  "TrackedValue", "are_comparable_types", "coerce_types", "normalize_type", "numeric_types",
                  "primitive_types", "raw_sql", "array_types", "function_types", "int_types", "comparable_types",
                  "coercions", "deref_proxy", "normalize", "parse_raw_sql", "validate_item", "tracked_method",
                  "type_normalization_dict", "NoneType", "buffer", "Decimal", "UUID", "date", "datetime", "time",
                  "timedelta"]
DBSCHEMA_NAMES = ["Column", "Constraint", "DBIndex", "DBObject", "DBSchema", "DBSchemaError", "ForeignKey",
                  "MappingError", "Table"]


class MiDoc(db.Entity):
    id = PrimaryKey(int)
    info = Optional(Json)
    title = Optional(str)


def populate():
    MiDoc(id=1, info={"a": [1, 2], "b": {"c": 1}}, title="one")


# --- pony.orm.ormtypes -----------------------------------------------------------------------

def case_ormtypes_names():
    return [name for name in ORMTYPES_NAMES if hasattr(pony.orm.ormtypes, name)]


def case_ormtypes_same_classes_as_pony_orm_ordered():
    t = pony.orm.ormtypes
    return [t.Json is Json, t.LongStr is LongStr, t.LongUnicode is LongUnicode, t.IntArray is IntArray,
            t.StrArray is StrArray, t.FloatArray is FloatArray, t.buffer is bytes, t.Decimal is Decimal]


def case_ormtypes_class_hierarchy_ordered():
    t = pony.orm.ormtypes
    return [issubclass(t.TrackedDict, t.TrackedValue), issubclass(t.TrackedDict, dict),
            issubclass(t.TrackedList, t.TrackedValue), issubclass(t.TrackedList, list),
            issubclass(t.TrackedArray, t.TrackedList), issubclass(t.IntArray, t.Array),
            issubclass(t.StrArray, t.Array), issubclass(t.FloatArray, t.Array), issubclass(t.LongStr, str)]


def case_ormtypes_tracked_values_of_json_ordered():
    t = pony.orm.ormtypes
    info = MiDoc[1].info
    return [type(info).__name__, isinstance(info, t.TrackedValue), isinstance(info, t.TrackedDict),
            isinstance(info["a"], t.TrackedList), isinstance(info["b"], t.TrackedDict), info == {"a": [1, 2], "b": {"c": 1}}]


def case_ormtypes_tracked_in_place_change_is_saved():
    doc = MiDoc[1]
    doc.info["a"].append(3)
    doc.info["b"]["d"] = 2
    flush()
    return select(d.info for d in MiDoc if d.id == 1).first()


def case_ormtypes_type_sets():
    t = pony.orm.ormtypes
    names = lambda types: sorted(x.__name__ for x in types)  # noqa: E731
    return {"numeric": names(t.numeric_types), "int": names(t.int_types),
            "array": sorted((k.__name__, v.__name__) for k, v in t.array_types.items()),
            "primitive_has": [x in t.primitive_types for x in (int, str, float, bool, Decimal, bytes,
                                                              datetime.date, datetime.datetime)]}


def case_ormtypes_normalize_type_ordered():
    t = pony.orm.ormtypes
    return [t.normalize_type(x).__name__ for x in (bool, int, str, bytes, float, Decimal, datetime.date,
                                                   datetime.datetime, LongStr)]


def case_ormtypes_coerce_types_ordered():
    t = pony.orm.ormtypes
    pairs = [(int, float), (int, Decimal), (bool, int), (datetime.date, datetime.datetime), (int, int),
             (str, str)]
    return [getattr(t.coerce_types(a, b), "__name__", None) for a, b in pairs]


def case_ormtypes_are_comparable_types_ordered():
    t = pony.orm.ormtypes
    pairs = [(int, float), (int, Decimal), (int, str), (str, str), (datetime.date, datetime.datetime),
             (bool, int)]
    return [bool(t.are_comparable_types(a, b)) for a, b in pairs]


# --- pony.orm.dbschema -----------------------------------------------------------------------

def case_dbschema_names():
    return [name for name in DBSCHEMA_NAMES if hasattr(pony.orm.dbschema, name)]


def case_dbschema_error_class_ordered():
    err = pony.orm.dbschema.DBSchemaError
    return [err is DBSchemaError, issubclass(err, OrmError), pony.orm.dbschema.MappingError is MappingError]


def case_dbschema_objects_are_instances_ordered():
    s = pony.orm.dbschema
    table = db.schema.tables[MiDoc._table_]
    return [isinstance(db.schema, s.DBSchema), isinstance(table, s.Table),
            all(isinstance(c, s.Column) for c in table.column_list),
            all(isinstance(i, s.DBIndex) for i in table.indexes.values())]


# --- pony.orm.decompiling --------------------------------------------------------------------

def case_decompiling_invalid_query_class_ordered():
    err = pony.orm.decompiling.InvalidQuery
    return [issubclass(err, Exception), err.__name__]


def case_list_comprehension_in_query():
    xs = [1, 2, 3]
    return select(d for d in MiDoc if d.id in [x for x in xs if x > 1])[:]


# --- pony.orm.core.local ---------------------------------------------------------------------

def case_outside_local_db_session_is_none():
    return pony.orm.core.local.db_session is None


def case_outside_local_db_session_inside_with_ordered():
    with db_session:
        inside = pony.orm.core.local.db_session is db_session
    return [inside, pony.orm.core.local.db_session is None]


def case_outside_local_db_session_configured_manager_ordered():
    manager = db_session(strict=False)
    with manager:
        inside = pony.orm.core.local.db_session is manager
    return [inside, pony.orm.core.local.db_session is None]


def case_outside_local_db_session_decorated_ordered():
    @db_session
    def work():
        return pony.orm.core.local.db_session is db_session
    return [work(), pony.orm.core.local.db_session is None]


def case_outside_local_db_session_generator_ordered():
    @db_session
    def pages():
        yield pony.orm.core.local.db_session is db_session
        yield pony.orm.core.local.db_session is db_session
    gen = pages()
    first = next(gen)
    between = pony.orm.core.local.db_session is None
    second = next(gen)
    return [first, between, second, pony.orm.core.local.db_session is None]
