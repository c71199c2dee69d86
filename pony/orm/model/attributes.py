"""Attribute declarations: ``Required``, ``Optional``, ``PrimaryKey``, ``Discriminator``, ``Set``,
``composite_key`` and ``composite_index`` (layer L3).

An attribute is a descriptor on the entity class. Reading and writing instance values goes
through an *access* object installed at run time by the entity layer (``Attribute.access``), so
this layer knows nothing of sessions. Options are validated here when they can be; options that
depend on the database (max_len, size, precision ...) are consumed by the provider's converter
at mapping time, and whatever is left over is reported as unknown.
"""

from __future__ import annotations

import datetime as datetime_module
import itertools
import types
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, overload

from ..callers import user_frame
from ..types import Array, Json, LongStr

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)
_attr_ids = itertools.count(1)

# Options every attribute kind understands; type-specific ones stay in ``kwargs`` for the converter.
GENERIC_OPTIONS = (
    "unique", "index", "column", "columns", "default", "sql_default", "sql_type", "nullable", "py_check",
    "lazy", "volatile", "optimistic", "auto", "reverse", "cascade_delete", "fk_name", "reverse_index",
    "reverse_fk_name", "table", "reverse_column", "reverse_columns", "nplus1_threshold", "hidden",
    "interleave",
)

RELATION_ONLY_OPTIONS = ("reverse", "cascade_delete", "fk_name", "reverse_index", "reverse_fk_name",
                         "reverse_column", "reverse_columns", "interleave")

NOT_LOADED = type("NotLoadedType", (), {"__repr__": lambda self: "NOT_LOADED",
                                        "__bool__": lambda self: False})()
DEFAULT = type("DefaultType", (), {"__repr__": lambda self: "DEFAULT"})()


class _RelationFlag:
    """``attr.is_relation``: does the attribute refer to an entity? Computed while its type may
    still change (a forward reference by name); once the type is a class, the answer is final and
    goes into the attribute's own ``__dict__``, where later reads find it without a call (this
    is a non-data descriptor)."""

    def __get__(self, attr: Any, cls: Any = None) -> Any:
        if attr is None:
            return self
        py_type = attr.py_type
        if isinstance(py_type, str):  # a forward reference names an entity
            return True
        result = _is_entity_class(py_type)
        if isinstance(py_type, type):
            attr.__dict__["is_relation"] = result
        return result


class Attribute(Generic[T]):
    """Base of every attribute kind; ``str(attr)`` is ``Entity.name``."""

    is_required = False
    is_discriminator = False
    is_collection = False
    is_pk = False
    is_m2m = False
    _nullable_: bool | None = None  # the column's nullability, set at mapping
    is_implicit = False  # True for the automatic ``id`` and ``classtype`` attributes
    bit = 0

    def __init__(self, py_type: Any, *args: Any, **kwargs: Any) -> None:
        if py_type is datetime_module:
            raise TypeError("datetime is the module and cannot be used as attribute type. "
                            "Use datetime.datetime instead")
        if isinstance(py_type, types.ModuleType):
            raise TypeError(f"{py_type.__name__} is a module and cannot be used as attribute type")
        if type(self) is Attribute:
            raise TypeError("'Attribute' is abstract type")
        if not isinstance(py_type, (type, str)) and not callable(py_type):
            raise TypeError(f"Incorrect type of attribute: {py_type!r}")
        self.id = next(_attr_ids)
        self.py_type: Any = py_type
        self.args = args
        self.entity: Any = None
        self.name: str = ""
        self.pk_offset: int | None = None
        self.composite_keys: list = []
        self.composite_indexes: list = []
        self.reverse: Any = kwargs.pop("reverse", None)
        if self.reverse is not None and not isinstance(self.reverse, (str, Attribute)):
            raise TypeError(f"Value of 'reverse' option must be name of reverse attribute). Got: {self.reverse!r}")
        # Pony's values: True for a key (and the primary key), None when not declared
        self.is_unique: bool | None = kwargs.pop("unique", None)
        if self.is_pk:
            self.is_unique = True
        self.index: Any = kwargs.pop("index", None)
        column = kwargs.pop("column", None)
        columns = kwargs.pop("columns", None)
        if column is not None and columns is not None:
            raise TypeError("Parameters 'column' and 'columns' cannot be specified simultaneously")
        if column is not None and not isinstance(column, str):
            raise TypeError(f"Parameter 'column' must be a string. Got: {column!r}")
        if columns is not None:
            if isinstance(columns, str) or not isinstance(columns, (list, tuple)):
                raise TypeError(f"Parameter 'columns' must be a list. Got: {columns!r}'")
            for item in columns:
                if not isinstance(item, str):
                    raise TypeError(f"Items of parameter 'columns' must be strings. Got: {columns!r}")
            columns = list(columns)
        self.provided_columns: list | None = [column] if column is not None else columns
        self.default: Any = kwargs.pop("default", None)
        self.sql_default: Any = kwargs.pop("sql_default", None)
        if self.sql_default == "":
            raise TypeError("'sql_default' option value cannot be empty string, because it should be valid "
                            "SQL literal or expression. Try to use \"''\", or just specify default='' "
                            "instead.")
        self.sql_type: str | None = kwargs.pop("sql_type", None)
        self.nullable: bool | None = kwargs.pop("nullable", None)
        self.py_check: Callable | None = kwargs.pop("py_check", None)
        lazy = kwargs.pop("lazy", None)
        self.lazy: bool = (py_type is LongStr) if lazy is None else bool(lazy)
        self.volatile: bool = kwargs.pop("volatile", False)
        self.optimistic: bool | None = kwargs.pop("optimistic", None)
        self.auto: bool = kwargs.pop("auto", False)
        self.cascade_delete: bool | None = kwargs.pop("cascade_delete", None)
        self.declared_cascade_delete = self.cascade_delete
        self.fk_name: str | None = kwargs.pop("fk_name", None)
        self.reverse_index = kwargs.pop("reverse_index", None)
        self.reverse_fk_name = kwargs.pop("reverse_fk_name", None)
        self.table: Any = kwargs.pop("table", None)
        reverse_column = kwargs.pop("reverse_column", None)
        reverse_columns = kwargs.pop("reverse_columns", None)
        if reverse_column is not None and reverse_columns is not None:
            raise TypeError("Parameters 'reverse_column' and 'reverse_columns' cannot be specified "
                            "simultaneously")
        self.reverse_columns: list | None = _reverse_columns(reverse_column, reverse_columns)
        self.nplus1_threshold: int = kwargs.pop("nplus1_threshold", 1)
        self.hidden: bool = kwargs.pop("hidden", False)
        self.interleave: bool = kwargs.pop("interleave", False)
        self.kwargs = kwargs  # type-specific options, consumed by the converter at mapping
        self.declared_options = (args, dict(kwargs))  # as written, for describe()
        # Pony shows the columns given with column=/columns= from the class statement on
        self.columns: list[str] = list(self.provided_columns or ())
        self.converters: list = []
        self.col_paths: list = []
        self.reverse_attr_name: str | None = None
        self._check_declaration()

    def _check_declaration(self) -> None:
        py_type = self.py_type
        if isinstance(py_type, type) and not _is_entity_class(py_type) and self.reverse is not None:
            raise TypeError(f"Reverse option cannot be set for this type: {py_type!r}")

    # --- identity -------------------------------------------------------------------------

    def __repr__(self) -> str:
        owner = self.entity.__name__ if self.entity is not None else "?"
        return f"{owner}.{self.name or '?'}"

    __str__ = __repr__

    def __lt__(self, other: Attribute) -> bool:
        return self.id < other.id

    @property
    def is_volatile(self) -> bool:
        """Pony's name for the ``volatile`` option (a Set's is shared with its reverse at mapping)."""
        return bool(self.volatile)

    is_relation: bool = _RelationFlag()  # type: ignore[assignment]

    @property
    def is_trackable(self) -> bool:
        """Is the value a Json or array container whose in-place changes must be saved?"""
        py_type = self.py_type
        return py_type is Json or (isinstance(py_type, type) and issubclass(py_type, Array))

    @property
    def is_string(self) -> bool:
        return isinstance(self.py_type, type) and issubclass(self.py_type, str)

    @property
    def column(self) -> str | None:
        return self.columns[0] if len(self.columns) == 1 and not self.is_collection else None

    @property
    def asc(self) -> Attribute:
        return self

    @property
    def desc(self) -> DescWrapper:
        return DescWrapper(self)

    def describe(self) -> str:
        kind = type(self).__name__
        py_type = self.py_type
        type_name = py_type.__name__ if isinstance(py_type, type) else \
            py_type if isinstance(py_type, str) else repr(py_type)
        # As Pony shows it: positional args, unique/auto, type options sorted, then the default.
        args, kwargs = self.declared_options
        options = [repr(arg) for arg in args]
        if self.is_unique and not self.is_pk:
            options.append("unique=True")
        if self.auto and not self.is_collection:
            options.append("auto=True")
        options.extend(f"{name}={value!r}" for name, value in sorted(kwargs.items()))
        default = self.default
        if default is None and not self.is_required and not self.is_collection and not self.nullable:
            if self.is_string:
                default = ""
            elif py_type is Json:
                default = {}
        if default is not None and not callable(default):
            options.append(f"default={default!r}")
        text = f"{self.name} = {kind}({type_name}"
        if options:
            text += ", " + ", ".join(options)
        return text + ")"

    # --- descriptor protocol: delegated to the access object of the entity layer ----------

    access: Any = None  # installed by entity.py: get(obj, attr) / set(obj, attr, value)

    if TYPE_CHECKING:
        @overload
        def __get__(self, obj: None, cls: Any) -> Attribute[T]: ...

        @overload
        def __get__(self, obj: object, cls: Any) -> T: ...

    # This attribute's index in the row tuple of a row-backed instance (set by the session layer
    # for entities whose loaded objects keep their values as a tuple until first changed).
    row_pos: int | None = None

    def __get__(self, obj: Any, cls: Any = None) -> Any:
        if obj is None:
            return self
        row = obj._row_
        if row is None:
            try:
                value = obj._vals_[self]  # the fast path: a loaded value
            except KeyError:
                return Attribute.access.get(obj, self)
        else:
            try:
                value = row[self.row_pos]
            except TypeError:  # not in the row (a lazy attribute): row_pos is None
                return Attribute.access.get(obj, self)
        obj._rbits_ |= self.bit
        return value

    def __set__(self, obj: Any, value: T) -> None:
        Attribute.access.set(obj, self, value)

    def __delete__(self, obj: Any) -> None:
        raise AttributeError(f"Cannot delete attribute {self}")

    # --- value validation -----------------------------------------------------------------

    def validate(self, value: Any, obj: Any = None, from_db: bool = False) -> Any:
        """Check and normalise a value for this attribute; raises with a message naming it."""
        if value is None:
            exempt = self.auto or self.volatile or self.sql_default is not None or from_db
            if self.is_required and not exempt:
                raise ValueError(f"Attribute {self._owner_text(obj)} is required")
            if self._nullable_ is False and not from_db and not self.is_required:
                raise ValueError(f"Attribute {self} cannot be set to None")
            return None
        if self.is_relation:
            value = Attribute.access.validate_relation(obj, self, value)
        else:
            converter = self.converters[0] if self.converters else None
            if converter is not None:
                value = converter.validate(value, obj)
            if self.is_required and value == "" and isinstance(value, str) and not from_db:
                raise ValueError(f"Attribute {self._owner_text(obj)} is required")
        if self.py_check is not None and not from_db and not self.py_check(value):
            raise ValueError(f"Check for attribute {self} failed. Value: {_truncated_repr(value)}")
        return value


    def _owner_text(self, obj: Any) -> str:
        # Pony names the object once it exists: "Attribute Person[1].name is required"
        if obj is None or getattr(obj, "_row_", None) is None and not hasattr(obj, "_vals_"):
            return str(self)
        return f"{obj!r}.{self.name}"


def _reverse_columns(reverse_column: Any, reverse_columns: Any) -> list | None:
    """The ``reverse_column``/``reverse_columns`` option as a list, checked as Pony checks it."""
    if reverse_column is not None:
        if not isinstance(reverse_column, str):
            raise TypeError(f"Parameter 'reverse_column' must be a string. Got: {reverse_column!r}")
        return [reverse_column]
    if reverse_columns is None:
        return None
    if not isinstance(reverse_columns, (list, tuple)):
        raise TypeError(f"Parameter 'reverse_columns' must be a list. Got: {reverse_columns!r}")
    if not all(isinstance(column, str) for column in reverse_columns):
        raise TypeError(f"Parameter 'reverse_columns' must be a list of strings. Got: {reverse_columns!r}")
    return list(reverse_columns)


def _tracked_get(self: Any, obj: Any, cls: Any = None) -> Any:
    """``__get__`` of a Json/array attribute: a plain dict or list read from the db is handed out as
    a tracked copy, so ``obj.info['x'] = 1`` marks the attribute changed."""
    value = Attribute.__get__(self, obj, cls)
    if obj is not None and type(value) in (dict, list):
        value = Attribute.access.track(obj, self, value)
    return value


_tracked_kinds: dict[type, type] = {}


def make_tracked(attr: Attribute) -> None:
    """Give ``attr`` the tracking descriptor (its kind keeps its name for describe() and repr)."""
    kind = type(attr)
    if kind in _tracked_kinds.values():
        return
    tracked = _tracked_kinds.get(kind)
    if tracked is None:
        tracked = type(kind.__name__, (kind,), {"__get__": _tracked_get, "__qualname__": kind.__qualname__,
                                                "__module__": kind.__module__})
        _tracked_kinds[kind] = tracked
    attr.__class__ = tracked


def _is_entity_class(value: Any) -> bool:
    return isinstance(value, type) and hasattr(value, "_entity_meta_marker_")


class DescWrapper:
    """``desc(Person.name)`` / ``Person.name.desc``: a descending ordering key."""

    def __init__(self, attr: Any) -> None:
        self.attr = attr

    def __repr__(self) -> str:
        return f"<DescWrapper({self.attr})>"

    def __call__(self) -> DescWrapper:
        return self

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DescWrapper) and other.attr is self.attr

    def __hash__(self) -> int:
        return hash(("desc", self.attr))


class CollectionView(Protocol[T_co]):
    """What type checkers see for ``obj.items`` of ``items = Set(Item)`` (the session layer's SetInstance)."""

    def __iter__(self) -> Iterator[T_co]: ...
    def __len__(self) -> int: ...
    def __contains__(self, item: object) -> bool: ...
    def __bool__(self) -> bool: ...
    def add(self, item: Any) -> None: ...
    def remove(self, item: Any) -> None: ...
    def clear(self) -> None: ...
    def count(self) -> int: ...
    def is_empty(self) -> bool: ...
    def copy(self) -> set[Any]: ...
    def load(self) -> None: ...
    def create(self, **kwargs: Any) -> T_co: ...
    def select(self, *args: Any, **kwargs: Any) -> Any: ...
    def filter(self, *args: Any, **kwargs: Any) -> Any: ...


class Optional(Attribute[T]):
    """An attribute that may be empty: None, or '' for strings (unless nullable)."""

    # `Optional(str)` is Optional[str] for type checkers; entity names and lambdas too
    @overload
    def __init__(self: Optional[T], py_type: type[T], *args: Any, **kwargs: Any) -> None: ...

    @overload
    def __init__(self: Optional[T], py_type: Callable[[], type[T]], *args: Any,
                 **kwargs: Any) -> None: ...

    @overload
    def __init__(self: Optional[Any], py_type: str, *args: Any, **kwargs: Any) -> None: ...

    def __init__(self, py_type: type[T] | Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(py_type, *args, **kwargs)

    if TYPE_CHECKING:
        @overload  # type: ignore[override]
        def __get__(self, obj: None, cls: Any) -> Optional[T]: ...

        @overload
        def __get__(self, obj: object, cls: Any) -> T | None: ...

        def __get__(self, obj: Any, cls: Any = None) -> Any: ...

        def __set__(self, obj: Any, value: T | None) -> None: ...


class Required(Attribute[T]):
    """An attribute that must have a value (NOT NULL; an empty string is refused too)."""

    is_required = True

    # `Required(str)` is Required[str] for type checkers; entity names and lambdas too
    @overload
    def __init__(self: Required[T], py_type: type[T], *args: Any, **kwargs: Any) -> None: ...

    @overload
    def __init__(self: Required[T], py_type: Callable[[], type[T]], *args: Any,
                 **kwargs: Any) -> None: ...

    @overload
    def __init__(self: Required[Any], py_type: str, *args: Any, **kwargs: Any) -> None: ...

    def __init__(self, py_type: type[T] | Any, *args: Any, **kwargs: Any) -> None:
        # Checked when the entity is built, where the attribute's name is known.
        self.explicit_default = "default" in kwargs
        super().__init__(py_type, *args, **kwargs)


class Discriminator(Required[T]):
    """The column that tells which class of an inheritance tree a row belongs to."""

    is_discriminator = True

    # `Discriminator(str)` is Discriminator[str] for type checkers; entity names and lambdas too
    @overload
    def __init__(self: Discriminator[T], py_type: type[T], *args: Any, **kwargs: Any) -> None: ...

    @overload
    def __init__(self: Discriminator[T], py_type: Callable[[], type[T]], *args: Any,
                 **kwargs: Any) -> None: ...

    @overload
    def __init__(self: Discriminator[Any], py_type: str, *args: Any, **kwargs: Any) -> None: ...

    def __init__(self, py_type: type[T] | Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(py_type, *args, **kwargs)


class PrimaryKey(Required[T]):
    """The primary key: ``PrimaryKey(int, auto=True)``, or ``PrimaryKey(a, b)`` in a class body for a composite key."""

    is_pk = True

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        if args and isinstance(args[0], Attribute):
            if len(args) == 1:
                attr = args[0]
                name = next((k for k, v in _class_body_locals().items() if v is attr), "attr")
                raise TypeError(f"Just use {name} = PrimaryKey({_type_name(attr.py_type)}, ...) "
                                f"directly instead of PrimaryKey({name})")
            _register_composite(args, "pk", kwargs)
            return None
        return super().__new__(cls)

    # `PrimaryKey(str)` is PrimaryKey[str] for type checkers; entity names and lambdas too
    @overload
    def __init__(self: PrimaryKey[T], py_type: type[T], *args: Any, **kwargs: Any) -> None: ...

    @overload
    def __init__(self: PrimaryKey[T], py_type: Callable[[], type[T]], *args: Any,
                 **kwargs: Any) -> None: ...

    @overload
    def __init__(self: PrimaryKey[Any], py_type: str, *args: Any, **kwargs: Any) -> None: ...

    def __init__(self, py_type: type[T] | Any, *args: Any, **kwargs: Any) -> None:
        if "unique" in kwargs:
            raise TypeError("'unique' option cannot be set for PrimaryKey attribute ")
        super().__init__(py_type, *args, **kwargs)


class Collection(Attribute[T]):
    is_collection = True

    def __init__(self, py_type: Any, *args: Any, **kwargs: Any) -> None:
        if "py_check" in kwargs:
            raise NotImplementedError("'py_check' parameter is not supported for collection attributes")
        if kwargs.get("auto"):
            raise TypeError("'auto' option could not be set for collection attribute")
        if kwargs.get("default") is not None:
            raise TypeError("Default value could not be set for collection attribute")
        super().__init__(py_type, *args, **kwargs)
        # 'unique', 'interleave' and 'fk_name' are checked where the attribute's name is known


class Set(Collection[T]):
    """A to-many collection of related objects."""

    def drop_table(self, with_all_data: bool = False) -> None:
        """Drop the many-to-many table of this relationship (``Person.tags.drop_table()``)."""
        self.entity._database_.drop_table(self, if_exists=True, with_all_data=with_all_data)

    if TYPE_CHECKING:
        @overload
        def __init__(self: Set[T], py_type: type[T], *args: Any, **kwargs: Any) -> None: ...

        @overload
        def __init__(self: Set[T], py_type: Callable[[], type[T]], *args: Any,
                 **kwargs: Any) -> None: ...

        @overload
        def __init__(self: Set[Any], py_type: str, *args: Any, **kwargs: Any) -> None: ...

        def __init__(self, py_type: Any, *args: Any, **kwargs: Any) -> None: ...

        @overload  # type: ignore[override]
        def __get__(self, obj: None, cls: Any) -> Set[T]: ...

        @overload
        def __get__(self, obj: object, cls: Any) -> CollectionView[T]: ...

        def __get__(self, obj: Any, cls: Any = None) -> Any: ...

        def __set__(self, obj: Any, value: Iterable[T]) -> None: ...  # type: ignore[override]


def _type_name(py_type: Any) -> str:
    return py_type.__name__ if isinstance(py_type, type) else repr(py_type)


# --- composite keys and indexes declared in the class body ----------------------------------


def _class_body_locals() -> dict:
    """The namespace of the class body calling composite_key()/composite_index()."""
    return user_frame().f_locals


def _register_composite(attrs: tuple, kind: str, kwargs: dict) -> None:
    namespace = _class_body_locals()
    namespace.setdefault("_pony_composites_", []).append((kind, attrs, kwargs))


def composite_key(*attrs: Any, **kwargs: Any) -> None:
    """Declare a unique key over two or more attributes, inside an entity's class body."""
    if len(attrs) < 2:
        raise TypeError("composite_key() must receive at least two attributes as arguments")
    _register_composite(attrs, "key", kwargs)


def composite_index(*attrs: Any, **kwargs: Any) -> None:
    """Declare an index over two or more attributes, inside an entity's class body."""
    if len(attrs) < 2:
        raise TypeError("composite_index() must receive at least two attributes as arguments")
    _register_composite(attrs, "index", kwargs)


__all__ = ["Attribute", "Optional", "Required", "PrimaryKey", "Discriminator", "Set", "Collection",
           "composite_key", "composite_index", "DescWrapper", "NOT_LOADED", "DEFAULT", "Array", "Json"]


def _truncated_repr(value: Any, limit: int = 100) -> str:
    """``repr(value)`` cut to ``limit`` characters with ``...``, as Pony's messages show long values."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."
