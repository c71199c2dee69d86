"""Code that is easy to carry on, checked by reading every module under pony/ with ``ast``:

1. no function or method is longer than 80 lines (from ``def`` to its last line);
2. no import cycle among pony's modules, imports inside functions included (a cycle that works
   only because one side imports lazily still ties the two modules together);
3. every public name that ``pony.orm`` exports has a docstring;
4. no module gives a SyntaxWarning (an invalid escape sequence becomes an error in a later CPython).
"""

from __future__ import annotations

import ast
import inspect
import types
import warnings

import pytest
from test_layering import MODULES, PONY_ROOT, Module, imported_modules

import pony.orm

MAX_FUNCTION_LINES = 80


def long_functions(tree: ast.AST, limit: int = MAX_FUNCTION_LINES) -> list[tuple[str, int, int]]:
    """(name, first line, length) of each function of ``tree`` longer than ``limit`` lines."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > limit:
                found.append((node.name, node.lineno, length))
    return found


def test_no_function_is_longer_than_80_lines():
    offenders = []
    for module in MODULES.values():
        tree = ast.parse(module.path.read_text(encoding="utf-8"), str(module.path))
        offenders += [f"pony/{module.rel}:{line} {name}: {length} lines" for name, line, length in long_functions(tree)]
    assert not offenders, f"functions longer than {MAX_FUNCTION_LINES} lines:\n" + "\n".join(offenders)


def test_length_check_counts_from_def_to_the_last_line():
    body = "\n".join(f"    x{i} = {i}" for i in range(80))
    assert long_functions(ast.parse(f"def short():\n{body[:-10]}\n")) == []
    assert long_functions(ast.parse(f"class C:\n    async def long(self):\n    {body.replace(chr(10), chr(10) + '    ')}\n")) \
        == [("long", 2, 81)]


def import_graph(modules: dict[str, Module]) -> dict[str, set[str]]:
    """Module name -> the pony modules it imports at run time (TYPE_CHECKING imports left out)."""
    graph = {}
    for module in modules.values():
        tree = ast.parse(module.path.read_text(encoding="utf-8"), str(module.path))
        graph[module.name] = {name for name, _ in imported_modules(module, tree) if name in modules} - {module.name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_import_cycles_among_pony_modules():
    found = cycles(import_graph(MODULES))
    assert not found, "import cycles (move what both sides need into a lower module):\n" + \
        "\n".join(" <-> ".join(component) for component in found)


def test_cycle_check_finds_a_cycle_through_several_modules():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def _documented(obj: object) -> bool:
    if inspect.isclass(obj) or inspect.isroutine(obj):
        return bool(obj.__dict__.get("__doc__") if inspect.isclass(obj) else obj.__doc__)
    return bool(type(obj).__doc__)  # an instance such as db_session: its class says what it is


def test_every_public_name_of_pony_orm_has_a_docstring():
    skipped = (str, int, float, bool, tuple, types.ModuleType, type(None))
    missing = [name for name in pony.orm.__all__
               if not isinstance(getattr(pony.orm, name), skipped) and not _documented(getattr(pony.orm, name))]
    assert not missing, "public names without a docstring: " + ", ".join(missing)


def test_docstring_check_does_not_inherit_from_a_base_class():
    class Documented:
        """Here."""

    class Bare(Documented):
        pass

    assert _documented(Documented) and not _documented(Bare)


def test_modules_compile_without_syntax_warnings():
    problems = []
    for module in MODULES.values():
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            try:
                compile(module.path.read_text(encoding="utf-8"), str(module.path), "exec", dont_inherit=True)
            except (SyntaxWarning, DeprecationWarning, SyntaxError) as exc:
                problems.append(f"pony/{module.rel}: {exc}")
    assert not problems, "\n".join(problems)


def test_syntax_warning_check_sees_an_invalid_escape():
    # a DeprecationWarning up to 3.11, a SyntaxWarning from 3.12 on; compile() reports either as a SyntaxError
    with warnings.catch_warnings(), pytest.raises(SyntaxError, match="invalid escape sequence"):
        warnings.simplefilter("error")
        compile('x = "\\d"', "<test>", "exec", dont_inherit=True)


def test_every_module_is_checked():
    assert len(MODULES) > 100 and all(m.path.is_relative_to(PONY_ROOT) for m in MODULES.values())
