"""A small Flask + Flask-Login app on Pony: ``python -m pony.flask.example``.

``create_app(**config)`` builds the app (tests call it with their own ``DB_PARAMS``); only
``__main__`` starts a server.
"""

from .app import create_app

__all__ = ["create_app"]
