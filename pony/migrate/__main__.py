"""``python -m pony.migrate``: see pony/migrate/cli.py."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
