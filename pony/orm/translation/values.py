"""Typed query expressions for scalar values: numbers, strings, dates, booleans, Json, arrays.

Each kind knows the operations Python allows on it inside a query and renders them as sql.ast
nodes. Objects, collections and subqueries are in ``objects.py``.
"""

from __future__ import annotations

import ast as pyast
import datetime
import uuid
from decimal import Decimal
from typing import Any

from ..errors import IncomparableTypesError, TranslationAttributeError, TranslationError, TranslationTypeError
from ..sql import ast
from ..types import Array, Json

NUMBER_TYPES = (int, float, Decimal, bool)
DATE_TYPES = (datetime.date, datetime.datetime, datetime.time, datetime.timedelta)
COMPARE_OPS = {
    ast_op: sql
    for ast_op, sql in (("Eq", "="), ("NotEq", "<>"), ("Lt", "<"), ("LtE", "<="), ("Gt", ">"), ("GtE", ">="))
}
FLIPPED = {"=": "=", "<>": "<>", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


class Expr:
    """Base of every typed query expression; ``src`` is the Python text it came from."""

    _src: str = "?"
    _src_node: Any = None  # the Python ast node whose text ``src`` is, unparsed on first use

    @property
    def src(self) -> str:
        """The Python text of this expression ("?" for an inner one the translator names later).

        Only error messages read it, so the translator records the ast node and this property
        unparses it on demand instead of at every node of every new query."""
        node = self._src_node
        if node is not None:
            self._src = pyast.unparse(node)
            self._src_node = None
        return self._src

    @src.setter
    def src(self, text: str) -> None:
        self._src = text
        self._src_node = None

    def src_from(self, node: Any) -> None:
        """Name this expression after ``node`` (lazily; see ``src``)."""
        self._src = "?"
        self._src_node = node

    def src_missing(self) -> bool:
        """True while no text names this expression (cheaper than ``src == "?"``)."""
        return self._src_node is None and self._src == "?"
    aggregated = False  # contains an aggregate over the rows of the current frame
    py_type: Any = None

    def fail(self, what: str, hint: str = "", cls: type = TranslationError) -> TranslationError:
        """The error for ``what`` done to this expression, quoting the user's text.

        ``cls`` is the TranslationError subclass that is also of the class Pony raises here.
        """
        if self.src == "?":  # an inner expression: the translator adds the user's text
            error = cls(f"{what}. {hint}" if hint else what)
            error.needs_source = True
            return error
        message = f"{what}: {self.src}"
        if hint:
            message += f". {hint}"
        return cls(message)

    def no_attribute(self, name: str) -> TranslationError:
        """``self.name`` does not exist for this type (AttributeError, as in Pony)."""
        what = f"{self.type_name()!r} object has no attribute {name!r}"
        if self.src == "?":
            return self.fail(what, cls=TranslationAttributeError)
        return TranslationAttributeError(f"{what}: {self.src}.{name}")

    def getattr(self, name: str, tr: Any) -> Expr:
        raise self.no_attribute(name)

    def call_method(self, name: str, args: list, kwargs: dict, tr: Any) -> Expr:
        raise self.no_attribute(name)

    def subscript(self, key: Expr, tr: Any) -> Expr:
        raise self.fail("Subscript is not supported for this expression", cls=TranslationTypeError)

    def truth(self) -> ast.Node:
        raise self.fail("Expression cannot be used as a condition")

    def length(self, tr: Any) -> Expr:
        raise self.fail("len() is not supported for this expression", cls=TranslationTypeError)

    def contains(self, item: Expr, tr: Any) -> ast.Node:
        raise self.fail("Operator 'in' is not supported for this expression", cls=TranslationTypeError)

    def type_name(self) -> str:
        return getattr(self.py_type, "__name__", str(self.py_type))


def kind_of(py_type: Any) -> str:
    if py_type is type(None):
        return "none"
    if isinstance(py_type, type):
        if issubclass(py_type, bool):
            return "bool"
        if issubclass(py_type, (int, float, Decimal)):
            return "number"
        if issubclass(py_type, str):
            return "str"
        if issubclass(py_type, datetime.datetime):
            return "datetime"
        if issubclass(py_type, datetime.date):
            return "date"
        if issubclass(py_type, datetime.time):
            return "time"
        if issubclass(py_type, datetime.timedelta):
            return "timedelta"
        if issubclass(py_type, Json):
            return "json"
        if issubclass(py_type, Array):
            return "array"
        if issubclass(py_type, bytes):
            return "bytes"
        if issubclass(py_type, uuid.UUID):
            return "uuid"
    return "other"


class Value(Expr):
    """A scalar SQL value: a column, parameter, literal or computed expression."""

    kind = "other"

    def __init__(
        self,
        node: ast.Node,
        py_type: Any,
        attr: Any = None,
        aggregated: bool = False,
        literal: Any = None,
        is_literal: bool = False,
        nullable: bool = True,
    ) -> None:
        self.node = node
        self.py_type = py_type
        self.attr = attr  # the attribute whose column this is, for reading values back
        self.aggregated = aggregated
        self.literal = literal
        self.is_literal = is_literal
        self.nullable = nullable

    def derived(self, node: ast.Node, py_type: Any = None, aggregated: bool | None = None) -> Value:
        """A computed value from this one (no attribute converter any more)."""
        return make_value(
            node, py_type or self.py_type, aggregated=self.aggregated if aggregated is None else aggregated
        )

    def truth(self) -> ast.Node:
        return ast.IsNotNull(self.node)

    def falsity(self) -> ast.Node:
        """The condition for ``not value`` (NOT of ``truth()`` unless NULL needs saying)."""
        return ast.Not(self.truth())

    def columns(self) -> tuple:
        return (self.node,)


def make_value(node: ast.Node, py_type: Any, attr: Any = None, aggregated: bool = False, **kw: Any) -> Value:
    cls = VALUE_CLASSES.get(kind_of(py_type), Value)
    return cls(node, py_type, attr, aggregated, **kw)


def literal(value: Any) -> Value:
    return make_value(ast.Value(value), type(value), literal=value, is_literal=True, nullable=value is None)


class RawValue(Value):
    """A raw_sql() fragment: used as a condition it is the condition itself."""

    kind = "raw"

    def truth(self) -> ast.Node:
        return self.node


class NumberValue(Value):
    kind = "number"

    def truth(self) -> ast.Node:
        return ast.BinOp("<>", self.node, ast.Value(0))

    def falsity(self) -> ast.Node:
        if self.is_literal:
            return ast.Not(self.truth())
        return ast.Or(ast.BinOp("=", self.node, ast.Value(0)), ast.IsNull(self.node))


class BoolValue(Value):
    kind = "bool"

    def truth(self) -> ast.Node:
        if self.is_literal:
            return ast.And() if self.literal else ast.Or()
        return self.node

    def falsity(self) -> ast.Node:
        if self.is_literal or isinstance(self, Condition):
            return ast.Not(self.truth())
        return ast.Or(ast.Not(self.node), ast.IsNull(self.node))  # a NULL bool column is false


class Condition(BoolValue):
    """A boolean made by a comparison or logic; its node is the condition itself."""


class NoneValue(Value):
    kind = "none"

    def truth(self) -> ast.Node:
        return ast.Or()

    def getattr(self, name: str, tr: Any) -> Expr:
        """An attribute of None is NULL (a hybrid method given None for an object, as in Pony)."""
        return literal(None)


class StrValue(Value):
    kind = "str"

    def truth(self) -> ast.Node:
        return ast.And(ast.IsNotNull(self.node), ast.BinOp("<>", self.node, ast.Value("")))

    def getattr(self, name: str, tr: Any) -> Expr:
        if name in STR_METHODS:
            raise TypeError(
                f"Function {name} is not supported in expression {self.src}.{name}: "
                f"Did you forget parentheses? Use {self.src}.{name}()"
            )
        return super().getattr(name, tr)

    def call_method(self, name: str, args: list, kwargs: dict, tr: Any) -> Expr:
        if kwargs:
            unexpected = next(iter(kwargs))
            raise self.fail(f"{name}() got an unexpected keyword argument {unexpected!r}", cls=TranslationTypeError)
        if name in ("upper", "lower"):
            _no_args(self, name, args)
            return self.derived(ast.Func(name.upper(), self.node))
        if name in ("startswith", "endswith"):
            if len(args) != 1:
                raise TypeError(f"{name}() takes exactly one argument")
            if not isinstance(args[0], StrValue):
                raise TypeError(
                    f"Expected 'str' argument but got {args[0].type_name()!r} in expression "
                    f"{self.src}.{name}({args[0].src})"
                )
            pattern = tr.like_pattern(args[0], prefix=name == "endswith", suffix=name == "startswith")
            return Condition(ast.Like(self.node, pattern, escape=True), bool)
        if name in ("strip", "lstrip", "rstrip"):
            if len(args) > 1:
                raise TypeError(f"{name}() takes at most one argument")
            if args and isinstance(args[0], NoneValue):
                args = []  # strip(None) strips whitespace, as in Python
            if args and not isinstance(args[0], StrValue):
                raise TypeError(
                    f"'chars' argument must be of 'str' type in {self.src}.{name}({args[0].src}), "
                    f"got: {args[0].type_name()!r}"
                )
            mode = {"strip": "both", "lstrip": "leading", "rstrip": "trailing"}[name]
            chars = args[0].node if args else None
            return self.derived(ast.Trim(self.node, mode, chars))
        return super().call_method(name, args, kwargs, tr)

    def length(self, tr: Any) -> Expr:
        return make_value(ast.Length(self.node), int, aggregated=self.aggregated)

    def subscript(self, key: Expr, tr: Any) -> Expr:
        if isinstance(key, SliceExpr):
            start, stop = (None if isinstance(b, NoneValue) else b for b in (key.start, key.stop))
            for bound in (start, stop):
                if bound is not None and not isinstance(bound, NumberValue):
                    raise TypeError(f"Slice bounds must be integers or None: {bound.src}")
            return self.derived(_substring(self, start, stop))
        if not isinstance(key, NumberValue):
            raise self.fail("String index must be an integer", cls=TranslationTypeError)
        return self.derived(_substring(self, key, None, single=True))

    def contains(self, item: Expr, tr: Any) -> ast.Node:
        if not isinstance(item, StrValue):
            raise IncomparableTypesError(item.py_type, str)
        return ast.Like(self.node, tr.like_pattern(item, prefix=True, suffix=True), escape=True)


STR_METHODS = ("upper", "lower", "startswith", "endswith", "strip", "lstrip", "rstrip")


def _no_args(expr: Expr, name: str, args: list) -> None:
    if args:
        raise TypeError(f"{name}() takes no arguments. Got: {expr.src}.{name}(...)")


def _position(expr: Value, index: Value, offset: int) -> ast.Node:
    """The 1-based SQL position of Python index ``index`` (+ offset) in string ``expr``.

    A negative index counts from the end and, as in Python, stops at the first character
    (a position below 1 would make MySQL's substr() return '' and others shorten the result).
    """
    if index.is_literal:
        if index.literal >= 0:
            return ast.Value(index.literal + 1 + offset)
        return _at_least_one(ast.BinOp("+", ast.Length(expr.node), ast.Value(index.literal + 1 + offset)))
    i = index.node
    return ast.Case(
        ((ast.BinOp(">=", i, ast.Value(0)), ast.BinOp("+", i, ast.Value(1 + offset))),),
        _at_least_one(ast.BinOp("+", ast.Length(expr.node), ast.BinOp("+", i, ast.Value(1 + offset)))),
    )


def _at_least_one(position: ast.Node) -> ast.Node:
    return ast.Case(((ast.BinOp("<", position, ast.Value(1)), ast.Value(1)),), position)


def _substring(expr: Value, start: Value | None, stop: Value | None, single: bool = False) -> ast.Node:
    if single:
        return ast.Substring(expr.node, _position(expr, start, 0), ast.Value(1))  # type: ignore[arg-type]
    start_pos = _position(expr, start, 0) if start is not None else ast.Value(1)
    if stop is None:
        return ast.Substring(expr.node, start_pos, None)
    stop_pos = _position(expr, stop, 0)
    if isinstance(start_pos, ast.Value) and isinstance(stop_pos, ast.Value):
        length: ast.Node = ast.Value(max(stop_pos.value - start_pos.value, 0))
    else:
        diff = ast.BinOp("-", stop_pos, start_pos)
        length = ast.Case(((ast.BinOp(">", diff, ast.Value(0)), diff),), ast.Value(0))
    return ast.Substring(expr.node, start_pos, length)


class DateValue(Value):
    kind = "date"
    PARTS = ("year", "month", "day")

    def getattr(self, name: str, tr: Any) -> Expr:
        if name in self.PARTS:
            return make_value(ast.DatePart(name, self.node), int, aggregated=self.aggregated)
        return super().getattr(name, tr)


class DatetimeValue(DateValue):
    kind = "datetime"
    PARTS = ("year", "month", "day", "hour", "minute", "second")

    def call_method(self, name: str, args: list, kwargs: dict, tr: Any) -> Expr:
        if name == "date" and not args:
            return make_value(ast.DateOnly(self.node), datetime.date, aggregated=self.aggregated)
        return super().call_method(name, args, kwargs, tr)


class TimeValue(DateValue):
    kind = "time"
    PARTS = ("hour", "minute", "second")


class TimedeltaValue(Value):
    kind = "timedelta"


class JsonExpr(Value):
    """A Json column or a path inside it (``p.info['a'][0]``)."""

    kind = "json"

    def __init__(
        self,
        node: ast.Node,
        py_type: Any = Json,
        attr: Any = None,
        aggregated: bool = False,
        path: tuple = (),
        **kw: Any,
    ) -> None:
        super().__init__(node, py_type, attr, aggregated, **kw)
        self.path = path

    @property
    def value_node(self) -> ast.Node:
        return ast.JsonValue(self.node, self.path) if self.path else self.node

    def columns(self) -> tuple:
        return (self.value_node,)

    def subscript(self, key: Expr, tr: Any) -> Expr:
        if isinstance(key, SliceExpr):
            raise self.fail("Json slices are not supported; use an index or a key")
        if not isinstance(key, (StrValue, NumberValue)):
            raise self.fail("Json path keys must be str or int")
        step = key.node if isinstance(key.node, ast.Value) else ast.JsonKey(key.node, isinstance(key, NumberValue))
        return JsonExpr(self.node, Json, None, self.aggregated, self.path + (step,))

    def as_type(self, name: str, py_type: Any) -> Value:
        return make_value(ast.JsonValue(self.node, self.path, name), py_type, aggregated=self.aggregated)

    def truth(self) -> ast.Node:
        if self.path:  # as in Python: 0, "", [], {}, false and null are false
            return ast.JsonTruth(self.node, self.path)
        return ast.Not(ast.JsonIsNull(self.node, self.path))

    def length(self, tr: Any) -> Expr:
        return make_value(ast.JsonArrayLength(self.node, self.path), int)

    def contains(self, item: Expr, tr: Any) -> ast.Node:
        return ast.JsonContains(self.node, self.path, item.node)  # type: ignore[attr-defined]


class ArrayValue(Value):
    kind = "array"

    def item_type(self) -> Any:
        return getattr(self.py_type, "item_type", None) or {
            "IntArray": int,
            "StrArray": str,
            "FloatArray": float,
        }.get(self.py_type.__name__)

    def subscript(self, key: Expr, tr: Any) -> Expr:
        if isinstance(key, SliceExpr):
            return make_value(
                ast.ArraySlice(
                    self.node, key.start.node if key.start else None, key.stop.node if key.stop else None
                ),
                self.py_type,
            )
        return make_value(ast.ArrayItem(self.node, key.node), self.item_type())  # type: ignore[attr-defined]

    def length(self, tr: Any) -> Expr:
        return make_value(ast.ArrayLength(self.node), int)

    def truth(self) -> ast.Node:
        return ast.BinOp(">", ast.ArrayLength(self.node), ast.Value(0))

    def contains(self, item: Expr, tr: Any) -> ast.Node:
        if isinstance(item, ArrayValue) or hasattr(item, "array_node"):
            node = item.node if isinstance(item, ArrayValue) else item.array_node(tr, self.py_type)
            return ast.ArrayContains(self.node, node, subset=True)
        return ast.ArrayContains(self.node, item.node)  # type: ignore[attr-defined]


class SliceExpr(Expr):
    def __init__(self, start: Value | None, stop: Value | None) -> None:
        self.start = start
        self.stop = stop


class ListExpr(Expr):
    """A tuple or list of expressions (a literal display or an outer list parameter)."""

    def __init__(self, items: list, param_index: int | None = None) -> None:
        self.items = items
        self.param_index = param_index
        self.py_type = tuple
        self.display = False  # written as a tuple/list display in the query, not given by a name

    def array_node(self, tr: Any, array_type: Any) -> ast.Node:
        if self.param_index is not None:
            return tr.array_param(self.param_index, array_type)
        raise self.fail("Only a list parameter can be tested as a subset of an array")


VALUE_CLASSES: dict[str, type] = {
    "number": NumberValue,
    "bool": BoolValue,
    "str": StrValue,
    "date": DateValue,
    "datetime": DatetimeValue,
    "time": TimeValue,
    "timedelta": TimedeltaValue,
    "json": JsonExpr,
    "array": ArrayValue,
    "none": NoneValue,
}


# --- comparisons and arithmetic ----------------------------------------------------------------


def number_class(py_type: Any) -> str:
    """'float', 'decimal' or 'int' (bool and int): Pony refuses to mix Decimal with float."""
    if isinstance(py_type, type) and issubclass(py_type, float):
        return "float"
    if isinstance(py_type, type) and issubclass(py_type, Decimal):
        return "decimal"
    return "int"


def _exact_number_mix(left: Value, right: Value) -> bool:
    """Decimal combined with float: Python refuses it, and so does a query."""
    classes = {number_class(left.py_type), number_class(right.py_type)}
    return classes == {"decimal", "float"}


def comparable(left: Value, right: Value, op: str = "=") -> bool:
    """May ``left op right`` be sent to the database? (Pony's rules, checked before any SQL.)"""
    a, b = left.kind, right.kind
    if a == "none" or b == "none" or "raw" in (a, b):
        return True
    if a in ("number", "bool") and b in ("number", "bool"):
        return not _exact_number_mix(left, right)
    if a == b:
        return True
    if {a, b} in ({"str", "number"}, {"str", "bool"}):
        # a str equals an int or a bool in Python (never true), but cannot be ordered with one;
        # a float or a Decimal cannot even be tested for equality with a str
        number = right if a == "str" else left
        return op in ("=", "<>") and number_class(number.py_type) == "int"
    pairs = {
        frozenset(p)
        for p in (
            ("date", "datetime"),
            ("json", "str"),
            ("json", "number"),
            ("json", "bool"),
        )
    }
    return frozenset((a, b)) in pairs


def compare_values(op: str, left: Value, right: Value) -> ast.Node:
    if isinstance(left, NoneValue) and not isinstance(right, NoneValue):
        left, right, op = right, left, FLIPPED[op]
    if isinstance(right, NoneValue):
        if op == "=":
            return (
                left.truth()
                if False
                else (
                    ast.JsonIsNull(left.node, left.path)
                    if isinstance(left, JsonExpr) and left.path
                    else ast.IsNull(left.node)
                )
            )
        if op == "<>":
            if isinstance(left, JsonExpr) and left.path:
                return ast.Not(ast.JsonIsNull(left.node, left.path))
            return ast.IsNotNull(left.node)
        raise IncomparableTypesError(left.py_type, type(None))  # only == and != take None
    if isinstance(right, JsonExpr) and right.path and not (isinstance(left, JsonExpr) and left.path):
        left, right, op = right, left, FLIPPED[op]
    if isinstance(left, JsonExpr) and left.path and getattr(right, "json_node", None) is not None:
        return ast.JsonCompare(op, left.node, left.path, right.json_node)  # type: ignore[attr-defined]
    if not comparable(left, right, op):
        raise IncomparableTypesError(left.py_type, right.py_type)
    if isinstance(right, JsonExpr) and not isinstance(left, JsonExpr):
        left, right, op = right, left, FLIPPED[op]
    if isinstance(left, JsonExpr):
        if isinstance(right, JsonExpr):
            if not left.path or not right.path:
                raise TypeError("Comparison of whole Json values is not supported")
            return ast.BinOp(op, left.as_type("str", str).node, right.as_type("str", str).node)
        if not left.path:
            raise TypeError("Comparison of whole Json values is not supported")
        json_node = getattr(right, "json_node", None)
        if json_node is not None:
            return ast.JsonCompare(op, left.node, left.path, json_node)
        as_type = {"str": "str", "bool": "bool"}.get(right.kind, "float")
        return ast.BinOp(op, ast.JsonValue(left.node, left.path, as_type), right.node)
    return ast.BinOp(op, left.node, right.node)


ARITH = {"Add": "+", "Sub": "-", "Mult": "*", "Div": "/", "FloorDiv": "//", "Mod": "%", "Pow": "**"}


def result_number_type(a: Any, b: Any) -> Any:
    if float in (a, b):
        return float
    if Decimal in (a, b):
        return Decimal
    return int


def number_node(value: Value) -> ast.Node:
    """The value's node for arithmetic and aggregates: a bool counts as 1 or 0."""
    return ast.BoolAsInt(value.node) if value.kind == "bool" else value.node


def aggregate_type(name: str, value: Value) -> Any:
    """The Python type of ``name`` (SUM, AVG, MIN, MAX) over ``value``: avg() is always a float
    (Decimals included, as in Pony) and a sum of bools counts them."""
    if name == "AVG":
        return float
    if name == "SUM" and value.kind == "bool":
        return int
    return value.py_type


def arithmetic(op: str, left: Value, right: Value, src: str) -> Value:
    aggregated = left.aggregated or right.aggregated
    lk, rk = left.kind, right.kind
    if op == "+" and lk == "str" and rk == "str":
        return make_value(ast.Concat(left.node, right.node), str, aggregated=aggregated)
    if op in ("|", "&", "^") and not (op == "|" and lk == "json" and rk == "json"):
        raise TypeError(f"Operator {op!r} is not supported for these types in expression {src}")
    if lk in ("number", "bool") and rk in ("number", "bool") and not _exact_number_mix(left, right):
        py_type = result_number_type(left.py_type, right.py_type)
        a, b = number_node(left), number_node(right)
        if op == "/":
            return make_value(ast.Div(a, b), float if py_type is int else py_type, aggregated=aggregated)
        if op == "//":
            return make_value(ast.FloorDiv(a, b), py_type, aggregated=aggregated)
        if op == "%":
            return make_value(ast.Mod(a, b), py_type, aggregated=aggregated)
        if op == "**":
            return make_value(ast.Pow(a, b), float if py_type is not int else int, aggregated=aggregated)
        return make_value(ast.BinOp(op, a, b), py_type, aggregated=aggregated)
    if lk in ("date", "datetime") and rk == "timedelta" and op in "+-":
        return make_value(ast.DateAdd(left.node, right.node, op, lk), left.py_type, aggregated=aggregated)
    if lk == "timedelta" and rk in ("date", "datetime") and op == "+":
        return make_value(ast.DateAdd(right.node, left.node, op, rk), right.py_type, aggregated=aggregated)
    if lk == rk and lk in ("date", "datetime") and op == "-":
        return make_value(ast.DateDiff(left.node, right.node, lk), datetime.timedelta, aggregated=aggregated)
    if op == "|" and lk == "json" and rk == "json":
        return JsonExpr(ast.JsonConcat(left.value_node, right.value_node), Json)  # type: ignore[attr-defined]
    if op in ("|", "&", "^"):
        raise TypeError(f"Operator {op!r} is not supported for these types in expression {src}")
    raise TypeError(
        f"Unsupported operand types {left.type_name()!r} and {right.type_name()!r} "
        f"for operation {op!r} in expression: {src}"
    )
