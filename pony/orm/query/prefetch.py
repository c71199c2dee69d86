"""``Query.prefetch(*entities_or_attributes)``: load related objects of a result up front.

Each level is loaded in bulk: one query per collection attribute (and per lazy attribute) for
all the objects of the level, in chunks of the provider's parameter limit; related objects
known only by key are loaded by the session's batch loading of seeds (one query per batch).
"""

from __future__ import annotations

from typing import Any

from ..model.attributes import Attribute
from ..session.collections import set_data
from ..session.loading import ALIAS, compiled, load_seeds, row_reader, select_entity
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


def _prefetch_objects(cache: Any, objects: list, args: tuple, seen: set) -> None:
    attrs = [a for a in args if isinstance(a, Attribute)]
    entities = [a for a in args if not isinstance(a, Attribute)]
    fresh = []
    for obj in objects:
        if id(obj) not in seen and obj._status_ not in _GONE:
            seen.add(id(obj))
            fresh.append(obj)
    by_attr: dict = {}  # attribute -> the objects whose value of it is wanted
    for obj in fresh:
        for attr in type(obj)._attrs_:
            if _wanted(attr, attrs, entities):
                by_attr.setdefault(attr, []).append(obj)
        for lazy in getattr(type(obj), "_lazy_attrs_", ()):
            if lazy in attrs and not lazy.is_relation:
                by_attr.setdefault(lazy, []).append(obj)
    next_level: list = []
    for attr, owners in by_attr.items():
        if attr.is_collection:
            next_level.extend(_load_collections(cache, attr, owners))
        elif attr.is_relation:
            related = [v for v in (getattr(obj, attr.name) for obj in owners) if v is not None]
            for value in related:
                if value in cache.seeds.get(value._root_, ()):
                    load_seeds(cache, value)  # with the other seeds of its entity, in one batch
            next_level.extend(related)
        else:
            _load_lazy(cache, attr, owners)
    if next_level:
        _prefetch_objects(cache, next_level, args, seen)


def _chunks(items: list, size: int) -> list:
    return [items[i:i + size] for i in range(0, len(items), size)]


def _single_pk(entity: Any) -> bool:
    return not entity._pk_is_composite_ and len(entity._pk_attrs_[0].columns) == 1 \
        and not entity._pk_attrs_[0].is_relation


def _load_collections(cache: Any, attr: Any, owners: list) -> list:
    """Fill ``attr`` of every owner with one query per chunk; returns all the items."""
    pending = [obj for obj in owners if not set_data(obj, attr).is_fully_loaded]
    owner_entity = attr.entity
    if not pending or not _single_pk(owner_entity) or len(attr.reverse.columns) != 1 and not attr.is_m2m:
        return [item for obj in owners for item in getattr(obj, attr.name)]
    if cache.dirty:
        cache.database._flush_cache(cache)
    target = attr.py_type
    reader = row_reader(target)
    key_attr = owner_entity._pk_attrs_[0]
    to_python = key_attr.converters[0].sql2py
    size = max(1, cache.provider.max_params_count - 1)
    found: dict = {id(obj): {} for obj in pending}
    by_key = {obj._pk_: obj for obj in pending}
    for chunk in _chunks(pending, size):
        n = len(chunk)
        statement = compiled(cache, ("prefetch_collection", attr, n), lambda n=n: _collection_select(attr, n))
        arguments = [key_attr.converters[0].py2sql(obj._pk_) for obj in chunk]
        cursor, _ = cache.execute(statement.sql, arguments)
        for row in cursor.fetchall():
            item = reader.read(cache, row)
            owner = by_key.get(to_python(row[-1]) if row[-1] is not None else None)
            if owner is not None and item._status_ not in _GONE:
                found[id(owner)][item] = None
    reverse = attr.reverse
    for obj in pending:
        data = set_data(obj, attr)
        data.items = found[id(obj)]
        data.is_fully_loaded = True
        data.count = len(data.items)
        if attr.is_m2m and reverse is not attr:
            for item in data.items:
                set_data(item, reverse).items[obj] = None
    return [item for obj in owners for item in set_data(obj, attr).items]


def _collection_select(attr: Any, n: int) -> ast.Select:
    """The items of ``attr`` for ``n`` owners, each row ending with its owner's key."""
    target = attr.py_type
    params = tuple(ast.Param(i) for i in range(n))
    if attr.is_m2m:
        owner_columns = attr.reverse_columns if attr.reverse is attr else attr.reverse.columns
        owner_column = ast.Column("m", owner_columns[0])
        target_pk = [c for a in target._root_._pk_attrs_ for c in a.columns]
        join_on = ast.and_(*[ast.BinOp("=", ast.Column("m", c), ast.Column(ALIAS, pk_col))
                             for c, pk_col in zip(attr.columns, target_pk)])
        select = select_entity(target, ast.In(owner_column, params))
        return select.replace(columns=select.columns + (owner_column,),
                              sources=(ast.Table(attr.m2m_table, "m"),
                                       ast.Join("INNER", ast.Table(target._table_, ALIAS), join_on)))
    owner_column = ast.Column(ALIAS, attr.reverse.columns[0])
    select = select_entity(target, ast.In(owner_column, params))
    return select.replace(columns=select.columns + (owner_column,))


def _load_lazy(cache: Any, attr: Any, owners: list) -> None:
    """Read a lazy column of all ``owners`` that have not read it yet, one query per chunk."""
    entity = attr.entity
    pending = [obj for obj in owners if attr not in obj._dbvals_ and attr not in obj._vals_]
    if not pending:
        return
    if not _single_pk(entity):
        for obj in pending:
            getattr(obj, attr.name)
        return
    if cache.dirty:
        cache.database._flush_cache(cache)
    key_attr = entity._pk_attrs_[0]
    to_python = key_attr.converters[0].sql2py
    from_db = attr.converters[0].sql2py
    by_key = {obj._pk_: obj for obj in pending}
    size = max(1, cache.provider.max_params_count)
    for chunk in _chunks(pending, size):
        n = len(chunk)
        statement = compiled(cache, ("prefetch_lazy", attr, n), lambda n=n: _lazy_select(attr, n))
        arguments = [key_attr.converters[0].py2sql(obj._pk_) for obj in chunk]
        cursor, _ = cache.execute(statement.sql, arguments)
        for key, value in cursor.fetchall():
            obj = by_key.get(to_python(key))
            if obj is None or attr in obj._dbvals_:
                continue
            value = from_db(value) if value is not None else None
            obj._dbvals_[attr] = value
            if obj._vals_ is not obj._dbvals_ and attr not in obj._vals_:
                obj._vals_[attr] = value


def _lazy_select(attr: Any, n: int) -> ast.Select:
    entity = attr.entity
    key = ast.Column(ALIAS, entity._pk_attrs_[0].columns[0])
    where = ast.In(key, tuple(ast.Param(i) for i in range(n)))
    return ast.Select((key, ast.Column(ALIAS, attr.columns[0])), (ast.Table(entity._table_, ALIAS),), where)



