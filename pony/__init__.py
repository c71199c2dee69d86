"""Pony ORM, read from source: a clean-room, API-compatible implementation for modern CPython."""

from __future__ import annotations

import os
import sys

__version__ = "0.7.19"


def _detect_mode() -> str:
    """Guess the hosting environment the way Pony does; INTERACTIVE allows implicit sessions."""
    main = sys.modules.get("__main__")
    if "mod_wsgi" in sys.modules:
        return "MOD_WSGI"
    if "uwsgi" in sys.modules:
        return "UWSGI"
    if "flup.server.fcgi" in sys.modules:
        return "FCGI-FLUP"
    if main is not None and not hasattr(main, "__file__") and getattr(sys, "ps1", None) is not None:
        return "INTERACTIVE"
    if hasattr(sys, "ps1") or sys.flags.interactive:
        return "INTERACTIVE"
    if "flask" in sys.modules:
        return "FLASK"
    if "cherrypy" in sys.modules:
        return "CHERRYPY"
    if "bottle" in sys.modules:
        return "BOTTLE"
    return "UNKNOWN"


MODE = _detect_mode()
MAIN_FILE: str | None = getattr(sys.modules.get("__main__"), "__file__", None)
MAIN_DIR: str | None = os.path.dirname(os.path.abspath(MAIN_FILE)) if MAIN_FILE else None
PONY_DIR = os.path.dirname(os.path.abspath(__file__))
