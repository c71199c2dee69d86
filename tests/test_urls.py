"""Connection URLs and DATABASE_URL, beyond Pony: parsing, binding on every backend, no password shown."""

import os
from urllib.parse import quote

import pytest

from pony.orm import *
from pony.orm.urls import mask_password, parse_url

# --- parsing (no database) --------------------------------------------------------------------------


@pytest.mark.parametrize("url, provider, args, kwargs", [
    ("sqlite://:memory:", "sqlite", (":memory:",), {}),
    ("sqlite:///:memory:", "sqlite", (":memory:",), {}),
    ("sqlite://", "sqlite", (":memory:",), {}),
    ("sqlite:////tmp/x.db?create_db=true&timeout=2.5", "sqlite", ("/tmp/x.db",), {"create_db": True, "timeout": 2.5}),
    ("postgresql://u:p@h:5433/d", "postgres", (), {"user": "u", "password": "p", "host": "h", "port": 5433,
                                                   "database": "d"}),
    ("postgres://h/d?sslmode=require&connect_timeout=3", "postgres", (),
     {"host": "h", "database": "d", "sslmode": "require", "connect_timeout": 3}),
    ("postgresql+psycopg2://u@h", "postgres", (), {"user": "u", "host": "h"}),
    ("mysql+pymysql://root:@127.0.0.1/test?charset=utf8mb4", "mysql", (),
     {"user": "root", "password": "", "host": "127.0.0.1", "database": "test", "charset": "utf8mb4"}),
    ("mariadb://u:p@[::1]:3307/db", "mysql", (), {"user": "u", "password": "p", "host": "::1", "port": 3307,
                                                  "database": "db"}),
    ("postgresql:///db?host=/var/run/postgresql", "postgres", (), {"database": "db", "host": "/var/run/postgresql"}),
    ("oracle://scott:tiger@dbhost:1521/orclpdb", "oracle", (), {"user": "scott", "password": "tiger",
                                                                "dsn": "dbhost:1521/orclpdb"}),
    ("cockroachdb://root@localhost:26257/defaultdb?sslmode=disable", "cockroach", (),
     {"user": "root", "host": "localhost", "port": 26257, "database": "defaultdb", "sslmode": "disable"}),
])
def test_url_means_the_bind_arguments(url, provider, args, kwargs):
    parsed = parse_url(url)
    assert (parsed.provider, parsed.args, parsed.kwargs) == (provider, args, kwargs)


def test_sqlite_relative_path_is_relative_to_the_current_directory():
    assert parse_url("sqlite:///data/app.db").args == (os.path.join(os.getcwd(), "data", "app.db"),)


def test_user_password_and_database_are_url_decoded():
    parsed = parse_url("postgresql://us%40er:p%40ss%2Fw%3Ard@host/my%20db")
    assert parsed.kwargs == {"user": "us@er", "password": "p@ss/w:rd", "host": "host", "database": "my db"}
    # an unencoded "/" or "@" in the password still splits at the last "@"
    assert parse_url("postgresql://u:pa/ss@w@host/db").kwargs["password"] == "pa/ss@w"


@pytest.mark.parametrize("url", [
    "postgresql://u:topsecret@h/d",
    "postgresql://u:top/secret@h/d",
    "mysql://u:topsecret@h:3306/d?charset=utf8",
])
def test_mask_password_hides_the_password(url):
    masked = mask_password(url)
    assert "secret" not in masked and ":***@" in masked


@pytest.mark.parametrize("url, message", [
    ("ftp://u:topsecret@h/d", "Unknown database URL scheme 'ftp'"),
    ("postgresql://u:topsecret@h:port/d", "Malformed port"),
    ("postgresql://u:topsecret@h:99999/d", "Malformed port"),
    ("postgresql://u:topsecret@h/d?sslmode=a&sslmode=b", "Option 'sslmode' is given twice"),
    ("postgresql://u:topsecret@h:5432/d?port=5", "Option 'port' is given twice"),
    ("postgresql://u:topsecret@h/d?connect_timeout=soon", "must be a number"),
    ("sqlite:///x.db?create_db=maybe", "must be true or false"),
    ("9sqlite://x.db", "expected scheme://"),
    ("sqlite://x.db", "Malformed SQLite URL"),
])
def test_malformed_url_is_a_binding_error_without_the_password(url, message):
    with pytest.raises(BindingError, match=message) as info:
        Database(url)
    assert "topsecret" not in str(info.value)


def test_url_and_keyword_for_the_same_option_is_an_error():
    with pytest.raises(BindingError, match="'database' is given both in database URL 'postgresql://u:\\*\\*\\*@h/d'"):
        Database("postgresql://u:pw@h/d", database="other")
    with pytest.raises(TypeError, match="takes no provider"):
        Database("sqlite", url="sqlite://:memory:")
    with pytest.raises(TypeError, match="takes no more positional arguments"):
        Database("sqlite:///x.db", "y.db")


def test_provider_names_still_mean_providers():
    assert Database("sqlite").provider_name == "sqlite"
    assert Database("sqlite", ":memory:").provider_name == "sqlite"
    db = Database()
    db.bind(provider="sqlite", filename=":memory:")
    assert db.provider_name == "sqlite"


# --- binding with a URL on every backend --------------------------------------------------------------


def url_for(backend, password=None, **options):
    """A URL for the test backend; ``password`` overrides the configured one."""
    args, kwargs = backend.bind_args
    query = "&".join(f"{k}={quote(str(v))}" for k, v in options.items())
    if backend.name == "sqlite":
        return f"sqlite:///{args[1]}" + (f"?{query}" if query else "")
    scheme = {"postgres": "postgresql", "mysql": "mysql+pymysql"}[backend.name]
    secret = password if password is not None else kwargs.get("password")
    credentials = quote(kwargs["user"], safe="") + (f":{quote(secret, safe='')}" if secret is not None else "")
    url = f"{scheme}://{credentials}@{kwargs['host']}:{kwargs['port']}/{kwargs['database']}"
    return url + (f"?{query}" if query else "")


def define_item(db):
    class Item(db.Entity):
        name = Required(str)


def test_database_from_url_maps_and_stores(backend):
    options = {"create_db": "true"} if backend.name == "sqlite" else {}
    db = Database(url_for(backend, **options))
    backend.databases.append(db)
    assert db.provider_name == backend.name
    define_item(db)
    db.generate_mapping(create_tables=True)
    with db_session:
        db.Item(name="via url")
    with db_session:
        assert db.select("name FROM item") == ["via url"]


def test_bind_url_keyword_passes_query_options_to_the_driver(backend):
    db = Database()
    if backend.name == "postgres":
        db.bind(url=url_for(backend, application_name="pony url test"))
        sql = "current_setting('application_name')"
        expected = "pony url test"
    elif backend.name == "mysql":
        db.bind(url=url_for(backend, charset="latin1"))
        sql = "@@character_set_client"
        expected = "latin1"
    else:
        path = url_for(backend)[len("sqlite:///"):]
        db.bind(url=url_for(backend), create_db=True)  # keyword options add to the URL's
        sql = "1"
        expected = 1
        assert os.path.exists(path)
    backend.databases.append(db)
    with db_session:
        assert db.select(sql) == [expected]


def test_failed_connection_does_not_show_the_password(backend):
    if backend.name == "sqlite":
        url = "sqlite:////nonexistent-dir-for-pony-tests/x.db"
    elif backend.name == "postgres":  # trust authentication: a missing database fails instead
        url = url_for(backend, password="Top:Secret/1").rsplit("/", 1)[0] + "/no_such_database_for_pony"
    else:
        url = url_for(backend, password="Top:Secret/1")
    with pytest.raises((DBException, OSError)) as info:
        Database(url)
    assert "Secret" not in str(info.value) and "Secret" not in repr(info.value)


def test_repr_does_not_show_the_password(backend):
    db = Database(url_for(backend, **({"create_db": "true"} if backend.name == "sqlite" else {})))
    backend.databases.append(db)
    assert repr(db) == f"<Database {backend.name}>"
    assert "password" not in repr(parse_url(url_for(backend, password="hunter2")))
    assert "hunter2" not in repr(parse_url(url_for(backend, password="hunter2")))


def test_from_env_binds_to_the_url_in_the_variable(backend, monkeypatch):
    monkeypatch.setenv("PONY_TEST_DATABASE_URL", url_for(backend))
    db = Database.from_env("PONY_TEST_DATABASE_URL", **({"create_db": True} if backend.name == "sqlite" else {}))
    backend.databases.append(db)
    with db_session:
        assert db.select("select 1 + 1") == [2]


def test_from_env_without_the_variable_names_it(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(BindingError, match="Environment variable DATABASE_URL is not set"):
        Database.from_env()
    monkeypatch.setenv("DATABASE_URL", "")
    with pytest.raises(BindingError, match="Environment variable DATABASE_URL is not set"):
        Database.from_env()
