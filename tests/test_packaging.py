"""Packaging: the distribution ``pony-ast`` builds as an sdist and a wheel without a warning, and the
wheel, installed into a clean virtual environment, imports, ships its type information and runs the demo.

The sdist is built from a copy of the package's files, the wheel from the unpacked sdist (so a file
missing from the sdist shows up here), both by setuptools' PEP 517 hooks in a build environment of
their own; the wheel is installed without dependencies into a venv that has nothing else.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tarfile
import tomllib
import venv
import zipfile
from pathlib import Path

import pytest

import pony

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _package_files() -> list[Path]:
    files = [ROOT / "pyproject.toml", ROOT / "README.md", ROOT / "LICENSE"]
    files += sorted(p for p in (ROOT / "pony").rglob("*")
                    if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc")
    return files


def _bin(env: Path, name: str) -> str:
    return str(env / ("Scripts" if os.name == "nt" else "bin") / name)


def _run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    # byte-compiling switched off by the environment makes setuptools print warnings of its own
    environ = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH")}
    result = subprocess.run(list(args), cwd=cwd, env=environ, capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        pytest.fail(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


HOOK = "import sys\nfrom setuptools import build_meta\nprint(getattr(build_meta, sys.argv[1])(sys.argv[2]))\n"


class Built:
    """The build's artefacts and logs, and the clean venv the wheel went into."""

    def __init__(self, home: Path) -> None:
        self.home = home
        source = home / "src"
        for path in _package_files():
            target = source / path.relative_to(ROOT)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
        build_env = home / "build-env"
        venv.create(build_env, with_pip=True)
        requires = PYPROJECT["build-system"]["requires"]
        _run(_bin(build_env, "python"), "-m", "pip", "install", "-q", *requires)
        dist = home / "dist"
        hook = [_bin(build_env, "python"), "-W", "always", "-c", HOOK]
        self.sdist_log = _run(*hook, "build_sdist", str(dist), cwd=source)
        self.sdist = dist / self.sdist_log.stdout.split()[-1]
        with tarfile.open(self.sdist) as archive:
            safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}  # 3.11.4 and later
            archive.extractall(home / "unpacked", **safe)
            self.sdist_names = archive.getnames()
        unpacked = next((home / "unpacked").iterdir())
        self.wheel_log = _run(*hook, "build_wheel", str(dist), cwd=unpacked)
        self.wheel = dist / self.wheel_log.stdout.split()[-1]
        self.env = home / "clean-env"
        venv.create(self.env, with_pip=False)
        self.install_log = _run(_bin(build_env, "python"), "-m", "pip", "--python", _bin(self.env, "python"),
                                "install", "--no-deps", "--no-index", str(self.wheel))

    def python(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run the clean venv's python outside the repository (so the working tree cannot be imported)."""
        return _run(_bin(self.env, "python"), *args, cwd=self.home)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return Built(tmp_path_factory.mktemp("packaging"))


def test_distribution_has_a_name_and_version_of_its_own():
    project = PYPROJECT["project"]
    assert project["name"] == pony.DISTRIBUTION_NAME == "pony-ast"  # "pony" is the original on the index
    assert project["dynamic"] == ["version"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "pony.__version__"}
    assert re.fullmatch(r"[1-9]\d*\.\d+\.\d+((a|b|rc)\d+)?", pony.__version__)
    assert re.fullmatch(r"0\.7\.\d+", pony.PONY_API_VERSION)
    assert project["license"] == "Apache-2.0"  # an SPDX expression, not the deprecated table


def test_sdist_and_wheel_build_without_warnings(built):
    assert built.sdist.name == f"pony_ast-{pony.__version__}.tar.gz"
    assert built.wheel.name == f"pony_ast-{pony.__version__}-py3-none-any.whl"
    for log in (built.sdist_log, built.wheel_log):
        warnings = [line for line in (log.stdout + log.stderr).splitlines() if "warn" in line.lower()]
        assert not warnings, "\n".join(warnings)


def test_sdist_holds_every_file_of_the_package(built):
    top = built.sdist_names[0].split("/")[0]
    names = {name.removeprefix(top + "/") for name in built.sdist_names}
    expected = {path.relative_to(ROOT).as_posix() for path in _package_files()}
    assert expected - names == set()


def test_wheel_ships_type_information_and_metadata(built):
    with zipfile.ZipFile(built.wheel) as wheel:
        names = set(wheel.namelist())
        metadata = wheel.read(f"pony_ast-{pony.__version__}.dist-info/METADATA").decode()
    assert {"pony/py.typed", "pony/orm/core.pyi", "pony/orm/__init__.py", "pony/migrate/cli.py"} <= names
    assert f"pony_ast-{pony.__version__}.dist-info/licenses/LICENSE" in names
    assert not any(name.startswith(("tests/", "bench/")) for name in names)
    assert "License-Expression: Apache-2.0" in metadata.splitlines()
    assert "Name: pony-ast" in metadata.splitlines()


def test_installed_wheel_imports_with_its_stubs(built):
    script = ("import importlib.metadata as m, pathlib, pony, pony.orm\n"
              "root = pathlib.Path(pony.__file__).parent\n"
              "print(root)\n"
              "print(pony.__version__, pony.PONY_API_VERSION, m.version('pony-ast'))\n"
              "print((root / 'py.typed').is_file(), (root / 'orm' / 'core.pyi').is_file())\n"
              "print(len(pony.orm.__all__) > 50)\n")
    lines = built.python("-c", script).stdout.splitlines()
    assert Path(lines[0]).is_relative_to(built.env)  # the installed copy, not the working tree
    assert lines[1:] == [f"{pony.__version__} {pony.PONY_API_VERSION} {pony.__version__}", "True True", "True"]


def test_demo_runs_from_the_installed_wheel(built):
    result = built.python("-W", "error::DeprecationWarning", "-m", "pony.orm.examples.demo")
    assert result.stderr == ""
    assert "Pony ORM demo: an e-store on SQLite" in result.stdout
    assert "13. Customers who bought a tablet" in result.stdout
    assert "\n    FROM " in result.stdout  # long SQL is printed on several lines


def test_console_script_is_installed(built):
    result = _run(_bin(built.env, "pony-migrate"), "--help", cwd=built.home)
    assert "Schema migrations for Pony entities" in result.stdout


# `pip install pony` would fetch the original Pony, which shares the import name.
ORIGINAL = re.compile(r"pip install\s+(?:-\S+\s+)*['\"]?pony(?![\w-])")


def _install_hints() -> list[tuple[str, str]]:
    hints = []
    for path in [*(ROOT / "pony").rglob("*.py"), *(ROOT / "docs").rglob("*.md"), ROOT / "README.md"]:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "pip install" in line:
                hints.append((f"{path.relative_to(ROOT)}:{number}", line))
    return hints


def test_install_hints_name_this_distribution():
    wrong = [f"{where}: {line.strip()}" for where, line in _install_hints() if ORIGINAL.search(line)]
    assert not wrong, "these tell users to install the original Pony:\n" + "\n".join(wrong)


@pytest.mark.parametrize("line, original", [
    ("pip install 'pony[postgres]'", True),
    ("pip install -U pony", True),
    ("pip install pony==0.7.20", True),
    ("pip install 'pony-ast[postgres]'", False),
    ("pip install -e '.[postgres,mysql]'", False),
], ids=["extra", "upgrade", "pinned", "ours", "checkout"])
def test_install_hint_check_tells_the_names_apart(line, original):
    assert bool(ORIGINAL.search(line)) is original


def test_driver_hint_names_this_distribution():
    from pony.orm.dbproviders.base.provider import DBAPIProvider

    with pytest.raises(ImportError, match=r"pip install 'pony-ast\[postgres\]'"):
        DBAPIProvider.import_driver("postgres", "postgres", "no_such_driver_module_here")


def test_no_file_refers_outside_the_repository():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
    if tracked.returncode != 0:
        pytest.skip("not a git checkout")
    pattern = re.compile(r"\.\./shared\b|shared/(DESIGN|BENCH|SPEC)\.md")
    offenders = []
    for name in tracked.stdout.splitlines():
        path = ROOT / name
        if path.suffix in (".png", ".gz", ".whl") or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        offenders += [f"{name}:{n}" for n, line in enumerate(text.splitlines(), 1) if pattern.search(line)]
    assert not offenders, "references to files outside the repository:\n" + "\n".join(offenders)

