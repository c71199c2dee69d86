"""Async support: non-blocking database access for the ordinary Pony API (see docs/async.md).

``@db_session async def`` and ``async with db_session`` open async sessions; this package adds
the awaitable forms (``await aio.fetch(query)``, ...), task helpers and pool settings. Importing
it never imports greenlet's users or a driver before they are needed.
"""

from __future__ import annotations

from ..dbproviders.aio.errors import AsyncBridgeError, PoolTimeoutError
from .api import (
                  call,
                  commit,
                  configure,
                  count,
                  create_task,
                  disconnect,
                  exists,
                  fetch,
                  first,
                  flush,
                  get,
                  install,
                  iterate,
                  rollback,
                  run,
)

__all__ = ["AsyncBridgeError", "PoolTimeoutError", "call", "commit", "configure", "count", "create_task",
           "disconnect", "exists", "fetch", "first", "flush", "get", "install", "iterate", "rollback", "run"]
