"""The example application factory and its views."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask, flash, redirect, render_template_string, request, url_for
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from werkzeug.security import check_password_hash, generate_password_hash

from pony.flask import Pony
from pony.orm import Database

from .models import define_entities

PAGE = """<!doctype html>
<title>Pony + Flask example</title>
<nav>
  {% if current_user.is_authenticated %}
    Logged in as <b>{{ current_user.login }}</b> | <a href="{{ url_for('logout') }}">log out</a>
  {% else %}
    <a href="{{ url_for('login') }}">log in</a> | <a href="{{ url_for('register') }}">register</a>
  {% endif %}
</nav>
{% for message in get_flashed_messages() %}<p class="flash">{{ message }}</p>{% endfor %}
{% if form %}
  <form method="post">
    <input name="login" placeholder="login"> <input name="password" type="password" placeholder="password">
    <button>{{ form }}</button>
  </form>
{% elif current_user.is_authenticated %}
  <form method="post" action="{{ url_for('add_note') }}"><input name="text"> <button>add note</button></form>
  <ul>{% for note in notes %}<li>{{ note.text }}</li>{% endfor %}</ul>
{% endif %}
<p>{{ user_count }} registered user(s)</p>
"""


def create_app(**config: Any) -> Flask:
    """The example app; ``DB_PARAMS`` (kwargs of ``db.bind``) picks the database."""
    app = Flask(__name__, instance_relative_config=True)
    app.config["SECRET_KEY"] = os.environ.get("PONY_EXAMPLE_SECRET_KEY", "change me in production")
    app.config.update(config)
    if "DB_PARAMS" not in app.config:  # by default a SQLite file in the app's instance folder
        os.makedirs(app.instance_path, exist_ok=True)
        app.config["DB_PARAMS"] = dict(provider="sqlite", create_db=True,
                                       filename=os.path.join(app.instance_path, "example.sqlite"))

    db = Database()
    define_entities(db)
    db.bind(**app.config["DB_PARAMS"])
    db.generate_mapping(create_tables=True)
    app.extensions["pony_example_db"] = db
    Pony(app)

    login_manager = LoginManager(app)
    login_manager.login_view = "login"

    @login_manager.user_loader
    def load_user(user_id: str) -> Any:
        return db.User.get(id=int(user_id))

    def page(**context: Any) -> str:
        return render_template_string(PAGE, user_count=len(db.User.select()), **context)

    @app.route("/")
    def index() -> str:
        notes = []
        if current_user.is_authenticated:
            notes = sorted(current_user.notes, key=lambda note: note.id)
        return page(notes=notes)

    @app.route("/register", methods=["GET", "POST"])
    def register() -> Any:
        if request.method == "POST":
            login, password = request.form.get("login", ""), request.form.get("password", "")
            if not login or not password:
                flash("Login and password are required")
            elif db.User.get(login=login) is not None:
                flash(f"User {login} already exists")
            else:
                db.User(login=login, password_hash=generate_password_hash(password))
                flash(f"User {login} registered, please log in")
                return redirect(url_for("login"))
        return page(form="register")

    @app.route("/login", methods=["GET", "POST"])
    def login() -> Any:
        if request.method == "POST":
            user = db.User.get(login=request.form.get("login", ""))
            if user is None or not check_password_hash(user.password_hash, request.form.get("password", "")):
                flash("Wrong login or password")
            else:
                login_user(user)
                return redirect(url_for("index"))
        return page(form="log in")

    @app.route("/logout")
    def logout() -> Any:
        logout_user()
        return redirect(url_for("index"))

    @app.route("/notes", methods=["POST"])
    @login_required
    def add_note() -> Any:
        # current_user is a LocalProxy: Pony takes it wherever a User is expected.
        db.Note(author=current_user, text=request.form["text"])
        return redirect(url_for("index"))

    return app
