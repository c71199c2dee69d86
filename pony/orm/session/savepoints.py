"""Savepoints, beyond Pony: ``with db.savepoint():`` undoes only its own block when it raises.

Entering flushes the pending changes, sets ``SAVEPOINT`` and takes a snapshot of the session's
identity map (every object's status, values and known collection items, and the key indexes).
Leaving normally flushes the block's changes (so their errors are the block's) and releases the
savepoint. An exception rolls back to the savepoint and puts the snapshot back: objects created in
the block are cancelled, objects deleted in it come back, changed attributes revert, and objects
first loaded in the block forget their values (they reload on the next read). The outer session
then continues. The snapshot costs one copy of each object's values: savepoints suit sessions of
up to some thousands of objects.
"""

from __future__ import annotations

import itertools
from typing import Any

from .. import errors
from .cache import SessionCache
from .collections import SetData
from .objects import CANCELLED, DeadValues, materialize, pk_index, reset_to_seed

_names = itertools.count(1)


class _ObjectState:
    """One object as it was when the savepoint was set."""

    __slots__ = ("cls", "status", "pkval", "rbits", "wbits", "vals", "dbvals")

    def __init__(self, obj: Any) -> None:
        self.cls = obj.__class__
        self.status = obj._status_
        self.pkval = obj._pkval_
        self.rbits = obj._rbits_
        self.wbits = obj._wbits_
        copies: dict = {}
        materialize(obj)  # a row-backed object gets its dicts first
        self.vals = _copy_values(obj._vals_, copies)
        self.dbvals = self.vals if obj._dbvals_ is obj._vals_ else _copy_values(obj._dbvals_, copies)

    def restore(self, obj: Any) -> None:
        obj.__class__ = self.cls
        obj._status_ = self.status
        obj._pkval_ = self.pkval
        obj._rbits_ = self.rbits
        obj._wbits_ = self.wbits
        obj._save_pos_ = None
        obj._row_ = None  # the values are the dicts below
        copies: dict = {}  # fresh copies: a later savepoint may snapshot and change them again
        obj._vals_ = _copy_values(self.vals, copies)
        obj._dbvals_ = obj._vals_ if self.dbvals is self.vals else _copy_values(self.dbvals, copies)


def _copy_values(vals: Any, copies: dict) -> Any:
    """A copy of a ``_vals_`` dict whose collection data is copied too (shared ones stay shared)."""
    if isinstance(vals, DeadValues):
        return vals  # a deleted object's values never change again
    result = {}
    for attr, value in vals.items():
        if isinstance(value, SetData):
            copy = copies.get(id(value))
            if copy is None:
                copy = copies[id(value)] = SetData()
                copy.items = dict(value.items)
                copy.is_fully_loaded = value.is_fully_loaded
                copy.count = value.count
            value = copy
        result[attr] = value
    return result


class _Snapshot:
    """The identity map of one session cache at the moment the savepoint was set."""

    def __init__(self, cache: SessionCache) -> None:
        self.indexes = {key: dict(index) for key, index in cache.indexes.items()}
        self.seeds = {root: dict(seeds) for root, seeds in cache.seeds.items()}
        self.for_update = set(cache.for_update)
        self.states = {obj: _ObjectState(obj) for obj in _objects(cache)}

    def restore(self, cache: SessionCache) -> None:
        states = self.states
        reloaded = []
        for obj in _objects(cache):
            if obj in states:
                continue
            if obj._newid_ is not None:
                _cancel(obj)  # created in the block: its row is gone with the rollback
            else:
                reset_to_seed(obj)  # first read in the block: what it read may have been the block's
                reloaded.append(obj)
        for obj, state in states.items():
            state.restore(obj)
        cache.indexes = {key: dict(index) for key, index in self.indexes.items()}
        cache.seeds = {root: dict(seeds) for root, seeds in self.seeds.items()}
        for obj in reloaded:
            pk_index(cache, obj.__class__)[obj._pkval_] = obj
            cache.seeds.setdefault(obj._root_, {})[obj] = None
        cache.for_update = set(self.for_update)
        cache.objects_to_save = []
        cache.modified_collections = {}
        cache.postponed = []
        cache.query_results.clear()
        cache.dirty = False


def _objects(cache: SessionCache) -> list:
    """Every live object of the cache: those in the primary key indexes and those not saved yet."""
    seen: dict = {}
    for key, index in cache.indexes.items():
        if isinstance(key, type):  # a root entity: its primary key index
            for obj in index.values():
                seen[obj] = None
    for obj in cache.objects_to_save:
        if obj is not None:
            seen[obj] = None
    return list(seen)


def _cancel(obj: Any) -> None:
    materialize(obj)
    if not isinstance(obj._vals_, DeadValues):
        obj._vals_ = DeadValues(obj, "deleted", obj._vals_)
    obj._status_ = CANCELLED
    obj._save_pos_ = None
    obj._wbits_ = 0


class Savepoint:
    """``with db.savepoint():`` — see the module docstring. Savepoints nest."""

    def __init__(self, database: Any) -> None:
        self.database = database
        self.name = f"pony_sp_{next(_names)}"
        self.cache: SessionCache | None = None
        self.snapshot: _Snapshot | None = None

    def __enter__(self) -> Savepoint:
        if self.cache is not None:
            raise errors.TransactionError("A savepoint object cannot be entered twice")
        cache = self.database._get_cache()
        if cache.dirty:
            self.database._flush_cache(cache)  # the savepoint must not cover changes made before it
        if cache.dirty:
            raise errors.TransactionError("A savepoint cannot be set while flushing is suspended (noflush): "
                                          "the changes made before it could not be flushed")
        cache.begin()
        snapshot = _Snapshot(cache)
        cache.provider.savepoint(cache.connection, self.name)
        stack(cache).append(self.name)
        self.cache, self.snapshot = cache, snapshot
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> bool:
        cache = self.cache
        assert cache is not None and self.snapshot is not None
        names = stack(cache)
        if not names or names[-1] != self.name:
            raise errors.TransactionError(
                f"Savepoint {self.name} is gone: the transaction was committed or rolled back inside its block")
        if exc is None:
            try:
                self.database._flush_cache(cache)
            except BaseException:
                self._undo(cache)
                raise
            names.pop()
            cache.provider.release_savepoint(cache.connection, self.name)
            return False
        self._undo(cache)
        return False  # the exception goes on: the block is undone, the caller decides what next

    def _undo(self, cache: SessionCache) -> None:
        stack(cache).pop()
        assert self.snapshot is not None
        try:
            cache.provider.rollback_to_savepoint(cache.connection, self.name)
            cache.provider.release_savepoint(cache.connection, self.name)
        finally:
            self.snapshot.restore(cache)


def stack(cache: SessionCache) -> list:
    """Names of the savepoints open in the cache's transaction, innermost last (emptied by the
    cache when the transaction ends)."""
    return cache.savepoints
