"""Global switches, compatible with ``pony.options`` (module attributes, set by assignment)."""

DEBUG = True
STATIC_DIR = None
CUT_TRACEBACK = True
CONSOLE_WIDTH = 80
# When set, a raw ``db.select`` beyond this many rows raises TooManyRowsFound and an entity
# query raises TooManyObjectsFoundError.
MAX_FETCH_COUNT: int | None = None
INNER_JOIN_SYNTAX = False
SIMPLE_ALIASES = True
PREFETCHING = True
LOGGING_LEVEL = None
LOGGING_PONY_LEVEL = None
