"""Connection URLs, beyond Pony: ``Database("postgresql://user:pw@host:5432/db?sslmode=require")``.

A URL is turned into the provider name and the keyword arguments of the ordinary bind forms, so a
URL means exactly what the equivalent ``bind(provider, **kwargs)`` call means. The password never
appears in an error message or a ``repr``: every message here shows the URL with it masked.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote

from . import errors

# URL scheme -> provider name (``postgresql`` and ``postgres`` mean the same, as everywhere).
SCHEMES = {
    "sqlite": "sqlite",
    "postgres": "postgres",
    "postgresql": "postgres",
    "mysql": "mysql",
    "mariadb": "mysql",
    "oracle": "oracle",
    "cockroach": "cockroach",
    "cockroachdb": "cockroach",
}
# Query options whose text means a number or a flag; every other option reaches the driver as text.
_INT_OPTIONS = frozenset({"port", "connect_timeout", "read_timeout", "write_timeout"})
_FLOAT_OPTIONS = frozenset({"timeout"})
_BOOL_OPTIONS = frozenset({"create_db", "uri"})
_TRUE, _FALSE = frozenset({"1", "true", "yes", "on"}), frozenset({"0", "false", "no", "off"})
_SCHEME = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9]*)(?:\+(?P<driver>[A-Za-z0-9_]+))?://")


@dataclass
class ConnectionURL:
    """What a URL means for ``bind``: the provider name, positional and keyword arguments."""

    provider: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    safe_url: str = ""  # the URL with its password masked, for messages

    def __repr__(self) -> str:
        return f"ConnectionURL({self.safe_url!r})"


def is_url(value: Any) -> bool:
    """Does ``bind``'s first argument look like a URL rather than a provider name?"""
    return isinstance(value, str) and "://" in value


def mask_password(url: str) -> str:
    """``url`` with the password (if any) replaced by ``***``. Looks up to the last ``@`` before the
    query, so a password holding an unencoded ``/`` or ``@`` is masked too."""
    head, sep, rest = url.partition("://")
    if not sep:
        return url
    region = re.split(r"[?#]", rest, maxsplit=1)[0]
    at = region.rfind("@")
    if at == -1 or ":" not in region[:at]:
        return url
    user = region[:at].partition(":")[0]
    return f"{head}://{user}:***{rest[at:]}"


def parse_url(url: str) -> ConnectionURL:
    """The provider and bind arguments a connection URL stands for; BindingError if it is malformed."""
    if not isinstance(url, str):
        raise TypeError(f"A database URL must be a str. Got: {type(url).__name__}")
    safe = mask_password(url)
    match = _SCHEME.match(url)
    if match is None:
        raise errors.BindingError(f"Malformed database URL {safe!r}: expected scheme://...")
    scheme = match["scheme"].lower()
    provider = SCHEMES.get(scheme)
    if provider is None:
        raise errors.BindingError(f"Unknown database URL scheme {scheme!r} in {safe!r}. "
                                  f"Known schemes are: {', '.join(sorted(SCHEMES))}")
    rest = url[match.end():]
    if provider == "sqlite":
        result = _sqlite(rest, safe)
    else:
        result = _server(provider, rest, safe)
    result.safe_url = safe
    return result


def _options(query: str, safe: str) -> dict:
    options: dict = {}
    for name, value in parse_qsl(query, keep_blank_values=True):
        if name in options:
            raise errors.BindingError(f"Option {name!r} is given twice in database URL {safe!r}")
        options[name] = _option_value(name, value, safe)
    return options


def _option_value(name: str, value: str, safe: str) -> Any:
    try:
        if name in _INT_OPTIONS:
            return int(value)
        if name in _FLOAT_OPTIONS:
            return float(value)
    except ValueError:
        raise errors.BindingError(f"Option {name}={value!r} of database URL {safe!r} must be a number") from None
    if name in _BOOL_OPTIONS:
        lowered = value.lower()
        if lowered not in _TRUE | _FALSE:
            raise errors.BindingError(f"Option {name}={value!r} of database URL {safe!r} must be true or false")
        return lowered in _TRUE
    return value


def _sqlite(rest: str, safe: str) -> ConnectionURL:
    """``sqlite://`` and ``sqlite://:memory:`` are in memory; ``sqlite:///rel.db`` is relative to the
    current directory, ``sqlite:////abs/path.db`` absolute."""
    path, _, query = rest.partition("?")
    path = unquote(path)
    if path in ("", ":memory:", "/:memory:"):
        filename = ":memory:"
    elif path in (":sharedmemory:", "/:sharedmemory:"):
        filename = ":sharedmemory:"
    elif path.startswith("/"):
        filename = os.path.abspath(path[1:])
    else:
        raise errors.BindingError(f"Malformed SQLite URL {safe!r}: use sqlite:///relative/path, "
                                  "sqlite:////absolute/path or sqlite://:memory:")
    return ConnectionURL("sqlite", (filename,), _options(query, safe))


def _server(provider: str, rest: str, safe: str) -> ConnectionURL:
    """``user:password@host:port/database?options``; every part optional, each one URL-decoded.
    Split by hand rather than by urlsplit, so an unencoded ``/`` or ``@`` in a password still works."""
    region, _, query = rest.partition("?")
    query = query.partition("#")[0]
    at = region.rfind("@")
    userinfo, hostpath = (region[:at], region[at + 1:]) if at != -1 else (None, region)
    hostport, _, database = hostpath.partition("/")
    kwargs: dict = {}
    if userinfo is not None:
        user, colon, password = userinfo.partition(":")
        if user:
            kwargs["user"] = unquote(user)
        if colon:
            kwargs["password"] = unquote(password)
    host, port = _host_port(hostport, safe)
    if host:
        kwargs["host"] = host
    if port is not None:
        kwargs["port"] = port
    database = unquote(database)
    options = _options(query, safe)
    if provider == "oracle":
        return _oracle(kwargs, database, options)
    if database:
        kwargs["database"] = database
    duplicated = set(kwargs) & set(options)
    if duplicated:
        raise errors.BindingError(f"Option {sorted(duplicated)[0]!r} is given twice in database URL {safe!r}")
    kwargs.update(options)
    return ConnectionURL(provider, (), kwargs)


def _host_port(hostport: str, safe: str) -> tuple[str, int | None]:
    if hostport.startswith("["):  # an IPv6 address: [::1]:5432
        host, _, after = hostport[1:].partition("]")
        port_text = after[1:] if after.startswith(":") else ""
    else:
        host, _, port_text = hostport.partition(":")
    port = None
    if port_text:
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise errors.BindingError(f"Malformed port in database URL {safe!r}")
        port = int(port_text)
    return unquote(host), port


def _oracle(kwargs: dict, service: str, options: dict) -> ConnectionURL:
    """Oracle takes ``dsn='host:port/service'`` with ``user`` and ``password``."""
    host = kwargs.pop("host", "")
    port = kwargs.pop("port", None)
    dsn = host + (f":{port}" if port is not None else "") + (f"/{service}" if service else "")
    if dsn:
        kwargs["dsn"] = dsn
    kwargs.update(options)
    return ConnectionURL("oracle", (), kwargs)


def url_from_env(name: str) -> str:
    """The URL held by environment variable ``name``; a BindingError naming it when it is unset or empty."""
    if not isinstance(name, str) or not name:
        raise TypeError(f"Environment variable name must be a non-empty str. Got: {name!r}")
    value = os.environ.get(name)
    if not value:
        raise errors.BindingError(f"Environment variable {name} is not set (expected a database URL "
                                  "such as postgresql://user:password@host:5432/dbname)")
    return value


def bind_arguments(args: tuple, kwargs: dict) -> tuple[tuple, dict]:
    """``bind``'s arguments with a URL (``url=...`` or a first positional ``scheme://...``) replaced
    by the provider form it means; other keyword arguments are added to the URL's (a clash is an error)."""
    if "url" in kwargs:
        if args or "provider" in kwargs:
            raise TypeError("bind(url=...) takes no provider and no positional arguments")
        kwargs = dict(kwargs)
        url = kwargs.pop("url")
    elif args and is_url(args[0]) and "provider" not in kwargs:
        if len(args) > 1:
            raise TypeError("A database URL takes no more positional arguments; pass options as keywords")
        url = args[0]
    else:
        return args, kwargs
    parsed = parse_url(url)
    clash = set(parsed.kwargs) & set(kwargs)
    if clash:
        raise errors.BindingError(f"Option {sorted(clash)[0]!r} is given both in database URL "
                                  f"{parsed.safe_url!r} and as a keyword argument")
    return (parsed.provider, *parsed.args), {**parsed.kwargs, **kwargs}
