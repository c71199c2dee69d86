"""Loading one attribute of many objects at once: a collection or a lazy column, one query per
chunk of owners (chunks fit the provider's parameter limit). Used by ``prefetch`` and by cascade
deletes, which load a whole level of a tree at a time.
"""

from __future__ import annotations

from typing import Any

from ..sql import ast
from .collections import set_data
from .loading import ALIAS, compiled, row_reader, select_entity
from .objects import MARKED_TO_DELETE, RowReader, materialize

_GONE = (MARKED_TO_DELETE, "deleted", "cancelled")


def _chunks(items: list, size: int) -> list:
    return [items[i:i + size] for i in range(0, len(items), size)]


def _single_pk(entity: Any) -> bool:
    return not entity._pk_is_composite_ and len(entity._pk_attrs_[0].columns) == 1 \
        and not entity._pk_attrs_[0].is_relation


def lazy_reader(entity: Any, lazy: tuple) -> Any:
    """A row reader of ``entity``'s usual columns followed by the ``lazy`` ones."""
    if not lazy:
        return row_reader(entity)
    readers = entity.__dict__.get("_lazy_row_readers_")
    if readers is None:
        readers = {}
        type.__setattr__(entity, "_lazy_row_readers_", readers)
    reader = readers.get(lazy)
    if reader is None:
        reader = readers[lazy] = RowReader(entity, tuple(entity._load_attrs_) + lazy)
    return reader


def _with_lazy(select: ast.Select, lazy: tuple) -> ast.Select:
    extra = tuple(ast.Column(ALIAS, c) for attr in lazy for c in attr.columns)
    return select.replace(columns=select.columns + extra) if extra else select


def load_objects(cache: Any, entity: Any, objs: list, lazy: tuple = ()) -> bool:
    """Read not-yet-loaded ``objs`` of ``entity`` (and their ``lazy`` columns) with one query per
    chunk; False when the entity's key is not one plain column (the caller loads them another way)."""
    if not _single_pk(entity):
        return False
    root = entity._root_
    seeds = cache.seeds.get(root, {})
    if lazy:  # the lazy values go into the objects' dicts
        for obj in objs:
            materialize(obj)
    pending = [obj for obj in dict.fromkeys(objs) if obj._status_ not in _GONE
               and (obj in seeds or any(a not in obj._dbvals_ for a in lazy))]
    if not pending:
        return True
    if cache.dirty:
        cache.database._flush_cache(cache)
    reader = lazy_reader(root, lazy)
    key_column = ast.Column(ALIAS, root._pk_attrs_[0].columns[0])
    py2sql = root._pk_attrs_[0].converters[0].py2sql
    for chunk in _chunks(pending, max(1, cache.provider.max_params_count)):
        n = len(chunk)

        def build(n: int = n) -> ast.Select:
            return _with_lazy(select_entity(root, ast.In(key_column, tuple(ast.Param(i) for i in range(n)))), lazy)
        statement = compiled(cache, ("prefetch_objects", root, lazy, n), build)
        for obj in chunk:
            seeds.pop(obj, None)
        cursor, _ = cache.execute(statement.sql, [py2sql(obj._pk_) for obj in chunk])
        reader.read_all(cache, cursor.fetchall())
    return True


def load_collections(cache: Any, attr: Any, owners: list, lazy: tuple = ()) -> list:
    """Fill ``attr`` of every owner with one query per chunk (items read with their ``lazy``
    columns too); returns all the items."""
    pending = [obj for obj in owners if not set_data(obj, attr).is_fully_loaded]
    owner_entity = attr.entity
    if not pending or not _single_pk(owner_entity) or len(attr.reverse.columns) != 1 and not attr.is_m2m:
        return [item for obj in owners for item in getattr(obj, attr.name)]
    if cache.dirty:
        cache.database._flush_cache(cache)
    target = attr.py_type
    reader = lazy_reader(target, lazy)
    key_attr = owner_entity._pk_attrs_[0]
    to_python = key_attr.converters[0].sql2py
    size = max(1, cache.provider.max_params_count - 1)
    found: dict = {id(obj): {} for obj in pending}
    by_key = {obj._pk_: obj for obj in pending}
    for chunk in _chunks(pending, size):
        n = len(chunk)
        statement = compiled(cache, ("prefetch_collection", attr, lazy, n),
                             lambda n=n: _collection_select(attr, n, lazy))
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


def _collection_select(attr: Any, n: int, lazy: tuple = ()) -> ast.Select:
    """The items of ``attr`` for ``n`` owners, each row ending with its owner's key."""
    target = attr.py_type
    params = tuple(ast.Param(i) for i in range(n))
    if attr.is_m2m:
        owner_columns = attr.reverse_columns if attr.reverse is attr else attr.reverse.columns
        owner_column = ast.Column("m", owner_columns[0])
        target_pk = [c for a in target._root_._pk_attrs_ for c in a.columns]
        join_on = ast.and_(*[ast.BinOp("=", ast.Column("m", c), ast.Column(ALIAS, pk_col))
                             for c, pk_col in zip(attr.columns, target_pk)])
        select = _with_lazy(select_entity(target, ast.In(owner_column, params)), lazy)
        return select.replace(columns=select.columns + (owner_column,),
                              sources=(ast.Table(attr.m2m_table, "m"),
                                       ast.Join("INNER", ast.Table(target._table_, ALIAS), join_on)))
    owner_column = ast.Column(ALIAS, attr.reverse.columns[0])
    select = _with_lazy(select_entity(target, ast.In(owner_column, params)), lazy)
    return select.replace(columns=select.columns + (owner_column,))


def load_lazy(cache: Any, attr: Any, owners: list) -> None:
    """Read a lazy column of all ``owners`` that have not read it yet, one query per chunk."""
    entity = attr.entity
    for obj in owners:
        materialize(obj)
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



