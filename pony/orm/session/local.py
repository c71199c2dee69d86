"""``pony.orm.core.local``: Pony's per-thread state object, as tools read it.

``local.db_session`` is the ``db_session`` object that opened the current session (None outside
one; a suspended generator's session is current only while the generator runs). ``debug`` and
``show_values`` are the ``set_sql_debug`` switches.
"""

from __future__ import annotations

from typing import Any

from ..log import debug_flags
from .context import current_session


class Local:
    """A view of the current session and debug switches under Pony's attribute names."""

    @property
    def db_session(self) -> Any:
        session = current_session.get()
        return None if session is None else session.manager

    @property
    def debug(self) -> bool:
        return debug_flags.debug

    @debug.setter
    def debug(self, value: bool) -> None:
        debug_flags.debug = value

    @property
    def show_values(self) -> bool | None:
        return debug_flags.show_values

    @show_values.setter
    def show_values(self, value: bool | None) -> None:
        debug_flags.show_values = value


local = Local()
