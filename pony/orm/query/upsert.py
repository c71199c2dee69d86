"""Upserts, beyond Pony: ``Entity.upsert(**values)`` for one row and
``Entity.insert_many(rows, on_conflict="ignore" | "update", ...)`` for many.

The conflict target is the primary key or a unique key (simple or composite) of the entity. A row
whose key is stored already either updates that row (``"update"``: the given attributes, or those
named in ``update``) or is skipped (``"ignore"``). SQLite and PostgreSQL run
``INSERT ... ON CONFLICT (key) DO UPDATE / DO NOTHING``; MySQL runs ``INSERT ... ON DUPLICATE KEY
UPDATE`` or ``INSERT IGNORE`` (checked for errors it let pass). Objects of the entity already in
the session with one of the written keys forget their values and reload on the next read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .. import errors
from ..session.objects import current_cache, pk_index
from ..session.refresh import forget_object, forget_reverse_values
from ..sql import ast
from .bulk import RowPlan

ON_CONFLICT = ("ignore", "update")
MAX_ROWS_PER_STATEMENT = 1000  # as insert_many; a power of two at most where sizes are (512)


def entity_keys(entity: Any) -> list[tuple]:
    """The conflict targets an upsert may name: the primary key, then each unique key."""
    return [tuple(entity._pk_attrs_), *(tuple(key) for key in entity._keys_)]


def _key_text(key: tuple) -> str:
    return "(" + ", ".join(attr.name for attr in key) + ")"


def resolve_conflict_key(entity: Any, names: Any, given: Iterable[str]) -> tuple:
    """The key ``names`` stand for (a name or a sequence of names), or, when None, the one key whose
    attributes all have values in ``given``: the primary key first. TypeError names the choices."""
    keys = entity_keys(entity)
    choices = ", ".join(_key_text(key) for key in keys)
    if names is not None:
        names = (names,) if isinstance(names, str) else tuple(names)
        for name in names:
            if not isinstance(name, str) or name not in entity._adict_:
                raise TypeError(f"Unknown attribute {name!r} in conflict key of entity {entity.__name__}")
        for key in keys:
            if {attr.name for attr in key} == set(names) and len(key) == len(names):
                return key
        raise TypeError(f"Conflict key ({', '.join(names)}) of {entity.__name__} is not its primary key or "
                        f"a unique key. Keys are: {choices}")
    given = set(given)
    candidates = [key for key in keys if all(attr.name in given for attr in key)]
    if not candidates:
        raise TypeError(f"Values for a key of {entity.__name__} are needed to find existing rows. "
                        f"Keys are: {choices}")
    if len(candidates) > 1 and candidates[0] != keys[0]:
        raise TypeError(f"Values are given for several unique keys of {entity.__name__} "
                        f"({', '.join(_key_text(k) for k in candidates)}): name the conflict key")
    return candidates[0]


def _update_attrs(entity: Any, update: Any, key: tuple) -> tuple | None:
    """The attributes named by ``update`` (validated), None when not given."""
    if update is None:
        return None
    if isinstance(update, str):
        update = (update,)
    result = []
    for name in update:
        attr = entity._adict_.get(name) if isinstance(name, str) else None
        if attr is None:
            raise TypeError(f"Unknown attribute {name!r} in update list of entity {entity.__name__}")
        if attr.is_collection or not attr.columns:
            raise TypeError(f"Attribute {attr} has no column of {entity.__name__}'s table and cannot be updated")
        if attr in key:
            raise TypeError(f"Attribute {attr} is part of the conflict key and cannot be updated")
        result.append(attr)
    return tuple(result)


class _Group:
    """Rows with the same columns and the same columns to update: one statement shape."""

    __slots__ = ("attrs", "update", "rows")

    def __init__(self, attrs: tuple, update: tuple) -> None:
        self.attrs = attrs
        self.update = update
        self.rows: dict = {}  # key values -> (values by attribute, raw arguments)


def write_rows(entity: Any, rows: Iterable[Mapping], on_conflict: str, conflict_keys: Any = None,
               update: Any = None, allow_empty_update: bool = True) -> tuple[int, tuple, list]:
    """Validate and send ``rows``; returns (rows inserted or updated, the key, the rows' values).

    With ``"update"``, every row is inserted or updated, so the count is the number of distinct keys;
    with ``"ignore"`` it is what the database reports as inserted."""
    if on_conflict not in ON_CONFLICT:
        raise ValueError(f"on_conflict must be one of {', '.join(map(repr, ON_CONFLICT))}. Got: {on_conflict!r}")
    cache = current_cache(entity._database_)
    rows = list(rows)
    for row in rows:
        if not isinstance(row, Mapping):
            raise TypeError(f"Expected mappings of attribute names to values. Got: {row!r}")
    if not rows:
        return 0, (), []
    if on_conflict == "ignore" and update is not None and not allow_empty_update:
        raise TypeError("update=[...] is for on_conflict='update'; on_conflict='ignore' updates nothing")
    key = resolve_conflict_key(entity, conflict_keys, rows[0])
    explicit_update = _update_attrs(entity, update, key)
    if on_conflict == "update" and explicit_update == () and not allow_empty_update:
        raise ValueError("on_conflict='update' with an empty update list updates nothing: use on_conflict='ignore'")
    groups: dict = {}
    written = []
    # the per-row work that depends only on the row's names, done once:
    # names -> (plan, group, where the key is in the arguments)
    shapes: dict[tuple, tuple] = {}
    for row in rows:
        names = tuple(row)
        shape = shapes.get(names)
        if shape is not None:
            plan, group, key_positions = shape
            values, raw = plan.apply(row)
        else:
            missing = [attr.name for attr in key if attr.name not in row]
            if missing:
                raise ValueError(f"Row {dict(row)!r} has no value for {', '.join(missing)} "
                                 f"of conflict key {_key_text(key)}")
            plan = RowPlan(entity, names)
            values, raw = plan.apply(row)
            group, key_positions = _row_shape(plan, row, key, on_conflict, explicit_update, groups)
            shapes[names] = (plan, group, key_positions)
        key_values = tuple([raw[i] for i in key_positions])
        if on_conflict == "update" or key_values not in group.rows:
            group.rows.pop(key_values, None)  # the last row of a key wins (an "ignore" keeps the first)
            group.rows[key_values] = (values, raw)
        written.append(values)
    if cache.dirty:
        entity._database_._flush_cache(cache)
    count = 0
    for group in groups.values():
        count += _send(cache, entity, key, group)
    _refresh(cache, entity, written, [g.attrs for g in groups.values()])
    return count, key, written


def _row_shape(plan: Any, row: Mapping, key: tuple, on_conflict: str, explicit_update: tuple | None,
               groups: dict) -> tuple:
    """What rows with the names of ``row`` (and ``plan``) share: their group (same columns, same
    columns to update) and the positions of the conflict key's columns in their arguments."""
    attrs = plan.attrs
    if on_conflict == "ignore":
        changing: tuple = ()
    elif explicit_update is not None:
        absent = [attr.name for attr in explicit_update if attr not in attrs]
        if absent:
            raise ValueError(f"Attribute {absent[0]} to update has no value in row {dict(row)!r}")
        changing = explicit_update
    else:
        changing = tuple(attr for attr in attrs if attr.name in row and attr not in key)
    group = groups.get((attrs, changing))
    if group is None:
        group = groups[(attrs, changing)] = _Group(attrs, changing)
    offsets, position = {}, 0
    for attr in attrs:
        offsets[attr] = position
        position += len(attr.columns)
    key_positions = tuple(offsets[attr] + i for attr in key for i in range(len(attr.columns)))
    return group, key_positions


def _send(cache: Any, entity: Any, key: tuple, group: _Group) -> int:
    provider = cache.provider
    columns = tuple(c for attr in group.attrs for c in attr.columns)
    conflict_columns = tuple(c for attr in key for c in attr.columns)
    update_columns = tuple(c for attr in group.update for c in attr.columns)
    node = ast.Insert(entity._table_, columns, tuple(ast.Param(i) for i in range(len(columns))))
    arguments_list = [raw for _, raw in group.rows.values()]
    limit = max(1, min(MAX_ROWS_PER_STATEMENT, provider.max_params_count // max(1, len(columns))))
    skipping = not update_columns
    check_skipped = skipping and provider.UPSERT_SKIP_HIDES_ERRORS
    count = 0
    pos, total = 0, len(arguments_list)
    if check_skipped:
        cache.savepoint()
    try:
        if provider.UPSERT_ROWS_PIPELINED and not check_skipped:
            single_row = provider.compiler.compile(node).sql
            sql = provider.compiler.upsert_sql(single_row, conflict_columns, update_columns)
            cursor = cache.executemany(sql, arguments_list, prepared=True)
            return cursor.rowcount if skipping else total
        while pos < total:
            size = provider.rows_chunk_size(total - pos, limit)
            sql = provider.compiler.upsert_sql(provider.insert_rows_sql(node, size), conflict_columns,
                                               update_columns)
            arguments = [value for row in arguments_list[pos:pos + size] for value in row]
            cursor, _ = cache.execute(sql, arguments, write=True, prepared=True)
            count += cursor.rowcount if skipping else size
            if check_skipped:
                problems = provider.skipped_row_problems(cursor)
                if problems:
                    raise errors.IntegrityError("; ".join(problems), None)
            pos += size
    except errors.IntegrityError as exc:
        if check_skipped:
            cache.rollback_to_savepoint()
            cache.release_savepoint()
        raise errors.TransactionIntegrityError(
            f"Upsert into {entity.__name__} failed: {type(exc).__name__}: {exc}", exc) from exc
    if check_skipped:
        cache.release_savepoint()
    return count


def _refresh(cache: Any, entity: Any, written: list, attr_sets: list) -> None:
    """Objects with a written key forget their values (reloaded on the next read); so do the other
    ends of the relations written, and the session's cached query results."""
    keys = entity_keys(entity)
    index = pk_index(cache, entity)
    for values in written if index else ():  # no object of the entity in the session: none to forget
        for key in keys:
            if not all(attr in values and values[attr] is not None for attr in key):
                continue
            if key == tuple(entity._pk_attrs_):
                found = index.get(values[key[0]] if len(key) == 1 else tuple(values[a] for a in key))
            elif len(key) == 1:
                found = cache.indexes.get(key[0], {}).get(values[key[0]])
            else:
                found = cache.indexes.get(key, {}).get(tuple(values[a] for a in key))
            if found is not None:
                forget_object(cache, found)
    forget_reverse_values(cache, {attr for attrs in attr_sets for attr in attrs if attr.is_relation})
    cache.query_results.clear()


def upsert(entity: Any, key_names: tuple, update: Any, values: dict) -> Any:
    """``Entity.upsert(**values)``: insert the row, or update the stored row with its key; returns
    the object (from the identity map, reloaded)."""
    mode = "ignore" if update is not None and not (update if not isinstance(update, str) else (update,)) \
        else "update"
    conflict_keys = key_names or None
    _, key, written = write_rows(entity, [values], mode, conflict_keys, update)
    row_values = written[0]
    # the target key first; on MySQL another unique key of the row may be the one that matched
    for candidate in [key, *(k for k in entity_keys(entity) if k != key)]:
        if all(row_values.get(attr) is not None for attr in candidate):
            obj = entity.get(**{attr.name: row_values[attr] for attr in candidate})
            if obj is not None:
                return obj
    raise errors.ObjectNotFound(entity, tuple(row_values[attr] for attr in key))  # deleted meanwhile
