"""Schema migrations for Pony entities: ``python -m pony.migrate --db MODULE:ATTR COMMAND``.

make (autogenerate from the entities), apply, rollback, status, sql, check; see docs/migrations.md.
Migration files use ``from pony.migrate.api import *``.
"""

from .cli import main

__all__ = ["main"]
