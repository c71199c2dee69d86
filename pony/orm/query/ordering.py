"""``Query.order_by`` / ``sort_by`` with attributes, positions, ``desc()``, None or expressions."""

from __future__ import annotations

from typing import Any

from ..model.attributes import Attribute, DescWrapper
from ..sql import ast


def order_by_args(query: Any, args: tuple) -> Any:
    if len(args) == 1 and args[0] is None:
        return query._clone(order_by=(), plan=_without_default_order(query._plan))
    if not args:
        raise TypeError("order_by() method requires at least one argument")
    kinds = {("number" if isinstance(a, int) and not isinstance(a, bool) else
              "attr" if isinstance(a, (Attribute, DescWrapper)) else "other") for a in args}
    if "number" in kinds and "attr" in kinds:
        raise TypeError("order_by() method receive an argument of invalid type")
    keys: list = []
    if kinds == {"number"}:
        keys = _position_keys(query, args)
    elif kinds == {"attr"}:
        keys = _attribute_keys(query, args)
    else:
        translate = getattr(query, "_translate_order", None)
        if translate is None:
            raise TypeError(f"order_by() cannot take {args!r} for this query")
        return translate(args)
    return query._clone(order_by=tuple(keys) + tuple(query._order_by or query._plan.select.order_by))


def _without_default_order(plan: Any) -> Any:
    if not plan.select.order_by:
        return plan
    import copy
    new_plan = copy.copy(plan)
    new_plan.select = plan.select.replace(order_by=())
    return new_plan


def _position_keys(query: Any, positions: tuple) -> list:
    results = query._plan.results
    keys = []
    for pos in positions:
        if pos == 0:
            raise ValueError("Numeric arguments of order_by() method must be non-zero")
        index = abs(pos) - 1
        if index >= len(results):
            raise IndexError(f"Invalid index of order_by() method: {pos} "
                             f"(query result is {len(results)}-column)")
        result = results[index]
        columns = result.columns()
        if hasattr(result, "entity"):
            pk_count = sum(len(a.columns) for a in result.entity._pk_attrs_)
            columns = columns[:pk_count]
        keys.extend(ast.OrderBy(col, desc=pos < 0) for col in columns)
    return keys


def _attribute_keys(query: Any, attrs: tuple) -> list:
    entity = query._plan.entity
    if entity is None:
        raise TypeError("Attributes can be used in order_by() only when the query result is an entity")
    result = query._plan.results[0]
    keys = []
    for item in attrs:
        desc = isinstance(item, DescWrapper)
        attr = item.attr if desc else item
        while isinstance(attr, DescWrapper):
            attr, desc = attr.attr, not desc
        if attr.entity is not entity and attr.entity not in entity._all_bases_ and \
                entity not in attr.entity._all_bases_:
            raise TypeError(f"Attribute {attr} does not belong to entity {entity.__name__}")
        if attr.is_collection:
            raise TypeError(f"Collection attribute {attr} cannot be used for ordering")
        keys.extend(ast.OrderBy(ast.Column(result.alias, c), desc=desc) for c in attr.columns)
    return keys
