"""Async support: non-blocking database access for the ordinary Pony API (see docs/async.md).

``@db_session async def`` and ``async with db_session`` open async sessions; this package adds
the awaitable forms (``await aio.fetch(query)``, ...), task helpers and pool settings. Names are
imported on first use, so importing the ORM never imports greenlet or a driver.
"""

from __future__ import annotations

from typing import Any

_API = {"call", "fetch", "get", "first", "count", "exists", "flush", "commit", "rollback", "iterate",
        "create_task", "run", "install", "configure", "disconnect"}
_ERRORS = {"AsyncBridgeError", "PoolTimeoutError"}

__all__ = sorted(_API | _ERRORS)


def __getattr__(name: str) -> Any:
    if name in _API:
        from . import api
        return getattr(api, name)
    if name in _ERRORS:
        from . import errors
        return getattr(errors, name)
    raise AttributeError(f"module 'pony.orm.aio' has no attribute {name!r}")
