"""Typing: Pony-style code type-checks clean under mypy --strict (with the ``pony.orm.mypy`` plugin) and
pyright (basic and strict), with precise types, against the package installed as users install it.

One virtual environment per session (cached by a hash of the package's files) gets ``pip install .`` of a
copy of the sources; mypy and pyright from the test environment check tests/typing_example.py and a module
of deliberate mistakes against it. The example module also runs on every backend.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import venv
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).parent
ROOT = HERE.parent
EXAMPLE = HERE / "typing_example.py"
EXAMPLES = [EXAMPLE, HERE / "typing_example_more.py"]

MISTAKES = '''\
from decimal import Decimal

from typing_example import Car, Person


def mistakes() -> None:
    p = Person(name="Ann", email="ann@example.com", nme="Ann")
    Car(model="T")
    p.age = "old"
    p.name = 5
    print(p.nmae)
    total: Decimal = p.email
    Person.select(lambda x: x.salary > 1)
    print(total)
'''

# (line, message) for each error the checkers must report on MISTAKES, and nothing else.
MYPY_MISTAKES = [
    (7, 'Unexpected keyword argument "nme" for "Person"; did you mean "name"?  [call-arg]'),
    (8, 'Missing named argument "owner" for "Car"  [call-arg]'),
    (9, 'Incompatible types in assignment (expression has type "str", variable has type "int | None")  '
        '[assignment]'),
    (10, 'Incompatible types in assignment (expression has type "int", variable has type "str")  [assignment]'),
    (11, '"Person" has no attribute "nmae"  [attr-defined]'),
    (12, 'Incompatible types in assignment (expression has type "str", variable has type "Decimal")  '
         '[assignment]'),
    (13, '"Person" has no attribute "salary"  [attr-defined]'),
]
# Pyright has no plugin: constructor keywords are not checked (any keyword is accepted). Strict mode adds
# its unknown-type reports on the unknown attributes.
# An unknown attribute is reported as an argument of __getattr__, declared for Pony's implicit ``id`` only.
# The same errors in basic and strict mode.
PYRIGHT_MISTAKES = [
    (9, "reportAttributeAccessIssue"),
    (10, "reportAttributeAccessIssue"),
    (11, "reportArgumentType"),
    (12, "reportAssignmentType"),
    (13, "reportArgumentType"),
]

MYPY_CONFIG = "[mypy]\nstrict = True\nplugins = pony.orm.mypy\n"


# --- the environment: pony installed with ``pip install .`` -------------------------------------------


def _package_files() -> list[Path]:
    files = [ROOT / "pyproject.toml", ROOT / "README.md"]
    files += sorted(p for p in (ROOT / "pony").rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return files


def _content_hash() -> str:
    digest = hashlib.sha256()
    for path in _package_files():
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@pytest.fixture(scope="session")
def installed() -> Path:
    """A virtual environment with pony installed from a copy of the sources (not editable)."""
    home = Path(tempfile.gettempdir()) / f"pony-typing-{_content_hash()}"
    python = home / "venv" / "bin" / "python"
    if (home / "ready").exists():
        return python
    shutil.rmtree(home, ignore_errors=True)
    source = home / "src"
    for path in _package_files():
        target = source / path.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    venv.create(home / "venv", with_pip=True)
    result = subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", str(source)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        pytest.fail(f"pip install . failed:\n{result.stdout}\n{result.stderr}")
    (home / "ready").touch()
    return python


def _site_packages(python: Path) -> str:
    return subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()


def _workdir(tmp_path: Path, **modules: str) -> Path:
    for example in EXAMPLES:
        shutil.copy(example, tmp_path / example.name)
    for name, text in modules.items():
        (tmp_path / f"{name}.py").write_text(text)
    return tmp_path


# --- running the checkers -----------------------------------------------------------------------------


def run_mypy(python: Path, workdir: Path, *files: str) -> list[tuple[str, int, str, str]]:
    """(file, line, severity, message) of every line mypy reports."""
    if importlib.util.find_spec("mypy") is None:
        pytest.skip("mypy is not installed (it is in the test extra)")
    (workdir / "mypy.ini").write_text(MYPY_CONFIG)
    env = {**os.environ, "PYTHONPATH": _site_packages(python)}  # the plugin, imported from the install
    env.pop("MYPYPATH", None)
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--python-executable", str(python), "--no-error-summary",
         "--show-error-codes", "--cache-dir", str(python.parent.parent.parent / "mypy-cache"), *files],
        cwd=workdir, capture_output=True, text=True, env=env)
    found = []
    for line in result.stdout.splitlines():
        match = re.match(r"^([^:]+):(\d+): (error|note): (.*)$", line)
        if match:
            found.append((match[1], int(match[2]), match[3], match[4].replace("builtins.", "")))
        elif line.strip():
            found.append(("?", 0, "output", line))
    assert result.returncode in (0, 1), result.stderr
    return found


def run_pyright(python: Path, workdir: Path, mode: str, *files: str) -> list[dict[str, Any]]:
    """The diagnostics of pyright (``typeCheckingMode`` ``mode``) on ``files``."""
    pyright = shutil.which("pyright", path=os.path.dirname(sys.executable)) or shutil.which("pyright")
    if pyright is None:
        pytest.skip("pyright is not installed (it is in the test extra)")
    (workdir / "pyrightconfig.json").write_text(json.dumps({"typeCheckingMode": mode, "pythonVersion": "3.11"}))
    env = {**os.environ, "PYRIGHT_PYTHON_IGNORE_WARNINGS": "1"}
    result = subprocess.run([pyright, "--outputjson", "--pythonpath", str(python), *files],
                            cwd=workdir, capture_output=True, text=True, env=env)
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"pyright did not run:\n{result.stdout}\n{result.stderr}")
    return report["generalDiagnostics"]


def _revealed_lines(example: Path) -> dict[int, str]:
    """Line number of each ``reveal_type(<expr>)`` of the example -> expr."""
    lines = {}
    for number, text in enumerate(example.read_text().splitlines(), 1):
        match = re.match(r"^\s+reveal_type\((.*)\)$", text)
        if match:
            lines[number] = match[1]
    return lines


def _example_module(example: Path = EXAMPLE) -> Any:
    spec = importlib.util.spec_from_file_location(f"{example.stem}_{id(object())}", example)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- correct code: no errors, precise types -----------------------------------------------------------


def test_mypy_strict_accepts_pony_style_code_with_precise_types(installed: Path, tmp_path: Path) -> None:
    workdir = _workdir(tmp_path)
    found = run_mypy(installed, workdir, *(example.name for example in EXAMPLES))
    assert [item for item in found if item[2] != "note"] == []
    for example in EXAMPLES:
        revealed = {line: message.removeprefix("Revealed type is ").strip('"')
                    for file, line, severity, message in found if severity == "note" and file == example.name}
        lines = _revealed_lines(example)
        types = {expr: revealed.get(line) for line, expr in lines.items()}
        assert types == {expr: pair[0] for expr, pair in _example_module(example).REVEALED.items()}
        assert [expr for expr, revealed_type in types.items() if "Any" in str(revealed_type)
                and revealed_type != "dict[str, Any]"] == []


@pytest.mark.parametrize("mode", ["basic", "strict"])
def test_pyright_accepts_pony_style_code_with_precise_types(installed: Path, tmp_path: Path, mode: str) -> None:
    workdir = _workdir(tmp_path)
    found = run_pyright(installed, workdir, mode, *(example.name for example in EXAMPLES))
    assert [(d["file"], d["range"]["start"]["line"] + 1, d["message"]) for d in found
            if d["severity"] != "information"] == []
    any_typed = []
    for example in EXAMPLES:
        revealed = {d["range"]["start"]["line"] + 1: d["message"] for d in found
                    if d["severity"] == "information" and Path(d["file"]).name == example.name}
        types = {}
        for line, expr in _revealed_lines(example).items():
            match = re.match(r'^Type of "(.*)" is "(.*)"$', revealed.get(line, ""), re.S)
            types[expr] = match[2] if match else revealed.get(line)
        assert types == {expr: pair[1] for expr, pair in _example_module(example).REVEALED.items()}
        any_typed += [expr for expr, t in types.items() if "Any" in str(t) and t != "dict[str, Any]"]
    # Any only where an entity is named by a string (pyright has no plugin to resolve it)
    assert sorted(any_typed) == ["Car[1].maker", "Club[1].memberships", "next(iter(p.cars))", "p.cars"]


# --- wrong code: exactly the expected errors ----------------------------------------------------------


def test_mypy_reports_the_mistakes(installed: Path, tmp_path: Path) -> None:
    workdir = _workdir(tmp_path, mistakes=MISTAKES)
    found = run_mypy(installed, workdir, "mistakes.py")
    assert [(line, message) for file, line, severity, message in found
            if file == "mistakes.py" and severity == "error"] == MYPY_MISTAKES
    assert [item for item in found if item[0] != "mistakes.py" and item[2] != "note"] == []


@pytest.mark.parametrize("mode", ["basic", "strict"])
def test_pyright_reports_the_mistakes(installed: Path, tmp_path: Path, mode: str) -> None:
    workdir = _workdir(tmp_path, mistakes=MISTAKES)
    found = run_pyright(installed, workdir, mode, "mistakes.py")
    errors = sorted((d["range"]["start"]["line"] + 1, d.get("rule")) for d in found if d["severity"] == "error")
    assert errors == PYRIGHT_MISTAKES
    assert [d for d in found if d["severity"] != "error"] == []
    messages = {d["range"]["start"]["line"] + 1: d["message"] for d in found
                if d.get("rule") in ("reportArgumentType", "reportAssignmentType")}
    assert messages[11].startswith('Argument of type "Literal[\'nmae\']" cannot be assigned to parameter "name"')
    assert messages[12].startswith('Type "str" is not assignable to declared type "Decimal"')
    assert "salary" in messages[13]


# --- the example runs ---------------------------------------------------------------------------------


def test_typed_example_runs(backend: Any) -> None:
    module = _example_module()
    backend.bind(module.db)
    module.db.generate_mapping(create_tables=True)
    ann_id = module.populate()
    assert module.read(ann_id) == {
        "ann": {"name": "Ann", "age": 31},
        "club": "Chess",
        "since": "2020-01-01",
        "adults": ["Ann", "Bob"],
        "names": ["Ann", "Bob"],
        "pairs": ["A/Ann", "Beetle/Bob", "T/Ann"],
        "owners": ["Ann"],
        "newest": "Beetle",
        "total": 2,
        "models": ["A", "T"],
        "cars": 2,
        "nickname": "",
        "maker": "Ford",
    }


def test_second_typed_example_runs(backend: Any) -> None:
    module = _example_module(HERE / "typing_example_more.py")
    backend.bind(module.db)
    module.db.generate_mapping(create_tables=True)
    result = module.use()
    assert result.pop("total") == Decimal("30.5")
    assert result == {
        "names": ["Rex"], "first_dog": "Rex", "heavy": ["Rex"], "oldest": True, "mean": 30.5, "has": True,
        "joined": [("Rex", None), ("Tom", "cat")], "kind": "Dog", "notes": "", "vet": "Ann", "code": None,
        "gone": 0,
    }


# --- the stub declares what the run time has ----------------------------------------------------------

STUB = ROOT / "pony" / "orm" / "core.pyi"
STUB_CLASSES = ("Database", "Query", "QueryResult", "SetInstance", "EntityMeta", "Entity",
                "DBSessionContextManager", "Attribute", "Set")


def _stub_names() -> tuple[set[str], dict[str, set[str]], list[str]]:
    """Top-level names of the stub, the members of each of its classes, and its ``__all__``."""
    import ast

    tree = ast.parse(STUB.read_text())
    names: set[str] = set()
    members: dict[str, set[str]] = {}
    exported: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            names.add(node.name)
            members[node.name] = {item.name for item in node.body if isinstance(item, ast.FunctionDef)} | {
                item.target.id for item in node.body
                if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name)}
            for base in node.bases:  # inherited from a class of the stub: Set[_T] -> Collection ...
                base_name = base.value if isinstance(base, ast.Subscript) else base
                if isinstance(base_name, ast.Name):
                    members[node.name] |= members.get(base_name.id, set())
        elif isinstance(node, ast.FunctionDef):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update(alias.asname for alias in node.names if alias.asname)
        elif isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            if node.targets[0].id == "__all__":
                exported = ast.literal_eval(node.value)
            names.add(node.targets[0].id)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names, members, exported


def test_stub_declares_every_public_runtime_name() -> None:
    from pony.orm import core

    names, _, exported = _stub_names()
    assert exported == core.__all__
    runtime = {name for name in dir(core) if not name.startswith("_") and name != "annotations"}
    assert sorted(runtime - names) == []
    public_stub = {name for name in names if not name.startswith("_") and name != "MYPY"}
    assert sorted(public_stub - runtime) == []


@pytest.mark.parametrize("name", STUB_CLASSES)
def test_stub_classes_match_the_runtime_classes(name: str) -> None:
    from pony.orm import core

    _, members, _ = _stub_names()
    cls = getattr(core, name)
    runtime = {member for member in dir(cls) if not member.startswith("_") and callable(getattr(cls, member, None))}
    runtime -= {"mro", "access", "changes", "query_api"}  # type's own, and hooks installed between layers
    declared = {member for member in members[name] if not member.startswith("_")}
    assert sorted(runtime - declared) == []  # every method is declared
    methods = {m for m in declared if callable(getattr(cls, m, None)) or isinstance(getattr(cls, m, None), property)}
    assert sorted(m for m in declared - methods if not hasattr(cls, m) and m not in _INSTANCE_ATTRIBUTES) == []


# Declared on instances (set in __init__ or at mapping), not on the classes.
_INSTANCE_ATTRIBUTES = {
    "Entity", "entities", "provider", "provider_name", "schema", "priority", "retry", "immediate", "ddl",
    "serializable", "strict", "optimistic", "name", "entity", "py_type", "is_unique", "columns", "reverse",
    "default", "_database_", "_table_",
}
