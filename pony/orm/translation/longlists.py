"""``x in ids`` for a long outer list: the whole list is one parameter.

A list longer than ``params.LONG_LIST`` whose items are scalars, entity instances or tuples of
scalars has a signature naming only the kinds of its items (``params.long_list_shape``), so
one translation serves every length. It becomes ``ast.InList`` over one parameter whose value
is the list with its items converted for the database; each dialect sends that as one
argument (a JSON text, an array, a sequence), so the translation and the SQL are linear in
nothing and the database's limit on parameters does not apply.

None in the list keeps the meaning it has for short lists: ``x in [1, None]`` is
``x = 1 OR x IS NULL`` (and ``not in`` its negation).
"""

from __future__ import annotations

import decimal
from typing import Any

from ..errors import IncomparableTypesError, TranslationError
from ..sql import ast
from . import params as P
from .objects import ObjectExpr
from .values import Expr, JsonExpr, ListExpr, Value, compare_values, make_value

_NONE = type(None)


class LongListExpr(Expr):
    """An outer list of more than ``LONG_LIST`` items, picked from outer value ``index`` by ``get``."""

    def __init__(self, index: int, get: Any, shape: frozenset) -> None:
        self.index = index
        self.get = get
        self.shape = shape
        self.py_type = list

    def array_node(self, tr: Any, array_type: Any) -> ast.Node:
        if self.get is not None:
            raise self.fail("Only a list parameter can be tested as a subset of an array")
        return tr.array_param(self.index, array_type)

    def contains(self, item: Expr, tr: Any) -> ast.Node:
        kinds = self.shape - {_NONE}
        if isinstance(item, ObjectExpr):
            exprs, types, encode = _objects(item, kinds)
            null = ast.IsNull(item.pk_nodes[0])
        elif isinstance(item, ListExpr) or type(item).__name__ == "RowExpr":
            if _NONE in self.shape:
                raise TypeError(f"A tuple cannot be compared with None ({self.src})")
            exprs, types, encode = _rows(item.items, kinds, tr)  # type: ignore[attr-defined]
            null = None
        elif isinstance(item, Value) and not isinstance(item, JsonExpr):
            exprs, types, encode = _scalars(item, kinds, tr)
            null = ast.IsNull(item.node)
        else:
            raise TranslationError(f"Expression {item.src} cannot be tested with 'in' a list of more than "
                                   f"{P.LONG_LIST} items ({self.src})")
        conditions = []
        if kinds:
            conditions.append(ast.InList(tuple(exprs), tr.add_spec(self.index, self.get, encode), tuple(types)))
        if _NONE in self.shape and null is not None:
            conditions.append(null)
        if not conditions:
            return ast.Or()
        return conditions[0] if len(conditions) == 1 else ast.Or(*conditions)


def _common_type(types: set) -> Any:
    """One Python type for the values of a column (a database array holds one type)."""
    if len(types) == 1:
        return next(iter(types))
    if types <= {bool, int}:
        return int
    if types <= {bool, int, float, decimal.Decimal}:
        return float if float in types else decimal.Decimal
    raise TypeError(f"A long list for 'in' mixes values of types {', '.join(sorted(t.__name__ for t in types))}")


def _converter(tr: Any, py_type: Any, common: Any) -> Any:
    """value -> what the driver takes: cast to the column's common type, then py2sql."""
    to_sql = tr.py2sql(common)
    if py_type is common:
        return to_sql
    if to_sql is None:
        return common
    return lambda value: to_sql(common(value))


def _scalars(item: Value, kinds: frozenset, tr: Any) -> tuple:
    for kind in kinds:
        if not isinstance(kind, type):
            raise IncomparableTypesError(item.py_type, _kind_name(kind))
        compare_values("=", item, make_value(ast.Value(None), kind))  # raises for incomparable types
    if not kinds:
        return [item.node], [_NONE], None
    common = _common_type(set(kinds))
    converters = {kind: _converter(tr, kind, common) for kind in kinds}
    if all(c is None for c in converters.values()):
        def encode(values: Any) -> list:
            return [v for v in values if v is not None]
    else:
        def encode(values: Any) -> list:
            result = []
            for v in values:
                if v is not None:
                    convert = converters[type(v)]
                    result.append(v if convert is None else convert(v))
            return result
    return [item.node], [common], encode


def _objects(item: ObjectExpr, kinds: frozenset) -> tuple:
    for kind in kinds:
        if not (isinstance(kind, tuple) and kind[0] == "entity"):
            raise IncomparableTypesError(item.entity, _kind_name(kind))
        if kind[1]._root_ is not item.entity._root_:
            raise IncomparableTypesError(item.entity, kind[1])
    exprs = list(item.pk_nodes)
    if len(exprs) == 1:
        def encode(values: Any) -> list:
            return [P.raw_pk(v)[0] for v in values if v is not None]
    else:
        def encode(values: Any) -> list:
            return [P.raw_pk(v) for v in values if v is not None]
    return exprs, _pk_types(item.entity), encode


def _pk_types(entity: Any) -> list:
    """The Python type of each primary key column of ``entity`` (a relation's key, recursively)."""
    types = []
    for attr in entity._pk_attrs_:
        if attr.is_relation:
            types.extend(_pk_types(attr.py_type))
        else:
            types.append(attr.py_type)
    return types


def _rows(items: list, kinds: frozenset, tr: Any) -> tuple:
    width = len(items)
    columns: list[set] = [set() for _ in range(width)]
    for kind in kinds:
        if not (isinstance(kind, tuple) and kind[0] == "row"):
            raise TypeError(f"A tuple cannot be compared with {_kind_name(kind)}")
        if len(kind[1]) != width:
            raise TypeError(f"Tuples of different length cannot be compared ({width} and {len(kind[1])})")
        for i, py_type in enumerate(kind[1]):
            columns[i].add(py_type)
    exprs = []
    for i, expr in enumerate(items):
        if not isinstance(expr, Value) or isinstance(expr, JsonExpr):
            raise TranslationError(f"Expression {expr.src} cannot be compared with a tuple of a long list")
        for py_type in columns[i]:
            compare_values("=", expr, make_value(ast.Value(None), py_type))
        exprs.append(expr.node)
    commons = [_common_type(c) for c in columns]
    converters = [{t: _converter(tr, t, common) for t in c} for c, common in zip(columns, commons)]

    def encode(values: Any) -> list:
        result = []
        for row in values:
            result.append(tuple(v if (convert := conv[type(v)]) is None else convert(v)
                                for v, conv in zip(row, converters)))
        return result

    return exprs, commons, encode


def _kind_name(kind: Any) -> Any:
    if isinstance(kind, tuple):
        return kind[1] if kind[0] == "entity" else "tuple"
    return kind
