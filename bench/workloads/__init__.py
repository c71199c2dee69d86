"""One module per contestant: the same tests written the way each library is meant to be used."""

from __future__ import annotations

import importlib
import sys
from typing import Any

from bench.config import DbConfig


def mysql_driver(cfg: DbConfig) -> Any:
    """The MySQL driver module every contestant uses: mysqlclient's MySQLdb or PyMySQL, as
    ``--mysql-driver`` chose. For PyMySQL, MySQLdb is made unimportable, so libraries that prefer
    it when installed (Pony 0.7.20, this project, peewee's fallback) take PyMySQL too; mysqlclient
    missing from a venv (no C headers when it was built) falls back to PyMySQL, which the report's
    driver column shows."""
    if cfg.mysql_driver == "mysqlclient":
        try:
            return importlib.import_module("MySQLdb")
        except ImportError:
            pass
    sys.modules["MySQLdb"] = None  # type: ignore[assignment]  # "import MySQLdb" now fails
    return importlib.import_module("pymysql")
