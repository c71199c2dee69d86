"""``Query.prefetch(*entities_or_attributes)``: load related objects of a result up front."""

from __future__ import annotations

from typing import Any

from ..model.attributes import Attribute


def check_prefetch_args(query: Any, args: tuple) -> None:
    database = query._database
    for arg in args:
        entity = arg.entity if isinstance(arg, Attribute) else arg
        if getattr(entity, "_database_", None) is not database:
            raise TypeError(f"Entity or attribute {arg!r} belongs to another database")


def prefetch(query: Any, items: list) -> None:
    objects = [
        obj
        for item in items
        for obj in (item if isinstance(item, tuple) else (item,))
        if hasattr(obj, "_pk_attrs_")
    ]
    seen: set = set()
    _prefetch_objects(objects, query._prefetch, seen)


def _prefetch_objects(objects: list, args: tuple, seen: set) -> None:
    attrs = [a for a in args if isinstance(a, Attribute)]
    entities = [a for a in args if not isinstance(a, Attribute)]
    next_level: list = []
    for obj in objects:
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        cls = type(obj)
        for attr in cls._attrs_:
            if attr in attrs or (
                attr.is_relation
                and not attr.is_collection
                and any(issubclass(attr.py_type, e) or issubclass(e, attr.py_type) for e in entities)
            ):
                value = getattr(obj, attr.name)
                if attr.is_collection:
                    value.load()
                    next_level.extend(value)
                elif attr.is_relation and value is not None:
                    value._session_cache_  # noqa: B018 - touching loads a seed
                    for lazy in getattr(type(value), "_lazy_attrs_", ()):
                        if lazy in attrs:
                            getattr(value, lazy.name)
                    next_level.append(value)
        for lazy in getattr(cls, "_lazy_attrs_", ()):
            if lazy in attrs:
                getattr(obj, lazy.name)
    if next_level:
        _prefetch_objects(next_level, args, seen)
