"""The query translator: a Python ``ast`` of a query -> typed expressions -> an sql.ast SELECT.

One ``Translator`` translates one chain of steps (a generator expression or an entity, then
filters and orderings) for one database. Sub-expressions that use no loop variable are
evaluated in Python (``params.Evaluator``) and become bound parameters.
"""

from __future__ import annotations

import ast as pyast
import json
from typing import Any

from ..errors import (
    IncomparableTypesError,
    InvalidQuery,
    TranslationError,
    TranslationNotImplementedError,
    TranslationTypeError,
)
from ..sql import ast
from ..types import RawSQL
from . import params as P
from .calls import hybrid_property, translate_call
from .folding import fold_query, is_value_query, loop_target_names
from .frames import Frame
from .longlists import LongListExpr
from .methods import is_lifted, join_lifted
from .nested import check_set_comparison, row_in_subquery
from .objects import CollectionExpr, ObjectExpr, ObjectParam, SetExpr, eq_nodes, lifted_arithmetic, pk_columns
from .values import (
    ARITH,
    COMPARE_OPS,
    FLIPPED,
    ArrayValue,
    BoolValue,
    Condition,
    Expr,
    JsonExpr,
    ListExpr,
    NoneValue,
    NumberValue,
    RawValue,
    SliceExpr,
    StrValue,
    Value,
    arithmetic,
    compare_values,
    literal,
    make_value,
)
from .wrappers import DescExpr, RawType

LITERAL_TYPES = (int, float, str, bool, type(None))


class Structural(Expr):
    """A Python object the query uses by identity: an entity class, a function, a module ..."""

    def __init__(self, value: Any) -> None:
        self.value = value
        self.py_type = type(value)


class RowExpr(Expr):
    def __init__(self, items: list) -> None:
        self.items = items
        self.py_type = tuple


class QueryValue(Expr):
    """An outer Query used as a loop source or with ``in``: its SELECT with its parameters."""

    def __init__(self, translation: Any, prefix: Any, window: tuple = (False, False)) -> None:
        self.translation = translation
        self.prefix = prefix
        self.window = window  # (has a LIMIT, has an OFFSET): only that slice of its rows counts
        self.py_type = translation.result_type


class ResultItem:
    """How one item of the query result is read: an entity at an alias, or one value."""

    def __init__(self, expr: Expr, columns: tuple, by_key: bool = False) -> None:
        self.expr = expr
        self.columns = columns
        self.by_key = by_key  # an object read from its foreign key alone (None stays None)
        self.entity = expr.entity if isinstance(expr, ObjectExpr) else None
        self.alias = expr.alias if isinstance(expr, ObjectExpr) else None
        self.attr = getattr(expr, "attr", None) if isinstance(expr, Value) else None
        self.py_type = expr.py_type


class Translation:
    """What a translated chain gives the query layer."""

    def __init__(self, tr: Translator) -> None:
        self.results: list[ResultItem] = tr.result_items
        self.single = tr.single
        self.entity = self.results[0].entity if self.single and self.results[0].entity is not None else None
        self.result_type = self.results[0].py_type if self.single else tuple
        self.specs = tr.specs
        self.select = tr.build_select()
        self.names = tuple(tr.loop_names)
        self.aggregated = tr.frame.aggregated
        self.compiled: dict = {}  # (provider, modifiers) -> CompiledSQL
        self.translator = tr


class Translator:
    def __init__(self, database: Any) -> None:
        self.database = database
        self.provider = database.provider
        self.aliases: set[str] = set()
        self.specs: list[P.ParamSpec] = []
        self.values: list = []
        self.evaluators: list[P.Evaluator] = []
        self.frame = Frame(self)
        self.locals: dict[str, Expr] = {}
        self.namespace: tuple[dict, Any] = ({}, {})
        self.fixed_namespace: tuple | None = None
        self.results: list[Expr] = []
        self.result_items: list[ResultItem] = []
        self.single = True
        self.loop_names: list[str] = []
        self.loop_vars: dict[str, Expr] = {}
        self.order: list[ast.OrderBy] = []
        self.distinct: bool | None = None
        self.converters: dict = {}
        self._memo: dict[int, Any] = {}
        self.window_aliases: set[str] = set()  # loops over the window of another query
        # count(obj) of a loop variable: (its COUNT(DISTINCT pk) node, the frame, the object)
        self.object_counts: list[tuple[ast.Aggregate, Frame, ObjectExpr]] = []

    # --- names, aliases, parameters -----------------------------------------------------------

    def new_alias(self, name: str) -> str:
        alias, n = name, 1
        while alias in self.aliases:
            n += 1
            alias = f"{name}-{n}"
        self.aliases.add(alias)
        return alias

    def discriminator(self, entity: Any, alias: str) -> ast.Node | None:
        root = entity._root_
        attr = root._discriminator_attr_
        if attr is None or entity is root:
            return None
        return self.discriminator_in(entity, alias)

    def discriminator_in(self, entity: Any, alias: str) -> ast.Node:
        attr = entity._root_._discriminator_attr_
        values = [entity._discriminator_] + sorted((s._discriminator_ for s in entity._subclasses_), key=str)
        converter = attr.converters[0]
        return ast.In(
            ast.Column(alias, attr.columns[0]), tuple(ast.Value(converter.py2sql(v)) for v in values)
        )

    def converter(self, py_type: Any) -> Any:
        if py_type in self.converters:
            return self.converters[py_type]
        try:
            conv = self.provider.get_converter_by_py_type(py_type)
        except (TypeError, NotImplementedError):
            conv = None
        self.converters[py_type] = conv
        return conv

    def add_spec(self, index: int, get: Any = None, convert: Any = None) -> ast.Param:
        key = (len(self.specs),)
        self.specs.append(P.ParamSpec(key, index, get, convert))
        return ast.Param(key)

    def py2sql(self, py_type: Any) -> Any:
        if py_type in (int, str, float, bool):
            return None
        conv = self.converter(py_type)
        return conv.py2sql if conv is not None else None

    def register(self, node: pyast.expr, exact: bool = False) -> tuple[int, Any]:
        """Evaluate an outer sub-expression now; it is evaluated again at every call."""
        memo = self._memo.get(id(node))
        if memo is not None:
            return memo
        evaluator = P.Evaluator(node)
        evaluator.fixed = self.fixed_namespace  # type: ignore[attr-defined]
        evaluator.exact = exact  # type: ignore[attr-defined]
        ns = self.fixed_namespace or self.namespace
        value = evaluator.evaluate(*ns)
        index = len(self.values)
        self.values.append(value)
        self.evaluators.append(evaluator)
        self._memo[id(node)] = (index, value)
        return index, value

    def outer(self, node: pyast.expr) -> Expr:
        index, value = self.register(node)
        expr = self.value_expr(index, value)
        expr.src_from(node)
        if isinstance(expr, ListExpr):
            expr.display = isinstance(node, (pyast.Tuple, pyast.List, pyast.Set))
        if self.unsupported(expr, value):
            raise TypeError(f"Expression `{expr.src}` has unsupported type {type(value).__name__!r}")
        return expr

    def unsupported(self, expr: Expr, value: Any) -> bool:
        """An outside value no column type takes (an instance of a plain Python class)."""
        if not isinstance(expr, Value) or expr.kind != "other" or isinstance(value, (dict, bytearray, memoryview)):
            return False
        return self.converter(type(value)) is None

    def value_expr(self, index: int, value: Any, get: Any = None) -> Expr:
        """The expression for an outer value (or a part of one, picked by ``get``)."""
        if value is None:
            return make_value(ast.Value(None), type(None), is_literal=True, literal=None)
        if P.is_entity_instance(value):
            entity = type(value)
            nodes = [self.add_spec(index, _pk_part(get, j)) for j in range(len(pk_columns(entity)))]
            return ObjectParam(entity, None, None, nodes)
        if isinstance(value, (list, tuple, set, frozenset)) or P.is_fetched_result(value):
            if len(value) > P.LONG_LIST:
                shape = P.long_list_shape(value)
                if shape is not None:  # the signature names only the kinds of items: see longlists.py
                    return LongListExpr(index, get, shape)
            items = [self.value_expr(index, v, _item(get, j)) for j, v in enumerate(_ordered(value))]
            expr = ListExpr(items, index if get is None else None)
            expr.type_name_ = list_param_type(value)
            return expr
        if hasattr(value, "_attr_") and hasattr(value, "_obj_") and hasattr(value, "is_empty"):
            owner = self.value_expr(index, value._obj_, _chain(get, lambda v: v._obj_))
            return CollectionExpr(owner, value._attr_)  # type: ignore[arg-type]
        translation = getattr(value, "_pony_translation_", None)
        if translation is not None:
            return self.query_value(index, value)
        if P.is_structural(value):
            return Structural(value)
        if isinstance(value, RawSQL):
            return self.raw_expr(value.sql, value.items, index, value.result_type)
        py_type = type(value)
        if isinstance(value, dict):
            return make_value(self.add_spec(index, get, lambda v: json.dumps(v)), dict)
        param = self.add_spec(index, get, self.py2sql(py_type))
        expr = make_value(param, py_type)
        expr.json_source = (index, get)  # type: ignore[attr-defined]
        return expr

    def array_param(self, index: int, array_type: Any) -> ast.Node:
        """A list parameter compared with an array of ``array_type``: converted like one."""
        conv = self.converter(array_type)
        return self.add_spec(index, lambda v: list(v), conv.py2sql if conv is not None else None)

    def query_value(self, index: int, query: Any) -> QueryValue:
        translation = query._pony_translation_()
        prefix = ("q", index)
        for spec in translation.specs:
            key = prefix + spec.key
            self.specs.append(P.ParamSpec(key, index, _query_argument(spec.key)))
        window_of = getattr(query, "_pony_window_", None)
        limit, offset = window_of() if window_of is not None else (None, None)
        window = (limit is not None, bool(offset))
        for part, present in zip(("limit", "offset"), window):
            if present:
                self.specs.append(P.ParamSpec(prefix + (part,), index, _window_part(part)))
        return QueryValue(translation, prefix, window)

    def raw_expr(
        self, sql: str, items: tuple, index: int | None, result_type: Any, evaluators: list | None = None
    ) -> Value:
        parts: list = []
        for item in items:
            if isinstance(item, str):
                parts.append(item)
            elif index is not None:
                parts.append(self.add_spec(index, _raw_value(item), _raw_convert(self)))
            else:
                parts.append(self.add_spec(item, None, _raw_convert(self)))
        if result_type is None:
            return RawValue(ast.Raw(tuple(parts)), RawType)
        return make_value(ast.Raw(tuple(parts)), result_type)

    def like_pattern(self, expr: Expr, prefix: bool, suffix: bool) -> ast.Node:
        """A LIKE pattern matching ``expr`` literally, with ``%`` before/after as asked."""

        def build(text: str) -> str:
            escaped = text.replace("!", "!!").replace("%", "!%").replace("_", "!_")
            return ("%" if prefix else "") + escaped + ("%" if suffix else "")

        if isinstance(expr, Value) and expr.is_literal and isinstance(expr.literal, str):
            return ast.Value(build(expr.literal))
        source = getattr(expr, "json_source", None)
        if source is not None:
            index, get = source
            return self.add_spec(index, get, build)
        if not isinstance(expr, StrValue):
            raise TypeError(f"Expected a string in expression {expr.src}")
        node = expr.node
        for old, new in (("!", "!!"), ("%", "!%"), ("_", "!_")):
            node = ast.Func("replace", node, ast.Value(old), ast.Value(new))
        items = ([ast.Value("%")] if prefix else []) + [node] + ([ast.Value("%")] if suffix else [])
        return ast.Concat(*items)

    # --- visiting -------------------------------------------------------------------------------

    def is_external(self, node: pyast.AST) -> bool:
        """Whether ``node`` uses no loop variable (it is evaluated in Python and bound as a value).

        The nodes are checked in ``ast.walk``'s breadth-first order (the callees of calls are
        registered in that order), with a plain queue instead of its generators: this runs for
        every node of every new query."""
        local_names = self.locals
        queue = [node]
        for sub in queue:
            kind = type(sub)
            if kind is pyast.Name:
                if sub.id in local_names:  # type: ignore[attr-defined]
                    return False
                continue
            if kind in _OPAQUE_NODES:
                continue
            for field in sub._fields:
                value = getattr(sub, field, None)
                if isinstance(value, pyast.AST):
                    queue.append(value)
                elif isinstance(value, list):
                    queue.extend(item for item in value if isinstance(item, pyast.AST))
            if kind in _SCOPED_NODES:  # (the parser and the decompiler make these exact classes)
                return False
            if kind is pyast.Call:
                func = sub.func
                if not self.is_external(func):
                    return False
                _, value = self.register(func)
                if getattr(value, "_pony_nofold_", False) or value in NOFOLD:
                    return False
        return True

    def visit(self, node: pyast.expr) -> Expr:
        if isinstance(node, pyast.Constant):
            if type(node.value) in LITERAL_TYPES:
                expr = literal(node.value)
                expr.src = repr(node.value)
                return expr
            return self.outer(node)
        if type(node) is pyast.UnaryOp and type(node.operand) is pyast.Constant \
                and type(node.operand.value) in (int, float) and type(node.op) in (pyast.USub, pyast.UAdd):
            return self.signed_literal(node)
        if self.is_external(node):
            return self.outer(node)
        if isinstance(node, pyast.ListComp):
            raise InvalidQuery("Use generator expression (... for ... in ...) instead of list comprehension "
                               "[... for ... in ...] inside query")
        method = getattr(self, "visit_" + type(node).__name__, None)
        if method is None:
            raise TranslationError(
                f"Expression `{pyast.unparse(node)}` is not supported in a query"
                + HINTS.get(type(node).__name__, "")
            )
        try:
            expr = method(node)
        except TranslationError as exc:
            if getattr(exc, "needs_source", False):
                raise type(exc)(f"{exc.args[0]}: {pyast.unparse(node)}") from None
            raise
        except IncomparableTypesError as exc:
            if not getattr(exc, "has_source", False):  # the innermost expression names the comparison
                exc.args = (f"{exc.args[0]}: {pyast.unparse(node)}",)
                exc.has_source = True  # type: ignore[attr-defined]
            raise
        if expr.src_missing():
            expr.src_from(node)
        return expr

    def signed_literal(self, node: pyast.UnaryOp) -> Expr:
        """``-2`` written in the query is a constant, as CPython folds it in bytecode (and as the
        decompiler reads it): an SQL literal like ``2``, not an outer value sent as a parameter
        (which, for one, a Json path index on Oracle cannot be)."""
        value = node.operand.value  # type: ignore[attr-defined]
        expr = literal(-value if type(node.op) is pyast.USub else value)
        expr.src = pyast.unparse(node)
        return expr

    def visit_Name(self, node: pyast.Name) -> Expr:
        return self.locals[node.id]

    def visit_Attribute(self, node: pyast.Attribute) -> Expr:
        obj = self.visit(node.value)
        if isinstance(obj, ObjectExpr) and not isinstance(obj, ObjectParam):
            hybrid = hybrid_property(self, obj, node.attr)
            if hybrid is not None:
                return hybrid
        return obj.getattr(node.attr, self)

    def visit_Subscript(self, node: pyast.Subscript) -> Expr:
        obj = self.visit(node.value)
        if isinstance(node.slice, pyast.Slice):
            if node.slice.step is not None:
                raise TranslationTypeError(f"Step is not supported in {pyast.unparse(node)}")
            start = self.visit(node.slice.lower) if node.slice.lower is not None else None
            stop = self.visit(node.slice.upper) if node.slice.upper is not None else None
            return obj.subscript(SliceExpr(start, stop), self)  # type: ignore[arg-type]
        return obj.subscript(self.visit(node.slice), self)

    def visit_Tuple(self, node: pyast.Tuple) -> Expr:
        return RowExpr([self.visit(item) for item in node.elts])

    visit_List = visit_Tuple

    def visit_BoolOp(self, node: pyast.BoolOp) -> Expr:
        items = [self.visit(value) for value in node.values]
        conds = [self.condition(item) for item in items]
        aggregated = any(item.aggregated for item in items)
        cond = ast.And(*conds) if isinstance(node.op, pyast.And) else ast.Or(*conds)
        result = Condition(cond, bool, aggregated=aggregated)
        if isinstance(node.op, pyast.And):
            result.conjuncts = items  # type: ignore[attr-defined]
        return result

    def visit_UnaryOp(self, node: pyast.UnaryOp) -> Expr:
        operand = self.visit(node.operand)
        if isinstance(node.op, pyast.Not):
            return Condition(self.falsity(operand), bool, aggregated=operand.aggregated)
        if isinstance(node.op, pyast.USub):
            if not isinstance(operand, NumberValue):
                raise TypeError(
                    f"Unary minus is not supported for {operand.type_name()}: {pyast.unparse(node)}"
                )
            return operand.derived(ast.Neg(operand.node))
        if isinstance(node.op, pyast.UAdd):
            return operand
        raise TypeError(f"Operator ~ is not supported in expression: {pyast.unparse(node)}")

    def visit_BinOp(self, node: pyast.BinOp) -> Expr:
        op_name = type(node.op).__name__
        if op_name in ("MatMult", "LShift", "RShift"):
            raise NotImplementedError(f"Operator {op_name} is not supported: {pyast.unparse(node)}")
        left, right = self.visit(node.left), self.visit(node.right)
        op = ARITH.get(op_name) or {"BitOr": "|", "BitAnd": "&", "BitXor": "^"}[op_name]
        if isinstance(left, SetExpr) or isinstance(right, SetExpr):
            return lifted_arithmetic(op, left, right, pyast.unparse(node), self)
        if not isinstance(left, Value) or not isinstance(right, Value):
            raise TypeError(f"Unsupported operand types for {op!r} in expression: {pyast.unparse(node)}")
        return arithmetic(op, left, right, pyast.unparse(node))

    def visit_IfExp(self, node: pyast.IfExp) -> Expr:
        cond = self.visit(node.test)
        body, orelse = self.visit(node.body), self.visit(node.orelse)
        if not isinstance(body, Value) or not isinstance(orelse, Value):
            raise TranslationError(
                f"Conditional expressions can only choose between values: {pyast.unparse(node)}"
            )
        py_type = body.py_type if not isinstance(body, NoneValue) else orelse.py_type
        return make_value(
            ast.Case(((self.condition(cond), body.node),), orelse.node),
            py_type,
            aggregated=body.aggregated or orelse.aggregated or cond.aggregated,
        )

    def visit_JoinedStr(self, node: pyast.JoinedStr) -> Expr:
        items = []
        for part in node.values:
            if isinstance(part, pyast.Constant):
                items.append(ast.Value(part.value))
            else:
                assert isinstance(part, pyast.FormattedValue)
                if part.format_spec is not None or part.conversion not in (-1, ord("s")):
                    raise TranslationError(
                        f"Only plain {{value}} and {{value!s}} are supported in f-strings "
                        f"inside queries: {pyast.unparse(node)}"
                    )
                value = self.visit(part.value)
                if not isinstance(value, Value):
                    raise TranslationError(f"Only values can be formatted: {pyast.unparse(part.value)}")
                items.append(value.node if isinstance(value, StrValue) else ast.Cast(value.node, "str"))
        if len(items) == 1:
            items.append(ast.Value(""))
        return make_value(ast.Concat(*items), str)

    def visit_Compare(self, node: pyast.Compare) -> Expr:
        left = self.visit(node.left)
        conds, aggregated = [], left.aggregated
        for op, right_node in zip(node.ops, node.comparators):
            right = self.visit(right_node)
            aggregated = aggregated or right.aggregated
            if not isinstance(op, (pyast.In, pyast.NotIn)):
                check_set_comparison(left, right, node)
            conds.append(self.compare(type(op).__name__, left, right))
            left = right
        return Condition(conds[0] if len(conds) == 1 else ast.And(*conds), bool, aggregated=aggregated)

    def visit_Call(self, node: pyast.Call) -> Expr:
        return translate_call(self, node)

    def visit_GeneratorExp(self, node: pyast.GeneratorExp) -> Expr:
        return self.subquery(node)

    # --- conditions and comparisons -----------------------------------------------------------

    def condition(self, expr: Expr) -> ast.Node:
        if isinstance(expr, CollectionExpr):
            return expr.as_set(self).truth()
        if isinstance(expr, Structural):
            return ast.And() if expr.value else ast.Or()
        if isinstance(expr, ListExpr):
            return ast.And() if expr.items else ast.Or()
        return expr.truth()

    def falsity(self, expr: Expr) -> ast.Node:
        """The condition for ``not expr``: a NULL number, bool or Json value is false, as in Python's ``not None``."""
        if isinstance(expr, Value):
            return expr.falsity()
        return ast.Not(self.condition(expr))

    def compare(self, op_name: str, left: Expr, right: Expr) -> ast.Node:
        if op_name in ("In", "NotIn"):
            cond = self.contains(right, left)
            if op_name == "NotIn" and isinstance(cond, ast.InList):
                return ast.InList(cond.exprs, cond.param, cond.types, negated=True)
            return ast.Not(cond) if op_name == "NotIn" else cond
        if op_name in ("Is", "IsNot"):  # as in Pony: `is` compares values (None, True, objects) like ==
            op_name = "Eq" if op_name == "Is" else "NotEq"
        op = COMPARE_OPS[op_name]
        if isinstance(left, CollectionExpr) or isinstance(right, CollectionExpr):
            raise TypeError(f"Collections cannot be compared with {op}: {left.src}, {right.src}")
        if isinstance(left, (RowExpr, ListExpr)) and isinstance(right, (ArrayValue, JsonExpr)):
            left, right, op = right, left, FLIPPED[op]
        if isinstance(left, (ArrayValue, JsonExpr)) and isinstance(right, (RowExpr, ListExpr)):
            return self.compare_with_list(op, left, right)
        if (
            isinstance(left, RowExpr)
            or isinstance(right, RowExpr)
            or isinstance(left, ListExpr)
            or isinstance(right, ListExpr)
        ):
            return self.compare_rows(op, _row_items(left), _row_items(right))
        if isinstance(right, ObjectExpr) and not isinstance(left, ObjectExpr):
            left, right, op = right, left, FLIPPED[op]
        if isinstance(left, ObjectExpr):
            return left.compare(op, right)
        if isinstance(left, SetExpr) or isinstance(right, SetExpr):
            raise IncomparableTypesError(_type_label(left), _type_label(right))
        if isinstance(left, Structural) or isinstance(right, Structural):
            raise IncomparableTypesError(left.py_type, right.py_type)
        if not isinstance(left, Value) or not isinstance(right, Value):
            raise TranslationError(f"Cannot compare {left.src} and {right.src}")
        if isinstance(left, JsonExpr) and left.path and not (isinstance(right, JsonExpr) and right.path):
            right = self.json_operand(right)
        elif isinstance(right, JsonExpr) and right.path and not (isinstance(left, JsonExpr) and left.path):
            left = self.json_operand(left)
        result = compare_values(op, left, right)
        if op in ("=", "<>") and getattr(self.provider, "EMPTY_STRING_IS_NULL", False):
            result = _empty_string_parameter(result, left, right)
        return result

    def compare_with_list(self, op: str, left: Value, right: Expr) -> ast.Node:
        """An array attribute compared with a list parameter of its item type (``p.tags == wanted``).
        As in Pony, a list display, an empty list or a list of other items is an IncomparableTypesError,
        and so is a Json path compared with any list (compare it with ``Json(...)``)."""
        right_type = getattr(right, "type_name_", None) or "list"
        if (
            isinstance(left, ArrayValue)
            and isinstance(right, ListExpr)
            and right.param_index is not None
            and right_type == left.py_type.__name__
            and op in ("=", "<>")
        ):
            return ast.BinOp(op, left.node, self.array_param(right.param_index, left.py_type))
        raise IncomparableTypesError(left.py_type, right_type)

    def json_operand(self, value: Value) -> Value:
        """A scalar compared with a Json path: sent as JSON text."""
        if value.py_type is dict or (isinstance(value, JsonExpr) and not value.path):
            value.json_node = value.node  # type: ignore[attr-defined]  # a dict or Json parameter: JSON text
            return value
        if isinstance(value, NoneValue) or value.kind != "bool":
            return value  # strings and numbers compare with the unquoted value (as_type)
        source = getattr(value, "json_source", None)
        if source is not None:
            index, get = source
            value.json_node = self.add_spec(index, get, json.dumps)  # type: ignore[attr-defined]
        elif value.is_literal:
            value.json_node = ast.Value(json.dumps(value.literal))  # type: ignore[attr-defined]
        return value

    def compare_rows(self, op: str, left: list, right: list) -> ast.Node:
        if len(left) != len(right):
            raise TypeError(f"Tuples of different length cannot be compared ({len(left)} and {len(right)})")
        if op in ("=", "<>"):
            conds = [self.compare("Eq", a, b) for a, b in zip(left, right)]
            cond = ast.And(*conds) if len(conds) > 1 else conds[0]
            return ast.Not(cond) if op == "<>" else cond
        strict = {"<": "Lt", "<=": "Lt", ">": "Gt", ">=": "Gt"}[op]
        ors = []
        for i in range(len(left)):
            eqs = [self.compare("Eq", a, b) for a, b in zip(left[:i], right[:i])]
            ors.append(ast.And(*eqs, self.compare(strict, left[i], right[i])))
        if op in ("<=", ">="):
            ors.append(ast.And(*[self.compare("Eq", a, b) for a, b in zip(left, right)]))
        return ast.Or(*ors)

    def contains(self, container: Expr, item: Expr) -> ast.Node:
        if isinstance(container, ListExpr) and container.param_index is not None and not container.display:
            if any(isinstance(o, NoneValue) for o in container.items):
                raise TypeError(f"Expression `{container.src}` should not contain None values")
        if isinstance(container, LongListExpr):
            if type(None) in container.shape:  # as for a short list parameter (Pony's TypeError)
                raise TypeError(f"Expression `{container.src}` should not contain None values")
            return container.contains(item, self)
        if isinstance(container, ListExpr) or isinstance(container, RowExpr):
            items = container.items
            if not items:
                return ast.Or()
            if isinstance(item, (RowExpr, ListExpr)):
                return ast.Or(*[self.compare("Eq", item, other) for other in items])
            if isinstance(item, ObjectExpr):
                return ast.Or(*[item.compare("=", other) for other in items])
            if isinstance(item, Value) and all(
                isinstance(o, Value) and not isinstance(o, NoneValue) for o in items
            ):
                for other in items:
                    compare_values("=", item, other)  # type check
                return ast.In(item.node, tuple(o.node for o in items))
            return ast.Or(*[self.compare("Eq", item, other) for other in items])
        if isinstance(container, CollectionExpr):
            return container.as_set(self).contains(item, self)
        if isinstance(container, SetExpr):
            if isinstance(item, (RowExpr, ListExpr)):
                return row_in_subquery(self, item.items, container)
            return container.contains(item, self)
        if isinstance(container, QueryValue):
            translation = container.translation
            _check_query_item(translation, item)
            select = _prefixed(translation.select, container.prefix)
            nodes = _item_nodes(item)
            if any(container.window):
                inner = _windowed_keys(select, translation, container)
            else:
                inner = select.replace(columns=_key_columns(translation), order_by=())
            return ast.InSelect(nodes[0] if len(nodes) == 1 else ast.Row(*nodes), inner)
        if isinstance(container, Value):
            return container.contains(item, self)
        raise TranslationError(f"Operator 'in' is not supported for {container.src}")

    # --- generator expressions ------------------------------------------------------------------

    def bind_loop(self, frame: Frame, name: str, source: Expr, kind: str = "INNER") -> Expr:
        if isinstance(source, Value) and not isinstance(source, NoneValue) and source.attr is not None:
            raise TranslationNotImplementedError(f"for {name} in {source.src}")  # Pony's NotImplementedError
        entity = getattr(source, "value", None) if isinstance(source, Structural) else None
        if P.is_entity_class(entity) and entity._database_ is not self.database:
            raise TranslationError("All entities in a query must belong to the same database")
        alias = self.new_alias(name)
        if isinstance(source, Structural) and P.is_entity_class(source.value):
            entity = source.value
            frame.add_table(entity._table_, alias, None, kind)
            cond = self.discriminator(entity, alias)
            if cond is not None:
                frame.where.append(cond)
            obj = ObjectExpr(entity, frame, alias)
        elif isinstance(source, CollectionExpr):
            obj = source.join_into(self, frame, alias, kind)
        elif isinstance(source, QueryValue) and source.translation.entity is not None:
            entity = source.translation.entity
            frame.add_table(entity._table_, alias, None, kind)
            obj = ObjectExpr(entity, frame, alias)
            frame.where.append(self.contains(source, obj))
            if any(source.window):  # as in Pony, each row of a window is one item (no DISTINCT)
                self.window_aliases.add(alias)
        elif isinstance(source, SetExpr) and isinstance(source.item, ObjectExpr):
            entity = source.item.entity
            frame.add_table(entity._table_, alias, None, kind)
            obj = ObjectExpr(entity, frame, alias)
            frame.where.append(source.contains(obj, self))
        else:
            raise TypeError(
                f"Query can only iterate over entity or another query (not a list of objects): {source.src}"
            )
        frame.loops.append((alias, obj.entity))
        obj.src = name
        self.locals[name] = obj
        return obj

    def translate_loops(
        self, node: pyast.GeneratorExp, frame: Frame, first: Expr | None = None, left_join: bool = False
    ) -> None:
        for i, comp in enumerate(node.generators):
            names = loop_target_names(comp.target)
            if comp.is_async:
                raise TranslationError("async for is not supported in queries")
            if i == 0 and first is not None:
                source = first
            else:
                saved, self.frame = self.frame, frame
                try:
                    source = self.visit(comp.iter)
                finally:
                    self.frame = saved
            kind = "LEFT" if left_join and i > 0 else "INNER"
            if is_value_query(source):
                fold_query(self, frame, names, source, comp.target)
            elif isinstance(comp.target, pyast.Name):
                self.bind_loop(frame, comp.target.id, source, kind)
            else:
                raise TranslationError(
                    f"Only a single name can be a loop variable: {pyast.unparse(comp.target)}"
                )
            if frame.parent is None:
                self.loop_names.extend(names)
            for cond_node in comp.ifs:
                saved, self.frame = self.frame, frame
                try:
                    self.add_condition(self.visit(cond_node), frame)
                finally:
                    self.frame = saved

    def add_condition(self, expr: Expr, frame: Frame | None = None) -> None:
        """A filter of ``frame``: its aggregate parts go to HAVING, every other conjunct to WHERE."""
        frame = frame or self.frame
        conjuncts = getattr(expr, "conjuncts", None)
        if conjuncts is not None and expr.aggregated:
            for part in conjuncts:
                self.add_condition(part, frame)
            return
        cond = self.condition(expr)
        frame.add_condition(cond, aggregated=expr.aggregated and frame is self.frame)

    def subquery(self, node: pyast.GeneratorExp) -> SetExpr:
        frame = Frame(self, self.frame)
        saved_locals = self.locals
        self.locals = dict(saved_locals)
        try:
            self.translate_loops(node, frame)
            saved, self.frame = self.frame, frame
            try:
                item = self.visit(node.elt)
            finally:
                self.frame = saved
        finally:
            self.locals = saved_locals
        if isinstance(item, CollectionExpr):
            alias = self.new_alias(item.attr.name)
            item = item.join_into(self, frame, alias)
        return SetExpr(frame, item, generator=True)

    def filter_set(self, items: SetExpr, func: Expr) -> SetExpr:
        """``coll.select(lambda x: cond)`` / ``filter`` inside a query."""
        node = getattr(func, "lambda_node", None)
        if node is None or len(node.args.args) != 1:
            raise TranslationError(f"Only a one-argument lambda can filter a collection: {func.src}")
        saved_locals, saved_frame = self.locals, self.frame
        self.locals = dict(saved_locals)
        self.locals[node.args.args[0].arg] = items.item
        self.frame = items.frame
        try:
            self.add_condition(self.visit(node.body), items.frame)
        finally:
            self.locals, self.frame = saved_locals, saved_frame
        return items

    # --- results ---------------------------------------------------------------------------------

    def set_results(self, elt: Expr) -> None:
        if isinstance(elt, ListExpr) and elt.display:
            elt = RowExpr(elt.items)  # `(k, k)` of outside values: its values are the columns, as in Pony
        if isinstance(elt, RowExpr):
            self.single = False
            items = elt.items
        else:
            self.single = True
            items = [elt]
        results = []
        for item in items:
            if isinstance(item, CollectionExpr):
                alias = self.new_alias(item.attr.name)
                item = item.join_into(self, self.frame, alias)
                self.frame.loops.append((alias, item.entity))
            elif is_lifted(item):
                item = join_lifted(self, item)
            elif isinstance(item, ObjectParam) or isinstance(item, (SetExpr, Structural, ListExpr, RowExpr)):
                raise TranslationError(f"Expression `{item.src}` cannot be a query result")
            elif isinstance(elt, Value) and isinstance(item.node, ast.Param):
                raise TranslationError(f"External parameter '{item.src}' cannot be used as query result")
            results.append(item)
        self.results = results

    def finish_results(self) -> None:
        items = []
        for item in self.results:
            if isinstance(item, ObjectExpr) and not self.single and item.alias is None and item.via is not None:
                # as in Pony, a related object in a tuple is its foreign key: no join, so a row whose
                # key is NULL stays (with None) instead of vanishing through an inner join
                items.append(ResultItem(item, tuple(item.pk_nodes), by_key=True))
            elif isinstance(item, ObjectExpr):
                items.append(ResultItem(item, item.columns(self)))
            elif isinstance(item, JsonExpr):
                items.append(ResultItem(item, (item.value_node,)))
            else:
                items.append(ResultItem(item, (item.node,)))  # type: ignore[attr-defined]
        self.result_items = items

    def auto_distinct(self) -> bool:
        if self.frame.aggregated or any(item.aggregated for item in self.results):
            return False
        covered = set()
        for item in self.results:
            if isinstance(item, ObjectExpr) and item.alias is not None:
                covered.add(item.alias)
            elif (
                isinstance(item, Value)
                and item.attr is not None
                and item.attr.is_pk
                and len(item.attr.entity._pk_attrs_) == 1
                and isinstance(item.node, ast.Column)
            ):
                loops = dict(self.frame.loops)
                entity = loops.get(item.node.alias)
                if entity is not None and entity._root_ is item.attr.entity._root_:
                    covered.add(item.node.alias)
        return any(alias not in covered and alias not in self.window_aliases for alias, _ in self.frame.loops)

    def count_rows_for_objects(self, frame: Frame) -> None:
        """``count(j)`` is COUNT(DISTINCT j.id) so that joined rows count each object once; over
        the rows of j's table alone every row is another object, and COUNT(*) gives the same
        number without the sort or hash DISTINCT costs."""
        sources = frame.sources
        if len(sources) != 1 or not isinstance(sources[0], ast.Table):
            return
        alias = sources[0].alias
        for node, where, obj in self.object_counts:
            if where is frame and obj.alias == alias and obj.parent is None:
                node.expr, node.distinct = None, False

    def build_select(self) -> ast.Select:
        frame = self.frame
        columns = tuple(c for item in self.result_items for c in item.columns)
        group_by: tuple = ()
        aggregated = frame.aggregated or any(item.aggregated for item in self.results) or bool(frame.having)
        if aggregated:
            group_by = tuple(
                c
                for item, r in zip(self.results, self.result_items)
                if not item.aggregated
                for c in r.columns
            )
        distinct = self.auto_distinct() if self.distinct is None else self.distinct
        self.count_rows_for_objects(frame)
        return frame.select(
            columns,
            group_by=group_by,
            having=ast.and_(*frame.having),
            order_by=tuple(self.order),
            distinct=distinct,
        )


# --- helpers ---------------------------------------------------------------------------------


NOFOLD: set = set()
# nodes that bind names or unpack: never evaluated in Python as an outer value
_SCOPED_NODES = frozenset((pyast.GeneratorExp, pyast.Lambda, pyast.ListComp, pyast.SetComp, pyast.DictComp,
                           pyast.Starred, pyast.NamedExpr))
# leaves without children that matter to ``is_external``: contexts, operators, constants
_OPAQUE_NODES = frozenset((pyast.Load, pyast.Store, pyast.Del, pyast.Constant, pyast.Eq, pyast.NotEq, pyast.Lt,
                           pyast.LtE, pyast.Gt, pyast.GtE, pyast.In, pyast.NotIn, pyast.Is, pyast.IsNot,
                           pyast.And, pyast.Or, pyast.Not, pyast.Add, pyast.Sub, pyast.Mult, pyast.Div))


def _register_nofold() -> None:
    import datetime
    import random

    NOFOLD.update(
        {
            random.random,
            datetime.datetime.now,
            datetime.date.today,
            datetime.datetime.today,
            datetime.datetime.utcnow,
        }
    )


_register_nofold()

HINTS = {
    "ListComp": ". Use a generator expression instead of a list comprehension",
    "SetComp": ". Use a generator expression instead",
    "DictComp": ". Dict comprehensions are not supported",
    "Dict": ". Dict displays are not supported inside queries",
    "Lambda": ". Lambdas can only be passed to select()/filter() of a collection",
    "NamedExpr": ". Assignment expressions are not supported",
}


def _pk_part(get: Any, j: int) -> Any:
    if get is None:
        return lambda v: P.raw_pk(v)[j]
    return lambda v: P.raw_pk(get(v))[j]


def _item(get: Any, j: int) -> Any:
    # bind() has already put a set's items in order; indexing a list or tuple copies nothing
    if get is None:
        return lambda v: _nth(v, j)
    return lambda v: _nth(get(v), j)


def _nth(value: Any, j: int) -> Any:
    return value[j] if isinstance(value, (list, tuple)) else _ordered(value)[j]


def _chain(get: Any, then: Any) -> Any:
    if get is None:
        return then
    return lambda v: then(get(v))


def _ordered(value: Any) -> Any:
    return P.ordered(value)


def _raw_value(index: int) -> Any:
    return lambda raw: raw.values[index]


def _raw_convert(tr: Translator) -> Any:
    def convert(value: Any) -> Any:
        if P.is_entity_instance(value):
            pk = P.raw_pk(value)
            return pk[0] if len(pk) == 1 else pk
        return tr.py2sql(type(value))(value) if tr.py2sql(type(value)) else value

    return convert


def _query_argument(key: Any) -> Any:
    return lambda query: query._arguments[key]


def _row_items(expr: Expr) -> list:
    if isinstance(expr, (RowExpr, ListExpr)):
        return expr.items
    if isinstance(expr, ObjectExpr):
        return [expr]
    raise TypeError(f"A tuple cannot be compared with {expr.src}")


def _type_label(expr: Expr) -> str:
    """A type name as Pony spells it in IncomparableTypesError: ``'Set of Decimal'`` for a set."""
    if isinstance(expr, SetExpr):
        return f"Set of {_type_label(expr.item)}"
    return expr.type_name()


def _check_query_item(translation: Translation, item: Expr) -> None:
    """``item in query``: an object needs a query of its entity, a value a query of values."""
    entity = translation.entity
    if isinstance(item, ObjectExpr):
        if entity is None or entity._root_ is not item.entity._root_:
            raise IncomparableTypesError(item.entity, translation.result_type)
    elif entity is not None and isinstance(item, Value) and not isinstance(item, NoneValue):
        raise IncomparableTypesError(item.py_type, entity)
    elif translation.single and isinstance(item, Value):
        other = translation.results[0].expr
        if isinstance(other, Value):
            compare_values("=", item, other)
    elif isinstance(item, RowExpr):
        if translation.single or len(item.items) != len(translation.results):
            raise TypeError(f"A tuple of {len(item.items)} cannot be tested with 'in' against rows of another size")
        for part, result in zip(item.items, translation.results):
            if not isinstance(part, Value) or not isinstance(result.expr, Value):
                raise TranslationError("Only tuples of values can be tested with 'in' against a query of tuples")
            compare_values("=", part, result.expr)


def _item_nodes(item: Expr) -> list:
    if isinstance(item, (RowExpr, ListExpr)):
        return [node for part in item.items for node in _item_nodes(part)]
    if isinstance(item, ObjectExpr):
        return item.pk_nodes
    if isinstance(item, Value):
        return [item.node]
    raise TranslationError(f"Expression {item.src} cannot be tested with 'in'")


def _key_columns(translation: Translation) -> tuple:
    results = translation.results
    if len(results) == 1 and results[0].entity is not None:
        expr = results[0].expr
        return tuple(expr.pk_nodes)
    return tuple(c for r in results for c in r.columns)


def _window_part(part: str) -> Any:
    index = 0 if part == "limit" else 1
    return lambda query: query._pony_window_()[index]


def _windowed_keys(select: ast.Select, translation: Translation, container: QueryValue) -> ast.Select:
    """The keys of a query's window (ORDER BY ... LIMIT/OFFSET) as a SELECT usable with IN.

    The window is a derived table: MySQL refuses LIMIT directly inside IN, and the derived table
    keeps the query's own columns, so its ORDER BY and DISTINCT mean what they meant."""
    has_limit, has_offset = container.window
    columns = select.columns
    window = select.replace(
        columns=tuple(ast.Alias(c, f"w{i}") for i, c in enumerate(columns)),
        limit=ast.Param(container.prefix + ("limit",)) if has_limit else None,
        offset=ast.Param(container.prefix + ("offset",)) if has_offset else None,
    )
    alias = "window-" + "-".join(str(part) for part in container.prefix)
    keys = tuple(ast.Column(alias, f"w{columns.index(c)}") for c in _key_columns(translation))
    return ast.Select(keys, (ast.SubqueryTable(window, alias),))


def _prefixed(node: Any, prefix: tuple) -> Any:
    """A copy of ``node`` whose parameter keys start with ``prefix`` (an embedded query)."""
    if isinstance(node, ast.Param):
        return ast.Param(prefix + node.key)
    if isinstance(node, ast.Node):
        clone = object.__new__(type(node))
        for name in node.__slots__:
            object.__setattr__(clone, name, _prefixed(getattr(node, name), prefix))
        return clone
    if isinstance(node, tuple):
        return tuple(_prefixed(item, prefix) for item in node)
    return node


__all__ = [
    "Translator",
    "Translation",
    "Structural",
    "RowExpr",
    "DescExpr",
    "QueryValue",
    "BoolValue",
    "eq_nodes",
    "SetExpr",
]


def list_param_type(value: Any) -> str:
    """The type Pony gives a collection parameter: a list of ints or of strs is an array of them."""
    if isinstance(value, list) and value:
        if all(type(v) is int for v in value):
            return "IntArray"
        if all(type(v) is str for v in value):
            return "StrArray"
    return type(value).__name__


def _empty_string_parameter(result: ast.Node, left: Value, right: Value) -> ast.Node:
    """Where the database stores and binds '' as NULL (Oracle), a string parameter equal to '' must
    still match the attribute holding '': ``a = :p OR (a IS NULL AND :p IS NULL)`` (and for ``<>``,
    ``a <> :p OR (:p IS NULL AND a IS NOT NULL)``). A None parameter never gets here: it is
    translated as IS NULL."""
    if not isinstance(result, ast.BinOp):
        return result
    for column, param in ((left, right), (right, left)):
        if param.kind == "str" and isinstance(param.node, ast.Param) and not isinstance(column.node, ast.Param):
            if result.op == "=":
                return ast.Or(result, ast.And(ast.IsNull(column.node), ast.IsNull(param.node)))
            return ast.Or(result, ast.And(ast.IsNull(param.node), ast.IsNotNull(column.node)))
    return result
