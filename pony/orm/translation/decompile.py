"""Fallback when a query has no source text: rebuild its ``ast`` from CPython 3.11-3.13 bytecode.

Queries are normally read from source (see ``source.py``); this module is used only when the
source is gone (``exec`` of a string, a ``.pyc`` without its ``.py``, the plain REPL before
3.13). It covers what queries are made of: names, attributes, subscripts and slices, calls,
comparisons (chained too), ``in`` / ``is``, ``and`` / ``or`` / ``not``, arithmetic, conditional
expressions, f-strings, displays of tuples/lists/sets/dicts, nested generator expressions and
lambdas, several ``for`` and ``if`` clauses.

The code is interpreted symbolically in one forward pass: the stack holds ``ast`` nodes,
conditional jumps become :class:`~.boolflow.Decision` objects, and where paths meet again the
decisions between them fold back into ``and`` / ``or`` / ``if-else`` (``boolflow``).
"""

from __future__ import annotations

import ast
import dis
import heapq
import inspect
import sys
from types import CodeType
from typing import Any

from ..errors import DecompileError
from .boolflow import (
    START,
    Decision,
    Edge,
    Leaf,
    find_region,
    link,
    negate,
    reduce_condition,
    reduce_values,
)

__all__ = ["Decompiler", "decompile_code", "HOW_TO_FIX"]

HOW_TO_FIX = ("Put the query in a .py file so that its source can be read, or pass the query as a "
              "string, e.g. select(\"p for p in Person if p.age > 20\")")

_COMPARE_SHIFT = {(3, 11): 0, (3, 12): 4, (3, 13): 5}.get(sys.version_info[:2], 5)
_COMPARE_OPS: dict[str, type] = {"<": ast.Lt, "<=": ast.LtE, "==": ast.Eq, "!=": ast.NotEq,
                                 ">": ast.Gt, ">=": ast.GtE}
_BINARY_OPS: dict[str, type] = {"+": ast.Add, "-": ast.Sub, "*": ast.Mult, "/": ast.Div,
                                "//": ast.FloorDiv, "%": ast.Mod, "**": ast.Pow, "<<": ast.LShift,
                                ">>": ast.RShift, "&": ast.BitAnd, "|": ast.BitOr, "^": ast.BitXor,
                                "@": ast.MatMult}
_UNARY_OPS: dict[str, type] = {"UNARY_NEGATIVE": ast.USub, "UNARY_POSITIVE": ast.UAdd,
                               "UNARY_NOT": ast.Not, "UNARY_INVERT": ast.Invert}
_CONVERSIONS = {0: -1, 1: ord("s"), 2: ord("r"), 3: ord("a")}
_INTRINSIC_UNARY_POSITIVE = 5
_CO_VARARGS, _CO_VARKEYWORDS = 0x04, 0x08
_RETURN = -1    # pseudo offsets where returned / yielded values meet
_YIELD = -2
_JUMPS = {"JUMP_FORWARD", "JUMP_BACKWARD", "JUMP_BACKWARD_NO_INTERRUPT", "JUMP", "JUMP_NO_INTERRUPT"}
_NAME_LOADS = {"LOAD_FAST", "LOAD_FAST_CHECK", "LOAD_DEREF", "LOAD_CLOSURE", "LOAD_GLOBAL", "LOAD_NAME",
               "LOAD_CLASSDEREF", "LOAD_FROM_DICT_OR_DEREF", "LOAD_FROM_DICT_OR_GLOBALS"}
_IGNORED = {"NOP", "RESUME", "PRECALL", "COPY_FREE_VARS", "MAKE_CELL", "EXTENDED_ARG", "GET_ITER", "CACHE"}


class _Null:
    """The NULL that calls expect below (or above) the callable."""

    def __repr__(self) -> str:  # pragma: no cover
        return "NULL"


_NULL = _Null()


class _Slot:
    """A loop target under construction: filled by STORE_* / UNPACK_SEQUENCE after FOR_ITER."""

    __slots__ = ("target", "parts")

    def __init__(self) -> None:
        self.target: ast.expr | None = None
        self.parts: list[_Slot] = []

    def build(self) -> ast.expr:
        if self.parts:
            return ast.Tuple(elts=[part.build() for part in self.parts], ctx=ast.Store())
        if self.target is None:
            raise DecompileError("a loop target was never stored")
        return self.target


class _Function:
    """The result of MAKE_FUNCTION for a nested generator expression (needs its CALL)."""

    __slots__ = ("code",)

    def __init__(self, code: CodeType) -> None:
        self.code = code


class _Converted:
    """A value after CONVERT_VALUE (3.13), waiting for FORMAT_SIMPLE / FORMAT_WITH_SPEC."""

    __slots__ = ("value", "conversion")

    def __init__(self, value: ast.expr, conversion: int) -> None:
        self.value = value
        self.conversion = conversion


class _State:
    """The symbolic stack on one path, the edges it came through and its loop (-1: none)."""

    __slots__ = ("stack", "origins", "loop")

    def __init__(self, stack: list[Any], origins: list[Edge], loop: int = -1) -> None:
        self.stack = stack
        self.origins = origins
        self.loop = loop


class _Loop:
    __slots__ = ("head", "iter", "slot", "decisions", "success", "failure")

    def __init__(self, head: int, iterable: ast.expr, slot: _Slot) -> None:
        self.head = head
        self.iter = iterable
        self.slot = slot
        self.decisions: list[Decision] = []
        self.success = Leaf(name="next clause")
        self.failure = Leaf(name="continue")


def _const(value: Any) -> Any:
    """An ``ast`` node for a constant the compiler folded (tuples, frozensets, slices...)."""
    if isinstance(value, CodeType):
        return value
    if isinstance(value, tuple):
        return ast.Tuple(elts=[_const(item) for item in value], ctx=ast.Load())
    if isinstance(value, frozenset):
        return ast.Set(elts=[_const(item) for item in value])
    if isinstance(value, slice):
        return _slice(*(_const(part) for part in (value.start, value.stop, value.step)))
    return ast.Constant(value=value)


def _slice(lower: ast.expr, upper: ast.expr, step: ast.expr | None = None) -> ast.Slice:
    def part(node: ast.expr | None) -> ast.expr | None:
        return None if isinstance(node, ast.Constant) and node.value is None else node
    return ast.Slice(lower=part(lower), upper=part(upper), step=part(step))


def _format_spec(spec: ast.expr) -> ast.JoinedStr:
    if isinstance(spec, ast.JoinedStr):
        return spec
    return ast.JoinedStr(values=[spec])


def _arguments(code: CodeType, defaults: list[ast.expr], kw_defaults: dict[str, ast.expr]) -> ast.arguments:
    names = code.co_varnames
    npos, nkw, nposonly = code.co_argcount, code.co_kwonlyargcount, code.co_posonlyargcount
    index = npos + nkw
    vararg = kwarg = None
    if code.co_flags & _CO_VARARGS:
        vararg = ast.arg(arg=names[index])
        index += 1
    if code.co_flags & _CO_VARKEYWORDS:
        kwarg = ast.arg(arg=names[index])
    kwonly = names[npos:npos + nkw]
    return ast.arguments(posonlyargs=[ast.arg(arg=name) for name in names[:nposonly]],
                         args=[ast.arg(arg=name) for name in names[nposonly:npos]],
                         vararg=vararg, kwonlyargs=[ast.arg(arg=name) for name in kwonly],
                         kw_defaults=[kw_defaults.get(name) for name in kwonly], kwarg=kwarg,
                         defaults=list(defaults))


_JUMP_OPCODES = {*dis.hasjrel, *dis.hasjabs, *getattr(dis, "hasjump", ())}
_TERMINATORS = {"RETURN_VALUE", "RETURN_CONST", "RERAISE", "RAISE_VARARGS"} | _JUMPS


def _ordered_blocks(instructions: list[dis.Instruction], loop_heads: set[int]) -> list[list[dis.Instruction]]:
    """Basic blocks in an order where every block comes after all blocks that lead to it.

    CPython 3.12+ lays some blocks out of line (reached by a forward jump, leaving by a backward
    one), so offset order is not execution order. ``continue`` edges to loop heads are ignored.
    """
    leaders = {instructions[0].offset}
    for ins, following in zip(instructions, instructions[1:]):
        if ins.opcode in _JUMP_OPCODES:
            leaders.add(ins.argval)
        if ins.opcode in _JUMP_OPCODES or ins.opname in _TERMINATORS:
            leaders.add(following.offset)
    blocks: dict[int, list[dis.Instruction]] = {}
    current: list[dis.Instruction] = []
    for ins in instructions:
        if ins.offset in leaders:
            current = blocks[ins.offset] = []
        current.append(ins)
    starts = sorted(blocks)
    successors: dict[int, list[int]] = {}
    for position, start in enumerate(starts):
        last = blocks[start][-1]
        targets = []
        if last.opcode in _JUMP_OPCODES:
            targets.append(last.argval)
        if last.opname not in _TERMINATORS and position + 1 < len(starts):
            targets.append(starts[position + 1])
        successors[start] = [t for t in targets if not (t in loop_heads and t <= last.offset)]
    indegree = dict.fromkeys(starts, 0)
    for targets in successors.values():
        for target in targets:
            indegree[target] += 1
    ready = [start for start in starts if indegree[start] == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        start = heapq.heappop(ready)
        order.append(blocks[start])
        for target in successors[start]:
            indegree[target] -= 1
            if indegree[target] == 0:
                heapq.heappush(ready, target)
    if len(order) != len(starts):
        raise DecompileError("control flow with a cycle that is not a loop")
    return order


class Decompiler:
    """Rebuild the ``ast`` of a generator expression or of a single-expression function.

    ``Decompiler(code).ast`` is an ``ast.GeneratorExp`` (whose first iterable is ``Name('.0')``
    unless ``first_iter`` is given) or an ``ast.Lambda``.
    """

    def __init__(self, code: CodeType, first_iter: ast.expr | None = None,
                 defaults: list[ast.expr] | None = None,
                 kw_defaults: dict[str, ast.expr] | None = None) -> None:
        self.code = code
        self.first_iter = first_iter
        self.defaults = defaults or []
        self.kw_defaults = kw_defaults or {}
        self.state: _State | None = None
        self.pending: dict[int, list[_State]] = {0: [_State([], [START])]}
        self.loops: list[_Loop] = []
        self.top_decisions: list[Decision] = []
        self.kwnames: tuple[str, ...] = ()
        self.next_ins: dis.Instruction | None = None
        self.ast = self._run()

    # --- driver ----------------------------------------------------------------------------------

    def _run(self) -> ast.expr:
        instructions = list(dis.get_instructions(self.code))
        # a loop's head is its FOR_ITER, or the EXTENDED_ARG in front of it
        self.head_of: dict[int, int] = {}
        for index, ins in enumerate(instructions):
            if ins.opname == "FOR_ITER":
                first = index
                while first and instructions[first - 1].opname == "EXTENDED_ARG":
                    first -= 1
                self.head_of[ins.offset] = instructions[first].offset
        self.loop_heads = set(self.head_of.values())
        for block in _ordered_blocks(instructions, self.loop_heads):
            incoming = self.pending.pop(block[0].offset, [])
            if not incoming:
                continue  # unreachable: loop exits, exception handlers
            for state in self._merge(incoming) if len(incoming) > 1 else incoming:
                self._run_block(block, state, instructions)
        if set(self.pending) - {_RETURN, _YIELD}:
            raise DecompileError("a jump leads outside the decompiled code")
        if self.loops:
            return self._generator()
        returns = self.pending.pop(_RETURN, None)
        if not returns:
            raise DecompileError("the function returns no value")
        merged = self._merge(returns)
        if len(merged) != 1:
            raise DecompileError("cannot rebuild the returned value")
        body = self.expr(merged[0].stack[-1])
        return ast.Lambda(args=_arguments(self.code, self.defaults, self.kw_defaults), body=body)

    def _run_block(self, block: list[dis.Instruction], state: _State,
                   instructions: list[dis.Instruction]) -> None:
        self.state = state
        for index, ins in enumerate(block):
            if self.state is None:
                return
            self.next_ins = block[index + 1] if index + 1 < len(block) else None
            handler = getattr(self, "op_" + ins.opname, None)
            if handler is None:
                if ins.opname in _IGNORED:
                    continue
                raise DecompileError(f"unsupported bytecode instruction {ins.opname}")
            handler(ins)
        if self.state is not None:  # falls through into the next block
            following = next((i.offset for i in instructions if i.offset > block[-1].offset), None)
            if following is None:
                raise DecompileError("the code falls off its end")
            self._goto(self.state, following)
            self.state = None

    def _generator(self) -> ast.GeneratorExp:
        yields = self.pending.pop(_YIELD, None)
        if not yields:
            raise DecompileError("the generator yields nothing")
        merged = self._merge(yields)
        if len(merged) != 1:
            raise DecompileError("cannot rebuild the yielded value")
        final = merged[0]
        if final.loop != len(self.loops) - 1:
            raise DecompileError("a value is yielded outside the innermost loop")
        link(final.origins, self.loops[-1].success)
        clauses = []
        for index, loop in enumerate(self.loops):
            region = find_region(loop.decisions, [loop.success, loop.failure])
            if len(region) != len(loop.decisions):
                raise DecompileError("cannot rebuild the conditions of a for clause")
            condition = reduce_condition(region, loop.success, loop.failure)
            iterable = self.first_iter if index == 0 and self.first_iter is not None else loop.iter
            clauses.append(ast.comprehension(target=loop.slot.build(), iter=iterable,
                                             ifs=[condition] if condition is not None else [], is_async=0))
        return ast.GeneratorExp(elt=self.expr(final.stack[-1]), generators=clauses)

    # --- states and control flow -----------------------------------------------------------------

    def _decisions(self, state: _State) -> list[Decision]:
        return self.loops[state.loop].decisions if state.loop >= 0 else self.top_decisions

    def _merge(self, states: list[_State]) -> list[_State]:
        """Join the states that reach one place: one state when their values can be merged."""
        loop = states[0].loop
        if any(state.loop != loop for state in states):
            raise DecompileError("paths from different loops meet")
        groups: list[_State] = []
        for state in states:
            for group in groups:
                if len(group.stack) == len(state.stack) and all(
                        a is b for a, b in zip(group.stack, state.stack)):
                    group.origins = group.origins + state.origins
                    break
            else:
                groups.append(_State(list(state.stack), list(state.origins), loop))
        if len(groups) == 1:
            return groups
        leaves = [Leaf(tuple(group.stack)) for group in groups]
        decisions = self._decisions(groups[0])
        for group, leaf in zip(groups, leaves):
            link(group.origins, leaf)
        region = find_region(decisions, leaves)
        members = {id(node) for node in region}
        roots = [node for node in region if not any(
            other.fall is node or other.jump is node for other in region)]
        if (len(roots) != 1 or len({len(group.stack) for group in groups}) != 1
                or any(id(node) not in members for group in groups for node, _ in group.origins)):
            # Not a whole value expression yet: some paths come from elsewhere (jump threading),
            # or CPython copied the code that follows into each path, or the values are dropped
            # right away (the clean-up of a chained comparison). Follow each path on its own;
            # the paths merge further on.
            return groups
        root = roots[0]
        for node in region:
            decisions.remove(node)
        merged = reduce_values(list(region), root)
        assert merged.values is not None
        return [_State(list(merged.values), list(root.preds), loop)]

    def _goto(self, state: _State, target: int) -> None:
        if target in self.loop_heads:
            for index, loop in enumerate(self.loops):
                if loop.head == target and state.loop >= index:
                    link(state.origins, loop.failure)  # `continue`: the `if` failed
                    return
        self.pending.setdefault(target, []).append(state)

    def _branch(self, test: ast.expr, target: int, jump_if: bool, keep_on_jump: bool = False) -> None:
        """A conditional jump on ``test`` (already popped) to ``target`` when it equals ``jump_if``."""
        state = self.state
        assert state is not None
        decision = Decision(negate(test) if jump_if else test, state.origins)
        link(state.origins, decision)
        self._decisions(state).append(decision)
        jump_stack = state.stack + [test] if keep_on_jump else list(state.stack)
        self._goto(_State(jump_stack, [(decision, "jump")], state.loop), target)
        self.state = _State(list(state.stack), [(decision, "fall")], state.loop)

    # --- stack helpers ---------------------------------------------------------------------------

    def push(self, *values: Any) -> None:
        assert self.state is not None
        self.state.stack.extend(values)

    def pop(self, count: int | None = None) -> Any:
        assert self.state is not None
        stack = self.state.stack
        if count is None:
            if not stack:
                raise DecompileError("stack underflow")
            return stack.pop()
        if count > len(stack):
            raise DecompileError("stack underflow")
        values = stack[len(stack) - count:] if count else []
        del stack[len(stack) - count:]
        return values

    def expr(self, value: Any) -> ast.expr:
        if isinstance(value, ast.expr):
            return value
        raise DecompileError(f"unexpected value on the stack: {value!r}")

    # --- instructions: loads and stores ----------------------------------------------------------

    def op_LOAD_CONST(self, ins: dis.Instruction) -> None:
        self.push(_const(ins.argval))

    def op_RETURN_GENERATOR(self, ins: dis.Instruction) -> None:
        self.push(None)  # popped by the following POP_TOP

    def _load_name(self, ins: dis.Instruction) -> None:
        self.push(ast.Name(id=ins.argval, ctx=ast.Load()))

    def op_LOAD_GLOBAL(self, ins: dis.Instruction) -> None:
        if ins.arg is not None and ins.arg & 1:
            self.push(_NULL)
        self._load_name(ins)

    def op_LOAD_FAST_LOAD_FAST(self, ins: dis.Instruction) -> None:
        for name in ins.argval:
            self.push(ast.Name(id=name, ctx=ast.Load()))

    def op_LOAD_FAST_AND_CLEAR(self, ins: dis.Instruction) -> None:
        raise DecompileError("list, set and dict comprehensions are not supported in queries; "
                             "use a generator expression")

    def op_LOAD_ATTR(self, ins: dis.Instruction) -> None:
        attribute = ast.Attribute(value=self.expr(self.pop()), attr=ins.argval, ctx=ast.Load())
        is_method = sys.version_info >= (3, 12) and ins.arg is not None and ins.arg & 1
        self.push(attribute, _NULL) if is_method else self.push(attribute)

    def op_LOAD_METHOD(self, ins: dis.Instruction) -> None:
        self.push(ast.Attribute(value=self.expr(self.pop()), attr=ins.argval, ctx=ast.Load()), _NULL)

    def op_PUSH_NULL(self, ins: dis.Instruction) -> None:
        self.push(_NULL)

    def _store(self, name: str) -> None:
        slot = self.pop()
        if not isinstance(slot, _Slot):
            raise DecompileError("assignments are not supported in queries")
        slot.target = ast.Name(id=name, ctx=ast.Store())

    def op_STORE_FAST(self, ins: dis.Instruction) -> None:
        self._store(ins.argval)

    op_STORE_DEREF = op_STORE_FAST

    def op_STORE_FAST_LOAD_FAST(self, ins: dis.Instruction) -> None:
        store, load = ins.argval
        self._store(store)
        self.push(ast.Name(id=load, ctx=ast.Load()))

    def op_STORE_FAST_STORE_FAST(self, ins: dis.Instruction) -> None:
        for name in ins.argval:
            self._store(name)

    def op_UNPACK_SEQUENCE(self, ins: dis.Instruction) -> None:
        slot = self.pop()
        if not isinstance(slot, _Slot):
            raise DecompileError("unpacking is supported only in for targets")
        slot.parts = [_Slot() for _ in range(ins.arg or 0)]
        self.push(*reversed(slot.parts))

    # --- stack shuffling -------------------------------------------------------------------------

    def op_POP_TOP(self, ins: dis.Instruction) -> None:
        self.pop()

    def op_COPY(self, ins: dis.Instruction) -> None:
        assert self.state is not None
        self.push(self.state.stack[-ins.arg])

    def op_SWAP(self, ins: dis.Instruction) -> None:
        assert self.state is not None
        stack = self.state.stack
        stack[-1], stack[-ins.arg] = stack[-ins.arg], stack[-1]

    # --- operators -------------------------------------------------------------------------------

    def op_BINARY_OP(self, ins: dis.Instruction) -> None:
        op = _BINARY_OPS.get(ins.argrepr)
        if op is None:
            raise DecompileError(f"unsupported operator {ins.argrepr}")
        right = self.expr(self.pop())
        self.push(ast.BinOp(left=self.expr(self.pop()), op=op(), right=right))

    def _unary(self, ins: dis.Instruction) -> None:
        self.push(ast.UnaryOp(op=_UNARY_OPS[ins.opname](), operand=self.expr(self.pop())))

    op_UNARY_NEGATIVE = op_UNARY_POSITIVE = op_UNARY_NOT = op_UNARY_INVERT = _unary

    def op_TO_BOOL(self, ins: dis.Instruction) -> None:
        following = self.next_ins.opname if self.next_ins is not None else ""
        if following == "UNARY_NOT" or following.startswith("POP_JUMP_IF_"):
            return  # the truth test that follows does the conversion
        # a value converted to bool: what is left of `not not x` after 3.13's optimizer
        value = self.expr(self.pop())
        self.push(ast.UnaryOp(op=ast.Not(), operand=ast.UnaryOp(op=ast.Not(), operand=value)))

    def op_CALL_INTRINSIC_1(self, ins: dis.Instruction) -> None:
        if ins.arg != _INTRINSIC_UNARY_POSITIVE:
            raise DecompileError(f"unsupported intrinsic {ins.argrepr}")
        self.push(ast.UnaryOp(op=ast.UAdd(), operand=self.expr(self.pop())))

    def _compare(self, op: ast.cmpop) -> None:
        right = self.expr(self.pop())
        self.push(ast.Compare(left=self.expr(self.pop()), ops=[op], comparators=[right]))

    def op_COMPARE_OP(self, ins: dis.Instruction) -> None:
        self._compare(_COMPARE_OPS[dis.cmp_op[(ins.arg or 0) >> _COMPARE_SHIFT]]())

    def op_IS_OP(self, ins: dis.Instruction) -> None:
        self._compare(ast.IsNot() if ins.arg else ast.Is())

    def op_CONTAINS_OP(self, ins: dis.Instruction) -> None:
        self._compare(ast.NotIn() if ins.arg else ast.In())

    def op_BINARY_SUBSCR(self, ins: dis.Instruction) -> None:
        index = self.expr(self.pop())
        self.push(ast.Subscript(value=self.expr(self.pop()), slice=index, ctx=ast.Load()))

    def op_BUILD_SLICE(self, ins: dis.Instruction) -> None:
        self.push(_slice(*(self.expr(part) for part in self.pop(ins.arg))))

    def op_BINARY_SLICE(self, ins: dis.Instruction) -> None:
        lower, upper = (self.expr(part) for part in self.pop(2))
        value = self.expr(self.pop())
        self.push(ast.Subscript(value=value, slice=_slice(lower, upper), ctx=ast.Load()))

    # --- displays and f-strings ------------------------------------------------------------------

    def op_BUILD_TUPLE(self, ins: dis.Instruction) -> None:
        self.push(ast.Tuple(elts=[self.expr(v) for v in self.pop(ins.arg)], ctx=ast.Load()))

    def op_BUILD_LIST(self, ins: dis.Instruction) -> None:
        self.push(ast.List(elts=[self.expr(v) for v in self.pop(ins.arg)], ctx=ast.Load()))

    def op_BUILD_SET(self, ins: dis.Instruction) -> None:
        self.push(ast.Set(elts=[self.expr(v) for v in self.pop(ins.arg)]))

    def _extend(self, ins: dis.Instruction) -> None:
        items = self.expr(self.pop())
        assert self.state is not None
        target = self.state.stack[-ins.arg]
        if not isinstance(items, ast.Tuple | ast.Set) or not isinstance(target, ast.List | ast.Set):
            raise DecompileError("starred expressions are not supported in queries")
        target.elts.extend(items.elts)

    op_LIST_EXTEND = op_SET_UPDATE = _extend

    def op_BUILD_MAP(self, ins: dis.Instruction) -> None:
        items = [self.expr(v) for v in self.pop(2 * (ins.arg or 0))]
        self.push(ast.Dict(keys=items[::2], values=items[1::2]))

    def op_BUILD_CONST_KEY_MAP(self, ins: dis.Instruction) -> None:
        keys = self.pop()
        values = [self.expr(v) for v in self.pop(ins.arg)]
        if not isinstance(keys, ast.Tuple):
            raise DecompileError("unexpected dict keys")
        self.push(ast.Dict(keys=list(keys.elts), values=values))

    def op_FORMAT_VALUE(self, ins: dis.Instruction) -> None:
        flags = ins.arg or 0
        spec = _format_spec(self.expr(self.pop())) if flags & 4 else None
        value = self.expr(self.pop())
        self.push(ast.JoinedStr(values=[ast.FormattedValue(
            value=value, conversion=_CONVERSIONS[flags & 3], format_spec=spec)]))

    def op_CONVERT_VALUE(self, ins: dis.Instruction) -> None:
        self.push(_Converted(self.expr(self.pop()), _CONVERSIONS[ins.arg or 0]))

    def _format(self, spec: ast.JoinedStr | None) -> None:
        value = self.pop()
        conversion = -1
        if isinstance(value, _Converted):
            value, conversion = value.value, value.conversion
        self.push(ast.JoinedStr(values=[ast.FormattedValue(
            value=self.expr(value), conversion=conversion, format_spec=spec)]))

    def op_FORMAT_SIMPLE(self, ins: dis.Instruction) -> None:
        self._format(None)

    def op_FORMAT_WITH_SPEC(self, ins: dis.Instruction) -> None:
        self._format(_format_spec(self.expr(self.pop())))

    def op_BUILD_STRING(self, ins: dis.Instruction) -> None:
        values: list[ast.expr] = []
        for part in self.pop(ins.arg):
            for piece in (part.values if isinstance(part, ast.JoinedStr) else [self.expr(part)]):
                if isinstance(piece, ast.Constant) and values and isinstance(values[-1], ast.Constant):
                    values[-1] = ast.Constant(value=values[-1].value + piece.value)
                else:
                    values.append(piece)
        self.push(ast.JoinedStr(values=values))

    # --- calls and nested functions --------------------------------------------------------------

    def op_KW_NAMES(self, ins: dis.Instruction) -> None:
        self.kwnames = tuple(self.code.co_consts[ins.arg or 0])

    def op_CALL(self, ins: dis.Instruction) -> None:
        kwnames, self.kwnames = self.kwnames, ()
        self._call(ins.arg or 0, kwnames)

    def op_CALL_KW(self, ins: dis.Instruction) -> None:
        names = self.pop()
        if not isinstance(names, ast.Tuple):
            raise DecompileError("unexpected keyword names")
        self._call(ins.arg or 0, tuple(elt.value for elt in names.elts if isinstance(elt, ast.Constant)))

    def _call(self, argc: int, kwnames: tuple[str, ...]) -> None:
        args = self.pop(argc)
        upper, lower = self.pop(), self.pop()
        if lower is _NULL:
            func = upper
        elif upper is _NULL:
            func = lower
        else:  # a callable with a bound first argument: how a genexpr receives its iterator
            func, args = lower, [upper, *args]
        if isinstance(func, _Function):
            if len(args) != 1 or kwnames:
                raise DecompileError("unexpected call of a generator expression")
            self.push(Decompiler(func.code, first_iter=self.expr(args[0])).ast)
            return
        npos = len(args) - len(kwnames)
        keywords = [ast.keyword(arg=name, value=self.expr(value))
                    for name, value in zip(kwnames, args[npos:])]
        self.push(ast.Call(func=self.expr(func), args=[self.expr(a) for a in args[:npos]],
                           keywords=keywords))

    def op_MAKE_FUNCTION(self, ins: dis.Instruction) -> None:
        code = self.pop()
        if not isinstance(code, CodeType):
            raise DecompileError("MAKE_FUNCTION without a code object")
        flags = ins.arg or 0  # 3.13 sets these with SET_FUNCTION_ATTRIBUTE instead
        if flags & 8:
            self.pop()  # closure cells: names are resolved by the caller
        if flags & 4:
            raise DecompileError("annotations are not supported in queries")
        kw_defaults = self.pop() if flags & 2 else None
        defaults = self.pop() if flags & 1 else None
        self.push(self._function(code))
        self._set_defaults(defaults, kw_defaults)

    def op_SET_FUNCTION_ATTRIBUTE(self, ins: dis.Instruction) -> None:
        function = self.pop()
        value = self.pop()
        self.push(function)
        if ins.arg == 1:
            self._set_defaults(value, None)
        elif ins.arg == 2:
            self._set_defaults(None, value)
        elif ins.arg == 4:
            raise DecompileError("annotations are not supported in queries")

    def _function(self, code: CodeType) -> ast.expr | _Function:
        if code.co_name == "<genexpr>":
            return _Function(code)
        if code.co_name == "<lambda>":
            return Decompiler(code).ast
        raise DecompileError(f"{code.co_name} is not supported in queries; use a generator expression")

    def _set_defaults(self, defaults: Any, kw_defaults: Any) -> None:
        assert self.state is not None
        function = self.state.stack[-1]
        if defaults is None and kw_defaults is None:
            return
        if not isinstance(function, ast.Lambda):
            raise DecompileError("defaults of a generator expression")
        if isinstance(defaults, ast.Tuple):
            function.args.defaults = list(defaults.elts)
        if isinstance(kw_defaults, ast.Dict):
            given = {key.value: value for key, value in zip(kw_defaults.keys, kw_defaults.values)
                     if isinstance(key, ast.Constant)}
            function.args.kw_defaults = [given.get(arg.arg) for arg in function.args.kwonlyargs]

    # --- loops, jumps, yields and returns --------------------------------------------------------

    def op_FOR_ITER(self, ins: dis.Instruction) -> None:
        state = self.state
        assert state is not None
        iterable = self.expr(state.stack[-1])
        if state.loop != len(self.loops) - 1:
            raise DecompileError("loops are not nested as in a generator expression")
        if self.loops:  # the enclosing clause's conditions end where this loop starts
            link(state.origins, self.loops[-1].success)
        elif self.top_decisions:
            raise DecompileError("conditions before the first for clause")
        slot = _Slot()
        self.loops.append(_Loop(self.head_of[ins.offset], iterable, slot))
        self.state = _State([*state.stack, slot], [START], len(self.loops) - 1)

    def op_YIELD_VALUE(self, ins: dis.Instruction) -> None:
        if not self.loops:
            raise DecompileError("yield outside of a generator expression")
        self._exit(_YIELD)

    def op_RETURN_VALUE(self, ins: dis.Instruction) -> None:
        if self.loops:
            raise DecompileError("return inside a generator expression")
        self._exit(_RETURN)

    def op_RETURN_CONST(self, ins: dis.Instruction) -> None:
        self.push(_const(ins.argval))
        self.op_RETURN_VALUE(ins)

    def _exit(self, where: int) -> None:
        assert self.state is not None
        value = self.state.stack[-1]  # may depend on the path: resolved when exits merge
        self.pending.setdefault(where, []).append(_State([value], self.state.origins, self.state.loop))
        self.state = None

    def _jump(self, ins: dis.Instruction) -> None:
        assert self.state is not None
        self._goto(self.state, ins.argval)
        self.state = None

    def _pop_jump(self, ins: dis.Instruction) -> None:
        value = self.expr(self.pop())
        kind = ins.opname.rsplit("_IF_", 1)[1]
        if kind in ("NONE", "NOT_NONE"):
            test = ast.Compare(left=value, ops=[ast.Is()], comparators=[ast.Constant(value=None)])
            self._branch(test, ins.argval, jump_if=kind == "NONE")
        else:
            self._branch(value, ins.argval, jump_if=kind == "TRUE")

    def op_JUMP_IF_FALSE_OR_POP(self, ins: dis.Instruction) -> None:
        self._branch(self.expr(self.pop()), ins.argval, jump_if=False, keep_on_jump=True)

    def op_JUMP_IF_TRUE_OR_POP(self, ins: dis.Instruction) -> None:
        self._branch(self.expr(self.pop()), ins.argval, jump_if=True, keep_on_jump=True)


# Instructions that share a handler (3.11 spells conditional jumps with FORWARD/BACKWARD).
for _name in _NAME_LOADS - {"LOAD_GLOBAL"}:
    setattr(Decompiler, "op_" + _name, Decompiler._load_name)
for _name in _JUMPS:
    setattr(Decompiler, "op_" + _name, Decompiler._jump)
for _name in ("POP_JUMP_IF_FALSE", "POP_JUMP_IF_TRUE", "POP_JUMP_IF_NONE", "POP_JUMP_IF_NOT_NONE"):
    for _prefix in ("POP_JUMP_", "POP_JUMP_FORWARD_", "POP_JUMP_BACKWARD_"):
        setattr(Decompiler, "op_" + _name.replace("POP_JUMP_", _prefix), Decompiler._pop_jump)


def decompile_code(code: CodeType, defaults: list[ast.expr] | None = None,
                   kw_defaults: dict[str, ast.expr] | None = None) -> ast.GeneratorExp | ast.Lambda:
    """Decompile ``code`` or raise a :class:`DecompileError` that says how to write the query."""
    try:
        if getattr(code, "co_exceptiontable", b"") and not code.co_flags & inspect.CO_GENERATOR:
            # try/except (or with) in a function body: never one expression, and the handler's
            # code is not on the path the decompiler reads (``os.path.exists`` read as ``True``)
            raise DecompileError("the code handles exceptions")
        tree = Decompiler(code, defaults=defaults, kw_defaults=kw_defaults).ast
    except DecompileError as exc:
        where = f"{code.co_name} in {code.co_filename}, line {code.co_firstlineno}"
        raise DecompileError(f"Cannot decompile {where}: {exc}. {HOW_TO_FIX}") from None
    assert isinstance(tree, ast.GeneratorExp | ast.Lambda)
    return ast.fix_missing_locations(tree)
