"""``Query.filter`` / ``where`` with keyword arguments (lambdas and text go to the translator)."""

from __future__ import annotations

import copy
from typing import Any

from ..session.loading import raw_value
from ..sql import ast


def filter_query(query: Any, args: tuple, kwargs: dict) -> Any:
    if args:
        translate = getattr(query, "_translate_filter", None)
        if translate is None:
            raise TypeError(f"filter() cannot take {args!r} for this query")
        return translate(args, kwargs)
    if not kwargs:
        return query
    plan = query._plan
    entity = plan.entity
    if entity is None:
        raise TypeError("Keyword arguments are not allowed: query result is not an entity")
    alias = plan.results[0].alias
    arguments = dict(query._arguments)
    conditions = []
    for name, value in kwargs.items():
        attr = entity._adict_.get(name)
        if attr is None:
            raise TypeError(f"Entity {entity.__name__} does not have attribute {name!r}")
        if attr.is_collection:
            raise TypeError(f"Collection attribute {attr} cannot be used in filter()")
        if value is not None:
            value = attr.validate(value, None, from_db=True)
        raw = raw_value(attr, value)
        for column, raw_item in zip(attr.columns, raw):
            col = ast.Column(alias, column)
            if raw_item is None:
                conditions.append(ast.IsNull(col))
            else:
                key = ("kw", len(arguments))
                arguments[key] = raw_item
                conditions.append(ast.BinOp("=", col, ast.Param(key)))
    new_plan = copy.copy(plan)
    new_plan.select = plan.select.replace(where=ast.and_(plan.select.where, *conditions))
    return query._clone(plan=new_plan, arguments=arguments)
