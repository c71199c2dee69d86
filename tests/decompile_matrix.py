"""Round-trip corpus for the bytecode decompiler, runnable on any CPython we support.

``python tests/decompile_matrix.py`` (with python3.11, 3.12 or 3.13) compiles every query-like
expression below from a string that linecache does not know, decompiles the code object and
compares ``ast.dump`` with ``ast.parse`` of the original, after normalising differences the
bytecode cannot show (see :func:`normalize`). It prints one line per failure and exits with 1
if any. tests/test_decompile.py runs it in-process and under the other interpreters.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from pony.orm.translation.capture import capture  # noqa: E402
from pony.orm.translation.decompile import decompile_code  # noqa: E402

GENERATORS = [
    # loops, targets, names
    "(p for p in Person)",
    "(p.name for p in Person)",
    "((a, b) for a, b in pairs)",
    "(x for (a, (b, c)) in triples for x in c)",
    "(c for p in Person for c in p.cars)",
    "((p, c) for p in Person if p.age > 18 for c in p.cars if c.price < limit)",
    "(p for p in Person if p.age > x if p.name != 'Bob')",
    # attributes, subscripts, slices, calls
    "(p.address.city.name for p in Person)",
    "(p.tags[0] for p in Person)",
    "(p.name[1:3] for p in Person)",
    "(p.name[:n] for p in Person)",
    "(p.name[n:] for p in Person)",
    "(p.name[::2] for p in Person)",
    "(p.name[a:b:c] for p in Person)",
    "(p.data['key'][i] for p in Person)",
    "(len(p.name) for p in Person)",
    "(p.name.startswith('A') for p in Person)",
    "(p.name.replace('a', 'b') for p in Person)",
    "(f(p, x, key=1) for p in Person)",
    "(p.method(1, flag=True, other=x.y) for p in Person)",
    "(concat(p.first, ' ', p.last) for p in Person)",
    "(func()(p) for p in Person)",
    "(raw_sql('p.x > 1') for p in Person)",
    # comparisons
    "(p for p in Person if p.age >= 18)",
    "(p for p in Person if p.a == 1 and p.b != 2 and p.c < 3 and p.d <= 4 and p.e > 5)",
    "(p for p in Person if 18 <= p.age < 65)",
    "(p for p in Person if a < p.x <= b < c)",
    "(p for p in Person if p.id in ids)",
    "(p for p in Person if p.id not in (1, 2, 3))",
    "(p for p in Person if p.name in {'a', 'b'} or p.x is not None)",
    "(p for p in Person if p.mother is None)",
    "(p for p in Person if p.mother is not None)",
    "(p for p in Person if p.mother is mother)",
    "(p for p in Person if p.mother is not mother)",
    "(p for p in Person if 'x' in p.name)",
    "(p for p in Person if not p.name == 'x')",
    # boolean logic in conditions
    "(p for p in Person if p.a and p.b)",
    "(p for p in Person if p.a or p.b)",
    "(p for p in Person if not p.a)",
    "(p for p in Person if p.a and (p.b or p.c))",
    "(p for p in Person if (p.a or p.b) and p.c)",
    "(p for p in Person if (p.a or p.b) and (p.c or p.d))",
    "(p for p in Person if p.a and p.b or p.c and p.d)",
    "(p for p in Person if p.a or p.b and p.c or p.d)",
    "(p for p in Person if not (p.a and p.b))",
    "(p for p in Person if not (p.a or p.b) and p.c)",
    "(p for p in Person if p.a and not p.b or not p.c)",
    "(p for p in Person if (p.a if p.b else p.c))",
    "(p for p in Person if p.x > (1 if p.b else 2))",
    "(p for p in Person if (p.a > 1 or p.b < 2) and p.c is None and (p.d in x or not p.e))",
    "(p for p in Person if (a < p.x < b) or p.y)",
    "(p for p in Person if p.x == 1 or p.y == 2 or p.z == 3)",
    "(p for p in Person if not p.a and not p.b)",
    "(p for p in Person if p.a if p.b if p.c)",
    "(p for p in Person for q in p.friends if p.a or q.b if q.c)",
    "(x for p in Person if p.a for x in (p.b if p.c else p.d))",
    "(p for p in Person if p.a and (p.b if p.c else p.d) and p.e)",
    "(p for p in Person if (p.a and p.b) == (p.c or p.d))",
    # boolean logic as values
    "(a < p.x <= b < c for p in Person)",
    "(f(a < p.x < b, k=p.y or p.z) for p in Person)",
    "((p.a and p.b) or (p.c and p.d) for p in Person)",
    "((p.a or p.b) and (p.c or p.d) for p in Person)",
    "(p.a or p.b for p in Person)",
    "(p.a and p.b for p in Person)",
    "(p.a or p.b or p.c for p in Person)",
    "(p.a and p.b or p.c for p in Person)",
    "((p.a or p.b) and p.c for p in Person)",
    "(not p.a for p in Person)",
    "(not (p.a and p.b) for p in Person)",
    "(p.a < p.b < p.c for p in Person)",
    "(f(p.a or 0) for p in Person)",
    "(p.x if p.y else p.z for p in Person)",
    "(p.x if not p.y else p.z for p in Person)",
    "(p.x if p.y and p.w else p.z for p in Person)",
    "(p.x if p.y or p.w else p.z for p in Person)",
    "(p.x if p.y else p.z if p.w else p.v for p in Person)",
    "((p.x if p.y else p.z) if p.w else p.v for p in Person)",
    "(p.name[1:] if p.y else p.name[:] for p in Person)",
    "(p.name[1:3] if p.y else p.name[2:3] for p in Person)",
    "(p.name[1:] if p.y else p.name[1:2] for p in Person)",
    "((p.x or p.y) + 1 for p in Person)",
    # arithmetic and unary
    "(p.a + p.b * 2 - p.c / 3 for p in Person)",
    "(p.a // 2 % 3 ** p.b for p in Person)",
    "(p.a << 1 | p.b & 2 ^ p.c >> 1 for p in Person)",
    "(-p.a for p in Person)",
    "(+p.a for p in Person)",
    "(~p.a for p in Person)",
    "(abs(p.a - x) for p in Person)",
    # f-strings
    "(f'{p.name}' for p in Person)",
    "(f'Mr. {p.name}!' for p in Person)",
    "(f'{p.first} {p.last}' for p in Person)",
    "(f'{p.name!r}' for p in Person)",
    "(f'{p.name!s:>10}' for p in Person)",
    "(f'{p.price:.2f} EUR' for p in Person)",
    "(f'{p.price:{width}}' for p in Person)",
    "(f'{p.a!a}' for p in Person)",
    # displays and constants
    "((p.name, p.age) for p in Person)",
    "((p, 1, 'x', None, True, 2.5) for p in Person)",
    "([p.a, p.b] for p in Person)",
    "([1, 2, 3] for p in Person)",
    "({p.a, p.b} for p in Person)",
    "({'a': p.a, 'b': p.b} for p in Person)",
    "({p.a: p.b} for p in Person)",
    "({'a': 1, 'b': 2} for p in Person)",
    "((1, (2, 3)) for p in Person)",
    "(p for p in Person if p.x == b'bytes')",
    "(p for p in Person if p.x == ...)",
    # nested generator expressions and lambdas
    "(p for p in Person if exists(c for c in p.cars if c.price > 100))",
    "(p for p in Person if count(c for c in p.cars) > 2 and p.x)",
    "(max(c.price for c in p.cars) for p in Person)",
    "(p for p in Person if sum(o.total for o in p.orders if o.year == y) > 1000)",
    "(p for p in Person if exists(o for c in p.cars for o in c.owners if o is not p))",
    "(p for p in Person if select(c for c in p.cars if c.x).exists())",
    "(p for p in Person if p.items.filter(lambda i: i.price > p.limit).exists())",
    "(sorted(p.tags, key=lambda t: t.name) for p in Person)",
    "(p for p in Person if f(lambda a, b=2: a + b))",
    "(p for p in Person if f(lambda *args, k=1, **kw: args))",
    "(p for p in Person if f(lambda: 1))",
]

LAMBDAS = [
    "lambda p: p.age > 18",
    "lambda p: p.name",
    "lambda: x",
    "lambda p, c: p.x == c.y",
    "lambda p: p.a and p.b",
    "lambda p: p.a or p.b",
    "lambda p: not p.a",
    "lambda p: p.a if p.b else p.c",
    "lambda p: (p.name, p.age)",
    "lambda p: desc(p.name)",
    "lambda p: 18 <= p.age < 65",
    "lambda p: a < p.x <= b < c",
    "lambda p: p.a if p.b else (p.c or p.d)",
    "lambda p: exists(c for c in p.cars if c.price > limit)",
    "lambda p: p.a and (p.b or p.c)",
    "lambda p: (p.a or p.b) and p.c",
    "lambda p: f'{p.first} {p.last}'",
    "lambda p: p.name[1:]",
    "lambda p: p.x is None",
    "lambda p: p.x in (1, 2)",
    "lambda p: 1",
    "lambda p: None",
    "lambda p, x=1, *rest, y=2, **kw: p",
    "lambda p, /, q: p + q",
]

# Functions with a single return, like entity hybrid methods.
FUNCTIONS = [
    "def full_name(self):\n    return self.first + ' ' + self.last\n",
    "def is_adult(self, age=18):\n    return self.age >= age\n",
    "def cars_count(self):\n    '''docstring'''\n    return count(c for c in self.cars if c.x)\n",
    "def mixed(self):\n    return self.a and self.b or not self.c\n",
]


# --- normalisation of what bytecode cannot tell apart ---------------------------------------------

_FLIP = {ast.Is: ast.IsNot, ast.IsNot: ast.Is, ast.In: ast.NotIn, ast.NotIn: ast.In}


def _negate(node: ast.expr) -> ast.expr:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return node.operand
    if isinstance(node, ast.BoolOp):
        op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        return ast.BoolOp(op=op, values=[_negate(v) for v in node.values])
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _FLIP:
        return ast.Compare(left=node.left, ops=[_FLIP[type(node.ops[0])]()], comparators=node.comparators)
    if isinstance(node, ast.IfExp):
        return ast.IfExp(test=node.test, body=_negate(node.body), orelse=_negate(node.orelse))
    return ast.UnaryOp(op=ast.Not(), operand=node)


def _condition(node: ast.expr) -> ast.expr:
    """A condition compiled as jumps: ``not`` is pushed down to the atoms, like CPython does."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        inner = _condition(node.operand)
        if isinstance(inner, ast.BoolOp | ast.IfExp) or (isinstance(inner, ast.UnaryOp)
                                                         and isinstance(inner.op, ast.Not)):
            return _condition(_negate(inner))
        negated = _negate(inner)
        return negated
    if isinstance(node, ast.BoolOp):
        values: list[ast.expr] = []
        for value in (_condition(v) for v in node.values):
            if isinstance(value, ast.BoolOp) and type(value.op) is type(node.op):
                values.extend(value.values)
            else:
                values.append(value)
        return ast.BoolOp(op=node.op, values=values)
    if isinstance(node, ast.IfExp):
        return ast.IfExp(test=_condition(node.test), body=_condition(node.body),
                         orelse=_condition(node.orelse))
    return node


class _Normalizer(ast.NodeTransformer):
    def visit_comprehension(self, node: ast.comprehension) -> ast.comprehension:
        self.generic_visit(node)
        if len(node.ifs) > 1:  # `if a if b` compiles like `if a and b`
            node.ifs = [ast.BoolOp(op=ast.And(), values=node.ifs)]
        node.ifs = [_condition(cond) for cond in node.ifs]
        return node

    def visit_IfExp(self, node: ast.IfExp) -> ast.expr:
        self.generic_visit(node)
        node.test = _condition(node.test)
        return node

    def visit_BoolOp(self, node: ast.BoolOp) -> ast.expr:
        self.generic_visit(node)
        values: list[ast.expr] = []
        for value in node.values:
            if isinstance(value, ast.BoolOp) and type(value.op) is type(node.op):
                values.extend(value.values)
            else:
                values.append(value)
        node.values = values
        return node

    def visit_Set(self, node: ast.Set) -> ast.expr:
        self.generic_visit(node)
        node.elts.sort(key=ast.dump)  # set constants come back in hash order
        return node

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.expr:
        self.generic_visit(node)
        if isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant) \
                and isinstance(node.operand.value, int | float):
            return ast.Constant(value=-node.operand.value)  # the compiler folds -1
        return node


def normalize(node: ast.AST) -> str:
    return ast.dump(_Normalizer().visit(node))


def _code_of(source: str, name: str) -> object:
    module = compile(source, "<not in linecache>", "exec")
    for const in module.co_consts:
        if getattr(const, "co_name", None) == name:
            return const
    raise AssertionError(f"no {name} code object in {source!r}")


def check_generator(source: str) -> str | None:
    """None when decompiling round-trips, else a description of the difference."""
    expected = ast.parse(source, mode="eval").body
    assert isinstance(expected, ast.GeneratorExp)
    expected.generators[0].iter = ast.Name(id=".0", ctx=ast.Load())
    got = decompile_code(_code_of(f"q = {source}", "<genexpr>"))  # type: ignore[arg-type]
    return _compare(expected, got)


def check_lambda(source: str) -> str | None:
    expected = ast.parse(source, mode="eval").body
    code = _code_of(f"q = {source}", "<lambda>")
    namespace: dict = {}
    exec(compile(f"q = {source}", "<not in linecache>", "exec"), namespace)
    defaults = [ast.Constant(value=v) for v in namespace["q"].__defaults__ or ()]
    kw_defaults = {k: ast.Constant(value=v) for k, v in (namespace["q"].__kwdefaults__ or {}).items()}
    got = decompile_code(code, defaults, kw_defaults)  # type: ignore[arg-type]
    return _compare(expected, got)


def check_function(source: str) -> str | None:
    definition = ast.parse(source).body[0]
    assert isinstance(definition, ast.FunctionDef)
    returned = definition.body[-1]
    assert isinstance(returned, ast.Return) and returned.value is not None
    namespace: dict = {}
    exec(compile(source, "<not in linecache>", "exec"), namespace)
    function = namespace[definition.name]
    defaults = [ast.Constant(value=v) for v in function.__defaults__ or ()]
    expected = ast.Lambda(args=definition.args, body=returned.value)
    got = decompile_code(function.__code__, defaults)
    return _compare(expected, got)


def _compare(expected: ast.AST, got: ast.AST) -> str | None:
    want, have = normalize(expected), normalize(got)
    if want == have:
        return None
    return f"expected {ast.unparse(expected)}\n      got {ast.unparse(got)}\n      {want}\n   != {have}"


def all_cases() -> list[tuple[str, str]]:
    return ([("generator", s) for s in GENERATORS] + [("lambda", s) for s in LAMBDAS]
            + [("function", s) for s in FUNCTIONS])


CHECKS = {"generator": check_generator, "lambda": check_lambda, "function": check_function}


# --- capture from source: co_positions must find the right node on every version ---------------------

def _captured_sources(y: int = 1) -> list[tuple[str, str, bool]]:
    X: list = []
    pairs = [
        (capture(p for p in X if p > y), "(p for p in X if p > y)"),
        (capture(p for p in X if p < y), "(p for p in X if p < y)"),
        (capture(p.name
                 for p in X
                 if p.age > y), "(p.name\n                 for p in X\n                 if p.age > y)"),
        (capture(lambda: 1), "lambda: 1"),
        (capture(lambda: 2), "lambda: 2"),
        (capture(lambda q: q.a + y), "lambda q: q.a + y"),
        (capture(lambda q: (lambda r: r + q)), "lambda q: (lambda r: r + q)"),
        (capture((lambda q: (lambda r: r + q))(1)), "lambda r: r + q"),
    ]
    return [(captured.source, expected, captured.from_source) for captured, expected in pairs]


def check_captures() -> list[str]:
    return [f"capture: expected {expected!r}, got {got!r} (from source: {from_source})"
            for got, expected, from_source in _captured_sources() if got != expected or not from_source]


def main() -> int:
    capture_problems = check_captures()
    for problem in capture_problems:
        print(f"FAIL {problem}")
    failures = len(capture_problems)
    cases = all_cases()
    for kind, source in cases:
        try:
            problem = CHECKS[kind](source)
        except Exception as exc:  # report every case, not just the first
            problem = f"{type(exc).__name__}: {exc}"
        if problem:
            failures += 1
            print(f"FAIL {kind} {source!r}: {problem}")
    version = ".".join(map(str, sys.version_info[:3]))
    print(f"python {version}: {len(cases) - failures + len(capture_problems)}/{len(cases)} cases round-trip, "
          f"{len(capture_problems)} capture problems")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
