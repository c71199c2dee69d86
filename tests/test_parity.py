"""Differential parity with Pony 0.7.20: every program in tests/parity/programs runs here on every
backend, and each case must give what Pony gave on that backend (tests/parity/expected, recorded
by ``make parity-record``): the same rows, or an exception that is an instance of a class with the
name of Pony's exception class.

A program may list cases in ``IMPROVEMENTS = {"case_name": "why"}``: where Pony fails on a server with a
database error (MariaDB refusing LIMIT in an IN subquery, say), this project must instead give the
answer Pony gives on SQLite. Each such case is listed in docs/compatibility.md.
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import IN_CI, STATEMENTS, Backend, credit_backends, selected_backends, unreachable_reason

sys.path.insert(0, str(Path(__file__).parent / "parity"))
import runner  # noqa: E402

_results: dict[tuple[str, str], dict[str, Any]] = {}
_sent_to: dict[tuple[str, str], set] = {}  # backends that received statements while a program ran


def _expected(program: str, backend: str) -> dict[str, Any]:
    path = runner.EXPECTED / f"{program}.{backend}.json"
    return json.loads(path.read_text()) if path.exists() else {}


def _improvements(program: str) -> dict[str, str]:
    """The program's ``IMPROVEMENTS`` literal (read without importing the program)."""
    tree = ast.parse((runner.PROGRAMS / f"{program}.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "IMPROVEMENTS" for t in node.targets):
            return ast.literal_eval(node.value)
    return {}


def _wanted(program: str, backend: str, case: str) -> dict[str, Any]:
    """Pony's record for the case, or SQLite's where the case is a listed improvement over a server error."""
    expected = _expected(program, backend)[case]
    if "error" in expected and case in _improvements(program):
        reference = _expected(program, "sqlite")[case]
        assert "error" not in reference, f"{case} is listed as an improvement but fails on SQLite under Pony too"
        return reference
    return expected


def _params() -> list[Any]:
    params = []
    for path in runner.program_paths():
        for backend in selected_backends():
            for case in sorted(_expected(path.stem, backend)):
                params.append(pytest.param(path.stem, backend, case, id=f"{path.stem}-{case}-{backend}"))
    return params


def _actual(program: str, backend: str, tmp_path_factory: Any) -> dict[str, Any]:
    """Run the whole program once per backend (cached), as the runner would under Pony."""
    key = (program, backend)
    if key not in _results:
        b = Backend(backend, tmp_path_factory.mktemp(backend))
        b.wipe()
        args, kwargs = b.bind_args
        before = dict(STATEMENTS)
        try:
            _results[key] = runner.run_program(runner.PROGRAMS / f"{program}.py", backend, args, kwargs)
        finally:
            b.wipe()
            _sent_to[key] = {name for name, count in STATEMENTS.items() if count > before.get(name, 0)}
    return _results[key]


def _matches(actual: dict, expected: dict) -> bool:
    if "error" in expected:
        return "error" in actual and expected["error"] in actual["mro"]
    return actual == expected


@pytest.mark.parametrize(("program", "backend_name", "case"), _params())
def test_same_as_pony(program: str, backend_name: str, case: str, tmp_path_factory: Any, request: Any) -> None:
    reason = unreachable_reason(backend_name)
    if reason is not None:
        if IN_CI:
            pytest.fail(f"{backend_name} server is unreachable under CI=true: {reason}")
        pytest.skip(f"{backend_name} server unreachable: {reason}")
    expected = _wanted(program, backend_name, case)
    actual = _actual(program, backend_name, tmp_path_factory).get(case, {"error": "case is missing", "mro": []})
    credit_backends(request.node.nodeid, _sent_to.get((program, backend_name), set()))
    assert _matches(actual, expected), (
        f"\npony 0.7.20: {json.dumps(expected, ensure_ascii=False)}\nthis project: {json.dumps(actual, ensure_ascii=False)}")


def test_every_case_is_recorded() -> None:
    """A program's cases all have Pony's answer on every backend (run ``make parity-record``)."""
    missing = []
    for path in runner.program_paths():
        module_cases = {line.split("(")[0][4:] for line in path.read_text().splitlines() if line.startswith("def case_")}
        for backend in runner.BACKENDS:
            recorded = set(_expected(path.stem, backend))
            missing += [f"{path.stem}.{backend}: {c}" for c in sorted(module_cases - recorded)]
    assert not missing, "not recorded under pony 0.7.20:\n" + "\n".join(missing)
