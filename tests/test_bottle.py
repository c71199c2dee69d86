"""pony.orm.integration.bottle_plugin: each route in a db_session; redirects commit, errors roll back."""

from __future__ import annotations

from wsgiref.util import setup_testing_defaults

import bottle
import pytest

from pony.orm import *
from pony.orm.integration.bottle_plugin import PonyPlugin, is_allowed_exception


def define_entities(db):
    class Item(db.Entity):
        name = Required(str)


def call(app, path):
    """One WSGI request: (status line, body text)."""
    environ = {"PATH_INFO": path}
    setup_testing_defaults(environ)
    captured = {}

    def start_response(status, headers, exc_info=None):
        captured["status"] = status
        captured["headers"] = dict(headers)

    body = b"".join(app(environ, start_response))
    return captured["status"], body.decode()


@pytest.fixture
def app_db(backend):
    db = backend.make_db(define_entities)
    app = bottle.Bottle(catchall=True)
    app.install(PonyPlugin())

    @app.route("/add/<name>")
    def add(name):
        db.Item(name=name)
        return "added"

    @app.route("/add-and-redirect/<name>")
    def add_and_redirect(name):
        db.Item(name=name)
        bottle.redirect("/done")

    @app.route("/add-and-abort/<name>")
    def add_and_abort(name):
        db.Item(name=name)
        db.flush()
        bottle.abort(403, "no")

    @app.route("/add-and-fail/<name>")
    def add_and_fail(name):
        db.Item(name=name)
        db.flush()
        raise RuntimeError("boom")

    @app.route("/count")
    def count():
        return str(len(db.Item.select()))

    return app, db


def names(db):
    with db_session:
        return sorted(item.name for item in db.Item.select())


def test_plugin_attributes():
    plugin = PonyPlugin()
    assert (plugin.name, plugin.api) == ("pony", 2)
    assert is_allowed_exception(bottle.HTTPResponse(status=303))
    assert not is_allowed_exception(bottle.HTTPError(404))
    assert not is_allowed_exception(ValueError())


def test_routes_run_in_a_db_session_and_commit(app_db):
    app, db = app_db
    assert call(app, "/add/a") == ("200 OK", "added")
    assert call(app, "/count") == ("200 OK", "1")
    assert names(db) == ["a"]


def test_a_redirect_still_commits(app_db):
    app, db = app_db
    status, _ = call(app, "/add-and-redirect/r")
    assert status.startswith("30")
    assert names(db) == ["r"]


def test_http_errors_and_exceptions_roll_back(app_db):
    app, db = app_db
    assert call(app, "/add-and-abort/x")[0] == "403 Forbidden"
    assert call(app, "/add-and-fail/y")[0] == "500 Internal Server Error"
    assert names(db) == []
    assert call(app, "/add/z")[1] == "added"
    assert names(db) == ["z"]


def test_plugin_can_be_skipped_per_route(app_db):
    app, db = app_db

    @app.route("/no-session", skip=["pony"])
    def no_session():
        try:
            db.Item.select()[:]
        except TransactionError as exc:
            return str(exc)
        return "no error"

    assert call(app, "/no-session") == ("200 OK", "db_session is required when working with the database")
