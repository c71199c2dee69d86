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
    """Base of the DB-API errors: a driver's exception wrapped, kept in ``original_exc``."""

    def __init__(self, original_exc: BaseException | None, *args: Any) -> None:
        args = args or (getattr(original_exc, "args", ()) or ())
        super().__init__(*args)
        self.original_exc = original_exc


class Warning(DBException):  # noqa: A001 - the DB-API name, exported like Pony does
    """A driver's DB-API ``Warning``."""


class Error(DBException):
    """A driver's DB-API ``Error``: base of every wrapped database error."""


class InterfaceError(Error):
    """The driver's interface to the database failed (DB-API ``InterfaceError``)."""


class DatabaseError(Error):
    """The database reported an error (DB-API ``DatabaseError``)."""


class DataError(DatabaseError):
    """A value the database cannot store or compute with (DB-API ``DataError``)."""


class OperationalError(DatabaseError):
    """The database could not carry out the operation: connection lost, lock timeout, ... (DB-API)."""


class IntegrityError(DatabaseError):
    """A constraint was violated: unique key, foreign key, NOT NULL, CHECK (DB-API ``IntegrityError``)."""


class InternalError(DatabaseError):
    """The database is in an inconsistent internal state (DB-API ``InternalError``)."""


class ProgrammingError(DatabaseError):
    """Wrong SQL or a missing table or column (DB-API ``ProgrammingError``)."""


class NotSupportedError(DatabaseError):
    """The database does not support the operation (DB-API ``NotSupportedError``)."""


# --- ORM errors ------------------------------------------------------------------------------


class OrmError(Exception):
    """Base of the errors the ORM raises itself (not wrapped from a driver)."""


class ERDiagramError(OrmError):
    """The entity declarations are inconsistent: a relationship without its other end, a bad option, ..."""


class DBSchemaError(OrmError):
    """The database schema does not match what the entities need."""


class MappingError(OrmError):
    """Entities cannot be mapped, or are used before ``generate_mapping()``."""


class BindingError(OrmError):
    """The database is not bound, bound twice, or bound with wrong arguments."""


class TableDoesNotExist(OrmError):
    """A table the mapping needs does not exist (``check_tables``)."""


class TableIsNotEmpty(OrmError):
    """A table to drop still holds rows and ``with_all_data`` was not given."""


class ConstraintError(OrmError):
    """A change would break a relationship rule: deleting or unlinking an object that a required attribute needs."""


class CacheIndexError(OrmError):
    """Two objects of one session would have the same primary or unique key."""


class RowNotFound(OrmError):
    """``db.get(sql)`` found no row."""


class MultipleRowsFound(OrmError):
    """``db.get(sql)`` found more than one row."""


class TooManyRowsFound(OrmError):
    """A raw ``db.select(sql)`` returned more rows than ``pony.options.MAX_FETCH_COUNT``."""


class PermissionError(OrmError):  # noqa: A001 - Pony's name shadows the builtin on star import
    """The current user lacks a permission checked by ``has_perm`` rules."""


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
    """``get()`` or ``Entity.get()`` matched more than one object."""


class TooManyObjectsFoundError(OrmError):
    """A query returned more objects than ``pony.options.MAX_FETCH_COUNT`` allows."""


class OperationWithDeletedObjectError(OrmError):
    """An attribute of an object deleted in this session was read or written."""


class TransactionError(OrmError):
    """Base of the errors about transactions and sessions."""


class ConnectionClosedError(TransactionError):
    """The connection was lost after this transaction had written something."""


class TransactionIntegrityError(TransactionError):
    """Saving an object broke a database constraint; ``original_exc`` is the database error."""

    def __init__(self, msg: str, original_exc: BaseException | None = None) -> None:
        super().__init__(msg)
        self.original_exc = original_exc


class CommitException(TransactionError):
    """Committing failed; ``exceptions`` holds what each database raised."""

    def __init__(self, msg: str, exceptions: list) -> None:
        super().__init__(msg)
        self.exceptions = exceptions


class PartialCommitException(TransactionError):
    """Some databases of a session committed and others failed; ``exceptions`` tells which."""

    def __init__(self, msg: str, exceptions: list) -> None:
        super().__init__(msg)
        self.exceptions = exceptions


class RollbackException(TransactionError):
    """Rolling back failed; ``exceptions`` holds what each database raised."""

    def __init__(self, msg: str, exceptions: list) -> None:
        super().__init__(msg)
        self.exceptions = exceptions


class DatabaseSessionIsOver(TransactionError):
    """An object or query was used after its ``db_session`` ended."""


TransactionRolledBack = DatabaseSessionIsOver


class IsolationError(TransactionError):
    """Another transaction changed data this session relies on."""


class UnrepeatableReadError(IsolationError):
    """A row read again does not fit what this session knows of the object."""


class OptimisticCheckError(IsolationError):
    """A row changed (or vanished) since this session read it: the update or delete was not done."""


class UnresolvableCyclicDependency(TransactionError):
    """Objects reference each other through required attributes, so no insert order works."""


class UnexpectedError(TransactionError):
    """A non-database error happened while flushing; ``original_exc`` is that error."""

    def __init__(self, msg: str, original_exc: BaseException | None) -> None:
        super().__init__(msg)
        self.original_exc = original_exc


# --- Translation -----------------------------------------------------------------------------


class TranslationError(Exception):
    """A query uses Python that cannot be translated to SQL; the message names the expression."""


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
    def __init__(self, type1: Any, type2: Any) -> None:
        name1 = getattr(type1, "__name__", type1)
        name2 = getattr(type2, "__name__", type2)
        super().__init__(f"Incomparable types {name1!r} and {name2!r} in expression")
        self.type1 = type1
        self.type2 = type2


class DecompileError(builtins.NotImplementedError):
    """A query without source text uses bytecode the fallback decompiler does not know."""


class InvalidQuery(TranslationError):
    """A query written in a form Pony refuses (a list comprehension inside a query); Pony's class
    derives from Exception only, this one is also a TranslationError as it was before."""


class PonyInternalException(Exception):
    """Base of exceptions used for control flow inside the ORM; never seen by users."""


class OptimizationFailed(PonyInternalException):
    """An optimisation did not apply; the general way is taken instead."""


class UseAnotherTranslator(PonyInternalException):
    """The query must be translated another way (internal)."""


# --- Warnings --------------------------------------------------------------------------------


class PonyRuntimeWarning(RuntimeWarning):
    """Base of the warnings about suspicious data found at run time."""


class DatabaseContainsIncorrectValue(PonyRuntimeWarning):
    """A value read from the database does not fit its attribute's declaration."""


class DatabaseContainsIncorrectEmptyValue(DatabaseContainsIncorrectValue):
    """A required attribute read from the database is empty."""


class PonyDeprecationWarning(DeprecationWarning):
    """A Pony feature that still works but is deprecated."""


DBAPI_ERROR_NAMES = (
    "Warning", "Error", "InterfaceError", "DatabaseError", "DataError", "OperationalError",
    "IntegrityError", "InternalError", "ProgrammingError", "NotSupportedError",
)
