"""One virtual environment per contestant under bench/.venvs/, created on first use and reused.

A venv is (re)installed when its requirement list changed since the last install: the list is
stored in ``.bench-requirements`` inside the venv. ``this`` installs the working tree in editable
mode, so it always runs the current code without reinstalling.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
VENVS_DIR = BENCH_DIR / ".venvs"
STAMP = ".bench-requirements"


@dataclass(frozen=True)
class VenvSpec:
    name: str
    requirements: tuple[str, ...]

    @property
    def path(self) -> Path:
        return VENVS_DIR / self.name

    @property
    def python(self) -> Path:
        return self.path / "bin" / "python"


VENVS: dict[str, VenvSpec] = {
    spec.name: spec
    for spec in (
        VenvSpec("this", ("-e", f"{PROJECT_DIR}[postgres,mysql]")),
        VenvSpec("pony", ("pony==0.7.20", "psycopg2-binary", "PyMySQL")),
        VenvSpec("sqlalchemy", ("SQLAlchemy>=2,<3", "psycopg[binary]>=3.1", "PyMySQL")),
        # peewee talks to PostgreSQL through psycopg2 only.
        VenvSpec("peewee", ("peewee", "psycopg2-binary", "PyMySQL")),
        # mysqlclient needs C headers to build; PyMySQL (via install_as_MySQLdb) keeps every
        # contestant on the same MySQL driver.
        VenvSpec("django", ("Django", "psycopg[binary]>=3.1", "PyMySQL")),
        VenvSpec("raw", ("psycopg[binary]>=3.1", "psycopg2-binary", "PyMySQL")),
        VenvSpec("report", ("matplotlib",)),
    )
}


def base_python() -> str:
    """The interpreter every venv is built from: the one running the harness (not its venv)."""
    return getattr(sys, "_base_executable", None) or sys.executable


def ensure_venv(name: str, log=print) -> Path:
    """Create or update the venv of ``name`` and return its python."""
    spec = VENVS[name]
    wanted = "\n".join(spec.requirements) + "\n"
    if name == "this":  # new dependencies of the project need a reinstall; its code does not
        wanted += (PROJECT_DIR / "pyproject.toml").read_text()
    stamp = spec.path / STAMP
    if spec.python.exists() and stamp.exists() and stamp.read_text() == wanted:
        return spec.python
    log(f"[bench] setting up venv {spec.path.relative_to(PROJECT_DIR)} ...")
    if not spec.python.exists():
        subprocess.run([base_python(), "-m", "venv", str(spec.path)], check=True)
    pip = [str(spec.python), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    env = dict(os.environ, PIP_NO_INPUT="1")
    for command in ([*pip, "--upgrade", "pip"], [*pip, *spec.requirements]):
        result = subprocess.run(command, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            sys.stderr.write(result.stdout + result.stderr)
            raise SystemExit(f"[bench] cannot install {' '.join(spec.requirements)} into {spec.path}")
    stamp.write_text(wanted)
    return spec.python

