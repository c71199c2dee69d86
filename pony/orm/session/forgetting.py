"""After a bulk UPDATE: objects in the session forget the values the statement may have changed.

The statement does not say which rows it matched, so every object of the entity in the session
drops the updated attributes (and its optimistic-check read marks for them); the next access, or
the next query loading the object, reads the new value. Forgetting the read marks matters twice:
a later flush of the object must not check the pre-update value (a spurious OptimisticCheckError),
and a query re-reading the row must not see the change as someone else's (UnrepeatableReadError).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .cache import SessionCache
from .objects import CANCELLED, CREATED, DELETED, MARKED_TO_DELETE, MISSING, materialize, pk_index

_SKIPPED = (CREATED, CANCELLED, DELETED, MARKED_TO_DELETE)


def forget_updated_values(cache: SessionCache, entity: Any, attrs: Iterable[Any]) -> None:
    """Objects of ``entity`` (subclasses included) forget ``attrs``; for a relation attribute,
    the objects on the other side forget the reverse attribute (its collection or object)."""
    attrs = tuple(attrs)
    for obj in list(pk_index(cache, entity).values()):
        if isinstance(obj, entity) and obj._status_ not in _SKIPPED:
            _forget(cache, obj, attrs)
    for attr in attrs:
        reverse = attr.reverse if attr.is_relation else None
        if reverse is None:
            continue
        for other in list(pk_index(cache, reverse.entity).values()):
            if isinstance(other, reverse.entity) and other._status_ not in _SKIPPED:
                _forget(cache, other, (reverse,))


def _forget(cache: SessionCache, obj: Any, attrs: tuple) -> None:
    materialize(obj)  # a row-backed object gets its dicts first
    vals, dbvals = obj._vals_, obj._dbvals_
    _unindex_keys(cache, obj, dbvals, attrs)
    for attr in attrs:
        dbvals.pop(attr, None)
        if vals is not dbvals:
            vals.pop(attr, None)
        obj._rbits_ &= ~attr.bit


def _unindex_keys(cache: SessionCache, obj: Any, dbvals: dict, attrs: tuple) -> None:
    """Unique keys that involve a forgotten attribute no longer point at ``obj``."""
    entity = obj.__class__
    for attr in entity._simple_keys_:
        if attr in attrs and not attr.is_pk:
            index = cache.indexes.get(attr)
            value = dbvals.get(attr, MISSING)
            if index is not None and value is not MISSING and index.get(value) is obj:
                del index[value]
    for key in entity._composite_keys_:
        if key is entity._pk_attrs_ or not any(attr in attrs for attr in key):
            continue
        values = tuple(dbvals.get(attr, MISSING) for attr in key)
        index = cache.indexes.get(key)
        if index is not None and MISSING not in values and index.get(values) is obj:
            del index[values]
