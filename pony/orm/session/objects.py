"""Objects in a session: the identity map, seeds, loading rows into objects, attribute access.

Each instance keeps its values in ``_vals_`` (current) and ``_dbvals_`` (as last read from or
written to the database; the same dict until the first change), ``_rbits_``/``_wbits_`` (bit
masks of attributes read and written, for optimistic checks) and ``_status_``.
"""

from __future__ import annotations

import gc
import sys
import warnings
from typing import Any

from .. import errors
from ..dbproviders.base.converters import Converter
from .cache import SessionCache
from .context import current_session
from .interactive import implicit_session

MISSING = object()

CREATED, CANCELLED, LOADED, MODIFIED = "created", "cancelled", "loaded", "modified"
INSERTED, UPDATED, MARKED_TO_DELETE, DELETED = "inserted", "updated", "marked_to_delete", "deleted"


_GC_PAUSE_ROWS = 1000  # loads of fewer rows are not worth pausing the cyclic collector for
_DELETED_TEXT = {MARKED_TO_DELETE: "marked to delete", DELETED: "deleted", CANCELLED: "cancelled"}


def deleted_error(obj: Any) -> errors.OperationWithDeletedObjectError:
    """The error for any change of a deleted object: "Person[1] was marked to delete"."""
    text = _DELETED_TEXT.get(obj._status_, "deleted")
    return errors.OperationWithDeletedObjectError(f"{obj!r} was {text}")


class DeadValues(dict):
    """``_vals_`` of a deleted object, or of any object after a strict session.

    An object marked to delete (not flushed yet) can still be read, as in Pony; after the
    DELETE, or for a cancelled new object, only its primary key can.
    """

    __slots__ = ("obj", "kind", "saved")

    def __init__(self, obj: Any, kind: str, saved: dict | None = None) -> None:
        # (empty as dict.__new__ made it: no dict.__init__ call needed)
        self.obj = obj
        self.kind = kind
        self.saved = saved  # the values it had, for hooks and the DELETE statement

    def _fail(self, attr: Any = None) -> Any:
        if self.kind == "deleted":
            raise deleted_error(self.obj)
        name = f".{attr.name}" if attr is not None else ""
        raise errors.DatabaseSessionIsOver(
            f"Cannot read value of {self.obj!r}{name}: the database session is over")

    def read(self, attr: Any) -> Any:
        saved = self.saved
        if saved is not None and attr in saved and not attr.is_collection and \
                (attr.is_pk or self.kind == "deleted" and self.obj._status_ == MARKED_TO_DELETE):
            return saved[attr]
        return self._fail(attr)

    def __getitem__(self, key: Any) -> Any:
        raise KeyError(key)  # the descriptor's fast path then asks the access object, which calls read()

    def get(self, key: Any, default: Any = None) -> Any:
        return self._fail()

    def __contains__(self, key: Any) -> bool:
        return False


def current_cache(database: Any) -> SessionCache:
    session = current_session.get()
    if session is None:
        session = implicit_session()
        if session is None:
            raise errors.TransactionError("db_session is required when working with the database")
    cache = session.caches.get(database)  # (the hot path of every statement: no call when it exists)
    return cache if cache is not None else session.cache_for(database)


def cache_of(obj: Any) -> SessionCache:
    """The session cache of ``obj``, checked to be the current session's and alive."""
    cache = obj._session_cache_
    if not cache.is_alive:
        raise errors.DatabaseSessionIsOver(f"Cannot change {obj!r}: the database session is over")
    session = current_session.get()
    if session is not cache.session:
        if session is None:
            raise errors.DatabaseSessionIsOver(f"Cannot access {obj!r}: the database session is over")
        raise errors.TransactionError("An attempt to mix objects belonging to different transactions")
    return cache


# --- identity map ------------------------------------------------------------------------


def pk_index(cache: SessionCache, entity: Any) -> dict:
    root = entity._root_
    index = cache.indexes.get(root)
    if index is None:
        index = cache.indexes[root] = {}
    return index


def new_instance(cache: SessionCache, entity: Any, status: str, obj: Any = None) -> Any:
    if obj is None:
        obj = object.__new__(entity)
    obj._session_cache_ = cache
    obj._status_ = status
    obj._rbits_ = 0
    obj._wbits_ = 0
    obj._save_pos_ = None
    obj._newid_ = None
    obj._pkval_ = None
    obj._row_ = None
    return obj


def reset_to_seed(obj: Any) -> None:
    """Back to a not-loaded object of known primary key (a seed): its values are its key only, it
    has read and written nothing, and it reloads on the next read."""
    pk_attrs = obj._pk_attrs_
    pkval = obj._pkval_
    values = [pkval] if len(pk_attrs) == 1 else list(pkval)
    obj._row_ = None
    obj._vals_ = obj._dbvals_ = dict(zip(pk_attrs, values))
    obj._status_ = LOADED
    obj._rbits_ = obj._wbits_ = 0
    obj._save_pos_ = None


def materialize(obj: Any) -> dict | None:
    """Turn a row-backed object (``_row_`` set, ``_vals_``/``_dbvals_`` not yet) into a dict-backed
    one and return its values; None when it has no row. Called the first time anything but an
    attribute read needs the values, so unchanged objects of a big result cost a tuple, not a dict."""
    try:
        row = obj._row_
    except AttributeError:  # an instance not set up by the session (being unpickled)
        return None
    if row is None:
        return None
    vals = obj.__class__._row_dict_(row)
    obj._vals_ = obj._dbvals_ = vals
    obj._row_ = None
    return vals


def seed(cache: SessionCache, entity: Any, pkval: Any) -> Any:
    """The object with primary key ``pkval``: from the identity map, or a new not-loaded seed."""
    index = pk_index(cache, entity)
    obj = index.get(pkval)
    if obj is not None:
        if entity is not obj.__class__ and not isinstance(obj, entity):
            if issubclass(entity, obj.__class__):
                obj.__class__ = entity  # now we know it is the more specific class
            else:
                raise errors.UnrepeatableReadError(f"Object {obj!r} cannot be of class {entity.__name__}")
        return obj
    obj = new_instance(cache, entity, LOADED)
    obj._pkval_ = pkval
    vals = {}
    pk_attrs = entity._pk_attrs_
    if len(pk_attrs) == 1:
        vals[pk_attrs[0]] = pkval
    else:
        for attr, value in zip(pk_attrs, pkval):
            vals[attr] = value
    obj._vals_ = obj._dbvals_ = vals
    index[pkval] = obj
    seeds = cache.seeds.get(entity._root_)
    if seeds is None:
        seeds = cache.seeds[entity._root_] = {}
    seeds[obj] = None
    return obj


def unseed(cache: SessionCache, obj: Any) -> None:
    seeds = cache.seeds.get(obj._root_)
    if seeds:
        seeds.pop(obj, None)


def index_unique_values(cache: SessionCache, obj: Any, vals: dict, updating: Any = None) -> None:
    """Register ``obj`` under its unique keys; a different object there is a CacheIndexError.

    ``updating`` is the attribute being assigned (for the message), None when creating.
    """
    entity = obj.__class__
    for attr in entity._simple_keys_:
        if attr.is_pk:
            continue
        value = vals.get(attr, MISSING)
        if value is MISSING or value is None:
            continue
        index = cache.indexes.setdefault(attr, {})
        other = index.get(value)
        if other is not None and other is not obj:
            if updating is None:
                raise errors.CacheIndexError(f"Cannot create {entity.__name__}: value {value!r} for key "
                                             f"{attr.name} already exists")
            raise errors.CacheIndexError(f"Cannot update {attr}: {other!r} with key {value} already exists")
    for key in entity._composite_keys_:
        if key is entity._pk_attrs_:
            continue
        values = tuple(vals.get(attr, MISSING) for attr in key)
        if MISSING in values or None in values:
            continue
        other = cache.indexes.get(key, {}).get(values)
        if other is not None and other is not obj:
            names = ", ".join(a.name for a in key)
            if updating is None:
                raise errors.CacheIndexError(f"Cannot create {entity.__name__}: value {values!r} for "
                                             f"composite key ({names}) already exists")
            raise errors.CacheIndexError(f"Cannot update {obj!r}: composite key ({names}) with value "
                                         f"{values!r} already exists for {other!r}")
    # checked everything first, so a failure registers nothing
    for attr in entity._simple_keys_:
        value = vals.get(attr, MISSING)
        if not attr.is_pk and value is not MISSING and value is not None:
            cache.indexes.setdefault(attr, {})[value] = obj
    for key in entity._composite_keys_:
        if key is entity._pk_attrs_:
            continue
        values = tuple(vals.get(attr, MISSING) for attr in key)
        if MISSING not in values and None not in values:
            cache.indexes.setdefault(key, {})[values] = obj


def unindex_unique_values(cache: SessionCache, obj: Any, vals: dict) -> None:
    entity = obj.__class__
    for attr in entity._simple_keys_:
        value = vals.get(attr)
        if value is not None and not attr.is_pk:
            index = cache.indexes.get(attr)
            if index is not None and index.get(value) is obj:
                del index[value]
    for key in entity._composite_keys_:
        values = tuple(vals.get(attr) for attr in key)
        index = cache.indexes.get(key)
        if index is not None and index.get(values) is obj:
            del index[values]


def find_in_cache(cache: SessionCache, entity: Any, kwargs: dict) -> Any:
    """An object of the identity map matching ``kwargs`` by pk or a unique key, else None."""
    pk_attrs = entity._pk_attrs_
    if all(attr.name in kwargs for attr in pk_attrs):
        pkval = kwargs[pk_attrs[0].name] if len(pk_attrs) == 1 else \
            tuple(kwargs[attr.name] for attr in pk_attrs)
        obj = pk_index(cache, entity).get(pkval)
        if obj is not None:
            return obj
    for attr in entity._simple_keys_:
        if attr.name in kwargs and not attr.is_pk:
            obj = cache.indexes.get(attr, {}).get(kwargs[attr.name])
            if obj is not None:
                return obj
    return None


def pkval_from_raw(cache: SessionCache, entity: Any, raw: list) -> Any:
    """Python pk value from raw column values (relation parts become seeds)."""
    pk_attrs = entity._pk_attrs_
    if len(pk_attrs) == 1 and not pk_attrs[0].is_relation:
        return raw[0]
    values = []
    pos = 0
    for attr in pk_attrs:
        n = len(attr.columns) if attr.columns else len(attr.converters)
        part = raw[pos:pos + n]
        pos += n
        if attr.is_relation:
            target = attr.py_type
            values.append(seed(cache, target, pkval_from_raw(cache, target, list(part))))
        else:
            values.append(part[0])
    return values[0] if len(values) == 1 else tuple(values)


# --- building objects from rows ---------------------------------------------------------------


class RowReader:
    """How to turn the columns of one entity in a result row into an object.

    Built once per (entity, attributes) and reused for every row: for each attribute, the
    column offsets and the converter, so the per-row loop does no look-ups by name.
    """

    def __init__(self, entity: Any, attrs: tuple, offset: int = 0) -> None:
        self.entity = entity
        self.attrs = attrs
        self.root = entity._root_
        self.discriminator = entity._root_._discriminator_attr_
        specs = []
        pos = offset
        pk_positions = []
        disc_position = None
        for attr in attrs:
            n = len(attr.columns)
            positions = tuple(range(pos, pos + n))
            pos += n
            if attr.is_relation:
                converters = attr.converters
                sql2py = [None if sql2py_is_identity(c) else c.sql2py for c in converters]
                specs.append((attr, positions, sql2py, attr.py_type))
            else:
                converter = attr.converters[0]
                specs.append((attr, positions[0], None if sql2py_is_identity(converter) else converter.sql2py, None))
            if attr.is_pk or attr in entity._pk_attrs_:  # a part of a composite key too
                pk_positions.append(len(specs) - 1)
            if attr is self.discriminator:
                disc_position = positions[0]
        self.specs = specs
        self.width = pos - offset
        self.end = pos
        self.pk_specs = [specs[i] for i in pk_positions]
        self.disc_position = disc_position
        # to-one attributes whose other end is a volatile collection: a loaded row joins it
        self.volatile_links = [attr for attr in attrs if attr.is_relation and not attr.is_collection
                               and attr.reverse is not None and attr.reverse.volatile and attr.reverse.is_collection]
        # one-to-one attributes holding the foreign key: the other end learns the loaded object
        self.one_to_one_links = [attr for attr in attrs if attr.is_relation and attr.columns and not attr.is_collection
                                 and attr.reverse is not None and attr.reverse is not attr
                                 and not attr.reverse.is_collection and not attr.reverse.columns]
        self.required = [(attr, pos if isinstance(pos, int) else pos[0]) for attr, pos, _, _ in specs
                         if attr.is_required and not attr.is_pk]

    def is_missing(self, row: Any) -> bool:
        """No row at all (an outer join found none): its primary key is NULL, nothing to warn about."""
        first = self.pk_specs[0][1] if self.pk_specs else None
        if first is None:
            return False
        return row[first if isinstance(first, int) else first[0]] is None

    def check_empty(self, row: Any) -> None:
        """Warn, as Pony does, of a NULL or '' that the database holds for a Required attribute."""
        entity = self.entity
        if self.disc_position is not None:  # another class's columns of this table are NULL by right
            entity = self.root._subclass_by_discriminator_.get(row[self.disc_position], entity)
        for attr, pos in self.required:
            if not issubclass(entity, attr.entity):
                continue
            value = row[pos]
            if value is None or value == "":
                what = "NULL" if value is None else "empty string"
                warnings.warn(f"Database contains {what} for required attribute {attr}",
                              errors.DatabaseContainsIncorrectEmptyValue, stacklevel=2)

    def read(self, cache: SessionCache, row: Any) -> Any:
        if self.required and (None in row or "" in row) and not self.is_missing(row):
            self.check_empty(row)
        return self.read_checked(cache, row)

    def read_checked(self, cache: SessionCache, row: Any) -> Any:
        values = {}
        pkval: Any = None
        for attr, pos, sql2py, target in self.specs:
            if target is None:
                value = row[pos]
                if sql2py is not None and value is not None:
                    value = sql2py(value)
            else:
                raw = [row[p] for p in pos]
                if raw[0] is None:
                    value = None
                else:
                    raw = [f(v) if f is not None else v for f, v in zip(sql2py, raw)]
                    value = seed(cache, target, pkval_from_raw(cache, target, raw))
            values[attr] = value
        pk_attrs = self.entity._pk_attrs_
        if len(pk_attrs) == 1:
            pkval = values[pk_attrs[0]]
        else:
            pkval = tuple(values[a] for a in pk_attrs)
        if pkval is None:
            return None  # an outer join found no row
        entity = self.entity
        if self.disc_position is not None:
            disc_value = values[self.discriminator]
            entity = self.root._subclass_by_discriminator_.get(disc_value, entity)
        obj = merge_loaded(cache, entity, pkval, values)
        for attr in self.volatile_links:
            _join_volatile_collection(obj, attr, values[attr])
        for attr in self.one_to_one_links:
            link_one_to_one(obj, attr, values[attr])
        return obj


    def read_all(self, cache: SessionCache, rows: list) -> list:
        """All rows at once: a loop generated for this entity's column layout when it is simple."""
        fast = self.__dict__.get("_fast")
        if fast and len(rows) < _GC_PAUSE_ROWS:  # the usual case, inlined: a few rows, the fast loop
            return fast(cache, rows, pk_index(cache, self.entity), self.check_empty)
        if fast is None:
            # readers of one entity layout are interchangeable: generate the loop once for all
            shared = self.entity.__dict__.get("_fast_readers_")
            if shared is None:
                shared = {}
                type.__setattr__(self.entity, "_fast_readers_", shared)
            key = (self.attrs, self.end - self.width)
            fast = shared.get(key)
            if fast is None:
                fast = shared[key] = _compile_fast_reader(self)
            self._fast = fast
        if len(rows) < _GC_PAUSE_ROWS or not gc.isenabled():
            return self._read_all(fast, cache, rows)
        # Building many objects at once, none of them garbage: the cyclic collector would walk the
        # growing heap again and again (a 100,000-row load took three times as long with it on).
        gc.disable()
        try:
            return self._read_all(fast, cache, rows)
        finally:
            gc.enable()

    def _read_all(self, fast: Any, cache: SessionCache, rows: list) -> list:
        if fast is False:
            read = self.read
            return [read(cache, row) for row in rows]
        return fast(cache, rows, pk_index(cache, self.entity), self.check_empty)


def link_one_to_one(obj: Any, attr: Any, owner: Any) -> None:
    """``obj`` was read with the one-to-one foreign key ``attr`` = ``owner``: ``owner``'s other end
    is ``obj`` now. Another object that held that end loses its link (it reads it again when asked),
    unless its link was already read in this session: then two rows claim one object and, as in
    Pony, that is an UnrepeatableReadError."""
    if owner is None or obj._status_ in _GONE or owner._status_ in _GONE or obj._vals_.get(attr) is not owner:
        return
    if owner._row_ is not None:
        materialize(owner)
    dbvals = owner._dbvals_
    if owner._vals_ is dbvals and len(dbvals) <= len(owner._pk_attrs_):
        return  # not loaded yet (a seed)
    reverse = attr.reverse
    current = dbvals.get(reverse)
    if current is obj:
        return
    if current is not None and current._status_ not in _GONE and current._dbvals_.get(attr) is owner:
        if current._rbits_ & attr.bit:
            raise errors.UnrepeatableReadError(
                f"Multiple {attr.entity.__name__} objects linked with the same {owner!r} object. "
                f"Maybe {reverse} attribute should be Set instead of {type(reverse).__name__}")
        other_vals = current._vals_
        if other_vals is not current._dbvals_ and other_vals.get(attr) is owner:
            del other_vals[attr]
        del current._dbvals_[attr]
    vals = owner._vals_
    if vals is not dbvals and vals.get(reverse, MISSING) is dbvals.get(reverse, MISSING):
        vals[reverse] = obj
    dbvals[reverse] = obj


_GONE = ("marked_to_delete", "deleted", "cancelled")


def _join_volatile_collection(obj: Any, attr: Any, owner: Any) -> None:
    """``obj`` was read with ``attr`` = ``owner``: add it to ``owner``'s loaded volatile collection."""
    if owner is None or obj._status_ in (MARKED_TO_DELETE, DELETED, CANCELLED) or obj._vals_.get(attr) is not owner:
        return
    if owner._row_ is not None:
        materialize(owner)
    vals = owner._vals_
    data = vals.get(attr.reverse) if attr.reverse in vals else None
    if data is not None and data.is_fully_loaded and obj not in data.items:
        data.items[obj] = None
        data.count = len(data.items)


_FAST_TEMPLATE = """
def read_all(cache, rows, index, check_empty):
    result = []
    append = result.append
    # the rows of one fetch have one shape: the driver's tuples of just this entity's columns?
    whole = bool(rows) and type(rows[0]) is tuple and len(rows[0]) == {width}
    for row in rows:
{empty_check}
        pk = row[{pk_pos}]
        obj = index.get(pk)
        if obj is None and pk is not None:
{conversions}
            obj = new(entity)
            obj._session_cache_ = cache
            obj._status_ = "loaded"
            obj._rbits_ = 0
            obj._wbits_ = 0
            obj._save_pos_ = None
            obj._newid_ = None
            obj._pkval_ = pk
{store}
            index[pk] = obj
        elif obj is None or obj._row_ is None:
            obj = slow(cache, row)
        else:
{conversions}
            if obj._row_ != {row_value}:  # an unchanged object read again stays as it is
                obj = slow(cache, row)
        append(obj)
    return result
"""


def _compile_fast_reader(reader: RowReader) -> Any:
    """Specialise the row loop for entities with a one-column pk, no relations to read and no
    unique keys or subclasses to check: the common shape, and the one that must be fast.

    When the reader reads all of the entity's load attributes (a plain select), objects keep
    their values as a row tuple (``_row_``) instead of a dict: the driver's own row when no value
    needs converting."""
    entity = reader.entity
    if reader.disc_position is not None or len(entity._pk_attrs_) != 1 or entity._keys_ \
            or not all(target is None or _plain_reference(reader, attr, pos, target)
                       for attr, pos, _, target in reader.specs):
        return False
    namespace: dict = {"new": object.__new__, "entity": entity, "slow": reader.read_checked, "seed": seed}
    conversions = []
    items = []
    values = []
    kept = []  # conditions under which a converted value is the driver's own
    pk_pos = None
    for i, (attr, pos, sql2py, target) in enumerate(reader.specs):
        namespace[f"a{i}"] = attr
        if target is not None:  # a seed of the referenced object, as read_checked makes it
            namespace[f"t{i}"] = target
            key = f"v{i}"
            if sql2py[0] is not None:
                namespace[f"c{i}"] = sql2py[0]
                key = f"c{i}(v{i})"
            conversions.append(f"            v{i} = row[{pos[0]}]\n"
                               f"            if v{i} is not None: v{i} = seed(cache, t{i}, {key})")
            items.append(f"a{i}: v{i}")
            values.append(f"v{i}")
        elif attr.is_pk:
            if sql2py is not None:
                return False
            pk_pos = pos
            items.append(f"a{i}: pk")
            values.append("pk")
        elif sql2py is None:
            items.append(f"a{i}: row[{pos}]")
            values.append(f"row[{pos}]")
        else:
            namespace[f"c{i}"] = sql2py
            native = attr.converters[0].native_type
            if native is None:
                conversions.append(f"            v{i} = row[{pos}]\n            if v{i} is not None: v{i} = c{i}(v{i})")
            else:  # a value the driver already gave as the right type needs no call
                namespace[f"n{i}"] = native
                call = f"c{i}(v{i})"
                text_reader = attr.converters[0].text_reader()
                if text_reader is not None:  # and text (SQLite's dates) goes to the parser directly
                    namespace[f"p{i}"] = text_reader
                    call = f"(p{i}(v{i}) if v{i}.__class__ is str else c{i}(v{i}))"
                conversions.append(f"            v{i} = row[{pos}]\n"
                                   f"            if v{i} is not None and v{i}.__class__ is not n{i}: v{i} = {call}")
                kept.append(f"v{i} is row[{pos}]")
            items.append(f"a{i}: v{i}")
            values.append(f"v{i}")
    if pk_pos is None:
        return False
    # a Required value that is NULL or '' in the database: warn as read() does
    # (not for the NULLs of an outer join that found no row: its key is NULL). A false value
    # (None, '', but also 0 or False) sends the row to check_empty(), which tells them apart.
    empty = " or ".join(f"not row[{pos}]" for _, pos in reader.required)
    empty_check = f"        if ({empty}) and row[{pk_pos}] is not None: check_empty(row)" if empty else ""
    store, row_value = _row_store(reader, items, values, len(conversions), kept)
    source = _FAST_TEMPLATE.format(pk_pos=pk_pos, conversions="\n".join(conversions), store=store,
                                   row_value=row_value, empty_check=empty_check, width=reader.width)
    exec(compile(source, f"<row reader {entity.__name__}>", "exec"), namespace)
    return namespace["read_all"]


def _row_store(reader: RowReader, items: list, values: list, conversions: int, kept: list) -> tuple:
    """How the generated loop stores a new object's values, and the row it compares a known object
    with: a row tuple (``_row_``) when the reader reads all of a plain entity's load attributes."""
    entity = reader.entity
    if reader.attrs != entity._load_attrs_ or entity._root_ is not entity or entity._subclasses_:
        return f"            obj._row_ = None\n            obj._vals_ = obj._dbvals_ = {{{', '.join(items)}}}", "None"
    for i, attr in enumerate(entity._load_attrs_):
        attr.row_pos = i
    if "_row_dict_" not in entity.__dict__:
        type.__setattr__(entity, "_row_dict_", _compile_row_dict(entity))
        type.__setattr__(entity, "_row_references_",
                         tuple(i for i, attr in enumerate(entity._load_attrs_) if attr.is_relation))
    width, offset = reader.width, reader.end - reader.width
    if not conversions and offset == 0:
        # the driver's row itself when it holds just this entity's columns
        row_value = f"(row if whole else tuple(row)[:{width}])"
    elif offset == 0 and len(kept) == conversions:
        # the driver's row too when every value it holds already had the right type
        row_value = f"(row if whole and {' and '.join(kept)} else ({', '.join(values)},))"
    else:
        row_value = f"({', '.join(values)},)"
    return f"            obj._row_ = {row_value}", row_value


def _plain_reference(reader: RowReader, attr: Any, positions: tuple, target: Any) -> bool:
    """A to-one reference read as one column holding the plain key of its target, with nothing
    to update on the other side (the generated loop makes the seed itself)."""
    pk_attrs = target._pk_attrs_
    return len(positions) == 1 and len(pk_attrs) == 1 and not pk_attrs[0].is_relation \
        and attr not in reader.volatile_links and attr not in reader.one_to_one_links


def _compile_row_dict(entity: Any) -> Any:
    """``row -> {attr: value}`` for a row-backed object of ``entity``, as one dict display."""
    namespace = {f"a{i}": attr for i, attr in enumerate(entity._load_attrs_)}
    items = ", ".join(f"a{i}: row[{i}]" for i in range(len(entity._load_attrs_)))
    exec(compile(f"def row_dict(row):\n    return {{{items}}}\n", f"<row dict {entity.__name__}>", "exec"),
         namespace)
    return namespace["row_dict"]


def sql2py_is_identity(converter: Any) -> bool:
    """Does ``converter`` read every value back as the driver gives it (plain ints, strings)?"""
    return type(converter).sql2py is Converter.sql2py


def merge_loaded(cache: SessionCache, entity: Any, pkval: Any, values: dict) -> Any:
    """Put freshly read values into the identity map's object for ``pkval``."""
    index = pk_index(cache, entity)
    obj = index.get(pkval)
    if obj is None:
        obj = new_instance(cache, entity, LOADED)
        obj._pkval_ = pkval
        obj._vals_ = obj._dbvals_ = values
        index[pkval] = obj
        if entity._keys_:
            index_unique_values(cache, obj, values)
        return obj
    if obj.__class__ is not entity:
        if issubclass(entity, obj.__class__):
            obj.__class__ = entity
    status = obj._status_
    if status in (MARKED_TO_DELETE, DELETED, CANCELLED):
        return obj
    seeds = cache.seeds.get(entity._root_)
    if seeds:
        seeds.pop(obj, None)
    if obj._row_ is not None:
        materialize(obj)
    vals = obj._vals_
    dbvals = obj._dbvals_
    if vals is dbvals and len(vals) <= len(entity._pk_attrs_):
        # a seed: take everything
        vals.update(values)
        if entity._keys_:
            index_unique_values(cache, obj, values)
        return obj
    rbits = obj._rbits_
    wbits = obj._wbits_
    for attr, value in values.items():
        old = dbvals.get(attr, MISSING)
        if old is MISSING:
            dbvals[attr] = value
            if vals is not dbvals and attr not in vals:
                vals[attr] = value
            continue
        if old is value or old == value or (not attr.is_relation and attr.converters and
                                            attr.converters[0].dbvals_equal(old, value)):
            continue
        if rbits & attr.bit and attr.optimistic is not False and not attr.volatile and cache.optimistic:
            raise errors.UnrepeatableReadError(
                f"Value of {attr} for {obj!r} was updated outside of current transaction "
                f"(was: {old!r}, now: {value!r})")
        if vals is dbvals:
            vals[attr] = value
        else:
            dbvals[attr] = value
            if not wbits & attr.bit:
                vals[attr] = value
    return obj


# --- streams: objects nobody refers to leave the identity map ---------------------------------

# References to an object inside ``evict_unreferenced``: the caller's list, the loop variable,
# ``sys.getrefcount``'s own argument and the identity map.
_EVICT_BASE_REFS = 4
_EVICTABLE = (LOADED, UPDATED, INSERTED)


def evict_unreferenced(cache: SessionCache, objs: list) -> int:
    """Remove from the identity map the unchanged objects of ``objs`` that nothing else refers to
    (not the program, another object, a collection, a cached query result or a lock), and then
    the related objects they alone referred to. ``objs`` is emptied. Nobody can tell such an object is gone: reading
    its row again makes a new object. Returns how many left; none where reference counts are not
    exact (interpreters other than CPython)."""
    getrefcount = getattr(sys, "getrefcount", None)
    if getrefcount is None or not objs:
        return 0
    evicted = 0
    related: list = []
    row = vals = None
    for obj in objs:
        if obj._status_ not in _EVICTABLE or obj._save_pos_ is not None:
            continue
        entity = obj.__class__
        root = entity._root_
        seeds = cache.seeds.get(root)
        extra = 1 if seeds and obj in seeds else 0
        vals = None
        row = obj._row_
        if row is None:
            vals = obj._vals_
            if entity._keys_:
                extra += _key_refs(cache, obj, vals)
        if getrefcount(obj) > _EVICT_BASE_REFS + extra:
            continue
        index = cache.indexes.get(root)
        if index is None or index.get(obj._pkval_) is not obj:
            continue
        del index[obj._pkval_]
        if extra:
            if seeds:
                seeds.pop(obj, None)
            if vals is not None:
                unindex_unique_values(cache, obj, vals)
        evicted += 1
        if vals is not None:
            related.extend(value for attr, value in vals.items() if attr.is_relation and not attr.is_collection
                           and value is not None)
        else:
            related.extend(row[i] for i in entity._row_references_ if row[i] is not None)
    objs.clear()  # the evicted objects go now, and with them their references to the related ones
    obj = row = vals = None
    if related:
        candidates = list(dict.fromkeys(related))
        del related  # its references would keep the candidates
        evicted += evict_unreferenced(cache, candidates)
    return evicted


def _key_refs(cache: SessionCache, obj: Any, vals: dict) -> int:
    """How many unique-key indexes of the identity map hold ``obj``."""
    count = 0
    for attr in obj.__class__._simple_keys_:
        if not attr.is_pk and cache.indexes.get(attr, {}).get(vals.get(attr)) is obj:
            count += 1
    for key in obj.__class__._composite_keys_:
        if key is not obj.__class__._pk_attrs_:
            values = tuple(vals.get(attr) for attr in key)
            if cache.indexes.get(key, {}).get(values) is obj:
                count += 1
    return count
