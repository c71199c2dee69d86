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
from ..session.objects import MARKED_TO_DELETE, RowReader, current_cache
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


def prefetch_columns(query: Any) -> Any:
    """For a query of one entity: ``(shape, build, reader)`` putting into the main SELECT the
    columns of its wanted lazy attributes (right after the entity's own) and the objects of its
    wanted to-one relations (LEFT JOINed, one extra query saved per relation); None when there
    are none."""
    translation = query._translation
    if not translation.single or translation.results[0].entity is None or translation.results[0].by_key:
        return None
    item = translation.results[0]
    entity = item.entity
    attrs = [a for a in query._prefetch if isinstance(a, Attribute)]
    entities = [a for a in query._prefetch if not isinstance(a, Attribute)]
    lazy = _lazy_wanted(entity, attrs)
    joined = _joinable(query, entity, attrs, entities)
    if not lazy and not joined:
        return None
    width = sum(len(attr.columns) for attr in entity._load_attrs_)
    extra = tuple(ast.Column(item.alias, c) for attr in lazy for c in attr.columns)
    offset = width + len(extra)
    readers = []
    for attr in joined:
        root = attr.py_type._root_
        reader = _offset_reader(root, tuple(root._load_attrs_) + _lazy_wanted(attr.py_type, attrs), offset)
        readers.append(reader)
        offset = reader.end

    def build(select: ast.Select) -> ast.Select:
        columns, sources, more = select.columns, list(select.sources), []
        for attr, reader in zip(joined, readers):
            alias = f"prefetch-{attr.name}"  # no translator alias has this form (a name, or name-N)
            pos = _column_position(entity, attr)
            target_pk = [c for a in reader.entity._pk_attrs_ for c in a.columns]
            on = ast.and_(*[ast.BinOp("=", ast.Column(alias, pk), columns[pos + i]) for i, pk in enumerate(target_pk)])
            sources.append(ast.Join("LEFT", ast.Table(reader.entity._table_, alias), on))
            more.extend(ast.Column(alias, c) for a in reader.attrs for c in a.columns)
        return select.replace(columns=columns[:width] + extra + tuple(more) + columns[width:], sources=tuple(sources))
    shape = ("prefetch", lazy, tuple((attr, reader.attrs) for attr, reader in zip(joined, readers)))
    main = lazy_reader(entity, lazy)
    return shape, build, (_JoinedReader(main, readers) if readers else main)


def _joinable(query: Any, entity: Any, attrs: list, entities: list) -> tuple:
    """The wanted to-one relations of ``entity`` that a LEFT JOIN in the main SELECT can load: not
    under DISTINCT, GROUP BY or FOR UPDATE (a join there changes what the statement means or may
    do), and only when FROM is one join chain the new joins can extend."""
    select = query._translation.select
    sources = select.sources
    if query._lock is not None or select.distinct or select.group_by or select.having is not None \
            or not sources or not isinstance(sources[0], ast.Table) \
            or not all(isinstance(source, ast.Join) for source in sources[1:]):
        return ()
    return tuple(attr for attr in entity._load_attrs_ if attr.is_relation and _wanted(attr, attrs, entities)
                 and len(attr.columns) == sum(len(a.columns) for a in attr.py_type._root_._pk_attrs_))


def _column_position(entity: Any, attr: Any) -> int:
    pos = 0
    for load_attr in entity._load_attrs_:
        if load_attr is attr:
            return pos
        pos += len(load_attr.columns)
    raise ValueError(attr)


def _offset_reader(root: Any, attrs: tuple, offset: int) -> RowReader:
    """The row reader of ``root``'s ``attrs`` at column ``offset``, shared by the queries of that layout."""
    readers = root.__dict__.get("_prefetch_row_readers_")
    if readers is None:
        readers = {}
        type.__setattr__(root, "_prefetch_row_readers_", readers)
    reader = readers.get((attrs, offset))
    if reader is None:
        reader = readers[attrs, offset] = RowReader(root, attrs, offset)
    return reader


class _JoinedReader:
    """Reads the joined related objects of each row, then the selected objects themselves (which
    then find their related objects loaded instead of making seeds of them)."""

    def __init__(self, main: RowReader, joined: list) -> None:
        self.main = main
        self.joined = joined

    def read_all(self, cache: Any, rows: list) -> list:
        for reader in self.joined:
            reader.read_all(cache, rows)
        return self.main.read_all(cache, rows)


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
