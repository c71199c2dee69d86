"""PostgreSQL through psycopg 3 (psycopg2 when only that is installed)."""

from .provider import PGProvider

provider_cls = PGProvider

__all__ = ["PGProvider", "provider_cls"]
