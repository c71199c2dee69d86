"""Pickling entity instances: loaded, unmodified objects travel with their column values and
join the identity map of whatever session unpickles them."""

from __future__ import annotations

from typing import Any

from .. import errors
from .objects import CANCELLED, CREATED, DELETED, MARKED_TO_DELETE, MODIFIED, current_cache, merge_loaded


def reduce_entity(obj: Any) -> Any:
    status = obj._status_
    if status in (MARKED_TO_DELETE, DELETED, CANCELLED):
        raise errors.OperationWithDeletedObjectError(f"Deleted object {obj!r} cannot be pickled")
    if status == CREATED or obj._pkval_ is None:
        raise errors.OrmError(f"Created object {obj!r} has to be stored in DB before it can be pickled")
    if status == MODIFIED:
        raise errors.OrmError(f"Modified object {obj!r} has to be stored in DB before it can be pickled")
    row = obj._row_
    vals = obj._vals_ if row is None else dict(zip(obj.__class__._load_attrs_, row))
    values = {attr.name: value for attr, value in vals.items()
              if not attr.is_collection and hasattr(attr, "name")}
    values = {name: (v.get_untracked() if hasattr(v, "get_untracked") else v) for name, v in values.items()}
    # the class travels by reference (module and name), like any class
    return unpickle_entity, (type(obj), obj._pkval_, values)


def unpickle_entity(entity: Any, pkval: Any, values: dict) -> Any:
    cache = current_cache(entity._database_)
    vals = {entity._adict_[name]: value for name, value in values.items()}
    return merge_loaded(cache, entity, pkval, vals)
