"""``Query.prefetch(*entities_or_attributes)``: load related objects of a result up front.

Each level is loaded in bulk: one query per collection attribute (and per lazy attribute) for
all the objects of the level, in chunks of the provider's parameter limit; related objects
known only by key are loaded by the session's batch loading of seeds (one query per batch).
"""

from __future__ import annotations

from typing import Any

from ..model.attributes import Attribute
from ..session.bulk_loading import lazy_reader, load_collections, load_lazy, load_objects
from ..session.loading import load_seeds
from ..session.objects import MARKED_TO_DELETE, current_cache
from ..sql import ast

_GONE = (MARKED_TO_DELETE, "deleted", "cancelled")


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
    cache = current_cache(query._database)
    _prefetch_objects(cache, objects, query._prefetch, set())


def _wanted(attr: Any, attrs: list, entities: list) -> bool:
    if attr in attrs:
        return True
    return (attr.is_relation and not attr.is_collection
            and any(issubclass(attr.py_type, e) or issubclass(e, attr.py_type) for e in entities))


def _wanted_attrs(cls: Any, attrs: list, entities: list) -> list:
    """The attributes of objects of ``cls`` to prefetch: wanted ones, then wanted lazy columns."""
    wanted = [attr for attr in cls._attrs_ if _wanted(attr, attrs, entities)]
    wanted.extend(lazy for lazy in getattr(cls, "_lazy_attrs_", ()) if lazy in attrs and not lazy.is_relation)
    return wanted


def with_lazy_columns(query: Any) -> Any:
    """For a query of one entity that prefetches lazy attributes of it: ``(shape, build, reader)``
    putting their columns into the main SELECT, right after the entity's own (no extra query)."""
    translation = query._translation
    if not translation.single or translation.results[0].entity is None:
        return None
    item = translation.results[0]
    lazy = _lazy_wanted(item.entity, [a for a in query._prefetch if isinstance(a, Attribute)])
    if not lazy:
        return None
    width = sum(len(attr.columns) for attr in item.entity._load_attrs_)
    extra = tuple(ast.Column(item.alias, c) for attr in lazy for c in attr.columns)

    def build(select: ast.Select) -> ast.Select:
        return select.replace(columns=select.columns[:width] + extra + select.columns[width:])
    return ("lazy", lazy), build, lazy_reader(item.entity, lazy)


def _lazy_wanted(entity: Any, attrs: list) -> tuple:
    """The lazy column attributes among ``attrs`` that objects of ``entity`` (or its subclasses) have."""
    return tuple(a for a in attrs if a.lazy and not a.is_relation and not a.is_collection
                 and (issubclass(entity, a.entity) or issubclass(a.entity, entity)))


def _prefetch_objects(cache: Any, objects: list, args: tuple, seen: set) -> None:
    attrs = [a for a in args if isinstance(a, Attribute)]
    entities = [a for a in args if not isinstance(a, Attribute)]
    fresh = []
    for obj in objects:
        if id(obj) not in seen and obj._status_ not in _GONE:
            seen.add(id(obj))
            fresh.append(obj)
    by_attr: dict = {}  # attribute -> the objects whose value of it is wanted
    wanted_of: dict = {}  # class -> its wanted attributes, decided once per class
    for obj in fresh:
        cls = type(obj)
        wanted = wanted_of.get(cls)
        if wanted is None:
            wanted = wanted_of[cls] = _wanted_attrs(cls, attrs, entities)
        for attr in wanted:
            owners = by_attr.get(attr)
            if owners is None:
                by_attr[attr] = [obj]
            else:
                owners.append(obj)
    next_level: list = []
    for attr, owners in by_attr.items():
        if attr.is_collection:
            # the items come with their wanted lazy columns: one query for the level
            next_level.extend(load_collections(cache, attr, owners, _lazy_wanted(attr.py_type, attrs)))
        elif attr.is_relation:
            related = [v for v in (getattr(obj, attr.name) for obj in owners) if v is not None]
            if not load_objects(cache, attr.py_type._root_, related, _lazy_wanted(attr.py_type, attrs)):
                for value in related:
                    if value in cache.seeds.get(value._root_, ()):
                        load_seeds(cache, value)  # with the other seeds of its entity, in one batch
            next_level.extend(related)
        else:
            load_lazy(cache, attr, owners)
    if next_level:
        _prefetch_objects(cache, next_level, args, seen)
