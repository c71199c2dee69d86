"""Readable descriptions of entities: ``Entity.describe()`` and ``obj.to_dict()``."""

from __future__ import annotations

from typing import Any

from ..types import Array, Json
from .attributes import Attribute


def describe_entity(entity: Any) -> str:
    bases = [b.__name__ for b in entity._entity_bases_] or ["Entity"]
    lines = [f"class {entity.__name__}({','.join(bases)}):"]  # Pony writes no space
    inherited = [a for a in entity._attrs_ if a.entity is not entity]
    own = [a for a in entity._attrs_ if a.entity is entity]
    if inherited:
        lines.append("    # inherited attrs")
        lines.extend("    " + a.describe() for a in inherited)
        lines.append(f"    # attrs introduced in {entity.__name__}")
    lines.extend("    " + a.describe() for a in own)
    if entity._pk_is_composite_:
        lines.append(f"    PrimaryKey({', '.join(a.name for a in entity._pk_attrs_)})")
    return "\n".join(lines)


def _names(value: Any, entity: Any, option: str) -> list | None:
    if value is None:
        return None
    if isinstance(value, str):
        names = value.replace(",", " ").split()
    else:
        names = [v.name if hasattr(v, "name") and not isinstance(v, str) else v for v in value]
    for name in names:
        if name not in entity._adict_:
            raise AttributeError(f"Entity {entity.__name__} does not have attribute {name}")
    return names


def entity_to_dict(obj: Any, only: Any, exclude: Any, with_collections: bool, with_lazy: bool,
                   related_objects: bool) -> dict:
    entity = type(obj)
    cache = obj._session_cache_
    if cache.dirty and cache.is_alive:
        cache.database._flush_cache(cache)
    row = getattr(obj, "_row_", None)
    if row is not None:  # loaded and untouched: the values straight from its row
        build = _row_builder(entity, only, exclude, with_collections, with_lazy, related_objects)
        if build is not None:
            return build(obj, row)
    if only is None and exclude is None and not (with_collections or with_lazy or related_objects):
        if getattr(obj, "_row_", None) is None:
            result = _plain_columns_dict(obj, entity)
            if result is not None:
                return result
        return _plain_dict(obj, entity)
    result = {}
    for attr in _selected_attrs(entity, only, exclude, with_collections, with_lazy):
        name = attr.name
        value = getattr(obj, name)
        if attr.is_collection:
            items = sorted(value, key=lambda o: _pk_key(o))
            result[name] = items if related_objects else [item.get_pk() for item in items]
        elif attr.is_relation:
            if value is None or related_objects:
                result[name] = value
            else:
                result[name] = value.get_pk()
        else:
            if hasattr(value, "get_untracked"):
                value = value.get_untracked()
            result[name] = value
    return result


def _selected_attrs(entity: Any, only: Any, exclude: Any, with_collections: bool, with_lazy: bool) -> list:
    """The attributes ``to_dict`` reports, in declaration order (``only`` picks, it does not order)."""
    only_names = _names(only, entity, "only")
    exclude_names = set(_names(exclude, entity, "exclude") or ())
    attrs = []
    for attr in entity._attrs_:
        name = attr.name
        if only_names is not None:
            if name not in only_names:
                continue
        else:
            if attr.is_collection and not with_collections:
                continue
            if attr.lazy and not with_lazy:
                continue
        if name not in exclude_names:
            attrs.append(attr)
    return attrs


_DEFAULT_OPTIONS = (None, None, False, False, False)
_MAX_ROW_BUILDERS = 64  # option combinations remembered per entity (a program uses a handful)


def _row_builder(entity: Any, only: Any, exclude: Any, with_collections: bool, with_lazy: bool,
                 related_objects: bool) -> Any:
    """``(obj, row) -> dict`` for a row-backed object and these options, generated once per entity
    and options; False (cached) when an attribute asked for is not in the row as a plain value
    (a collection, a lazy column, a tracked Json/array value)."""
    key = (only, exclude, with_collections, with_lazy, related_objects)
    builders = entity.__dict__.get("_to_dict_rows_")
    if builders is None:
        builders = {}
        type.__setattr__(entity, "_to_dict_rows_", builders)
    try:
        build = builders.get(key)
    except TypeError:  # only/exclude given as a list: its items make the key
        key = (_option_key(only), _option_key(exclude), with_collections, with_lazy, related_objects)
        try:
            build = builders.get(key)
        except TypeError:  # an unhashable name
            return None
    if build is None:
        attrs = _selected_attrs(entity, only, exclude, with_collections, with_lazy)  # raises for unknown names
        build = _compile_row_builder(entity, attrs, related_objects)
        if len(builders) < _MAX_ROW_BUILDERS:
            builders[key] = build
        if build and key == _DEFAULT_OPTIONS:  # Entity.to_dict calls it without going through here
            type.__setattr__(entity, "_to_dict_row_", build)
    return build or None


def _option_key(value: Any) -> Any:
    return value if value is None or isinstance(value, str) else tuple(value)


def _compile_row_builder(entity: Any, attrs: list, related_objects: bool) -> Any:
    load_attrs = entity._load_attrs_
    namespace: dict = {}
    items = []
    mask = 0
    for i, attr in enumerate(attrs):
        if attr.is_collection or attr not in load_attrs or type(attr).__get__ is not Attribute.__get__:
            return False
        pos = load_attrs.index(attr)
        mask |= attr.bit
        if attr.is_relation and not related_objects:  # the related object (a seed) as its key
            items.append(f"{attr.name!r}: None if (v{i} := row[{pos}]) is None else v{i}.get_pk()")
        else:
            items.append(f"{attr.name!r}: row[{pos}]")
    # marked read, as attribute access would mark them (optimistic checks)
    source = (f"def build(obj, row):\n    obj._rbits_ |= {mask}\n"
              f"    return {{{', '.join(items)}}}\n")
    exec(compile(source, f"<to_dict {entity.__name__}>", "exec"), namespace)
    return namespace["build"]


def _plain_dict(obj: Any, entity: Any) -> dict:
    """``to_dict()`` without options, the common call: plain columns straight from the loaded
    values, related objects as their keys."""
    plan = entity.__dict__.get("_to_dict_plan_")
    if plan is None:
        attrs = [attr for attr in entity._attrs_ if not attr.is_collection and not attr.lazy]
        mask = 0
        steps = []
        for attr in attrs:
            mask |= attr.bit
            tracked = attr.py_type is Json or (isinstance(attr.py_type, type) and issubclass(attr.py_type, Array))
            steps.append((attr.name, attr, 1 if attr.is_relation else 2 if tracked else 0))
        plan = (tuple(steps), mask)
        type.__setattr__(entity, "_to_dict_plan_", plan)
    steps, mask = plan
    row = obj._row_
    # a row-backed object is read without turning it into a dict
    vals = obj._vals_ if row is None else dict(zip(obj.__class__._load_attrs_, row))
    result = {}
    for name, attr, kind in steps:
        if kind == 2:  # Json/array: a copy, as attribute access hands it out (never the stored value)
            value = getattr(obj, name)
            if hasattr(value, "get_untracked"):
                value = value.get_untracked()
            result[name] = value
            continue
        try:
            value = vals[attr]
        except KeyError:  # not loaded yet, or a deleted object (which raises)
            value = getattr(obj, name)
        if kind and value is not None:
            value = value.get_pk()
        result[name] = value
    obj._rbits_ |= mask  # read, as attribute access would mark them (optimistic checks)
    return result


def _plain_columns_dict(obj: Any, entity: Any) -> dict | None:
    """``to_dict()`` of an entity whose eager attributes are all plain columns (no relation, Json or
    array): one dict display over the loaded values. None when that does not apply or a value is
    not loaded (``_plain_dict`` then takes the long way)."""
    plan = entity.__dict__.get("_to_dict_columns_")
    if plan is None:
        attrs = [attr for attr in entity._attrs_ if not attr.is_collection and not attr.lazy]
        plain = not any(attr.is_relation or attr.py_type is Json
                        or (isinstance(attr.py_type, type) and issubclass(attr.py_type, Array)) for attr in attrs)
        mask = 0
        for attr in attrs:
            mask |= attr.bit
        plan = (tuple((attr.name, attr) for attr in attrs), mask) if plain else False
        type.__setattr__(entity, "_to_dict_columns_", plan)
    if plan is False:
        return None
    columns, mask = plan
    vals = obj._vals_
    try:
        result = {name: vals[attr] for name, attr in columns}
    except KeyError:
        return None
    obj._rbits_ |= mask  # read, as attribute access would mark them (optimistic checks)
    return result


def _pk_key(obj: Any) -> Any:
    pk = obj.get_pk()
    return (str(type(pk)), pk)
