"""``Query.order_by`` / ``sort_by``: attributes, positions, lambdas, text, ``raw_sql`` or None.

Every form becomes a translation step, so each call puts its keys in front of the earlier ones
and the ordering survives later filters.
"""

from __future__ import annotations

import types
from typing import Any

from ..model.attributes import Attribute, DescWrapper
from ..translation import chain
from ..types import RawSQL
from .scope import capture_lambda_in_scope, capture_text_in_scope


def order_by_args(query: Any, args: tuple) -> Any:
    """``query`` ordered by ``args``; names in text come from the user's frame."""
    if len(args) == 1 and args[0] is None:
        return query._with_step(chain.Step("order_none"))
    if not args:
        raise TypeError("order_by() method requires at least one argument")
    kinds = {
        (
            "number"
            if isinstance(a, int) and not isinstance(a, bool)
            else "attr"
            if isinstance(a, (Attribute, DescWrapper))
            else "other"
        )
        for a in args
    }
    if len(kinds) > 1:
        raise TypeError("order_by() method receive an argument of invalid type")
    if kinds == {"number"}:
        return query._with_step(chain.Step("order_positions", data=tuple(args)))
    if kinds == {"attr"}:
        return query._with_step(chain.Step("order_attrs", data=tuple(_attr_keys(args))))
    if len(args) != 1:
        raise TypeError("order_by() accepts one lambda or string, or several attributes or numbers")
    arg = args[0]
    if isinstance(arg, RawSQL):
        return query._with_step(chain.Step("order_raw", data=(arg.sql, arg.types), values=[arg]))
    if isinstance(arg, types.FunctionType):
        return query._with_step(chain.Step("order", capture_lambda_in_scope(arg)))
    if isinstance(arg, str):
        return query._with_step(chain.Step("order", capture_text_in_scope(arg)))
    raise TypeError(f"order_by() method receive an argument of invalid type: {arg!r}")


def _attr_keys(args: tuple) -> list:
    keys = []
    for item in args:
        desc = False
        while isinstance(item, DescWrapper):
            item, desc = item.attr, not desc
        keys.append((item, desc))
    return keys
