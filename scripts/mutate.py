"""``make mutate``: how many small deliberate bugs the test suite catches (mutation testing).

Every mutation point of the target packages is listed (an AST-level change: a comparison or boolean
operator flipped, ``not`` dropped, a constant changed, ``+``/``-`` swapped, a call statement removed);
a seeded random sample of N of them is taken (the seed-1 sample of 300 is pinned in
scripts/mutate_sample.json and found again by content, so fixes to pony/ do not redraw it). First
the package tests run once under coverage, on every backend, with one coverage context per test
(scripts/mutate_contexts.py): that records which tests, backend variants included, execute each
line. Each mutant is then applied alone to a copy of the project (the working tree is never
changed) and exactly the tests that executed any line of its statement run against the copy
(``pytest -x``; all the package's test files when the line also runs at import time). The mutant is
*killed* when they fail or time out; a statement no test executes is a survivor without a run
("unreached"). The report gives the kill rate per package and lists every surviving mutant, the
places where a bug would go unnoticed.

    python scripts/mutate.py [-n 300] [--seed 1] [--packages sql,translation] [--backends sqlite] [--jobs 2]
    python scripts/mutate.py --only pony/orm/session/flush.py:290   # rerun chosen mutants of the sample
    python scripts/mutate.py --only pony/orm/session/flush.py:290 --against tests/test_flush_batching.py

Own script rather than mutmut or cosmic-ray: neither takes a seeded random sample of the mutants of a
whole package set as a first-class option, and running only the tests that reach a line on the
backends that reach it (mutmut 3 selects tests by coverage too, but knows nothing of backends) keeps a
sample of 300 within about an hour on two cores. Needs only coverage (in the dev extra).
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import os
import queue
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import coverage

ROOT = Path(__file__).resolve().parent.parent
QUERY_TESTS = [
    "test_query_aggregates.py", "test_query_api.py", "test_query_arrays.py", "test_query_backslash_constants.py",
    "test_query_basics.py", "test_query_cache.py", "test_query_empty_in.py", "test_query_extras.py",
    "test_query_left_join.py", "test_query_operators.py", "test_query_prefetch.py", "test_query_strings_dates.py",
    "test_query_forms.py", "test_query_values.py", "test_query_wrong_results.py", "test_query_errors_parity.py",
    "test_long_in_lists.py", "test_reliability_ii.py", "test_oracle_regressions.py", "test_cold_queries.py",
    "test_parity.py", "test_translation_edges.py", "test_translation_values_edges.py", "test_sql_query_edges.py",
    "test_query_api_edges.py", "test_oracle.py", "test_hostile_input.py", "test_prefetch_join.py",
    "test_prepared_selects.py", "test_row_reading.py", "test_to_dict_rows.py",
]
SESSION_TESTS = [
    "test_sessions.py", "test_instances.py", "test_relationships.py", "test_collections.py", "test_flush_batching.py",
    "test_optimistic.py", "test_locking.py", "test_hooks.py", "test_batch_loading.py", "test_inheritance.py",
    "test_savepoints.py", "test_streaming.py", "test_async.py", "test_bulk_update.py", "test_upsert.py",
    "test_session_edges.py", "test_session_objects_edges.py", "test_session_changes_edges.py",
    "test_session_loading_edges.py", "test_proxies.py", "test_replicas.py", "test_mysql_writes.py",
    "test_mysql_reads.py", "test_serialization.py", "test_pickling.py", "test_errors_wrapping.py",
    "test_prefetch_join.py", "test_prepared_selects.py", "test_row_reading.py", "test_to_dict_rows.py",
]
COMPILER_TESTS = [*QUERY_TESTS, "test_quoted_names.py", "test_schema_ddl.py", "test_raw_sql.py", "test_providers.py"]
# package label -> (source files relative to the root, its test files). The tests run on every backend
# (--backends): a mutant is run against exactly the tests, backend variants included, that reach its line.
PACKAGES: dict[str, tuple[list[str], list[str]]] = {
    "sql": (["pony/orm/sql"], [*COMPILER_TESTS, "test_bulk.py"]),
    "translation": (["pony/orm/translation"], [*QUERY_TESTS, "test_decompile.py", "test_capture.py"]),
    "session": (["pony/orm/session"], SESSION_TESTS),
    "query": (["pony/orm/query"], [*QUERY_TESTS, "test_bulk.py", "test_raw_sql.py", "test_show.py",
                                   "test_bulk_update.py", "test_upsert.py", "test_streaming.py"]),
    **{f"compiler/{name}": ([f"pony/orm/dbproviders/{name}/compiler.py"], COMPILER_TESTS)
       for name in ("sqlite", "postgres", "mysql")},
    # Oracle and CockroachDB have no server here: their compilers are checked by the offline tests only.
    **{f"compiler/{name}": ([f"pony/orm/dbproviders/{name}/compiler.py"],
                            ["test_providers.py", "test_providers_offline.py"])
       for name in ("oracle", "cockroach")},
}
ALL_BACKENDS = "sqlite,postgres,mysql"
# The sample, pinned: found again by content at later commits, so that a fix to pony/ does not draw
# a new sample (random.sample over a list of another length picks other mutants everywhere).
PIN_FILE = ROOT / "scripts" / "mutate_sample.json"


@dataclass(frozen=True)
class Mutant:
    package: str
    path: str  # relative to the root
    lineno: int
    col: int
    end_lineno: int
    end_col: int
    operator: str
    original: str
    replacement: str
    # Lines of the statement holding the mutant (the head only, for if/for/while/def...): coverage
    # records a multi-line statement under some of its lines only (often the first), not the mutant's.
    statement_lines: tuple[int, int] = field(default=(0, 0), compare=False)

    def describe(self) -> str:
        return f"{self.path}:{self.lineno}: {self.operator}: {self.original!r} -> {self.replacement!r}"


# --- listing mutation points ---------------------------------------------------------------------

COMPARE_SWAPS = {ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE,
                 ast.GtE: ast.Gt, ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot, ast.IsNot: ast.Is}
BINOP_SWAPS = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.FloorDiv, ast.FloorDiv: ast.Mult}


def _untouchable_nodes(tree: ast.AST) -> set[int]:
    """Docstrings and the parts of f-strings, which a textual replacement cannot rewrite."""
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            ids.update(id(part) for part in ast.walk(node))
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


def _variants(node: ast.AST, untouchable: set[int]) -> list[tuple[str, str]]:
    """(operator name, replacement source) for each mutation of ``node`` itself."""
    out: list[tuple[str, str]] = []
    if id(node) in untouchable:
        return out
    if isinstance(node, ast.Compare):
        for i, op in enumerate(node.ops):
            swapped = COMPARE_SWAPS.get(type(op))
            if swapped is not None:
                ops = list(node.ops)
                ops[i] = swapped()
                out.append(("compare", ast.unparse(ast.Compare(node.left, ops, node.comparators))))
    elif isinstance(node, ast.BoolOp):
        other = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        out.append(("boolop", ast.unparse(ast.BoolOp(other, node.values))))
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        out.append(("drop-not", ast.unparse(node.operand)))
    elif isinstance(node, ast.BinOp) and type(node.op) in BINOP_SWAPS:
        out.append(("arith", ast.unparse(ast.BinOp(node.left, BINOP_SWAPS[type(node.op)](), node.right))))
    elif isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool):
            out.append(("constant", repr(not value)))
        elif isinstance(value, int):
            out.append(("constant", repr(value + 1)))
        elif isinstance(value, str) and value:
            out.append(("constant", repr("XX" + value)))
    elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        out.append(("drop-call", "pass"))
    return out


def _statement_heads(tree: ast.AST) -> dict[int, tuple[int, int]]:
    """For each node id, the line span of its innermost statement (up to the body of a compound one)."""
    spans: dict[int, tuple[int, int]] = {}

    def visit(node: ast.AST, span: tuple[int, int]) -> None:
        if isinstance(node, ast.stmt):
            bodies = [child for name in ("body", "orelse", "finalbody", "handlers")
                      for child in getattr(node, name, []) if isinstance(child, (ast.stmt, ast.excepthandler))]
            first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
            last = min(b.lineno for b in bodies) - 1 if bodies else node.end_lineno or node.lineno
            span = (first, max(first, last))
        spans[id(node)] = span
        for child in ast.iter_child_nodes(node):
            visit(child, span)

    visit(tree, (0, 0))
    return spans


def list_mutants(package: str, path: Path) -> list[Mutant]:
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    untouchable = _untouchable_nodes(tree)
    heads = _statement_heads(tree)
    rel = str(path.relative_to(ROOT))
    mutants = []
    for node in ast.walk(tree):
        if not hasattr(node, "end_lineno") or node.end_lineno is None:
            continue
        for operator, replacement in _variants(node, untouchable):
            original = ast.get_source_segment(source, node) or ""
            mutants.append(Mutant(package, rel, node.lineno, node.col_offset, node.end_lineno, node.end_col_offset,
                                  operator, original.split("\n")[0][:80], replacement, heads[id(node)]))
    return mutants


def all_mutants(packages: list[str]) -> list[Mutant]:
    result = []
    for package in packages:
        for entry in PACKAGES[package][0]:
            target = ROOT / entry
            for path in sorted(target.rglob("*.py")) if target.is_dir() else [target]:
                result.extend(list_mutants(package, path))
    return result


# --- the sample ----------------------------------------------------------------------------------

def mutant_keys(mutants: list[Mutant]) -> dict[Mutant, tuple]:
    """Each mutant named by content, not line: (path, operator, original, replacement, k), where k
    counts the mutants before it in its file with the same text."""
    seen: Counter = Counter()
    keys = {}
    for mutant in sorted(mutants, key=lambda m: (m.path, m.lineno, m.col)):
        base = (mutant.path, mutant.operator, mutant.original, mutant.replacement)
        keys[mutant] = (*base, seen[base])
        seen[base] += 1
    return keys


def _seeded_draw(mutants: list[Mutant], n: int, seed: int) -> list[Mutant]:
    return random.Random(seed).sample(mutants, min(n, len(mutants)))


def _read_pin(n: int, seed: int, packages: list[str]) -> dict | None:
    """The pin file's contents when it is for this seed, size and package set."""
    if not PIN_FILE.exists():
        return None
    pin = json.loads(PIN_FILE.read_text(encoding="utf-8"))
    return pin if (pin["seed"], pin["n"], pin["packages"]) == (seed, n, packages) else None


def draw_sample(mutants: list[Mutant], n: int, seed: int, packages: list[str]) -> tuple[list[Mutant], str]:
    """The pinned sample when the pin file is for this seed, size and package set (its mutants that no
    longer exist are replaced by seeded draws); otherwise a seeded draw. Also says which it is."""
    pin = _read_pin(n, seed, packages)
    if pin is None:
        return _seeded_draw(mutants, n, seed), f"seed {seed}"
    keys = mutant_keys(mutants)
    by_key = {key: mutant for mutant, key in keys.items()}
    sample = [by_key[tuple(key)] for key in pin["mutants"] if tuple(key) in by_key]
    refill: list[Mutant] = []
    if len(sample) < n:
        # replacements in an order that depends on each mutant's content only, so they stay the
        # same while the code elsewhere changes
        taken = set(sample)
        refill = sorted((m for m in mutants if m not in taken),
                        key=lambda m: hashlib.sha256(repr((seed, keys[m])).encode()).hexdigest())[: n - len(sample)]
    return sample + refill, (f"seed {seed}, pinned at {pin['commit']} in {PIN_FILE.name}; "
                             f"{len(refill)} no longer found, replaced by seeded draws")


def write_pin(mutants: list[Mutant], n: int, seed: int, packages: list[str]) -> None:
    """Pin a fresh seeded draw of the current code (with the commit of the last change to pony/)."""
    keys = mutant_keys(mutants)
    commit = subprocess.run(["git", "log", "-1", "--format=%h", "--", "pony"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    PIN_FILE.write_text(json.dumps({"seed": seed, "n": n, "packages": packages, "commit": commit,
                                    "mutants": [keys[m] for m in _seeded_draw(mutants, n, seed)]},
                                   indent=0) + "\n", encoding="utf-8")


# --- applying and running ------------------------------------------------------------------------

def mutated_source(source: str, mutant: Mutant) -> str | None:
    """``source`` with the mutant's node replaced, or None when the result does not compile."""
    lines = source.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line.encode("utf-8")))
    data = source.encode("utf-8")
    begin = starts[mutant.lineno - 1] + mutant.col
    end = starts[mutant.end_lineno - 1] + mutant.end_col
    replacement = mutant.replacement if mutant.operator == "drop-call" else f"({mutant.replacement})"
    text = (data[:begin] + replacement.encode("utf-8") + data[end:]).decode("utf-8")
    try:
        compile(text, mutant.path, "exec")
    except SyntaxError:
        return None
    return text


def make_copy() -> Path:
    copy = Path(tempfile.mkdtemp(prefix="pony-mutate-"))
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".venv*", ".git", "bench")
    for name in ("pony", "tests", "docs", "pyproject.toml"):
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, copy / name, **(
            {"ignore": ignore} if src.is_dir() else {}))
    return copy


def _test_env(copy: Path, backends: str) -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=f"{copy}{os.pathsep}{ROOT / 'scripts'}", PONY_BACKENDS=backends,
                PYTHONDONTWRITEBYTECODE="1")


def run_tests(copy: Path, targets: list[str], backends: str, timeout: float) -> tuple[str, float]:
    """'passed', 'failed' or 'timeout' for the test files or node ids on ``backends``, and the seconds."""
    started = time.monotonic()
    try:
        proc = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *targets],
                              cwd=copy, env=_test_env(copy, backends), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "timeout", time.monotonic() - started
    return ("passed" if proc.returncode == 0 else "failed"), time.monotonic() - started


def test_files(copy: Path, tests: Iterable[str]) -> list[str]:
    return [f"tests/{name}" for name in tests if (copy / "tests" / name).exists()]


# --- which tests reach which line ----------------------------------------------------------------

@dataclass
class LineTests:
    """For each source file and line, the node ids of the tests that executed it, and each test's time."""

    by_line: dict[str, dict[int, set[str]]]
    durations: dict[str, float]

    def reaching(self, mutant: Mutant, files: list[str]) -> set[str] | None:
        """Node ids (of ``files``) reaching the mutant; '' means import time; None: never executed."""
        lines = self.by_line.get(mutant.path, {})
        found: set[str] = set()
        first, last = mutant.statement_lines
        for lineno in {*range(mutant.lineno, mutant.end_lineno + 1), *range(first, last + 1)}:
            found |= lines.get(lineno, set())
        prefixes = tuple(f"tests/{name}::" for name in files)
        found = {nodeid for nodeid in found if nodeid == "" or nodeid.startswith(prefixes)}
        return found or None

    def timeout(self, targets: list[str]) -> float:
        """Three times the unmutated time of ``targets`` (node ids or files), plus start-up."""
        seconds = sum(t for nodeid, t in self.durations.items()
                      if nodeid in targets or nodeid.split("::")[0] in targets)
        return 3 * seconds + 60


def _record_shard(copy: Path, files: list[str], backends: str) -> tuple[dict, dict]:
    data_file, durations_file = copy / ".coverage-mutate", copy / ".durations-mutate.json"
    rc = copy / ".coveragerc-mutate"
    rc.write_text(f"[run]\nsource = pony\ndata_file = {data_file}\n", encoding="utf-8")
    env = dict(_test_env(copy, backends), MUTATE_DURATIONS=str(durations_file))
    proc = subprocess.run([sys.executable, "-m", "coverage", "run", f"--rcfile={rc}", "-m", "pytest", "-q",
                           "-p", "no:cacheprovider", "-p", "mutate_contexts", *test_files(copy, files)],
                          cwd=copy, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"the unmutated tests fail on {backends}: fix them first\n{proc.stdout[-3000:]}")
    data = coverage.CoverageData(basename=str(data_file))
    data.read()
    by_line: dict[str, dict[int, set[str]]] = {}
    for filename in data.measured_files():
        rel = str(Path(filename).resolve().relative_to(copy.resolve()))
        by_line[rel] = {line: set(nodeids) for line, nodeids in data.contexts_by_lineno(filename).items()}
    return by_line, json.loads(durations_file.read_text(encoding="utf-8"))


def collect_line_tests(copies: list[Path], files: list[str], backends: str) -> LineTests:
    """Run ``files`` once under coverage, one context per test, split over the copies in parallel."""
    shards = [files[i::len(copies)] for i in range(len(copies))]
    with ThreadPoolExecutor(max_workers=len(copies)) as pool:
        results = list(pool.map(_record_shard, copies, shards, [backends] * len(copies)))
    by_line: dict[str, dict[int, set[str]]] = {}
    durations: dict[str, float] = {}
    for shard_lines, shard_durations in results:
        durations.update(shard_durations)
        for path, lines in shard_lines.items():
            for line, nodeids in lines.items():
                by_line.setdefault(path, {}).setdefault(line, set()).update(nodeids)
    return LineTests(by_line, durations)


# --- running the sample --------------------------------------------------------------------------

def judge(mutant: Mutant, copy: Path, line_tests: LineTests, backends: str) -> str:
    """Apply ``mutant`` to ``copy``, run the tests that reach it, restore; the outcome."""
    files = PACKAGES[mutant.package][1]
    reached = line_tests.reaching(mutant, files)
    if not reached:
        return "unreached"  # survived: no test of the package executes this statement
    target = copy / mutant.path
    original = target.read_text(encoding="utf-8")
    text = mutated_source(original, mutant)
    if text is None:
        return "invalid"
    target.write_text(text, encoding="utf-8")
    try:
        nodeids = sorted(reached - {""})
        status = "passed"
        if nodeids:
            status, _ = run_tests(copy, nodeids, backends, line_tests.timeout(nodeids))
        if status == "passed" and "" in reached:
            # The line runs at import time: any of the package's test files may notice.
            every = test_files(copy, files)
            status, _ = run_tests(copy, every, backends, line_tests.timeout(every))
    finally:
        target.write_text(original, encoding="utf-8")
    return {"passed": "survived", "failed": "killed", "timeout": "timeout"}[status]


def run_sample(sample: list[Mutant], backends: str, jobs: int) -> dict[Mutant, str]:
    """Outcome per mutant: 'killed', 'timeout' (counted as killed), 'survived' or 'invalid'."""
    copies = [make_copy() for _ in range(max(1, jobs))]
    try:
        files = sorted({name for m in sample for name in PACKAGES[m.package][1]})
        print(f"recording which tests reach which line ({len(files)} files on {backends})...", flush=True)
        line_tests = collect_line_tests(copies, files, backends)
        free: queue.SimpleQueue[Path] = queue.SimpleQueue()
        for copy in copies:
            free.put(copy)
        outcomes: dict[Mutant, str] = {}

        def work(mutant: Mutant) -> None:
            copy = free.get()
            try:
                outcomes[mutant] = judge(mutant, copy, line_tests, backends)
            finally:
                free.put(copy)
            print(f"[{len(outcomes)}/{len(sample)}] {outcomes[mutant]:>8}  {mutant.describe()}", flush=True)

        with ThreadPoolExecutor(max_workers=len(copies)) as pool:
            list(pool.map(work, sample))
    finally:
        for copy in copies:
            shutil.rmtree(copy, ignore_errors=True)
    return outcomes


def run_against(sample: list[Mutant], targets: list[str], backends: str) -> dict[Mutant, str]:
    """Each mutant of ``sample`` against the given ``targets`` only (no coverage recording)."""
    copy = make_copy()
    outcomes: dict[Mutant, str] = {}
    try:
        for mutant in sample:
            target = copy / mutant.path
            original = target.read_text(encoding="utf-8")
            text = mutated_source(original, mutant)
            if text is None:
                outcomes[mutant] = "invalid"
                continue
            target.write_text(text, encoding="utf-8")
            try:
                status, _ = run_tests(copy, targets, backends, 3600)
            finally:
                target.write_text(original, encoding="utf-8")
            outcomes[mutant] = {"passed": "survived", "failed": "killed", "timeout": "timeout"}[status]
            print(f"{outcomes[mutant]:>8}  {mutant.describe()}", flush=True)
    finally:
        shutil.rmtree(copy, ignore_errors=True)
    return outcomes


def report(outcomes: dict[Mutant, str]) -> str:
    per_package: dict[str, Counter] = {}
    for mutant, outcome in outcomes.items():
        per_package.setdefault(mutant.package, Counter())[outcome] += 1
    lines = ["", "=" * 30 + " mutation summary " + "=" * 30]
    total_killed = total = 0
    for package in sorted(per_package):
        c = per_package[package]
        killed = c["killed"] + c["timeout"]
        valid = killed + c["survived"] + c["unreached"]
        total_killed, total = total_killed + killed, total + valid
        rate = f"{100 * killed / valid:.0f}%" if valid else "-"
        lines.append(f"{package:>18}: {killed}/{valid} killed ({rate}), {c['timeout']} by timeout, "
                     f"{c['invalid']} invalid, {c['unreached']} never reached")
    if total:
        lines.append(f"{'all':>18}: {total_killed}/{total} killed ({100 * total_killed / total:.0f}%)")
    survivors = [m for m, outcome in outcomes.items() if outcome in ("survived", "unreached")]
    lines.append(f"surviving mutants ({len(survivors)}; 'unreached': no test executes the statement):")
    lines += [f"  {m.describe()}" + ("  [unreached]" if outcomes[m] == "unreached" else "")
              for m in sorted(survivors, key=lambda m: (m.path, m.lineno))]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=300, help="mutants in the sample (default 300)")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the sample (default 1)")
    parser.add_argument("--packages", default=",".join(PACKAGES), help="comma-separated labels: " + ", ".join(PACKAGES))
    parser.add_argument("--backends", default=ALL_BACKENDS, help=f"PONY_BACKENDS of the tests (default {ALL_BACKENDS})")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="mutants run at once (default: cores)")
    parser.add_argument("--only", default=None, help="run only the sampled mutants at these path:line places "
                        "(comma-separated), e.g. to check that new tests kill the survivors")
    parser.add_argument("--against", default=None, help="with --only: run these test files or node ids "
                        "(comma-separated) against each chosen mutant instead of recording coverage (quick check "
                        "that a new test kills a survivor; the full selection stays the proof)")
    parser.add_argument("--list", action="store_true", help="only print the sampled mutants")
    parser.add_argument("--pin", action="store_true", help=f"draw a new seeded sample of the current code and "
                        f"pin it in {PIN_FILE.relative_to(ROOT)} (later runs find the same mutants by content)")
    args = parser.parse_args(argv)
    packages = [p.strip() for p in args.packages.split(",") if p.strip()]
    unknown = [p for p in packages if p not in PACKAGES]
    if unknown:
        parser.error(f"unknown package label(s) {', '.join(unknown)}; known: {', '.join(PACKAGES)}")
    mutants = all_mutants(packages)
    if args.pin:
        write_pin(mutants, args.n, args.seed, packages)
    sample, drawn = draw_sample(mutants, args.n, args.seed, packages)
    print(f"{len(mutants)} mutation points in {', '.join(packages)}; sample of {len(sample)} ({drawn})")
    if args.list:
        for mutant in sample:
            print(mutant.describe())
        return 0
    if args.only:
        places = {place.strip() for place in args.only.split(",")}
        sample = [m for m in sample if f"{m.path}:{m.lineno}" in places]
    if args.against:
        if not args.only:
            parser.error("--against needs --only")
        print(report(run_against(sample, args.against.split(","), args.backends)))
        return 0
    print(report(run_sample(sample, args.backends, args.jobs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
