"""Rebuild ``and`` / ``or`` / ``not`` / ``x if c else y`` from the conditional jumps of bytecode.

The decompiler turns every conditional jump into a :class:`Decision`: "when ``test`` is true,
fall through to ``fall``, otherwise go to ``jump``". Successors are other decisions or
:class:`Leaf` objects (a place where control flow meets again, e.g. the end of a value
expression, the start of the next ``for``, or the loop head for a failed ``if``).

CPython compiles short-circuit logic into a few fixed shapes, so a handful of rewrite rules
fold any region of decisions back into one expression (the classic compound-condition
reduction of decompilers):

* A falls into B, B jumps where A jumps       ->  ``A and B``
* A falls into B, B falls where A jumps       ->  ``not A or B``
* A falls into B and jumps to C, B and C lead to the same places  ->  ``B if A else C``

Negation is pushed down to the atoms (``not (a and b)`` becomes ``not a or not b``), which is
how CPython compiles it anyway, so the result is a canonical form of the user's condition.
When a region ends in values (a value-context ``a or b``), decisions whose two successors are
values collapse into ``x if t else y``, simplified back into ``and`` / ``or`` when the value is
the test itself.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Sequence
from typing import Any

from ..errors import DecompileError

_FLIPPED_COMPARE: dict[type, type] = {ast.Is: ast.IsNot, ast.IsNot: ast.Is,
                                      ast.In: ast.NotIn, ast.NotIn: ast.In}


class Leaf:
    """A join point: where several paths meet. ``values`` is set for value-expression regions."""

    __slots__ = ("values", "name")

    def __init__(self, values: tuple[Any, ...] | None = None, name: str = "") -> None:
        self.values = values
        self.name = name

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"<Leaf {self.name or self.values!r}>"


class Decision:
    """One conditional jump: if ``test`` is true control falls to ``fall``, else to ``jump``."""

    __slots__ = ("test", "fall", "jump", "preds")

    def __init__(self, test: ast.expr, preds: list[Edge]) -> None:
        self.test = test
        self.fall: Decision | Leaf | None = None
        self.jump: Decision | Leaf | None = None
        self.preds = preds

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"<Decision {ast.unparse(self.test)}>"


# An edge is (decision, "fall" | "jump"); (None, "start") stands for entering the code.
Edge = tuple[Decision | None, str]
START: Edge = (None, "start")


def link(edges: Iterable[Edge], target: Decision | Leaf) -> None:
    """Point every edge at ``target`` (the place control reaches through it)."""
    for node, side in edges:
        if node is not None:
            setattr(node, side, target)


# --- expression builders -------------------------------------------------------------------------


def negate(expr: ast.expr) -> ast.expr:
    """``not expr`` with the negation pushed down to the atoms."""
    if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.Not):
        return expr.operand
    if isinstance(expr, ast.BoolOp):
        op = ast.Or() if isinstance(expr.op, ast.And) else ast.And()
        return make_boolop(op, [negate(value) for value in expr.values])
    if isinstance(expr, ast.IfExp):
        return ast.IfExp(test=expr.test, body=negate(expr.body), orelse=negate(expr.orelse))
    if isinstance(expr, ast.Compare) and len(expr.ops) == 1 and type(expr.ops[0]) in _FLIPPED_COMPARE:
        return ast.Compare(left=expr.left, ops=[_FLIPPED_COMPARE[type(expr.ops[0])]()],
                           comparators=expr.comparators)
    return ast.UnaryOp(op=ast.Not(), operand=expr)


def make_boolop(op: ast.boolop, values: Sequence[ast.expr]) -> ast.expr:
    """``a and b`` flattening nested same-op groups and re-chaining comparisons.

    ``a < b < c`` compiles to ``a < b`` and ``b < c`` sharing the very same ``b`` object
    (it is duplicated on the stack), which is how a chain is told from ``a < b and b < c``.
    """
    flat: list[ast.expr] = []
    for value in values:
        if isinstance(value, ast.BoolOp) and type(value.op) is type(op):
            flat.extend(value.values)
        else:
            flat.append(value)
    if isinstance(op, ast.And):
        chained: list[ast.expr] = []
        for value in flat:
            prev = chained[-1] if chained else None
            if (isinstance(prev, ast.Compare) and isinstance(value, ast.Compare)
                    and prev.comparators[-1] is value.left):
                chained[-1] = ast.Compare(left=prev.left, ops=[*prev.ops, *value.ops],
                                          comparators=[*prev.comparators, *value.comparators])
            else:
                chained.append(value)
        flat = chained
    else:  # `not a < b < c` in a condition arrives as `not a < b or not b < c`
        rechained: list[ast.expr] = []
        for value in flat:
            prev = rechained[-1] if rechained else None
            if (_is_not(prev) and _is_not(value) and isinstance(prev.operand, ast.Compare)  # type: ignore[union-attr]
                    and isinstance(value.operand, ast.Compare)  # type: ignore[attr-defined]
                    and prev.operand.comparators[-1] is value.operand.left):  # type: ignore[union-attr,attr-defined]
                chain = make_boolop(ast.And(), [prev.operand, value.operand])  # type: ignore[union-attr,attr-defined]
                rechained[-1] = ast.UnaryOp(op=ast.Not(), operand=chain)
            else:
                rechained.append(value)
        flat = rechained
    return flat[0] if len(flat) == 1 else ast.BoolOp(op=op, values=flat)


def _is_not(expr: ast.expr | None) -> bool:
    return isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.Not)


def _same(a: ast.expr | None, b: ast.expr | None) -> bool:
    """The same expression: the same objects, maybe rebuilt by ``negate`` twice."""
    if a is b:
        return True
    if type(a) is not type(b):
        return False
    if isinstance(a, ast.BoolOp) and isinstance(b, ast.BoolOp):
        return type(a.op) is type(b.op) and len(a.values) == len(b.values) and all(
            _same(x, y) for x, y in zip(a.values, b.values))
    if isinstance(a, ast.UnaryOp) and isinstance(b, ast.UnaryOp):
        return type(a.op) is type(b.op) and _same(a.operand, b.operand)
    if isinstance(a, ast.Compare) and isinstance(b, ast.Compare):
        return ([type(op) for op in a.ops] == [type(op) for op in b.ops] and a.left is b.left
                and all(x is y for x, y in zip(a.comparators, b.comparators)))
    if isinstance(a, ast.IfExp) and isinstance(b, ast.IfExp):
        return _same(a.test, b.test) and _same(a.body, b.body) and _same(a.orelse, b.orelse)
    return False


def _last_operand(expr: ast.expr, op: type) -> ast.expr | None:
    if isinstance(expr, ast.BoolOp) and isinstance(expr.op, op):
        return expr.values[-1]
    return None


def select_value(test: ast.expr, if_true: ast.expr, if_false: ast.expr) -> ast.expr:
    """The value ``if_true if test else if_false``, written as ``and`` / ``or`` where it is one."""
    for t, x, y in ((test, if_true, if_false), (negate(test), if_false, if_true)):
        if _same(x, t):                        # `t or y` is t itself when t is true
            return make_boolop(ast.Or(), [x, y])
        if _same(x, _last_operand(t, ast.And)):  # `a and b or y` is b when a and b are true
            return make_boolop(ast.Or(), [t, y])
        if _same(y, t):                        # `t and x` is t itself when t is false
            return make_boolop(ast.And(), [y, x])
        if _same(y, _last_operand(t, ast.Or)):   # `(a or b) and x` is b when both are false
            return make_boolop(ast.And(), [t, x])
    return _factor(test, if_true, if_false) or ast.IfExp(test=test, body=if_true, orelse=if_false)


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, ast.AST) and isinstance(b, ast.AST):
        return a is b or ast.dump(a) == ast.dump(b)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b))
    return bool(a == b)


def _factor(test: ast.expr, x: ast.expr, y: ast.expr) -> ast.expr | None:
    """``f(a) if t else f(b)`` as ``f(a if t else b)``.

    Both branches end in the same operations when CPython copied the code after a join point
    into each path (``not (...)`` before a return) or jumped past it (``(x if c else a and b)
    or y``); factoring them out gives back the expression as written.
    """
    if type(x) is not type(y) or not isinstance(x, ast.expr):
        return None
    if isinstance(x, ast.Slice):  # a slice is no value: `s[1:] if c else s[:]` stays as it is
        return None
    if isinstance(x, ast.BoolOp) and isinstance(y, ast.BoolOp) and type(x.op) is type(y.op):
        common = 0
        while (common < min(len(x.values), len(y.values)) - 1
               and _equal(x.values[-1 - common], y.values[-1 - common])):
            common += 1
        if not common:
            return None
        head_x = make_boolop(x.op, x.values[:len(x.values) - common])
        head_y = make_boolop(y.op, y.values[:len(y.values) - common])
        return make_boolop(x.op, [select_value(test, head_x, head_y), *x.values[len(x.values) - common:]])
    differing = [name for name, value in ast.iter_fields(x) if not _equal(value, getattr(y, name))]
    if len(differing) != 1:
        return None
    name = differing[0]
    inner_x, inner_y = getattr(x, name), getattr(y, name)
    if not isinstance(inner_x, ast.expr) or not isinstance(inner_y, ast.expr):
        return None
    if isinstance(inner_x, ast.Slice):  # nor may it become `s[1: if c else :]`
        return None
    factored = type(x)(**{field: getattr(x, field) for field in x._fields})
    setattr(factored, name, select_value(test, inner_x, inner_y))
    return factored


# --- region reduction ----------------------------------------------------------------------------


def _pred_counts(region: list[Decision]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for node in region:
        for succ in (node.fall, node.jump):
            counts[id(succ)] = counts.get(id(succ), 0) + 1
    return counts


def _merge_pair(a: Decision, region: list[Decision], counts: dict[int, int]) -> bool:
    """Fold the decision after ``a`` into ``a`` (``and`` / ``or`` / conditional). True if done."""
    def single(node: Decision | Leaf | None) -> bool:
        return isinstance(node, Decision) and counts.get(id(node)) == 1 and node in region

    for flipped in (False, True):
        b, other = (a.jump, a.fall) if flipped else (a.fall, a.jump)
        if not single(b):
            continue
        assert isinstance(b, Decision)
        if b.jump is other:      # a and b
            test = make_boolop(ast.And(), [negate(a.test) if flipped else a.test, b.test])
        elif b.fall is other:    # not a or b
            test = make_boolop(ast.Or(), [a.test if flipped else negate(a.test), b.test])
        elif single(other) and b.fall is not None and b.jump is not None:
            c = other
            assert isinstance(c, Decision)
            if (c.fall, c.jump) == (b.fall, b.jump):
                orelse = c.test
            elif (c.jump, c.fall) == (b.fall, b.jump):
                orelse = negate(c.test)
            else:
                continue
            test = ast.IfExp(test=negate(a.test) if flipped else a.test, body=b.test, orelse=orelse)
            region.remove(c)
        else:
            continue
        a.test, a.fall, a.jump = test, b.fall, b.jump
        region.remove(b)
        return True
    return False


def _collapse_to_value(region: list[Decision]) -> bool:
    """Turn a decision whose successors are both values into one value leaf."""
    for node in region:
        fall, jump = node.fall, node.jump
        if isinstance(fall, Leaf) and isinstance(jump, Leaf) and fall.values is not None \
                and jump.values is not None:
            values = tuple(x if x is y else select_value(node.test, x, y)
                           for x, y in zip(fall.values, jump.values))
            leaf = Leaf(values)
            for other in region:
                if other.fall is node:
                    other.fall = leaf
                if other.jump is node:
                    other.jump = leaf
            node.fall = node.jump = leaf  # keeps the region root pointing at the result
            region.remove(node)
            return True
    return False


def find_region(candidates: list[Decision], leaves: Sequence[Leaf]) -> list[Decision]:
    """The decisions among ``candidates`` whose every path ends in one of ``leaves``."""
    region = list(candidates)
    allowed = {id(leaf) for leaf in leaves}
    changed = True
    while changed:
        changed = False
        members = {id(node) for node in region} | allowed
        for node in list(region):
            if id(node.fall) not in members or id(node.jump) not in members:
                region.remove(node)
                changed = True
    return region


def region_root(region: list[Decision]) -> Decision:
    """The single decision of ``region`` that no other decision of it leads to."""
    targets = {id(succ) for node in region for succ in (node.fall, node.jump)}
    roots = [node for node in region if id(node) not in targets]
    if len(roots) != 1:
        raise DecompileError("cannot rebuild the control flow of a condition")
    return roots[0]


def reduce_values(region: list[Decision], root: Decision) -> Leaf:
    """Fold a value region into a single leaf holding the merged stack values."""
    while region:
        counts = _pred_counts(region)
        if not any(_merge_pair(node, region, counts) for node in list(region)) and \
                not _collapse_to_value(region):
            raise DecompileError("cannot rebuild a conditional value expression")
    result = root.fall
    assert isinstance(result, Leaf)
    return result


def reduce_condition(region: list[Decision], success: Leaf, failure: Leaf) -> ast.expr | None:
    """The condition under which the region reaches ``success`` (None when there is no test)."""
    if not region:
        return None
    while len(region) > 1:
        counts = _pred_counts(region)
        if not any(_merge_pair(node, region, counts) for node in list(region)):
            raise DecompileError("cannot rebuild the condition of a query")
    node = region[0]
    if node.fall is success and node.jump is failure:
        return node.test
    if node.fall is failure and node.jump is success:
        return negate(node.test)
    raise DecompileError("cannot rebuild the condition of a query")
