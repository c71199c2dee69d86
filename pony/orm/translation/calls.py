"""Function and method calls inside a query: builtins, Pony's query functions, casts, date/time
functions, ``getattr``/``isinstance``, ``raw_sql``, and inlined hybrid methods and properties.
"""

from __future__ import annotations

import ast as pyast
import builtins
import datetime
import decimal
import random
from typing import Any

from ..errors import (
    DecompileError,
    ExprEvalError,
    IncomparableTypesError,
    TranslationError,
    TranslationNotImplementedError,
    TranslationTypeError,
    TranslationValueError,
)
from ..sql import ast, dollar
from . import params as P
from .capture import capture
from .methods import entity_query_call, getattr_method_call
from .nested import scalar_subquery
from .objects import CollectionExpr, ObjectExpr, ObjectParam, SetExpr, find_attr
from .values import (
    Condition,
    Expr,
    JsonExpr,
    ListExpr,
    NumberValue,
    RawValue,
    StrValue,
    Value,
    aggregate_type,
    comparable,
    make_value,
    number_node,
    result_number_type,
)
from .wrappers import DescExpr, LambdaExpr, RawType
from .wrappers import constant_argument as _constant

CASTS = {int: "int", float: "float", str: "str", bool: "bool", decimal.Decimal: "Decimal"}
MAX_HYBRID_DEPTH = 20


class DistinctExpr(Expr):
    def __init__(self, expr: Expr) -> None:
        self.expr = expr
        self.py_type = expr.py_type


def translate_call(tr: Any, node: pyast.Call) -> Expr:
    rewritten = getattr_method_call(tr, node)
    if rewritten is not None:
        return translate_call(tr, rewritten)
    func = node.func
    if isinstance(func, pyast.Lambda):
        raise TranslationNotImplementedError(f"A lambda cannot be called inside a query: {pyast.unparse(node)}")
    if isinstance(func, pyast.Attribute) and not tr.is_external(func):
        obj = tr.visit(func.value)
        args, kwargs = _args(tr, node)
        if isinstance(obj, ObjectExpr) and not isinstance(obj, ObjectParam):
            method = _class_attr(obj.entity, func.attr)
            if callable(method):
                return _inline_call(tr, method, [obj] + args, kwargs, node)
        return obj.call_method(func.attr, args, kwargs, tr)
    _, callee = tr.register(func)
    subquery = entity_query_call(tr, callee, node)
    if subquery is not None:
        return subquery
    name = getattr(callee, "_pony_func_", None)
    handler = PONY_FUNCTIONS.get(name) if name else BUILTIN_FUNCTIONS.get(_key(callee))
    if handler is not None:
        return handler(tr, node, callee)
    if isinstance(callee, type) and callee in CASTS:
        return _cast(tr, node, callee)
    if P.is_entity_class(callee):
        raise TranslationError(f"Objects cannot be created inside a query: {pyast.unparse(node)}")
    if callable(callee) and hasattr(callee, "__code__"):
        args, kwargs = _args(tr, node)
        return _inline_call(tr, callee, args, kwargs, node)
    raise TranslationTypeError(  # a builtin or C function: Pony raises TypeError
        f"Function {pyast.unparse(func)}() cannot be used in a query: {pyast.unparse(node)}"
    )


class NotInlinable(TranslationError):
    """A Python function called in a query whose body cannot be translated."""


def _inline_call(tr: Any, func: Any, args: list, kwargs: dict, node: pyast.Call) -> Expr:
    """Inline the function the user called; if it (or one it calls) cannot be translated, the
    error names the call as the user wrote it (``re.match(...)``), not the library's internals."""
    src = pyast.unparse(node)
    try:
        return inline_function(tr, func, args, kwargs, src)
    except (NotInlinable, DecompileError) as exc:
        if getattr(exc, "called", None) == src:
            raise
        error = NotInlinable(
            f"{pyast.unparse(node.func)}(...) is too complex to be translated inside a query "
            f"(only a function whose body is a single `return <expression>` can be): {src}"
        )
        error.called = src  # type: ignore[attr-defined]
        raise error from exc


def _key(value: Any) -> Any:
    try:
        hash(value)
        return value
    except TypeError:
        return None


def _args(tr: Any, node: pyast.Call) -> tuple[list, dict]:
    args = [LambdaExpr(a) if isinstance(a, pyast.Lambda) else tr.visit(a) for a in node.args]
    kwargs = {k.arg: tr.visit(k.value) for k in node.keywords if k.arg is not None}
    return args, kwargs


def _kwarg(node: pyast.Call, name: str) -> pyast.expr | None:
    for k in node.keywords:
        if k.arg == name:
            return k.value
    return None


# --- aggregates ----------------------------------------------------------------------------------


def _aggregate(name: str) -> Any:
    def handler(tr: Any, node: pyast.Call, callee: Any) -> Expr:
        distinct = _constant(tr, _kwarg(node, "distinct"), "distinct")
        sep = _constant(tr, _kwarg(node, "sep"), "sep")
        unknown = {k.arg for k in node.keywords} - {"distinct", "sep"}
        if unknown:
            raise TypeError(f"{name.lower()}() got unexpected keyword argument {unknown.pop()!r}")
        if distinct is not None and not isinstance(distinct, bool):
            raise TypeError(f"`distinct` value should be True or False. Got: {distinct!r}")
        args = node.args
        if name == "GROUP_CONCAT" and len(args) == 2:
            sep = _constant(tr, args[1], "sep")
            args = args[:1]
        if name in ("MIN", "MAX") and len(args) > 1:
            values = [tr.visit(a) for a in args]
            return _scalar_minmax(tr, name, values, node)
        if not args:
            if name != "COUNT":
                raise TypeError(f"{name.lower()}() requires an argument")
            return _row_aggregate(tr, ast.Aggregate("COUNT", None), int)
        if len(args) > 1:
            raise TypeError(f"{name.lower()}() takes one argument: {pyast.unparse(node)}")
        if sep is not None and not isinstance(sep, str):
            raise TypeError(f"'sep' option of group_concat() must be str. Got: {sep!r}")
        arg = args[0]
        if name == "COUNT" and isinstance(arg, pyast.Constant) and arg.value == "*":
            return _row_aggregate(tr, ast.Aggregate("COUNT", None), int)
        expr = tr.visit(arg)
        if isinstance(expr, DistinctExpr):
            distinct, expr = True, expr.expr
        if isinstance(expr, CollectionExpr):
            expr = expr.as_set(tr)
        if isinstance(expr, SetExpr):
            if expr.distinct:
                distinct = True
            _check_object_aggregate(name, expr.item, node)
            return expr.aggregate(name, tr, distinct, sep)
        if isinstance(expr, ObjectExpr) and name == "GROUP_CONCAT" and len(expr.pk_nodes) == 1:
            expr = make_value(expr.pk_nodes[0], int)  # Pony joins the primary keys
        elif isinstance(expr, ObjectExpr):
            if name != "COUNT":
                raise TypeError(
                    f"Function {name!r} cannot be applied to type {expr.entity.__name__!r} in {call_source(node)}"
                )
            if len(expr.pk_nodes) == 1:
                count = ast.Aggregate("COUNT", expr.pk_nodes[0], distinct is not False)
                if distinct is None:
                    tr.object_counts.append((count, tr.frame, expr))
                return _row_aggregate(tr, count, int)
            return _row_aggregate(tr, ast.Aggregate("COUNT", None), int)
        return _value_aggregate(tr, name, expr, arg, node, distinct, sep)

    return handler


def _value_aggregate(tr: Any, name: str, expr: Any, arg: pyast.expr, node: pyast.Call, distinct: Any,
                     sep: Any) -> Expr:
    """An aggregate of a scalar value: COUNT (of a condition too), GROUP_CONCAT, SUM, AVG, MIN, MAX."""
    if not isinstance(expr, Value):
        raise TypeError(f"{name.lower()}() is not supported for {pyast.unparse(arg)}")
    if name == "COUNT" and expr.kind == "bool":
        # Pony's conditional COUNT: the rows where the condition holds
        counted = ast.Case(((expr.truth(), ast.Value(1)),), None)
        return _row_aggregate(tr, ast.Aggregate("COUNT", counted), int)
    if name == "COUNT":
        return _row_aggregate(tr, ast.Aggregate("COUNT", expr.node, distinct is not False), int)
    if name == "GROUP_CONCAT":
        if (
            sep is not None
            and distinct
            and not getattr(tr.provider, "GROUP_CONCAT_SEP_WITH_DISTINCT", True)
        ):
            raise TypeError(
                "Query can not contain group_concat with both distinct and sep arguments on this database"
            )
        return _row_aggregate(tr, ast.GroupConcat(expr.node, sep, bool(distinct)), str)
    if name in ("SUM", "AVG") and isinstance(expr, JsonExpr) and expr.path:
        expr = expr.as_type("float", float)  # as in Pony: the Json value read as a number
    if name in ("SUM", "AVG") and expr.kind not in ("number", "bool"):
        raise TypeError(
            f"Function {name.lower()}() expects numeric argument, got {expr.type_name()}: "
            f"{pyast.unparse(node)}"
        )
    agg: ast.Node = ast.Aggregate(name, number_node(expr), bool(distinct))
    if name == "SUM":
        agg = ast.Func("coalesce", agg, ast.Value(0))
    py_type = aggregate_type(name, expr)  # as in Pony: an average is a float
    attr = expr.attr if name in ("MIN", "MAX") else None
    return _row_aggregate(tr, agg, py_type, attr)


def call_source(node: pyast.Call) -> str:
    """A call as the user wrote it: ``max(x for x in s)``, not ``ast.unparse``'s ``max((x for x in s))``."""
    if len(node.args) == 1 and not node.keywords and isinstance(node.args[0], pyast.GeneratorExp):
        return pyast.unparse(node.func) + pyast.unparse(node.args[0])
    return pyast.unparse(node)


def _check_object_aggregate(name: str, item: Expr, node: pyast.Call) -> None:
    """sum/avg/min/max of a collection or generator of objects: Pony's TypeError."""
    if isinstance(item, ObjectExpr) and name in ("SUM", "AVG", "MIN", "MAX"):
        wanted = "numeric" if name in ("SUM", "AVG") else "comparable"
        raise TypeError(
            f"Function {name.lower()}() expects query or items of {wanted} type, "
            f"got {item.entity.__name__!r} in {call_source(node)}"
        )


def _row_aggregate(tr: Any, node: ast.Node, py_type: Any, attr: Any = None) -> Value:
    tr.frame.aggregated = True
    return make_value(node, py_type, attr, aggregated=True)


def _scalar_minmax(tr: Any, name: str, values: list, node: pyast.Call) -> Value:
    if not all(isinstance(v, Value) for v in values):
        raise TypeError(f"{name.lower()}() arguments must be values: {pyast.unparse(node)}")
    for other in values[1:]:
        if not comparable(values[0], other, "<"):
            raise IncomparableTypesError(values[0].py_type, other.py_type)
    py_type = values[0].py_type
    nodes = [v.node for v in values]
    kinds = {v.kind for v in values}
    if kinds <= {"number", "bool"} and "number" in kinds:  # bools among numbers count as 1 and 0
        for v in values[1:]:
            py_type = result_number_type(py_type, v.py_type)
        nodes = [number_node(v) for v in values]
    return make_value(
        ast.Scalar("GREATEST" if name == "MAX" else "LEAST", *nodes),
        py_type,
        aggregated=any(v.aggregated for v in values),
    )


def _distinct(tr: Any, node: pyast.Call, callee: Any) -> Expr:
    if len(node.args) != 1:
        raise TypeError("distinct() takes exactly one argument")
    expr = tr.visit(node.args[0])
    if isinstance(expr, CollectionExpr):
        expr = expr.as_set(tr)
    if isinstance(expr, SetExpr):
        return SetExpr(expr.frame, expr.item, True)
    return DistinctExpr(expr)


# --- subqueries --------------------------------------------------------------------------------


def _subquery_arg(tr: Any, node: pyast.Call, fname: str) -> SetExpr:
    if len(node.args) != 1:
        raise TypeError(f"{fname}() takes exactly one argument: {pyast.unparse(node)}")
    expr = tr.visit(node.args[0])
    if isinstance(expr, CollectionExpr):
        expr = expr.as_set(tr)
    if not isinstance(expr, SetExpr):
        raise TypeError(
            f"{fname}() inside a query expects a generator expression or a collection: {pyast.unparse(node)}"
        )
    return expr


def _select(tr: Any, node: pyast.Call, callee: Any) -> Expr:
    return _subquery_arg(tr, node, "select")


def _exists(tr: Any, node: pyast.Call, callee: Any) -> Expr:
    return Condition(_subquery_arg(tr, node, "exists").any_true(), bool)


# --- scalar functions ---------------------------------------------------------------------------


def _len(tr: Any, node: pyast.Call, callee: Any) -> Expr:
    if len(node.args) != 1:
        raise TypeError("len() takes exactly one argument")
    return tr.visit(node.args[0]).length(tr)


def _abs(tr: Any, node: pyast.Call, callee: Any) -> Expr:
    value = tr.visit(node.args[0])
    if not isinstance(value, NumberValue):
        raise TypeError(f"abs() expects a number: {pyast.unparse(node)}")
    return value.derived(ast.Func("abs", value.node))


def _cast(tr: Any, node: pyast.Call, callee: Any) -> Expr:
    if len(node.args) != 1 or node.keywords:
        raise TypeError(
            f"{callee.__name__}() inside a query takes exactly one argument: {pyast.unparse(node)}"
        )
    value = tr.visit(node.args[0])
    name = CASTS[callee]
    if isinstance(value, JsonExpr):
        return value.as_type(name if name != "Decimal" else "float", callee)
    if not isinstance(value, Value):
        raise TypeError(f"{name}() cannot be applied to {pyast.unparse(node.args[0])}")
    if callee is bool:
        return Condition(tr.condition(value), bool, aggregated=value.aggregated)
    return make_value(ast.Cast(value.node, name), callee, aggregated=value.aggregated)


def _now(tr: Any, node: pyast.Call, callee: Any) -> Expr:
    return make_value(ast.Now(), datetime.datetime)


def _today(tr: Any, node: pyast.Call, callee: Any) -> Expr:
    return make_value(ast.Today(), datetime.date)


def _random(tr: Any, node: pyast.Call, callee: Any) -> Expr:
    return make_value(ast.Random(), float)


def _date_constructor(tr: Any, node: pyast.Call, callee: Any) -> Expr:
    raise TranslationNotImplementedError(
        f"{callee.__name__}() inside a query needs constant arguments: {pyast.unparse(node)}"
    )


def _getattr(tr: Any, node: pyast.Call, callee: Any) -> Expr:
    if len(node.args) != 2:
        raise TypeError("getattr() inside a query takes two arguments")
    obj = tr.visit(node.args[0])
    name = _constant(tr, node.args[1], "The attribute name of getattr()")
    if not isinstance(name, str):
        raise TypeError(f"In `{pyast.unparse(node)}` second argument should be a string. Got: {name!r}")
    if isinstance(obj, ObjectExpr):
        hybrid = hybrid_property(tr, obj, name)
        if hybrid is not None:
            return hybrid
    return obj.getattr(name, tr)


def _isinstance(tr: Any, node: pyast.Call, callee: Any) -> Expr:
    obj = tr.visit(node.args[0])
    classes = _constant(tr, node.args[1], "The class of isinstance()")
    if not isinstance(obj, ObjectExpr):
        raise TranslationValueError(
            f"Inside a query, isinstance first argument should be of entity type. Got: {pyast.unparse(node.args[0])}"
        )
    classes = classes if isinstance(classes, tuple) else (classes,)
    conds = []
    for cls in classes:
        if not P.is_entity_class(cls):
            raise TypeError(f"isinstance() expects entity classes: {pyast.unparse(node)}")
        if issubclass(obj.entity, cls):
            return Condition(ast.And(), bool)
        if issubclass(cls, obj.entity):
            conds.append(tr.discriminator_in(cls, obj.ensure_alias(tr)))
    return Condition(ast.Or(*conds) if len(conds) != 1 else conds[0], bool)


def _coalesce(tr: Any, node: pyast.Call, callee: Any) -> Expr:
    if len(node.args) < 2:
        raise TranslationError(f"coalesce() function requires at least two arguments: {pyast.unparse(node)}")
    values = [scalar_subquery(tr.visit(a)) for a in node.args]
    if all(isinstance(v, ObjectExpr) for v in values) and all(len(v.pk_nodes) == 1 for v in values):
        first = values[0]
        pk = ast.Func("coalesce", *[v.pk_nodes[0] for v in values])
        return ObjectExpr(first.entity, tr.frame, None, [pk])
    if not all(isinstance(v, Value) for v in values) or not _same_kind(values):
        raise TypeError(f"All arguments of coalesce() function should have the same type: {pyast.unparse(node)}")
    py_type = next((v.py_type for v in values if v.kind != "none"), type(None))
    return make_value(
        ast.Func("coalesce", *[v.node for v in values]), py_type, aggregated=any(v.aggregated for v in values)
    )


def _same_kind(values: list) -> bool:
    """coalesce()'s arguments: one type (numbers and bools mix, dates and datetimes mix)."""
    kinds = {"number" if v.kind == "bool" else "date" if v.kind == "datetime" else v.kind for v in values}
    return len(kinds - {"raw"}) <= 1


def _concat(tr: Any, node: pyast.Call, callee: Any) -> Expr:
    if len(node.args) < 2:
        raise TranslationError(f"concat() function requires at least two arguments: {pyast.unparse(node)}")
    items = []
    for arg in node.args:
        value = tr.visit(arg)
        if not isinstance(value, Value):
            raise TranslationError(f"Invalid argument of concat() function: {pyast.unparse(arg)}")
        items.append(value.node if isinstance(value, StrValue) else ast.Cast(value.node, "str"))
    return make_value(ast.Concat(*items), str)


def _between(tr: Any, node: pyast.Call, callee: Any) -> Expr:
    if len(node.args) != 3:
        raise TypeError("between() function takes exactly three arguments")
    x, low, high = (tr.visit(a) for a in node.args)
    if any(isinstance(v, ObjectExpr) for v in (x, low, high)):
        raise TypeError(f"between() cannot be applied to objects: {pyast.unparse(node)}")
    tr.compare("LtE", low, x)
    tr.compare("LtE", x, high)
    return Condition(
        ast.Between(x.node, low.node, high.node),
        bool,  # type: ignore[attr-defined]
        aggregated=x.aggregated,
    )


def _desc(tr: Any, node: pyast.Call, callee: Any) -> Expr:
    expr = tr.visit(node.args[0])
    if isinstance(expr, DescExpr):
        return expr.expr
    return DescExpr(expr)


def _join(tr: Any, node: pyast.Call, callee: Any) -> Expr:
    return tr.visit(node.args[0])


def _raw_sql(tr: Any, node: pyast.Call, callee: Any) -> Expr:
    if not node.args:
        raise TypeError("raw_sql() requires an SQL text")
    text = _constant(tr, node.args[0], "The text of raw_sql()")
    if not isinstance(text, str):
        cause = TypeError(f"Raw SQL string fragment expected. Got: {text!r}")
        raise ExprEvalError(pyast.unparse(node), cause)
    result_type = _constant(
        tr, _kwarg(node, "result_type") or (node.args[1] if len(node.args) > 1 else None), "result_type"
    )
    if result_type is not None and (not isinstance(result_type, type) or tr.converter(result_type) is None):
        raise TypeError(f"No database converter found for type {result_type!r}: {pyast.unparse(node)}")
    parts: list = []
    for part in dollar.parse(text):
        if isinstance(part, str):
            parts.append(part)
            continue
        source = part[0]
        expr_node = pyast.parse(source.strip(), mode="eval").body
        value = tr.visit(expr_node)
        if not isinstance(value, Value) and not isinstance(value, ObjectExpr):
            raise TranslationError(f"raw_sql() parameter ${source} must be a value")
        parts.append(value.node if isinstance(value, Value) else value.pk_nodes[0])
    if result_type is None:
        return RawValue(ast.Raw(tuple(parts)), RawType)
    return make_value(ast.Raw(tuple(parts)), result_type)


# --- hybrid methods and properties ----------------------------------------------------------------


def _class_attr(entity: Any, name: str) -> Any:
    for cls in entity.__mro__:
        if name in cls.__dict__:
            return cls.__dict__[name]
    return None


def hybrid_property(tr: Any, obj: ObjectExpr, name: str) -> Expr | None:
    if find_attr(obj.entity, name) is not None:
        return None
    value = _class_attr(obj.entity, name)
    if isinstance(value, property) and value.fget is not None:
        return inline_function(tr, value.fget, [obj], {}, f"{obj.src}.{name}")
    if callable(value):
        return None
    if value is None:
        raise AttributeError(f"Entity {obj.entity.__name__} does not have attribute {name}: {obj.src}.{name}")
    return None


def inline_function(tr: Any, func: Any, args: list, kwargs: dict, src: str) -> Expr:
    """Translate a function whose body is a single ``return expr`` with its parameters bound."""
    code = getattr(func, "__code__", None)
    if code is None:
        raise NotInlinable(f"{src} cannot be used in a query")
    try:
        captured = capture(func)
    except TranslationError as exc:
        raise NotInlinable(f"{exc} (used in {src})") from None
    tree = captured.tree
    if not isinstance(tree, pyast.Lambda):
        raise NotInlinable(f"{func.__qualname__} cannot be used in a query ({src})")
    body = tree.body
    arguments = tree.args
    names = [a.arg for a in arguments.args]
    if len(args) > len(names):
        raise TypeError(
            f"{func.__qualname__}() takes {len(names)} arguments but {len(args)} were given: {src}"
        )
    bound: dict[str, Expr] = dict(zip(names, args))
    for name, value in kwargs.items():
        if name not in names or name in bound:
            raise TypeError(f"{func.__qualname__}() got an unexpected keyword argument {name!r}: {src}")
        bound[name] = value
    defaults = dict(zip(names[len(names) - len(arguments.defaults) :], func.__defaults__ or ()))
    if getattr(tr, "hybrid_depth", 0) > MAX_HYBRID_DEPTH:
        raise TranslationError(f"Too deep recursion of hybrid methods in {src}")
    cells = {}
    for cell_name, cell in zip(code.co_freevars, func.__closure__ or ()):
        try:
            cells[cell_name] = cell.cell_contents
        except ValueError:
            pass
    saved = tr.locals, tr.fixed_namespace, getattr(tr, "hybrid_depth", 0)
    tr.locals = {}
    tr.fixed_namespace = (func.__globals__, cells)
    tr.hybrid_depth = saved[2] + 1
    try:
        for name in names:
            if name in bound:
                tr.locals[name] = bound[name]
            elif name in defaults:
                tr.locals[name] = tr.value_expr(_default_index(tr, defaults[name]), defaults[name])
            else:
                raise TypeError(f"{func.__qualname__}() missing argument {name!r}: {src}")
        return tr.visit(body)
    finally:
        tr.locals, tr.fixed_namespace, tr.hybrid_depth = saved


def _default_index(tr: Any, value: Any) -> int:
    tr.values.append(value)
    evaluator = _ConstantEvaluator(value)
    tr.evaluators.append(evaluator)
    return len(tr.values) - 1


class _ConstantEvaluator:
    """A default argument value of a hybrid method: the same at every call."""

    fixed = None
    exact = False

    def __init__(self, value: Any) -> None:
        self.value = value
        self.src = repr(value)

    def evaluate(self, globals: dict, locals: Any) -> Any:
        return self.value


def _single_return(tree: Any, func: Any, src: str) -> pyast.expr:
    body = list(tree.body)
    if (
        body
        and isinstance(body[0], pyast.Expr)
        and isinstance(body[0].value, pyast.Constant)
        and isinstance(body[0].value.value, str)
    ):
        body = body[1:]
    if len(body) != 1 or not isinstance(body[0], pyast.Return) or body[0].value is None:
        raise TranslationError(
            f"{func.__qualname__} cannot be used in a query: only functions whose body is "
            f"a single return statement can be inlined ({src})"
        )
    return body[0].value


# --- registries ------------------------------------------------------------------------------------


PONY_FUNCTIONS: dict[str, Any] = {
    "count": _aggregate("COUNT"),
    "sum": _aggregate("SUM"),
    "avg": _aggregate("AVG"),
    "min": _aggregate("MIN"),
    "max": _aggregate("MAX"),
    "group_concat": _aggregate("GROUP_CONCAT"),
    "distinct": _distinct,
    "select": _select,
    "left_join": _select,
    "exists": _exists,
    "desc": _desc,
    "JOIN": _join,
    "between": _between,
    "concat": _concat,
    "coalesce": _coalesce,
    "raw_sql": _raw_sql,
}

BUILTIN_FUNCTIONS: dict[Any, Any] = {
    builtins.len: _len,
    builtins.abs: _abs,
    builtins.sum: _aggregate("SUM"),
    builtins.min: _aggregate("MIN"),
    builtins.max: _aggregate("MAX"),
    builtins.getattr: _getattr,
    builtins.isinstance: _isinstance,
    datetime.datetime.now: _now,
    datetime.datetime.today: _now,
    datetime.datetime.utcnow: _now,
    datetime.date.today: _today,
    random.random: _random,
    datetime.date: _date_constructor,
    datetime.datetime: _date_constructor,
}

_ = (ListExpr,)
