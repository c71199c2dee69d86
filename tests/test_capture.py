"""Capturing a query: the ast as written, its source text, a cache key and its outside values."""

from __future__ import annotations

import ast
import importlib
import linecache
import sys
import textwrap

import pytest

from pony.orm.errors import ExprEvalError, TranslationError
from pony.orm.translation.capture import MISSING, capture, eval_in_scope

PEOPLE = ["ann", "bob"]
THRESHOLD = 10


def dump(node: ast.AST) -> str:
    return ast.dump(node)


def parsed(source: str) -> ast.expr:
    return ast.parse(source, mode="eval").body


# --- generator expressions read from source ---------------------------------------------------------

def test_generator_tree_and_source_are_as_written():
    q = capture(p.upper() for p in PEOPLE if len(p) > THRESHOLD)
    assert q.kind == "generator"
    assert q.from_source
    assert q.source == "(p.upper() for p in PEOPLE if len(p) > THRESHOLD)"
    assert dump(q.tree) == dump(parsed("(p.upper() for p in PEOPLE if len(p) > THRESHOLD)"))


def test_first_iterable_is_the_evaluated_dot_zero():
    q = capture(p for p in PEOPLE)
    assert list(q.first_iter) == ["ann", "bob"]
    assert "PEOPLE" not in q.names_used  # already evaluated by the caller


def test_first_iterable_may_be_any_expression_of_the_caller():
    def query(owner):
        return capture(c for c in owner["cars"] if c > 1)

    q = query({"cars": [1, 2, 3]})
    assert list(q.first_iter) == [1, 2, 3]
    assert q.names_used == ()


def test_several_generators_on_one_line_get_their_own_source():
    a, b, c = capture(p for p in PEOPLE if p), capture(p for p in PEOPLE if not p), capture(x for x in "ab")
    assert a.source == "(p for p in PEOPLE if p)"
    assert b.source == "(p for p in PEOPLE if not p)"
    assert c.source == '(x for x in "ab")'
    assert len({a.code_key, b.code_key, c.code_key}) == 3


def test_identical_generators_on_one_line_are_distinguished_by_position():
    a, b = capture(p for p in PEOPLE), capture(p for p in PEOPLE)
    assert a.source == b.source == "(p for p in PEOPLE)"
    assert a.code_key is not b.code_key
    assert a.tree.col_offset != b.tree.col_offset


def test_multi_line_generator():
    q = capture(p.upper()
                for p in PEOPLE
                if p.startswith("a")
                and len(p) < THRESHOLD)
    assert q.from_source
    assert q.source.startswith("(p.upper()\n")
    assert q.source.endswith("and len(p) < THRESHOLD)")
    assert dump(q.tree) == dump(parsed(q.source))
    assert q.names_used == ("len", "THRESHOLD")


def test_nested_generators_and_lambdas_bind_their_own_names():
    q = capture(p for p in PEOPLE if any(c == p[0] for c in p) and sorted(p, key=lambda ch: ch != p)
                and THRESHOLD)
    assert q.names_used == ("any", "sorted", "THRESHOLD")
    inner = q.tree.generators[0].ifs[0].values[0].args[0]
    assert isinstance(inner, ast.GeneratorExp)
    assert q.source_of(inner) == "(c == p[0] for c in p)"


def test_several_for_clauses_bind_every_target():
    q = capture((p, c) for p in PEOPLE for c in p if c != sep)
    assert q.names_used == ("sep",)
    assert [ast.unparse(g.target) for g in q.tree.generators] == ["p", "c"]


sep = "-"


def test_closure_variables_and_globals_and_builtins():
    local_limit = 5

    def inner():
        return capture(p for p in PEOPLE if len(p) < local_limit and p != sep)

    q = inner()
    assert q.names_used == ("len", "local_limit", "sep")
    assert q.values() == {"len": len, "local_limit": 5, "sep": "-"}
    assert q.lookup("len") is len


def test_closure_value_is_read_when_looked_up():
    def make():
        q = capture(p for p in PEOPLE if p == late)
        late = "assigned after the generator was created"
        return q, late

    q, late = make()
    assert q.lookup("late") == late


def test_unassigned_free_variable_raises_name_error():
    def make():
        q = capture(p for p in PEOPLE if p == never)  # noqa: F821 - bound below
        return q
        never = 1  # noqa: F841 - makes `never` a cell that is never set

    with pytest.raises(NameError, match="never"):
        make().lookup("never")


def test_unknown_global_raises_name_error():
    q = capture(p for p in PEOPLE if p == undefined_name)  # noqa: F821
    with pytest.raises(NameError, match="name 'undefined_name' is not defined"):
        q.values()


def test_capture_is_cached_per_code_object():
    seen = []
    for x in ("a", "b"):
        q = capture(p for p in PEOPLE if p > x)
        seen.append((q.query, q.code_key, q.lookup("x")))
    assert seen[0][0] is seen[1][0]  # the parsed query is shared...
    assert seen[0][1] is seen[1][1]
    assert [value for _, _, value in seen] == ["a", "b"]  # ...the values are per call


class Library:
    books = ["b1", "b2"]

    def titles(self, prefix):
        return capture(b for b in self.books if b.startswith(prefix))

    @classmethod
    def factory(cls):
        def nested(limit):
            return capture(b for b in cls.books if len(b) < limit)
        return nested(3)


def test_generators_in_methods_and_functions_inside_classes():
    q = Library().titles("b")
    assert q.source == "(b for b in self.books if b.startswith(prefix))"
    assert q.values() == {"prefix": "b"}
    assert list(q.first_iter) == ["b1", "b2"]
    nested = Library.factory()
    assert nested.source == "(b for b in cls.books if len(b) < limit)"
    assert nested.values() == {"len": len, "limit": 3}


def test_generator_function_and_used_generator_are_rejected():
    def gen():
        yield 1

    with pytest.raises(TypeError, match="generator expression"):
        capture(gen())
    used = (p for p in PEOPLE)
    list(used)
    with pytest.raises(TypeError, match="already been used"):
        capture(used)
    with pytest.raises(TypeError):
        capture(42)


# --- lambdas and single-expression functions --------------------------------------------------------

def test_lambda_tree_source_and_scope():
    limit = 3
    q = capture(lambda p: len(p) > limit)
    assert q.kind == "lambda"
    assert q.from_source
    assert q.source == "lambda p: len(p) > limit"
    assert dump(q.tree) == dump(parsed("lambda p: len(p) > limit"))
    assert q.names_used == ("len", "limit")
    assert q.values() == {"len": len, "limit": 3}
    assert q.first_iter is MISSING


def test_several_lambdas_on_one_line():
    a, b = capture(lambda p: p.x), capture(lambda p: p.y)
    assert (a.source, b.source) == ("lambda p: p.x", "lambda p: p.y")


def test_lambda_inside_lambda():
    outer = lambda: (lambda k: k + 1)  # noqa: E731
    assert capture(outer).source == "lambda: (lambda k: k + 1)"
    assert capture(outer()).source == "lambda k: k + 1"


def test_lambda_default_arguments():
    q = capture(lambda p, minimum=THRESHOLD, *, flag=True: p > minimum and flag)
    assert q.defaults == {"minimum": 10, "flag": True}
    assert q.names_used == ()


class Person:
    def __init__(self, first, last):
        self.first, self.last = first, last

    def full_name(self, sep=" "):
        """Used inside queries."""
        return self.first + sep + self.last

    @property
    def initials(self):
        return self.first[0] + self.last[0]

    def two_statements(self):
        name = self.first
        return name


def test_single_return_functions_become_lambdas():
    q = capture(Person.full_name)
    assert q.kind == "function"
    assert isinstance(q.tree, ast.Lambda)
    assert ast.unparse(q.tree) == "lambda self, sep=' ': self.first + sep + self.last"
    assert q.source.startswith("def full_name(self, sep=\" \"):")
    assert q.defaults == {"sep": " "}
    assert ast.unparse(capture(Person.initials).tree) == "lambda self: self.first[0] + self.last[0]"
    assert capture(Person("a", "b").full_name).code_key is Person.full_name.__code__


def test_function_with_several_statements_is_refused():
    with pytest.raises(TranslationError, match="single `return <expression>`"):
        capture(Person.two_statements)


# --- text queries -----------------------------------------------------------------------------------

def test_text_generator():
    q = capture("p for p in PEOPLE if len(p) > limit", globals(), {"limit": 2})
    assert q.kind == "text"
    assert isinstance(q.tree, ast.GeneratorExp)
    assert q.source == "p for p in PEOPLE if len(p) > limit"
    assert q.code_key == "p for p in PEOPLE if len(p) > limit"
    assert q.names_used == ("PEOPLE", "len", "limit")
    assert q.values() == {"PEOPLE": PEOPLE, "len": len, "limit": 2}
    assert q.source_of(q.tree.generators[0].ifs[0]) == "len(p) > limit"


def test_text_lambda_and_plain_expression():
    q = capture("lambda p: p.age > 1")
    assert isinstance(q.tree, ast.Lambda)
    assert q.names_used == ()
    q = capture("  p.age > minimum ", {"minimum": 4})
    assert dump(q.tree) == dump(parsed("p.age > minimum"))
    assert q.names_used == ("p", "minimum")
    assert q.lookup("minimum") == 4
    with pytest.raises(NameError):
        q.lookup("p")


def test_text_is_parsed_once():
    assert capture("p for p in PEOPLE").query is capture("p for p in PEOPLE").query


def test_invalid_text_raises_syntax_error():
    with pytest.raises(SyntaxError):
        capture("p for p in")


# --- eval_in_scope ----------------------------------------------------------------------------------

def test_eval_in_scope_folds_outside_expressions():
    factor = 3

    def query():
        return capture(p for p in PEOPLE if len(p) > factor * 2 + THRESHOLD)

    q = query()
    sub = q.tree.generators[0].ifs[0].comparators[0]
    assert q.source_of(sub) == "factor * 2 + THRESHOLD"
    assert eval_in_scope(sub, q) == 16
    assert eval_in_scope("factor - 1", q) == 2


def test_eval_in_scope_error_names_the_expression():
    zero = 0
    q = capture(p for p in PEOPLE if p == 1 / zero)
    sub = q.tree.generators[0].ifs[0].comparators[0]
    with pytest.raises(ExprEvalError) as info:
        eval_in_scope(sub, q)
    assert str(info.value) == "`1 / zero` raises ZeroDivisionError: division by zero"
    assert isinstance(info.value.cause, ZeroDivisionError)


def test_eval_in_scope_with_nested_scopes_sees_closure_variables():
    step = 2
    values = [1, 2, 3]
    q = capture(p for p in PEOPLE if len(p) > sum(v * step for v in values))
    sub = q.tree.generators[0].ifs[0].comparators[0]
    assert eval_in_scope(sub, q) == 12


def test_eval_in_scope_of_text_uses_given_scopes():
    q = capture("p for p in X if p > a + b", {"a": 1}, {"b": 2})
    assert eval_in_scope(q.tree.generators[0].ifs[0].comparators[0], q) == 3
    with pytest.raises(ExprEvalError, match="`c` raises NameError"):
        eval_in_scope("c", q)


# --- where the source comes from --------------------------------------------------------------------

def run(source: str, filename: str, namespace: dict | None = None) -> dict:
    namespace = {} if namespace is None else namespace
    exec(compile(textwrap.dedent(source), filename, "exec"), namespace)
    return namespace


def test_code_without_source_is_decompiled():
    ns = run("def query(limit):\n    return (p for p in X if p > limit)\n", "<no such file>", {"X": [1]})
    q = capture(ns["query"](4))
    assert not q.from_source
    assert q.source == "(p for p in .0 if p > limit)"
    assert q.values() == {"limit": 4}
    assert list(q.first_iter) == [1]
    assert q.source_of(q.tree.generators[0].ifs[0]) == "p > limit"


def test_lambda_without_source_is_decompiled_with_defaults():
    ns = run("f = lambda p, k=5: p.a > k + z\n", "<no such file 2>", {"z": 1})
    q = capture(ns["f"])
    assert not q.from_source
    assert q.source == "lambda p, k=5: p.a > k + z"
    assert q.defaults == {"k": 5}
    assert q.values() == {"z": 1}


def test_source_registered_in_linecache_is_used():
    # how IPython cells and the 3.13 REPL make their source available
    filename = "<ipython-input-7-capture-test>"
    source = "def query():\n    return (p  for  p in X if p)  # odd spacing survives\n"
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    try:
        q = capture(run(source, filename, {"X": []})["query"]())
    finally:
        del linecache.cache[filename]
    assert q.from_source
    assert q.source == "(p  for  p in X if p)"


def test_edited_file_falls_back_to_bytecode(tmp_path, monkeypatch):
    module = tmp_path / "capture_edited_module.py"
    module.write_text("def query(X, y):\n    return (p for p in X if p.a > y)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    mod = importlib.import_module("capture_edited_module")
    try:
        module.write_text("def query(X, y):\n    return (p for p in X if p.b < y)\n")
        linecache.checkcache(str(module))
        q = capture(mod.query([], 1))
        assert not q.from_source  # the file no longer matches the running code
        assert q.source == "(p for p in .0 if p.a > y)"
    finally:
        sys.modules.pop("capture_edited_module", None)


def test_source_inside_a_zip_import_is_read_through_the_loader(tmp_path, monkeypatch):
    import zipfile
    archive = tmp_path / "queries.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("capture_zipped_module.py", "def query(X, y):\n    return (p for p in X if p.a > y)\n")
    monkeypatch.syspath_prepend(str(archive))
    try:
        mod = importlib.import_module("capture_zipped_module")
        q = capture(mod.query([], 1))
        assert q.from_source
        assert q.source == "(p for p in X if p.a > y)"
    finally:
        sys.modules.pop("capture_zipped_module", None)


def test_equal_code_in_two_files_keeps_each_files_source():
    # code objects compare equal when only co_filename differs
    source = "def query(X, y):\n    return (p for p in X if p.a > y)\n"
    known, unknown = "<capture-test-known-file>", "<capture-test-unknown-file>"
    linecache.cache[known] = (len(source), None, source.splitlines(keepends=True), known)
    try:
        from_unknown = capture(run(source, unknown)["query"]([], 1))
        from_known = capture(run(source, known)["query"]([], 1))
    finally:
        del linecache.cache[known]
    assert from_unknown.code_key == from_known.code_key
    assert not from_unknown.from_source
    assert from_known.from_source
    assert from_known.source == "(p for p in X if p.a > y)"
