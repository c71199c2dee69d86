"""The architecture rules of docs/architecture.md, checked by reading every module under pony/ with ``ast``.

1. A module imports only from its own layer or lower ones (imports under ``if TYPE_CHECKING:``
   do not count); ``translation/`` and ``session/`` are siblings and never import each other.
2. Only ``dbproviders/`` names a specific database in a comparison or condition.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

PONY_ROOT = Path(__file__).resolve().parent.parent / "pony"

# Layers, lowest first. Patterns are paths relative to pony/, matched in order (first wins).
LAYERS: list[tuple[str, int, str]] = [
    # (path prefix or exact file, level, layer name)
    ("__init__.py", 0, "L0 pony base"),
    ("options.py", 0, "L0 pony base"),
    ("utils", 0, "L0 pony base"),
    ("converting.py", 0, "L0 pony base"),
    ("py23compat.py", 0, "L0 pony base"),
    ("orm/errors.py", 0, "L0"),
    ("orm/types.py", 0, "L0"),
    ("orm/log.py", 0, "L0"),
    ("orm/debugging.py", 0, "L0"),
    ("orm/callers.py", 0, "L0"),
    ("orm/sql/", 1, "L1 sql"),
    ("orm/dbproviders/", 2, "L2 dbproviders"),
    ("orm/model/", 3, "L3 model"),
    ("orm/translation/", 4, "L4a translation"),
    ("orm/session/", 4, "L4b session"),
    ("orm/query/", 5, "L5 query"),
    ("orm/entity.py", 6, "L6"),
    ("orm/database.py", 6, "L6"),
    ("orm/urls.py", 6, "L6"),
    ("orm/routing.py", 6, "L6"),
    ("orm/database_mapping.py", 6, "L6"),
    ("orm/security.py", 6, "L6"),
    ("orm/core.py", 6, "L6"),
    ("orm/__init__.py", 6, "L6 public API"),
    ("orm/serialization.py", 7, "L7"),
    ("orm/integration/", 7, "L7"),
    ("orm/examples/", 7, "L7"),
    ("orm/aio/", 7, "L7 async API"),
    ("orm/tests/", 7, "L7"),
    ("flask/", 7, "L7"),
    ("orm/mypy.py", 7, "L7 mypy plugin"),
    ("orm/introspection/", 7, "L7 tools"),
    ("migrate/", 8, "L8 tools"),
    # Pony's old module names (SPEC 18), kept as thin re-exporting facades above everything.
    ("orm/ormtypes.py", 7, "L7 compat facade"),
    ("orm/dbapiprovider.py", 7, "L7 compat facade"),
    ("orm/dbschema.py", 7, "L7 compat facade"),
    ("orm/sqltranslation.py", 7, "L7 compat facade"),
    ("orm/sqlbuilding.py", 7, "L7 compat facade"),
    ("orm/asttranslation.py", 7, "L7 compat facade"),
    ("orm/decompiling.py", 7, "L7 compat facade"),
    # Command-line tools over the public API.
    ("inspect/", 8, "L8 tools"),
    ("diagram/", 8, "L8 tools"),
]

SIBLINGS = ("L4a translation", "L4b session")

# Names of databases that only dbproviders/ may test for (in identifiers or strings of a condition).
DB_NAME = re.compile(r"sqlite|postgres|mysql|mariadb|oracle|cockroach", re.IGNORECASE)
# A string that *is* a database name, anywhere (a dict keyed by dialect hides a check as well).
DB_LITERAL = re.compile(r"sqlite|postgres(ql)?|mysql|mariadb|oracle|cockroach(db)?", re.IGNORECASE)

# Code that may name databases: the providers themselves, and user-level code that binds to one.
EXEMPT = {
    "orm/dbproviders/": "the providers: the one place that knows each database",
    "orm/examples/": "example programs bind to a database like any user program",
    "flask/example/": "the Flask example app binds to a database like any user program",
    "orm/tests/": "Pony's test helpers (setup_database, only_for) select databases by name",
    "inspect/dialects/": "pony.inspect's catalog queries: one module per database, like the providers",
    "inspect/connection.py": "turns URL schemes and provider names into bind() arguments, as bind() validates them",
    "orm/introspection/": "reads each database's own catalog (one submodule per dialect)",
    "migrate/": "schema changes differ per dialect: ALTER syntax, transactional DDL, locks",
}

# (module path relative to pony/, the name found) -> why it is allowed.
DB_NAME_ALLOWED: dict[tuple[str, str], str] = {
    ("orm/database.py", name): "ON_CONNECT_PROVIDERS: on_connect(provider=) validates a provider name, "
                               "as Pony does; no behaviour depends on it"
    for name in ("sqlite", "postgres", "mysql", "oracle")
}


def is_exempt(rel: str) -> bool:
    return any(rel.startswith(prefix) for prefix in EXEMPT)


@dataclass(frozen=True)
class Module:
    name: str  # dotted: pony.orm.sql.ast
    path: Path
    rel: str  # relative to pony/: orm/sql/ast.py


def all_modules() -> dict[str, Module]:
    modules = {}
    for path in sorted(PONY_ROOT.rglob("*.py")):
        rel = path.relative_to(PONY_ROOT).as_posix()
        parts = ["pony", *rel[:-3].split("/")]
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = Module(".".join(parts), path, rel)
    return modules


MODULES = all_modules()


def layer_of(rel: str) -> tuple[int, str] | None:
    for prefix, level, name in LAYERS:
        if rel == prefix or (prefix.endswith("/") or "." not in prefix) and rel.startswith(prefix.rstrip("/") + "/"):
            return level, name
    return None


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or \
        (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _runtime_imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement except those under ``if TYPE_CHECKING:``."""
    found: list[ast.Import | ast.ImportFrom] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def imported_modules(module: Module, tree: ast.AST) -> list[tuple[str, int]]:
    """The pony modules ``module`` imports at run time, as (dotted name, line)."""
    package = module.name if module.path.name == "__init__.py" else module.name.rpartition(".")[0]
    targets = []
    for node in _runtime_imports(tree):
        if isinstance(node, ast.Import):
            targets += [(alias.name, node.lineno) for alias in node.names]
            continue
        if node.level:
            base_parts = package.split(".")
            base_parts = base_parts[:len(base_parts) - node.level + 1]
            base = ".".join(base_parts + ([node.module] if node.module else []))
        else:
            base = node.module or ""
        for alias in node.names:
            sub = f"{base}.{alias.name}"
            targets.append((sub if sub in MODULES else base, node.lineno))
    return [(name, line) for name, line in targets if name == "pony" or name.startswith("pony.")]


def test_every_module_has_a_layer():
    unmapped = [m.rel for m in MODULES.values() if layer_of(m.rel) is None]
    assert not unmapped, f"add these modules to LAYERS in tests/test_layering.py: {unmapped}"


def _import_violations() -> list[str]:
    problems = []
    for module in MODULES.values():
        own = layer_of(module.rel)
        if own is None:
            continue
        tree = ast.parse(module.path.read_text(encoding="utf-8"), str(module.path))
        for target_name, line in imported_modules(module, tree):
            target = MODULES.get(target_name)
            if target is None:
                # e.g. ``import pony.orm.missing``: the import itself would fail elsewhere
                continue
            theirs = layer_of(target.rel)
            if theirs is None:
                continue
            where = f"pony/{module.rel}:{line} ({own[1]}) imports {target_name} ({theirs[1]})"
            if theirs[0] > own[0]:
                problems.append(f"{where}: a higher layer")
            elif own[1] != theirs[1] and {own[1], theirs[1]} == set(SIBLINGS):
                problems.append(f"{where}: translation/ and session/ must not import each other")
    return problems


def test_imports_go_only_down():
    problems = _import_violations()
    assert not problems, "layering violations:\n" + "\n".join(problems)


def _condition_nodes(tree: ast.AST) -> list[ast.AST]:
    """Expressions whose value decides control flow or compares: where a dialect check would hide."""
    nodes: list[ast.AST] = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.If, ast.While, ast.IfExp, ast.Assert)):
            nodes.append(node.test)
        elif isinstance(node, ast.comprehension):
            nodes.extend(node.ifs)
        elif isinstance(node, (ast.Compare, ast.BoolOp)):
            nodes.append(node)
        elif isinstance(node, ast.Match):
            nodes.append(node.subject)
            nodes.extend(case.pattern for case in node.cases)
    return nodes


def _names_in(node: ast.AST) -> set[str]:
    names = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
            names.add(sub.value)
        elif isinstance(sub, ast.Name):
            names.add(sub.id)
        elif isinstance(sub, ast.Attribute):
            names.add(sub.attr)
    return names


def _dialect_checks() -> list[str]:
    problems = []
    for module in MODULES.values():
        if is_exempt(module.rel):
            continue
        tree = ast.parse(module.path.read_text(encoding="utf-8"), str(module.path))
        for cond in _condition_nodes(tree):
            for name in sorted(_names_in(cond)):
                if DB_NAME.search(name) and (module.rel, name) not in DB_NAME_ALLOWED:
                    problems.append(f"pony/{module.rel}:{getattr(cond, 'lineno', '?')} tests for {name!r}")
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and DB_LITERAL.fullmatch(node.value) and (module.rel, node.value) not in DB_NAME_ALLOWED:
                problems.append(f"pony/{module.rel}:{node.lineno} names the database {node.value!r}")
    return sorted(set(problems))


def test_only_dbproviders_name_a_database():
    problems = _dialect_checks()
    assert not problems, ("code outside dbproviders/ checks which database it runs on; use a capability "
                          "flag or a provider method instead:\n" + "\n".join(problems))


def test_allow_list_entries_are_still_used():
    """A stale allow-list entry would silently permit a future dialect check."""
    for rel, name in DB_NAME_ALLOWED:
        path = PONY_ROOT / rel
        assert path.exists(), f"allow-list names a missing module pony/{rel}"
        tree = ast.parse(path.read_text(encoding="utf-8"))
        used = {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)}
        used |= {n for cond in _condition_nodes(tree) for n in _names_in(cond)}
        assert name in used, f"allow-list entry {name!r} is no longer used in pony/{rel}"


# --- the checker itself must catch what it is meant to catch ----------------------------------

def _check_source(rel: str, source: str) -> tuple[list[str], list[str]]:
    """Run both rules on a made-up module at ``pony/<rel>``."""
    module = Module("pony." + rel[:-3].replace("/", "."), PONY_ROOT / rel, rel)
    tree = ast.parse(source)
    own = layer_of(rel)
    assert own is not None
    imports = []
    for target_name, _ in imported_modules(module, tree):
        target = MODULES.get(target_name)
        if target is not None and layer_of(target.rel) is not None and layer_of(target.rel)[0] > own[0]:
            imports.append(target_name)
    names = [n for cond in _condition_nodes(tree) for n in _names_in(cond) if DB_NAME.search(n)]
    names += [node.value for node in ast.walk(tree)
              if isinstance(node, ast.Constant) and isinstance(node.value, str) and DB_LITERAL.fullmatch(node.value)]
    return imports, names


@pytest.mark.parametrize("rel, source, bad_import", [
    ("orm/sql/x.py", "from ..database import Database", "pony.orm.database"),
    ("orm/sql/x.py", "from pony.orm import database", "pony.orm.database"),
    ("orm/errors.py", "def f():\n    from .session import db_session", "pony.orm.session.db_session"),
    ("orm/model/x.py", "import pony.orm.query.raw", "pony.orm.query.raw"),
])
def test_checker_flags_upward_imports(rel, source, bad_import):
    imports, _ = _check_source(rel, source)
    assert bad_import in imports


def test_checker_allows_type_checking_imports_and_downward_imports():
    source = ("from typing import TYPE_CHECKING\nfrom .. import errors\nfrom ..sql import ast\n"
              "if TYPE_CHECKING:\n    from ..database import Database\n")
    assert _check_source("orm/model/x.py", source) == ([], [])


@pytest.mark.parametrize("source", [
    "if provider.dialect == 'PostgreSQL': pass",
    "x = 1 if name in ('sqlite', 'mysql') else 2",
    "while is_oracle: pass",
    "if isinstance(p, CockroachProvider): pass",
    "QUOTES = {'mysql': '`'}",
])
def test_checker_flags_dialect_checks(source):
    _, names = _check_source("orm/query/x.py", source)
    assert names


def test_checker_flags_sibling_imports():
    module = Module("pony.orm.session.x", PONY_ROOT / "orm/session/x.py", "orm/session/x.py")
    targets = [name for name, _ in imported_modules(module, ast.parse("from ..translation import capture"))]
    assert targets and all(name.startswith("pony.orm.translation") for name in targets)
    assert {layer_of("orm/session/x.py")[1], layer_of("orm/translation/capture.py")[1]} == set(SIBLINGS)
