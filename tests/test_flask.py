"""pony.flask: one db_session per request (commit on success, rollback on error), Flask-Login's
current_user as an entity value, and the example app."""

from __future__ import annotations

import runpy

import flask
import pytest
from flask_login import LoginManager, UserMixin, current_user, login_user

from pony.flask import Pony
from pony.orm import *


def define_entities(db):
    class User(db.Entity, UserMixin):
        login = Required(str, unique=True)
        notes = Set("Note")

    class Note(db.Entity):
        author = Required(User)
        text = Required(str)


@pytest.fixture
def db(backend):
    db = backend.make_db(define_entities)
    with db_session:
        db.User(login="bob")
    return db


def make_app(db):
    app = flask.Flask(__name__)
    app.config.update(SECRET_KEY="test", TESTING=False)
    Pony(app)
    login_manager = LoginManager(app)

    @login_manager.user_loader
    def load_user(user_id):
        return db.User.get(id=int(user_id))

    @app.route("/add/<text>")
    def add(text):
        db.Note(author=db.User.get(login="bob"), text=text)
        return "ok"

    @app.route("/fail/<text>")
    def fail(text):
        db.Note(author=db.User.get(login="bob"), text=text)
        db.flush()  # the row reaches the database; the rollback must undo it
        raise RuntimeError("boom")

    @app.route("/abort/<text>")
    def abort_after_write(text):
        db.Note(author=db.User.get(login="bob"), text=text)
        flask.abort(404)  # handled by Flask: no exception reaches teardown, so Pony commits

    @app.route("/session")
    def session_info():
        session = flask.request.pony_session
        return f"{type(session).__name__} {db.User.get(login='bob').login}"

    @app.route("/login/<name>")
    def login(name):
        login_user(db.User.get(login=name))
        return "logged in"

    @app.route("/note-by-current-user/<text>")
    def note_by_current_user(text):
        note = db.Note(author=current_user, text=text)
        same = db.User[current_user.id] is note.author
        found = db.Note.get(author=current_user, text=text) is note
        return f"{same} {found} {note.author.login}"

    return app


def note_texts(db):
    with db_session:
        return sorted(note.text for note in db.Note.select())


def test_request_runs_in_a_db_session_stored_on_the_request(db):
    client = make_app(db).test_client()
    response = client.get("/session")
    assert (response.status_code, response.text) == (200, "DBSessionContextManager bob")


def test_successful_request_commits(db):
    client = make_app(db).test_client()
    assert client.get("/add/first").text == "ok"
    assert client.get("/add/second").status_code == 200
    assert note_texts(db) == ["first", "second"]


def test_failing_request_rolls_back(db):
    client = make_app(db).test_client()
    assert client.get("/fail/lost").status_code == 500
    assert note_texts(db) == []
    assert client.get("/add/kept").status_code == 200  # the next request gets a fresh session
    assert note_texts(db) == ["kept"]


def test_handled_http_errors_still_commit(db):
    client = make_app(db).test_client()
    assert client.get("/abort/kept").status_code == 404
    assert note_texts(db) == ["kept"]


def test_init_app_form(db):
    app = flask.Flask(__name__)
    pony = Pony()
    assert pony.app is None
    pony.init_app(app)
    assert pony.app is app

    @app.route("/")
    def index():
        return str(len(db.User.select()))

    assert app.test_client().get("/").text == "1"


def test_current_user_proxy_is_accepted_as_an_entity(db):
    client = make_app(db).test_client()
    assert client.get("/login/bob").text == "logged in"
    response = client.get("/note-by-current-user/hello")
    assert (response.status_code, response.text) == (200, "True True bob")
    with db_session:
        assert [(n.text, n.author.login) for n in db.Note.select()] == [("hello", "bob")]


def test_current_user_proxy_in_collections(db):
    app = make_app(db)

    @app.route("/collection")
    def collection():
        note = db.Note(author=db.User.get(login="bob"), text="x")
        other = db.User(login="ann")
        other.notes.add(db.Note(author=other, text="y"))
        current_user.notes.add(note)
        return f"{note in current_user.notes} {len(current_user.notes)} {note.author is db.User[current_user.id]}"

    client = app.test_client()
    client.get("/login/bob")
    response = client.get("/collection")
    assert (response.status_code, response.text) == (200, "True 1 True")


# --- the example app ---------------------------------------------------------------------------------


def test_example_app_register_login_and_notes(backend):
    from pony.flask.example import create_app

    args, kwargs = backend.bind_args
    app = create_app(DB_PARAMS=dict(provider=args[0], **dict(zip(("filename",), args[1:])), **kwargs),
                     TESTING=True)
    backend.databases.append(app.extensions["pony_example_db"])
    client = app.test_client()
    assert "0 registered user(s)" in client.get("/").text
    response = client.post("/register", data={"login": "bob", "password": "secret"})
    assert (response.status_code, response.location) == (302, "/login")
    assert "User bob already exists" in client.post("/register", data={"login": "bob", "password": "x"}).text
    assert "Wrong login or password" in client.post("/login", data={"login": "bob", "password": "bad"}).text
    assert client.post("/login", data={"login": "bob", "password": "secret"}).status_code == 302
    assert client.post("/notes", data={"text": "hello"}).status_code == 302
    page = client.get("/").text
    assert "<li>hello</li>" in page and "Logged in as <b>bob</b>" in page and "1 registered user(s)" in page
    db = app.extensions["pony_example_db"]
    with db_session:
        assert [(n.text, n.author.login) for n in db.Note.select()] == [("hello", "bob")]
        assert db.User.get(login="bob").password_hash != "secret"


def test_example_module_starts_no_server_on_import(monkeypatch):
    started = []

    class FakeApp:
        def run(self, **kwargs):
            started.append(kwargs)

    runpy.run_module("pony.flask.example.__main__", run_name="not_main")
    assert started == []
    import pony.flask.example.__main__ as main_module
    monkeypatch.setattr(main_module, "create_app", FakeApp)
    main_module.main(["prog", "5099"])
    assert started == [{"host": "127.0.0.1", "port": 5099}]


def test_current_user_proxy_as_a_query_parameter(db):
    app = make_app(db)

    @app.route("/my-notes")
    def my_notes():
        return ",".join(select(n.text for n in db.Note if n.author == current_user)[:])

    app.config["PROPAGATE_EXCEPTIONS"] = True
    client = app.test_client()
    client.get("/add/mine")
    client.get("/login/bob")
    assert client.get("/my-notes").text == "mine"
