"""``make_proxy(obj)``: a handle on an entity instance that outlives its session.

The proxy keeps only the entity class and the primary key; every attribute access looks the
object up with ``Entity[pk]`` in whatever session is current, so it can be stored (e.g. in a
web session) and used again in a later ``db_session``.
"""

from __future__ import annotations

from typing import Any

from .objects import CANCELLED, DELETED, MARKED_TO_DELETE, cache_of


class EntityProxy:
    __slots__ = ("_entity_", "_obj_pk_")

    def __init__(self, obj: Any) -> None:
        entity = obj.__class__
        pkval = obj.get_pk()
        if pkval is None:
            if obj._status_ in (MARKED_TO_DELETE, DELETED, CANCELLED):
                raise ValueError(f"Cannot make a proxy for {entity.__name__} object: "
                                 "primary key is not specified")
            cache = cache_of(obj)
            cache.database._flush_cache(cache)  # an auto pk is known only after the INSERT
            pkval = obj.get_pk()
            if pkval is None:
                raise ValueError(f"Cannot make a proxy for {entity.__name__} object: "
                                 "primary key is not specified")
        object.__setattr__(self, "_entity_", entity)
        object.__setattr__(self, "_obj_pk_", pkval)

    def _get_object(self) -> Any:
        """The instance in the current session (``ObjectNotFound`` if it is gone)."""
        return self._entity_[self._obj_pk_]

    _get_current_object = _get_object  # lets code that unwraps Flask proxies unwrap this one too

    def __getattr__(self, name: str) -> Any:
        return getattr(self._get_object(), name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._get_object(), name, value)

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"'EntityProxy' object has no attribute {name!r}")

    def __eq__(self, other: object) -> bool:
        if isinstance(other, EntityProxy):
            return self._entity_ is other._entity_ and self._obj_pk_ == other._obj_pk_
        if isinstance(other, self._entity_):
            return other.get_pk() == self._obj_pk_
        return False

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        entity = self._entity_
        pkval = self._obj_pk_
        shown = ",".join(map(repr, pkval)) if isinstance(pkval, tuple) else repr(pkval)
        return f"<EntityProxy({entity.__name__}[{shown}])>"


def make_proxy(obj: Any) -> EntityProxy:
    """An ``EntityProxy`` for ``obj`` (flushes first when its auto pk is not assigned yet)."""
    return EntityProxy(obj)
