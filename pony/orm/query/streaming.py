"""``Query.stream(batch_size)``: a big result read a batch at a time, never held at once.

Rows come from a server-side cursor (``Provider.open_stream``: a named cursor on PostgreSQL, an
unbuffered cursor on MySQL/MariaDB, ``fetchmany`` on SQLite). Each batch is turned into result
items, handed out, and then its objects that the program no longer refers to leave the session's
identity map (``evict_unreferenced``): the session keeps what is changed, locked or still in use.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from ..session.objects import current_cache, evict_unreferenced


def stream_query(query: Any, batch_size: int) -> Iterator:
    """Check the arguments at once; the statement runs on the first ``next``."""
    if isinstance(batch_size, bool) or not isinstance(batch_size, int):
        raise TypeError(f"batch_size must be an int. Got: {batch_size!r}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be positive. Got: {batch_size}")
    if query._prefetch:
        raise TypeError("prefetch() cannot be combined with stream(): iterate the query without stream() "
                        "or load related objects as they are read")
    return _stream(query, batch_size)


def _stream(query: Any, batch_size: int) -> Iterator:
    database = query._database
    cache = current_cache(database)
    if cache.dirty:
        database._flush_cache(cache)
    limit, offset = query._limit, query._offset
    compiled = query._compiled(limit is not None, bool(offset))
    arguments = query._bound_arguments(compiled, limit, offset)
    provider = cache.provider
    if query._lock is not None or provider.STREAM_IN_TRANSACTION:
        cache.begin()
    started = time.perf_counter()
    stream = provider.open_stream(cache.get_connection(), compiled.sql, arguments)
    cache.stats.query_executed(compiled.sql, time.perf_counter() - started)
    try:
        while True:
            rows = stream.fetch(batch_size)
            if not rows:
                return
            items = query._read_rows(cache, rows)
            del rows
            yield from items
            objs = _objects_of(items)
            del items
            evict_unreferenced(cache, objs)
            del objs
    finally:
        stream.close()


def _objects_of(items: list) -> list:
    """The entity instances among result items (tuples are looked into)."""
    result = []
    for item in items:
        if isinstance(item, tuple):
            result.extend(value for value in item if hasattr(value, "_session_cache_"))
        elif hasattr(item, "_session_cache_"):
            result.append(item)
    return result
