"""``generate_mapping``: resolve the ER diagram and map it onto tables (layer L3).

Steps: resolve forward references, link the two ends of every relationship, build converters,
name tables and columns with Pony's rules, then describe everything as an sql.schema.DBSchema.
"""

from __future__ import annotations

from typing import Any

from .. import errors
from ..sql.schema import DBSchema
from .attributes import Attribute, Optional, Required, make_tracked
from .entity_meta import EntityMetaBase


def generate_mapping(database: Any) -> DBSchema:
    provider = database.provider
    entities = list(database.entities.values())
    for entity in entities:
        _resolve_types(database, entity)
    for entity in entities:
        for attr in entity._new_attrs_:
            reverse = attr.reverse
            if attr.is_relation and not (isinstance(reverse, Attribute) and reverse.reverse is attr):
                _link_reverse(attr)
    for entity in entities:
        for attr in entity._new_attrs_:
            if attr.is_relation:
                _check_relation(attr)
    for entity in entities:
        for attr in entity._new_attrs_:
            if not attr.is_relation:
                _make_converters(provider, attr)
    for entity in entities:
        for attr in entity._new_attrs_:
            _check_leftover_options(attr)
    for entity in entities:
        _check_defaults(entity)
    schema = DBSchema(provider)
    for entity in entities:
        if entity._root_ is entity:
            _map_root_table(schema, provider, entity)
    for entity in entities:
        _map_columns(schema, provider, entity)
    for entity in entities:
        _map_keys_and_foreign_keys(schema, provider, entity)
    m2m_names: set = set()
    for entity in entities:
        for attr in entity._new_attrs_:
            if attr.is_collection and attr.reverse.is_collection and not hasattr(attr, "m2m_table"):
                _map_m2m(schema, provider, attr, m2m_names)
    for entity in entities:
        _finish_entity(entity)
    return schema


# --- types and reverse attributes ------------------------------------------------------------


def _resolve_types(database: Any, entity: Any) -> None:
    for attr in entity._new_attrs_:
        py_type = attr.py_type
        if isinstance(py_type, str):
            target = database.entities.get(py_type)
            if target is None:
                raise errors.ERDiagramError(f"Entity definition {py_type} was not found")
            attr.py_type = target
        elif callable(py_type) and not isinstance(py_type, type):
            target = py_type()
            if isinstance(target, str):
                target = database.entities.get(target)
            if not isinstance(target, EntityMetaBase):
                raise TypeError(f"Invalid type of attribute {attr}: expected entity class, got {target!r}")
            attr.py_type = target
        if isinstance(attr.py_type, EntityMetaBase) and attr.py_type._database_ is not database:
            raise errors.ERDiagramError(f"Interrelated entities must belong to same database. "
                                        f"Entities {entity.__name__} and {attr.py_type.__name__} belongs to "
                                        "different databases")
        if attr.is_collection and not isinstance(attr.py_type, EntityMetaBase):
            raise NotImplementedError(f"Collection attribute {attr} must refer to an entity. "
                                      f"Got: {attr.py_type!r}")


def _link_reverse(attr: Any) -> None:
    target = attr.py_type
    entity = attr.entity
    reverse = attr.reverse
    if isinstance(reverse, str):
        candidate = target._adict_.get(reverse)
        if candidate is None:
            raise errors.ERDiagramError(f"Reverse attribute {target.__name__}.{reverse} not found")
        reverse = candidate
    elif isinstance(reverse, Attribute):
        if reverse.entity is not target and reverse.entity not in target._all_bases_:
            raise errors.ERDiagramError(f"Incorrect reverse attribute {reverse} for {attr}")
        if not reverse.is_relation and not isinstance(reverse.py_type, str):
            raise errors.ERDiagramError(f"Inconsistent reverse attributes {attr} and {reverse}")
    else:
        candidates = [a for a in target._attrs_ if a.is_relation and a is not attr and
                      _refers_to(a, entity) and (a.reverse is None or a.reverse is attr or
                                                 a.reverse == attr.name)]
        candidates = [a for a in candidates
                      if not (isinstance(a.reverse, Attribute) and a.reverse is not attr)]
        named = [a for a in candidates if a.reverse is attr or a.reverse == attr.name]
        if named:
            candidates = named
        else:  # leave out the attributes another attribute of this entity names as its reverse
            claimed = [target._adict_.get(other.reverse) if isinstance(other.reverse, str) else other.reverse
                       for other in entity._attrs_ if other is not attr and other.is_relation]
            candidates = [a for a in candidates if not any(a is c for c in claimed)]
        if target is entity or entity in target._all_bases_ or target in entity._all_bases_:
            candidates = [a for a in candidates if a is not attr]
        if len(candidates) > 1:
            raise errors.ERDiagramError(f"Ambiguous reverse attribute for {attr}. "
                                        "Use the 'reverse' parameter "
                                        "for pointing to right attribute")
        if not candidates:
            raise errors.ERDiagramError(f"Reverse attribute for {attr} not found")
        reverse = candidates[0]
    if reverse.reverse is not None and not isinstance(reverse.reverse, str) and reverse.reverse is not attr:
        raise errors.ERDiagramError(f"Inconsistent reverse attributes {attr} and {reverse}")
    if isinstance(reverse.reverse, str) and reverse.reverse != attr.name:
        raise errors.ERDiagramError(f"Inconsistent reverse attributes {attr} and {reverse}")
    if not _refers_to(reverse, entity):
        raise errors.ERDiagramError(f"Inconsistent reverse attributes {attr} and {reverse}")
    attr.reverse = reverse
    reverse.reverse = attr


def _refers_to(attr: Any, entity: Any) -> bool:
    py_type = attr.py_type
    if isinstance(py_type, str):
        return py_type == entity.__name__
    return py_type is entity or py_type in entity._all_bases_ or entity in getattr(py_type, "_all_bases_", ())


def _check_relation(attr: Any) -> None:
    reverse = attr.reverse
    if not isinstance(reverse, Attribute):
        _link_reverse(attr)
        reverse = attr.reverse
    if isinstance(attr, Required) and isinstance(reverse, Required) and not attr.is_collection \
            and not reverse.is_collection:
        first, second = sorted([attr, reverse], key=lambda a: a.id)
        raise errors.ERDiagramError(f"At least one attribute of one-to-one relationship {first} - {second} "
                                    "must be optional")
    if attr.table is not None and not (attr.is_collection and reverse.is_collection):
        raise errors.MappingError(f"Parameter 'table' is not allowed for many-to-one attribute {attr}")
    if attr.reverse_columns is not None and attr is not reverse:
        raise TypeError("'reverse_column' and 'reverse_columns' options can be set for symmetric "
                        "relations only")
    if attr.is_collection and attr.fk_name is not None and not reverse.is_collection:
        raise TypeError(f"You should specify fk_name in {reverse} instead of {attr}")
    if attr.sql_type is not None and not attr.is_collection and len(_pk_column_specs_lazy(attr.py_type)) > 1:
        raise NotImplementedError(f"sql_type cannot be specified for composite attribute {attr}")
    if attr.declared_cascade_delete and reverse.declared_cascade_delete:
        first, second = sorted([attr, reverse], key=lambda a: a.id)
        raise TypeError(f"'cascade_delete' option cannot be set for both sides of relationship ({first} and "
                        f"{second}) simultaneously")
    if attr.cascade_delete is None:
        # Pony: only a collection whose reverse is Required cascades by default; one-to-one doesn't
        attr.cascade_delete = attr.is_collection and isinstance(reverse, Required) \
            and not reverse.is_collection
    elif attr.cascade_delete and attr.is_collection and reverse.is_collection:
        raise TypeError(f"'cascade_delete' option cannot be set for attribute {attr}, because reverse "
                        f"attribute {reverse} is collection")


# --- converters and options ----------------------------------------------------------------


def _make_converters(provider: Any, attr: Any) -> None:
    if attr.is_collection:
        return
    converter = provider.get_converter_by_attr(attr)
    attr.converters = [converter]
    if attr.optimistic is None:
        attr.optimistic = converter.optimistic
    if attr.py_type is not None and getattr(attr.py_type, "__name__", "") == "UUID" and attr.auto:
        if attr.default is None:
            import uuid
            attr.default = uuid.uuid4


def _check_leftover_options(attr: Any) -> None:
    if attr.interleave and not attr.is_relation:
        raise TypeError(f"Interleave attribute should be part of relationship. Got: {attr}")
    if attr.args:
        raise TypeError(f"Unexpected positional argument for attribute {attr}: "
                        f"{', '.join(map(repr, attr.args))}")
    leftovers = set(attr.kwargs)
    if attr.py_type is not None and getattr(attr.py_type, "__name__", "") == "UUID":
        leftovers.discard("default")
    if leftovers:
        raise TypeError(f"Attribute {attr} has unknown option {sorted(leftovers)[0]!r}")


def _check_defaults(entity: Any) -> None:
    for attr in entity._new_attrs_:
        if attr.is_collection or attr.default is None or callable(attr.default):
            continue
        if attr.is_relation:
            continue
        attr.converters[0].validate(attr.default, None)


# --- tables and columns ----------------------------------------------------------------------


def _table_name(provider: Any, entity: Any) -> Any:
    table = entity._table_
    if table is None:
        return provider.normalize_name(entity.__name__)
    if isinstance(table, (tuple, list)):
        return tuple(table)
    if not isinstance(table, str):
        raise TypeError(f"{entity.__name__}._table_ property must be a string. Got: {table!r}")
    return table


def _map_root_table(schema: DBSchema, provider: Any, entity: Any) -> None:
    name = _table_name(provider, entity)
    entity._table_ = name
    table = schema.add_table(name)
    table.options = dict(entity._table_options_ or {})
    entity._table_obj_ = table


def _fk_holder(attr: Any) -> bool:
    """Does this to-one attribute keep the foreign key column(s)?"""
    reverse = attr.reverse
    if reverse.is_collection:
        return True
    if attr is reverse:  # symmetric one-to-one
        return True
    if isinstance(attr, Required) and not isinstance(reverse, Required):
        return True
    if isinstance(reverse, Required) and not isinstance(attr, Required):
        return False
    if attr.provided_columns is not None:
        return True
    if reverse.provided_columns is not None:
        return False
    return (attr.entity.__name__, attr.name) < (reverse.entity.__name__, reverse.name)


def _map_columns(schema: DBSchema, provider: Any, entity: Any) -> None:
    table = entity._root_._table_obj_
    entity._table_ = entity._root_._table_
    entity._table_obj_ = table
    is_subclass = entity._root_ is not entity
    for attr in entity._new_attrs_:
        if attr.is_collection:
            continue
        if attr.is_relation and not _fk_holder(attr):
            attr.columns = []
            continue
        _map_attr_columns(provider, table, attr, is_subclass)


def _pk_column_specs_lazy(target: Any) -> list:
    """Like _pk_column_specs but usable before converters exist: only the count matters."""
    if not isinstance(target, EntityMetaBase):
        return [None]
    result: list = []
    for attr in target._pk_attrs_:
        result.extend(_pk_column_specs_lazy(attr.py_type) if attr.is_relation else [None])
    return result


def _pk_column_specs(entity: Any) -> list:
    """(column name suffix, converter) for each pk column of ``entity``, flattening relations."""
    specs: list = []
    for attr in entity._pk_attrs_:
        if attr.is_relation:
            target_specs = _pk_column_specs(attr.py_type)
            if len(target_specs) == 1:
                specs.append((attr.name, target_specs[0][1]))
            else:
                specs.extend((f"{attr.name}_{suffix}", conv) for suffix, conv in target_specs)
        else:
            if not attr.converters:
                raise errors.MappingError(f"Converter of {attr} is not ready")
            specs.append((attr.name, attr.converters[0]))
    return specs


def _map_attr_columns(provider: Any, table: Any, attr: Any, is_subclass: bool) -> None:
    nullable = _is_nullable(provider, attr, is_subclass)
    attr._nullable_ = nullable  # the column's nullability, which the session layer reads
    # Pony's public value: True for a nullable column, else what was declared (None when nothing)
    attr.nullable = True if nullable else (False if attr.nullable is False else None)
    if not nullable and attr.default is None and attr.is_string and not attr.is_required:
        attr.default = ""  # Pony's default of a non-nullable Optional string
    if attr.is_relation:
        specs = _pk_column_specs(attr.py_type)
        if attr.provided_columns is not None:
            if len(attr.provided_columns) != len(specs):
                raise errors.MappingError(f"Invalid number of columns specified for {attr}")
            names = attr.provided_columns
        elif len(specs) == 1:
            names = [attr.name]
        else:
            names = [f"{attr.name}_{suffix}" for suffix, _ in specs]
        attr.converters = [conv for _, conv in specs]
        sql_types = [attr.sql_type] if attr.sql_type and len(specs) == 1 else \
            [conv.fk_sql_type() for _, conv in specs]
    else:
        if attr.provided_columns is not None and len(attr.provided_columns) != 1:
            raise errors.MappingError(f"Too many columns were specified for {attr}")
        names = attr.provided_columns or [attr.name]
        converter = attr.converters[0]
        if attr.sql_type:
            sql_types = [attr.sql_type]
        elif attr.is_pk and attr.auto and hasattr(converter, "auto_sql_type"):
            sql_types = [converter.auto_sql_type()]
        else:
            sql_types = [converter.sql_type()]
    names = [provider.normalize_column_name(n) if hasattr(provider, "normalize_column_name")
             else provider.normalize_name(n) for n in names]
    attr.columns = names
    sql_default = attr.sql_default if isinstance(attr.sql_default, str) else None
    columns = []
    for name, sql_type in zip(names, sql_types):
        existing = table.column_dict.get(name)
        if existing is not None:
            raise errors.DBSchemaError(f"Column {name!r} already exists in table {table.name!r}")
        columns.append(table.add_column(name, sql_type, is_not_null=not nullable, sql_default=sql_default,
                                        is_pk=attr.is_pk and len(attr.entity._pk_attrs_) == 1,
                                        auto=attr.is_pk and attr.auto and attr.py_type is int))
    attr.column_objs = columns


def _is_nullable(provider: Any, attr: Any, is_subclass: bool) -> bool:
    if attr.is_pk or getattr(attr, "is_pk_part", False):
        return False
    if is_subclass:
        return True
    if attr.nullable is not None:
        if attr.nullable is False and isinstance(attr, Optional) and attr.is_string and attr.is_unique:
            raise TypeError(f"Optional unique attribute {attr} must be nullable")
        if attr.nullable is False and isinstance(attr, Optional) and not attr.is_string \
                and not _has_empty_default(attr):
            raise TypeError(f"Optional attribute with non-string type {attr} must be nullable")
        return attr.nullable
    if isinstance(attr, Required):
        return False
    if attr.composite_keys or attr.composite_indexes:  # Pony: such columns are nullable (default None)
        return True
    if attr.is_string:
        return bool(attr.is_unique or provider.EMPTY_STRING_IS_NULL)
    if not attr.is_relation and attr.py_type is not None and _has_empty_default(attr):
        return False
    return True


def _has_empty_default(attr: Any) -> bool:
    from ..types import Array, Json
    py_type = attr.py_type
    return py_type is Json or (isinstance(py_type, type) and issubclass(py_type, Array))


def _map_keys_and_foreign_keys(schema: DBSchema, provider: Any, entity: Any) -> None:
    table = entity._table_obj_
    if entity._root_ is entity:
        pk_columns = [c for attr in entity._pk_attrs_ for c in attr.columns]
        if len(pk_columns) > 1 or entity._pk_attrs_[0].is_relation:
            table.add_index(None, pk_columns, is_pk=True)
    for attr in entity._new_attrs_:
        if attr.is_collection or not attr.columns:
            continue
        if attr.is_unique:
            table.add_index(None, attr.columns, is_unique=True)
        elif attr.index and not attr.is_pk:
            name = attr.index if isinstance(attr.index, str) else None
            table.add_index(name, attr.columns)
        if attr.is_relation:
            target = attr.py_type._root_
            parent_table = target._table_obj_
            parent_columns = [c for pk_attr in target._pk_attrs_ for c in _flat_columns(pk_attr)]
            if attr.reverse.cascade_delete:
                on_delete = "CASCADE"
            elif attr.nullable:
                on_delete = "SET NULL"
            else:
                on_delete = None
            if attr.index is not False and not attr.is_pk and not attr.is_unique:
                name = attr.index if isinstance(attr.index, str) else None
                pk_index = table.pk_index
                pk_prefix = pk_index is not None and \
                    pk_index.col_names[:len(attr.columns)] == tuple(attr.columns)
                if tuple(attr.columns) not in table.indexes and not pk_prefix \
                        and not _leads_composite(entity, attr):
                    table.add_index(name, attr.columns)
            table.add_foreign_key(attr.fk_name, attr.columns, parent_table, parent_columns, on_delete)
    for key in entity._keys_:
        if len(key) > 1 and all(a.entity is entity or a.entity in entity._all_bases_ for a in key) and \
                key is not entity._pk_attrs_:
            if any(a in entity._new_attrs_ for a in key):
                table.add_index(None, [c for a in key for c in a.columns], is_unique=True)
    for attrs, name in entity._composite_indexes_:
        if all(a.entity is entity or a.entity in entity._all_bases_ for a in attrs) and \
                any(a in entity._new_attrs_ for a in attrs):
            table.add_index(name, [c for a in attrs for c in a.columns])


def _leads_composite(entity: Any, attr: Any) -> bool:
    """Is ``attr`` the first attribute of a composite key or index (whose index serves the FK too)?"""
    composites = [key for key in entity._keys_ if len(key) > 1]
    composites += [attrs for attrs, _ in entity._composite_indexes_]
    return any(attrs[0] is attr for attrs in composites)


def _flat_columns(attr: Any) -> list:
    return list(attr.columns)


def _map_m2m(schema: DBSchema, provider: Any, attr: Any, used_names: set) -> None:
    reverse = attr.reverse
    symmetric = attr is reverse
    table_name = attr.table or reverse.table
    if attr.table is not None and reverse.table is not None and attr.table != reverse.table:
        first, second = sorted([attr, reverse], key=lambda a: (a.entity.__name__, a.name))
        raise errors.MappingError(f"Parameter 'table' for {first} and {second} do not match")
    if table_name is None:
        if symmetric:
            base = f"{attr.entity.__name__}_{attr.name}"
        else:
            names = sorted([attr.entity.__name__, reverse.entity.__name__])
            base = f"{names[0]}_{names[1]}"
        base = provider.normalize_name(base)
        table_name = base
        counter = 2
        while table_name in used_names or table_name in schema.tables:
            table_name = f"{base}_{counter}"
            counter += 1
    else:
        if isinstance(table_name, list):
            table_name = tuple(table_name)
        if table_name in used_names or table_name in schema.tables:
            raise errors.MappingError(f'Table name "{_plain(table_name)}" is already in use')
    used_names.add(table_name)
    table = schema.add_table(table_name, is_m2m=True)
    # attr.columns: the m2m columns referencing attr's item entity (attr.py_type)
    item_cols = _m2m_columns(provider, attr.py_type, attr.provided_columns, attr)
    if symmetric:
        owner_cols = _m2m_columns(provider, attr.entity, attr.reverse_columns, attr, suffix="_2")
        if attr.reverse_columns is None and item_cols == owner_cols:
            owner_cols = [f"{c}_2" for c in owner_cols]
    else:
        owner_cols = _m2m_columns(provider, reverse.py_type, reverse.provided_columns, reverse)
        if owner_cols == item_cols:  # a self-relation: the reverse end's columns get "_2"
            owner_cols = [f"{c}_2" for c in owner_cols]
    attr.columns = item_cols
    if symmetric:
        attr.reverse_columns = owner_cols
        ordered = [(item_cols, attr.py_type), (owner_cols, attr.entity)]
    else:
        reverse.columns = owner_cols
        ordered = sorted([(owner_cols, reverse.py_type), (item_cols, attr.py_type)],
                         key=lambda item: (item[1].__name__, item[0]))
    attr.m2m_table = reverse.m2m_table = table_name
    attr.table = reverse.table = table_name  # Pony shows the link table's name in ``Set.table``
    all_columns = []
    for cols, target in ordered:
        specs = _pk_column_specs(target)
        for col, (_, conv) in zip(cols, specs):
            table.add_column(col, conv.fk_sql_type(), is_not_null=True)
            all_columns.append(col)
    table.add_index(None, all_columns, is_pk=True)
    for cols, target in ordered:
        root = target._root_
        parent_columns = [c for pk_attr in root._pk_attrs_ for c in pk_attr.columns]
        table.add_foreign_key(None, cols, root._table_obj_, parent_columns, "CASCADE")
    second_cols = ordered[-1][0]
    if tuple(second_cols) != tuple(all_columns[:len(second_cols)]):
        index_name = attr.reverse_index if symmetric and isinstance(attr.reverse_index, str) else None
        if index_name is None and (isinstance(attr.index, str) or isinstance(reverse.index, str)):
            index_name = attr.index if isinstance(attr.index, str) else reverse.index
        table.add_index(index_name or f"idx_{_plain(table_name).lower()}", second_cols)


def _plain(name: Any) -> str:
    return name[-1] if isinstance(name, tuple) else name


def _m2m_columns(provider: Any, target: Any, provided: list | None, attr: Any, suffix: str = "") -> list:
    specs = _pk_column_specs(target)
    if provided is not None:
        if len(provided) != len(specs):
            raise errors.MappingError(f"Invalid number of columns specified for {attr}")
        return list(provided)
    base = target.__name__.lower()
    if len(specs) == 1:
        return [provider.normalize_name(base)]
    return [provider.normalize_name(f"{base}_{s}") for s, _ in specs]


def _finish_entity(entity: Any) -> None:
    """Derived lists the session and query layers read on every load."""
    root = entity._root_
    if entity is root:
        # one bit per attribute of the whole hierarchy: read/write masks for optimistic checks
        hierarchy = [root, *sorted(root._subclasses_, key=lambda s: s.__name__)]
        bit = 1
        for cls in hierarchy:
            for attr in cls._new_attrs_:
                attr.bit = bit
                bit <<= 1
    for attr in entity._new_attrs_:
        if attr.is_trackable and not attr.is_collection:
            make_tracked(attr)
        attr.is_m2m = bool(attr.is_collection and attr.reverse.is_collection)
        if attr.is_collection and attr.reverse.is_collection and attr.reverse.volatile:
            attr.volatile = True  # a volatile many-to-many relation is volatile from both ends
        if attr.is_m2m:
            # the end whose (owner, item) pairs record link changes
            attr.m2m_key = attr if attr is attr.reverse or attr.id < attr.reverse.id else attr.reverse
    entity._pk_columns_ = tuple(c for attr in entity._pk_attrs_ for c in attr.columns)
    entity._columns_ = [c for attr in entity._attrs_ if not attr.is_collection for c in attr.columns]
    sub_attrs = list(entity._attrs_)
    for sub in sorted(entity._subclasses_, key=lambda s: s.__name__):
        for attr in sub._new_attrs_:
            if attr not in sub_attrs:
                sub_attrs.append(attr)
    # Attributes read by a query over this entity: its own and its subclasses' (single table).
    entity._load_attrs_ = tuple(a for a in sub_attrs if not a.is_collection and not a.lazy and a.columns)
    entity._lazy_attrs_ = tuple(a for a in sub_attrs if not a.is_collection and a.lazy)
    entity._collection_attrs_ = tuple(a for a in entity._attrs_ if a.is_collection)
    entity._relation_attrs_ = tuple(a for a in entity._attrs_ if a.is_relation)
    if entity._discriminator_attr_ is not None:
        root = entity._root_
        values = {}
        for cls in (root, *root._subclasses_):
            values[cls._discriminator_] = cls
        root._subclass_by_discriminator_ = values
