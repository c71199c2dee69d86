"""``pony.orm.serialization``: entity instances as nested dicts and JSON (SPEC 13).

The shape is ``{EntityName: {pk: {attr: value}}}``. Related objects are referred to by their
primary key and added to the result one level deep; a composite key becomes one string
``'a,b'`` in which ``*`` is written ``**`` and ``,`` inside a part is written ``*,``.

Pydantic v2 needs nothing from this module: ``Model.model_validate(obj, from_attributes=True)``
reads entity attributes directly (collections iterate as lists of instances); see
``tests/test_serialization.py`` for the supported shapes.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from . import errors
from .entity import Entity

__all__ = ["to_dict", "to_json", "Bag"]


def encode_pk(obj: Any) -> Any:
    """The key of ``obj`` in the result: its pk, or ``'a,b'`` for a composite one."""
    pk = obj.get_pk()
    if not isinstance(pk, tuple):
        return pk
    if len(pk) == 1:
        return pk[0]
    return ",".join(str(part).replace("*", "**").replace(",", "*,") for part in pk)


def _json_default(value: Any) -> str:
    if isinstance(value, (date, datetime, Decimal)):
        return str(value)
    raise TypeError(value)


def _names(value: Any, entity: type) -> list[str] | None:
    if value is None:
        return None
    names = value.replace(",", " ").split() if isinstance(value, str) else list(value)
    for name in names:
        if not isinstance(name, str) or name not in entity._adict_:  # type: ignore[attr-defined]
            raise AttributeError(f"Entity {entity.__name__} does not have attribute {name}")
    return names


@dataclass(frozen=True)
class _EntityConfig:
    attrs: tuple
    related_objects: bool


def _make_config(entity: Any, only: Any = None, exclude: Any = None, with_collections: bool = True,
                 with_lazy: bool = False, related_objects: bool = True) -> _EntityConfig:
    only_names = _names(only, entity)
    exclude_names = set(_names(exclude, entity) or ())
    attrs = []
    for attr in entity._attrs_:
        if only_names is not None:
            if attr.name not in only_names:
                continue
        elif (attr.is_collection and not with_collections) or (attr.lazy and not with_lazy):
            continue
        if attr.name not in exclude_names:
            attrs.append(attr)
    return _EntityConfig(tuple(attrs), related_objects)


class Bag:
    """Collects objects of one database and serializes them with per-entity settings."""

    def __init__(self, database: Any) -> None:
        self.database = database
        self.objects: list = []
        self._seen_ids: set[int] = set()
        self._configs: dict[type, _EntityConfig] = {}
        self._cache: Any = None

    def _check_entity(self, entity: Any) -> None:
        if entity._database_ is not self.database:
            raise TypeError(f"Entity {entity.__name__} does not belong to database {self.database!r}")

    def config(self, entity: Any, only: Any = None, exclude: Any = None, with_collections: bool = True,
               with_lazy: bool = False, related_objects: bool = True) -> None:
        """How instances of ``entity`` are written (attributes, and whether to add related objects)."""
        if not (isinstance(entity, type) and issubclass(entity, Entity)):
            raise TypeError(f"Entity class expected. Got: {entity!r}")
        self._check_entity(entity)
        self._configs[entity] = _make_config(entity, only, exclude, with_collections, with_lazy,
                                             related_objects)

    def put(self, objects: Any) -> None:
        """Add an instance or an iterable of instances."""
        if isinstance(objects, Entity):
            objects = [objects]
        elif not isinstance(objects, Iterable):
            raise TypeError(f"Entity instance or a sequence of instances expected. Got: {objects!r}")
        for obj in objects:
            if not isinstance(obj, Entity):
                raise TypeError(f"Entity instance or a sequence of instances expected. Got: {obj!r}")
            self._check_entity(type(obj))
            cache = obj._session_cache_
            # Objects of a finished session may be combined; a live session admits no strangers.
            if self._cache is not None and cache is not self._cache and self._cache.is_alive:
                raise errors.TransactionError("An attempt to mix objects belonging to different transactions")
            self._cache = cache
            if id(obj) not in self._seen_ids:
                self._seen_ids.add(id(obj))
                self.objects.append(obj)

    def _config_for(self, entity: type) -> _EntityConfig:
        for cls in entity.__mro__:
            config = self._configs.get(cls)
            if config is not None:
                return config
        config = self._configs[entity] = _make_config(entity)
        return config

    def to_dict(self) -> defaultdict:
        result: defaultdict = defaultdict(dict)
        seen: set = set()
        for obj in self.objects:
            self._write(obj, result, seen, main=True)
        return result

    def _write(self, obj: Any, result: defaultdict, seen: set, main: bool) -> None:
        """Write ``obj`` (once); a main object brings its related objects along at once."""
        key = (type(obj)._root_, encode_pk(obj))
        if key in seen:
            return
        seen.add(key)
        config = self._config_for(type(obj))
        follow = main and config.related_objects
        values: dict = {}
        objects = result[type(obj).__name__]  # Pony: the entity comes before its relatives' entities,
        for attr in config.attrs:
            if attr.is_collection:
                if not main:
                    continue  # related objects come without their collections
                items = sorted(getattr(obj, attr.name))
                values[attr.name] = [encode_pk(item) for item in items]
                if follow:
                    for item in items:
                        self._write(item, result, seen, main=False)
                continue
            value = getattr(obj, attr.name)
            if attr.is_relation:
                if value is not None:
                    if follow:
                        self._write(value, result, seen, main=False)
                    value = encode_pk(value)
            elif hasattr(value, "get_untracked"):
                value = value.get_untracked()
            values[attr.name] = value
        objects[key[1]] = values  # ... the object itself after its relatives of the same entity

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), default=_json_default, indent=2, sort_keys=True)


def to_dict(objects: Any) -> dict:
    """``{EntityName: {pk: {attr: value}}}`` for an instance or an iterable of instances."""
    objects = [objects] if isinstance(objects, Entity) else list(objects)
    if not objects:
        return {}
    first = objects[0]
    if not isinstance(first, Entity):
        raise TypeError(f"Entity instance or a sequence of instances expected. Got: {first!r}")
    bag = Bag(first._database_)
    bag.put(objects)
    return dict(bag.to_dict())


def to_json(objects: Any) -> str:
    """``to_dict(objects)`` as indented JSON with sorted keys; dates and Decimals as strings."""
    return json.dumps(to_dict(objects), default=_json_default, indent=2, sort_keys=True)
