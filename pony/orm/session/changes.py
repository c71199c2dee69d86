"""Changing objects: create, assign, delete with cascades, and collection edits.

Both ends of a relationship are kept consistent in memory at every assignment; what reaches
the database is decided at flush time from the objects' status and changed attributes.
"""

from __future__ import annotations

import itertools
from typing import Any

from .. import errors
from ..types import Array, Json
from .bulk_loading import load_collections
from .cache import SessionCache
from .collections import SetData, _as_items, load_collection, set_data
from .loading import load_attribute, load_reverse_one_to_one, load_seeds
from .objects import (
    CANCELLED,
    CREATED,
    DELETED,
    INSERTED,
    LOADED,
    MARKED_TO_DELETE,
    MISSING,
    MODIFIED,
    UPDATED,
    DeadValues,
    cache_of,
    current_cache,
    deleted_error,
    index_unique_values,
    materialize,
    new_instance,
    pk_index,
    unindex_unique_values,
)

_DEAD = (MARKED_TO_DELETE, DELETED, CANCELLED)
_new_ids = itertools.count(1)


# --- bookkeeping --------------------------------------------------------------------------


def schedule_save(cache: SessionCache, obj: Any) -> None:
    if obj._save_pos_ is None:
        obj._save_pos_ = len(cache.objects_to_save)
        cache.objects_to_save.append(obj)
    cache.dirty = True


def reschedule_last(cache: SessionCache, obj: Any) -> None:
    """Move ``obj`` to the end of the save list (a delete must follow the unlinks it caused)."""
    pos = obj._save_pos_
    if pos is not None:
        cache.objects_to_save[pos] = None
    obj._save_pos_ = len(cache.objects_to_save)
    cache.objects_to_save.append(obj)
    cache.dirty = True


def writable_vals(obj: Any) -> dict:
    if obj._row_ is not None:
        materialize(obj)
    vals = obj._vals_
    if vals is obj._dbvals_:
        vals = obj._vals_ = dict(vals)
    return vals


def mark_modified(cache: SessionCache, obj: Any, attr: Any) -> None:
    obj._wbits_ |= attr.bit
    status = obj._status_
    if status in (LOADED, INSERTED, UPDATED):
        obj._status_ = MODIFIED
        schedule_save(cache, obj)
    elif status == CREATED or status == MODIFIED:
        schedule_save(cache, obj)


def check_alive(obj: Any) -> SessionCache:
    cache = cache_of(obj)
    if obj._status_ in _DEAD:
        raise deleted_error(obj)
    return cache


def current_value(cache: SessionCache, obj: Any, attr: Any) -> Any:
    """The attribute's value, loading it (or the object) if needed; never tracks a read."""
    if obj._row_ is not None:
        materialize(obj)
    vals = obj._vals_
    if attr in vals:
        return vals[attr]
    if isinstance(vals, DeadValues):
        return vals.read(attr)
    if obj._status_ == CREATED:
        return None
    if attr.is_collection:
        return set_data(obj, attr)
    if attr.is_relation and not attr.columns:
        return load_reverse_one_to_one(cache, obj, attr)
    if attr.lazy or len(obj._dbvals_) > len(obj._pk_attrs_) or attr not in obj.__class__._load_attrs_:
        return load_attribute(cache, obj, attr)
    load_seeds(cache, obj)
    if attr in obj._vals_:
        return obj._vals_[attr]
    return load_attribute(cache, obj, attr)


# --- creating -----------------------------------------------------------------------------


class _CreatePlan:
    """How ``Entity(**kwargs)`` fills each attribute, worked out once per entity."""

    __slots__ = ("attrs", "relations", "check_keys", "plain_names")

    def __init__(self, entity: Any) -> None:
        attrs = []
        for attr in entity._attrs_:
            if attr.is_collection:
                attrs.append((attr, attr.name, _COLLECTION, None, False, False, (None, False)))
                continue
            if attr.is_discriminator:
                attrs.append((attr, attr.name, _DISCRIMINATOR, None, False, False, (None, False)))
                continue
            default = attr.default
            if default is not None:
                kind = _CALL if callable(default) else _CONST
            elif attr.is_pk and attr.auto:
                kind = _NONE
            elif attr.is_relation or attr.converters and not attr.is_string and not _has_empty_default(attr):
                kind = _NONE
            elif attr.is_string and not attr.is_required and not attr._nullable_:
                kind, default = _CONST, ""
            elif _has_empty_default(attr) and not attr.is_required and not attr._nullable_:
                kind = _EMPTY
            else:
                kind = _NONE
            none_fails = attr.is_required and not (attr.auto or attr.volatile or attr.sql_default is not None)
            validate_none = not attr.is_required and attr._nullable_ is False
            attrs.append((attr, attr.name, kind, default, none_fails, validate_none, _value_check(attr)))
        self.attrs = attrs
        self.relations = [attr for attr in entity._attrs_ if attr.is_relation and not attr.is_collection]
        self.check_keys = bool(entity._keys_)  # secondary unique keys to check
        # keyword names that need no check beyond being known (all but a discriminator's)
        self.plain_names = frozenset(attr.name for attr in entity._attrs_ if not attr.is_discriminator)


_COLLECTION, _DISCRIMINATOR, _CALL, _CONST, _NONE, _EMPTY = range(6)


def _value_check(attr: Any) -> tuple:
    """``(validate, empty_fails)`` for a value that is not None: ``attr.validate``, or for a
    plain column without ``py_check`` its converter's ``validate`` (what ``attr.validate`` ends
    in), then the required-attribute check of an empty string when ``empty_fails``."""
    if attr.is_relation or not attr.converters or attr.py_check is not None:
        return attr.validate, False
    return attr.converters[0].validate, attr.is_required


def _create_plan(entity: Any) -> _CreatePlan:
    plan = entity.__dict__.get("_create_plan_")
    if plan is None:
        plan = _CreatePlan(entity)
        type.__setattr__(entity, "_create_plan_", plan)
    return plan


def _check_create_kwargs(entity: Any, kwargs: dict) -> None:
    adict = entity._adict_
    for name in kwargs:
        attr = adict.get(name)
        if attr is None:
            raise TypeError(f"Unknown attribute {name!r}")
        if attr.is_discriminator and kwargs[name] != entity._discriminator_:
            raise TypeError(f"Invalid discriminator attribute value for {entity.__name__}")


def create_object(entity: Any, kwargs: dict, obj: Any = None) -> Any:
    """``Entity(**kwargs)``: a new object in the current session, validated, indexed and linked."""
    cache = current_cache(entity._database_)
    plan = _create_plan(entity)
    if not plan.plain_names.issuperset(kwargs):
        _check_create_kwargs(entity, kwargs)
    obj = new_instance(cache, entity, CREATED, obj)
    vals: dict = {}
    collections: list = []
    get = kwargs.get
    for attr, name, kind, default, none_fails, validate_none, (validate, empty_fails) in plan.attrs:
        if kind == _COLLECTION:
            value = get(name, MISSING)
            data = SetData()
            data.is_fully_loaded = True
            data.count = 0
            vals[attr] = data
            if value is not MISSING:
                collections.append((attr, value))
            continue
        if kind == _DISCRIMINATOR:
            vals[attr] = entity._discriminator_
            continue
        value = get(name, MISSING)
        if value is MISSING:
            if kind == _CONST:
                value = default
            elif kind == _CALL:
                value = default()
            elif kind == _EMPTY:
                py_type = attr.py_type
                value = py_type.default_empty_value() if hasattr(py_type, "default_empty_value") else {}
            else:
                value = None
        if value is not None:
            value = validate(value, obj)
            if empty_fails and value == "" and isinstance(value, str):
                raise ValueError(f"Attribute {attr._owner_text(obj)} is required")
        elif none_fails:
            raise ValueError(f"Attribute {attr} is required")
        elif validate_none:
            value = attr.validate(value, obj)
        vals[attr] = value
    pk_attrs = entity._pk_attrs_
    obj._vals_ = vals
    obj._dbvals_ = {}
    if len(pk_attrs) == 1:
        pkval = vals[pk_attrs[0]]
    else:
        pkval = tuple(vals[a] for a in pk_attrs)
        if None in pkval:
            pkval = None
    if pkval is not None:
        index = pk_index(cache, entity)
        other = index.get(pkval)
        if other is not None:
            raise errors.CacheIndexError(f"Cannot create {entity.__name__}: instance with primary key "
                                         f"{_pk_repr(pkval)} already exists")
        obj._pkval_ = pkval
    if plan.check_keys:
        index_unique_values(cache, obj, vals)
    if pkval is None:
        obj._newid_ = next(_new_ids)  # shared by all entities and sessions, as in Pony
    else:
        pk_index(cache, entity)[pkval] = obj
    if plan.relations or collections:
        try:
            for attr in plan.relations:
                value = vals.get(attr)
                if value is not None:
                    link_to_one(cache, obj, attr, None, value)
            for attr, items in collections:
                collection_assign(obj, attr, items)
        except BaseException:
            unindex_unique_values(cache, obj, vals)
            if pkval is not None:
                pk_index(cache, entity).pop(pkval, None)
            raise
    schedule_save(cache, obj)
    return obj


def _has_empty_default(attr: Any) -> bool:
    py_type = attr.py_type
    return py_type is Json or (isinstance(py_type, type) and issubclass(py_type, Array))


def _pk_repr(pkval: Any) -> str:
    return ", ".join(map(str, pkval)) if isinstance(pkval, tuple) else str(pkval)


# --- assigning ----------------------------------------------------------------------------


def set_attribute(obj: Any, attr: Any, value: Any, undo: list | None = None, validated: bool = False) -> None:
    if not obj._session_cache_.is_alive:
        raise errors.DatabaseSessionIsOver(
            f"Cannot assign new value to {obj!r}.{attr.name}: the database session is over")
    cache = check_alive(obj)
    if attr.pk_offset is not None:
        raise TypeError("Cannot change value of primary key")
    if attr.is_discriminator:
        raise TypeError("Cannot assign value to discriminator attribute")
    if attr.is_collection:
        collection_assign(obj, attr, value)
        return
    if not validated:
        value = attr.validate(value, obj)
    old = current_value(cache, obj, attr)
    if old is value and not attr.is_relation or (attr.is_relation and old is value):
        if not hasattr(value, "_changed_"):
            obj._rbits_ |= attr.bit
            return
    vals = writable_vals(obj)
    if attr.is_unique or attr.composite_keys:
        unindex_unique_values(cache, obj, {a: vals.get(a) for a in _key_attrs(attr)})
        new_vals = {a: vals.get(a) for a in _key_attrs(attr)}
        new_vals[attr] = value
        try:
            index_unique_values(cache, obj, new_vals, updating=attr)
        except errors.CacheIndexError:
            index_unique_values(cache, obj, {a: vals.get(a) for a in _key_attrs(attr)})
            raise
    if attr.is_relation and old is not value:
        link_to_one(cache, obj, attr, old, value)
    vals[attr] = value
    if attr.columns:
        mark_modified(cache, obj, attr)


def set_attributes(obj: Any, values: dict) -> None:
    """``obj.set(**kwargs)``: all values validated and the unique and composite keys checked with all
    new values at once, before any is assigned."""
    cache = check_alive(obj)
    if obj._row_ is not None:
        materialize(obj)
    for attr in values:
        if attr.pk_offset is not None:
            raise TypeError(f"Cannot change value of primary key attribute {attr.name}")
    # Every value is validated and the keys checked before anything is assigned: a refused call
    # changes nothing (as in Pony), whichever attribute refuses.
    validated = {attr: value if attr.is_collection else attr.validate(value, obj) for attr, value in values.items()}
    keyed = {attr: value for attr, value in validated.items()
             if (attr.is_unique or attr.composite_keys) and not attr.is_relation}
    if keyed:
        vals = obj._vals_
        current = {a: vals.get(a) for a in obj.__class__._attrs_ if a in vals and not a.is_collection}
        merged = dict(current)
        merged.update(keyed)
        unindex_unique_values(cache, obj, current)
        try:
            index_unique_values(cache, obj, merged, updating=next(iter(keyed)))
            unindex_unique_values(cache, obj, merged)
        finally:
            index_unique_values(cache, obj, current)
    for attr, value in validated.items():
        set_attribute(obj, attr, value, validated=True)


def _key_attrs(attr: Any) -> list:
    result = [attr] if attr.is_unique else []
    for key in attr.composite_keys:
        result.extend(a for a in key if a not in result)
    return result


def attribute_changed(obj: Any, attr: Any) -> None:
    """A tracked Json/array value was changed in place.

    After the session the change could never be saved, so it is refused as plain assignment is
    (the container itself has already changed, as in Pony).
    """
    cache = obj._session_cache_
    if not cache.is_alive:
        raise errors.DatabaseSessionIsOver(
            f"Cannot assign new value to {obj!r}.{attr.name}: the database session is over")
    if obj._status_ in _DEAD:
        return
    writable_vals(obj)
    if obj._status_ != CREATED:
        mark_modified(cache, obj, attr)


# --- relationships ---------------------------------------------------------------------------


def link_to_one(cache: SessionCache, obj: Any, attr: Any, old: Any, new: Any) -> None:
    """``obj.attr`` changes from ``old`` to ``new``: update the reverse ends."""
    reverse = attr.reverse
    if new is not None and new._session_cache_ is not cache:
        raise errors.TransactionError("An attempt to mix objects belonging to different transactions")
    if reverse.is_collection:
        if old is not None and old._row_ is not None:
            materialize(old)
        if new is not None and new._row_ is not None:
            materialize(new)
        if old is not None and old._status_ not in _DEAD:
            data = old._vals_.get(reverse) if reverse in old._vals_ else None
            if data is not None:
                data.items.pop(obj, None)
                if data.count is not None and not data.is_fully_loaded:
                    data.count -= 1
                elif data.is_fully_loaded:
                    data.count = len(data.items)
        if new is not None:
            data = new._vals_.get(reverse) if reverse in new._vals_ else None
            if data is not None:
                if obj not in data.items:
                    data.items[obj] = None
                    if data.count is not None:
                        data.count = len(data.items) if data.is_fully_loaded else data.count + 1
        return
    # one-to-one
    if attr is reverse:  # symmetric: obj.spouse = new means new.spouse = obj
        if old is not None and old is not obj and old._status_ not in _DEAD:
            _set_raw(cache, old, attr, None)
        if new is not None and new is not obj:
            third = current_value(cache, new, attr)
            if third is not None and third is not obj:
                _set_raw(cache, third, attr, None)
            _set_raw(cache, new, attr, obj)
        return
    if old is not None and old._status_ not in _DEAD:
        if reverse.is_required and old._status_ != CREATED:
            raise errors.ConstraintError(f"Cannot unlink {old!r} from previous {obj!r} object, because "
                                         f"{reverse} attribute is required")
        _set_raw(cache, old, reverse, None)
    if new is not None:
        third = current_value(cache, new, reverse)
        if third is not None and third is not obj:
            if attr.is_required:
                raise errors.ConstraintError(f"Cannot unlink {third!r} from previous {new!r} object, "
                                             f"because {attr} attribute is required")
            _set_raw(cache, third, attr, None)
        _set_raw(cache, new, reverse, obj)


def _set_raw(cache: SessionCache, obj: Any, attr: Any, value: Any) -> None:
    """Set one end of a relationship without touching the other end."""
    vals = writable_vals(obj)
    vals[attr] = value
    if attr.columns and obj._status_ not in _DEAD:
        mark_modified(cache, obj, attr)


# --- collections ------------------------------------------------------------------------------


def _check_item(cache: SessionCache, attr: Any, item: Any) -> None:
    if not isinstance(item, attr.py_type):
        raise TypeError(f"Item of collection {attr} must be an instance of {attr.py_type.__name__}. "
                        f"Got: {item!r}")
    if item._session_cache_ is not cache:
        raise errors.TransactionError("An attempt to mix objects belonging to different transactions")
    if item._status_ in _DEAD:
        raise deleted_error(item)


def collection_add(obj: Any, attr: Any, items: list) -> None:
    cache = check_alive(obj)
    for item in items:
        _check_item(cache, attr, item)
    reverse = attr.reverse
    if not attr.is_m2m:
        for item in items:
            set_attribute(item, reverse, obj)
        return
    data = set_data(obj, attr)
    for item in items:
        if item in data.items:
            continue
        if not data.is_fully_loaded and _link_in_db(cache, obj, attr, item):
            data.items[item] = None
            continue
        _m2m_link(cache, obj, attr, item, add=True)


def _link_in_db(cache: SessionCache, obj: Any, attr: Any, item: Any) -> bool:
    load_collection(cache, obj, attr)
    return item in set_data(obj, attr).items


def collection_remove(obj: Any, attr: Any, items: list) -> None:
    cache = check_alive(obj)
    for item in items:
        _check_item(cache, attr, item)
    reverse = attr.reverse
    if not attr.is_m2m:
        for item in items:
            if current_value(cache, item, reverse) is not obj:
                continue
            if attr.cascade_delete:
                delete_object(item)
            elif reverse.is_required:
                raise ValueError(f"Attribute {item!r}.{reverse.name} is required")
            else:
                set_attribute(item, reverse, None)
        return
    data = set_data(obj, attr)
    for item in items:
        if item not in data.items and not data.is_fully_loaded:
            load_collection(cache, obj, attr)
        if item in data.items:
            _m2m_link(cache, obj, attr, item, add=False)


def collection_assign(obj: Any, attr: Any, value: Any) -> None:
    new_items = list(dict.fromkeys(_as_items(value, attr)))  # None is refused, as in Pony
    cache = check_alive(obj)
    for item in new_items:
        _check_item(cache, attr, item)
    if obj._status_ == CREATED and not set_data(obj, attr).items:
        current: list = []
    else:
        current = list(load_collection(cache, obj, attr).items)
    new_set = set(new_items)
    to_remove = [item for item in current if item not in new_set]
    to_add = [item for item in new_items if item not in set(current)]
    if to_remove:
        collection_remove(obj, attr, to_remove)
    if to_add:
        collection_add(obj, attr, to_add)


def _m2m_link(cache: SessionCache, obj: Any, attr: Any, item: Any, add: bool) -> None:
    reverse = attr.reverse
    data = set_data(obj, attr)
    if add:
        data.items[obj if False else item] = None
    else:
        data.items.pop(item, None)
    if data.count is not None:
        data.count = len(data.items) if data.is_fully_loaded else data.count + (1 if add else -1)
    if item._row_ is not None:
        materialize(item)
    other = item._vals_.get(reverse) if reverse in item._vals_ and not isinstance(item._vals_, DeadValues) \
        else None
    if other is not None and not (reverse is attr and item is obj):
        if add:
            other.items[obj] = None
        else:
            other.items.pop(obj, None)
        if other.count is not None:
            other.count = len(other.items) if other.is_fully_loaded else other.count + (1 if add else -1)
    changes = cache.modified_collections.setdefault(attr.m2m_key, {"added": {}, "removed": {}})
    pairs = [(attr, obj, item)]
    if reverse is attr and obj is not item:
        pairs.append((attr, item, obj))
    for pair in pairs:
        link = _canonical(*pair)
        if add:
            if link in changes["removed"]:
                del changes["removed"][link]
            else:
                changes["added"][link] = None
        else:
            if link in changes["added"]:
                del changes["added"][link]
            else:
                changes["removed"][link] = None
    cache.dirty = True


def _canonical(attr: Any, obj: Any, item: Any) -> tuple:
    """A link as (owner of m2m_key attr, item), whichever end it was changed from."""
    key_attr = attr.m2m_key
    return (obj, item) if attr is key_attr else (item, obj)


# --- deleting ---------------------------------------------------------------------------------


def delete_object(obj: Any) -> None:
    cache = cache_of(obj)
    status = obj._status_
    if status in _DEAD:
        return
    entity = obj.__class__
    if obj._row_ is not None:
        materialize(obj)
    if status != CREATED and len(obj._dbvals_) <= len(entity._pk_attrs_) and obj._vals_ is obj._dbvals_:
        load_seeds(cache, obj)
    relations = entity._relation_attrs_
    if relations:  # without relations there is nothing to cascade, check or unlink
        _check_can_delete(cache, obj, set())
    obj._status_ = MARKED_TO_DELETE if status != CREATED else CANCELLED
    try:
        for attr in relations:
            _unlink_for_delete(cache, obj, attr)
    except BaseException:
        obj._status_ = status
        raise
    vals = obj._vals_
    unindex_unique_values(cache, obj, vals)
    if status == CREATED:
        pos = obj._save_pos_
        if pos is not None:
            cache.objects_to_save[pos] = None
            obj._save_pos_ = None
        if obj._pkval_ is not None:
            pk_index(cache, entity).pop(obj._pkval_, None)
    else:
        reschedule_last(cache, obj)
    obj._vals_ = DeadValues(obj, "deleted", vals)


def _check_can_delete(cache: SessionCache, obj: Any, seen: set) -> None:
    """Raise ConstraintError before anything changes if deleting ``obj`` (and its cascades) is refused.

    Everything the delete will touch is loaded here, before anything changes (a load may flush, and
    a flush in the middle of the delete would write half of it), one level of the cascade at a
    time: the collections of all the objects of a level are read with one query per attribute.
    """
    level = [obj]
    while level:
        level = [o for o in dict.fromkeys(level) if o not in seen and o._status_ not in _DEAD]
        seen.update(level)
        _load_level_collections(cache, level)
        next_level: list = []
        for item in level:
            next_level.extend(_cascaded_objects(cache, item))
        level = next_level


def _load_level_collections(cache: SessionCache, objs: list) -> None:
    by_attr: dict = {}
    for obj in objs:
        if obj._status_ == CREATED:
            continue
        for attr in obj.__class__._attrs_:
            if attr.is_collection and not attr.is_m2m:
                by_attr.setdefault(attr, []).append(obj)
    for attr, owners in by_attr.items():
        if len(owners) > 1:
            load_collections(cache, attr, owners)


def _cascaded_objects(cache: SessionCache, obj: Any) -> list:
    """The objects deleting ``obj`` deletes too; ConstraintError if a dependent object forbids it."""
    if obj._row_ is not None:
        materialize(obj)
    result = []
    for attr in obj.__class__._attrs_:
        if not attr.is_relation:
            continue
        reverse = attr.reverse
        if attr.is_collection:
            items = [item for item in load_collection(cache, obj, attr).items if item._status_ not in _DEAD] \
                if obj._status_ != CREATED or attr in obj._vals_ else []
            if not items or attr.is_m2m:
                continue
            if attr.cascade_delete:
                result.extend(items)
            elif reverse.is_required:
                raise errors.ConstraintError(
                    f"Cannot delete object {obj!r}, because it has non-empty set of {attr.name}, "
                    f"and 'cascade_delete' option of {attr} is not set")
            continue
        value = current_value(cache, obj, attr) if obj._status_ != CREATED or attr in obj._vals_ else None
        if value is None or value._status_ in _DEAD:
            continue
        if reverse.is_collection or attr is reverse:
            continue
        if attr.cascade_delete:
            result.append(value)
        elif reverse.is_required:
            raise errors.ConstraintError(
                f"Cannot delete object {obj!r}, because it has associated {attr.name}, "
                f"and 'cascade_delete' option of {attr} is not set")
    return result


def saved_values(obj: Any) -> dict:
    """The values a deleted object had, for its before_delete hook and the DELETE statement."""
    if obj._row_ is not None:
        materialize(obj)
    vals = obj._vals_
    if isinstance(vals, DeadValues):
        return vals.saved if vals.saved is not None else obj._dbvals_
    return vals


def _unlink_for_delete(cache: SessionCache, obj: Any, attr: Any) -> None:
    if obj._row_ is not None:
        materialize(obj)
    reverse = attr.reverse
    if attr.is_collection:
        data = load_collection(cache, obj, attr) if obj._status_ != CANCELLED or attr in obj._vals_ \
            else SetData()
        items = [item for item in data.items if item._status_ not in _DEAD]
        if attr.is_m2m:
            for item in items:
                _m2m_link(cache, obj, attr, item, add=False)
            return
        if attr.cascade_delete:
            for item in items:
                delete_object(item)
        elif reverse.is_required and items:
            raise errors.ConstraintError(f"Cannot delete object {obj!r}, because it has non-empty set of "
                                         f"{attr.name}, and 'cascade_delete' option of {attr} is not set")
        else:
            for item in items:
                _set_raw(cache, item, reverse, None)
        return
    value = current_value(cache, obj, attr) if obj._status_ != CANCELLED or attr in obj._vals_ else None
    if value is None or value._status_ in _DEAD:
        return
    if value._row_ is not None:
        materialize(value)
    if reverse.is_collection:
        data = value._vals_.get(reverse) if reverse in value._vals_ else None
        if data is not None:
            data.items.pop(obj, None)
            if data.count is not None:
                data.count = len(data.items) if data.is_fully_loaded else data.count - 1
        return
    if attr is reverse:
        _set_raw(cache, value, attr, None)
        return
    if attr.cascade_delete:
        delete_object(value)
    elif reverse.is_required:
        raise errors.ConstraintError(f"Cannot delete object {obj!r}, because it has associated "
                                     f"{attr.name}, and 'cascade_delete' option of {attr} is not set")
    else:
        _set_raw(cache, value, reverse, None)
