"""SQLite through the standard library's sqlite3: the embedded default."""

from .provider import SQLiteProvider

provider_cls = SQLiteProvider

__all__ = ["SQLiteProvider", "provider_cls"]
