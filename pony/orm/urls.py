"""Connection URLs, beyond Pony: ``Database("postgresql://user:pw@host:5432/db?sslmode=require")``.

A URL is turned into the provider name and the keyword arguments of the ordinary bind forms, so a
URL means exactly what the equivalent ``bind(provider, **kwargs)`` call means. The password never
appears in an error message or a ``repr``: every message here shows the URL with it masked.
"""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote

from . import errors
from .dbproviders import PROVIDER_NAMES

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


class URLParts:
    """A URL split for a provider's ``bind_arguments_from_url``: the part after ``scheme://`` and,
    on demand, its server form (user, password, host, port, database) and query options."""

    def __init__(self, scheme: str, rest: str, safe_url: str) -> None:
        self.scheme = scheme
        self.rest = rest
        self.safe_url = safe_url

    @property
    def path(self) -> str:
        """The URL-decoded part before ``?`` (SQLite's file name, after its leading ``/``)."""
        return unquote(self.rest.partition("?")[0])

    def options(self) -> dict:
        """The query options, converted where their text means a number or a flag."""
        return _options(self.rest.partition("?")[2].partition("#")[0], self.safe_url)

    def error(self, text: str) -> errors.BindingError:
        """A BindingError about this URL, shown with its password masked."""
        return errors.BindingError(f"{text} in database URL {self.safe_url!r}")

    def server_kwargs(self) -> dict:
        """``user:password@host:port/database?options`` as bind keywords, every part optional and
        URL-decoded. Split by hand rather than by urlsplit, so an unencoded ``/`` or ``@`` in a
        password still works."""
        region = self.rest.partition("?")[0]
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
        host, port = _host_port(hostport, self.safe_url)
        if host:
            kwargs["host"] = host
        if port is not None:
            kwargs["port"] = port
        if database:
            kwargs["database"] = unquote(database)
        options = self.options()
        duplicated = set(kwargs) & set(options)
        if duplicated:
            raise self.error(f"Option {sorted(duplicated)[0]!r} is given twice")
        kwargs.update(options)
        return kwargs


def _provider_for_scheme(scheme: str, providers: Iterable[str], safe: str) -> tuple[Any, str]:
    """The provider class (and its name) whose ``URL_SCHEMES`` hold ``scheme``."""
    known = []
    for name in providers:
        provider_cls = importlib.import_module(f"pony.orm.dbproviders.{name}").provider_cls
        if scheme in provider_cls.URL_SCHEMES:
            return provider_cls, name
        known.extend(provider_cls.URL_SCHEMES)
    raise errors.BindingError(f"Unknown database URL scheme {scheme!r} in {safe!r}. "
                              f"Known schemes are: {', '.join(sorted(known))}")


def parse_url(url: str, providers: Iterable[str] | None = None) -> ConnectionURL:
    """The provider and bind arguments a connection URL stands for; BindingError if it is malformed.
    ``providers``: the provider names to look the scheme up in (default: every known one)."""
    if not isinstance(url, str):
        raise TypeError(f"A database URL must be a str. Got: {type(url).__name__}")
    if providers is None:
        providers = PROVIDER_NAMES
    safe = mask_password(url)
    match = _SCHEME.match(url)
    if match is None:
        raise errors.BindingError(f"Malformed database URL {safe!r}: expected scheme://...")
    scheme = match["scheme"].lower()
    provider_cls, name = _provider_for_scheme(scheme, providers, safe)
    args, kwargs = provider_cls.bind_arguments_from_url(URLParts(scheme, url[match.end():], safe))
    return ConnectionURL(name, tuple(args), kwargs, safe)


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


def url_from_env(name: str) -> str:
    """The URL held by environment variable ``name``; a BindingError naming it when it is unset or empty."""
    if not isinstance(name, str) or not name:
        raise TypeError(f"Environment variable name must be a non-empty str. Got: {name!r}")
    value = os.environ.get(name)
    if not value:
        raise errors.BindingError(f"Environment variable {name} is not set (expected a database URL "
                                  "such as postgresql://user:password@host:5432/dbname)")
    return value


def bind_arguments(args: tuple, kwargs: dict, providers: Iterable[str]) -> tuple[tuple, dict]:
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
    parsed = parse_url(url, providers)
    clash = set(parsed.kwargs) & set(kwargs)
    if clash:
        raise errors.BindingError(f"Option {sorted(clash)[0]!r} is given both in database URL "
                                  f"{parsed.safe_url!r} and as a keyword argument")
    return (parsed.provider, *parsed.args), {**parsed.kwargs, **kwargs}
