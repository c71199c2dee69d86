"""The public API of Pony ORM: ``from pony.orm import *``."""

from pony.orm.core import *  # noqa: F403
from pony.orm.core import __all__  # noqa: F401
from pony.orm.query.api import update  # noqa: F401 - beyond Pony: imported by name, not by `*`
