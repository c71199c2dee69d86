"""Flask integration: ``Pony(app)`` runs every request in its own ``db_session`` (SPEC 14).

The session is entered in ``before_request`` and kept on ``flask.request.pony_session``; it is
left in ``teardown_request`` with the request's exception, so a request that succeeds commits
and one that fails rolls back. Flask-Login's ``current_user`` (a ``LocalProxy``) can be used
wherever an entity is expected.
"""

from __future__ import annotations

from flask import Flask, request

from pony.orm import db_session

__all__ = ["Pony"]


def _enter_session() -> None:
    session = db_session()
    request.pony_session = session  # type: ignore[attr-defined]
    session.__enter__()


def _exit_session(exception: BaseException | None) -> None:
    session = getattr(request, "pony_session", None)
    if session is None:
        return
    request.pony_session = None  # type: ignore[attr-defined]
    exc_type = type(exception) if exception is not None else None
    tb = exception.__traceback__ if exception is not None else None
    session.__exit__(exc_type, exception, tb)


class Pony:
    """Flask extension running every request in its own ``db_session``: a request that returns
    commits, one that raises rolls back. ``Pony(app)``, or ``pony = Pony(); pony.init_app(app)``."""

    def __init__(self, app: Flask | None = None) -> None:
        self.app: Flask | None = None
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        """Install the session hooks on ``app`` (``before_request`` and ``teardown_request``)."""
        self.app = app
        app.before_request(_enter_session)
        app.teardown_request(_exit_session)


