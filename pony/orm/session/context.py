"""The current session, kept in a context variable so threads and tasks never share one."""

from __future__ import annotations

from contextvars import ContextVar
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .session import Session

current_session: ContextVar[Session | None] = ContextVar("pony_db_session", default=None)

# One entry per entered db_session (outer and nested): what to restore on exit.
enter_stack: ContextVar[tuple] = ContextVar("pony_db_session_stack", default=())


def get_session() -> Session | None:
    return current_session.get()
