"""``Database``: binding to a provider, raw SQL, statistics and the entities of one database."""

from __future__ import annotations

import importlib
import itertools
import re
import warnings
from collections.abc import Callable, Mapping
from typing import Any

from .. import options
from . import errors, routing, urls
from .callers import user_namespaces
from .database_mapping import DatabaseMappingMixin
from .dbproviders import PROVIDER_NAMES
from .dbproviders.base.provider import DBAPIProvider
from .query.raw import RawQuery, py2sql, row_class
from .security import SecurityMixin
from .session.context import current_session
from .session.interactive import implicit_session
from .session.savepoints import Savepoint
from .session.stats import GlobalStatistics, Statistics
from .sql import ast

KNOWN_PROVIDERS = PROVIDER_NAMES
ON_CONNECT_PROVIDERS = ("sqlite", "postgres", "mysql", "oracle")
_database_ids = itertools.count(1)
_RAW_QUERY_CACHE_SIZE = 1000


_SELECT_HEAD = re.compile(r"\s*(select|with)\b", re.IGNORECASE)


def _with_select(sql: str) -> str:
    """``db.select('name FROM t')`` means ``select name FROM t``."""
    return sql if _SELECT_HEAD.match(sql) else "select " + sql


def _provider_class(provider: Any) -> tuple[type[DBAPIProvider], str]:
    """The provider class and name for ``bind``'s first argument (a name or a provider class)."""
    if isinstance(provider, type) and issubclass(provider, DBAPIProvider):
        return provider, getattr(provider, "provider_name", "") or provider.dialect.lower()
    if not isinstance(provider, str):
        raise TypeError(f"Provider name should be string. Got: {type(provider).__name__!r}")
    if provider == "pygresql":
        raise TypeError("Pony no longer supports PyGreSQL module. "
                        "Please use the 'postgres' provider instead.")
    module_name = f"pony.orm.dbproviders.{provider}"
    try:
        module = importlib.import_module(module_name) if provider.isidentifier() else None
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise  # the provider exists but its driver (or something it imports) is missing
        module = None
    if module is None or not hasattr(module, "provider_cls"):
        raise ModuleNotFoundError(f"No module named {module_name!r}: unknown database provider {provider!r}. "
                                  f"Known providers are: {', '.join(KNOWN_PROVIDERS)}", name=module_name)
    return module.provider_cls, provider


class Database(DatabaseMappingMixin, SecurityMixin):
    """A database: the provider it is bound to, its entities (``db.Entity``) and raw SQL.

    ``Database()`` then ``db.bind(provider, ...)``, or ``Database(provider, ...)`` / ``Database(url)`` at once;
    ``db.generate_mapping()`` maps the declared entities onto tables."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.id = next(_database_ids)
        self.priority = 0
        self.entities: dict[str, type] = {}
        self.schema: Any = None
        self.provider: DBAPIProvider | None = None
        self.provider_name: str | None = None
        self._on_connect_funcs: list[tuple[Callable, str | None]] = []
        self._stats = Statistics()
        self._global_stats = GlobalStatistics()
        self._raw_queries: dict[str, RawQuery] = {}
        self._mapping_generated = False
        # Routes reads to replicas (pony.orm.routing), when bound with ``replicas=[...]``.
        self._router: routing.ReplicaRouter | None = None
        self.Entity = self._make_entity_base()
        if args or kwargs:
            self._bind(*args, **kwargs)

    @classmethod
    def from_env(cls, name: str = "DATABASE_URL", **kwargs: Any) -> Database:
        """A Database bound to the connection URL in environment variable ``name``; ``kwargs`` are
        further bind options (``create_db=True``, driver options)."""
        return cls(urls.url_from_env(name), **kwargs)

    def _make_entity_base(self) -> type:
        from .entity import make_entity_base
        return make_entity_base(self)

    def __deepcopy__(self, memo: dict) -> Database:
        return self

    def __repr__(self) -> str:
        return f"<Database {self.provider_name or 'unbound'}>"

    # --- binding ----------------------------------------------------------------------------

    def bind(self, *args: Any, **kwargs: Any) -> None:
        """Bind to a provider: ``bind('sqlite', ':memory:')``, ``bind(provider='postgres', host=...)``,
        a dict of those, or a connection URL (``bind('postgresql://user:pw@host/db')``, ``bind(url=...)``)."""
        self._bind(*args, **kwargs)

    def _bind(self, *args: Any, **kwargs: Any) -> None:
        if self.provider is not None:
            raise errors.BindingError(
                f"Database object was already bound to {self.provider.dialect} provider")
        if len(args) == 1 and not kwargs and isinstance(args[0], Mapping):
            args, kwargs = (), dict(args[0])
        args, kwargs = urls.bind_arguments(args, kwargs, KNOWN_PROVIDERS)
        if "provider" in kwargs:
            provider = kwargs.pop("provider")
        elif args:
            provider, args = args[0], args[1:]
        else:
            raise TypeError("Database provider is not specified")
        provider_cls, provider_name = _provider_class(provider)
        self.provider_name = provider_name
        routing_options = routing.split_options(kwargs)

        def make_provider(*args: Any, **kwargs: Any) -> DBAPIProvider:
            return provider_cls(*args, pony_database=self, on_connect=self._run_on_connect, **kwargs)

        try:
            self.provider = make_provider(*args, **kwargs)
            if routing_options:
                self._router = routing.configure(self, make_provider, args, kwargs, routing_options,
                                                 KNOWN_PROVIDERS)
            # A test connection: fails early on wrong credentials, reads the server version.
            con = self.provider.connect()
            self.provider.release(con)
        except BaseException:
            self.provider = None
            self.provider_name = None
            self._router = None
            raise

    def on_connect(self, func: Callable | str | None = None, provider: str | None = None) -> Any:
        """Register ``func(db, connection)`` to run on every new connection (then commit).

        Forms: ``@db.on_connect``, ``@db.on_connect(provider='sqlite')``, ``@db.on_connect('sqlite')``.
        """
        if isinstance(func, str) and provider is None:
            func, provider = None, func
        if provider is not None:
            if not isinstance(provider, str):
                raise TypeError(
                    f"'provider' option should be type of 'string', got {type(provider).__name__!r}")
            if provider not in ON_CONNECT_PROVIDERS:
                raise errors.BindingError(f"Unknown provider {provider}")
        if func is None:
            return lambda f: self.on_connect(f, provider=provider)
        if not callable(func):
            raise TypeError(f"on_connect expects a function. Got: {func!r}")
        self._on_connect_funcs.append((func, provider))
        return func

    def _run_on_connect(self, con: Any) -> None:
        ran = False
        for func, provider in self._on_connect_funcs:
            if provider is None or provider == self.provider_name:
                func(self, con)
                ran = True
        if ran:
            con.commit()

    def _require_provider(self) -> DBAPIProvider:
        if self.provider is None:
            raise errors.MappingError("Database object is not bound with a provider yet")
        return self.provider

    # --- sessions ---------------------------------------------------------------------------

    def _get_cache(self) -> Any:
        session = current_session.get()
        if session is None:
            session = self._implicit_session()
        self._require_provider()
        return session.cache_for(self)

    def _implicit_session(self) -> Any:
        session = implicit_session()
        if session is None:
            raise errors.TransactionError("db_session is required when working with the database")
        return session

    def get_connection(self) -> Any:
        cache = self._get_cache()
        cache.immediate = True
        cache.get_connection()
        cache.begin()
        return cache.connection

    def disconnect(self) -> None:
        provider = self._require_provider()
        session = current_session.get()
        if session is not None and self in session.caches:
            raise errors.TransactionError("disconnect() cannot be called inside of db_session")
        provider.disconnect()
        if self._router is not None:
            for replica in self._router.replicas:
                replica.disconnect()

    def savepoint(self) -> Any:
        """``with db.savepoint():`` — an exception inside undoes only the block, in the database and
        in the session's objects; the session goes on. Savepoints nest."""
        return Savepoint(self)

    def flush(self) -> None:
        self._flush_cache(self._get_cache())

    def commit(self) -> None:
        session = current_session.get()
        if session is None:
            self._implicit_session()
        if session is not None:
            session.commit()

    def rollback(self) -> None:
        session = current_session.get()
        if session is not None:
            session.rollback()

    # --- raw SQL ----------------------------------------------------------------------------

    def _raw(self, sql: str) -> RawQuery:
        queries = self._raw_queries
        query = queries.get(sql)
        if query is None:
            if len(queries) >= _RAW_QUERY_CACHE_SIZE:
                queries.clear()  # texts built per call (literals inlined) must not pile up
            query = queries[sql] = RawQuery(self._require_provider(), sql)
        return query

    def _exec_raw(self, sql: str, globals: dict | None, locals: dict | None, write: bool = False) -> Any:
        """Run raw SQL; ``$names`` come from explicit dicts or the user's frame."""
        cache = self._get_cache()
        query = self._raw(sql)
        arguments = None
        if query.has_params:
            arguments = query.arguments(*user_namespaces(globals, locals))
        if cache.dirty:
            self._flush_cache(cache)
        cursor, _ = cache.execute(query.compiled.sql, arguments, write=write)
        return cursor

    def select(self, sql: str, globals: dict | None = None, locals: dict | None = None) -> list:
        """Rows of a raw query: scalars for one column, tuples with attribute access for several."""
        cursor = self._exec_raw(_with_select(sql), globals, locals)
        return self._fetch_rows(cursor)

    def _fetch_rows(self, cursor: Any) -> list:
        max_count = options.MAX_FETCH_COUNT
        rows = cursor.fetchmany(max_count + 1) if max_count is not None else cursor.fetchall()
        if max_count is not None and len(rows) > max_count:
            raise errors.TooManyRowsFound(f"The query returned more than {max_count} rows "
                                          "(pony.options.MAX_FETCH_COUNT)")
        description = cursor.description
        if description is None:
            return []
        if len(description) == 1:
            return [row[0] for row in rows]
        cls = row_class(tuple(col[0] for col in description))
        return [cls(row) for row in rows]

    def get(self, sql: str, globals: dict | None = None, locals: dict | None = None) -> Any:
        """The single row (or scalar) of a raw query: RowNotFound / MultipleRowsFound otherwise."""
        rows = self.select(sql, globals, locals)
        if not rows:
            raise errors.RowNotFound("The query returned no rows")
        if len(rows) > 1:
            raise errors.MultipleRowsFound(f"The query returned {len(rows)} rows instead of one")
        return rows[0]

    def exists(self, sql: str, globals: dict | None = None, locals: dict | None = None) -> bool:
        cursor = self._exec_raw(_with_select(sql), globals, locals)
        return cursor.fetchone() is not None

    def execute(self, sql: str, globals: dict | None = None, locals: dict | None = None) -> Any:
        """Run any statement in a transaction; returns the DB-API cursor."""
        return self._exec_raw(sql, globals, locals, write=True)

    def insert(self, table_name: Any, returning: str | None = None, **kwargs: Any) -> Any:
        """A direct INSERT (no identity map); the ``returning`` column's value, else the lastrowid."""
        provider = self._require_provider()
        cache = self._get_cache()
        table = getattr(table_name, "_table_", table_name) if isinstance(table_name, type) else table_name
        if getattr(table_name, "is_collection", False):  # Entity.m2m_attr: its link table
            table = getattr(table_name, "m2m_table", None)
            if table is None:
                raise TypeError(f"Attribute {table_name} is not a many-to-many relationship with a table")
        columns = tuple(kwargs)
        node = ast.Insert(table, columns, tuple(ast.Param(i) for i in range(len(columns))),
                          returning=returning)
        compiled = provider.compiler.compile(node)
        arguments = compiled.arguments([py2sql(provider, v) for v in kwargs.values()])
        if cache.dirty:
            self._flush_cache(cache)
        cursor, new_id = cache.execute(compiled.sql, arguments, write=True,
                                       returning_id=returning is not None)
        if returning is not None:
            return new_id
        return getattr(cursor, "lastrowid", None)

    # --- statistics -------------------------------------------------------------------------

    @property
    def last_sql(self) -> str | None:
        return self._stats.last_sql

    @property
    def local_stats(self) -> dict:
        return self._stats.stats

    @property
    def global_stats(self) -> dict:
        return self._global_stats.snapshot()

    @property
    def global_stats_lock(self) -> Any:
        warnings.warn("global_stats_lock is deprecated, just use global_stats property without any locking",
                      errors.PonyDeprecationWarning, stacklevel=2)
        return self._global_stats.lock

    def merge_local_stats(self) -> None:
        self._global_stats.merge(self._stats)

