"""Outer values of a query: evaluated in Python, bound as SQL parameters, summarised for the cache.

Every sub-expression of a query that uses no loop variable (a closure variable, a global,
``date(2020, 1, 1)``, ``x.attr``) is compiled once per query shape and evaluated at each call;
its value becomes a bound parameter. The *signature* of the values (their types, and the
identity of structural ones such as entity classes or functions) selects the cached translation.
"""

from __future__ import annotations

import ast
import builtins
from collections.abc import Callable
from typing import Any

from ..errors import ExprEvalError
from .constant_calls import check_arguments, is_checked

_NO_TRANSFORM = None
_BUILTINS = builtins.__dict__
_PLAIN = frozenset((int, str, float, bool, type(None), bytes))

# Outer lists longer than this are one parameter holding the whole list (``x in ids``): one
# translation and one SQL text serve every length, and the database's limit on the number of
# parameters does not apply. Shorter lists get a parameter per item, as before.
LONG_LIST = 16
_LIST_KINDS = (list, tuple, set, frozenset)


def _scalar_types() -> frozenset:
    import datetime
    import decimal
    import uuid

    return frozenset((int, str, float, bool, type(None), bytes, decimal.Decimal, datetime.date,
                      datetime.datetime, datetime.time, datetime.timedelta, uuid.UUID))


SCALAR_TYPES = _scalar_types()


class Evaluator:
    """One outer sub-expression, compiled once; ``src`` is how the user wrote it."""

    __slots__ = ("src", "code", "name", "fixed", "exact", "call")

    def __init__(self, node: ast.expr) -> None:
        # a plain name (the most common outer value) is looked up without compiling anything
        self.name = node.id if isinstance(node, ast.Name) else None
        self.src = self.name or ast.unparse(node)
        self.code = _compile(node) if self.name is None else None
        self.fixed: tuple | None = None
        self.exact = False
        self.call = _CallParts(node) if _CallParts.applies(node) else None

    def evaluate(self, globals: dict, locals: Any) -> Any:
        try:
            call = self.call.prepare(globals, locals) if self.call is not None else None
            if call is None:
                value = eval(self.code, globals, locals) if self.name is None else \
                    lookup_name(self.name, globals, locals)
        except Exception as exc:
            raise ExprEvalError(self.src, exc) from exc
        if call is not None:
            func, args, kwargs = call
            check_arguments(func, args, kwargs, self.src)
            try:
                value = func(*args, **kwargs)
            except Exception as exc:
                raise ExprEvalError(self.src, exc) from exc
        if type(value) not in _PLAIN and hasattr(value, "_get_current_object"):
            value = value._get_current_object()  # a context proxy (Flask-Login's current_user)
        return value


def lookup_name(name: str, globals: dict, locals: Any) -> Any:
    """The value ``eval(name, globals, locals)`` gives: locals, then globals, then builtins."""
    if locals is not None:
        try:
            return locals[name]
        except KeyError:
            pass
    try:
        return globals[name]
    except KeyError:
        pass
    builtins_ = globals.get("__builtins__", _BUILTINS)
    if isinstance(builtins_, dict):
        if name in builtins_:
            return builtins_[name]
    elif hasattr(builtins_, name):
        return getattr(builtins_, name)
    raise NameError(f"name {name!r} is not defined")


def _compile(node: ast.expr) -> Any:
    expr = ast.Expression(body=node)
    ast.fix_missing_locations(expr)
    return compile(expr, "<query>", "eval")


class _CallParts:
    """A call whose callee is a plain name or dotted name: ``date(y, m, d)``, ``datetime.date(...)``.

    Its callee is looked up first; when it is a constructor whose arguments are checked
    (``constant_calls``), the arguments are evaluated apart and checked before the call.
    """

    __slots__ = ("func", "args", "kwargs")

    @staticmethod
    def applies(node: ast.expr) -> bool:
        if not isinstance(node, ast.Call) or any(isinstance(a, ast.Starred) for a in node.args):
            return False
        func = node.func
        while isinstance(func, ast.Attribute):
            func = func.value
        return isinstance(func, ast.Name) and all(k.arg is not None for k in node.keywords)

    def __init__(self, node: ast.Call) -> None:
        self.func = _compile(node.func)
        self.args = [_compile(arg) for arg in node.args]
        self.kwargs = {k.arg: _compile(k.value) for k in node.keywords}

    def prepare(self, globals: dict, locals: Any) -> tuple | None:
        """``(callee, args, kwargs)`` when the callee is checked, else None."""
        func = eval(self.func, globals, locals)
        if not is_checked(func):
            return None
        args = [eval(arg, globals, locals) for arg in self.args]
        kwargs = {name: eval(code, globals, locals) for name, code in self.kwargs.items()}
        return func, args, kwargs


def is_entity_class(value: Any) -> bool:
    return isinstance(value, type) and hasattr(value, "_entity_meta_marker_") and hasattr(value, "_pk_attrs_")


def is_entity_instance(value: Any) -> bool:
    return (
        not isinstance(value, type)
        and hasattr(type(value), "_entity_meta_marker_")
        and hasattr(value, "_pk_attrs_")
    )


def is_structural(value: Any) -> bool:
    """Values that change the shape of the SQL rather than being a parameter of it."""
    if isinstance(value, (type, Callable)) and not is_entity_instance(value):  # type: ignore[arg-type]
        return True
    kind = type(value)
    return (
        kind.__module__ == "types"
        or getattr(value, "_pony_structural_", False)
        or type(value).__name__ in ("module",)
    )


def is_fetched_result(value: Any) -> bool:
    """A query result whose rows were already fetched (``q[:]``): a list inside another query."""
    fetched = getattr(value, "_pony_fetched_", None)
    return fetched is not None and fetched() is not None


def signature(value: Any) -> Any:
    """What the translation of a query depends on for this outer value."""
    kind = type(value)
    if kind in (int, str, float, bool) or value is None:
        return kind
    if kind in _LIST_KINDS:
        if len(value) > LONG_LIST:
            shape = long_list_shape(value)
            if shape is not None:
                return (kind, "many", shape)
        return (kind, tuple(signature(v) for v in value))
    if is_entity_instance(value):
        return ("entity", kind)
    if hasattr(kind, "_attr_") or (hasattr(value, "_attr_") and hasattr(value, "_obj_")):
        return ("collection", value._attr_, signature(value._obj_))
    shape = getattr(kind, "_pony_shape_", None)
    if shape is not None:
        return shape(value)
    if is_structural(value):
        try:
            hash(value)
            return ("id", value)
        except TypeError:
            return ("id", id(value))
    return kind


def long_list_shape(value: Any) -> frozenset | None:
    """The kinds of the items of a long list, when it can be sent as one parameter: scalar types,
    ``("entity", cls)`` for entity instances, or ``("row", types)`` for tuples of non-None scalars.
    None when the items are anything else (the list then gets a parameter per item)."""
    types = set(map(type, value))
    if types <= SCALAR_TYPES:
        return frozenset(types)
    kinds = set()
    for kind in types:
        if kind in SCALAR_TYPES:
            kinds.add(kind)
        elif hasattr(kind, "_entity_meta_marker_") and hasattr(kind, "_pk_attrs_"):
            kinds.add(("entity", kind))
        elif kind is not tuple:
            return None
    if tuple in types:
        for row in {tuple(map(type, item)) for item in value if type(item) is tuple}:
            if not row or type(None) in row or not set(row) <= SCALAR_TYPES:
                return None
            kinds.add(("row", row))
        if any(not (isinstance(k, tuple) and k[0] == "row") for k in kinds):
            return None  # rows mixed with None, scalars or objects
    return frozenset(kinds)


class ParamSpec:
    """How the argument of one SQL parameter is computed from the outer values of a call."""

    __slots__ = ("key", "index", "get", "convert")

    def __init__(
        self, key: Any, index: int, get: Callable | None = None, convert: Callable | None = None
    ) -> None:
        self.key = key
        self.index = index
        self.get = get  # picks a part of the value (an item of a list, a pk column ...)
        self.convert = convert  # turns it into what the driver takes


def bind(specs: list, values: list, arguments: dict) -> None:
    if any(type(v) in (set, frozenset) for v in values):
        values = [ordered(v) if type(v) in (set, frozenset) else v for v in values]  # sort each set once
    for spec in specs:
        value = values[spec.index]
        if spec.get is not None:
            value = spec.get(value)
        if spec.convert is not None and value is not None:
            value = spec.convert(value)
        arguments[spec.key] = value


def ordered(value: Any) -> Any:
    """The items of an outer list, tuple or set in a fixed order (a set's by ``repr``)."""
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=repr)
    return value


def raw_pk(obj: Any) -> tuple:
    """The primary key of an entity instance as a flat tuple of column values."""
    values: list = []
    if obj._row_ is not None:  # row-backed: a plain one-column key
        return (obj._pk_attrs_[0].converters[0].py2sql(obj._pkval_),)
    for attr in obj._pk_attrs_:
        vals = obj._vals_
        value = vals[attr] if attr in vals else obj._dbvals_.get(attr)
        if attr.is_relation:
            values.extend(raw_pk(value))
        else:
            values.append(attr.converters[0].py2sql(value) if value is not None else None)
    return tuple(values)
