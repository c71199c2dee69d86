"""CockroachDB through psycopg: the PostgreSQL provider with CockroachDB's types and retries."""

from .provider import CockroachProvider

provider_cls = CockroachProvider

__all__ = ["CockroachProvider", "provider_cls"]
