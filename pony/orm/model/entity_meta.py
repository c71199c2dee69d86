"""``EntityMetaBase``: builds entity classes from their declarations and checks the ER rules.

Only declarations live here (attributes, keys, inheritance, discriminator, table names); what
an entity class can do with a session or a query is added by the entity layer's metaclass.
"""

from __future__ import annotations

from typing import Any, dataclass_transform

from .. import errors
from .attributes import (
    Attribute,
    Collection,
    Discriminator,
    Optional,
    PrimaryKey,
    Required,
    Set,
)
from .indexes import build_indexes, secondary_keys


@dataclass_transform(kw_only_default=True,
                     field_specifiers=(Required, Optional, PrimaryKey, Set, Discriminator))
class EntityMetaBase(type):
    _entity_meta_marker_ = True

    def __new__(mcs, name: str, bases: tuple, namespace: dict, **kwargs: Any) -> Any:
        if "__slots__" in namespace and not namespace.get("_is_entity_base_"):
            raise TypeError("Entity classes cannot contain __slots__ variable")
        composites = namespace.pop("_pony_composites_", [])
        cls = super().__new__(mcs, name, bases, namespace)
        cls._composites_declared_ = composites  # type: ignore[attr-defined]
        return cls

    def __init__(cls, name: str, bases: tuple, namespace: dict, **kwargs: Any) -> None:
        super().__init__(name, bases, namespace)
        if namespace.get("_is_entity_base_"):
            cls._attrs_ = cls._new_attrs_ = ()  # the db.Entity base class itself
            cls._adict_ = {}
            return
        _build_entity(cls, name, bases, namespace)

    def __iter__(cls) -> Any:
        return EntityIter(cls)

    def __repr__(cls) -> str:
        return f"<class '{cls.__module__}.{cls.__qualname__}'>"


class EntityIter:
    """``iter(Entity)``: lets ``select(p for p in Person)`` see the entity; plain iteration fails."""

    def __init__(self, entity: Any) -> None:
        self.entity = entity

    def __iter__(self) -> EntityIter:
        return self

    def __next__(self) -> Any:
        name = self.entity.__name__
        raise TypeError(f"Use select(...) function or {name}.select(...) method for iteration")


def _entity_bases(cls: Any, bases: tuple) -> list:
    return [b for b in bases if isinstance(b, EntityMetaBase) and not b.__dict__.get("_is_entity_base_")]


def _build_entity(cls: Any, name: str, bases: tuple, namespace: dict) -> None:
    """Fill in an entity class from its declarations, checking the ER rules, and register it."""
    database = _owning_database(name, bases)
    entity_bases = _entity_bases(cls, bases)
    _link_bases(cls, database, entity_bases)
    _table_options(cls, name, namespace, entity_bases)
    _discriminator(cls, name, namespace, entity_bases)

    base_attrs: list = []
    for base in entity_bases:
        for attr in base._attrs_:
            if attr not in base_attrs:
                base_attrs.append(attr)
    base_names = {attr.name: attr for attr in base_attrs}
    new_attrs = sorted((value for value in namespace.values() if isinstance(value, Attribute)),
                       key=lambda a: a.id)
    for attr in new_attrs:
        _attach_attribute(cls, name, namespace, attr, base_names, bool(entity_bases))

    composites = cls._composites_declared_
    _primary_key(cls, name, namespace, new_attrs, base_names, entity_bases, composites)
    cls._pk_is_composite_ = len(cls._pk_attrs_) > 1
    cls._pk_ = cls._pk_attrs_[0] if not cls._pk_is_composite_ else cls._pk_attrs_

    cls._new_attrs_ = tuple(new_attrs)
    cls._attrs_ = tuple(base_attrs + [a for a in new_attrs if a not in base_attrs])
    cls._adict_ = {attr.name: attr for attr in cls._attrs_}

    _build_keys(cls, entity_bases, composites, new_attrs)

    database.entities[name] = cls
    setattr(database, name, cls)


def _owning_database(name: str, bases: tuple) -> Any:
    """The Database of the ``db.Entity`` an entity class derives from, if it may still get entities."""
    database = None
    for base in bases:
        database = getattr(base, "_database_", None)
        if database is not None:
            break
    if database is None:
        raise errors.ERDiagramError(f"Entity {name} must inherit from db.Entity")
    if getattr(database, "_mapping_generated", False):
        raise errors.ERDiagramError(f"Cannot define entity {name!r}: database mapping has already been "
                                    "generated")
    if not name[:1].isupper():
        raise errors.ERDiagramError(f"Entity class name should start with a capital letter. Got: {name}")
    if name in database.entities:
        raise errors.ERDiagramError(f"Entity {name} already exists")
    return database


def _link_bases(cls: Any, database: Any, entity_bases: list) -> None:
    """The inheritance links: database, root, every base, and the bases' lists of subclasses."""
    for base in entity_bases:
        if base._database_ is not database:
            raise errors.ERDiagramError("All entities of an inheritance hierarchy must belong to one "
                                        "database")
    cls._database_ = database
    cls._entity_bases_ = tuple(entity_bases)
    _check_diamond(cls, entity_bases)
    cls._root_ = entity_bases[0]._root_ if entity_bases else cls
    all_bases: list = []
    for base in entity_bases:
        for b in (base, *base._all_bases_):
            if b not in all_bases:
                all_bases.append(b)
    cls._all_bases_ = frozenset(all_bases)
    cls._subclasses_ = set()
    cls._direct_subclasses_ = []
    for base in all_bases:
        base._subclasses_.add(cls)
    for base in entity_bases:
        base._direct_subclasses_.append(cls)


def _table_options(cls: Any, name: str, namespace: dict, entity_bases: list) -> None:
    """``_table_`` and ``_table_options_``: declared in the root only."""
    if entity_bases and "_table_" in namespace:
        raise NotImplementedError(f"Cannot specify table name for entity '{name}' which is subclass of "
                                  f"'{entity_bases[0].__name__}'")
    if entity_bases and "_table_options_" in namespace:
        raise TypeError(f"Cannot redefine {entity_bases[0].__name__} options in {name} entity")
    if not entity_bases:
        cls._table_ = namespace.get("_table_")
        cls._table_options_ = namespace.get("_table_options_", {})


def _discriminator(cls: Any, name: str, namespace: dict, entity_bases: list) -> None:
    """Discriminator: only in the root; a first subclass adds ``classtype`` automatically."""
    discriminators = [a for a in namespace.values() if isinstance(a, Attribute) and a.is_discriminator]
    if entity_bases and discriminators:
        raise errors.ERDiagramError(f"Discriminator attribute {discriminators[0]} cannot be declared in "
                                    "subclass")
    if len(discriminators) > 1:
        raise errors.ERDiagramError(f"Entity {name} can have only one discriminator attribute")
    if not entity_bases:
        cls._discriminator_attr_ = discriminators[0] if discriminators else None
    else:
        root = cls._root_
        if root._discriminator_attr_ is None:
            _add_classtype(root)
        cls._discriminator_attr_ = root._discriminator_attr_
    if "_discriminator_" not in namespace:
        cls._discriminator_ = None
    _set_default_discriminator(cls)


def _attach_attribute(cls: Any, name: str, namespace: dict, attr: Attribute, base_names: dict,
                      has_bases: bool) -> None:
    """Give a declared attribute its name and entity, after checking it fits the hierarchy."""
    attr_name = next(k for k, v in namespace.items() if v is attr)
    if attr.entity is not None:
        raise errors.ERDiagramError(f"Duplicate use of attribute {attr} in entity {name}")
    if attr_name.startswith("_") and attr_name.endswith("_"):
        raise errors.ERDiagramError(f"Attribute name cannot both start and end with underscore. "
                                    f"Got: {attr_name}")
    if attr_name in base_names:
        raise errors.ERDiagramError(f"Name '{attr_name}' hides base attribute {base_names[attr_name]}")
    attr.name = attr_name
    attr.entity = cls
    _check_attribute(cls, attr, has_bases)
    for sibling in cls._root_._subclasses_ | {cls._root_}:
        if sibling is cls or sibling in cls._all_bases_ or cls in getattr(sibling, "_all_bases_", ()):
            continue
        other = getattr(sibling, "_adict_", {}).get(attr_name)
        # Pony lets sibling subclasses each have a collection of one name (no column is shared)
        if other is not None and other.entity is sibling and not (attr.is_collection and other.is_collection):
            raise errors.ERDiagramError(
                f"Attribute {attr} conflicts with attribute {other} because both entities inherit "
                f"from {cls._root_.__name__}. To fix this, move attribute definition to base class")


def _primary_key(cls: Any, name: str, namespace: dict, new_attrs: list, base_names: dict,
                 entity_bases: list, composites: list) -> None:
    """``_pk_attrs_``: inherited, declared (one attribute or a composite), or an implicit ``id``."""
    pk_attrs = [a for a in new_attrs if a.is_pk]
    composite_pk = [item for item in composites if item[0] == "pk"]
    if entity_bases:
        if pk_attrs or composite_pk:
            raise errors.ERDiagramError("Primary key cannot be redefined in derived classes")
        cls._pk_attrs_ = cls._root_._pk_attrs_
        return
    if len(pk_attrs) > 1 or (pk_attrs and composite_pk):
        raise errors.ERDiagramError("Only one primary key can be defined in each entity class")
    if composite_pk:
        cls._pk_attrs_ = _composite_pk_attrs(cls, name, composite_pk[0][1])
    elif pk_attrs:
        cls._pk_attrs_ = (pk_attrs[0],)
    else:
        if "id" in namespace or "id" in base_names:
            raise errors.ERDiagramError(
                f"Cannot create default primary key attribute for {name} because name 'id' is already "
                f"in use. Please create a PrimaryKey attribute for entity {name} or rename the 'id' "
                "attribute")
        id_attr = PrimaryKey(int, auto=True)
        id_attr.is_implicit = True
        id_attr.name = "id"
        id_attr.entity = cls
        id_attr.id = 0  # implicit id comes first
        type.__setattr__(cls, "id", id_attr)
        new_attrs.insert(0, id_attr)
        cls._pk_attrs_ = (id_attr,)
    for offset, attr in enumerate(cls._pk_attrs_):
        attr.pk_offset = offset
        attr.is_pk_part = True


def _composite_pk_attrs(cls: Any, name: str, attrs: tuple) -> tuple:
    """The attributes of ``PrimaryKey(a, b)``, each checked to be fit for a key."""
    for attr in attrs:
        if not isinstance(attr, Attribute) or attr.entity is not cls:
            raise errors.ERDiagramError(f"Composite primary key of {name} must consist of its own "
                                        f"attributes")
        if attr.is_collection:
            raise TypeError(f"{type(attr).__name__} attribute {attr} cannot be part of primary key")
        if not attr.is_required and not attr.auto:
            raise TypeError(f"Optional attribute {attr} cannot be part of primary key")
        if attr.py_type is float:
            raise TypeError(f"Attribute {attr} of type float cannot be part of primary key")
        if attr.volatile:
            raise TypeError(f"Volatile attribute {attr} cannot be part of primary key")
    return tuple(attrs)


def _build_keys(cls: Any, entity_bases: list, composites: list, new_attrs: list) -> None:
    """``_indexes_``, ``_keys_`` (secondary keys only, as in Pony) and ``_composite_indexes_``."""
    cls._composite_indexes_ = [idx for base in entity_bases for idx in base._composite_indexes_]
    declared = []
    for kind, attrs, kw in composites:
        resolved = cls._pk_attrs_ if kind == "pk" else tuple(_resolve_key_attr(cls, a) for a in attrs)
        what = "unique index" if kind == "key" else "index"
        for attr in resolved:
            if kind != "pk" and attr.is_collection:
                raise TypeError(f"{type(attr).__name__} attribute {attr} cannot be part of {what}")
        if kind == "key":
            for attr in resolved:
                if attr.py_type is float:
                    raise TypeError(f"Attribute {attr} of type float cannot be part of unique index")
                attr.composite_keys.append(resolved)
        elif kind == "index":
            for attr in resolved:
                attr.composite_indexes.append(resolved)
            cls._composite_indexes_.append((resolved, kw.get("name")))
        declared.append((kind, resolved))
    base_indexes = list(entity_bases[0]._indexes_) if entity_bases else []
    for base in entity_bases[1:]:
        base_indexes += [i for i in base._indexes_ if all(i.attrs != j.attrs for j in base_indexes)]
    pk = cls._pk_attrs_[0]
    implicit = pk if not entity_bases and pk.is_implicit else None
    cls._indexes_ = build_indexes(cls, base_indexes, declared, new_attrs, implicit)
    cls._keys_ = secondary_keys(cls._indexes_)
    cls._simple_keys_ = [key[0] for key in cls._keys_ if len(key) == 1]
    cls._composite_keys_ = [key for key in cls._keys_ if len(key) > 1]


def _check_diamond(cls: Any, entity_bases: list) -> None:
    if len(entity_bases) < 2:
        return
    roots = {base._root_ for base in entity_bases}
    if len(roots) > 1:
        names = " and ".join(b.__name__ for b in entity_bases)
        raise errors.ERDiagramError(
            f"Multiple inheritance graph must be diamond-like. Entity {cls.__name__} inherits from {names} "
            "entities which don't have common base class.")


def _check_attribute(cls: Any, attr: Any, is_subclass: bool) -> None:
    if attr.py_check is not None and not callable(attr.py_check):
        raise TypeError(f"'py_check' parameter of {attr} attribute should be callable")
    if attr.is_pk:
        if attr.py_type is float:
            raise TypeError(f"PrimaryKey attribute {attr} cannot be of type float")
        if attr.volatile:
            raise TypeError(f"PrimaryKey attribute {attr} cannot be volatile")
        if attr.lazy:
            raise TypeError(f"Primary key attribute {attr} cannot be lazy")
    if attr.is_collection:
        if attr.is_unique:
            raise TypeError(f"'unique' option cannot be set for attribute {attr} because it is collection")
        if attr.interleave:
            raise TypeError(f"`interleave` option cannot be specified for {type(attr).__name__} "
                            f"attribute {attr}")
    if attr.reverse_index is not None:
        reverse = attr.reverse
        reverse_name = reverse if isinstance(reverse, str) else getattr(reverse, "name", None)
        if reverse_name != attr.name:
            raise TypeError("'reverse_index' option can be set for symmetric relations only")
    if isinstance(attr, Required) and getattr(attr, "explicit_default", False) and attr.default is None:
        raise TypeError(f"Default value for required attribute {attr} cannot be None")
    if isinstance(attr, Required) and attr.default == "" and not attr.is_pk:
        raise TypeError(f"Default value for required attribute {attr} cannot be empty string")
    if attr.py_type is float and attr.is_unique:
        raise TypeError(f"Unique attribute {attr} cannot be of type float")
    if attr.cascade_delete is not None and isinstance(attr.py_type, type) and \
            not isinstance(attr.py_type, EntityMetaBase):
        raise TypeError(f"'cascade_delete' option cannot be set for attribute {attr}, because it is not "
                        "relationship attribute")
    if is_subclass and not attr.is_collection:
        if attr.nullable is False:
            raise errors.ERDiagramError(f"Attribute {attr} must be nullable due to single-table inheritance")
    if isinstance(attr, Collection) and isinstance(attr.py_type, type) and \
            not isinstance(attr.py_type, EntityMetaBase):
        raise TypeError(f"Collection attribute {attr} must refer to an entity. Got: {attr.py_type!r}")


def _add_classtype(root: Any) -> None:
    if "classtype" in root._adict_:
        raise errors.ERDiagramError(f"Cannot create discriminator column for {root.__name__} automatically "
                                    "because name 'classtype' is already in use")
    attr = Discriminator(str)
    attr.is_implicit = True
    attr.name = "classtype"
    attr.entity = root
    type.__setattr__(root, "classtype", attr)
    root._discriminator_attr_ = attr
    root._new_attrs_ = root._new_attrs_ + (attr,)
    root._attrs_ = root._attrs_ + (attr,)
    root._adict_["classtype"] = attr
    _set_default_discriminator(root)
    for sub in root._subclasses_:
        if attr not in sub.__dict__.get("_attrs_", ()):
            if "_attrs_" in sub.__dict__:
                sub._attrs_ = sub._attrs_ + (attr,)
                sub._adict_["classtype"] = attr


def _set_default_discriminator(cls: Any) -> None:
    attr = cls._root_.__dict__.get("_discriminator_attr_")
    if attr is None:
        return
    value = cls.__dict__.get("_discriminator_")
    if value is not None and isinstance(attr.py_type, type) and not isinstance(value, attr.py_type):
        try:  # Pony converts a declared value to the discriminator's type: '2' -> 2
            type.__setattr__(cls, "_discriminator_", attr.py_type(value))
        except (TypeError, ValueError):
            attr_name = attr.name or next((k for k, v in vars(cls._root_).items() if v is attr), "")
            raise TypeError(f"Incorrect discriminator value is set for {cls.__name__} attribute {attr_name!r} "
                            f"of {attr.py_type.__name__!r} type: {value!r}") from None
    if cls.__dict__.get("_discriminator_") is None:
        if attr.py_type is str:
            cls._discriminator_ = cls.__name__
        else:
            attr_name = attr.name or next((k for k, v in vars(cls._root_).items() if v is attr), "")
            raise TypeError(f"Discriminator value for entity {cls.__name__} with custom discriminator column "
                            f"{attr_name!r} of {attr.py_type.__name__!r} type is not set")


def _resolve_key_attr(cls: Any, item: Any) -> Any:
    if isinstance(item, str):
        attr = cls._adict_.get(item) if hasattr(cls, "_adict_") else None
        if attr is None:
            attr = next((a for a in cls._new_attrs_ if a.name == item), None)
        if attr is None:
            raise AttributeError(f"Entity {cls.__name__} does not have attribute {item}")
        return attr
    if not isinstance(item, Attribute):
        raise TypeError(f"Composite key and index items must be attributes. Got: {item!r}")
    if item.entity is not None and item.entity is not cls and item.entity not in cls._all_bases_:
        raise errors.ERDiagramError(f"Invalid use of attribute {item} in entity {cls.__name__}")
    return item
