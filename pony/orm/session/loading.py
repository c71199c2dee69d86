"""Reading objects: by primary key (seeds batch-loaded), by attribute values, lazy attributes.

Statements are built as sql.ast nodes, compiled once per shape and cached on the entity.
"""

from __future__ import annotations

from typing import Any

from .. import errors
from ..sql import ast
from .cache import SessionCache
from .objects import MISSING, RowReader, link_one_to_one, materialize, pkval_from_raw, seed

ALIAS = "t"


def raw_pk(obj: Any) -> tuple:
    """The primary key of ``obj`` as a flat tuple of column values."""
    if obj._row_ is not None:  # row-backed: a plain one-column key
        return (obj._pk_attrs_[0].converters[0].py2sql(obj._pkval_),)
    values = []
    for attr in obj._pk_attrs_:
        value = obj._vals_[attr] if attr in obj._vals_ else obj._dbvals_[attr]
        if attr.is_relation:
            values.extend(raw_pk(value))
        else:
            values.append(attr.converters[0].py2sql(value))
    return tuple(values)


def raw_value(attr: Any, value: Any) -> tuple:
    """Column values of ``value`` for ``attr`` (several for a relation to a composite key)."""
    if value is None:
        return (None,) * len(attr.columns)
    if attr.is_relation:
        return raw_pk(value)
    return (attr.converters[0].py2sql(value),)


def discriminator_condition(entity: Any, alias: str | None = ALIAS) -> ast.Node | None:
    root = entity._root_
    attr = root._discriminator_attr_
    if attr is None or (entity is root and not _has_foreign_discriminators(root)):
        return None
    values = [entity._discriminator_] + sorted(
        (sub._discriminator_ for sub in entity._subclasses_), key=str)
    converter = attr.converters[0]
    items = tuple(ast.Value(converter.py2sql(v)) if isinstance(v, (int, str)) else ast.Value(str(v))
                  for v in values)
    return ast.In(ast.Column(alias, attr.columns[0]), items)


def _has_foreign_discriminators(root: Any) -> bool:
    # Rows of the root's table may carry discriminators of no known class only if the user
    # says so; queries on the root itself read every row, as Pony does.
    return False


def entity_columns(entity: Any, alias: str | None = ALIAS) -> tuple:
    return tuple(ast.Column(alias, column) for attr in entity._load_attrs_ for column in attr.columns)


def pk_condition(entity: Any, alias: str | None, start_key: int = 0) -> ast.Node:
    columns = [c for attr in entity._pk_attrs_ for c in attr.columns]
    items = [ast.BinOp("=", ast.Column(alias, c), ast.Param(start_key + i)) for i, c in enumerate(columns)]
    return items[0] if len(items) == 1 else ast.And(*items)


def select_entity(entity: Any, where: ast.Node | None, limit: int | None = None, lock: str | None = None,
                  order_by: tuple = ()) -> ast.Select:
    where = ast.and_(where, discriminator_condition(entity))
    return ast.Select(entity_columns(entity), (ast.Table(entity._table_, ALIAS),), where,
                      order_by=order_by, limit=ast.Value(limit) if limit is not None else None, lock=lock)


def row_reader(entity: Any) -> RowReader:
    reader = entity.__dict__.get("_row_reader_")
    if reader is None:
        reader = RowReader(entity, entity._load_attrs_)
        type.__setattr__(entity, "_row_reader_", reader)
    return reader


def compiled(cache: SessionCache, key: Any, build: Any) -> Any:
    """A compiled statement cached per provider under ``key``."""
    statements = cache.provider.__dict__.setdefault("_statement_cache", {})
    result = statements.get(key)
    if result is None:
        result = statements[key] = cache.provider.compiler.compile(build())
    return result


def fetch_objects(cache: SessionCache, entity: Any, sql: str, arguments: Any) -> list:
    if cache.dirty:
        cache.database._flush_cache(cache)
    cursor, _ = cache.execute(sql, arguments)
    return row_reader(entity).read_all(cache, cursor.fetchall())


# --- by primary key -------------------------------------------------------------------------


def load_seeds(cache: SessionCache, obj: Any) -> None:
    """Load ``obj`` together with up to a batch of other not-loaded objects of its entity."""
    entity = obj.__class__
    root = entity._root_
    seeds = cache.seeds.get(root, {})
    pk_width = sum(len(a.columns) for a in root._pk_attrs_)  # a key reference may span columns
    batch_size = max(1, cache.provider.max_params_count // max(pk_width, 1))
    batch = [obj]
    for other in seeds:
        if len(batch) >= batch_size:
            break
        if other is not obj and other._status_ not in ("marked_to_delete", "deleted", "cancelled"):
            batch.append(other)
    load_by_pks(cache, root if len(batch) > 1 else entity, batch)
    if obj._status_ in ("loaded", "modified") and len(obj._dbvals_) <= len(entity._pk_attrs_) \
            and obj._vals_ is obj._dbvals_:
        seeds.pop(obj, None)
        raise errors.UnrepeatableReadError(f"Phantom object {obj!r} disappeared")


def load_by_pks(cache: SessionCache, entity: Any, objs: list) -> None:
    n = len(objs)
    pk_cols = [c for attr in entity._pk_attrs_ for c in attr.columns]
    key = ("load_by_pks", entity, n)

    def build() -> ast.Select:
        if len(pk_cols) == 1:
            column = ast.Column(ALIAS, pk_cols[0])
            where: ast.Node = ast.BinOp("=", column, ast.Param(0)) if n == 1 else \
                ast.In(column, tuple(ast.Param(i) for i in range(n)))
        else:
            width = len(pk_cols)
            where = ast.Or(*[pk_condition(entity, ALIAS, i * width) for i in range(n)])
        return select_entity(entity, where)

    statement = compiled(cache, key, build)
    arguments = [v for obj in objs for v in raw_pk(obj)]
    seeds = cache.seeds.get(entity._root_, {})
    for obj in objs:
        seeds.pop(obj, None)
    fetch_objects(cache, entity, statement.sql, arguments)
    for obj in objs:
        if len(obj._dbvals_) <= len(obj._pk_attrs_) and obj._vals_ is obj._dbvals_ and obj is not objs[0]:
            seeds[obj] = None  # not found: stays a seed (Entity[pk] will raise ObjectNotFound)


# Key values any driver binds without a type hint (the statement may be prepared on the server).
_PLAIN_KEY_TYPES = (int, str)


def get_by_pk(cache: SessionCache, entity: Any, pkval: Any, for_update: str | None = None) -> Any:
    """``Entity[pk]``: identity map first, then one SELECT; None when there is no such row."""
    index = cache.indexes.get(entity._root_)
    obj = index.get(pkval) if index is not None else None
    if obj is not None and for_update is None:
        if obj._status_ in ("marked_to_delete", "deleted", "cancelled"):
            return None
        if not isinstance(obj, entity):
            return None
        if obj._row_ is not None or len(obj._dbvals_) > len(entity._pk_attrs_) or \
                obj._vals_ is not obj._dbvals_ or obj._status_ == "created":
            return obj
    statement = entity.__dict__.get("_get_by_pk_sql_")
    if statement is None or for_update is not None or statement[0] is not cache.provider:
        statement = (cache.provider, compiled(cache, ("get_by_pk", entity, for_update), lambda: select_entity(
            entity, pk_condition(entity, ALIAS), lock=for_update)).sql)
        if for_update is None:
            type.__setattr__(entity, "_get_by_pk_sql_", statement)
    pk_attrs = entity._pk_attrs_
    prepared = False
    if len(pk_attrs) == 1 and not pk_attrs[0].is_relation:
        arguments: Any = (pk_attrs[0].converters[0].py2sql(pkval),)
        prepared = type(arguments[0]) in _PLAIN_KEY_TYPES
    else:
        probe = obj if obj is not None else seed(cache, entity, pkval)
        arguments = raw_pk(probe)
    if for_update is not None:
        cache.begin()
    if obj is not None:
        cache.seeds.get(entity._root_, {}).pop(obj, None)
    if cache.dirty:
        cache.database._flush_cache(cache)
    cursor, _ = cache.execute(statement[1], arguments, prepared=prepared, reusable=True)
    rows = cursor.fetchall()
    if not rows:
        return None
    found = row_reader(entity).read_all(cache, rows)[0]
    if for_update is not None:
        cache.for_update.add(found)
    if not isinstance(found, entity):
        return None
    return found


# --- lazy attributes and reverse one-to-one -----------------------------------------------


def load_attribute(cache: SessionCache, obj: Any, attr: Any) -> Any:
    """Load a lazy attribute (or any column not loaded yet) of a loaded object."""
    entity = obj.__class__
    key = ("load_attr", entity, attr)
    if obj._row_ is not None:
        materialize(obj)

    def build() -> ast.Select:
        columns = tuple(ast.Column(ALIAS, c) for c in attr.columns)
        return ast.Select(columns, (ast.Table(entity._table_, ALIAS),), pk_condition(entity, ALIAS))

    statement = compiled(cache, key, build)
    if cache.dirty:
        cache.database._flush_cache(cache)
    cursor, _ = cache.execute(statement.sql, raw_pk(obj))
    row = cursor.fetchone()
    if row is None:
        raise errors.UnrepeatableReadError(f"Phantom object {obj!r} disappeared")
    if attr.is_relation:
        value = None if row[0] is None else seed(cache, attr.py_type, pkval_from_raw(cache, attr.py_type,
                                                                                     list(row)))
    else:
        value = row[0]
        if value is not None:
            value = attr.converters[0].sql2py(value)
    dbvals = obj._dbvals_
    dbvals[attr] = value
    if obj._vals_ is not dbvals and attr not in obj._vals_:
        obj._vals_[attr] = value
    if attr.is_relation and attr.reverse is not None and not attr.reverse.is_collection and not attr.reverse.columns:
        link_one_to_one(obj, attr, value)
    return obj._vals_[attr]


def load_reverse_one_to_one(cache: SessionCache, obj: Any, attr: Any) -> Any:
    """The value of a one-to-one attribute whose foreign key lives on the other side."""
    reverse = attr.reverse
    target = attr.py_type
    key = ("load_reverse_1to1", attr)
    if obj._row_ is not None:
        materialize(obj)

    def build() -> ast.Select:
        cols = reverse.columns
        where = ast.And(*[ast.BinOp("=", ast.Column(ALIAS, c), ast.Param(i)) for i, c in enumerate(cols)]) \
            if len(cols) > 1 else ast.BinOp("=", ast.Column(ALIAS, cols[0]), ast.Param(0))
        return select_entity(target, where)

    statement = compiled(cache, key, build)
    objs = fetch_objects(cache, target, statement.sql, raw_pk(obj))
    if len(objs) > 1:
        raise errors.MultipleObjectsFoundError(
            f"Multiple objects were found. Use {target.__name__}.select(...) to retrieve them")
    value = objs[0] if objs else None
    dbvals = obj._dbvals_
    dbvals[attr] = value
    if obj._vals_ is not dbvals and attr not in obj._vals_:
        obj._vals_[attr] = value
    return obj._vals_[attr]


# --- by attribute values -----------------------------------------------------------------


def find_by_values(cache: SessionCache, entity: Any, attr_values: list, limit: int | None = 2,
                   lock: str | None = None) -> list:
    """Objects whose attributes equal the given values (``Entity.get(**kwargs)``)."""
    shape = tuple((attr, value is None) for attr, value in attr_values)
    key = ("find_by_values", entity, shape, limit, lock)

    def build() -> ast.Select:
        conditions = []
        index = 0
        for attr, is_none in shape:
            for column in attr.columns:
                col = ast.Column(ALIAS, column)
                if is_none:
                    conditions.append(ast.IsNull(col))
                else:
                    conditions.append(ast.BinOp("=", col, ast.Param(index)))
                    index += 1
        return select_entity(entity, ast.and_(*conditions), limit=limit, lock=lock)

    statement = compiled(cache, key, build)
    arguments = [v for attr, value in attr_values if value is not None for v in raw_value(attr, value)]
    if lock is not None:
        cache.begin()
    objs = fetch_objects(cache, entity, statement.sql, arguments)
    return [obj for obj in objs if obj._status_ not in ("marked_to_delete", "deleted", "cancelled")]


__all__ = ["MISSING", "raw_pk", "raw_value", "pkval_from_raw", "get_by_pk", "load_seeds", "load_attribute",
           "find_by_values", "fetch_objects", "row_reader", "select_entity", "compiled"]
