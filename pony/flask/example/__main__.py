"""``python -m pony.flask.example [port]``: run the example on http://127.0.0.1:5000/."""

from __future__ import annotations

import sys

from . import create_app


def main(argv: list[str]) -> None:
    port = int(argv[1]) if len(argv) > 1 else 5000
    create_app().run(host="127.0.0.1", port=port)


if __name__ == "__main__":
    main(sys.argv)
