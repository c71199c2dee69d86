"""``Entity`` and its metaclass: the class-level and instance API users call (layer L6)."""

from __future__ import annotations

from typing import Any, dataclass_transform

from . import errors
from .model.attributes import Attribute, Collection, Discriminator, Optional, PrimaryKey, Required, Set
from .model.describe import describe_entity, entity_to_dict
from .model.entity_meta import EntityMetaBase
from .query.api import entity_select
from .query.bulk import insert_many
from .query.by_sql import select_by_sql, select_random
from .query.upsert import upsert, write_rows
from .session import changes, loading
from .session.collections import SetInstance
from .session.context import current_session
from .session.flush import HOOK_NAMES, hooks_changed, save_one
from .session.objects import (
    CREATED,
    DELETED,
    MARKED_TO_DELETE,
    DeadValues,
    cache_of,
    current_cache,
    deleted_error,
    find_in_cache,
    materialize,
    seed,
)
from .session.pickling import reduce_entity
from .types import TrackedValue

_DEAD = (MARKED_TO_DELETE, DELETED, "cancelled")


# --- attribute access installed into the model layer -----------------------------------------


class AttributeAccess:
    """What an attribute descriptor does with an instance beyond its fast path."""

    @staticmethod
    def get(obj: Any, attr: Any) -> Any:
        cache = obj._session_cache_
        vals = obj._vals_ if obj._row_ is None else materialize(obj)
        if isinstance(vals, DeadValues):
            return vals.read(attr)
        if attr in vals and current_session.get() is not cache.session:
            return vals[attr]  # loaded values stay readable after (or outside) their session
        if not cache.is_alive:
            raise errors.DatabaseSessionIsOver(
                f"Cannot load attribute {obj!r}.{attr.name}: the database session is over")
        if current_session.get() is not cache.session:
            raise errors.TransactionError("An attempt to mix objects belonging to different transactions")
        value = changes.current_value(cache, obj, attr)
        obj._rbits_ |= attr.bit
        return value

    @staticmethod
    def track(obj: Any, attr: Any, value: Any) -> Any:
        """A Json/array value read from the db, as a tracked copy so in-place changes are saved."""
        if obj._row_ is not None:
            materialize(obj)
        if not isinstance(obj._vals_, dict) or not obj._session_cache_.is_alive:
            return value
        tracked = TrackedValue.make(obj, attr, value)
        changes.writable_vals(obj)[attr] = tracked
        return tracked

    set = staticmethod(changes.set_attribute)  # (obj, attr, value): the hot path, no extra frame

    @staticmethod
    def validate_relation(obj: Any, attr: Any, value: Any) -> Any:
        target = attr.py_type
        value = _deref_proxy(value)
        if isinstance(value, target):
            if obj is not None and value._session_cache_ is not obj._session_cache_:
                raise errors.TransactionError("An attempt to mix objects belonging to different transactions")
            if value._status_ in _DEAD:
                raise deleted_error(value)
            return value
        if isinstance(value, Entity):
            raise TypeError(f"Attribute {attr} must be of {target.__name__} type. Got: {value!r}")
        pkval = _validate_pk(target, value)
        cache = obj._session_cache_ if obj is not None else current_cache(target._database_)
        return seed(cache, target, pkval)


def _deref_proxy(value: Any) -> Any:
    """Unwrap Flask's LocalProxy and EntityProxy objects."""
    getter = getattr(value, "_get_current_object", None)
    if getter is not None and callable(getter):
        return getter()
    return value


def _validate_pk(entity: Any, key: Any) -> Any:
    pk_attrs = entity._pk_attrs_
    if len(pk_attrs) == 1:
        attr = pk_attrs[0]
        if key is not None and key.__class__ is not tuple and not attr.is_relation:
            return attr.converters[0].validate(key)  # the usual key: one plain column, no call more
        if isinstance(key, tuple) and len(key) == 1:
            key = key[0]
        return _validate_pk_part(attr, key)
    if not isinstance(key, tuple):
        raise TypeError(f"Invalid count of attrs in {entity.__name__} primary key "
                        f"(1 instead of {len(pk_attrs)})")
    if len(key) != len(pk_attrs):
        raw_width = sum(len(a.columns) or 1 for a in pk_attrs)
        if len(key) == raw_width:
            return _pk_from_raw_columns(entity, key)
        raise TypeError(f"Invalid count of attrs in {entity.__name__} primary key "
                        f"({len(key)} instead of {len(pk_attrs)})")
    return tuple(_validate_pk_part(attr, value) for attr, value in zip(pk_attrs, key))


def _validate_pk_part(attr: Any, value: Any) -> Any:
    if value is None:
        raise ValueError(f"Primary key value of {attr} cannot be None")
    if attr.is_relation:
        return AttributeAccess.validate_relation(None, attr, value)
    return attr.converters[0].validate(value)


def _pk_from_raw_columns(entity: Any, raw: tuple) -> Any:
    cache = current_cache(entity._database_)
    return loading.pkval_from_raw(cache, entity, list(raw))


Attribute.access = AttributeAccess
SetInstance.changes = changes


def _collection_get(self: Any, obj: Any, cls: Any = None) -> Any:
    if obj is None:
        return self
    if obj._row_ is None and isinstance(obj._vals_, DeadValues):
        return obj._vals_._fail()
    return SetInstance(obj, self)


Collection.__get__ = _collection_get  # type: ignore[method-assign, assignment]


# --- the metaclass: class-level API ----------------------------------------------------------


# Repeated here: mypy only honours dataclass_transform on the metaclass that is decorated itself.
@dataclass_transform(kw_only_default=True,
                     field_specifiers=(Required, Optional, PrimaryKey, Set, Discriminator))
class EntityMeta(EntityMetaBase):
    """The class of every entity: its methods are called on an entity class (``Person.get(...)``).

    ``Person[pk]`` (``Person["CS", 1]`` for a composite key) returns the object with that primary key
    or raises ``ObjectNotFound``; ``Person.name`` is the attribute, used in ``order_by`` and in queries.
    """

    def __setattr__(cls, name: str, value: Any) -> None:
        if name in HOOK_NAMES:
            hooks_changed(cls)  # the flush caches each class's hooks
        super().__setattr__(name, value)

    def __delattr__(cls, name: str) -> None:
        if name in HOOK_NAMES:
            hooks_changed(cls)
        super().__delattr__(name)

    def _require_mapping(cls) -> None:
        if not cls._database_._mapping_generated:
            raise errors.ERDiagramError(f"Mapping is not generated for entity {cls.__name__!r}")

    def __getitem__(cls, key: Any) -> Any:
        cls._require_mapping()
        pkval = _validate_pk(cls, key)
        cache = current_cache(cls._database_)
        obj = loading.get_by_pk(cache, cls, pkval)
        if obj is None:
            raise errors.ObjectNotFound(cls, pkval)
        return obj

    def _check_kwargs(cls, kwargs: dict) -> list:
        attr_values = []
        for name, value in kwargs.items():
            attr = cls._adict_.get(name)
            if attr is None:
                raise TypeError(f"Unknown attribute {name!r}")
            if attr.is_collection:
                if value is None:
                    name = attr.py_type.__name__
                    raise ValueError(f"A single {name} instance or {name} iterable is expected. Got: None")
                raise TypeError(f"Collection attribute {attr} cannot be specified as search criteria")
            if value is not None:
                value = attr.validate(value, None, from_db=True)
            elif attr.is_required and not attr.auto:
                raise ValueError(f"Attribute {attr} is required")
            attr_values.append((attr, value))
        return attr_values

    def get(cls, *args: Any, **kwargs: Any) -> Any:
        """The one object with these attribute values (``Person.get(name='Ann')``) or matching a lambda, or ``None``;
        more than one raises ``MultipleObjectsFoundError``."""
        cls._require_mapping()
        if args:
            if kwargs:
                raise TypeError("Lambda and keyword arguments cannot be mixed in get()")
            return cls.select(*args).get()
        attr_values = cls._check_kwargs(kwargs)
        cache = current_cache(cls._database_)
        values = {attr.name: value for attr, value in attr_values}
        obj = find_in_cache(cache, cls, values)
        if obj is not None and isinstance(obj, cls) and obj._status_ not in _DEAD:
            if all(_matches(obj, attr, value) for attr, value in attr_values):
                if obj._row_ is not None or len(obj._dbvals_) > len(cls._pk_attrs_) or obj._status_ == CREATED:
                    return obj
        if cache.dirty:
            cls._database_._flush_cache(cache)
        objs = loading.find_by_values(cache, cls, attr_values, limit=2)
        if len(objs) > 1:
            raise errors.MultipleObjectsFoundError(
                f"Multiple objects were found. Use {cls.__name__}.select(...) to retrieve them")
        return objs[0] if objs else None

    def get_for_update(cls, *args: Any, nowait: bool = False, skip_locked: bool = False,
                       **kwargs: Any) -> Any:
        """Like ``get()``, locking the row with ``SELECT ... FOR UPDATE`` (``nowait`` or ``skip_locked`` where the
        database has them)."""
        cls._require_mapping()
        if nowait and skip_locked:
            raise TypeError("nowait and skip_locked options are mutually exclusive")
        if args:
            return cls.select(*args).for_update(nowait=nowait, skip_locked=skip_locked).get()
        lock = "update nowait" if nowait else "update skip locked" if skip_locked else "update"
        provider = cls._database_.provider
        if not provider.SUPPORTS_FOR_UPDATE:
            lock = None
        attr_values = cls._check_kwargs(kwargs)
        cache = current_cache(cls._database_)
        cache.begin()
        if cache.dirty:
            cls._database_._flush_cache(cache)
        objs = loading.find_by_values(cache, cls, attr_values, limit=2, lock=lock)
        if len(objs) > 1:
            raise errors.MultipleObjectsFoundError(
                f"Multiple objects were found. Use {cls.__name__}.select(...) to retrieve them")
        for obj in objs:
            cache.for_update.add(obj)
        return objs[0] if objs else None

    def exists(cls, *args: Any, **kwargs: Any) -> bool:
        """Is there an object with these attribute values, or matching a lambda?"""
        cls._require_mapping()
        if args:
            return cls.select(*args).exists()
        attr_values = cls._check_kwargs(kwargs)
        cache = current_cache(cls._database_)
        values = {attr.name: value for attr, value in attr_values}
        obj = find_in_cache(cache, cls, values)
        if obj is not None and obj._status_ not in _DEAD and isinstance(obj, cls):
            return True
        if cache.dirty:
            cls._database_._flush_cache(cache)
        return bool(loading.find_by_values(cache, cls, attr_values, limit=1))

    def select(cls, *args: Any, **kwargs: Any) -> Any:
        """A ``Query`` of the entity's objects: all of them, those matching a lambda (``Person.select(lambda p: p.age >
        20)``), or those with the given attribute values."""
        cls._require_mapping()
        return entity_select(cls, *args, **kwargs)

    def select_by_sql(cls, sql: str, globals: dict | None = None, locals: dict | None = None) -> list:
        """Objects from a raw SELECT returning the entity's columns; ``$name`` takes a parameter from the caller's
        scope."""
        cls._require_mapping()
        return select_by_sql(cls, sql, globals, locals)

    def get_by_sql(cls, sql: str, globals: dict | None = None, locals: dict | None = None) -> Any:
        """The one object a raw SELECT returns, or ``None``; more than one raises ``MultipleObjectsFoundError``."""
        cls._require_mapping()
        objs = select_by_sql(cls, sql, globals, locals)
        if len(objs) > 1:
            raise errors.MultipleObjectsFoundError(
                f"Multiple objects were found. Use {cls.__name__}.select(...) to retrieve them")
        return objs[0] if objs else None

    def select_random(cls, limit: int) -> list:
        """Up to ``limit`` objects chosen at random."""
        cls._require_mapping()
        return select_random(cls, limit)

    def insert_many(cls, rows: Any, on_conflict: str | None = None, conflict_keys: Any = None,
                    update: Any = None) -> int:
        """Insert many rows at once, bypassing the identity map; returns how many were written.

        ``on_conflict="ignore"`` skips rows whose key (``conflict_keys``: the primary key or a unique
        key, found from the rows when None) is stored already; ``"update"`` updates those rows' given
        attributes (or the ones named in ``update``). See docs/beyond-pony.md."""
        cls._require_mapping()
        if on_conflict is None:
            if conflict_keys is not None or update is not None:
                raise TypeError("conflict_keys and update need on_conflict='ignore' or 'update'")
            return insert_many(cls, rows)
        return write_rows(cls, rows, on_conflict, conflict_keys, update, allow_empty_update=False)[0]

    def upsert(cls, *key: str, update: Any = None, **values: Any) -> Any:
        """Insert a row or, when its key is stored already, update that row; returns the object.

        ``key``: names of the conflict key (the primary key or a unique key), found from ``values``
        when omitted. ``update``: the attributes to set on an existing row (default: every given one
        outside the key; an empty list only inserts a missing row)."""
        cls._require_mapping()
        return upsert(cls, key, update, values)

    def describe(cls) -> str:
        """The entity's declaration as text, with the implicit primary key and defaults filled in."""
        return describe_entity(cls)

    def drop_table(cls, with_all_data: bool = False) -> None:
        """Drop the entity's table if it exists; one holding rows needs ``with_all_data=True``."""
        cls._database_.drop_table(cls._table_, if_exists=True, with_all_data=with_all_data)

    def __repr__(cls) -> str:
        return f"<class '{cls.__module__}.{cls.__qualname__}'>"


def _matches(obj: Any, attr: Any, value: Any) -> bool:
    vals = obj._vals_ if obj._row_ is None else materialize(obj)
    if attr not in vals:
        return True
    return vals[attr] == value


# --- the instance API ------------------------------------------------------------------------


class Entity(metaclass=EntityMeta):
    """Base of every ``db.Entity``: ``class Person(db.Entity):`` with attributes declares an entity.

    ``Person(name="Ann")`` creates an object, inserted when the session flushes; assigning an
    attribute changes it; ``obj.delete()`` deletes it. The hooks below run around those writes.
    """

    _is_entity_base_ = True
    _database_: Any = None
    # generated by model.describe for an entity whose objects can be row-backed: to_dict() of one
    _to_dict_row_: Any = None
    # ``_row_``: the loaded values as a row tuple in ``_load_attrs_`` order, until ``_vals_`` is
    # first needed (see session.objects.materialize): an unchanged loaded object costs no dict.
    __slots__ = ("_session_cache_", "_status_", "_pkval_", "_newid_", "_vals_", "_dbvals_", "_rbits_",
                 "_wbits_", "_save_pos_", "_row_", "__weakref__", "__dict__")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        cls = type(self)
        if args:
            raise TypeError(f"{cls.__name__} constructor accept only keyword arguments. Got: "
                            f"{len(args)} positional argument{'s' if len(args) > 1 else ''}")
        cls._require_mapping()
        changes.create_object(cls, kwargs, self)

    def __repr__(self) -> str:
        pkval = self._pkval_
        name = type(self).__name__
        if pkval is None:
            return f"{name}[new:{self._newid_}]"
        if isinstance(pkval, tuple):
            return f"{name}[{','.join(map(_pk_part_repr, pkval))}]"
        return f"{name}[{_pk_part_repr(pkval)}]"

    def __lt__(self, other: Any) -> bool:
        return _order_key(self) < _order_key(other)

    def __le__(self, other: Any) -> bool:
        return _order_key(self) <= _order_key(other)

    def __gt__(self, other: Any) -> bool:
        return _order_key(self) > _order_key(other)

    def __ge__(self, other: Any) -> bool:
        return _order_key(self) >= _order_key(other)

    @classmethod
    def _get_attrs_(cls, only: Any = None, exclude: Any = None, with_collections: bool = False,
                    with_lazy: bool = False) -> tuple:
        """The entity's attributes in declaration order, filtered as Pony's ``_get_attrs_`` does."""
        if isinstance(only, str):
            only = only.replace(",", " ").split()
        if isinstance(exclude, str):
            exclude = exclude.replace(",", " ").split()
        for name in [*(only or ()), *(exclude or ())]:
            if name not in cls._adict_:
                raise AttributeError(f"Entity {cls.__name__} does not have attribute {name}")
        if only is not None:  # named attributes come in the order given, whatever their kind
            attrs = [cls._adict_[name] for name in only]
        else:
            attrs = [a for a in cls._attrs_
                     if (with_collections or not a.is_collection) and (with_lazy or not a.lazy)]
        excluded = set(exclude or ())
        return tuple(a for a in attrs if a.name not in excluded)

    def set(self, **kwargs: Any) -> None:
        """Assign several attributes at once: ``obj.set(name='Ann', age=30)``."""
        adict = type(self)._adict_
        for name in kwargs:
            if name not in adict:
                raise TypeError(f"Unknown attribute {name!r}")
        changes.set_attributes(self, {adict[name]: value for name, value in kwargs.items()})

    def delete(self) -> None:
        """Delete the object (and, by cascade, the objects that require it) when the session flushes."""
        changes.delete_object(self)

    def flush(self) -> None:
        """Send this object's pending changes now (an INSERT gives it its new primary key)."""
        cache = cache_of(self)
        self._database_._flush_object(cache, self)

    def get_pk(self) -> Any:
        """The primary key value; a tuple for a composite key."""
        pkval = self._pkval_
        pk_attrs = type(self)._pk_attrs_
        if len(pk_attrs) == 1 and not pk_attrs[0].is_relation:
            return pkval
        if pkval is None:
            return None
        return loading.raw_pk(self) if len(pk_attrs) > 1 or pk_attrs[0].is_relation else pkval

    def load(self, *attrs: Any) -> None:
        """Load the given attributes (names or attributes), or all the lazy ones, in one query."""
        cache = cache_of(self)
        entity = type(self)
        if not attrs:
            targets = [a for a in entity._attrs_ if not a.is_collection and a.columns]
        else:
            targets = []
            for item in attrs:
                if isinstance(item, str):
                    attr = entity._adict_.get(item)
                    if attr is None:
                        raise AttributeError(f"Object {self!r} does not have attribute {item!r}")
                else:
                    attr = item
                targets.append(attr)
        for attr in targets:
            if attr.is_collection:
                getattr(self, attr.name).load()
            elif attr not in (self._vals_ if self._row_ is None else materialize(self)):
                changes.current_value(cache, self, attr)

    def to_dict(self, only: Any = None, exclude: Any = None, with_collections: bool = False,
                with_lazy: bool = False, related_objects: bool = False) -> dict:
        """The attribute values as a dict: related objects as their primary keys (the objects themselves with
        ``related_objects=True``), collections with ``with_collections=True``, lazy attributes with
        ``with_lazy=True``; ``only``/``exclude`` pick attributes."""
        try:
            row = self._row_
        except AttributeError:  # not set up by a session (being unpickled)
            row = None
        if row is not None and only is None and exclude is None \
                and not (with_collections or with_lazy or related_objects or self._session_cache_.dirty):
            build = self._to_dict_row_  # the common call on an untouched loaded object
            if build is not None:
                return build(row)  # bound: build(self, row)
        return entity_to_dict(self, only, exclude, with_collections, with_lazy, related_objects)

    def _attr_changed_(self, attr: Any) -> None:
        changes.attribute_changed(self, attr)

    def __reduce__(self) -> Any:
        return reduce_entity(self)

    # hooks: overridden by user entities
    def before_insert(self) -> None:
        """Hook: override to run code before the object's INSERT is sent."""
        pass

    def before_update(self) -> None:
        """Hook: override to run code before the object's UPDATE is sent."""
        pass

    def before_delete(self) -> None:
        """Hook: override to run code before the object's DELETE is sent."""
        pass

    def after_insert(self) -> None:
        """Hook: override to run code after the object's INSERT was sent."""
        pass

    def after_update(self) -> None:
        """Hook: override to run code after the object's UPDATE was sent."""
        pass

    def after_delete(self) -> None:
        """Hook: override to run code after the object's DELETE was sent."""
        pass

    # save steps: overridden by some published libraries, as in Pony
    def _save_(self, dependent_objects: Any = None) -> None:
        """Write this object's pending insert, update or delete now (one statement).

        The flush calls it for entities that override it (and writes the others in batches); an
        override that does not call the base leaves the object unsaved.
        """
        save_one(self)

    def _after_save_(self, status: str) -> None:
        """Called after the object was written, with 'inserted', 'updated' or 'deleted'.

        Calls after_insert, after_update or after_delete; an override that does not call the base
        skips them.
        """
        hook = {"inserted": self.after_insert, "updated": self.after_update,
                "deleted": self.after_delete}.get(status)
        if hook is not None:
            hook()


def _pk_part_repr(value: Any) -> str:
    if isinstance(value, Entity):
        return repr(value)
    return repr(value)


def _order_key(obj: Any) -> tuple:
    if not isinstance(obj, Entity):
        raise TypeError(f"Cannot compare {obj!r} with an entity instance")
    pkval = obj._pkval_
    if pkval is None:
        return (type(obj)._root_.__name__, 1, obj._newid_ or 0)
    return (type(obj)._root_.__name__, 0, _pk_sort(pkval))


def _pk_sort(pkval: Any) -> Any:
    if isinstance(pkval, tuple):
        return tuple(_pk_sort(v) for v in pkval)
    if isinstance(pkval, Entity):
        return _order_key(pkval)
    return pkval


def make_entity_base(database: Any) -> type:
    """A fresh ``db.Entity`` base class bound to ``database``."""
    return EntityMeta("Entity", (Entity,), {"_is_entity_base_": True, "_database_": database,
                                            "__module__": Entity.__module__, "__slots__": ()})
