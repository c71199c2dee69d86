"""``Query`` and ``QueryResult``: immutable query objects, executed lazily.

A query is a chain of translation steps (``translation.chain``) with the outer values bound
for this call, plus modifiers (limit, offset, forced DISTINCT, lock, prefetch). Every method
returns a new object. SQL is compiled once per translation and modifier shape and cached on the
translation, so a repeated query only binds parameters.
"""

from __future__ import annotations

import itertools
import random as random_module
from collections.abc import AsyncIterator, Iterator
from typing import Any

from ... import options
from .. import errors
from ..dbproviders.base.streams import RowStream
from ..session.objects import RowReader, current_cache, pkval_from_raw, seed, sql2py_is_identity
from ..sql import ast
from ..translation import chain
from ..translation import params as P
from ..translation.wrappers import RawType
from .deleting import bulk_delete
from .filtering import filter_query
from .ordering import order_by_args
from .prefetch import check_prefetch_args, prefetch, prefetch_columns
from .show import show_query, show_result
from .streaming import stream_query
from .updating import bulk_update

_LIMIT = ast.Param(("limit",))
_OFFSET = ast.Param(("offset",))


class EntityResult:
    """Result items that are objects of ``entity``, read from columns at ``offset``."""

    def __init__(self, entity: Any, alias: str, offset: int = 0) -> None:
        self.entity = entity
        self.alias = alias
        self.reader = _entity_reader(entity, offset)
        self.width = self.reader.width
        self.py_type = entity

    def read(self, cache: Any, row: Any) -> Any:
        return self.reader.read(cache, row)

    def read_all(self, cache: Any, rows: list) -> list:
        return self.reader.read_all(cache, rows)


class KeyResult:
    """A result item that is the object a foreign key (``via``, read at ``offset``) refers to."""

    def __init__(self, via: Any, entity: Any, offset: int) -> None:
        self.entity = entity
        self.width = len(via.columns)
        self.offsets = tuple(range(offset, offset + self.width))
        self.sql2py = [c.sql2py for c in via.converters]
        self.py_type = entity

    def read(self, cache: Any, row: Any) -> Any:
        raw = [row[i] for i in self.offsets]
        if raw[0] is None:
            return None
        raw = [f(v) if f is not None else v for f, v in zip(self.sql2py, raw)]
        return seed(cache, self.entity, pkval_from_raw(cache, self.entity, raw))


def _entity_reader(entity: Any, offset: int) -> RowReader:
    """The row reader of ``entity``'s columns at ``offset``, shared by every query of that layout
    (readers hold no per-query state; building one per new query costs a cold query time)."""
    readers = entity.__dict__.get("_query_row_readers_")
    if readers is None:
        readers = {}
        type.__setattr__(entity, "_query_row_readers_", readers)
    key = (offset, tuple(entity._load_attrs_))
    reader = readers.get(key)
    if reader is None:
        reader = readers[key] = RowReader(entity, entity._load_attrs_, offset)
    return reader


class ValueResult:
    """A result item that is one converted column value."""

    def __init__(self, offset: int, converter: Any = None, py_type: Any = None) -> None:
        self.offset = offset
        self.width = 1
        self.py_type = py_type
        self.sql2py = _value_sql2py(converter)
        # a value of exactly this class is one sql2py returns unchanged (see Converter.native_type)
        self.native: type | None = None
        if converter is not None and self.sql2py == converter.sql2py:
            if sql2py_is_identity(converter):
                self.sql2py = None  # the driver's value as it is (int, str columns): no call
            else:
                self.native = converter.native_type
        if py_type in (int, float) and converter is not None and converter.attr is None:
            base = self.sql2py
            self.sql2py = py_type if base is None else (lambda value: py_type(base(value)))
            self.native = None

    def read(self, cache: Any, row: Any) -> Any:
        value = row[self.offset]
        if value is not None and self.sql2py is not None:
            value = self.sql2py(value)
        return value


def _value_sql2py(converter: Any) -> Any:
    """How a value selected or computed by a query is read (some providers keep the database's exponent)."""
    if converter is None:
        return None
    return getattr(converter, "sql2py_computed", None) or converter.sql2py


_GENERATED_READER_MIN_ROWS = 50


def tuple_reader(results: list) -> Any:
    """A function reading every row into a tuple of result items, generated for this layout
    so that a row costs one tuple display instead of a call per column. When the items are the
    row's columns in order, each of a type the driver may already give, a row that holds just
    such values is returned as it is (PostgreSQL, MySQL): no new tuple, no call."""
    namespace: dict = {}
    items = []
    as_is = []  # conditions under which the driver's row is the tuple itself (None: never)
    for i, reader in enumerate(results):
        if isinstance(reader, ValueResult):
            if reader.sql2py is None:
                items.append(f"row[{reader.offset}]")
            else:
                namespace[f"c{i}"] = reader.sql2py
                items.append(f"(None if (v{i} := row[{reader.offset}]) is None else c{i}(v{i}))")
                if reader.native is not None and as_is is not None:
                    namespace[f"n{i}"] = reader.native
                    as_is.append(f"(row[{i}] is None or row[{i}].__class__ is n{i})")
                else:
                    as_is = None
            if reader.offset != i:
                as_is = None
        else:
            namespace[f"r{i}"] = reader.read
            items.append(f"r{i}(cache, row)")
            as_is = None
    built = f"({', '.join(items)},)"
    if as_is is None:
        source = f"def read_tuples(cache, rows):\n    return [{built} for row in rows]\n"
    else:
        # the first row tells whether the driver gives these types (SQLite's dates are text)
        keep = " and ".join(["row.__class__ is tuple", f"len(row) == {len(results)}", *as_is])
        source = (f"def read_tuples(cache, rows):\n"
                  f"    row = rows[0] if rows else None\n"
                  f"    if {keep}:\n"
                  f"        return [row if {keep} else {built} for row in rows]\n"
                  f"    return [{built} for row in rows]\n")
    exec(compile(source, "<tuple reader>", "exec"), namespace)
    return namespace["read_tuples"]


def readers(translation: Any, provider: Any) -> list:
    """How each result item is read from a row (cached on the translation)."""
    cached = translation.compiled.get("readers")
    if cached is not None:
        return cached
    result, offset = [], 0
    for item in translation.results:
        if item.by_key:
            reader: Any = KeyResult(item.expr.via, item.entity, offset)
        elif item.entity is not None:
            reader = EntityResult(item.entity, item.alias, offset)
        else:
            reader = ValueResult(offset, _converter(translation, item, provider), item.py_type)
        result.append(reader)
        offset += len(item.columns)
    translation.compiled["readers"] = result
    return result


def _to_int(value: Any) -> Any:
    return int(value) if value is not None else None


def _converter(translation: Any, item: Any, provider: Any) -> Any:
    attr = item.attr
    if attr is not None and attr.converters and not attr.is_relation:
        return attr.converters[0]
    py_type = item.py_type
    if not isinstance(py_type, type) or py_type is RawType:
        return None
    try:
        return translation.translator.converter(py_type)
    except Exception:
        return None


class Query:
    def __init__(
        self,
        database: Any,
        steps: tuple,
        limit: int | None = None,
        offset: int | None = None,
        lock: str | None = None,
        prefetch: tuple = (),
        order_override: tuple | None = None,
        distinct_override: bool | None = None,
    ) -> None:
        self._database = database
        self._steps = steps
        self._translation, self._values = chain.translate(database, steps)
        self._limit = limit
        self._offset = offset
        self._lock = lock
        self._prefetch = prefetch
        self._order_override = order_override
        self._distinct_override = distinct_override
        self.__arguments: dict | None = None

    @property
    def _arguments(self) -> dict:
        if self.__arguments is None:
            arguments: dict = {}
            P.bind(self._translation.specs, self._values, arguments)
            self.__arguments = arguments
        return self.__arguments

    def _pony_translation_(self) -> Any:
        return self._translation

    def _pony_window_(self) -> tuple:
        """(limit, offset) of the rows this query stands for inside another query."""
        return self._limit, self._offset

    def _pony_shape_(self) -> Any:
        return ("query", self._translation, _window_shape(self._limit, self._offset))

    def _clone(self, **changes: Any) -> Query:
        values = dict(
            limit=self._limit,
            offset=self._offset,
            lock=self._lock,
            prefetch=self._prefetch,
            order_override=self._order_override,
            distinct_override=self._distinct_override,
        )
        values.update(changes)
        query = object.__new__(Query)
        query.__dict__.update(self.__dict__)
        for name, value in values.items():
            setattr(query, "_" + name, value)
        return query

    def _with_step(self, step: chain.Step) -> Query:
        return Query(
            self._database,
            self._steps + (step,),
            self._limit,
            self._offset,
            self._lock,
            self._prefetch,
            None,
            self._distinct_override,
        )

    # --- SQL ----------------------------------------------------------------------------------

    def _select(self, limit: bool, offset: bool) -> ast.Select:
        select = self._translation.select
        changes: dict = {}
        if self._order_override is not None:
            changes["order_by"] = self._order_override
        if self._distinct_override is not None:
            changes["distinct"] = self._distinct_override
        if limit:
            changes["limit"] = _LIMIT
        if offset:
            changes["offset"] = _OFFSET
        if self._lock:
            changes["lock"] = self._lock
        return select.replace(**changes) if changes else select

    def _compiled(self, limit: bool, offset: bool, shape: Any = None, build: Any = None) -> Any:
        key = (limit, offset, self._lock, self._order_override, self._distinct_override, shape)
        compiled = self._translation.compiled.get(key)
        if compiled is None:
            select = self._select(limit, offset)
            if build is not None:
                select = build(select)
            compiled = self._database.provider.compiler.compile(select)
            self._translation.compiled[key] = compiled
        return compiled

    def get_sql(self) -> str:
        """The SELECT statement the query sends, as text in the bound database's dialect."""
        return self._compiled(self._limit is not None, bool(self._offset)).sql

    def _run(
        self,
        compiled: Any,
        limit: int | None = None,
        offset: int | None = None,
        cacheable: bool = True,
        reader: Any = None,
    ) -> list:
        database = self._database
        cache = current_cache(database)
        if cache.dirty:
            database._flush_cache(cache)
        arguments = self._bound_arguments(compiled, limit, offset)
        if self._lock is not None:
            cache.begin()
            cacheable = False
        key = (compiled.sql, tuple(arguments) if arguments else None)
        if cacheable:
            try:
                cached = cache.query_results.get(key)
            except TypeError:
                cached, cacheable = None, False
            if cached is not None:
                cache.stats.cache_hit(compiled.sql)
                return cached
        prepared = self._database.provider.preparable_select_arguments(arguments) if arguments else None
        # Rows without a reader (an aggregate, exists) and a result expected to be small (the last
        # one was, or a small LIMIT) are fetched whole before any object is made, so they may run
        # on a reusable cursor. A big result is read chunk by chunk, and need not be buffered whole
        # by the driver first (mysqlclient would hold it twice): an unbuffered cursor costs a
        # little more per statement, so only big ones get it.
        small = reader is None or compiled.small_result or (limit is not None and limit <= FETCH_CHUNK)
        if prepared is not None:  # the driver may prepare a statement sent again and again (PostgreSQL)
            cursor, _ = cache.execute(compiled.sql, prepared, prepared=True, reusable=small)
        else:
            cursor, _ = cache.execute(compiled.sql, arguments, unbuffered=not small, reusable=small)
        if small:
            rows = cursor.fetchall()
            if len(rows) >= FETCH_CHUNK:  # bigger than expected: a kept cursor would hold it on
                cursor.close()
            items = rows if reader is None else reader(cache, rows)
        else:
            items = _read_in_chunks(cursor, cache, reader)
        compiled.small_result = len(items) < FETCH_CHUNK
        if cacheable:
            cache.query_results[key] = items
        return items

    def _bound_arguments(self, compiled: Any, limit: int | None, offset: int | None) -> Any:
        """The statement's parameter values for this query's outer values and window."""
        if not compiled.param_keys:
            return None
        values = self._arguments
        if limit is not None or offset:
            values = dict(values)
            values[("limit",)] = limit
            values[("offset",)] = offset
        return compiled.arguments(values)

    def stream(self, batch_size: int = 1000) -> Iterator:
        """Iterate over the result ``batch_size`` rows at a time from a server-side cursor, so a
        big result is never held at once; objects the program no longer refers to leave the
        session's identity map (see docs/queries.md, "Streaming large results")."""
        return stream_query(self, batch_size)

    def _fetch(self, limit: int | None = None, offset: int | None = None) -> list:
        lazy = None
        if self._prefetch:
            lazy = prefetch_columns(self)
        if lazy is None:
            compiled = self._compiled(limit is not None, bool(offset))
            items = self._run(compiled, limit, offset, reader=self._read_rows)
        else:  # prefetched lazy columns of the selected entity come in the same SELECT
            shape, build, entity_reader = lazy
            compiled = self._compiled(limit is not None, bool(offset), shape, build)
            items = self._run(compiled, limit, offset,
                              reader=lambda cache, rows, before=0: self._read_rows(cache, rows, before, entity_reader))
        if self._prefetch and items:
            prefetch(self, items)
        return list(items)

    def _read_rows(self, cache: Any, rows: list, read_before: int = 0, entity_reader: Any = None) -> list:
        max_count = options.MAX_FETCH_COUNT
        if max_count is not None and len(rows) + read_before > max_count:
            raise errors.TooManyObjectsFoundError(f"Query returned more than {max_count} rows")
        translation = self._translation
        results = readers(translation, self._database.provider)
        if translation.single:
            reader = entity_reader or results[0]
            read_all = getattr(reader, "read_all", None)
            if read_all is not None:
                items = read_all(cache, rows)
            else:
                read = reader.read
                items = [read(cache, row) for row in rows]
        else:
            read_tuples = translation.compiled.get("read_tuples")
            if read_tuples is None and len(rows) < _GENERATED_READER_MIN_ROWS:
                # a few rows: reading them item by item costs less than generating the reader
                items = [tuple([item.read(cache, row) for item in results]) for row in rows]
            else:
                if read_tuples is None:
                    read_tuples = translation.compiled["read_tuples"] = tuple_reader(results)
                items = read_tuples(cache, rows)
        if self._lock is not None:
            for item in items:
                for obj in item if isinstance(item, tuple) else (item,):
                    if hasattr(obj, "_session_cache_"):
                        cache.for_update.add(obj)
        return items

    # --- iteration and slicing ----------------------------------------------------------------

    def __iter__(self) -> Iterator:
        return QueryIterator(self)

    def __len__(self) -> int:
        return len(self._fetch(self._limit, self._offset))

    async def __aiter__(self) -> AsyncIterator:
        """``async for x in query``: the results, fetched (all at once) without blocking the event
        loop, then yielded."""
        from ..dbproviders.aio.bridge import run_in_bridge
        for item in await run_in_bridge(self.fetch):
            yield item

    def fetch(self, limit: int | None = None, offset: int | None = None) -> QueryResult:
        """Run the query now and return its results (``limit``/``offset`` optional)."""
        return QueryResult(self._fetch(limit, offset), self._clone(limit=limit, offset=offset))

    def __getitem__(self, key: Any) -> Any:
        if not isinstance(key, slice):
            raise TypeError("If you want apply index to a query, convert it to list first")
        start, stop, step = key.start, key.stop, key.step
        if step is not None and step != 1:
            raise TypeError("Parameter 'step' of slice object is not allowed here")
        if start is not None and start < 0 or stop is not None and stop < 0:
            raise TypeError("Parameters of slice object cannot be negative")
        start = start or 0
        limit = None if stop is None else max(stop - start, 0)
        # the result remembers its window: used inside another query it stands for these rows only
        return QueryResult(self._fetch(limit, start or None), self._clone(limit=limit, offset=start or None))

    def limit(self, limit: int | None = None, offset: int | None = None) -> QueryResult:
        """A lazy result of at most ``limit`` rows after skipping ``offset``."""
        _check_window("limit", limit)
        _check_window("offset", offset)
        return QueryResult(None, self._clone(limit=limit, offset=offset))

    def page(self, pagenum: int, pagesize: int = 10) -> QueryResult:
        """A lazy result holding page ``pagenum`` (from 1) of ``pagesize`` rows."""
        offset = (pagenum - 1) * pagesize
        return QueryResult(None, self._clone(limit=pagesize, offset=offset))

    def _default_order(self) -> tuple:
        select = self._translation.select
        if select.order_by:
            return select.order_by
        return tuple(
            ast.OrderBy(c)
            for item in self._translation.results
            for c in (item.expr.pk_nodes if item.entity is not None else item.columns)
        )

    def first(self) -> Any:
        """The first result in the query's order (by default by primary key, or by the selected
        values), or ``None``."""
        query = self._clone(
            order_override=self._order_override or self._default_order(), distinct_override=False
        )
        items = query._fetch(1, self._offset)
        return items[0] if items else None

    def get(self) -> Any:
        """The one result, or ``None``; more than one raises ``MultipleObjectsFoundError``."""
        items = self._fetch(2, self._offset)
        if not items:
            return None
        if len(items) > 1:
            raise errors.MultipleObjectsFoundError(
                "Multiple objects were found. Use select(...) to retrieve them"
            )
        return items[0]

    def exists(self) -> bool:
        """Does the query have any result? (``SELECT 1 ... LIMIT 1``)"""
        compiled = self._compiled(
            True,
            bool(self._offset),
            "exists",
            lambda s: s.replace(columns=(ast.Value(1),), distinct=False, order_by=()),
        )
        return bool(self._run(compiled, 1, self._offset))

    # --- aggregates ---------------------------------------------------------------------------

    def _aggregate(self, shape: Any, build: Any, convert: Any = None) -> Any:
        limited = self._limit is not None or bool(self._offset)
        compiled = self._compiled(self._limit is not None, bool(self._offset), shape, build)
        rows = self._run(compiled, self._limit, self._offset)
        value = rows[0][0] if rows else None
        if value is not None and convert is not None:
            value = convert(value)
        _ = limited
        return value

    def _needs_wrap(self, select: ast.Select) -> bool:
        return bool(select.group_by or select.having or select.limit is not None or select.offset is not None)

    def count(self, distinct: bool | None = None) -> int:
        """The number of results (``SELECT COUNT``)."""
        _check_distinct(distinct)
        translation = self._translation

        def build(select: ast.Select) -> ast.Select:
            select = select.replace(order_by=())
            if self._needs_wrap(select) or not translation.single:
                return ast.Select((ast.Aggregate("COUNT", None),), (ast.SubqueryTable(select, "q"),))
            item = translation.results[0]
            use_distinct = select.distinct if distinct is None else distinct
            if item.entity is not None:
                nodes = item.expr.pk_nodes
                if use_distinct and len(nodes) == 1:
                    return select.replace(columns=(ast.Aggregate("COUNT", nodes[0], True),), distinct=False)
                if use_distinct:
                    return ast.Select((ast.Aggregate("COUNT", None),), (ast.SubqueryTable(select, "q"),))
                return select.replace(columns=(ast.Aggregate("COUNT", None),), distinct=False)
            return select.replace(
                columns=(ast.Aggregate("COUNT", item.columns[0], bool(use_distinct)),), distinct=False
            )

        return self._aggregate(("count", distinct), build) or 0

    def _value_aggregate(self, name: str, distinct: bool | None, sep: Any = None) -> Any:
        _check_distinct(distinct)
        translation = self._translation
        if not translation.single or (
            translation.results[0].entity is not None and not _concatenates_keys(name, translation)
        ):
            raise TypeError(
                f"'{name.lower()}' is valid for queries that return a single value, not "
                f"{translation.result_type.__name__}"
            )
        item = translation.results[0]
        kind = getattr(item.expr, "kind", None)
        if name in ("SUM", "AVG") and kind not in ("number", "bool", "timedelta"):
            raise TypeError(f"'{name.lower()}' is valid for numeric attributes only")

        def build(select: ast.Select) -> ast.Select:
            select = select.replace(order_by=())
            column = item.expr.pk_nodes[0] if item.entity is not None else item.columns[0]
            if kind == "bool" and name != "GROUP_CONCAT":
                column = ast.BoolAsInt(column)  # PostgreSQL has no sum/avg/min/max of booleans
            if self._needs_wrap(select):
                select = select.replace(columns=(ast.Alias(column, "v"),))
                source: tuple = (ast.SubqueryTable(select, "q"),)
                column, where = ast.Column("q", "v"), None
                base = ast.Select((), source, where)
            else:
                base = select.replace(distinct=False)
            if name == "GROUP_CONCAT":
                node: ast.Node = ast.GroupConcat(column, sep, bool(distinct))
            else:
                node = ast.Aggregate(name, column, bool(distinct))
            if name == "SUM":
                node = ast.Func("coalesce", node, ast.Value(0))
            return base.replace(columns=(node,))

        if name in ("MIN", "MAX"):
            reader = readers(translation, self._database.provider)[0]
            convert = reader.sql2py
        elif name == "AVG":
            convert = _to_float  # a float on every backend, Decimal columns included (as in Pony)
        elif name == "SUM" and item.py_type in (int, bool):
            convert = _to_int  # MySQL's SUM of integers is a DECIMAL; a sum of bools counts the true ones
        elif name == "SUM":
            convert = _value_sql2py(_converter(translation, item, self._database.provider))
        else:
            convert = None
        return self._aggregate((name, distinct, sep), build, convert)

    def sum(self, distinct: bool | None = None) -> Any:
        """The sum of the selected values (0 when there are none)."""
        result = self._value_aggregate("SUM", distinct)
        return 0 if result is None else result

    def avg(self, distinct: bool | None = None) -> Any:
        """The average of the selected values as a float, or ``None`` when there are none."""
        return self._value_aggregate("AVG", distinct)

    def min(self) -> Any:
        """The smallest selected value, or ``None``."""
        return self._value_aggregate("MIN", None)

    def max(self) -> Any:
        """The largest selected value, or ``None``."""
        return self._value_aggregate("MAX", None)

    def group_concat(self, sep: str | None = None, distinct: bool | None = None) -> Any:
        """The selected values joined into one string with ``sep`` (default ``','``)."""
        if sep is not None and not isinstance(sep, str):
            raise TypeError("'sep' option of group_concat() must be of type str")
        return self._value_aggregate("GROUP_CONCAT", distinct, sep)

    # --- modifiers ----------------------------------------------------------------------------

    def distinct(self) -> Query:
        """The query with ``SELECT DISTINCT``."""
        return self._clone(distinct_override=True)

    def without_distinct(self) -> Query:
        """The query without the ``DISTINCT`` Pony adds when selecting attribute values."""
        return self._clone(distinct_override=False)

    def for_update(self, nowait: bool = False, skip_locked: bool = False) -> Query:
        """The query with ``SELECT ... FOR UPDATE`` (``nowait`` or ``skip_locked``): the rows stay locked until the
        transaction ends."""
        if nowait and skip_locked:
            raise TypeError("nowait and skip_locked options are mutually exclusive")
        lock = "update nowait" if nowait else "update skip locked" if skip_locked else "update"
        return self._clone(lock=lock)

    def order_by(self, *args: Any) -> Query:
        """The query sorted by attributes, ``desc(...)``, result positions (``order_by(1)``), a lambda or text;
        ``order_by(None)`` removes the order."""
        return order_by_args(self, args)

    sort_by = order_by

    def filter(self, *args: Any, **kwargs: Any) -> Query:
        """The query narrowed by a lambda (over the selected values), text, ``raw_sql()`` or attribute values given as
        keywords."""
        return filter_query(self, args, kwargs, "filter")

    def where(self, *args: Any, **kwargs: Any) -> Query:
        """Like ``filter()``, but a lambda or text names the loop variables of the original generator."""
        return filter_query(self, args, kwargs, "where")

    def random(self, limit: int) -> QueryResult:
        """Up to ``limit`` results chosen at random (``ORDER BY random()``)."""
        query = self._clone(order_override=(ast.OrderBy(ast.Random()),), distinct_override=False)
        return QueryResult(query._fetch(limit, None), query)

    def prefetch(self, *args: Any) -> Query:
        """Load these related attributes or entities with the results, in as few queries as possible."""
        check_prefetch_args(self, args)
        return self._clone(prefetch=self._prefetch + args)

    def delete(self, bulk: bool | None = None) -> int:
        """Delete the selected objects: loaded one by one (hooks and cascades run), or with one DELETE statement when
        ``bulk=True``; returns how many."""
        entity = self._translation.entity
        if entity is None:
            raise TypeError(
                "Delete query should be applied to a single entity. Got: "
                f"({', '.join(getattr(r.py_type, '__name__', '?') for r in self._translation.results)})"
            )
        if not bulk:
            objects = list(self)
            for obj in objects:
                obj.delete()
            return len(objects)
        return bulk_delete(self, entity)

    def update(self, /, **values: Any) -> int:
        """Beyond Pony: set attributes of every selected row with one UPDATE, without loading
        objects; a value may be a lambda of the object (``price=lambda p: p.price * 2``).
        Returns the number of rows matched. See docs/bulk-update.md."""
        return bulk_update(self, values)

    def show(self, width: int | None = None, stream: Any = None) -> None:
        """Print the results as a table (``width`` characters wide at most)."""
        show_query(self, width, stream)

    def __repr__(self) -> str:
        # Pony's class lives in pony.orm.core; code that parses reprs expects that name.
        return f"<pony.orm.core.Query object at {hex(id(self))}>"

    def __reduce__(self) -> Any:
        return QueryResult, (self._fetch(self._limit, self._offset), None)


# Rows are read this many at a time, each chunk turned into result items before the next is
# fetched: the driver's rows of a big result are never all held next to the objects made of them.
FETCH_CHUNK = 2000


def _read_in_chunks(cursor: Any, cache: Any, reader: Any) -> list:
    """The result items of all rows of ``cursor`` (or of a ``RowStream``), read chunk by chunk."""
    if type(cursor) is not RowStream:
        return _read_chunks(cursor.fetchmany, cache, reader)
    try:
        rows = cursor.fetch(FETCH_CHUNK)
        if len(rows) < FETCH_CHUNK:
            cursor.close()  # every row is read: the connection is free before objects are made
            return reader(cache, rows)
        # rows are still unread while objects are made: a statement sent meanwhile (none is
        # expected) reads them into memory first instead of failing on a busy connection
        cursor.register()
        return _read_rest(cursor.fetch, cache, reader, rows)
    finally:  # after an error too: rows left unread are discarded, the connection is free again
        cursor.close()


def _read_chunks(fetchmany: Any, cache: Any, reader: Any) -> list:
    rows = fetchmany(FETCH_CHUNK)
    if len(rows) < FETCH_CHUNK:
        return reader(cache, rows)
    return _read_rest(fetchmany, cache, reader, rows)


def _read_rest(fetchmany: Any, cache: Any, reader: Any, rows: Any) -> list:
    """The items of ``rows`` (a full chunk) and of every chunk after it."""
    items: list = []
    while rows:
        items.extend(reader(cache, rows, len(items)))
        rows = fetchmany(FETCH_CHUNK)
    return items


def _window_shape(limit: int | None, offset: int | None) -> tuple:
    """What the SQL of an embedding query depends on: whether there is a LIMIT and an OFFSET."""
    return (limit is not None, bool(offset))


def _to_float(value: Any) -> Any:
    return float(value)


class _Pending:
    """The rows of a query, fetched when iteration first asks for them."""

    __slots__ = ("fetch",)

    def __init__(self, fetch: Any) -> None:
        self.fetch = fetch

    def __iter__(self) -> Iterator:
        return iter(self.fetch())


class QueryIterator(itertools.chain):
    """``iter(query)``: fetches on the first ``next``, so a query can be the source of a
    generator expression (``select(x for x in q)``) without being run. A ``chain`` over the
    fetched list: after the fetch, each item costs what a list iterator's does."""

    def __new__(cls, query: Query) -> QueryIterator:
        self = super().__new__(cls, _Pending(lambda: query._fetch(query._limit, query._offset)))
        self._query = query
        return self

    def _pony_translation_(self) -> Any:
        return self._query._translation

    def _pony_window_(self) -> tuple:
        return self._query._pony_window_()

    def _pony_shape_(self) -> Any:
        return self._query._pony_shape_()

    @property
    def _arguments(self) -> dict:
        return self._query._arguments


class _ResultIterator(QueryIterator):
    """``iter(query.limit(n))``: reads the result on the first ``next`` and, as the source of a
    generator expression, gives the query with its window."""

    def __new__(cls, result: QueryResult) -> _ResultIterator:
        self = itertools.chain.__new__(cls, _Pending(result._get_items))
        self._query = result._query
        return self


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

    def _pony_translation_(self) -> Any:
        if self._query is None:
            raise TypeError("This QueryResult has no query to iterate over")
        return self._query._translation

    def _pony_window_(self) -> tuple:
        return self._query._pony_window_() if self._query is not None else (None, None)

    def _pony_shape_(self) -> Any:
        if self._items is not None:  # fetched: used like a list of its items
            return (list, tuple(P.signature(v) for v in self._items))
        self._pony_translation_()
        return self._query._pony_shape_()  # type: ignore[union-attr]

    def _pony_fetched_(self) -> list | None:
        """The fetched items, which a query using this result takes as a list parameter (as Pony
        does: rows fetched earlier are not read again); None while the result is still lazy."""
        return self._items

    @property
    def _arguments(self) -> dict:
        return self._query._arguments  # type: ignore[union-attr]

    def __len__(self) -> int:
        return len(self._get_items())

    def __iter__(self) -> Iterator:
        if self._query is None:
            return iter(self._get_items())
        return _ResultIterator(self)

    def __getitem__(self, key: Any) -> Any:
        return self._get_items()[key]

    def __contains__(self, item: Any) -> bool:
        return item in self._get_items()

    def __reversed__(self) -> Iterator:
        return reversed(self._get_items())

    def index(self, item: Any) -> int:
        """The position of ``item`` in the results."""
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
        """The results as a plain list."""
        return list(self._get_items())

    def stream(self, batch_size: int = 1000) -> Iterator:
        """``query.limit(n).stream()``: the window's rows read a batch at a time (see Query.stream)."""
        if self._query is None:
            raise TypeError("This QueryResult has no query to stream")
        return self._query.stream(batch_size)

    def sort(self, *args: Any, **kwargs: Any) -> None:
        """Sort the fetched results in place, like ``list.sort``."""
        self._get_items().sort(*args, **kwargs)

    def reverse(self) -> None:
        """Reverse the fetched results in place."""
        self._get_items().reverse()

    def shuffle(self) -> None:
        """Shuffle the fetched results in place."""
        random_module.shuffle(self._get_items())

    def show(self, width: int | None = None, stream: Any = None) -> None:
        """Print the results as a table (``width`` characters wide at most)."""
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

    for _name in (
        "append",
        "extend",
        "insert",
        "pop",
        "remove",
        "clear",
        "__setitem__",
        "__delitem__",
        "__iadd__",
        "__imul__",
        "__mul__",
        "__rmul__",
    ):
        locals()[_name] = _not_supported(_name)
    del _name, _not_supported


def _concatenates_keys(name: str, translation: Any) -> bool:
    """``Entity.select().group_concat()`` joins the primary keys of the objects (as Pony does)."""
    entity = translation.results[0].entity
    return name == "GROUP_CONCAT" and len([c for a in entity._root_._pk_attrs_ for c in a.columns]) == 1


def _check_window(name: str, value: Any) -> None:
    """limit()/offset arguments: None or a non-negative int (the database would get anything else)."""
    if value is None:
        return
    if not isinstance(value, int):
        raise TypeError(f"Parameter {name!r} of limit() must be an int. Got: {value!r}")
    if value < 0:
        raise ValueError(f"Parameter {name!r} of limit() cannot be negative. Got: {value}")


def _check_distinct(distinct: Any) -> None:
    if distinct is not None and not isinstance(distinct, bool):
        raise TypeError(f"`distinct` value should be True or False. Got: {distinct!r}")
