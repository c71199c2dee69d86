"""Oracle through python-oracledb (offline-tested: generated SQL and DDL only)."""

from .provider import OracleProvider

provider_cls = OracleProvider

__all__ = ["OracleProvider", "provider_cls"]
