"""The exception classes of SPEC 12: names, parents, constructor arguments and where they live."""

import builtins
import pickle
import sys

import pytest

import pony.orm
import pony.orm.core
from pony.orm import *

# (class name, parent name), the whole tree of SPEC 12.
TREE = [
    ("DBException", "Exception"),
    ("Warning", "DBException"),
    ("Error", "DBException"),
    ("InterfaceError", "Error"),
    ("DatabaseError", "Error"),
    ("DataError", "DatabaseError"),
    ("OperationalError", "DatabaseError"),
    ("IntegrityError", "DatabaseError"),
    ("InternalError", "DatabaseError"),
    ("ProgrammingError", "DatabaseError"),
    ("NotSupportedError", "DatabaseError"),
    ("OrmError", "Exception"),
    ("ERDiagramError", "OrmError"),
    ("DBSchemaError", "OrmError"),
    ("MappingError", "OrmError"),
    ("BindingError", "OrmError"),
    ("TableDoesNotExist", "OrmError"),
    ("TableIsNotEmpty", "OrmError"),
    ("ConstraintError", "OrmError"),
    ("CacheIndexError", "OrmError"),
    ("RowNotFound", "OrmError"),
    ("MultipleRowsFound", "OrmError"),
    ("TooManyRowsFound", "OrmError"),
    ("PermissionError", "OrmError"),
    ("ObjectNotFound", "OrmError"),
    ("MultipleObjectsFoundError", "OrmError"),
    ("TooManyObjectsFoundError", "OrmError"),
    ("OperationWithDeletedObjectError", "OrmError"),
    ("TransactionError", "OrmError"),
    ("ConnectionClosedError", "TransactionError"),
    ("TransactionIntegrityError", "TransactionError"),
    ("CommitException", "TransactionError"),
    ("PartialCommitException", "TransactionError"),
    ("RollbackException", "TransactionError"),
    ("DatabaseSessionIsOver", "TransactionError"),
    ("IsolationError", "TransactionError"),
    ("UnrepeatableReadError", "IsolationError"),
    ("OptimisticCheckError", "IsolationError"),
    ("UnresolvableCyclicDependency", "TransactionError"),
    ("UnexpectedError", "TransactionError"),
    ("TranslationError", "Exception"),
    ("ExprEvalError", "TranslationError"),
    ("PonyInternalException", "Exception"),
    ("OptimizationFailed", "PonyInternalException"),
    ("UseAnotherTranslator", "PonyInternalException"),
    ("PonyRuntimeWarning", "RuntimeWarning"),
    ("DatabaseContainsIncorrectValue", "PonyRuntimeWarning"),
    ("DatabaseContainsIncorrectEmptyValue", "DatabaseContainsIncorrectValue"),
    ("IncomparableTypesError", "TypeError"),
    ("DecompileError", "NotImplementedError"),
    ("PonyDeprecationWarning", "DeprecationWarning"),
]


def _class(name):
    if hasattr(pony.orm.core, name):
        return getattr(pony.orm.core, name)
    return getattr(pony.orm.errors, name)


def _builtin_or_pony(name):
    return getattr(builtins, name) if name in ("Exception", "RuntimeWarning", "TypeError",
                                                 "NotImplementedError", "DeprecationWarning") else _class(name)


@pytest.mark.parametrize("name, parent", TREE)
def test_class_has_its_parent_as_direct_base(name, parent):
    cls = _class(name)
    assert cls.__name__ == name
    assert cls.__bases__ == (_builtin_or_pony(parent),)


@pytest.mark.parametrize("name", [name for name, _ in TREE if name not in (
    "PonyInternalException", "OptimizationFailed", "UseAnotherTranslator",
    "IncomparableTypesError", "DecompileError", "PonyDeprecationWarning")])
def test_pony_orm_core_exposes(name):
    assert getattr(pony.orm.core, name) is pony.orm.errors.__dict__[name]


def test_star_import_exports_the_public_errors_in_order():
    names = pony.orm.core.__all__
    expected_order = ["DBException", "RowNotFound", "MultipleRowsFound", "TooManyRowsFound",
                      "Warning", "Error", "InterfaceError", "DatabaseError", "DataError",
                      "OperationalError", "IntegrityError", "InternalError", "ProgrammingError",
                      "NotSupportedError", "OrmError"]
    positions = [names.index(n) for n in expected_order]
    assert positions == sorted(positions)
    for name in ("ObjectNotFound", "CommitException", "RollbackException", "TranslationError",
                 "ExprEvalError", "PermissionError", "DatabaseSessionIsOver", "PonyRuntimeWarning"):
        assert name in names
    for internal in ("PartialCommitException", "TransactionRolledBack", "PonyInternalException"):
        assert internal not in names


def test_star_import_replaces_builtin_warning_and_permission_error():
    namespace = {}
    exec("from pony.orm import *", namespace)
    assert namespace["Warning"] is pony.orm.errors.Warning
    assert namespace["Warning"] is not builtins.Warning
    assert issubclass(namespace["Warning"], DBException)
    assert namespace["PermissionError"] is pony.orm.errors.PermissionError
    assert namespace["PermissionError"] is not builtins.PermissionError
    assert issubclass(namespace["PermissionError"], OrmError)
    # the builtins themselves are untouched
    assert builtins.PermissionError.__module__ == "builtins"


def test_transaction_rolled_back_is_an_alias():
    assert pony.orm.core.TransactionRolledBack is DatabaseSessionIsOver


class Person:
    pass


def test_object_not_found_message_and_attributes():
    exc = ObjectNotFound(Person, 5)
    assert str(exc) == "Person[5]"
    assert exc.args == ("Person[5]",)
    assert exc.entity is Person
    # Pony keeps the key as shown in the message
    assert exc.pkval == "5"


def test_object_not_found_with_string_and_composite_keys():
    assert str(ObjectNotFound(Person, "abc")) == "Person['abc']"
    exc = ObjectNotFound(Person, (1, "a"))
    assert str(exc) == "Person[1,'a']"
    assert exc.pkval == "1,'a'"


def test_object_not_found_without_key():
    exc = ObjectNotFound(Person)
    assert str(exc) == "Person"
    assert exc.pkval is None


@pytest.mark.parametrize("cls", [CommitException, RollbackException, pony.orm.core.PartialCommitException])
def test_exceptions_list_is_kept(cls):
    try:
        raise ValueError("inner")
    except ValueError:
        info = sys.exc_info()
    exc = cls("Commit failed", [info])
    assert str(exc) == "Commit failed"
    assert exc.args == ("Commit failed",)
    assert exc.exceptions == [info]
    assert exc.exceptions[0][1].args == ("inner",)


def test_transaction_integrity_error_original_exc_is_optional():
    assert TransactionIntegrityError("m").original_exc is None
    cause = ValueError(1)
    exc = TransactionIntegrityError("m", cause)
    assert exc.original_exc is cause
    assert exc.args == ("m",)


def test_unexpected_error_keeps_original_exc():
    cause = KeyError("k")
    exc = UnexpectedError("Object creation failed", cause)
    assert str(exc) == "Object creation failed"
    assert exc.original_exc is cause


def test_expr_eval_error_message_and_cause():
    cause = NameError("name 'x' is not defined")
    exc = ExprEvalError("x + 1", cause)
    assert str(exc) == "`x + 1` raises NameError: name 'x' is not defined"
    assert exc.cause is cause
    assert isinstance(exc, TranslationError)


def test_dbexception_keeps_original_exception_and_its_args():
    original = ValueError(1, 2)
    exc = OperationalError(original)
    assert exc.original_exc is original
    assert exc.args == (1, 2)
    exc = IntegrityError(original, "custom")
    assert exc.args == ("custom",)
    assert exc.original_exc is original
    assert DBException(None, "x").original_exc is None


def test_errors_pickle():
    exc = pickle.loads(pickle.dumps(BindingError("Mapping was already generated")))
    assert type(exc) is BindingError
    assert str(exc) == "Mapping was already generated"


def test_incomparable_types_error_is_a_type_error():
    exc = pony.orm.errors.IncomparableTypesError(int, str)
    assert isinstance(exc, TypeError)
    assert exc.type1 is int and exc.type2 is str


# --- driver errors arrive wrapped --------------------------------------------------------------

@pytest.fixture
def db(backend):
    db = backend.database()
    with db_session:
        db.execute("CREATE TABLE item (id INTEGER PRIMARY KEY, name VARCHAR(20) NOT NULL)")
        db.insert("item", id=1, name="a")
    return db


# The driver's exception each failure keeps in ``original_exc``: (module, class name, text it contains).
DRIVER_ERRORS = {
    "duplicate": {
        "SQLite": ("sqlite3", "IntegrityError", "UNIQUE constraint failed: item.id"),
        "PostgreSQL": ("psycopg.errors", "UniqueViolation", "duplicate key value violates unique constraint"),
        "MySQL": ("pymysql.err", "IntegrityError", "Duplicate entry '1' for key"),
    },
    "not null": {
        "SQLite": ("sqlite3", "IntegrityError", "NOT NULL constraint failed: item.name"),
        "PostgreSQL": ("psycopg.errors", "NotNullViolation", 'null value in column "name"'),
        "MySQL": ("pymysql.err", "IntegrityError", "Column 'name' cannot be null"),
    },
    "syntax": {
        "SQLite": ("sqlite3", "OperationalError", "incomplete input"),
        "PostgreSQL": ("psycopg.errors", "SyntaxError", "syntax error at end of input"),
        "MySQL": ("pymysql.err", "ProgrammingError", "You have an error in your SQL syntax"),
    },
}


def assert_driver_error(db, exc, failure):
    module, name, text = DRIVER_ERRORS[failure][db.provider.dialect]
    if db.provider.dbapi_module.__name__ == "MySQLdb":  # mysqlclient, when installed, not PyMySQL
        module = "MySQLdb"
    original = exc.original_exc
    assert (type(original).__module__, type(original).__name__) == (module, name)
    assert text in str(original)
    assert exc.args == original.args


def test_duplicate_key_raises_integrity_error_with_driver_exception(db):
    with pytest.raises(IntegrityError) as info:
        with db_session:
            db.insert("item", id=1, name="b")
    exc = info.value
    assert isinstance(exc, DatabaseError) and isinstance(exc, DBException)
    assert_driver_error(db, exc, "duplicate")


def test_not_null_violation_is_a_database_error(db):
    with pytest.raises(IntegrityError) as info:
        with db_session:
            db.execute("INSERT INTO item (id, name) VALUES (2, NULL)")
    assert_driver_error(db, info.value, "not null")


def test_sql_syntax_error_is_a_database_error(db):
    with pytest.raises(DatabaseError) as info:
        with db_session:
            db.select("* FROM item WHERE")
    expected = OperationalError if db.provider.dialect == "SQLite" else ProgrammingError
    assert type(info.value) is expected
    assert_driver_error(db, info.value, "syntax")
