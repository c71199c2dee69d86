"""Top-level query functions: ``select``, ``left_join``, ``get``, ``exists``, ``delete`` and the
aggregates ``count``, ``sum``, ``min``, ``max``, ``avg``, ``group_concat``, ``distinct``.

Given a generator over an entity or a query they build a ``Query``; given anything else the
aggregates behave like the Python builtins they replace on ``from pony.orm import *``.
"""

from __future__ import annotations

import ast
import builtins
import itertools
import sys
import types
from collections import Counter
from typing import Any

from ..errors import ExprEvalError
from ..model.entity_meta import EntityIter
from ..session.collections import SetInstance
from ..translation import chain
from ..types import RawSQL
from .filtering import filter_query
from .query import Query, QueryIterator, QueryResult
from .scope import (
    capture_generator_in_scope,
    capture_lambda_in_scope,
    capture_text_in_scope,
    eval_first_iterable,
)
from .show import show_value


def _mark(name: str, nofold: bool = False) -> Any:
    def decorate(func: Any) -> Any:
        func._pony_func_ = name
        func._pony_nofold_ = nofold
        return func

    return decorate


def _database_of(value: Any) -> Any:
    if isinstance(value, type) and hasattr(value, "_database_"):
        return value._database_
    if isinstance(value, (Query, QueryResult, QueryIterator)):
        query = value if isinstance(value, Query) else value._query
        return query._database
    attr = getattr(value, "_attr_", None)
    if attr is not None:
        return attr.entity._database_
    return None


def _query_from_generator(gen: Any, mode: str) -> Query:
    captured = capture_generator_in_scope(gen)
    first = captured.locals.get(".0")
    if isinstance(first, EntityIter):
        first = first.entity
    elif isinstance(first, QueryIterator):
        first = first._query
    else:
        first = eval_first_iterable(gen, captured.tree.generators[0].iter)
        if isinstance(first, types.GeneratorType):  # a generator over an entity: its query
            first = _query_from_generator(first, "inner")
        if isinstance(first, QueryResult) and first._query is not None:
            first = first._query
    captured.locals[".0"] = first
    database = _database_of(first)
    if database is None:
        raise TypeError("Query can only iterate over entity or another query (not a list of objects)")
    return Query(database, (chain.Step("gen", captured, data=mode),))


def _query_from_text(text: str, mode: str, globals: dict | None, locals: dict | None) -> Query:
    captured = capture_text_in_scope(text, ast.GeneratorExp, globals, locals)
    expr = ast.Expression(body=captured.tree.generators[0].iter)
    ast.fix_missing_locations(expr)
    try:
        first = eval(compile(expr, "<query>", "eval"), captured.globals, captured.locals)
    except Exception as exc:
        raise ExprEvalError(ast.unparse(captured.tree.generators[0].iter), exc) from exc
    database = _database_of(first if not isinstance(first, QueryResult) else first._query)
    if database is None:
        raise TypeError("Query can only iterate over entity or another query (not a list of objects)")
    return Query(database, (chain.Step("gen", captured, data=mode),))


def make_query(arg: Any, mode: str = "inner", globals: dict | None = None, locals: dict | None = None) -> Query:
    """A Query from a generator, query text or a Query; names in text come from the user's frame."""
    if isinstance(arg, types.GeneratorType):
        return _query_from_generator(arg, mode)
    if isinstance(arg, str):
        return _query_from_text(arg, mode, globals, locals)
    if isinstance(arg, Query):
        return arg
    raise TypeError(f"Query should be a generator expression or a string. Got: {type(arg).__name__}")


def _is_query_source(gen: Any) -> bool:
    """A generator over an entity or a query (or query text): handled by the database."""
    if isinstance(gen, str):
        return True
    if isinstance(gen, types.GeneratorType) and gen.gi_frame is not None:
        first = gen.gi_frame.f_locals.get(".0")
        return isinstance(first, (EntityIter, QueryIterator))
    return False


@_mark("select")
def select(gen: Any, globals: dict | None = None, locals: dict | None = None) -> Query:
    """A ``Query`` of a generator expression (or query text) over entities: ``select(p for p in Person if ...)``."""
    return make_query(gen, "inner", globals, locals)


@_mark("left_join")
def left_join(gen: Any, globals: dict | None = None, locals: dict | None = None) -> Query:
    """As ``select``, but the loops over related objects are LEFT JOINs, keeping rows without a match."""
    return make_query(gen, "left", globals, locals)


@_mark("get")
def get(gen: Any, globals: dict | None = None, locals: dict | None = None) -> Any:
    """The single object or value a query yields; None if none, ``MultipleObjectsFoundError`` if several."""
    return make_query(gen, "inner", globals, locals).get()


@_mark("exists")
def exists(gen: Any, globals: dict | None = None, locals: dict | None = None) -> bool:
    """Whether a query yields at least one row."""
    return make_query(gen, "inner", globals, locals).exists()


@_mark("delete")
def delete(gen: Any, globals: dict | None = None, locals: dict | None = None) -> int:
    """Delete the objects a query yields (loaded, with cascades and hooks); the number deleted."""
    return make_query(gen, "inner", globals, locals).delete()


@_mark("count", nofold=True)
def count(gen: Any = None, distinct: bool | None = None) -> Any:
    """Count the rows of a query; of a plain iterable, its distinct items; with no argument, Pony gives
    ``itertools.count()``, and so does this."""
    if gen is None:
        return itertools.count()
    if _is_query_source(gen):
        return make_query(gen).count(distinct=distinct)
    if isinstance(gen, (Query, QueryResult)) or hasattr(gen, "_attr_"):
        return gen.count()
    return len(set(gen))


@_mark("sum")
def sum(gen: Any, *args: Any, distinct: bool | None = None) -> Any:  # noqa: A001 - Pony's name
    """The sum of a query's values (0 for none); with anything else, the builtin ``sum``."""
    if _is_query_source(gen):
        return make_query(gen).sum(distinct=distinct)
    if isinstance(gen, Query):
        return gen.sum(distinct=distinct)
    return builtins.sum(gen, *args)


@_mark("min")
def min(*args: Any, **kwargs: Any) -> Any:  # noqa: A001 - Pony's name
    """The smallest of a query's values; with anything else, the builtin ``min``."""
    if len(args) == 1 and not kwargs and _is_query_source(args[0]):
        return make_query(args[0]).min()
    if len(args) == 1 and isinstance(args[0], Query):
        return args[0].min()
    return builtins.min(*args, **kwargs)


@_mark("max")
def max(*args: Any, **kwargs: Any) -> Any:  # noqa: A001 - Pony's name
    """The largest of a query's values; with anything else, the builtin ``max``."""
    if len(args) == 1 and not kwargs and _is_query_source(args[0]):
        return make_query(args[0]).max()
    if len(args) == 1 and isinstance(args[0], Query):
        return args[0].max()
    return builtins.max(*args, **kwargs)


@_mark("avg")
def avg(gen: Any, distinct: bool | None = None) -> Any:
    """The average of a query's values (None for none); with a plain iterable, its average."""
    if _is_query_source(gen):
        return make_query(gen).avg(distinct=distinct)
    if isinstance(gen, Query):
        return gen.avg(distinct=distinct)
    values = [v for v in gen if v is not None]
    if distinct:
        values = list(set(values))
    return builtins.sum(values) / len(values) if values else None


@_mark("group_concat")
def group_concat(gen: Any, sep: str = ",", distinct: bool = False) -> Any:
    """A query's values joined into one string by ``sep`` (``GROUP_CONCAT`` / ``string_agg``)."""
    if _is_query_source(gen):
        return make_query(gen).group_concat(sep, distinct)
    if isinstance(gen, Query):
        return gen.group_concat(sep, distinct)
    items = list(gen)
    if distinct:
        items = list(dict.fromkeys(items))
    return sep.join(str(item) for item in items)


@_mark("distinct")
def distinct(gen: Any) -> Any:
    """A query without duplicate rows; with a plain iterable, its distinct items."""
    if _is_query_source(gen):
        return make_query(gen).distinct()
    if isinstance(gen, Query):
        return gen.distinct()
    return dict(Counter(gen))


# --- entity and collection entry points ----------------------------------------------------------


def _loop_name(entity: Any) -> str:
    return entity.__name__[0].lower()


def entity_select(entity: Any, *args: Any, **kwargs: Any) -> Query:
    entity._require_mapping()
    if args and kwargs:
        raise TypeError("Entity.select() accepts either a lambda or keyword arguments, not both")
    if len(args) > 1:
        raise TypeError("Entity.select() accepts only one lambda argument")
    name = _loop_name(entity)
    captured = None
    if args:
        arg = args[0]
        if isinstance(arg, types.FunctionType):
            captured = capture_lambda_in_scope(arg)
        elif isinstance(arg, str):
            captured = capture_text_in_scope(arg)
        else:
            if isinstance(arg, RawSQL):
                query = Query(entity._database_, (chain.Step("entity", data=(entity, name)),))
                return query.filter(arg)
            raise TypeError(f"Expected lambda or string, got: {arg!r}")
        tree = captured.tree
        if isinstance(tree, ast.Lambda):
            if len(tree.args.args) != 1:
                raise TypeError(
                    f"Lambda query requires exactly one parameter name, like {name} -> "
                    f"{entity.__name__}.select(lambda {name}: ...). Got: {len(tree.args.args)} parameters"
                )
            name = tree.args.args[0].arg
    query = Query(entity._database_, (chain.Step("entity", data=(entity, name)),))
    if captured is not None:
        return query._with_step(chain.Step("filter", captured, data="filter"))
    if kwargs:
        return filter_query(query, (), kwargs, "filter")
    return query


def collection_select(collection: Any, *args: Any, **kwargs: Any) -> Query:
    attr = collection._attr_
    entity = attr.py_type
    step = chain.Step("collection", data=(attr, _loop_name(entity)), values=[collection._obj_])
    query = Query(entity._database_, (step,))
    if args or kwargs:
        return filter_query(query, args, kwargs, "filter")
    return query


def show(x: Any) -> None:
    """Print ``x`` for a person at the console.

    An entity class prints its ``describe()``; an instance prints ``instance of Cls`` and a one-row
    table; query text or a generator is run as ``select(x)`` in the caller's scope; anything with a
    ``show()`` method is asked to show itself; other values are pretty-printed.
    """
    if isinstance(x, (str, types.GeneratorType)):
        make_query(x, "inner").show()
    else:
        show_value(x)


def install() -> None:
    """Hooks for the lower layers: iteration of entity classes and ``obj.items.select()``."""
    SetInstance.query_api = sys.modules[__name__]


install()

# Modules a first query needs, loaded with pony.orm rather than inside the first call (without
# cached bytecode an import there costs more than translating the query).
from ..translation import calls, capture, decompile  # noqa: E402, F401
from . import deleting, filtering, ordering, prefetch  # noqa: E402, F401


def update(gen: Any, /, **values: Any) -> int:
    """``update(p for p in Product if p.stock == 0, active=False)``: the same as
    ``select(...).update(active=False)``; returns the number of rows the database matched."""
    return make_query(gen).update(**values)
