"""Value types of the public API (layer L0): LongStr, Json, arrays, tracked containers, RawSQL.

Tracked containers report in-place changes to their owner through ``owner._attr_changed_(attr)``,
so ``obj.info['x'] = 1`` marks the Json attribute dirty.
"""

from __future__ import annotations

from typing import Any


class LongStr(str):
    """A str stored as CLOB/TEXT and loaded lazily."""

    __slots__ = ()


LongUnicode = LongStr


class Json:
    """Marks an attribute type as JSON; ``Json(value)`` also wraps a value to store as JSON."""

    __slots__ = ("wrapped",)

    def __init__(self, wrapped: Any) -> None:
        self.wrapped = wrapped

    def __repr__(self) -> str:
        return f"<Json {self.wrapped!r}>"


class Array:
    """Base of the array attribute types: a list of ``item_type`` values stored in one column (an
    array on PostgreSQL, JSON text on SQLite; MySQL has none)."""

    item_type: type = object

    @classmethod
    def default_empty_value(cls) -> list:
        return []


class IntArray(Array):
    """Attribute type for a list of ints: ``Optional(IntArray)``."""

    item_type = int


class StrArray(Array):
    """Attribute type for a list of strings: ``Optional(StrArray)``."""

    item_type = str


class FloatArray(Array):
    """Attribute type for a list of floats: ``Optional(FloatArray)``."""

    item_type = float


def coerce_array_item(item_type: type, item: Any) -> tuple[bool, Any]:
    """``(True, item)`` with ``item`` as stored in an array of ``item_type`` (an int index or an int
    in a float array is converted), or ``(False, item)`` when it cannot be stored there."""
    if item_type is int and not isinstance(item, int) and hasattr(item, "__index__"):
        item = item.__index__()
    elif item_type is float and isinstance(item, int) and not isinstance(item, bool):
        item = float(item)
    if not isinstance(item, item_type) or (item_type is not bool and isinstance(item, bool)):
        return False, item
    return True, item


class TrackedValue:
    """Mixin of containers that tell their owning object when they change in place."""

    __slots__ = ()

    @staticmethod
    def make(obj: Any, attr: Any, value: Any) -> Any:
        if isinstance(value, dict):
            return TrackedDict(obj, attr, value)
        if isinstance(value, list):
            if getattr(attr, "py_type", None) is not None and isinstance(attr.py_type, type) \
                    and issubclass(attr.py_type, Array):
                return TrackedArray(obj, attr, value)
            return TrackedList(obj, attr, value)
        return value

    def _changed_(self) -> None:
        obj = self.obj_ref  # type: ignore[attr-defined]
        if obj is not None:
            obj._attr_changed_(self.attr)  # type: ignore[attr-defined]

    def get_untracked(self) -> Any:
        raise NotImplementedError


def _untrack(value: Any) -> Any:
    if isinstance(value, TrackedValue):
        return value.get_untracked()
    return value


class TrackedDict(TrackedValue, dict):
    def __init__(self, obj: Any, attr: Any, value: dict) -> None:
        self.obj_ref = obj
        self.attr = attr
        dict.__init__(self, {k: TrackedValue.make(obj, attr, v) for k, v in value.items()})

    def __reduce__(self) -> Any:
        return dict, (self.get_untracked(),)

    def get_untracked(self) -> dict:
        return {k: _untrack(v) for k, v in self.items()}

    def __setitem__(self, key: Any, value: Any) -> None:
        dict.__setitem__(self, key, TrackedValue.make(self.obj_ref, self.attr, value))
        self._changed_()

    def __delitem__(self, key: Any) -> None:
        dict.__delitem__(self, key)
        self._changed_()

    def update(self, *args: Any, **kwargs: Any) -> None:
        for key, value in dict(*args, **kwargs).items():
            dict.__setitem__(self, key, TrackedValue.make(self.obj_ref, self.attr, value))
        self._changed_()

    def setdefault(self, key: Any, default: Any = None) -> Any:
        if key not in self:
            self[key] = default
        return self[key]

    def pop(self, *args: Any) -> Any:
        result = dict.pop(self, *args)
        self._changed_()
        return result

    def popitem(self) -> Any:
        result = dict.popitem(self)
        self._changed_()
        return result

    def clear(self) -> None:
        dict.clear(self)
        self._changed_()


class TrackedList(TrackedValue, list):
    def __init__(self, obj: Any, attr: Any, value: list) -> None:
        self.obj_ref = obj
        self.attr = attr
        list.__init__(self, [TrackedValue.make(obj, attr, v) for v in value])

    def __reduce__(self) -> Any:
        return list, (self.get_untracked(),)

    def get_untracked(self) -> list:
        return [_untrack(v) for v in self]

    def _wrap(self, value: Any) -> Any:
        return TrackedValue.make(self.obj_ref, self.attr, value)

    def __setitem__(self, index: Any, value: Any) -> None:
        if isinstance(index, slice):
            value = [self._wrap(v) for v in value]
        else:
            value = self._wrap(value)
        list.__setitem__(self, index, value)
        self._changed_()

    def __delitem__(self, index: Any) -> None:
        list.__delitem__(self, index)
        self._changed_()

    def __iadd__(self, other: Any) -> TrackedList:
        self.extend(other)
        return self

    def __imul__(self, count: int) -> TrackedList:
        list.__imul__(self, count)
        self._changed_()
        return self

    def append(self, value: Any) -> None:
        list.append(self, self._wrap(value))
        self._changed_()

    def extend(self, values: Any) -> None:
        list.extend(self, [self._wrap(v) for v in values])
        self._changed_()

    def insert(self, index: int, value: Any) -> None:
        list.insert(self, index, self._wrap(value))
        self._changed_()

    def pop(self, *args: Any) -> Any:
        result = list.pop(self, *args)
        self._changed_()
        return result

    def remove(self, value: Any) -> None:
        list.remove(self, value)
        self._changed_()

    def clear(self) -> None:
        list.clear(self)
        self._changed_()

    def reverse(self) -> None:
        list.reverse(self)
        self._changed_()

    def sort(self, *args: Any, **kwargs: Any) -> None:
        list.sort(self, *args, **kwargs)
        self._changed_()


class TrackedArray(TrackedList):
    """A tracked list of array items; ``x in arr`` with a list checks a subset, like in queries.
    Items added in place (append, insert, ``arr[i] = x``, ``+=``) are checked as on assignment."""

    def _wrap(self, value: Any) -> Any:
        item_type = self.attr.py_type.item_type
        ok, item = coerce_array_item(item_type, value)
        if not ok:
            raise TypeError(f"Cannot store {type(value).__name__!r} item in array of {item_type.__name__!r}")
        return item

    def __contains__(self, item: Any) -> bool:
        if isinstance(item, list):
            return all(list.__contains__(self, x) for x in item)
        return list.__contains__(self, item)


class RawSQL:
    """A raw SQL fragment with ``$`` parameters already evaluated in the caller's frame."""

    __slots__ = ("sql", "items", "types", "values", "result_type")

    def __init__(self, sql: str, items: tuple, values: tuple, result_type: Any = None) -> None:
        self.sql = sql
        self.items = items  # alternating str pieces and parameter indexes (ints)
        self.values = values
        self.types = tuple(type(v) for v in values)
        self.result_type = result_type

    def __repr__(self) -> str:
        return f"raw_sql({self.sql!r})"
