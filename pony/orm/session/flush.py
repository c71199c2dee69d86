"""Flush: send a session's pending changes in dependency order.

One round: before_* hooks, many-to-many removals, object saves (each INSERT after the objects
it references), many-to-many additions, after_* hooks. Hooks that change data cause another
round, up to 50. INSERT/UPDATE/DELETE statements are compiled once per entity and column set.
"""

from __future__ import annotations

from typing import Any

from .. import errors
from ..sql import ast
from .cache import SessionCache
from .changes import saved_values
from .loading import compiled, raw_pk, raw_value
from .objects import (
    CANCELLED,
    CREATED,
    DELETED,
    INSERTED,
    MARKED_TO_DELETE,
    MODIFIED,
    UPDATED,
    pk_index,
)

MAX_ROUNDS = 50


def flush(cache: SessionCache) -> None:
    if cache.noflush_counter or not cache.dirty:
        return
    rounds = 0
    wrote = False
    while cache.objects_to_save or cache.modified_collections:
        rounds += 1
        if rounds > MAX_ROUNDS:
            raise errors.TransactionError("Recursion depth limit reached in obj._after_save_() call")
        objects = _take_objects(cache)
        _call_before_hooks(cache, objects)
        objects += _take_objects(cache)  # changed by the hooks
        links = cache.modified_collections
        cache.modified_collections = {}
        _remove_links(cache, links)
        saving: set = set()
        for obj in objects:
            _save(cache, obj, saving)
        _add_links(cache, links)
        wrote = True
        _call_after_hooks(cache, objects)
    cache.dirty = False
    if wrote:
        cache.query_results.clear()


def _take_objects(cache: SessionCache) -> list:
    objects = [obj for obj in cache.objects_to_save if obj is not None]
    cache.objects_to_save = []
    for obj in objects:
        obj._save_pos_ = None
    return objects


def _hook(obj: Any, name: str) -> Any:
    method = getattr(type(obj), name, None)
    base = getattr(obj._database_.Entity, name, None)
    return None if method is None or method is base else method


def _call_before_hooks(cache: SessionCache, objects: list) -> None:
    cache.noflush_counter += 1
    try:
        for obj in objects:
            status = obj._status_
            name = {CREATED: "before_insert", MODIFIED: "before_update",
                    MARKED_TO_DELETE: "before_delete"}.get(status)
            if name is None:
                continue
            method = _hook(obj, name)
            if method is None:
                continue
            if status == MARKED_TO_DELETE:
                dead = obj._vals_
                obj._vals_ = saved_values(obj)
                try:
                    method(obj)
                finally:
                    obj._vals_ = dead
            else:
                method(obj)
    finally:
        cache.noflush_counter -= 1


def _call_after_hooks(cache: SessionCache, objects: list) -> None:
    for obj in objects:
        name = {INSERTED: "after_insert", UPDATED: "after_update", DELETED: "after_delete"}.get(obj._status_)
        if name is None or getattr(obj, "_hook_done_", None) == name:
            continue
        method = _hook(obj, name)
        if method is not None:
            method(obj)


def _save(cache: SessionCache, obj: Any, saving: set) -> None:
    status = obj._status_
    if status == CREATED:
        _insert(cache, obj, saving)
    elif status == MODIFIED:
        _update(cache, obj)
    elif status == MARKED_TO_DELETE:
        _delete(cache, obj)


# --- INSERT -------------------------------------------------------------------------------------


def _insert(cache: SessionCache, obj: Any, saving: set) -> None:
    if obj in saving:
        return
    saving.add(obj)
    entity = obj.__class__
    vals = obj._vals_
    postponed = []
    attrs = []
    for attr in entity._attrs_:
        if attr.is_collection or not attr.columns:
            continue
        value = vals.get(attr)
        if value is None:
            if attr.is_pk and attr.auto:
                continue
            if attr.sql_default is not None:
                continue
        if attr.is_relation and value is not None and value._status_ == CREATED:
            if value in saving:
                if attr.nullable:
                    postponed.append(attr)  # break the cycle: insert NULL, update afterwards
                    continue
                raise errors.UnresolvableCyclicDependency("Cannot save cyclic chain: " + " -> ".join(
                    repr(o) for o in saving))
            _insert(cache, value, saving)
        attrs.append(attr)
    key = ("insert", entity, tuple(attrs))
    auto_pk = entity._pk_attrs_[0] if entity._pk_attrs_[0].auto and vals.get(entity._pk_attrs_[0]) is None \
        else None
    returning = auto_pk.columns[0] if auto_pk is not None else None

    def build() -> ast.Insert:
        columns = tuple(c for attr in attrs for c in attr.columns)
        return ast.Insert(entity._table_, columns, tuple(ast.Param(i) for i in range(len(columns))),
                          returning=returning)

    statement = compiled(cache, key, build)
    arguments = [v for attr in attrs for v in raw_value(attr, vals.get(attr))]
    try:
        _, new_id = cache.execute(statement.sql, arguments, write=True, returning_id=auto_pk is not None)
    except errors.IntegrityError as exc:
        raise errors.TransactionIntegrityError(f"Object {obj!r} cannot be stored in the database. "
                                               f"{type(exc).__name__}: {exc}", exc) from exc
    if auto_pk is not None:
        if new_id is None:
            raise errors.UnexpectedError(f"The database did not return a new id for {obj!r}", None)
        new_id = auto_pk.converters[0].validate(new_id) if not isinstance(new_id, int) else new_id
        index = pk_index(cache, entity)
        if new_id in index and index[new_id] is not obj:
            raise errors.TransactionIntegrityError(
                f"Newly auto-generated id value {new_id} was already used in transaction cache for another "
                "object")
        vals[auto_pk] = new_id
        obj._pkval_ = new_id
        index[new_id] = obj
    obj._status_ = INSERTED
    obj._dbvals_ = vals if not any(a.volatile or a.sql_default is not None for a in attrs) else dict(vals)
    _forget_db_generated(obj, entity)
    obj._wbits_ = 0
    for attr in postponed:
        obj._status_ = MODIFIED
        obj._dbvals_ = dict(vals)
        obj._dbvals_[attr] = None
        obj._wbits_ |= attr.bit
        _update(cache, obj)


def _forget_db_generated(obj: Any, entity: Any) -> None:
    """Values the database fills in (sql_default left unset, volatile) are read again on access."""
    for attr in entity._attrs_:
        if attr.is_collection or not attr.columns:
            continue
        if (attr.sql_default is not None and obj._vals_.get(attr) is None) or attr.volatile:
            if obj._vals_ is obj._dbvals_:
                obj._dbvals_ = obj._vals_ = dict(obj._vals_)
            obj._vals_.pop(attr, None)
            obj._dbvals_.pop(attr, None)


# --- UPDATE -------------------------------------------------------------------------------------


def _update(cache: SessionCache, obj: Any) -> None:
    entity = obj.__class__
    vals = obj._vals_
    dbvals = obj._dbvals_
    wbits = obj._wbits_
    changed = []
    for attr in entity._attrs_:
        if not wbits & attr.bit or attr.is_collection or not attr.columns:
            continue
        new = vals.get(attr)
        old = dbvals.get(attr, _MISSING)
        if old is not _MISSING and _same(attr, old, new):
            continue
        changed.append(attr)
    if not changed:
        obj._status_ = UPDATED
        obj._wbits_ = 0
        return
    checks = []
    if cache.optimistic:
        rbits = obj._rbits_ | wbits
        for attr in entity._attrs_:
            if not rbits & attr.bit or attr.is_collection or not attr.columns or attr.is_pk:
                continue
            if attr.volatile or attr.optimistic is False or attr not in dbvals:
                continue
            if attr.py_type is float or (attr.converters and not attr.converters[0].optimistic):
                continue
            checks.append((attr, dbvals[attr] is None))
    key = ("update", entity, tuple(changed), tuple(checks))

    def build() -> ast.Update:
        assignments = []
        index = 0
        for attr in changed:
            for column in attr.columns:
                assignments.append((column, ast.Param(index)))
                index += 1
        conditions = []
        for attr in entity._pk_attrs_:
            for column in attr.columns:
                conditions.append(ast.BinOp("=", ast.Column(None, column), ast.Param(index)))
                index += 1
        for attr, is_null in checks:
            for column in attr.columns:
                if is_null:
                    conditions.append(ast.IsNull(ast.Column(None, column)))
                else:
                    conditions.append(ast.BinOp("=", ast.Column(None, column), ast.Param(index)))
                    index += 1
        return ast.Update(entity._table_, tuple(assignments), ast.and_(*conditions))

    statement = compiled(cache, key, build)
    arguments = [v for attr in changed for v in raw_value(attr, vals.get(attr))]
    arguments += list(raw_pk(obj))
    for attr, is_null in checks:
        if not is_null:
            arguments.extend(raw_value(attr, dbvals[attr]))
    try:
        cursor, _ = cache.execute(statement.sql, arguments, write=True)
    except errors.IntegrityError as exc:
        raise errors.TransactionIntegrityError(f"Object {obj!r} cannot be updated in the database. "
                                               f"{type(exc).__name__}: {exc}", exc) from exc
    if cursor.rowcount != 1:
        raise errors.OptimisticCheckError(_lost_update_message(cache, obj, [attr for attr, _ in checks]))
    obj._status_ = UPDATED
    obj._dbvals_ = dict(vals)
    obj._wbits_ = 0
    if any(attr.volatile for attr in entity._attrs_):
        _forget_db_generated(obj, entity)


_MISSING = object()


def _lost_update_message(cache: SessionCache, obj: Any, attrs: list) -> str:
    """Why an optimistic UPDATE matched no row: re-read it and name what changed, as Pony does."""
    entity = obj.__class__
    key = ("reread", entity, tuple(attrs))
    # a locking read sees the latest committed row even inside a REPEATABLE READ snapshot
    lock = "update" if cache.provider.SUPPORTS_FOR_UPDATE else None

    def build() -> ast.Select:
        columns = tuple(ast.Column(None, c) for attr in attrs for c in attr.columns) or (ast.Value(1),)
        conditions = [ast.BinOp("=", ast.Column(None, column), ast.Param(i))
                      for i, column in enumerate(c for attr in entity._pk_attrs_ for c in attr.columns)]
        return ast.Select(columns, (ast.Table(entity._table_, None),), ast.and_(*conditions), lock=lock)

    cursor, _ = cache.execute(compiled(cache, key, build).sql, list(raw_pk(obj)))
    row = cursor.fetchone()
    if row is None:
        return f"Object {obj!r} was deleted outside of current transaction"
    changes = []
    pos = 0
    for attr in attrs:
        width = len(attr.columns)
        old = raw_value(attr, obj._dbvals_.get(attr))
        new = tuple(row[pos:pos + width])
        pos += width
        if attr.is_relation or width > 1:
            differs = old != new
            shown_old, shown_new = obj._dbvals_.get(attr), new[0] if width == 1 else new
        else:
            converter = attr.converters[0]
            value = new[0] if new[0] is None else converter.sql2py(new[0])
            shown_old, shown_new = obj._dbvals_.get(attr), value
            differs = not _same(attr, shown_old, value) if shown_old is not None and value is not None \
                else shown_old is not value
        if differs:
            changes.append(f"{attr.name} ({shown_old!r} -> {shown_new!r})")
    return f"Object {obj!r} was updated outside of current transaction. Changes: {', '.join(changes)}"


def _same(attr: Any, old: Any, new: Any) -> bool:
    if old is new:
        return True
    if attr.is_relation:
        return False
    if hasattr(new, "get_untracked"):
        return False  # changed in place: always written
    converter = attr.converters[0] if attr.converters else None
    if converter is not None and old is not None and new is not None:
        try:
            return converter.dbvals_equal(old, new) and type(old) is type(new)
        except Exception:
            return False
    return old == new and type(old) is type(new)


# --- DELETE -------------------------------------------------------------------------------------


def _delete(cache: SessionCache, obj: Any) -> None:
    entity = obj.__class__
    key = ("delete", entity._root_)

    def build() -> ast.Delete:
        conditions = [ast.BinOp("=", ast.Column(None, column), ast.Param(i))
                      for i, column in enumerate(c for attr in entity._pk_attrs_ for c in attr.columns)]
        return ast.Delete(entity._table_, ast.and_(*conditions))

    statement = compiled(cache, key, build)
    values = saved_values(obj)
    arguments = []
    for attr in entity._pk_attrs_:
        arguments.extend(raw_value(attr, values.get(attr, obj._dbvals_.get(attr))))
    try:
        cache.execute(statement.sql, arguments, write=True)
    except errors.IntegrityError as exc:
        raise errors.TransactionIntegrityError(f"Object {obj!r} cannot be deleted from the database. "
                                               f"{type(exc).__name__}: {exc}", exc) from exc
    obj._status_ = DELETED


# --- many-to-many links -------------------------------------------------------------------------


def _link_statement(cache: SessionCache, attr: Any, kind: str) -> Any:
    key = ("m2m", kind, attr)
    owner_cols = attr.reverse_columns if attr.reverse is attr else attr.reverse.columns
    item_cols = attr.columns

    def build() -> ast.Node:
        columns = tuple(owner_cols) + tuple(item_cols)
        if kind == "insert":
            return ast.Insert(attr.m2m_table, columns, tuple(ast.Param(i) for i in range(len(columns))))
        return ast.Delete(attr.m2m_table, ast.and_(*[ast.BinOp("=", ast.Column(None, c), ast.Param(i))
                                                     for i, c in enumerate(columns)]))

    return compiled(cache, key, build)


def _link_arguments(links: dict) -> list:
    return [list(raw_pk(owner)) + list(raw_pk(item)) for owner, item in links
            if owner._status_ not in (CANCELLED,) and item._status_ not in (CANCELLED,)]


def _remove_links(cache: SessionCache, changes: dict) -> None:
    for attr, change in changes.items():
        removed = change["removed"]
        if removed:
            statement = _link_statement(cache, attr, "delete")
            for arguments in _link_arguments(removed):
                cache.execute(statement.sql, arguments, write=True)


def _add_links(cache: SessionCache, changes: dict) -> None:
    for attr, change in changes.items():
        added = {link: None for link in change["added"]
                 if link[0]._status_ not in (DELETED, MARKED_TO_DELETE, CANCELLED)
                 and link[1]._status_ not in (DELETED, MARKED_TO_DELETE, CANCELLED)}
        if added:
            statement = _link_statement(cache, attr, "insert")
            try:
                for arguments in _link_arguments(added):
                    cache.execute(statement.sql, arguments, write=True)
            except errors.IntegrityError as exc:
                raise errors.TransactionIntegrityError(f"Cannot add link to {attr}: {exc}", exc) from exc


def flush_one(cache: SessionCache, obj: Any) -> None:
    """``obj.flush()``: save only this object (and what its INSERT depends on) now."""
    if obj._status_ not in (CREATED, MODIFIED, MARKED_TO_DELETE):
        return
    pos = obj._save_pos_
    if pos is not None:
        cache.objects_to_save[pos] = None
        obj._save_pos_ = None
    _call_before_hooks(cache, [obj])
    _save(cache, obj, set())
    _call_after_hooks(cache, [obj])
    cache.query_results.clear()
