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
    def __init__(self, original_exc: BaseException | None, *args: Any) -> None:
        args = args or (getattr(original_exc, "args", ()) or ())
        super().__init__(*args)
        self.original_exc = original_exc


class Warning(DBException):  # noqa: A001 - the DB-API name, exported like Pony does
    pass


class Error(DBException):
    pass


class InterfaceError(Error):
    pass


class DatabaseError(Error):
    pass


class DataError(DatabaseError):
    pass


class OperationalError(DatabaseError):
    pass


class IntegrityError(DatabaseError):
    pass


class InternalError(DatabaseError):
    pass


class ProgrammingError(DatabaseError):
    pass


class NotSupportedError(DatabaseError):
    pass


# --- ORM errors ------------------------------------------------------------------------------


class OrmError(Exception):
    pass


class ERDiagramError(OrmError):
    pass


class DBSchemaError(OrmError):
    pass


class MappingError(OrmError):
    pass


class BindingError(OrmError):
    pass


class TableDoesNotExist(OrmError):
    pass


class TableIsNotEmpty(OrmError):
    pass


class ConstraintError(OrmError):
    pass


class CacheIndexError(OrmError):
    pass


class RowNotFound(OrmError):
    pass


class MultipleRowsFound(OrmError):
    pass


class TooManyRowsFound(OrmError):
    pass


class PermissionError(OrmError):  # noqa: A001 - Pony's name shadows the builtin on star import
    pass


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
    pass


class TooManyObjectsFoundError(OrmError):
    pass


class OperationWithDeletedObjectError(OrmError):
    pass


class TransactionError(OrmError):
    pass


class ConnectionClosedError(TransactionError):
    pass


class TransactionIntegrityError(TransactionError):
    def __init__(self, msg: str, original_exc: BaseException | None = None) -> None:
        super().__init__(msg)
        self.original_exc = original_exc


class CommitException(TransactionError):
    def __init__(self, msg: str, exceptions: list) -> None:
        super().__init__(msg)
        self.exceptions = exceptions


class PartialCommitException(TransactionError):
    def __init__(self, msg: str, exceptions: list) -> None:
        super().__init__(msg)
        self.exceptions = exceptions


class RollbackException(TransactionError):
    def __init__(self, msg: str, exceptions: list) -> None:
        super().__init__(msg)
        self.exceptions = exceptions


class DatabaseSessionIsOver(TransactionError):
    pass


TransactionRolledBack = DatabaseSessionIsOver


class IsolationError(TransactionError):
    pass


class UnrepeatableReadError(IsolationError):
    pass


class OptimisticCheckError(IsolationError):
    pass


class UnresolvableCyclicDependency(TransactionError):
    pass


class UnexpectedError(TransactionError):
    def __init__(self, msg: str, original_exc: BaseException | None) -> None:
        super().__init__(msg)
        self.original_exc = original_exc


# --- Translation -----------------------------------------------------------------------------


class TranslationError(Exception):
    pass


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
    pass


class InvalidQuery(TranslationError):
    """A query written in a form Pony refuses (a list comprehension inside a query); Pony's class
    derives from Exception only, this one is also a TranslationError as it was before."""


class PonyInternalException(Exception):
    pass


class OptimizationFailed(PonyInternalException):
    pass


class UseAnotherTranslator(PonyInternalException):
    pass


# --- Warnings --------------------------------------------------------------------------------


class PonyRuntimeWarning(RuntimeWarning):
    pass


class DatabaseContainsIncorrectValue(PonyRuntimeWarning):
    pass


class DatabaseContainsIncorrectEmptyValue(DatabaseContainsIncorrectValue):
    pass


class PonyDeprecationWarning(DeprecationWarning):
    pass


DBAPI_ERROR_NAMES = (
    "Warning", "Error", "InterfaceError", "DatabaseError", "DataError", "OperationalError",
    "IntegrityError", "InternalError", "ProgrammingError", "NotSupportedError",
)
