"""The top-level ``flush()``, ``commit()`` and ``rollback()`` of the current session."""

from __future__ import annotations

from .context import current_session
from .interactive import implicit_session
from .session import Session


def _session() -> Session | None:
    # Outside any session there is nothing to flush, commit or roll back: Pony does nothing.
    return current_session.get() or implicit_session()


def flush() -> None:
    """Send pending changes of every database in the session, without committing."""
    session = _session()
    if session is not None:
        session.flush()


def commit() -> None:
    """Flush and commit every database in the session; the identity map is kept."""
    session = _session()
    if session is not None:
        session.commit()


def rollback() -> None:
    """Roll back every database in the session and clear the identity map."""
    session = _session()
    if session is not None:
        session.rollback()
