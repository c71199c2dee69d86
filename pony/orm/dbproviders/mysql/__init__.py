"""MySQL and MariaDB through PyMySQL (mysqlclient's MySQLdb when it is installed)."""

from .provider import MySQLProvider

provider_cls = MySQLProvider

__all__ = ["MySQLProvider", "provider_cls"]
