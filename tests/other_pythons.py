"""Finding other CPython versions on this machine for the tests that run code under them."""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def find_python(version: str) -> str | None:
    """A CPython ``version`` ("3.12"): the newest pyenv install, else ``python3.X`` on PATH.

    A pyenv shim is no use: the tests run the interpreter with a bare environment."""
    root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    installs = sorted(root.glob(f"{version}.*/bin/python"),
                      key=lambda p: [int(x) for x in p.parts[-3].split(".") if x.isdigit()])
    if installs:
        return str(installs[-1])
    found = shutil.which(f"python{version}")
    return found if found and "/shims/" not in found else None
