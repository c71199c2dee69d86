"""To-many collections in a session: ``SetData`` (what is known of one object's collection),
``SetInstance`` (the ``obj.items`` API) and ``Multiset`` (attribute lifting)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from .. import errors
from ..sql import ast
from .cache import SessionCache
from .loading import ALIAS, compiled, discriminator_condition, fetch_objects, raw_pk, select_entity
from .objects import MARKED_TO_DELETE, cache_of, materialize


class SetData:
    """The known items of one object's collection; ``is_fully_loaded`` once read in full."""

    __slots__ = ("items", "is_fully_loaded", "count")

    def __init__(self) -> None:
        self.items: dict = {}  # ordered set
        self.is_fully_loaded = False
        self.count: int | None = None


def set_data(obj: Any, attr: Any) -> SetData:
    if obj._row_ is not None:
        materialize(obj)
    vals = obj._vals_
    data = vals.get(attr) if attr in vals else None
    if data is None:
        data = SetData()
        if obj._status_ == "created":
            data.is_fully_loaded = True
            data.count = 0
        vals[attr] = data
        if obj._dbvals_ is not vals:
            obj._dbvals_[attr] = data
    return data


# --- loading ------------------------------------------------------------------------------


def _owner_condition(attr: Any, alias: str | None) -> ast.Node:
    reverse = attr.reverse
    cols = reverse.columns if not attr.is_m2m else _owner_columns(attr)
    items = [ast.BinOp("=", ast.Column(alias, c), ast.Param(i)) for i, c in enumerate(cols)]
    return items[0] if len(items) == 1 else ast.And(*items)


def _owner_columns(attr: Any) -> list:
    """m2m columns that reference the collection's owner."""
    return attr.reverse_columns if attr.reverse is attr else attr.reverse.columns


def load_collection(cache: SessionCache, obj: Any, attr: Any, reread: bool = False) -> SetData:
    """The items of ``obj.attr``, read from the database unless known (``reread``: read again, for
    ``load()`` of a volatile collection; items known before stay, as in Pony)."""
    data = set_data(obj, attr)
    if data.is_fully_loaded and not reread:
        return data
    known = data.items if data.is_fully_loaded else {}
    if cache.dirty:
        cache.database._flush_cache(cache)
    target = attr.py_type
    key = ("load_collection", attr)
    if attr.is_m2m:
        def build() -> ast.Select:
            m2m = "m"
            join_on = ast.and_(*[ast.BinOp("=", ast.Column(m2m, c), ast.Column(ALIAS, pk_col))
                                 for c, pk_col in zip(attr.columns, _pk_columns(target))])
            select = select_entity(target, _owner_condition(attr, m2m))
            return select.replace(sources=(ast.Table(attr.m2m_table, m2m),
                                           ast.Join("INNER", ast.Table(target._table_, ALIAS), join_on)))
    else:
        def build() -> ast.Select:
            return select_entity(target, _owner_condition(attr, ALIAS))
    statement = compiled(cache, key, build)
    items = fetch_objects(cache, target, statement.sql, raw_pk(obj))
    reverse = attr.reverse
    loaded = {}
    for item in items:
        if item._status_ in (MARKED_TO_DELETE, "deleted", "cancelled"):
            continue
        loaded[item] = None
        if not attr.is_m2m:
            # the item's to-one end must agree (it does after the flush above)
            continue
        if reverse is not attr:
            other = set_data(item, reverse)
            other.items[obj] = None
    for item in known:
        if item._status_ not in (MARKED_TO_DELETE, "deleted", "cancelled"):
            loaded.setdefault(item, None)
    data.items = loaded
    data.is_fully_loaded = True
    data.count = len(loaded)
    return data


def _pk_columns(entity: Any) -> list:
    return [c for attr in entity._root_._pk_attrs_ for c in attr.columns]


def count_collection(cache: SessionCache, obj: Any, attr: Any) -> int:
    data = set_data(obj, attr)
    if data.is_fully_loaded:
        return len(data.items)
    if data.count is not None:
        return data.count
    if cache.dirty:
        cache.database._flush_cache(cache)
    key = ("count_collection", attr)
    table = attr.m2m_table if attr.is_m2m else attr.py_type._table_

    def build() -> ast.Select:
        where = _owner_condition(attr, ALIAS)
        if not attr.is_m2m:
            where = ast.and_(where, discriminator_condition(attr.py_type))
        return ast.Select((ast.Aggregate("COUNT", None),), (ast.Table(table, ALIAS),), where)

    statement = compiled(cache, key, build)
    cursor, _ = cache.execute(statement.sql, raw_pk(obj))
    data.count = cursor.fetchone()[0]
    return data.count


def collection_is_empty(cache: SessionCache, obj: Any, attr: Any) -> bool:
    data = set_data(obj, attr)
    if data.is_fully_loaded or data.items:
        return not data.items
    if data.count is not None:
        return data.count == 0
    if cache.dirty:
        cache.database._flush_cache(cache)
    key = ("collection_exists", attr)
    table = attr.m2m_table if attr.is_m2m else attr.py_type._table_

    def build() -> ast.Select:
        return ast.Select((ast.Value(1),), (ast.Table(table, ALIAS),), _owner_condition(attr, ALIAS),
                          limit=ast.Value(1))

    statement = compiled(cache, key, build)
    cursor, _ = cache.execute(statement.sql, raw_pk(obj))
    empty = cursor.fetchone() is None
    if empty:
        data.is_fully_loaded = True
        data.items = {}
        data.count = 0
    return empty


def collection_contains(cache: SessionCache, obj: Any, attr: Any, item: Any) -> bool:
    data = set_data(obj, attr)
    if item in data.items:
        return True
    if data.is_fully_loaded:
        return False
    if not attr.is_m2m:
        value = item.__class__.__dict__  # make sure the item's to-one end is loaded
        del value
        return getattr(item, attr.reverse.name) is obj
    load_collection(cache, obj, attr)
    return item in data.items


# --- the obj.items API --------------------------------------------------------------------


class SetInstance:
    """``obj.items``: a live view of one object's collection."""

    __slots__ = ("_obj_", "_attr_")

    def __init__(self, obj: Any, attr: Any) -> None:
        self._obj_ = obj
        self._attr_ = attr

    # reading

    def _data(self) -> SetData:
        obj = self._obj_
        cache = obj._session_cache_
        data = set_data(obj, self._attr_)
        if not data.is_fully_loaded:
            if not cache.is_alive:
                raise errors.DatabaseSessionIsOver(
                    f"Cannot load collection {obj!r}.{self._attr_.name}: the database session is over")
            load_collection(cache_of(obj), obj, self._attr_)
        return data

    def load(self) -> None:
        """Load the whole collection now (read again when the attribute is ``volatile``)."""
        if self._attr_.volatile:  # changed by others: read again
            obj = self._obj_
            load_collection(cache_of(obj), obj, self._attr_, reread=True)
            return
        self._data()

    def __iter__(self) -> Iterator:
        return iter(list(self._data().items))

    def __len__(self) -> int:
        return len(self._data().items)

    def count(self) -> int:
        """The number of related objects (a ``COUNT`` query unless they are loaded)."""
        obj = self._obj_
        return count_collection(cache_of(obj), obj, self._attr_)

    def is_empty(self) -> bool:
        """Is the collection empty? (a query when the collection is not loaded)."""
        obj = self._obj_
        return collection_is_empty(cache_of(obj), obj, self._attr_)

    def __bool__(self) -> bool:
        return not self.is_empty()

    def __contains__(self, item: Any) -> bool:
        attr = self._attr_
        if not isinstance(item, attr.py_type):
            return False
        obj = self._obj_
        if item._session_cache_ is not obj._session_cache_:
            raise errors.TransactionError("An attempt to mix objects belonging to different transactions")
        return collection_contains(cache_of(obj), obj, attr, item)

    def copy(self) -> set:
        """The related objects as a plain ``set``."""
        return set(self._data().items)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, SetInstance):
            return self._obj_ is other._obj_ and self._attr_ is other._attr_ or self.copy() == other.copy()
        if isinstance(other, (set, frozenset)):
            return self.copy() == other
        if isinstance(other, Iterable):
            return self.copy() == set(other)
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    __hash__ = None  # type: ignore[assignment]

    def __add__(self, items: Any) -> set:
        return self.copy() | set(_as_items(items))

    def __sub__(self, items: Any) -> set:
        return self.copy() - set(_as_items(items))

    def __repr__(self) -> str:
        return f"<{self._attr_.py_type.__name__}Set {self._obj_!r}.{self._attr_.name}>"

    def __str__(self) -> str:
        obj = self._obj_
        data = set_data(obj, self._attr_)
        if not data.is_fully_loaded and obj._session_cache_.is_alive:
            data = self._data()
        items = sorted(data.items, key=_sort_key)
        return f"{self._attr_.py_type.__name__}Set([{', '.join(map(repr, items))}])"

    def __getattr__(self, name: str) -> Any:
        attr = self._attr_.py_type._adict_.get(name)
        if attr is None:
            raise AttributeError(f"{self._attr_.py_type.__name__}Set has no attribute {name!r}")
        return Multiset.lift(list(self), attr, f"{self._obj_!r}.{self._attr_.name}.{name}")

    # writing: delegated to the relations module through the entity layer

    changes: Any = None  # installed by entity.py: add/remove/clear/create/assign implementations

    def add(self, items: Any) -> None:
        """Link an object, or each of several, to this one."""
        SetInstance.changes.collection_add(self._obj_, self._attr_, _as_items(items, self._attr_))

    def remove(self, items: Any) -> None:
        """Unlink an object, or each of several, from this one."""
        SetInstance.changes.collection_remove(self._obj_, self._attr_, _as_items(items, self._attr_))

    def clear(self) -> None:
        """Unlink every related object."""
        SetInstance.changes.collection_remove(self._obj_, self._attr_, list(self))

    def __iadd__(self, items: Any) -> SetInstance:
        self.add(items)
        return self

    def __isub__(self, items: Any) -> SetInstance:
        self.remove(items)
        return self

    def create(self, **kwargs: Any) -> Any:
        """Create a related object linked to this one: ``person.cars.create(make='Ford')``."""
        attr = self._attr_
        reverse = attr.reverse
        if reverse.name in kwargs:
            raise TypeError(f"When using {attr}.create(), '{reverse.name}' attribute should not be "
                            "passed explicitly")
        if attr.is_m2m:
            item = attr.py_type(**kwargs)
            self.add(item)
            return item
        kwargs[reverse.name] = self._obj_
        return attr.py_type(**kwargs)

    # queries over the collection: installed by the query layer

    query_api: Any = None

    def select(self, *args: Any, **kwargs: Any) -> Any:
        """A ``Query`` over the related objects, optionally narrowed by a lambda or attribute values."""
        return SetInstance.query_api.collection_select(self, *args, **kwargs)

    filter = select

    def order_by(self, *args: Any) -> Any:
        """A ``Query`` over the related objects in this order."""
        return self.select().order_by(*args)

    def sort_by(self, *args: Any) -> Any:
        """A ``Query`` over the related objects in this order."""
        return self.select().sort_by(*args)

    def limit(self, limit: int | None = None, offset: int | None = None) -> Any:
        """At most ``limit`` related objects after skipping ``offset``."""
        return self.select().limit(limit, offset)

    def page(self, pagenum: int, pagesize: int = 10) -> Any:
        """Page ``pagenum`` (from 1) of ``pagesize`` related objects."""
        return self.select().page(pagenum, pagesize)

    def random(self, limit: int) -> Any:
        """Up to ``limit`` related objects chosen at random."""
        return self.select().random(limit)

    def exists(self) -> bool:
        """Is there any related object?"""
        return not self.is_empty()

    def __reduce__(self) -> Any:
        # the owner and the items travel along; unpickling restores a fully loaded collection
        return _unpickle_collection, (self._obj_, self._attr_.name, list(self._data().items))


def _unpickle_collection(obj: Any, name: str, items: list) -> SetInstance:
    attr = obj.__class__._adict_[name]
    data = set_data(obj, attr)
    if not data.is_fully_loaded:
        data.items = dict.fromkeys(items)
        data.is_fully_loaded = True
        data.count = len(items)
    return SetInstance(obj, attr)


def _as_items(items: Any, attr: Any = None) -> list:
    if hasattr(items, "_pk_attrs_") and not isinstance(items, type):
        return [items]
    try:
        return list(items)
    except TypeError:
        if attr is None:
            raise
        name = attr.py_type.__name__
        raise ValueError(f"A single {name} instance or {name} iterable is expected. Got: {items!r}") from None


def _sort_key(obj: Any) -> Any:
    pk = obj._pkval_
    return (pk is None, str(type(pk)), pk if pk is not None else 0)


class Multiset:
    """Values of one attribute over a collection, duplicates counted (``c.orders.total``)."""

    __slots__ = ("_items_", "_attr_", "_label_")

    def __init__(self, items: Counter, attr: Any = None, label: str = "") -> None:
        self._items_ = items
        self._attr_ = attr
        self._label_ = label  # the expression it came from: "Person[1].cars.model"

    @classmethod
    def lift(cls, objects: list, attr: Any, label: str = "") -> Multiset:
        counter: Counter = Counter()
        for obj in objects:
            value = getattr(obj, attr.name)
            if attr.is_collection:
                for item in value:
                    counter[item] += 1
            elif value is not None:
                if hasattr(value, "get_untracked"):
                    value = _freeze(value.get_untracked())
                counter[value] += 1
        return _multiset(counter, attr, label)

    def distinct(self) -> dict:
        return dict(self._items_)

    def __len__(self) -> int:
        return sum(self._items_.values())

    def __iter__(self) -> Iterator:
        for item, count in self._items_.items():
            for _ in range(count):
                yield item

    def __contains__(self, item: Any) -> bool:
        return item in self._items_

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Multiset):
            return self._items_ == other._items_
        if isinstance(other, dict):
            return dict(self._items_) == other
        if isinstance(other, Iterable):
            return self._items_ == Counter(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __getattr__(self, name: str) -> Any:
        attr = self._attr_
        if attr is None or not attr.is_relation:
            raise AttributeError(name)
        target_attr = attr.py_type._adict_.get(name)
        if target_attr is None:
            raise AttributeError(f"{attr.py_type.__name__} has no attribute {name!r}")
        result: Counter = Counter()
        for obj, count in self._items_.items():
            lifted = Multiset.lift([obj], target_attr)
            for value, n in lifted._items_.items():
                result[value] += n * count
        return _multiset(result, target_attr, f"{self._label_}.{name}")

    def __repr__(self) -> str:
        n = len(self)
        return f"<{type(self).__name__} {self._label_} ({n} item{'' if n == 1 else 's'})>"

    def __str__(self) -> str:
        """Counter-like, items in order: ``StudentMultiset({Student[1]: 2, Student[3]: 1})``."""
        items = sorted(self._items_.items(), key=lambda pair: _item_sort_key(pair[0]))
        return f"{type(self).__name__}({{{', '.join(f'{k!r}: {n}' for k, n in items)}}})"

    def __reduce__(self) -> Any:
        return Multiset, (self._items_, None, self._label_)


def _multiset(items: Counter, attr: Any, label: str) -> Multiset:
    """A multiset of ``attr``'s values; of entity objects it is an ``<Entity>Multiset`` as in Pony."""
    cls = Multiset
    if attr is not None and attr.is_relation:
        entity = attr.py_type
        cls = entity.__dict__.get("_multiset_class_")
        if cls is None:
            cls = type(f"{entity.__name__}Multiset", (Multiset,), {"__slots__": (), "__module__": __name__})
            type.__setattr__(entity, "_multiset_class_", cls)
    return cls(items, attr, label)


def _item_sort_key(item: Any) -> Any:
    if hasattr(item, "_pkval_"):
        return (0, _sort_key(item))
    return (1, str(type(item)), item if isinstance(item, (int, float, str)) else repr(item))


def _freeze(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    return value
