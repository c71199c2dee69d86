"""The bytecode decompiler: the fallback that rebuilds a query's ast when its source is gone.

Round trips compile query-like expressions from strings that linecache does not know and
compare the decompiled tree with ``ast.parse`` of the original (tests/decompile_matrix.py holds
the corpus; it also runs under CPython 3.12 and 3.13 here).
"""

from __future__ import annotations

import ast
import itertools
import random
import subprocess
import sys
import warnings
from pathlib import Path

import decompile_matrix
import pytest

from pony.orm.errors import DecompileError
from pony.orm.translation.decompile import Decompiler, decompile_code
from tests.other_pythons import find_python

MATRIX_SCRIPT = Path(decompile_matrix.__file__)
OTHER_PYTHONS = {version: find_python(version) for version in ("3.12", "3.13")}


def code_of(source: str, name: str = "<genexpr>"):
    module = compile(f"q = {source}", "<string not in linecache>", "exec")
    return next(c for c in module.co_consts if getattr(c, "co_name", None) == name)


@pytest.mark.parametrize(("kind", "source"), decompile_matrix.all_cases(),
                         ids=[f"{kind}:{source[:60]}" for kind, source in decompile_matrix.all_cases()])
def test_round_trip(kind, source):
    assert decompile_matrix.CHECKS[kind](source) is None


@pytest.mark.parametrize("version", sorted(OTHER_PYTHONS))
def test_round_trip_on_other_interpreters(version):
    python = OTHER_PYTHONS[version]
    if python is None:
        pytest.skip(f"CPython {version} is not installed; the decompiler is untested there")
    result = subprocess.run([python, str(MATRIX_SCRIPT)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"python {version}" in result.stdout
    assert "cases round-trip" in result.stdout


# --- random boolean structure: decompiled code must behave like the original ----------------------

ATOMS = ["p.a", "p.b", "p.c", "1 < p.d < 3", "p.a is 0", "p.b in s"]


def random_expr(depth: int, rnd: random.Random) -> str:
    if depth == 0 or rnd.random() < 0.2:
        return rnd.choice(ATOMS)
    roll = rnd.random()
    if roll < 0.35:
        return f"({random_expr(depth - 1, rnd)} and {random_expr(depth - 1, rnd)})"
    if roll < 0.7:
        return f"({random_expr(depth - 1, rnd)} or {random_expr(depth - 1, rnd)})"
    if roll < 0.8:
        return f"(not {random_expr(depth - 1, rnd)})"
    return f"({random_expr(depth - 1, rnd)} if {random_expr(depth - 1, rnd)} else {random_expr(depth - 1, rnd)})"


class Row:
    def __init__(self, a, b, c, d):
        self.a, self.b, self.c, self.d = a, b, c, d


def test_random_conditions_and_values_behave_like_the_original():
    rnd = random.Random(20240611)
    rows = [Row(*values) for values in itertools.product([0, 1, 2], repeat=4)]
    templates = ["(p for p in X if {e})", "({e} for p in X)", "(f({e}, k={e2}) for p in X if {e2})",
                 "lambda p: {e}"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)  # `is 0`
        for _ in range(150):
            template = rnd.choice(templates)
            source = template.format(e=random_expr(3, rnd), e2=random_expr(2, rnd))
            original = eval(source, {"X": rows, "s": {1, 2}, "f": lambda *a, **k: (a, k)})
            code = code_of(source, "<lambda>" if source.startswith("lambda") else "<genexpr>")
            tree = decompile_code(code)
            rebuilt_source = ast.unparse(tree).replace(".0", "X")
            rebuilt = eval(rebuilt_source, {"X": rows, "s": {1, 2}, "f": lambda *a, **k: (a, k)})
            if source.startswith("lambda"):
                assert [original(r) for r in rows] == [rebuilt(r) for r in rows], (source, rebuilt_source)
            else:
                assert list(original) == list(rebuilt), (source, rebuilt_source)


# --- what the decompiler refuses, and how it says so ------------------------------------------------

@pytest.mark.parametrize("source", [
    "(x for p in Person if (x := p.a))",
    "(p for p in Person if [c for c in p.cars])",
    "(p for p in Person if {c: 1 for c in p.cars})",
])
def test_unsupported_code_raises_decompile_error_with_advice(source):
    with pytest.raises(DecompileError) as info:
        decompile_code(code_of(source))
    message = str(info.value)
    assert "Cannot decompile <genexpr>" in message
    assert "line 1" in message
    assert 'select("p for p in Person if p.age > 20")' in message
    assert "Put the query in a .py file" in message


def test_decompile_error_is_a_not_implemented_error():
    assert issubclass(DecompileError, NotImplementedError)
    import pony.orm.decompiling as compat
    assert compat.DecompileError is DecompileError


def test_list_comprehension_error_suggests_a_generator_expression():
    with pytest.raises(DecompileError, match="use a generator expression"):
        decompile_code(code_of("(p for p in Person if [c for c in p.cars])"))


def test_function_with_statements_is_refused():
    namespace: dict = {}
    exec(compile("def f(self):\n    x = self.a\n    return x\n", "<no source>", "exec"), namespace)
    with pytest.raises(DecompileError, match="assignments are not supported"):
        decompile_code(namespace["f"].__code__)


# --- shapes of the result ---------------------------------------------------------------------------

def test_generator_first_iterable_is_dot_zero():
    tree = Decompiler(code_of("(p.name for p in Person if p.age > 1)")).ast
    assert isinstance(tree, ast.GeneratorExp)
    assert ast.unparse(tree) == "(p.name for p in .0 if p.age > 1)"


def test_nested_generator_gets_its_iterable_from_the_outer_code():
    tree = decompile_code(code_of("(p for p in Person if exists(c for c in p.cars if c.x > y))"))
    inner = tree.generators[0].ifs[0].args[0]
    assert isinstance(inner, ast.GeneratorExp)
    assert ast.unparse(inner.generators[0].iter) == "p.cars"


def test_decompiled_tree_compiles():
    tree = decompile_code(code_of("(p.a if p.b else p.c for p in X if 1 < p.d < 3 or not p.e)"))
    compile(ast.Expression(body=tree), "<test>", "eval")


def test_compat_decompile_of_generator_lambda_and_code():
    from pony.orm.decompiling import decompile

    def make(limit):
        return (p.name for p in [] if p.age > limit), lambda p: p.age + limit

    gen, func = make(3)
    tree, names, cells = decompile(gen)
    assert isinstance(tree, ast.GeneratorExp)
    assert names == {".0", "limit"}
    assert cells == {}
    body, names, cells = decompile(func)
    assert ast.unparse(body) == "p.age + limit"
    assert names == {"p", "limit"}
    assert cells["limit"].cell_contents == 3
    tree, names, _ = decompile(gen.gi_code)
    assert ast.unparse(tree) == "(p.name for p in .0 if p.age > limit)"
    with pytest.raises(TypeError):
        decompile(42)


def test_interpreter_runs_the_matrix_script_standalone():
    result = subprocess.run([sys.executable, str(MATRIX_SCRIPT)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "cases round-trip" in result.stdout
