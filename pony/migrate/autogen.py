"""Autogenerate: the operations that turn the recorded state into the entities' state.

Renames are never guessed: a dropped and an added entity (or attribute of the same type) are a
rename only when ``renames`` says so (``--rename Old=New``, ``--rename Entity.old=Entity.new``) or
when ``ask(question)`` answers yes; without a way to ask, ``AmbiguousRename`` names the option.
"""

from __future__ import annotations

from collections.abc import Callable

from .operations import (
    AddAttr,
    AlterAttr,
    AlterKeys,
    CreateEntity,
    DropAttr,
    DropEntity,
    Operation,
    RenameAttr,
    RenameEntity,
)
from .state import AttrState, ModelState


class AmbiguousRename(Exception):
    """Something was dropped and something similar added, and nobody said whether it is a rename."""


Ask = Callable[[str], bool] | None


def operations(old: ModelState, new: ModelState, renames: dict[str, str], ask: Ask,
               not_renamed: bool = False) -> list[Operation]:
    ops: list[Operation] = []
    state = old
    for op in _entity_renames(state, new, renames, ask, not_renamed):
        ops.append(op)
        state = op.apply(state)
    for op in _attr_renames(state, new, renames, ask, not_renamed):
        ops.append(op)
        state = op.apply(state)
    ops += _creates_and_drops(state, new)
    return ops


def _decide(question: str, option: str, ask: Ask) -> bool:
    if ask is None:
        raise AmbiguousRename(f"{question} `make` cannot ask without a terminal: run it again with "
                              f"--rename {option} if it is a rename, or with --not-renamed if it is not.")
    return ask(question + " [y/N] ")


def _entity_renames(old: ModelState, new: ModelState, renames: dict[str, str], ask: Ask,
                    not_renamed: bool) -> list[Operation]:
    gone = [n for n in old.entities if n not in new.entities]
    added = [n for n in new.entities if n not in old.entities]
    ops: list[Operation] = []
    for name in gone:
        target = renames.get(name)
        if target is not None:
            if target not in added:
                raise ValueError(f"--rename {name}={target}: entity {target} is not a new entity")
            ops.append(RenameEntity(name, target))
            added.remove(target)
            continue
        if not_renamed:
            continue
        for candidate in added:
            if _decide(f"Entity {name} is gone and {candidate} is new: was {name} renamed to {candidate}?",
                       f"{name}={candidate}", ask):
                ops.append(RenameEntity(name, candidate))
                added.remove(candidate)
                break
    return ops


def _attr_renames(old: ModelState, new: ModelState, renames: dict[str, str], ask: Ask,
                  not_renamed: bool) -> list[Operation]:
    ops: list[Operation] = []
    for name, entity in old.entities.items():
        if name not in new.entities:
            continue
        target = new.entities[name]
        gone = [a for a in entity.attrs if not target.has_attr(a.name)]
        added = [a for a in target.attrs if not entity.has_attr(a.name)]
        for attr in gone:
            explicit = renames.get(f"{name}.{attr.name}")
            if explicit is not None:
                new_name = explicit.split(".")[-1]
                if not any(a.name == new_name for a in added):
                    raise ValueError(f"--rename {name}.{attr.name}={explicit}: "
                                     f"{name}.{new_name} is not a new attribute")
                ops.append(RenameAttr(name, attr.name, new_name))
                added = [a for a in added if a.name != new_name]
                continue
            if not_renamed:
                continue
            for candidate in [a for a in added if _type_name(a) == _type_name(attr)]:
                if _decide(f"{name}.{attr.name} is gone and {name}.{candidate.name} is new: was it renamed?",
                           f"{name}.{attr.name}={name}.{candidate.name}", ask):
                    ops.append(RenameAttr(name, attr.name, candidate.name))
                    added.remove(candidate)
                    break
    return ops


def _type_name(attr: AttrState) -> str:
    return attr.py_type if isinstance(attr.py_type, str) else attr.py_type.__name__


def _partner(state: ModelState, entity: str, attr: AttrState) -> tuple[str, AttrState] | None:
    """The other end of relation ``entity.attr`` in ``state``."""
    if not attr.is_relation or attr.py_type not in state.entities:
        return None
    target = state.entities[attr.py_type]
    for other in target.attrs:
        if other is attr or other.py_type != entity:
            continue
        if attr.options.get("reverse") in (None, other.name) and other.options.get("reverse") in (None, attr.name):
            return (target.name, other)
    return None


def _creates_and_drops(old: ModelState, new: ModelState) -> list[Operation]:
    created = [e for n, e in new.entities.items() if n not in old.entities]
    dropped = [e for n, e in old.entities.items() if n not in new.entities]
    ops: list[Operation] = []
    added_pairs, dropped_pairs, altered = _attr_changes(old, new)
    created_names = {e.name for e in created}
    dropped_names = {e.name for e in dropped}
    if created:
        reverse_attrs = [(n, a) for n, a in added_pairs if a.is_relation and a.py_type in created_names]
        ops.append(CreateEntity(*created, reverse_attrs=reverse_attrs))
        added_pairs = [p for p in added_pairs if p not in reverse_attrs]
    done: list = []
    for name, attr in added_pairs:
        if (name, attr.name) in done:
            continue
        partner = _partner(new, name, attr)
        partner = partner if partner in added_pairs and partner[1] is not attr else None
        done += [(name, attr.name)] + ([(partner[0], partner[1].name)] if partner else [])
        fill_needed = attr.kind == "Required" and "sql_default" not in attr.options and not attr.is_relation
        op = AddAttr(name, attr, reverse=partner)
        if fill_needed and "default" in attr.options:
            op.fill = attr.options["default"]
        ops.append(op)
    ops += altered
    ops += _key_changes(old, new)
    drop_reverse = [(n, a) for n, a in dropped_pairs if a.is_relation and a.py_type in dropped_names]
    done = []
    for name, attr in dropped_pairs:
        if (name, attr) in drop_reverse or (name, attr.name) in done:
            continue
        partner = _partner(old, name, attr)
        partner = partner if partner in dropped_pairs and partner[1] is not attr else None
        done += [(name, attr.name)] + ([(partner[0], partner[1].name)] if partner else [])
        ops.append(DropAttr(name, attr, reverse=partner))
    if dropped:
        ops.append(DropEntity(*dropped, reverse_attrs=drop_reverse))
    return ops


def _attr_changes(old: ModelState, new: ModelState) -> tuple[list, list, list[Operation]]:
    added, dropped, altered = [], [], []
    for name, entity in new.entities.items():
        before = old.entities.get(name)
        if before is None:
            continue
        if before.bases != entity.bases or before.table != entity.table:
            raise NotImplementedError(f"Changing the base entity or _table_ of {name} is not supported by make; "
                                      "write the migration by hand")
        added += [(name, a) for a in entity.attrs if not before.has_attr(a.name)]
        dropped += [(name, a) for a in before.attrs if not entity.has_attr(a.name)]
        altered += [AlterAttr(name, before.attr(a.name), a) for a in entity.attrs
                    if before.has_attr(a.name) and before.attr(a.name) != a]
    return added, dropped, altered


def _key_changes(old: ModelState, new: ModelState) -> list[Operation]:
    return [AlterKeys(name, old.entities[name].keys, entity.keys) for name, entity in new.entities.items()
            if name in old.entities and old.entities[name].keys != entity.keys]
