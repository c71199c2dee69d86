"""A query as a chain of steps (a generator or an entity, then filters and orderings) and the
translation cache.

The cache has two levels: per step key (a code object, a query text or a structural tuple) the
list of outer sub-expressions to evaluate at each call, and per chain of (key, signature of the
values) the finished ``Translation``. A repeated query therefore costs the evaluation of its
outer values and one dict look-up.
"""

from __future__ import annotations

import ast as pyast
from typing import Any

from ..errors import TranslationError
from ..sql import ast
from . import params as P
from .frames import Frame
from .objects import CollectionExpr, ObjectExpr, find_attr
from .reading import Captured
from .translator import DescExpr, RowExpr, Structural, Translation, Translator
from .values import Value, literal

_evaluators: dict[Any, list] = {}
_translations: dict[tuple, Translation] = {}
_shapes: dict[tuple, list] = {}
_counter = [0]
_FIRST_ITER = pyast.Name(id=".0", ctx=pyast.Load())


class Step:
    """One link of a query chain. ``values`` are the outer values bound for this call."""

    __slots__ = ("kind", "captured", "data", "key", "values")

    def __init__(
        self, kind: str, captured: Captured | None = None, data: Any = None, values: list | None = None
    ) -> None:
        self.kind = kind
        self.captured = captured
        self.data = data
        self.key = (kind, captured.key if captured is not None else None, data)
        self.values = values
        if values is None and captured is not None:
            evaluators = _evaluators.get(self.key)
            if evaluators is not None:
                self.values = _evaluate(evaluators, captured)
        elif values is None:
            self.values = []

    def signature(self) -> tuple:
        evaluators = _evaluators.get(self.key) if self.captured is not None else None
        if evaluators is None:
            return tuple(P.signature(v) for v in self.values)  # type: ignore[union-attr]
        return (id(evaluators),) + tuple(
            ("v", v) if ev.exact else P.signature(v) for ev, v in zip(evaluators, self.values)
        )  # type: ignore[arg-type]


def _canonical(step_key: Any, evaluators: list) -> list:
    """One list object per shape of evaluators, so that ``id(evaluators)`` in a signature stays
    the same when another Database (or another value type) translates the same code again;
    otherwise every such call would miss the cache and keep a new translation."""
    shape = (step_key, tuple((ev.src, ev.exact, _fixed_shape(ev.fixed)) for ev in evaluators))
    try:
        return _shapes.setdefault(shape, evaluators)
    except TypeError:
        return evaluators


def _fixed_shape(fixed: tuple | None) -> Any:
    if fixed is None:
        return None
    globals_, cells = fixed
    return (id(globals_), tuple((name, id(value)) for name, value in cells.items()))


def _evaluate(evaluators: list, captured: Captured) -> list:
    ns = (captured.globals, captured.locals)
    return [ev.evaluate(*(ev.fixed or ns)) for ev in evaluators]


def translate(database: Any, steps: tuple) -> tuple[Translation, list]:
    """The translation of a chain and the flat list of its outer values for this call."""
    if all(step.values is not None for step in steps):
        key = tuple((step.key, step.signature()) for step in steps)
        try:
            translation = _translations.get(key)
        except TypeError:  # an unhashable structural value: no caching
            translation, key = None, None
        if translation is not None:
            return translation, [v for step in steps for v in step.values]
    else:
        key = None
    translation, values = _translate(database, steps)
    try:  # again: the translation may have chosen other evaluators than the ones the key used
        key = tuple((step.key, step.signature()) for step in steps)
    except TypeError:
        key = None
    if key is not None:
        try:
            _translations[key] = translation
        except TypeError:
            pass
    return translation, values


def translation_count() -> int:
    """How many chains have been translated so far (a cache miss each); for tests and tools."""
    return _counter[0]


def _translate(database: Any, steps: tuple) -> tuple[Translation, list]:
    _counter[0] += 1
    tr = Translator(database)
    for i, step in enumerate(steps):
        start = len(tr.values)
        tr.evaluators = []
        tr._memo = {}
        if step.captured is not None:
            tr.namespace = (step.captured.globals, step.captured.locals)
        else:
            tr.values.extend(step.values)
            tr.evaluators.extend([None] * len(step.values))
        STEP_HANDLERS[step.kind](tr, step, start)
        if i == 0:
            tr.loop_vars = {name: tr.locals[name] for name in tr.loop_names}
        if step.captured is not None:
            _evaluators[step.key] = _canonical(step.key, tr.evaluators)
            step.values = tr.values[start:]
    if not tr.result_items:
        tr.finish_results()
    return Translation(tr), list(tr.values)


# --- step handlers -----------------------------------------------------------------------------


def _gen_step(tr: Translator, step: Step, start: int) -> None:
    node = step.captured.tree  # type: ignore[union-attr]
    if not isinstance(node, pyast.GeneratorExp):
        raise TypeError("The first argument of select() must be a generator expression")
    left_join = step.data == "left"
    first = None
    if ".0" in step.captured.locals:  # type: ignore[union-attr]
        index, value = tr.register(_FIRST_ITER)
        first = tr.value_expr(index, value)
        first.src_from(node.generators[0].iter)
    tr.frame.left_join = left_join
    tr.translate_loops(node, tr.frame, first, left_join)
    tr.set_results(tr.visit(node.elt))


def _entity_step(tr: Translator, step: Step, start: int) -> None:
    entity, name = step.data
    tr.bind_loop(tr.frame, name, Structural(entity))
    tr.loop_names.append(name)
    tr.set_results(tr.locals[name])


def _collection_step(tr: Translator, step: Step, start: int) -> None:
    attr, name = step.data
    owner = tr.value_expr(start, step.values[0])  # type: ignore[index]
    tr.bind_loop(tr.frame, name, CollectionExpr(owner, attr))  # type: ignore[arg-type]
    tr.loop_names.append(name)
    tr.set_results(tr.locals[name])


def _bind_lambda(tr: Translator, step: Step, mode: str) -> pyast.expr:
    """Bind a filter/order lambda's parameters; returns the body to translate."""
    node = step.captured.tree  # type: ignore[union-attr]
    loop_vars = tr.loop_vars
    if not isinstance(node, pyast.Lambda):
        tr.locals = dict(loop_vars)
        return node
    names = [a.arg for a in node.args.args]
    if not names:
        tr.locals = dict(loop_vars)
    elif mode == "where":
        for name in names:
            if name not in loop_vars:
                raise TypeError(
                    f"Lambda argument {name!r} does not correspond to any loop variable "
                    f"(loop variables: {', '.join(tr.loop_names)})"
                )
        tr.locals = {name: loop_vars[name] for name in names}
    else:
        if len(names) != len(tr.results):
            raise TypeError(
                f"Incorrect number of lambda arguments. Expected: {len(tr.results)}, got: {len(names)}"
            )
        tr.locals = dict(zip(names, tr.results))
    return node.body


def _filter_step(tr: Translator, step: Step, start: int) -> None:
    body = _bind_lambda(tr, step, step.data)
    expr = tr.visit(body)
    tr.add_condition(expr)


def _order_step(tr: Translator, step: Step, start: int) -> None:
    body = _bind_lambda(tr, step, "filter")
    expr = tr.visit(body)
    items = expr.items if isinstance(expr, RowExpr) else [expr]
    keys = []
    for item in items:
        desc = False
        while isinstance(item, DescExpr):
            item, desc = item.expr, not desc
        keys.extend(order_keys(tr, item, desc))
    tr.order[:0] = keys


def order_keys(tr: Translator, item: Any, desc: bool) -> list:
    if isinstance(item, ObjectExpr):
        return [ast.OrderBy(n, desc) for n in item.pk_nodes]
    if isinstance(item, Value):
        if item.aggregated:
            tr.frame.aggregated = True
        return [ast.OrderBy(item.columns()[0], desc)]
    raise TranslationError(f"Expression `{item.src}` cannot be used for ordering")


def _order_attrs_step(tr: Translator, step: Step, start: int) -> None:
    keys = []
    result = tr.results[0] if tr.single else None
    if not isinstance(result, ObjectExpr):
        raise TypeError("Attributes can be used in order_by() only when the query result is an entity")
    for attr, desc in step.data:
        if (
            attr.entity is not result.entity
            and not issubclass(result.entity, attr.entity)
            and not issubclass(attr.entity, result.entity)
        ):
            raise TypeError(f"Attribute {attr} does not belong to entity {result.entity.__name__}")
        if attr.is_collection:
            raise TypeError(f"Collection attribute {attr} cannot be used for ordering")
        value = result.getattr(attr.name, tr)
        if isinstance(value, ObjectExpr):
            keys.extend(ast.OrderBy(n, desc) for n in value.pk_nodes)
        else:
            keys.append(ast.OrderBy(value.node, desc))  # type: ignore[attr-defined]
    tr.order[:0] = keys


def _order_positions_step(tr: Translator, step: Step, start: int) -> None:
    tr.finish_results()
    items = tr.result_items
    keys = []
    for pos in step.data:
        if pos == 0:
            raise ValueError("Numeric arguments of order_by() method must be non-zero")
        index = abs(pos) - 1
        if index >= len(items):
            raise IndexError(
                f"Invalid index of order_by() method: {pos} (query result is {len(items)}-column)"
            )
        item = items[index]
        expr = item.expr
        nodes = expr.pk_nodes if isinstance(expr, ObjectExpr) else item.columns
        keys.extend(ast.OrderBy(n, pos < 0) for n in nodes)
    tr.order[:0] = keys
    tr.result_items = []


def _order_raw_step(tr: Translator, step: Step, start: int) -> None:
    raw = step.values[0]  # type: ignore[index]
    expr = tr.raw_expr(raw.sql, raw.items, start, None)
    tr.order[:0] = [ast.OrderBy(expr.node)]


def _order_none_step(tr: Translator, step: Step, start: int) -> None:
    tr.order = []


def _raw_filter_step(tr: Translator, step: Step, start: int) -> None:
    raw = step.values[0]  # type: ignore[index]
    expr = tr.raw_expr(raw.sql, raw.items, start, None)
    tr.frame.where.append(expr.node)


def _kwargs_step(tr: Translator, step: Step, start: int) -> None:
    result = tr.results[0] if tr.single else None
    if not isinstance(result, ObjectExpr):
        raise TypeError("Keyword arguments are not allowed: query result is not an entity")
    entity = result.entity
    for i, name in enumerate(step.data):
        attr = find_attr(entity, name)
        if attr is None:
            raise TypeError(f"Entity {entity.__name__} does not have attribute {name!r}")
        if attr.is_collection:
            raise TypeError(f"Collection attribute {attr} cannot be used in filter()")
        value = step.values[i]  # type: ignore[index]
        if value is not None and not attr.is_relation:
            value = attr.validate(value, None, from_db=True)
            tr.values[start + i] = value
        left = result.getattr(name, tr)
        right = tr.value_expr(start + i, value) if value is not None else literal(None)
        tr.frame.where.append(tr.compare("Eq", left, right))


def _distinct_step(tr: Translator, step: Step, start: int) -> None:
    tr.distinct = step.data


STEP_HANDLERS = {
    "gen": _gen_step,
    "entity": _entity_step,
    "collection": _collection_step,
    "filter": _filter_step,
    "order": _order_step,
    "order_attrs": _order_attrs_step,
    "order_positions": _order_positions_step,
    "order_raw": _order_raw_step,
    "order_none": _order_none_step,
    "raw_filter": _raw_filter_step,
    "kwargs": _kwargs_step,
    "distinct": _distinct_step,
}

_ = (Frame,)
