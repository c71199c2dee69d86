"""Permissions (SPEC 15): the current user, access rules and ``has_perm``.

Rules are declared per database::

    with db.set_perms_for(Post):
        perm('view', group='anybody')
        perm('edit delete', group='admins', role='owner').exclude(Post.secret)

``has_perm(user, perm, x)`` then answers for an entity class, an instance or an attribute.
A user's groups come from ``@user_groups_getter`` functions, roles for an object from
``@user_roles_getter``, an object's labels from ``@obj_labels_getter``. Group and role look-ups
are cached per thread until the current ``db_session`` ends; labels and answers are cached in
the session.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from . import errors
from .entity import Entity
from .model.attributes import Attribute
from .session.context import current_session

__all__ = ["get_current_user", "set_current_user", "perm", "has_perm", "get_user_groups", "get_user_roles",
           "get_object_labels", "user_groups_getter", "user_roles_getter", "obj_labels_getter",
           "AccessRule", "SecurityMixin"]

ANYBODY = "anybody"


class _SecurityState(threading.local):
    def __init__(self) -> None:
        self.current_user: Any = None
        self.perms_context: tuple[Any, frozenset] | None = None
        self.user_groups_cache: dict = {}
        self.user_roles_cache: dict = {}
        self.cache_session: Any = None  # the db_session whose end clears the two caches


_state = _SecurityState()
_group_getters: list[tuple[Any, Callable]] = []
_role_getters: list[tuple[Any, Any, Callable]] = []
_label_getters: list[tuple[Any, Callable]] = []


def _deref(value: Any) -> Any:
    """Flask's ``current_user`` and similar proxies stand for the object behind them."""
    getter = getattr(value, "_get_current_object", None)
    return getter() if callable(getter) and not isinstance(value, type) else value


def _thread_caches() -> _SecurityState:
    """The per-thread caches, emptied once the db_session they were filled in has ended."""
    state = _state
    session = state.cache_session
    if session is not None and not session.is_active:
        state.user_groups_cache.clear()
        state.user_roles_cache.clear()
        state.cache_session = None
    if state.cache_session is None:
        state.cache_session = current_session.get()
    return state


# --- the current user -------------------------------------------------------------------------


def set_current_user(user: Any) -> None:
    """Set the user whose groups and roles ``has_perm()`` checks by default (kept per thread)."""
    _state.current_user = user


def get_current_user() -> Any:
    """The user given to ``set_current_user()`` in this thread, or ``None``."""
    return _state.current_user


# --- rules ------------------------------------------------------------------------------------


def _split_names(kind: str, values: Any, into: set) -> None:
    """Names from strings (split on spaces and commas) or nested lists of them."""
    if isinstance(values, str):
        for name in values.replace(",", " ").split():
            if not name.isascii() or not name.isidentifier():
                raise TypeError(f"{kind} name should be identifier. Got: {name}")
            into.add(name)
    elif isinstance(values, (list, tuple, set, frozenset)):
        for value in values:
            _split_names(kind, value, into)
    else:
        raise TypeError(f"{kind} name should be string. Got: {values!r}")


class AccessRule:
    """One ``perm(...)``: permissions granted on some entities to users in groups/roles/labels."""

    def __init__(self, database: Any, entities: frozenset, permissions: set, groups: set, roles: set,
                 labels: set) -> None:
        self.database = database
        self.entities = set(entities)
        self.permissions = permissions
        self.groups = groups | {ANYBODY}
        self.roles = roles
        self.labels = labels
        self.entities_to_exclude: set = set()
        self.attrs_to_exclude: set = set()

    def exclude(self, *args: Any) -> None:
        """Leave these entities or attributes out of the rule (primary keys cannot be left out)."""
        for arg in args:
            if isinstance(arg, type) and issubclass(arg, Entity):
                self.entities_to_exclude.add(arg)
            elif isinstance(arg, Attribute):
                if arg.is_pk or getattr(arg, "is_pk_part", False):
                    raise TypeError(f"Primary key attribute {arg} cannot be excluded")
                self.attrs_to_exclude.add(arg)
            else:
                raise TypeError(f"Entity or attribute expected. Got: {arg!r}")

    def __repr__(self) -> str:
        return (f"<AccessRule {' '.join(sorted(self.permissions))} for "
                f"{', '.join(sorted(e.__name__ for e in self.entities))}>")


_KEYWORDS = {"group": "groups", "groups": "groups", "role": "roles", "roles": "roles",
             "label": "labels", "labels": "labels"}


def perm(*args: Any, **kwargs: Any) -> AccessRule:
    """Declare a rule inside ``with db.set_perms_for(...)``: ``perm('view edit', group='admins')``."""
    context = _state.perms_context
    if context is None:
        raise errors.OrmError("'perm' function can be called within 'set_perm_for' context manager only")
    database, entities = context
    permissions: set = set()
    _split_names("Permission", list(args), permissions)
    if not permissions:
        raise TypeError("At least one permission should be specified")
    found: dict[str, set] = {"groups": set(), "roles": set(), "labels": set()}
    for name, value in kwargs.items():
        target = _KEYWORDS.get(name)
        if target is None:
            raise TypeError(f"Unknown keyword argument name: {name}")
        _split_names(target[:-1].capitalize(), value, found[target])
    rule = AccessRule(database, entities, permissions, found["groups"], found["roles"], found["labels"])
    database._access_rules.append(rule)
    return rule


class SecurityMixin:
    """``Database.set_perms_for``; the rules live in ``db._access_rules``."""

    @property
    def _access_rules(self) -> list[AccessRule]:
        rules = self.__dict__.get("_access_rules_list")
        if rules is None:
            rules = self.__dict__["_access_rules_list"] = []
        return rules

    @contextmanager
    def set_perms_for(self, *entities: Any) -> Iterator[None]:
        """Within the block, ``perm(...)`` declares rules for these entities and their subclasses."""
        if not entities:
            raise TypeError("You should specify at least one positional argument")
        covered: set = set()
        for entity in entities:
            if not (isinstance(entity, type) and issubclass(entity, Entity)):
                raise TypeError(f"Entity class expected. Got: {entity}")
            covered.add(entity)
            covered.update(entity._subclasses_)
        if _state.perms_context is not None:
            raise errors.OrmError("'set_perms_for' context manager calls cannot be nested")
        _state.perms_context = (self, frozenset(covered))
        try:
            yield
        finally:
            _state.perms_context = None


# --- groups, roles and labels -----------------------------------------------------------------


def user_groups_getter(cls: Any = None) -> Callable[[Callable], Callable]:
    """Register ``func(user)`` returning a group name or names, for users that are ``cls``."""
    def register(func: Callable) -> Callable:
        _group_getters.append((cls, func))
        return func
    return register


def user_roles_getter(user_cls: Any = None, obj_cls: Any = None) -> Callable[[Callable], Callable]:
    """Register ``func(user, obj)`` returning the user's role(s) for the object."""
    def register(func: Callable) -> Callable:
        _role_getters.append((user_cls, obj_cls, func))
        return func
    return register


def obj_labels_getter(cls: Any = None) -> Callable[[Callable], Callable]:
    """Register ``func(obj)`` returning the object's label(s)."""
    def register(func: Callable) -> Callable:
        _label_getters.append((cls, func))
        return func
    return register


def _add_names(into: set, result: Any) -> None:
    if result is None:
        return
    if isinstance(result, str):
        into.add(result)
    else:
        into.update(result)


def _cached(cache: dict, key: Any, compute: Callable[[], Any]) -> Any:
    try:
        return cache[key]
    except KeyError:
        value = cache[key] = compute()
        return value
    except TypeError:  # an unhashable user: nothing to cache by
        return compute()


def get_user_groups(user: Any) -> frozenset:
    """The user's groups; ``'anybody'`` is always one of them."""
    user = _deref(user)
    if user is None:
        return frozenset((ANYBODY,))

    def compute() -> frozenset:
        groups = {ANYBODY}
        for cls, func in _group_getters:
            if cls is None or isinstance(user, cls):
                _add_names(groups, func(user))
        return frozenset(groups)

    return _cached(_thread_caches().user_groups_cache, user, compute)


def get_user_roles(user: Any, obj: Any) -> frozenset:
    """The user's roles for ``obj``: ``'self'`` for the user itself, plus the registered getters'."""
    user, obj = _deref(user), _deref(obj)
    if user is None:
        return frozenset()

    def compute() -> frozenset:
        roles = {"self"} if user is obj else set()
        for user_cls, obj_cls, func in _role_getters:
            if (user_cls is None or isinstance(user, user_cls)) and \
                    (obj_cls is None or isinstance(obj, obj_cls)):
                _add_names(roles, func(user, obj))
        return frozenset(roles)

    return _cached(_thread_caches().user_roles_cache, (user, obj), compute)


def get_object_labels(obj: Any) -> set:
    """The object's labels (cached in the current db_session, which is required)."""
    obj = _deref(obj)
    perm_cache = obj._database_._get_cache().perm_cache

    def compute() -> frozenset:
        labels: set = set()
        for cls, func in _label_getters:
            if cls is None or isinstance(obj, cls):
                _add_names(labels, func(obj))
        return frozenset(labels)

    return set(_cached(perm_cache, ("labels", obj), compute))


# --- has_perm ---------------------------------------------------------------------------------


def _rules(entity: Any, permission: str) -> list[AccessRule]:
    return [rule for rule in entity._database_._access_rules
            if permission in rule.permissions and entity in rule.entities]


def _entity_allowed(groups: frozenset, entity: Any, permission: str) -> bool:
    return any(rule.groups <= groups and entity not in rule.entities_to_exclude
               for rule in _rules(entity, permission))


def _attr_allowed(groups: frozenset, attr: Any, permission: str) -> bool:
    entity = attr.entity
    if any(rule.groups <= groups and entity not in rule.entities_to_exclude
           and attr not in rule.attrs_to_exclude for rule in _rules(entity, permission)):
        return True
    # Pony: a relationship left out of a rule stays allowed when the user may access its entity
    # and the other side's entity has some rule for the permission (whoever that rule is for).
    reverse = attr.reverse
    return reverse is not None and _entity_allowed(groups, entity, permission) \
        and any(reverse.entity not in rule.entities_to_exclude for rule in _rules(reverse.entity, permission))


def _object_allowed(user: Any, groups: frozenset, obj: Any, permission: str) -> bool:
    for rule in _rules(type(obj), permission):
        if not rule.groups <= groups:
            continue
        if rule.roles and not rule.roles <= get_user_roles(user, obj):
            continue
        if rule.labels and not rule.labels <= get_object_labels(obj):
            continue
        return True
    return False


def has_perm(user: Any, permission: str, x: Any) -> bool:
    """May ``user`` do ``permission`` on ``x`` (an entity class, an instance or an attribute)?"""
    user, x = _deref(user), _deref(x)
    if isinstance(x, type) and issubclass(x, Entity):
        entity = x
    elif isinstance(x, Entity):
        entity = type(x)
    elif isinstance(x, Attribute):
        if x.hidden:
            return False
        entity = x.entity
    else:
        raise TypeError("The third parameter of 'has_perm' function should be entity class, "
                        f"entity instance or attribute. Got: {x!r}")
    database = entity._database_
    if not database._access_rules:
        return False
    perm_cache = database._get_cache().perm_cache
    key = ("has_perm", user, permission, x, len(database._access_rules))

    def compute() -> bool:
        groups = get_user_groups(user)
        if x is entity:
            return _entity_allowed(groups, entity, permission)
        if isinstance(x, Attribute):
            return _attr_allowed(groups, x, permission)
        return _object_allowed(user, groups, x, permission)

    return _cached(perm_cache, key, compute)
