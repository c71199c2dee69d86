"""Making the identity map forget what it read, so the next access reads the database again.

Used after statements that change rows behind the objects' backs (an upsert), where the stored
values are not known without reading them.
"""

from __future__ import annotations

from typing import Any

from .cache import SessionCache
from .objects import (
    CANCELLED,
    DELETED,
    MARKED_TO_DELETE,
    DeadValues,
    materialize,
    reset_to_seed,
    unindex_unique_values,
)

_DEAD = (MARKED_TO_DELETE, DELETED, CANCELLED)


def forget_object(cache: SessionCache, obj: Any) -> None:
    """Turn a loaded, saved ``obj`` back into a seed (only its primary key known); it stays the
    object of its primary key, so references to it remain valid, and reloads on the next read."""
    materialize(obj)  # a row-backed object gets its dicts first
    if obj._status_ in _DEAD or isinstance(obj._vals_, DeadValues):
        return
    unindex_unique_values(cache, obj, obj._vals_)
    reset_to_seed(obj)
    cache.seeds.setdefault(obj._root_, {})[obj] = None


def forget_reverse_values(cache: SessionCache, attrs: Any) -> None:
    """Forget the other ends of relation ``attrs`` (collections, one-to-one back references) in
    every object of the cache: a statement changed the relations without the objects knowing."""
    for attr in attrs:
        reverse = getattr(attr, "reverse", None)
        if not attr.is_relation or reverse is None or reverse.columns:
            continue
        index = cache.indexes.get(reverse.entity._root_, {})
        for obj in index.values():
            if not isinstance(obj, reverse.entity):
                continue
            materialize(obj)
            if isinstance(obj._vals_, DeadValues):
                continue
            obj._vals_.pop(reverse, None)
            obj._dbvals_.pop(reverse, None)
