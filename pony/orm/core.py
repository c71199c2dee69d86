"""Compatibility facade: the names users import from ``pony.orm.core``."""

from __future__ import annotations

import pony

from .database import Database
from .debugging import set_sql_debug, sql_debug, sql_debugging
from .entity import Entity, EntityMeta
from .errors import *  # noqa: F403
from .errors import (
    DatabaseContainsIncorrectEmptyValue,
    DatabaseContainsIncorrectValue,
    DBException,
    PartialCommitException,
    PonyRuntimeWarning,
    TransactionRolledBack,
)
from .log import log_orm, log_sql
from .model.attributes import (
    DEFAULT,
    NOT_LOADED,
    Attribute,
    Collection,
    DescWrapper,
    Discriminator,
    Optional,
    PrimaryKey,
    Required,
    Set,
    composite_index,
    composite_key,
)
from .query.api import (
    avg,
    count,
    delete,
    distinct,
    exists,
    get,
    group_concat,
    left_join,
    max,
    min,
    select,
    show,
    sum,
)
from .query.query import Query, QueryResult
from .security import (
    AccessRule,
    get_current_user,
    get_object_labels,
    get_user_groups,
    get_user_roles,
    has_perm,
    obj_labels_getter,
    perm,
    set_current_user,
    user_groups_getter,
    user_roles_getter,
)
from .session.api import commit, flush, rollback
from .session.cache import SessionCache
from .session.collections import SetInstance
from .session.db_session import DBSessionContextManager, db_session, with_transaction
from .session.local import local
from .session.proxies import EntityProxy, make_proxy
from .session.stats import QueryStat
from .translation.helpers import JOIN, between, coalesce, concat, desc, raw_sql
from .types import FloatArray, IntArray, Json, LongStr, LongUnicode, RawSQL, StrArray

buffer = bytes
unicode = str

__all__ = [
    "pony",
    "DBException", "RowNotFound", "MultipleRowsFound", "TooManyRowsFound",
    "Warning", "Error", "InterfaceError", "DatabaseError", "DataError", "OperationalError",
    "IntegrityError", "InternalError", "ProgrammingError", "NotSupportedError",
    "OrmError", "ERDiagramError", "DBSchemaError", "MappingError", "BindingError", "TableDoesNotExist",
    "TableIsNotEmpty", "ConstraintError", "CacheIndexError", "ObjectNotFound", "MultipleObjectsFoundError",
    "TooManyObjectsFoundError", "OperationWithDeletedObjectError", "TransactionError",
    "ConnectionClosedError", "TransactionIntegrityError", "IsolationError", "CommitException",
    "RollbackException", "UnrepeatableReadError", "OptimisticCheckError", "UnresolvableCyclicDependency",
    "UnexpectedError", "DatabaseSessionIsOver", "PonyRuntimeWarning", "DatabaseContainsIncorrectValue",
    "DatabaseContainsIncorrectEmptyValue", "TranslationError", "ExprEvalError", "PermissionError",
    "Database", "sql_debug", "set_sql_debug", "sql_debugging", "show",
    "PrimaryKey", "Required", "Optional", "Set", "Discriminator", "composite_key", "composite_index",
    "flush", "commit", "rollback", "db_session", "with_transaction", "make_proxy",
    "LongStr", "LongUnicode", "Json", "IntArray", "StrArray", "FloatArray",
    "select", "left_join", "get", "exists", "delete",
    "count", "sum", "min", "max", "avg", "group_concat", "distinct",
    "JOIN", "desc", "between", "concat", "coalesce", "raw_sql",
    "buffer", "unicode",
    "get_current_user", "set_current_user", "perm", "has_perm", "get_user_groups", "get_user_roles",
    "get_object_labels", "user_groups_getter", "user_roles_getter", "obj_labels_getter",
]

_unused = (AccessRule, EntityProxy, Entity, EntityMeta, Attribute, Query, QueryResult, SessionCache, DEFAULT,
           NOT_LOADED, DBSessionContextManager, QueryStat, local, log_orm, log_sql, RawSQL,
           PartialCommitException,
           TransactionRolledBack, DatabaseContainsIncorrectEmptyValue, DatabaseContainsIncorrectValue,
           PonyRuntimeWarning, DBException, Collection, DescWrapper, SetInstance)
