"""A database session: the caches of every database used inside one ``db_session``."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from .. import errors
from .cache import SessionCache


class Session:
    # Opened by ``async with db_session`` / ``@db_session async def``: connections come from the
    # async pool and are waited for through the greenlet bridge (pony/orm/aio).
    is_async = False
    task: Any = None  # the asyncio task of an async session

    def __init__(self, immediate: bool = False, serializable: bool = False, optimistic: bool = True,
                 strict: bool = False, ddl: bool = False, readonly: bool = False) -> None:
        self.readonly = readonly  # no writes; reads may go to a replica (pony.orm.routing)
        self.immediate = immediate or ddl or serializable or not optimistic
        self.serializable = serializable
        self.optimistic = optimistic and not serializable
        self.strict = strict
        self.ddl = ddl
        self.caches: dict[Any, SessionCache] = {}
        self.is_active = True
        self.flush_hooks: list[Callable[[SessionCache], None]] = []
        self.manager: Any = None  # the db_session object that opened it (``pony.orm.core.local``)

    def cache_for(self, database: Any) -> SessionCache:
        cache = self.caches.get(database)
        if cache is None:
            if not self.is_active:
                raise errors.DatabaseSessionIsOver("The database session is over")
            cache = self.caches[database] = SessionCache(database, self)
        return cache

    def ordered_caches(self) -> list[SessionCache]:
        caches = self.caches
        if len(caches) < 2:  # the usual session, of one database: nothing to order
            return list(caches.values())
        return sorted(caches.values(), key=lambda c: -c.database.priority)

    # --- unit of work -----------------------------------------------------------------------

    def flush(self) -> None:
        for cache in self.ordered_caches():
            cache.database._flush_cache(cache)

    def commit(self) -> None:
        caches = self.ordered_caches()
        try:
            if len(caches) == 1:
                cache = caches[0]
                cache.committing = True  # one database: its commit may be its only write
                try:
                    cache.database._flush_cache(cache)
                finally:
                    cache.committing = False
            else:
                for cache in caches:
                    cache.database._flush_cache(cache)
        except BaseException:
            self.rollback()
            raise
        if not caches:
            return
        primary, others = caches[0], caches[1:]
        try:
            primary.commit()
        except BaseException:
            exc_info = sys.exc_info()
            try:
                self.rollback()
            except errors.RollbackException:
                pass
            if isinstance(exc_info[1], errors.DBException) or len(caches) > 1:
                raise errors.CommitException(f"Commit failed: {exc_info[1]}", [exc_info]) from exc_info[1]
            raise
        failures = []
        for cache in others:
            try:
                cache.commit()
            except BaseException:
                failures.append(sys.exc_info())
        if failures:
            raise errors.PartialCommitException("Some databases were not committed", failures)

    def rollback(self) -> None:
        failures = []
        for cache in self.ordered_caches():
            try:
                cache.rollback()
            except BaseException:
                failures.append(sys.exc_info())
            cache.database._after_rollback(cache)
        if failures:
            raise errors.RollbackException("Rollback failed", failures)

    def close(self, commit: bool) -> None:
        """End the session: commit or roll back, release connections, detach objects."""
        try:
            if commit:
                self.commit()
            else:
                self.rollback()
        finally:
            self.is_active = False
            for cache in self.caches.values():  # (in any order: each gives its connection back)
                try:
                    cache.release()
                finally:
                    cache.is_alive = False
                    cache.database._session_cache_closed(cache, self.strict)
