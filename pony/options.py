"""Global switches, compatible with ``pony.options`` (module attributes, set by assignment)."""

DEBUG = True
STATIC_DIR = None
# Hide Pony's own frames from tracebacks when pony.MODE == "INTERACTIVE".
CUT_TRACEBACK = True
# Default width of Query.show() / show() tables; at most CONSOLE_WIDTH // 5 columns are printed.
CONSOLE_WIDTH = 80
# When set, a raw ``db.select`` beyond this many rows raises TooManyRowsFound and an entity
# query raises TooManyObjectsFoundError.
MAX_FETCH_COUNT: int | None = None
# Accepted for compatibility, without effect: joins are always written as JOIN ... ON, and
# table aliases are always the simple names ("c", "customer", "orders-2").
INNER_JOIN_SYNTAX = False
SIMPLE_ALIASES = True
PREFETCHING = True
LOGGING_LEVEL = None
LOGGING_PONY_LEVEL = None
