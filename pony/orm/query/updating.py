"""Bulk update, beyond Pony: ``query.update(attr=value, attr2=lambda p: ...)`` sets attributes of
every row the query selects with one UPDATE statement, without loading objects.

Plain values are validated as on attribute assignment and sent as parameters; a lambda of the
updated object is translated like a query expression (its own columns, functions, subqueries) and
computed by the database per row. Pending changes are flushed first; afterwards the objects of
the entity in the session forget the updated attributes (see ``session/forgetting.py``).
``before_update``/``after_update`` hooks are not called: no object is involved.
"""

from __future__ import annotations

import ast as pyast
import types
from typing import Any

from .. import errors
from ..model.attributes import Attribute
from ..session.forgetting import forget_updated_values
from ..session.loading import raw_value
from ..session.objects import current_cache
from ..sql import ast
from ..translation import chain
from ..translation.objects import ObjectExpr
from ..translation.values import Value, kind_of
from .scope import capture_lambda_in_scope

SET_STEP = "update_set"


def bulk_update(query: Any, values: dict) -> int:
    """Set ``values`` (attribute name -> value or lambda of the object) on every row of ``query``."""
    entity = _target_entity(query)
    if not values:
        raise TypeError("update() needs at least one attribute=value argument")
    plain: dict = {}
    computed: list = []
    for name, value in values.items():
        attr = _settable_attr(entity, name)
        if isinstance(value, types.FunctionType):  # no attribute holds a function: computed per row
            computed.append((attr, value))
        else:
            plain[attr] = _validated(query, attr, value)
    for attr, func in computed:
        query = query._with_step(chain.Step(SET_STEP, capture_lambda_in_scope(func), data=attr.name))
    translation = query._translation
    database = query._database
    cache = current_cache(database)
    if cache.dirty:
        database._flush_cache(cache)  # new objects get their keys; changes are not overwritten
    _check_lengths(query, translation, cache)
    key = ("bulk_update", tuple(plain))
    compiled = translation.compiled.get(key)
    if compiled is None:
        node = _update_node(translation, entity, tuple(plain), database.provider)
        compiled = translation.compiled[key] = database.provider.compiler.compile(node)
    arguments = dict(query._arguments)
    raw = [v for attr, value in plain.items() for v in raw_value(attr, value)]
    arguments.update({("bulk_set", i): v for i, v in enumerate(raw)})
    try:
        cursor, _ = cache.execute(compiled.sql, compiled.arguments(arguments), write=True)
    except errors.IntegrityError as exc:
        raise errors.TransactionIntegrityError(
            f"update() of {entity.__name__} failed: {type(exc).__name__}: {exc}", exc) from exc
    finally:
        cache.query_results.clear()
    forget_updated_values(cache, entity, [*plain, *(attr for attr, _ in computed)])
    return cursor.rowcount


def _target_entity(query: Any) -> Any:
    entity = query._translation.entity
    if entity is None:
        results = ", ".join(getattr(r.py_type, "__name__", "?") for r in query._translation.results)
        raise TypeError(f"update() should be applied to a query of a single entity. Got: ({results})")
    return entity


def _settable_attr(entity: Any, name: str) -> Any:
    attr = entity._adict_.get(name)
    if attr is None:
        raise TypeError(f"Unknown attribute {name!r} of entity {entity.__name__}")
    if attr.is_pk:
        raise TypeError(f"Primary key attribute {attr} cannot be changed by update()")
    if attr.is_collection:
        raise TypeError(f"Collection attribute {attr} cannot be set by update(): change the other side")
    if attr.is_discriminator:
        raise TypeError(f"Discriminator attribute {attr} cannot be changed by update()")
    if not attr.columns:
        raise TypeError(f"Attribute {attr} has no column (its reverse {attr.reverse} holds the key): "
                        f"set {attr.reverse} instead")
    return attr


def _validated(query: Any, attr: Any, value: Any) -> Any:
    """``value`` checked and normalised as ``obj.attr = value`` would do it."""
    if isinstance(value, Attribute):
        raise TypeError(f"update() takes values or lambdas: write {attr.name}=lambda x: x.{value.name} "
                        f"instead of {attr.name}={value}")
    value = attr.validate(value, None)
    if value is not None and attr.is_relation:
        cache = current_cache(query._database)
        if value._session_cache_ is not cache:
            raise errors.TransactionError("An attempt to mix objects belonging to different transactions")
    return value


def _check_lengths(query: Any, translation: Any, cache: Any) -> None:
    """A computed string longer than its attribute's max_len is refused before anything is
    written, alike on every backend (SQLite would store it as it is): one SELECT per such value."""
    for attr, nodes, src in getattr(translation.translator, "update_assignments", ()):
        max_len = getattr(attr.converters[0], "max_len", None) if attr.is_string else None
        if max_len is None:
            continue
        key = ("bulk_update_length", attr)
        compiled = translation.compiled.get(key)
        if compiled is None:
            select = translation.select
            too_long = ast.BinOp(">", ast.Length(nodes[0]), ast.Value(max_len))
            check = select.replace(columns=(ast.Value(1),), where=ast.and_(select.where, too_long), order_by=(),
                                   distinct=False, limit=ast.Value(1))
            compiled = translation.compiled[key] = cache.provider.compiler.compile(check)
        arguments = compiled.arguments(query._arguments) if compiled.param_keys else None
        cursor, _ = cache.execute(compiled.sql, arguments)
        if cursor.fetchall():
            raise ValueError(f"Value `{src}` is too long for attribute {attr} in some rows. Max length is {max_len}")


# --- the UPDATE statement ------------------------------------------------------------------------


def _update_node(translation: Any, entity: Any, plain: tuple, provider: Any) -> ast.Update:
    alias = translation.results[0].alias
    table = entity._table_
    qualifier = table[-1] if isinstance(table, tuple) else table
    assignments = []
    index = 0
    for attr in plain:
        for column in attr.columns:
            assignments.append((column, ast.Param(("bulk_set", index))))
            index += 1
    for attr, nodes, _ in getattr(translation.translator, "update_assignments", ()):
        for column, node in zip(attr.columns, nodes):
            assignments.append((column, requalify(node, alias, qualifier)))
    return ast.Update(table, tuple(assignments), _where(translation, entity, alias, qualifier, provider))


def _where(translation: Any, entity: Any, alias: str, qualifier: str, provider: Any) -> ast.Node | None:
    """The rows to update: the query's own WHERE when it reads only the entity's table, else its
    keys selected by a subquery (wrapped, so MySQL accepts an UPDATE reading its own table)."""
    select = translation.select
    sources = select.sources
    single_table = len(sources) == 1 and isinstance(sources[0], ast.Table) and sources[0].alias == alias
    plain = not (select.group_by or select.having is not None or select.limit is not None
                 or select.offset is not None)
    self_reading = not provider.UPDATE_READS_OWN_TABLE and _reads_table(select.where, entity._table_)
    if single_table and plain and not self_reading:
        return requalify(select.where, alias, qualifier) if select.where is not None else None
    pk_columns = [c for attr in entity._root_._pk_attrs_ for c in attr.columns]
    inner = select.replace(columns=tuple(ast.Column(alias, c) for c in pk_columns), distinct=False, order_by=())
    keys = [ast.Column(qualifier, c) for c in pk_columns]
    target: ast.Node = keys[0] if len(keys) == 1 else ast.Row(*keys)
    return ast.InSelect(target, ast.Select((ast.Star(),), (ast.SubqueryTable(inner, "q"),)))


def requalify(node: Any, old: str, new: str) -> Any:
    """``node`` with every column of alias ``old`` qualified by ``new`` instead (the table name:
    an UPDATE has no alias), subqueries included. A subquery's own alias that reads like ``new``
    (a loop variable named like the table) is renamed first, so it cannot capture those columns."""
    taken = _aliases(node)
    renames = {old: new}
    for alias in taken:
        if alias != old and alias.casefold() == new.casefold():
            fresh, n = f"{alias}_", 1
            while fresh.casefold() in {a.casefold() for a in taken} | {new.casefold()}:
                n += 1
                fresh = f"{alias}_{n}"
            renames[alias] = fresh
    return _renamed(node, renames)


def _renamed(node: Any, renames: dict) -> Any:
    if isinstance(node, ast.Column):
        return ast.Column(renames[node.alias], node.name) if node.alias in renames else node
    if isinstance(node, (ast.Table, ast.SubqueryTable)) and node.alias in renames:
        clone = type(node)(node.name if isinstance(node, ast.Table) else _renamed(node.select, renames),
                           renames[node.alias])
        return clone
    if isinstance(node, ast.Node):
        clone = object.__new__(type(node))
        for name in _slots(type(node)):
            object.__setattr__(clone, name, _renamed(getattr(node, name), renames))
        return clone
    if isinstance(node, tuple):
        return tuple(_renamed(item, renames) for item in node)
    if isinstance(node, list):
        return [_renamed(item, renames) for item in node]
    return node


def _aliases(node: Any) -> set:
    """The aliases of every table and derived table in ``node``."""
    found: set = set()
    if isinstance(node, (ast.Table, ast.SubqueryTable)) and node.alias:
        found.add(node.alias)
    if isinstance(node, ast.Node):
        for name in _slots(type(node)):
            found |= _aliases(getattr(node, name))
    elif isinstance(node, (tuple, list)):
        for item in node:
            found |= _aliases(item)
    return found


def _slots(cls: type) -> tuple:
    return tuple(name for klass in cls.__mro__ for name in getattr(klass, "__slots__", ()))


def _reads_table(node: Any, table: Any) -> bool:
    if isinstance(node, ast.Table):
        return node.name == table
    if isinstance(node, ast.Node):
        return any(_reads_table(getattr(node, name), table) for name in _slots(type(node)))
    if isinstance(node, (tuple, list)):
        return any(_reads_table(item, table) for item in node)
    return False


# --- lambdas of the object, translated as steps of the query chain ---------------------------------


def _set_step(tr: Any, step: chain.Step, start: int) -> None:
    """Translate ``attr=lambda p: ...`` with ``p`` the updated object; the result is kept on the
    translator as the columns' new value nodes, the query itself is left as it was."""
    target = tr.results[0] if tr.single and tr.results else None
    attr = target.entity._adict_[step.data]
    node = step.captured.tree  # type: ignore[union-attr]
    if not isinstance(node, pyast.Lambda) or len(node.args.args) != 1 or node.args.vararg or node.args.kwarg:
        raise TypeError(f"The value of {attr.name} in update() must be a value or a lambda of one argument "
                        "(the object being updated)")
    tr.locals = {node.args.args[0].arg: target}
    frame = tr.frame
    before = (len(frame.sources), len(frame.where), len(frame.having), frame.aggregated)
    expr = tr.visit(node.body)
    src = pyast.unparse(node.body)
    if (len(frame.sources), len(frame.where), len(frame.having), frame.aggregated) != before \
            or getattr(expr, "aggregated", False):
        raise errors.TranslationError(
            f"`{src}` cannot be a value of update(): it reaches other rows or objects through a join or an "
            "aggregate. Use the object's own attributes, or a subquery such as select(...).max()")
    nodes = assignment_nodes(tr, attr, expr, src)
    assignments = tr.__dict__.setdefault("update_assignments", [])
    assignments.append((attr, nodes, src))


def assignment_nodes(tr: Any, attr: Any, expr: Any, src: str) -> tuple:
    """The SQL nodes giving ``attr``'s columns the value of ``expr``; TypeError when it cannot be one."""
    if isinstance(expr, Value) and expr.is_literal and expr.literal is None:
        attr.validate(None, None)  # ValueError for a required attribute
        return (ast.Value(None),) * len(attr.columns)
    if attr.is_relation:
        if isinstance(expr, ObjectExpr) and issubclass(expr.entity, attr.py_type):
            return tuple(expr.pk_nodes)
        raise TypeError(f"Attribute {attr} must be set to a {attr.py_type.__name__} object. Got: `{src}`")
    if not isinstance(expr, Value):
        raise TypeError(f"`{src}` cannot be a value of {attr}: it is not a single value")
    wanted, got = kind_of(attr.py_type), expr.kind
    if got not in (wanted, "raw", "other", "none"):
        raise TypeError(f"`{src}` is of kind {got!r}; attribute {attr} needs {wanted!r}")
    if issubclass(attr.py_type, int) and wanted == "number" and expr.py_type not in (int, bool):
        raise TypeError(f"`{src}` may not be a whole number; attribute {attr} is an int: use round() or int()")
    node = expr.columns()[0]
    scale = getattr(attr.converters[0], "scale", None) if attr.converters else None
    if scale is not None and not tr.provider.DECIMAL_COLUMNS_ROUND:
        node = ast.Func("round", node, ast.Value(scale))
    return (node,)


chain.STEP_HANDLERS[SET_STEP] = _set_step
