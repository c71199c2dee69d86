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
    """Bottle plugin running every route in its own ``db_session``: ``app.install(PonyPlugin())``.

    A route that returns (or raises a redirect, an ``HTTPResponse`` that is not an ``HTTPError``)
    commits; an ``HTTPError`` or any other exception rolls back.
    """

    name = "pony"
    api = 2

    def apply(self, callback: Callable, route: Any) -> Callable:
        """Bottle's plugin API: ``callback`` wrapped in a ``db_session``."""
        return db_session(allowed_exceptions=is_allowed_exception)(callback)
