"""Every exception class of the public API, in one low-level module (layer L0).

Pony keeps these in its core module, which forces import cycles; here they import nothing,
so every layer can raise them.
"""

from __future__ import annotations

import builtins
from typing import Any

__all__ = [
    "DBException", "Warning", "Error", "InterfaceError", "DatabaseError", "DataError", "OperationalError",
    "IntegrityError", "InternalError", "ProgrammingError", "NotSupportedError",
    "OrmError", "ERDiagramError", "DBSchemaError", "MappingError", "BindingError", "TableDoesNotExist",
    "TableIsNotEmpty", "ConstraintError", "CacheIndexError", "RowNotFound", "MultipleRowsFound",
    "TooManyRowsFound", "PermissionError", "ObjectNotFound", "MultipleObjectsFoundError",
    "TooManyObjectsFoundError", "OperationWithDeletedObjectError", "TransactionError",
    "ConnectionClosedError", "TransactionIntegrityError", "CommitException", "PartialCommitException",
    "RollbackException", "DatabaseSessionIsOver", "TransactionRolledBack", "IsolationError",
    "UnrepeatableReadError", "OptimisticCheckError", "UnresolvableCyclicDependency", "UnexpectedError",
    "TranslationError", "ExprEvalError", "IncomparableTypesError", "DecompileError",
    "PonyInternalException", "OptimizationFailed", "UseAnotherTranslator",
    "PonyRuntimeWarning", "DatabaseContainsIncorrectValue", "DatabaseContainsIncorrectEmptyValue",
    "PonyDeprecationWarning",
]

# --- DB-API wrappers: the driver's exception is kept as ``original_exc`` -------------------


class DBException(Exception):
    """Base of the DB-API error wrappers: a driver's exception re-raised under Pony's name; the driver's
    own exception is kept as ``original_exc``."""

    def __init__(self, original_exc: BaseException | None, *args: Any) -> None:
        args = args or (getattr(original_exc, "args", ()) or ())
        super().__init__(*args)
        self.original_exc = original_exc


class Warning(DBException):  # noqa: A001 - the DB-API name, exported like Pony does
    """A driver's DB-API ``Warning``."""


class Error(DBException):
    """A driver's DB-API ``Error``: the base of the driver error wrappers below."""


class InterfaceError(Error):
    """A driver's DB-API ``InterfaceError``: a problem with the driver itself rather than the database."""


class DatabaseError(Error):
    """A driver's DB-API ``DatabaseError``: the database reported an error."""


class DataError(DatabaseError):
    """A driver's DB-API ``DataError``: a value the database cannot store (out of range, too long)."""


class OperationalError(DatabaseError):
    """A driver's DB-API ``OperationalError``: the connection was lost, a lock timed out, the database
    is unreachable."""


class IntegrityError(DatabaseError):
    """A driver's DB-API ``IntegrityError``: a unique, foreign key or NOT NULL constraint was violated
    by a statement run outside a flush (a flush raises ``TransactionIntegrityError``)."""


class InternalError(DatabaseError):
    """A driver's DB-API ``InternalError``: the database is in an inconsistent internal state."""


class ProgrammingError(DatabaseError):
    """A driver's DB-API ``ProgrammingError``: invalid SQL, a missing table or column."""


class NotSupportedError(DatabaseError):
    """A driver's DB-API ``NotSupportedError``: the database does not support the operation."""


# --- ORM errors ------------------------------------------------------------------------------


class OrmError(Exception):
    """Base of the errors raised by the ORM itself (as opposed to the driver)."""


class ERDiagramError(OrmError):
    """The entity declarations are inconsistent: a missing reverse attribute, an unknown entity name,
    an entity declared after ``generate_mapping()``."""


class DBSchemaError(OrmError):
    """The schema derived from the entities is inconsistent (for instance a foreign key whose column
    count differs from the key it references)."""


class MappingError(OrmError):
    """The entities cannot be mapped to tables: a bad ``table``/``column`` option, tables or columns
    that do not match ``check_tables``, or use of a database whose mapping is not generated."""


class BindingError(OrmError):
    """``bind()`` failed or is misused: an unknown provider, a malformed URL, a database bound twice,
    or an entity used before its database is bound."""


class TableDoesNotExist(OrmError):
    """``drop_table()`` (without ``if_exists=True``) or a table check found no such table."""


class TableIsNotEmpty(OrmError):
    """``drop_table()`` or ``drop_all_tables()`` refused to drop a table holding rows; pass
    ``with_all_data=True`` to drop it anyway."""


class ConstraintError(OrmError):
    """A change would break a constraint Pony checks itself, such as unlinking an object from a
    ``Required`` relationship."""


class CacheIndexError(OrmError):
    """Two objects of one session would have the same primary or unique key (creating an object whose
    key is taken, or assigning a taken key)."""


class RowNotFound(OrmError):
    """``db.get(sql)`` found no row."""


class MultipleRowsFound(OrmError):
    """``db.get(sql)`` found more than one row."""


class TooManyRowsFound(OrmError):
    """``db.select(sql)`` returned more rows than ``pony.options.MAX_FETCH_COUNT`` allows."""


class PermissionError(OrmError):  # noqa: A001 - Pony's name shadows the builtin on star import
    """Pony's permission error, exported for code that catches it (it shadows the builtin on a star
    import); the permission checks here (``has_perm()``) answer with a bool and do not raise it."""


class ObjectNotFound(OrmError):
    """``Entity[pk]`` found nothing. As in Pony, ``pkval`` holds the key as it is shown in the
    message (``repr`` of the value, or the comma-joined reprs of a composite key)."""

    def __init__(self, entity: Any, pkval: Any = None) -> None:
        if pkval is not None:
            if isinstance(pkval, tuple):
                pkval = ",".join(map(repr, pkval))
            else:
                pkval = repr(pkval)
            msg = f"{entity.__name__}[{pkval}]"
        else:
            msg = entity.__name__
        super().__init__(msg)
        self.entity = entity
        self.pkval = pkval


class MultipleObjectsFoundError(OrmError):
    """``Entity.get(...)``, ``get(...)`` or ``Query.get()`` matched more than one object."""


class TooManyObjectsFoundError(OrmError):
    """A query returned more objects than ``pony.options.MAX_FETCH_COUNT`` allows."""


class OperationWithDeletedObjectError(OrmError):
    """An attribute of a deleted object was read or changed."""


class TransactionError(OrmError):
    """Base of the transaction errors; ``db_session(retry=N)`` retries on it by default."""


class ConnectionClosedError(TransactionError):
    """The connection was lost after changes of the transaction were sent, so they cannot be
    committed (a lost connection before any change is reconnected silently)."""


class TransactionIntegrityError(TransactionError):
    """A flush or commit violated a database constraint (a unique key taken, a foreign key
    missing); the driver's exception is ``original_exc``."""

    def __init__(self, msg: str, original_exc: BaseException | None = None) -> None:
        super().__init__(msg)
        self.original_exc = original_exc


class CommitException(TransactionError):
    """Committing failed; ``exceptions`` holds the ``exc_info`` of each failure."""

    def __init__(self, msg: str, exceptions: list) -> None:
        super().__init__(msg)
        self.exceptions = exceptions


class PartialCommitException(TransactionError):
    """Some databases of a session committed and a later one failed; ``exceptions`` holds the
    failures."""

    def __init__(self, msg: str, exceptions: list) -> None:
        super().__init__(msg)
        self.exceptions = exceptions


class RollbackException(TransactionError):
    """Rolling back failed; ``exceptions`` holds the ``exc_info`` of each failure."""

    def __init__(self, msg: str, exceptions: list) -> None:
        super().__init__(msg)
        self.exceptions = exceptions


class DatabaseSessionIsOver(TransactionError):
    """An object was used after its ``db_session`` ended: loading an attribute that was not loaded,
    or changing one."""


TransactionRolledBack = DatabaseSessionIsOver


class IsolationError(TransactionError):
    """Base of the errors saying another transaction changed data this session relies on."""


class UnrepeatableReadError(IsolationError):
    """A row read again differs from what the session read before (another transaction changed it,
    or a row changed its class)."""


class OptimisticCheckError(IsolationError):
    """An UPDATE or DELETE found the row changed by another transaction since this session read it
    (the optimistic check); the transaction can be retried."""


class UnresolvableCyclicDependency(TransactionError):
    """A flush cannot order the INSERTs of objects that require each other (a cycle of
    ``Required`` relationships)."""


class UnexpectedError(TransactionError):
    """The database answered in a way the ORM cannot interpret (for instance the wrong number of new
    ids after a bulk INSERT); ``original_exc`` is the cause, if any."""

    def __init__(self, msg: str, original_exc: BaseException | None) -> None:
        super().__init__(msg)
        self.original_exc = original_exc


# --- Translation -----------------------------------------------------------------------------


class TranslationError(Exception):
    """A query cannot be translated to SQL; the message quotes the part of the query at fault."""


class TranslationAttributeError(TranslationError, builtins.AttributeError):
    """A query uses an attribute or method its operand does not have (Pony raises AttributeError)."""


class TranslationTypeError(TranslationError, builtins.TypeError):
    """A query applies an operation to an operand of the wrong type (Pony raises TypeError)."""


class TranslationValueError(TranslationError, builtins.ValueError):
    """A query passes a wrong value to a query function (Pony raises ValueError)."""


class TranslationNotImplementedError(TranslationError, builtins.NotImplementedError):
    """A construct queries do not support (Pony raises NotImplementedError)."""


class ExprEvalError(TranslationError):
    """An outside sub-expression of a query failed when evaluated in Python.

    The instance is also of the cause's builtin class (``ExprEvalError`` for a ``NameError`` is a
    ``NameError`` too), so code catching what the expression raised keeps working.
    """

    def __new__(cls, src: str = "", cause: BaseException | None = None, *args: Any) -> ExprEvalError:
        if cls is ExprEvalError and cause is not None:
            cls = _expr_eval_class(type(cause))
        return super().__new__(cls, src, cause, *args)

    def __init__(self, src: str, cause: BaseException) -> None:
        super().__init__(f"`{src}` raises {type(cause).__name__}: {cause}")
        self.src = src
        self.cause = cause

    def __reduce__(self) -> tuple:
        return ExprEvalError, (self.src, self.cause)


# builtin classes an ExprEvalError mirrors, most specific first
_MIRRORED = (builtins.NameError, builtins.AttributeError, builtins.KeyError, builtins.IndexError,
             builtins.LookupError, builtins.ZeroDivisionError, builtins.ArithmeticError,
             builtins.NotImplementedError, builtins.TypeError, builtins.ValueError)
_EXPR_EVAL_CLASSES: dict[type, type] = {}


def _expr_eval_class(cause: type) -> type:
    """``ExprEvalError`` joined with the nearest builtin class of ``cause`` (or itself)."""
    mirror = next((base for base in _MIRRORED if issubclass(cause, base)), None)
    if mirror is None:
        return ExprEvalError
    cls = _EXPR_EVAL_CLASSES.get(mirror)
    if cls is None:
        cls = type("ExprEvalError", (ExprEvalError, mirror), {"__module__": __name__})
        _EXPR_EVAL_CLASSES[mirror] = cls
    return cls


class IncomparableTypesError(builtins.TypeError):
    """A query compares values of types that cannot be compared (``str`` with ``int``,
    a Json path with a list)."""

    def __init__(self, type1: Any, type2: Any) -> None:
        name1 = getattr(type1, "__name__", type1)
        name2 = getattr(type2, "__name__", type2)
        super().__init__(f"Incomparable types {name1!r} and {name2!r} in expression")
        self.type1 = type1
        self.type2 = type2


class DecompileError(builtins.NotImplementedError):
    """A query's bytecode could not be read (only used when its source code is not available)."""


class InvalidQuery(TranslationError):
    """A query written in a form Pony refuses (a list comprehension inside a query); Pony's class
    derives from Exception only, this one is also a TranslationError as it was before."""


class PonyInternalException(Exception):
    """Base of exceptions used inside the translator; never raised to user code."""


class OptimizationFailed(PonyInternalException):
    """The translator abandoned an optimization and falls back to the general form; internal."""


class UseAnotherTranslator(PonyInternalException):
    """The translator handed a query over to another translator; internal."""


# --- Warnings --------------------------------------------------------------------------------


class PonyRuntimeWarning(RuntimeWarning):
    """Base of Pony's run-time warnings."""


class DatabaseContainsIncorrectValue(PonyRuntimeWarning):
    """A value read from the database does not fit its attribute (a warning, the value is kept)."""


class DatabaseContainsIncorrectEmptyValue(DatabaseContainsIncorrectValue):
    """A ``Required`` attribute read an empty value (NULL or ``''``) from the database."""


class PonyDeprecationWarning(DeprecationWarning):
    """A Pony API that is deprecated and will go away."""


DBAPI_ERROR_NAMES = (
    "Warning", "Error", "InterfaceError", "DatabaseError", "DataError", "OperationalError",
    "IntegrityError", "InternalError", "ProgrammingError", "NotSupportedError",
)
