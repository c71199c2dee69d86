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
    # Installed after the requirements; a failure is a warning (mysqlclient builds against C
    # headers that scripts/install-bench-deps.sh installs; without it MySQL runs on PyMySQL).
    optional: tuple[str, ...] = ()

    @property
    def path(self) -> Path:
        return VENVS_DIR / self.name

    @property
    def python(self) -> Path:
        return self.path / "bin" / "python"


MYSQLCLIENT = ("mysqlclient",)

VENVS: dict[str, VenvSpec] = {
    spec.name: spec
    for spec in (
        # Every contestant gets both MySQL drivers; --mysql-driver picks one for all of them.
        VenvSpec("this", ("-e", f"{PROJECT_DIR}[postgres,mysql]"), MYSQLCLIENT),
        VenvSpec("pony", ("pony==0.7.20", "psycopg2-binary", "PyMySQL"), MYSQLCLIENT),
        VenvSpec("sqlalchemy", ("SQLAlchemy>=2,<3", "psycopg[binary]>=3.1", "PyMySQL"), MYSQLCLIENT),
        # peewee talks to PostgreSQL through psycopg2 only.
        VenvSpec("peewee", ("peewee", "psycopg2-binary", "PyMySQL"), MYSQLCLIENT),
        VenvSpec("django", ("Django", "psycopg[binary]>=3.1", "PyMySQL"), MYSQLCLIENT),
        VenvSpec("raw", ("psycopg[binary]>=3.1", "psycopg2-binary", "PyMySQL"), MYSQLCLIENT),
        VenvSpec("report", ("matplotlib",)),
    )
}


def base_python() -> str:
    """The interpreter every venv is built from: the one running the harness (not its venv)."""
    return getattr(sys, "_base_executable", None) or sys.executable


def ensure_venv(name: str, log=print) -> Path:
    """Create or update the venv of ``name`` and return its python."""
    spec = VENVS[name]
    wanted = "\n".join(spec.requirements + spec.optional) + "\n"
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
    if spec.optional:
        result = subprocess.run([*pip, *spec.optional], env=env, capture_output=True, text=True)
        if result.returncode != 0:  # no stamp: the next run tries again
            log(f"[bench] !!! cannot install {' '.join(spec.optional)} into {spec.path} "
                "(run scripts/install-bench-deps.sh); MySQL runs on PyMySQL there !!!")
            return spec.python
    stamp.write_text(wanted)
    return spec.python

