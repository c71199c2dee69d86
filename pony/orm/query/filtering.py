"""``Query.filter`` / ``where``: lambdas, text, ``raw_sql`` and keyword arguments, each added to
the query's chain of translation steps."""

from __future__ import annotations

import types
from typing import Any

from ..translation import chain
from ..types import RawSQL
from .scope import capture_lambda_in_scope, capture_text_in_scope


def filter_query(query: Any, args: tuple, kwargs: dict, mode: str) -> Any:
    """``query`` narrowed by a lambda, text (names from the user's frame), raw_sql() or keywords."""
    if args and kwargs:
        raise TypeError("filter() accepts either a lambda/text or keyword arguments, not both")
    if len(args) > 1:
        raise TypeError(f"{mode}() accepts one lambda or string. Got: {len(args)} arguments")
    if args:
        arg = args[0]
        if isinstance(arg, RawSQL):
            return query._with_step(chain.Step("raw_filter", data=(arg.sql, arg.types), values=[arg]))
        if isinstance(arg, types.FunctionType):
            return query._with_step(chain.Step("filter", capture_lambda_in_scope(arg), data=mode))
        if isinstance(arg, str):
            return query._with_step(chain.Step("filter", capture_text_in_scope(arg), data=mode))
        raise TypeError(f"Argument of {mode}() must be a lambda, a string or raw_sql(). Got: {arg!r}")
    if not kwargs:
        return query
    translation = query._translation
    entity = translation.entity
    if entity is None:
        raise TypeError("Keyword arguments are not allowed: query result is not an entity")
    if mode == "where" and len(translation.names) > 1:
        raise TypeError("Keyword arguments are not allowed when query has more than one loop variable")
    names, values = [], []
    for name, value in kwargs.items():
        attr = entity._adict_.get(name)
        if attr is None:
            for sub in entity._subclasses_:
                attr = sub._adict_.get(name) or attr
        if attr is None:
            raise AttributeError(f"Entity {entity.__name__} does not have attribute {name}")
        if attr.is_collection:
            raise TypeError(f"Collection attribute {attr} cannot be used in {mode}()")
        if value is not None and not attr.is_relation:
            value = attr.validate(value, None, from_db=True)
        names.append(name)
        values.append(value)
    return query._with_step(chain.Step("kwargs", data=tuple(names), values=values))
