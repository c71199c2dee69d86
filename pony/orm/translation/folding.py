"""A query over another query that yields values or tuples (``select(n for n in q)``,
``select(a for a, b in q)``) is folded into one SELECT, as Pony does: the inner query's tables
and conditions join the outer frame under fresh aliases, and the loop names stand for the inner
query's result expressions. Aggregates over the folded query then see the inner rows, e.g.
``sum(x for x in select(c.points for c in Comment))`` adds every comment's points.
"""

from __future__ import annotations

import ast as pyast
from typing import Any

from ..errors import TranslationError
from ..sql import ast
from . import params as P
from .frames import Frame
from .objects import ObjectExpr, eq_nodes, pk_columns
from .values import Expr, Value, make_value


def loop_target_names(target: pyast.expr) -> list[str]:
    """The names a loop binds: ``x`` or an unpacking ``a, b`` (flat, names only)."""
    if isinstance(target, pyast.Name):
        return [target.id]
    if isinstance(target, (pyast.Tuple, pyast.List)) and all(isinstance(t, pyast.Name) for t in target.elts):
        return [t.id for t in target.elts]  # type: ignore[attr-defined]
    raise TranslationError(f"Only names can be loop variables: {pyast.unparse(target)}")


def is_value_query(source: Expr) -> bool:
    """An outer query (or lazy query result) yielding values or tuples rather than objects."""
    translation = getattr(source, "translation", None)
    return translation is not None and hasattr(source, "prefix") and translation.entity is None


def fold_query(tr: Any, frame: Frame, names: list[str], source: Any, target: pyast.expr) -> None:
    """Bind ``names`` to the results of the inner query ``source`` folded into ``frame``."""
    translation = source.translation
    _check_unpacking(translation, names, source, target)
    if not _foldable(tr, source, translation):
        derive_query(tr, frame, names, source)
        return
    inner = translation.translator
    results = translation.results
    aliases = {old: tr.new_alias(old.split("-")[0]) for old in sorted(inner.aliases)}
    select = translation.select
    sources = rebase(select.sources, aliases, source.prefix)
    if frame.sources:
        first, *rest = sources
        frame.sources.append(ast.Join("INNER", first, None))
        frame.sources.extend(rest)
    else:
        frame.sources.extend(sources)
    if select.where is not None:
        frame.where.append(rebase(select.where, aliases, source.prefix))
    frame.loops.extend((aliases[alias], entity) for alias, entity in inner.frame.loops)
    for name, item in zip(names, results):
        expr = _folded_result(tr, frame, item.expr, aliases, source.prefix)
        expr.src = name
        tr.locals[name] = expr


def _check_unpacking(translation: Any, names: list, source: Any, target: pyast.expr) -> None:
    results = translation.results
    if len(names) == 1 and isinstance(target, pyast.Name):
        if not translation.single:
            items = ", ".join(item.expr.src for item in results)
            raise NotImplementedError(
                f"Please unpack a tuple of ({items}) in for-loop to individual variables "
                f'(like: "for x, y in ..."): {source.src}'
            )
    elif translation.single or len(names) != len(results):
        width = 1 if translation.single else len(results)
        raise TypeError(f"Cannot unpack {width} query result items into {len(names)} loop names: "
                        f"{pyast.unparse(target)} in {source.src}")


def _inner_query(tr: Any, source: Any) -> Any:
    query = tr.values[source.prefix[1]]
    return getattr(query, "_query", None) or query


def _foldable(tr: Any, source: Any, translation: Any) -> bool:
    """Without a window or aggregates the inner query's rows are the outer loop's rows."""
    query = _inner_query(tr, source)
    select = translation.select
    windowed = getattr(query, "_limit", None) is not None or bool(getattr(query, "_offset", None))
    return not (windowed or translation.aggregated or select.group_by or select.having is not None)


def derive_query(tr: Any, frame: Frame, names: list[str], source: Any) -> None:
    """A windowed or grouped inner query cannot be folded: its rows come from a derived table
    ``(SELECT ... LIMIT ?) AS alias`` whose limit and offset are read from the inner query."""
    query = _inner_query(tr, source)
    limit, offset = query._limit is not None, bool(query._offset)
    select = query._select(limit, offset)
    alias = tr.new_alias("q")
    columns, bound = [], []
    for i, item in enumerate(source.translation.results):
        expr = item.expr
        nodes = expr.pk_nodes if isinstance(expr, ObjectExpr) else list(item.columns)
        names_i = [f"v{i}_{j}" for j in range(len(nodes))]
        columns += [ast.Alias(node, name) for node, name in zip(nodes, names_i)]
        outer = [ast.Column(alias, name) for name in names_i]
        if isinstance(expr, ObjectExpr):
            bound.append(FoldedObject(expr.entity, frame, None, outer))
        else:
            bound.append(make_value(outer[0], expr.py_type, expr.attr))
    derived = ast.SubqueryTable(rebase(select.replace(columns=tuple(columns)), {}, source.prefix), alias)
    frame.sources.append(ast.Join("INNER", derived, None) if frame.sources else derived)
    frame.loops.append((alias, None))
    index = source.prefix[1]
    for key, attr in ((("limit",), "_limit"), (("offset",), "_offset")):
        tr.specs.append(P.ParamSpec(source.prefix + key, index, _window_part(attr)))
    for name, expr in zip(names, bound):
        expr.src = name
        tr.locals[name] = expr


def _window_part(attr: str) -> Any:
    return lambda value: getattr(getattr(value, "_query", None) or value, attr)


def _folded_result(tr: Any, frame: Frame, expr: Any, aliases: dict, prefix: tuple) -> Expr:
    if isinstance(expr, ObjectExpr):
        if expr.alias is not None:
            return ObjectExpr(expr.entity, frame, aliases.get(expr.alias, expr.alias))
        return FoldedObject(expr.entity, frame, None, list(rebase(tuple(expr.pk_nodes), aliases, prefix)))
    if isinstance(expr, Value):
        return make_value(rebase(expr.node, aliases, prefix), expr.py_type, expr.attr)
    raise TranslationError(f"{expr.src} cannot be used as an item of a loop over a query")


class FoldedObject(ObjectExpr):
    """An object of a folded query known by its key only (``c.author``): its table is joined
    when one of its attributes is used."""

    def ensure_alias(self, tr: Any) -> str:
        if self.alias is None:
            frame = self.frame
            assert frame is not None
            alias = tr.new_alias(self.entity.__name__.lower())
            on = eq_nodes(self.pk_nodes, [ast.Column(alias, c) for c in pk_columns(self.entity)])
            frame.add_table(self.entity._table_, alias, on, "LEFT" if frame.left_join else "INNER")
            self.alias = alias
        return self.alias


def rebase(node: Any, aliases: dict, prefix: tuple) -> Any:
    """A copy of an inner query's SQL node with its table aliases renamed and its parameter keys
    prefixed (the outer translation binds them from the inner query's arguments)."""
    if isinstance(node, ast.Param):
        return ast.Param(prefix + node.key)
    if isinstance(node, ast.Node):
        clone = object.__new__(type(node))
        for name in node.__slots__:
            value = getattr(node, name)
            if name == "alias" and isinstance(value, str):
                value = aliases.get(value, value)
            else:
                value = rebase(value, aliases, prefix)
            object.__setattr__(clone, name, value)
        return clone
    if isinstance(node, tuple):
        return tuple(rebase(item, aliases, prefix) for item in node)
    return node


__all__ = ["loop_target_names", "is_value_query", "fold_query", "rebase", "FoldedObject"]
