"""Connection settings from the command line: ``PROVIDER [ARG ...] [KEY=VALUE ...]`` or a URL."""

from __future__ import annotations

from urllib.parse import parse_qsl, unquote, urlsplit

_SCHEMES = {"sqlite": "sqlite", "postgres": "postgres", "postgresql": "postgres", "mysql": "mysql",
            "mariadb": "mysql", "oracle": "oracle", "cockroach": "cockroach", "cockroachdb": "cockroach"}
_INT_KEYS = ("port", "connect_timeout")


def parse_url(url: str) -> tuple[tuple, dict]:
    """``postgresql://user:secret@host:5432/db?sslmode=require`` -> ``(("postgres",), {...})``;
    ``sqlite:///relative.db`` and ``sqlite:////absolute.db`` name a file."""
    parts = urlsplit(url)
    scheme = parts.scheme.split("+", 1)[0].lower()
    provider = _SCHEMES.get(scheme)
    if provider is None:
        raise ValueError(f"Unknown database URL scheme {parts.scheme!r} (expected one of {', '.join(_SCHEMES)})")
    if provider == "sqlite":
        path = unquote(parts.path[1:] if parts.path.startswith("/") else parts.path)
        if not path:
            raise ValueError(f"The SQLite URL {url!r} names no file (sqlite:///path/to/file.db)")
        return ("sqlite", path), {}
    kwargs: dict = {}
    if parts.hostname:
        kwargs["host"] = parts.hostname
    if parts.port:
        kwargs["port"] = parts.port
    if parts.username:
        kwargs["user"] = unquote(parts.username)
    if parts.password is not None:
        kwargs["password"] = unquote(parts.password)
    if parts.path.strip("/"):
        kwargs["database"] = unquote(parts.path.strip("/"))
    kwargs.update(_typed(dict(parse_qsl(parts.query))))
    return (provider,), kwargs


def parse_target(words: list[str]) -> tuple[tuple, dict]:
    """Bind arguments from ``["sqlite", "file.db"]``, ``["postgres", "host=h", "user=u"]`` or ``[URL]``."""
    if not words:
        raise ValueError("Give the database: PROVIDER [ARG ...] [KEY=VALUE ...] or a URL")
    if len(words) == 1 and "://" in words[0]:
        return parse_url(words[0])
    provider, rest = words[0], words[1:]
    if provider not in _SCHEMES:
        raise ValueError(f"Unknown provider {provider!r} (expected sqlite, postgres, mysql, oracle, cockroach "
                         "or a URL such as postgresql://user@host/db)")
    args = tuple(w for w in rest if "=" not in w)
    kwargs = _typed(dict(w.split("=", 1) for w in rest if "=" in w))
    return (_SCHEMES[provider], *args), kwargs


def describe(args: tuple, kwargs: dict) -> str:
    """The settings as text for the generated module's docstring, without the password."""
    shown = [str(a) for a in args] + [f"{k}={v}" for k, v in kwargs.items() if k not in ("password", "passwd")]
    return " ".join(shown)


def _typed(kwargs: dict) -> dict:
    for key in _INT_KEYS:
        if key in kwargs:
            try:
                kwargs[key] = int(kwargs[key])
            except ValueError:
                raise ValueError(f"{key}={kwargs[key]!r} is not a number")
    return kwargs
