"""Bottle integration: ``app.install(PonyPlugin())`` runs every route in a ``db_session`` (SPEC 14).

Bottle raises ``HTTPResponse`` for redirects and ``HTTPError`` (a subclass) for errors; only the
former is a success, so a redirect commits and an error rolls back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bottle import HTTPError, HTTPResponse

from pony.orm import db_session

__all__ = ["PonyPlugin", "is_allowed_exception"]


def is_allowed_exception(e: BaseException) -> bool:
    """A raised ``HTTPResponse`` that is not an ``HTTPError`` (a redirect, say) still commits."""
    return isinstance(e, HTTPResponse) and not isinstance(e, HTTPError)


class PonyPlugin:
    name = "pony"
    api = 2

    def apply(self, callback: Callable, route: Any) -> Callable:
        return db_session(allowed_exceptions=is_allowed_exception)(callback)
