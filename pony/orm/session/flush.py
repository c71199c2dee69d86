"""Flush: send a session's pending changes in dependency order.

One round: before_* hooks, many-to-many removals, object saves (each INSERT after the objects
it references), many-to-many additions, after_* hooks. Hooks that change data cause another
round, up to 50. INSERT/UPDATE/DELETE statements are compiled once per entity and column set.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from .. import errors
from ..dbproviders.base.provider import UpdateShape
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
    cache.postponed.clear()  # left over by a flush that failed
    while cache.objects_to_save or cache.modified_collections:
        rounds += 1
        if rounds > MAX_ROUNDS:
            raise errors.TransactionError("Recursion depth limit reached in obj._after_save_() call")
        objects = _take_objects(cache)
        if _call_before_hooks(cache, objects) and cache.objects_to_save:
            # objects the hooks changed or created; one a hook changed itself is already in the list
            # and must be written once, with all its changes, or its second UPDATE fails the check
            taken = {id(obj) for obj in objects}
            objects += [obj for obj in _take_objects(cache) if id(obj) not in taken]
        links = cache.modified_collections
        if links:
            cache.modified_collections = {}
            _remove_links(cache, links)
        if rounds == 1 and cache.committing and not links and objects and (
                _autocommit_possible(cache, objects[0]) if len(objects) == 1
                else _one_statement_batch(cache, objects)):
            # The commit's only statement: it commits by itself, without BEGIN and COMMIT.
            cache.autocommit_write = True
            try:
                with cache.autocommit_lock():
                    _save_all(cache, objects)
            finally:
                cache.autocommit_write = False
                cache.modified = cache.in_transaction
        else:
            _save_all(cache, objects)
        if links:
            _add_links(cache, links)
        wrote = True
        _call_after_hooks(cache, objects)
    cache.dirty = False
    if wrote:
        cache.query_results.clear()


_AFTER_HOOKS = {CREATED: "after_insert", MODIFIED: "after_update", MARKED_TO_DELETE: "after_delete"}


def _autocommit_possible(cache: SessionCache, obj: Any) -> bool:
    """Will saving ``obj`` be one statement, with nothing after it before the commit?"""
    if cache.in_transaction or cache.immediate or not cache.provider.AUTOCOMMIT_WRITES:
        return False
    status = obj._status_
    name = _AFTER_HOOKS.get(status)
    if name is None or _saved_with_hooks(obj, name):
        return False
    if status == CREATED:
        vals = obj._vals_
        for attr in _plan(obj.__class__).relations:
            value = vals.get(attr)
            if value is not None and value._status_ == CREATED:
                return False
    return True


def _one_statement_batch(cache: SessionCache, objects: list) -> bool:
    """Will saving ``objects`` be a single multi-row INSERT or DELETE (so it may autocommit)?"""
    provider = cache.provider
    if not provider.ATOMIC_STATEMENTS or not _autocommit_possible(cache, objects[0]):
        return False
    first = objects[0]
    entity, status = first.__class__, first._status_
    if status == CREATED:
        plan = _plan(entity)
        shape = _insert_shape(plan, first)
        if shape is None:
            return False
        width = sum(len(attr.columns) for attr, absent in zip(plan.skippable, shape) if not absent) + sum(
            len(attr.columns) for attr in plan.column_attrs if attr not in plan.skippable)
        auto_pk = entity._pk_attrs_[0].auto and first._vals_.get(entity._pk_attrs_[0]) is None
        if not provider.one_statement_batch("insert", len(objects), width, auto_pk):
            return False
        for obj in objects:
            if obj.__class__ is not entity or obj._status_ != CREATED or _insert_shape(plan, obj) != shape:
                return False
        return True
    if status == MARKED_TO_DELETE:
        root = entity._root_
        if len(root._pk_attrs_) != 1 or len(root._pk_attrs_[0].columns) != 1:
            return False
        for obj in objects:
            if obj._status_ != MARKED_TO_DELETE or obj.__class__._root_ is not root or \
                    _saved_with_hooks(obj, "after_delete"):
                return False
        return provider.one_statement_batch("delete", len(objects), 1, False)
    return False


def _insert_shape(plan: _Plan, obj: Any) -> tuple | None:
    """Which of the attributes an INSERT may leave out ``obj`` leaves out (``_insert`` skips an
    auto key or a column with an SQL default while None), or None when it refers to an object
    not inserted yet."""
    vals = obj._vals_
    for attr in plan.relations:
        value = vals.get(attr)
        if value is not None and value._status_ == CREATED:
            return None
    return tuple([vals.get(attr) is None for attr in plan.skippable])


def _take_objects(cache: SessionCache) -> list:
    objects = [obj for obj in cache.objects_to_save if obj is not None]
    cache.objects_to_save = []
    for obj in objects:
        obj._save_pos_ = None
    return objects


HOOK_NAMES = frozenset(("before_insert", "before_update", "before_delete", "after_insert", "after_update",
                        "after_delete", "_save_", "_after_save_"))


def hooks_changed(entity: Any) -> None:
    """A hook was assigned to or deleted from ``entity`` (``EntityMeta.__setattr__``): the cached
    hooks of it and of every class inheriting from it are worked out again at the next flush."""
    pending = [entity]
    while pending:
        cls = pending.pop()
        if "_hooks_" in cls.__dict__:
            type.__delattr__(cls, "_hooks_")
        pending.extend(type.__subclasses__(cls))


def _hooks(entity: Any) -> dict:
    """The hooks ``entity`` defines or inherits (name -> function), leaving out the base class's
    do-nothing methods; cached on the class until a hook is assigned to it or to a base."""
    found = entity.__dict__.get("_hooks_")
    if found is not None:
        return found
    base = entity._database_.Entity
    found = {}
    for name in HOOK_NAMES:
        method = getattr(entity, name, None)
        if method is not None and method is not getattr(base, name, None):
            found[name] = method
    type.__setattr__(entity, "_hooks_", found)
    return found


def _saved_with_hooks(obj: Any, after_name: str) -> bool:
    """Does saving ``obj`` run code of the user's (``_save_``, ``_after_save_`` or the after-hook
    ``after_name``), so that its statement cannot be the commit's last word?"""
    hooks = _hooks(type(obj))
    return bool(hooks) and (after_name in hooks or "_after_save_" in hooks or "_save_" in hooks)


_BEFORE_HOOKS = {CREATED: "before_insert", MODIFIED: "before_update", MARKED_TO_DELETE: "before_delete"}


def _call_before_hooks(cache: SessionCache, objects: list) -> bool:
    """Run the objects' before_* hooks; whether any ran."""
    called = False
    cache.noflush_counter += 1
    try:
        for obj in objects:
            hooks = _hooks(type(obj))
            if not hooks:
                continue
            status = obj._status_
            name = _BEFORE_HOOKS.get(status)
            if name is None:
                continue
            method = hooks.get(name)
            if method is None:
                continue
            called = True
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
    return called


def _call_after_hooks(cache: SessionCache, objects: list) -> None:
    for obj in objects:
        hooks = _hooks(type(obj))
        if not hooks:
            continue
        status = obj._status_
        name = _AFTER_HOOK_NAMES.get(status)
        if name is None or getattr(obj, "_hook_done_", None) == name:
            continue
        if "_after_save_" in hooks or name in hooks:
            obj._after_save_(status)


_AFTER_HOOK_NAMES = {INSERTED: "after_insert", UPDATED: "after_update", DELETED: "after_delete"}


def save_one(obj: Any) -> None:
    """``Entity._save_``: write ``obj``'s pending change by itself."""
    _save(obj._session_cache_, obj, set())


def _save(cache: SessionCache, obj: Any, saving: set, batch: _Batch | None = None) -> None:
    status = obj._status_
    if status == CREATED:
        _insert(cache, obj, saving, batch)
    elif status == MODIFIED:
        _update(cache, obj, batch)
    elif status == MARKED_TO_DELETE:
        _delete(cache, obj, batch)


def _save_all(cache: SessionCache, objects: list) -> None:
    """Save ``objects`` in order; consecutive statements of one shape go to the database together."""
    if len(objects) == 1 and "_save_" not in _hooks(type(objects[0])):
        _save(cache, objects[0], set())  # a batch of one is sent as one statement anyway
        if cache.postponed:
            _save_postponed(cache)
        return
    batch = _Batch(cache)
    saving: set = set()
    for obj in objects:
        status = obj._status_
        hooks = _hooks(type(obj))
        if hooks and "_save_" in hooks:
            if status in (CREATED, MODIFIED, MARKED_TO_DELETE):
                batch.send()  # keep the order of the statements
                obj._save_()
        elif status == CREATED:
            _insert(cache, obj, saving, batch)
        elif status == MODIFIED:
            _update(cache, obj, batch)
        elif status == MARKED_TO_DELETE:
            _delete(cache, obj, batch)
    batch.send()
    _save_postponed(cache)


class _Batch:
    """Consecutive statements of the same shape (entity, kind, columns), sent at once.

    A batch runs inside a savepoint: if any of its rows fails (an integrity error, an UPDATE
    matching fewer rows than objects), the savepoint is rolled back and the rows are replayed
    one statement each, so the error, its object and the state left behind are exactly those
    of saving the objects one by one.
    """

    __slots__ = ("cache", "key", "kind", "statement", "node", "objs", "members", "rows", "extras")

    def __init__(self, cache: SessionCache) -> None:
        self.cache = cache
        self.key: Any = None
        self.kind = ""
        self.statement: Any = None
        self.node: Any = None
        self.objs: list = []
        self.members: set = set()
        self.rows: list = []
        self.extras: list = []

    def add(self, kind: str, key: Any, statement: Any, node: Any, obj: Any, arguments: list,
            extra: Any = None) -> None:
        if key != self.key:
            self.send()
            self.key, self.kind, self.statement, self.node = key, kind, statement, node
        self.objs.append(obj)
        self.members.add(obj)
        self.rows.append(arguments)
        self.extras.append(extra)

    def pending(self, obj: Any) -> bool:
        return obj in self.members

    def _atomic(self, kind: str, rows: list, extras: list) -> bool:
        """Is the batch one statement of a database where a failed statement changes nothing?"""
        provider = self.cache.provider
        if not provider.ATOMIC_STATEMENTS or kind == "update":  # an UPDATE may match fewer rows
            return False
        returning_id = kind == "insert" and extras[0][0] is not None
        return provider.one_statement_batch(kind, len(rows), len(rows[0]), returning_id)

    def send(self) -> None:
        objs = self.objs
        if not objs:
            return
        rows, extras, kind, statement, node = self.rows, self.extras, self.kind, self.statement, self.node
        self.objs, self.rows, self.extras, self.key = [], [], [], None
        self.members = set()
        cache = self.cache
        if len(objs) == 1:
            _SINGLE[kind](cache, objs[0], statement, rows[0], extras[0])
            return
        if self._atomic(kind, rows, extras):
            # one statement: if it fails it changed nothing, and the transaction goes on
            try:
                _MANY[kind](cache, objs, statement, node, rows, extras)
            except errors.IntegrityError:
                cache.autocommit_write = False  # the replay must not commit row by row
                for obj, arguments, extra in zip(objs, rows, extras):
                    _SINGLE[kind](cache, obj, statement, arguments, extra)
            return
        cache.savepoint()
        try:
            done = _MANY[kind](cache, objs, statement, node, rows, extras)
        except errors.IntegrityError:
            done = False
        if not done:
            cache.rollback_to_savepoint()
            cache.release_savepoint()
            for obj, arguments, extra in zip(objs, rows, extras):
                _SINGLE[kind](cache, obj, statement, arguments, extra)
            return
        cache.release_savepoint()


# --- INSERT -------------------------------------------------------------------------------------


def _insert(cache: SessionCache, obj: Any, saving: set, batch: _Batch | None = None) -> None:
    if obj in saving:
        return
    saving.add(obj)
    entity = obj.__class__
    vals = obj._vals_
    plan = _plan(entity)
    if plan.relations:
        attrs, postponed = _insert_attrs(cache, obj, plan, saving, batch)
        template = _InsertTemplate(entity, tuple(attrs), vals)
    else:  # no object to insert first: the columns depend only on which skippable values are None
        postponed = []
        shape = tuple([vals.get(attr) is None for attr in plan.skippable])
        template = plan.inserts.get(shape)
        if template is None:
            attrs = [a for a in plan.column_attrs if not (a in plan.skippable and vals.get(a) is None)]
            template = plan.inserts[shape] = _InsertTemplate(entity, tuple(attrs), vals)
    statement = compiled(cache, template.key, template.build)
    if plan.relations:
        arguments = _column_values(template.attrs, vals, plan.relations)
    else:  # one column per attribute: each value through its converter
        get = vals.get
        arguments = [None if (value := get(attr)) is None else to_sql(value) for attr, to_sql in template.writers]
    extra = (template.auto_pk, template.attrs, postponed)
    if batch is None:
        _insert_one(cache, obj, statement, arguments, extra)
    else:
        batch.add("insert", template.key, statement, _insert_node(cache, template.key, template.build), obj,
                  arguments, extra)


def _insert_attrs(cache: SessionCache, obj: Any, plan: _Plan, saving: set, batch: _Batch | None) -> tuple:
    """The attributes ``obj``'s INSERT writes, after inserting the new objects it refers to, and
    the ones left NULL to break a cycle (``postponed``, set by UPDATE after the flush)."""
    vals = obj._vals_
    postponed: list = []
    attrs = []
    skippable, relations = plan.skippable, plan.relations
    for attr in plan.column_attrs:
        value = vals.get(attr)
        if value is None:
            if attr in skippable:
                continue
        elif attr in relations and value._status_ == CREATED:
            if batch is not None and batch.pending(value):
                batch.send()  # its key is needed now
            elif value in saving:
                if attr._nullable_:
                    postponed.append(attr)  # break the cycle: insert NULL, update afterwards
                    continue
                raise errors.UnresolvableCyclicDependency("Cannot save cyclic chain: " + " -> ".join(
                    repr(o) for o in saving))
            else:
                _insert(cache, value, saving, batch)
                if batch is not None and batch.pending(value):
                    batch.send()
        attrs.append(attr)
    return attrs, postponed


class _InsertTemplate:
    """An INSERT of ``attrs`` into ``entity``'s table: its cache key and how to build its ast."""

    __slots__ = ("entity", "attrs", "auto_pk", "key", "writers")

    def __init__(self, entity: Any, attrs: tuple, vals: dict) -> None:
        pk_attr = entity._pk_attrs_[0]
        self.entity = entity
        self.attrs = attrs
        # (attribute, its converter's py2sql) for an entity without relations
        self.writers = tuple((a, a.converters[0].py2sql) for a in attrs if not a.is_relation)
        self.auto_pk = pk_attr if pk_attr.auto and vals.get(pk_attr) is None else None
        self.key = ("insert", entity, attrs, self.auto_pk is not None)

    def build(self) -> ast.Insert:
        columns = tuple(c for attr in self.attrs for c in attr.columns)
        returning = self.auto_pk.columns[0] if self.auto_pk is not None else None
        return ast.Insert(self.entity._table_, columns, tuple(ast.Param(i) for i in range(len(columns))),
                          returning=returning)


def _column_values(attrs: list, vals: dict, relations: frozenset) -> list:
    """The column values of ``attrs`` in ``vals``: ``raw_value`` of each, inlined for plain
    columns (the common case)."""
    arguments: list = []
    for attr in attrs:
        value = vals.get(attr)
        if value is None:
            arguments.extend([None] * len(attr.columns))
        elif attr in relations:
            arguments.extend(raw_pk(value))
        else:
            arguments.append(attr.converters[0].py2sql(value))
    return arguments


def _insert_node(cache: SessionCache, key: Any, build: Any) -> ast.Insert:
    """The ast of an INSERT (for its multi-row form), kept beside the compiled statement."""
    nodes = cache.provider.__dict__.setdefault("_insert_nodes", {})
    node = nodes.get(key)
    if node is None:
        node = nodes[key] = build()
    return node


def _insert_one(cache: SessionCache, obj: Any, statement: Any, arguments: list, extra: tuple) -> None:
    auto_pk = extra[0]
    try:
        # plain values: the driver may bind them on the server and prepare the INSERT, as for batches
        _, new_id = cache.execute(statement.sql, arguments, write=True, returning_id=auto_pk is not None,
                                  prepared=_plain(cache, (arguments,)))
    except errors.IntegrityError as exc:
        raise _insert_error(obj, exc) from exc
    _inserted(cache, obj, new_id, extra)


def _insert_many(cache: SessionCache, objs: list, statement: Any, node: Any, rows: list,
                 extras: list) -> bool:
    auto_pk = extras[0][0]
    ids = cache.insert_rows(node, statement.sql, rows, auto_pk is not None, prepared=_plain(cache, rows))
    if auto_pk is not None and (ids is None or len(ids) != len(objs)):
        raise errors.UnexpectedError(f"The database returned {0 if ids is None else len(ids)} new ids "
                                     f"for {len(objs)} objects", None)
    for i, obj in enumerate(objs):
        _inserted(cache, obj, ids[i] if ids is not None else None, extras[i])
    return True


def _insert_error(obj: Any, exc: Exception) -> errors.TransactionIntegrityError:
    return errors.TransactionIntegrityError(f"Object {obj!r} cannot be stored in the database. "
                                            f"{type(exc).__name__}: {exc}", exc)


def _inserted(cache: SessionCache, obj: Any, new_id: Any, extra: tuple) -> None:
    auto_pk, attrs, postponed = extra
    entity = obj.__class__
    vals = obj._vals_
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
    plan = _plan(entity)
    if plan.db_generated:
        obj._dbvals_ = vals if not any(a.volatile or a.sql_default is not None for a in attrs) else dict(vals)
        _forget_db_generated(obj, entity)
    else:
        obj._dbvals_ = vals
    obj._wbits_ = 0
    if postponed:
        # the objects it refers to may not have their keys yet: set the links once they do
        cache.postponed.append((obj, postponed))


def _save_postponed(cache: SessionCache) -> None:
    """UPDATEs that close the cycles broken by inserting NULL."""
    while cache.postponed:
        obj, postponed = cache.postponed.pop(0)
        vals = obj._vals_
        for attr in postponed:
            obj._status_ = MODIFIED
            obj._dbvals_ = dict(vals)
            obj._dbvals_[attr] = None
            obj._wbits_ |= attr.bit
            _update(cache, obj)


class _Plan:
    """What the flush needs to know of an entity, computed once."""

    __slots__ = ("column_attrs", "db_generated", "volatile", "relations", "checkable", "skippable", "inserts")

    def __init__(self, entity: Any) -> None:
        self.column_attrs = tuple(a for a in entity._attrs_ if not a.is_collection and a.columns)
        self.db_generated = any(a.volatile or a.sql_default is not None for a in self.column_attrs)
        self.volatile = any(a.volatile for a in entity._attrs_)
        self.relations = frozenset(a for a in self.column_attrs if a.is_relation)
        # left out of an INSERT while None: an auto key, a column with an SQL default
        self.skippable = tuple(a for a in self.column_attrs if (a.is_pk and a.auto) or a.sql_default is not None)
        # attributes an optimistic UPDATE may compare with the values read (when read or written)
        self.checkable = tuple(
            a for a in self.column_attrs
            if not a.is_pk and not a.volatile and a.optimistic is not False and a.py_type is not float
            and not (a.converters and not a.converters[0].optimistic))
        # INSERT templates of an entity without relations, by which skippable values are None
        self.inserts: dict = {}


def _plan(entity: Any) -> _Plan:
    plan = entity.__dict__.get("_flush_plan_")
    if plan is None:
        plan = _Plan(entity)
        type.__setattr__(entity, "_flush_plan_", plan)
    return plan


def _column_attrs(entity: Any) -> tuple:
    return _plan(entity).column_attrs


def _forget_db_generated(obj: Any, entity: Any) -> None:
    """Values the database fills in (sql_default left unset, volatile) are read again on access."""
    for attr in _column_attrs(entity):
        if (attr.sql_default is not None and obj._vals_.get(attr) is None) or attr.volatile:
            if obj._vals_ is obj._dbvals_:
                obj._dbvals_ = obj._vals_ = dict(obj._vals_)
            obj._vals_.pop(attr, None)
            obj._dbvals_.pop(attr, None)


# --- UPDATE -------------------------------------------------------------------------------------


def _update(cache: SessionCache, obj: Any, batch: _Batch | None = None) -> None:
    entity = obj.__class__
    plan = _plan(entity)
    relations = plan.relations
    vals = obj._vals_
    dbvals = obj._dbvals_
    wbits = obj._wbits_
    changed = []
    for attr in plan.column_attrs:
        if not wbits & attr.bit:
            continue
        new = vals.get(attr)
        old = dbvals.get(attr, _MISSING)
        if old is not _MISSING and (old is new or attr not in relations and _same(attr, old, new)):
            continue
        if batch is not None and new is not None and attr in relations and new._status_ == CREATED \
                and batch.pending(new):
            batch.send()  # the new key of ``new`` is needed now
        changed.append(attr)
    if not changed:
        obj._status_ = UPDATED
        obj._wbits_ = 0
        return
    checks = []
    if cache.optimistic:
        rbits = obj._rbits_ | wbits
        for attr in plan.checkable:
            if rbits & attr.bit and attr in dbvals:
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
    arguments = _column_values(changed, vals, relations)
    arguments += raw_pk(obj)
    for attr, is_null in checks:
        if not is_null:
            arguments.extend(raw_value(attr, dbvals[attr]))
    if batch is None:
        _update_one(cache, obj, statement, arguments, checks)
    else:
        batch.add("update", key, statement, _update_shape(cache, key, entity, changed, checks), obj, arguments,
                  checks)


def _update_shape(cache: SessionCache, key: Any, entity: Any, changed: list, checks: list) -> Any:
    """What the provider needs to send a batch of this UPDATE as one statement (or None)."""
    provider = cache.provider
    if not provider.UPDATE_ROWS_IN_ONE or len(entity._pk_attrs_) != 1 or len(entity._pk_attrs_[0].columns) != 1:
        return None
    shapes = provider.__dict__.setdefault("_update_shapes", {})
    shape = shapes.get(key)
    if shape is None:
        shape = shapes[key] = UpdateShape(
            entity._table_, tuple(c for attr in changed for c in attr.columns), entity._pk_attrs_[0].columns[0],
            tuple(c for attr, is_null in checks if not is_null for c in attr.columns),
            tuple(c for attr, is_null in checks if is_null for c in attr.columns))
    return shape


def _update_one(cache: SessionCache, obj: Any, statement: Any, arguments: list, checks: list) -> None:
    try:
        cursor, _ = cache.execute(statement.sql, arguments, write=True)
    except errors.IntegrityError as exc:
        raise _update_error(obj, exc) from exc
    if cursor.rowcount != 1:
        raise errors.OptimisticCheckError(_lost_update_message(cache, obj, [attr for attr, _ in checks]))
    _updated(obj)


def _update_many(cache: SessionCache, objs: list, statement: Any, shape: Any, rows: list,
                 extras: list) -> bool:
    if shape is not None:
        matched = cache.update_rows(shape, rows)
    else:
        matched = cache.executemany(statement.sql, rows, prepared=_plain(cache, rows)).rowcount
    if matched != len(objs):
        return False  # some row was changed or deleted by someone else: replay to name it
    for obj in objs:
        _updated(obj)
    return True


def _update_error(obj: Any, exc: Exception) -> errors.TransactionIntegrityError:
    return errors.TransactionIntegrityError(f"Object {obj!r} cannot be updated in the database. "
                                            f"{type(exc).__name__}: {exc}", exc)


def _updated(obj: Any) -> None:
    obj._status_ = UPDATED
    obj._dbvals_ = dict(obj._vals_)
    obj._wbits_ = 0
    entity = obj.__class__
    if _plan(entity).volatile:
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


def _delete(cache: SessionCache, obj: Any, batch: _Batch | None = None) -> None:
    entity = obj.__class__
    root = entity._root_
    key = ("delete", root)

    def build() -> ast.Delete:
        conditions = [ast.BinOp("=", ast.Column(None, column), ast.Param(i))
                      for i, column in enumerate(c for attr in entity._pk_attrs_ for c in attr.columns)]
        return ast.Delete(entity._table_, ast.and_(*conditions))

    statement = compiled(cache, key, build)
    values = saved_values(obj)
    arguments = []
    for attr in entity._pk_attrs_:
        arguments.extend(raw_value(attr, values.get(attr, obj._dbvals_.get(attr))))
    if batch is None:
        _delete_one(cache, obj, statement, arguments, None)
    else:
        batch.add("delete", key, statement, root, obj, arguments)


def _delete_one(cache: SessionCache, obj: Any, statement: Any, arguments: list, extra: Any) -> None:
    try:
        cache.execute(statement.sql, arguments, write=True)
    except errors.IntegrityError as exc:
        raise errors.TransactionIntegrityError(f"Object {obj!r} cannot be deleted from the database. "
                                               f"{type(exc).__name__}: {exc}", exc) from exc
    _deleted(cache, obj)


def _deleted(cache: SessionCache, obj: Any) -> None:
    """``obj``'s row is gone: its primary key is free for a new object of this session."""
    obj._status_ = DELETED
    index = pk_index(cache, obj.__class__)
    if obj._pkval_ is not None and index.get(obj._pkval_) is obj:
        del index[obj._pkval_]


def _delete_many(cache: SessionCache, objs: list, statement: Any, root: Any, rows: list,
                 extras: list) -> bool:
    if len(rows[0]) != 1:  # a composite key: one statement per row, sent together
        cache.executemany(statement.sql, rows, prepared=_plain(cache, rows))
    elif cache.provider.ATOMIC_STATEMENTS and cache.provider.one_statement_batch("delete", len(rows), 1, False):
        listed = _delete_listed(cache, root)
        cache.execute(listed.sql, listed.arguments([tuple(row[0] for row in rows)]), write=True)
    else:
        # DELETE ... WHERE pk IN (...), in chunks of power-of-two sizes (few statement texts)
        limit = max(1, min(MAX_ROWS_PER_DELETE, cache.provider.max_params_count))
        pos, total = 0, len(rows)
        while pos < total:
            size = 1 << (min(limit, total - pos).bit_length() - 1)
            sql = statement.sql if size == 1 else _delete_in(cache, root, size).sql
            arguments = [row[0] for row in rows[pos:pos + size]]
            cache.execute(sql, arguments, write=True, prepared=_plain(cache, (arguments,)))
            pos += size
    for obj in objs:
        _deleted(cache, obj)
    return True


MAX_ROWS_PER_DELETE = 512


def _delete_listed(cache: SessionCache, root: Any) -> Any:
    """DELETE ... WHERE pk IN <one parameter holding every key>: one text for any count."""
    attr = root._pk_attrs_[0]

    def build() -> ast.Delete:
        in_list = ast.InList((ast.Column(None, attr.columns[0]),), ast.Param(0), (attr.py_type,))
        return ast.Delete(root._table_, in_list)

    return compiled(cache, ("delete_listed", root), build)


def _delete_in(cache: SessionCache, root: Any, count: int) -> Any:
    column = root._pk_attrs_[0].columns[0]

    def build() -> ast.Delete:
        params = tuple(ast.Param(i) for i in range(count))
        return ast.Delete(root._table_, ast.In(ast.Column(None, column), params))

    return compiled(cache, ("delete_in", root, count), build)


# Values every driver binds as the column's type without a hint (lists, dicts, driver wrappers
# may need one): a batch of only these may run as a statement prepared on the server.
_PLAIN_TYPES = frozenset({int, str, float, bool, Decimal, datetime.datetime, datetime.date, datetime.time,
                          datetime.timedelta, UUID, bytes, type(None)})


def _plain(cache: SessionCache, rows: Any) -> bool:
    """May ``rows`` go to a prepared cursor (only values of plain types, on a provider whose
    prepared cursor is another kind of cursor)?"""
    if not cache.provider.PREPARED_CURSORS:
        return False
    plain = _PLAIN_TYPES
    for row in rows:
        for value in row:
            if type(value) not in plain:
                return False
    return True


_SINGLE = {"insert": _insert_one, "update": _update_one, "delete": _delete_one}
_MANY = {"insert": _insert_many, "update": _update_many, "delete": _delete_many}


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
    _save_postponed(cache)
    _call_after_hooks(cache, [obj])
    cache.query_results.clear()
