"""The entity side of ``Database``: mapping, schema management and the session hooks that let
the session layer flush, roll back and close without importing anything above it (layer L6)."""

from __future__ import annotations

from typing import Any

from . import errors
from .log import log_orm
from .model.mapping import generate_mapping
from .session import flush as flush_module
from .session.context import current_session
from .session.db_session import db_session
from .session.objects import DeadValues, materialize


class _DetachedCache:
    """Stands in for the session cache of objects after a rollback: nothing can be loaded."""

    is_alive = False
    session = None
    database = None
    dirty = False


class DatabaseMappingMixin:
    """Mapping and schema management of ``Database``: ``generate_mapping()``, table creation,
    checks and drops."""

    provider: Any
    entities: dict
    schema: Any
    _mapping_generated: bool

    # --- mapping ------------------------------------------------------------------------------

    def generate_mapping(self, filename: Any = None, check_tables: bool = True,
                         create_tables: bool = False) -> None:
        """Map the declared entities to tables (no entity can be declared afterwards).
        ``create_tables=True`` creates the missing tables; ``check_tables`` checks that the tables
        and columns exist."""
        if filename is not None:
            raise NotImplementedError
        if self.provider is None:
            raise errors.MappingError("Database object is not bound with a provider yet")
        if self._mapping_generated:
            raise errors.BindingError("Mapping was already generated")
        self.schema = generate_mapping(self)
        self._mapping_generated = True
        if create_tables:
            self.create_tables(check_tables=check_tables)
        elif check_tables:
            self.check_tables()

    def _executor(self, cache: Any) -> Any:
        def execute(sql: str, arguments: Any = None) -> Any:
            cursor, _ = cache.execute(sql, arguments, write=True)
            return cursor
        return execute

    def _require_schema(self) -> Any:
        if self.schema is None:
            raise errors.MappingError("No mapping was generated for the database")
        return self.schema

    def _ddl_session(self, function_name: str) -> Any:
        """``db_session(ddl=True)``, refused inside another session as Pony's decorated methods are."""
        if current_session.get() is not None:
            raise errors.TransactionError(
                f"@db_session-decorated {function_name}() function with `ddl` option cannot be called inside "
                "of another db_session")
        return db_session(ddl=True)

    def _quote(self, name: Any) -> str:
        return self.provider.ddl_compiler_cls(self.provider).quote(name)

    def _table_is_not_empty(self, name: Any) -> errors.TableIsNotEmpty:
        return errors.TableIsNotEmpty(
            f"Cannot drop table {self._quote(name)} because it is not empty. "
            "Specify option with_all_data=True if you want to drop table with all data")

    def create_tables(self, check_tables: bool = False) -> None:
        """Create the tables, indexes and foreign keys that do not exist yet."""
        schema = self._require_schema()
        with self._ddl_session("create_tables"):
            cache = self._get_cache()  # type: ignore[attr-defined]
            con = cache.get_connection()
            prev = self.provider.disable_fk_checks(con)
            try:
                schema.create_tables(self._executor(cache), check_tables=check_tables)
            finally:
                self.provider.enable_fk_checks(con, prev)

    def check_tables(self) -> None:
        """Check that every mapped table and column exists; a missing one raises the driver's error
        (``OperationalError``, ``ProgrammingError``) naming it."""
        schema = self._require_schema()
        with db_session():
            cache = self._get_cache()  # type: ignore[attr-defined]

            def execute(sql: str, arguments: Any = None) -> Any:
                cursor, _ = cache.execute(sql, arguments)
                return cursor

            schema.check_tables(execute)

    def drop_all_tables(self, with_all_data: bool = False) -> None:
        """Drop every table of the mapping; a table holding rows raises ``TableIsNotEmpty`` unless
        ``with_all_data=True``."""
        schema = self._require_schema()
        with self._ddl_session("drop_all_tables"):
            cache = self._get_cache()  # type: ignore[attr-defined]
            execute = self._executor(cache)
            # entity tables first, in declaration order, then many-to-many tables (as Pony reports them)
            existing = [table.name for table in schema.tables.values()
                        if self.provider.table_exists(execute, table.name) is not None]
            if not with_all_data:
                for name in existing:
                    if self.provider.table_has_data(execute, name):
                        raise self._table_is_not_empty(name)
            con = cache.get_connection()
            prev = self.provider.disable_fk_checks(con)
            try:
                for table in reversed(schema.order_tables()):
                    if table.name in existing:
                        log_orm(f"DROPPING TABLE {_name_text(table.name)}")
                        self.provider.drop_table(execute, table.name)
            finally:
                self.provider.enable_fk_checks(con, prev)

    def drop_table(self, table_name: Any, if_exists: bool = False, with_all_data: bool = False) -> None:
        """Drop one table, given by name, entity or many-to-many ``Set`` attribute; ``if_exists=True``
        ignores a missing table, ``with_all_data=True`` drops one holding rows."""
        if isinstance(table_name, type) and hasattr(table_name, "_table_"):
            table_name = table_name._table_
        elif hasattr(table_name, "m2m_table") and hasattr(table_name, "is_collection"):
            if not table_name.is_m2m:
                raise TypeError(f"Attribute {table_name} does not have a many-to-many table")
            table_name = table_name.m2m_table
        elif isinstance(table_name, list):
            table_name = tuple(table_name)
        elif not isinstance(table_name, (str, tuple)):
            raise TypeError(f"Invalid table name: {table_name!r}")
        with self._ddl_session("drop_table"):
            cache = self._get_cache()  # type: ignore[attr-defined]
            execute = self._executor(cache)
            stored = self.provider.table_exists(execute, table_name)
            if stored is None:
                if if_exists:
                    return
                other = self.provider.table_exists(execute, table_name, case_sensitive=False)
                hint = f" (probably you meant table {self._quote(other)})" if other else ""
                raise errors.TableDoesNotExist(f"Table {self._quote(table_name)} does not exist{hint}")
            if not with_all_data and self.provider.table_has_data(execute, table_name):
                raise self._table_is_not_empty(table_name)
            log_orm(f"DROPPING TABLE {_name_text(table_name)}")
            con = cache.get_connection()
            prev = self.provider.disable_fk_checks(con)
            try:
                self.provider.drop_table(execute, table_name)
            finally:
                self.provider.enable_fk_checks(con, prev)

    # --- what the session calls (session/session.py) --------------------------------------------

    def _flush_cache(self, cache: Any) -> None:
        """Send ``cache``'s pending changes."""
        flush_module.flush(cache)

    def _flush_object(self, cache: Any, obj: Any) -> None:
        """``obj.flush()``: save this object now (its hooks included)."""
        flush_module.flush_one(cache, obj)

    def _after_rollback(self, cache: Any) -> None:
        """Detach the objects of a rolled-back transaction."""
        detached = _DetachedCache()
        for index in list(cache.indexes.values()):
            for obj in index.values():
                if hasattr(obj, "_session_cache_"):
                    obj._session_cache_ = detached
        for obj in cache.objects_to_save:
            if obj is not None:
                obj._session_cache_ = detached
        cache.indexes.clear()
        cache.seeds.clear()
        cache.objects_to_save = []
        cache.modified_collections = {}
        cache.query_results.clear()
        cache.for_update.clear()
        cache.dirty = False

    def _session_cache_closed(self, cache: Any, strict: bool) -> None:
        """The session is over: a strict session's objects can no longer be read."""
        if strict:
            seen = set()
            for index in cache.indexes.values():
                for obj in index.values():
                    if id(obj) in seen or not hasattr(obj, "_status_"):
                        continue
                    materialize(obj)
                    seen.add(id(obj))
                    if not isinstance(obj._vals_, DeadValues):
                        obj._vals_ = DeadValues(obj, "over")
        cache.seeds.clear()
        cache.query_results.clear()


def _name_text(name: Any) -> str:
    return ".".join(name) if isinstance(name, tuple) else name
