"""Pony ORM, read from source: a clean-room, API-compatible implementation for modern CPython."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from types import ModuleType

# This distribution's own version (semantic versioning; the distribution is ``pony-ast``) ...
__version__ = "1.0.0a1"
# ... and the Pony release whose API it implements: code that must know which Pony features exist
# reads this one (docs/compatibility.md, "Versions").
PONY_API_VERSION = "0.7.20"
# The name to ``pip install`` (the import package is ``pony``, as in Pony): error messages that say
# what to install name it, so that they never fetch the original Pony instead.
DISTRIBUTION_NAME = "pony-ast"

# Servers recognised by a module they load, in the order Pony checks them after the console.
_SERVER_MODULES = (("flup.server.fcgi", "FCGI-FLUP"), ("uwsgi", "UWSGI"), ("flask", "FLASK"),
                   ("cherrypy", "CHERRYPY"), ("bottle", "BOTTLE"))


def detect_mode(modules: Mapping[str, ModuleType] | None = None,
                environ: Mapping[str, str] | None = None) -> str:
    """Guess the hosting environment the way Pony does.

    ``INTERACTIVE`` means a ``__main__`` without a file: the Python console, ``python -c``, IPython
    or a notebook. In that mode the main thread needs no ``db_session``. mod_wsgi and Google App
    Engine win over the console; the other servers only count outside it.
    """
    modules = sys.modules if modules is None else modules
    environ = os.environ if environ is None else environ
    if "mod_wsgi" in modules:
        return "MOD_WSGI"
    if "google.appengine" in modules:
        return "GAE-LOCAL" if environ.get("SERVER_SOFTWARE", "").startswith("Development") else "GAE-SERVER"
    main = modules.get("__main__")
    if main is not None and not hasattr(main, "__file__"):
        return "INTERACTIVE"
    for module_name, mode in _SERVER_MODULES:
        if module_name in modules:
            return mode
    return "UNKNOWN"


MODE = detect_mode()
MAIN_FILE: str | None = getattr(sys.modules.get("__main__"), "__file__", None)
MAIN_DIR: str | None = os.path.dirname(os.path.abspath(MAIN_FILE)) if MAIN_FILE else None
PONY_DIR = os.path.dirname(os.path.abspath(__file__))
