"""``Query`` and ``QueryResult``: immutable query objects, executed lazily.

A query is a ``QueryPlan`` (the SQL AST of a SELECT plus how to turn each row into a result
item) with bound argument values and modifiers (order, limit, distinct, lock). Every method
returns a new Query.
"""

from __future__ import annotations

import itertools
import random as random_module
from collections.abc import Iterator
from typing import Any

from .. import errors
from ..session import loading
from ..session.objects import RowReader, current_cache
from ..sql import ast


class EntityResult:
    """Result items that are objects of ``entity``, read from columns at ``offset``."""

    def __init__(self, entity: Any, alias: str, offset: int = 0) -> None:
        self.entity = entity
        self.alias = alias
        self.reader = RowReader(entity, entity._load_attrs_, offset)
        self.width = self.reader.width
        self.py_type = entity

    def columns(self) -> tuple:
        return tuple(ast.Column(self.alias, c) for attr in self.entity._load_attrs_ for c in attr.columns)

    def read(self, cache: Any, row: Any) -> Any:
        return self.reader.read(cache, row)

    def read_all(self, cache: Any, rows: list) -> list:
        return self.reader.read_all(cache, rows)


class ValueResult:
    """A result item that is one converted column value."""

    def __init__(self, expr: ast.Node, offset: int, converter: Any = None, py_type: Any = None) -> None:
        self.expr = expr
        self.offset = offset
        self.width = 1
        self.py_type = py_type
        self.sql2py = converter.sql2py if converter is not None else None

    def columns(self) -> tuple:
        return (self.expr,)

    def read(self, cache: Any, row: Any) -> Any:
        value = row[self.offset]
        if value is not None and self.sql2py is not None:
            value = self.sql2py(value)
        return value


class QueryPlan:
    """What a query reads: a SELECT without its modifiers and the result item readers."""

    def __init__(self, database: Any, select: ast.Select, results: list, single: bool,
                 entity: Any = None) -> None:
        self.database = database
        self.select = select
        self.results = results
        self.single = single
        self.entity = entity  # the entity of the result, when the result is one entity


def entity_plan(entity: Any) -> QueryPlan:
    result = EntityResult(entity, loading.ALIAS)
    select = ast.Select(result.columns(), (ast.Table(entity._table_, loading.ALIAS),),
                        loading.discriminator_condition(entity))
    return QueryPlan(entity._database_, select, [result], single=True, entity=entity)


_query_ids = itertools.count()


class Query:
    def __init__(self, plan: QueryPlan, arguments: dict | None = None, order_by: tuple = (),
                 limit: int | None = None, offset: int | None = None, distinct: bool | None = None,
                 lock: str | None = None, prefetch: tuple = ()) -> None:
        self._plan = plan
        self._arguments = arguments or {}
        self._order_by = order_by
        self._limit = limit
        self._offset = offset
        self._distinct = distinct
        self._lock = lock
        self._prefetch = prefetch
        self._database = plan.database

    @classmethod
    def from_entity(cls, entity: Any, *args: Any, **kwargs: Any) -> Query:
        query = cls(entity_plan(entity))
        if args:
            return query.filter(*args)
        if kwargs:
            return query.filter(**kwargs)
        return query

    def _clone(self, **changes: Any) -> Query:
        values = dict(plan=self._plan, arguments=self._arguments, order_by=self._order_by, limit=self._limit,
                      offset=self._offset, distinct=self._distinct, lock=self._lock, prefetch=self._prefetch)
        values.update(changes)
        return Query(**values)

    # --- SQL ----------------------------------------------------------------------------------

    def _select(self, limit: Any = None, offset: Any = None) -> ast.Select:
        plan = self._plan
        select = plan.select
        order_by = self._order_by or select.order_by
        distinct = select.distinct if self._distinct is None else self._distinct
        return select.replace(order_by=order_by, distinct=distinct,
                              limit=ast.Value(limit) if limit is not None else None,
                              offset=ast.Value(offset) if offset else None, lock=self._lock)

    def _compile(self, select: ast.Select) -> Any:
        provider = self._database.provider
        return provider.compiler.compile(select)

    def get_sql(self) -> str:
        return self._compile(self._select(self._limit, self._offset)).sql

    def _execute(self, select: ast.Select) -> tuple:
        database = self._database
        cache = current_cache(database)
        if cache.dirty:
            database._flush_cache(cache)
        compiled = self._compile(select)
        arguments = compiled.arguments(self._arguments) if compiled.param_keys else None
        if self._lock is not None:
            cache.begin()
        key = (compiled.sql, tuple(arguments) if arguments else None)
        if self._lock is None:
            cached = cache.query_results.get(key)
            if cached is not None:
                cache.stats.cache_hit(compiled.sql)
                return cache, cached
        cursor, _ = cache.execute(compiled.sql, arguments)
        rows = cursor.fetchall()
        from ... import options
        max_count = options.MAX_FETCH_COUNT
        if max_count is not None and len(rows) > max_count:
            raise errors.TooManyObjectsFoundError(f"Query returned more than {max_count} rows")
        items = self._read_rows(cache, rows)
        if self._lock is not None:
            for item in items:
                if hasattr(item, "_session_cache_"):
                    cache.for_update.add(item)
        else:
            cache.query_results[key] = items
        return cache, items

    def _read_rows(self, cache: Any, rows: list) -> list:
        results = self._plan.results
        if self._plan.single:
            result = results[0]
            read_all = getattr(result, "read_all", None)
            if read_all is not None:
                return read_all(cache, rows)
            read = result.read
            return [read(cache, row) for row in rows]
        return [tuple(r.read(cache, row) for r in results) for row in rows]

    def _fetch(self, limit: Any = None, offset: Any = None) -> list:
        _, items = self._execute(self._select(limit, offset))
        return list(items)

    # --- iteration and slicing ----------------------------------------------------------------

    def __iter__(self) -> Iterator:
        return iter(self._fetch(self._limit, self._offset))

    def __len__(self) -> int:
        return len(self._fetch(self._limit, self._offset))

    def fetch(self, limit: int | None = None, offset: int | None = None) -> QueryResult:
        return QueryResult(self._fetch(limit, offset), self)

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, slice):
            start, stop, step = key.start, key.stop, key.step
            if step is not None and step != 1:
                raise TypeError("Parameter 'step' of slice object is not allowed here")
            if start is not None and start < 0 or stop is not None and stop < 0:
                raise TypeError("Parameters of slice object cannot be negative")
            start = start or 0
            if stop is None:
                return QueryResult(self._fetch(None, start or None), self)
            return QueryResult(self._fetch(max(stop - start, 0), start or None), self)
        raise TypeError("If you want apply index to a query, convert it to list first")

    def limit(self, limit: int | None = None, offset: int | None = None) -> QueryResult:
        return QueryResult(None, self._clone(limit=limit, offset=offset))

    def page(self, pagenum: int, pagesize: int = 10) -> QueryResult:
        offset = (pagenum - 1) * pagesize
        return self.limit(pagesize, offset)

    def first(self) -> Any:
        query = self
        if not self._order_by and not self._plan.select.order_by:
            columns = self._plan.select.columns
            query = self._clone(order_by=tuple(ast.OrderBy(ast.Value(i + 1)) for i in range(len(columns))))
        items = query._fetch(1, None)
        return items[0] if items else None

    def get(self) -> Any:
        items = self._fetch(2, None)
        if not items:
            return None
        if len(items) > 1:
            raise errors.MultipleObjectsFoundError("Multiple objects were found. Use select(...) to retrieve them")
        return items[0]

    def exists(self) -> bool:
        select = self._select(1, None).replace(columns=(ast.Value(1),), distinct=False, order_by=())
        _, items = self._execute_scalar(select)
        return bool(items)

    def _execute_scalar(self, select: ast.Select) -> tuple:
        database = self._database
        cache = current_cache(database)
        if cache.dirty:
            database._flush_cache(cache)
        compiled = self._compile(select)
        arguments = compiled.arguments(self._arguments) if compiled.param_keys else None
        key = (compiled.sql, tuple(arguments) if arguments else None)
        cached = cache.query_results.get(key)
        if cached is not None:
            cache.stats.cache_hit(compiled.sql)
            return cache, cached
        cursor, _ = cache.execute(compiled.sql, arguments)
        rows = cursor.fetchall()
        cache.query_results[key] = rows
        return cache, rows

    # --- aggregates ---------------------------------------------------------------------------

    def count(self, distinct: bool | None = None) -> int:
        inner = self._select(self._limit, self._offset).replace(order_by=())
        select = ast.Select((ast.Aggregate("COUNT", None),), (ast.SubqueryTable(inner, "q"),))
        _, rows = self._execute_scalar(select)
        return rows[0][0]

    # --- modifiers ----------------------------------------------------------------------------

    def distinct(self) -> Query:
        return self._clone(distinct=True)

    def without_distinct(self) -> Query:
        return self._clone(distinct=False)

    def for_update(self, nowait: bool = False, skip_locked: bool = False) -> Query:
        if nowait and skip_locked:
            raise TypeError("nowait and skip_locked options are mutually exclusive")
        provider = self._database.provider
        if not provider.SUPPORTS_FOR_UPDATE:
            return self._clone(lock=None)
        lock = "update nowait" if nowait else "update skip locked" if skip_locked else "update"
        return self._clone(lock=lock)

    def order_by(self, *args: Any) -> Query:
        from .ordering import order_by_args
        return order_by_args(self, args)

    sort_by = order_by

    def filter(self, *args: Any, **kwargs: Any) -> Query:
        from .filtering import filter_query
        return filter_query(self, args, kwargs)

    def where(self, *args: Any, **kwargs: Any) -> Query:
        from .filtering import filter_query
        return filter_query(self, args, kwargs)

    def random(self, limit: int) -> QueryResult:
        query = self._clone(order_by=(ast.OrderBy(ast.Random()),))
        return QueryResult(query._fetch(limit, None), query)

    def prefetch(self, *args: Any) -> Query:
        return self._clone(prefetch=self._prefetch + args)

    def delete(self, bulk: bool | None = None) -> int:
        entity = self._plan.entity
        if entity is None:
            raise TypeError("Delete query should be applied to a single entity. Got: "
                            f"{', '.join(r.py_type.__name__ for r in self._plan.results)}")
        if not bulk:
            objects = list(self)
            for obj in objects:
                obj.delete()
            return len(objects)
        return self._bulk_delete(entity)

    def _bulk_delete(self, entity: Any) -> int:
        database = self._database
        cache = current_cache(database)
        if cache.dirty:
            database._flush_cache(cache)
        select = self._plan.select
        pk_columns = [c for attr in entity._pk_attrs_ for c in attr.columns]
        inner = select.replace(columns=tuple(ast.Column(loading.ALIAS, c) for c in pk_columns))
        if len(pk_columns) == 1 and len(select.sources) == 1 and isinstance(select.sources[0], ast.Table):
            node: ast.Node = ast.Delete(entity._table_, _unalias(select.where), None)
        else:
            node = ast.Delete(entity._table_, ast.InSelect(ast.Row(*[ast.Column(None, c) for c in pk_columns])
                                                           if len(pk_columns) > 1 else ast.Column(None, pk_columns[0]),
                                                           ast.Select((ast.Star(),), (ast.SubqueryTable(inner, "q"),))))
        compiled = self._compile(node)
        arguments = compiled.arguments(self._arguments) if compiled.param_keys else None
        cursor, _ = cache.execute(compiled.sql, arguments, write=True)
        cache.query_results.clear()
        return cursor.rowcount

    def show(self, width: int | None = None, stream: Any = None) -> None:
        from .show import show_query
        show_query(self, width, stream)

    def __repr__(self) -> str:
        return f"<Query {self.get_sql()!r}>"

    def __reduce__(self) -> Any:
        return QueryResult, (self._fetch(self._limit, self._offset), None)


def _unalias(node: Any) -> Any:
    """The same condition with ``t.col`` written as ``col`` (a single-table DELETE has no alias)."""
    if node is None:
        return None
    if isinstance(node, ast.Column):
        return ast.Column(None, node.name) if node.alias == loading.ALIAS else node
    if isinstance(node, ast.Node):
        values = [_unalias_value(getattr(node, name)) for name in node.__slots__]
        clone = object.__new__(type(node))
        for name, value in zip(node.__slots__, values):
            object.__setattr__(clone, name, value)
        return clone
    return node


def _unalias_value(value: Any) -> Any:
    if isinstance(value, ast.Node):
        return _unalias(value)
    if isinstance(value, tuple):
        return tuple(_unalias_value(v) for v in value)
    return value


class QueryResult:
    """A list-like result; lazy (from ``limit``/``page``) until first used."""

    def __init__(self, items: list | None, query: Query | None) -> None:
        self._items = items
        self._query = query

    def _get_items(self) -> list:
        if self._items is None:
            query = self._query
            self._items = query._fetch(query._limit, query._offset)  # type: ignore[union-attr]
        return self._items

    def __len__(self) -> int:
        return len(self._get_items())

    def __iter__(self) -> Iterator:
        return iter(self._get_items())

    def __getitem__(self, key: Any) -> Any:
        return self._get_items()[key]

    def __contains__(self, item: Any) -> bool:
        return item in self._get_items()

    def __reversed__(self) -> Iterator:
        return reversed(self._get_items())

    def index(self, item: Any) -> int:
        return self._get_items().index(item)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, QueryResult):
            other = other._get_items()
        return self._get_items() == other

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __lt__(self, other: Any) -> bool:
        return self._get_items() < list(other)

    def __le__(self, other: Any) -> bool:
        return self._get_items() <= list(other)

    def __gt__(self, other: Any) -> bool:
        return self._get_items() > list(other)

    def __ge__(self, other: Any) -> bool:
        return self._get_items() >= list(other)

    __hash__ = None  # type: ignore[assignment]

    def __add__(self, other: Any) -> list:
        return self._get_items() + list(other)

    def __radd__(self, other: Any) -> list:
        return list(other) + self._get_items()

    def to_list(self) -> list:
        return list(self._get_items())

    def sort(self, *args: Any, **kwargs: Any) -> None:
        self._get_items().sort(*args, **kwargs)

    def reverse(self) -> None:
        self._get_items().reverse()

    def shuffle(self) -> None:
        random_module.shuffle(self._get_items())

    def show(self, width: int | None = None, stream: Any = None) -> None:
        from .show import show_result
        show_result(self, width, stream)

    def __repr__(self) -> str:
        if self._items is None:
            return f"<Lazy QueryResult object at {hex(id(self))}>"
        return repr(self._items)

    def __str__(self) -> str:
        return str(self._get_items())

    def __reduce__(self) -> Any:
        return QueryResult, (self._get_items(), None)

    def _not_supported(name: str) -> Any:  # type: ignore[misc]
        def method(self: Any, *args: Any, **kwargs: Any) -> Any:
            raise TypeError(f"In order to do {name}, cast QueryResult to list first")
        method.__name__ = name
        return method

    for _name in ("append", "extend", "insert", "pop", "remove", "clear", "__setitem__", "__delitem__",
                  "__iadd__", "__imul__", "__mul__", "__rmul__"):
        locals()[_name] = _not_supported(_name)
    del _name, _not_supported
