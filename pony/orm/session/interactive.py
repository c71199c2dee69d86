"""The interactive-console rule: in ``pony.MODE == 'INTERACTIVE'`` the main thread needs no
``db_session``; one implicit session stays open until ``commit()`` or ``rollback()``."""

from __future__ import annotations

import threading

import pony

from .context import current_session
from .session import Session


def implicit_session() -> Session | None:
    if pony.MODE != "INTERACTIVE" or threading.current_thread() is not threading.main_thread():
        return None
    session = Session()
    current_session.set(session)
    return session
