"""The top-level ``flush()``, ``commit()`` and ``rollback()`` of the current session."""

from __future__ import annotations

from .. import errors
from .context import current_session
from .interactive import implicit_session
from .session import Session


def _session() -> Session:
    session = current_session.get() or implicit_session()
    if session is None:
        raise errors.TransactionError("db_session is required when working with the database")
    return session


def flush() -> None:
    """Send pending changes of every database in the session, without committing."""
    _session().flush()


def commit() -> None:
    """Flush and commit every database in the session; the identity map is kept."""
    _session().commit()


def rollback() -> None:
    """Roll back every database in the session and clear the identity map."""
    _session().rollback()
