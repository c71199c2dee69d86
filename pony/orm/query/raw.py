"""Raw SQL on a Database: ``db.select/get/exists/execute/insert`` with ``$`` parameters."""

from __future__ import annotations

import keyword
from collections import namedtuple
from typing import Any

from .. import errors
from ..sql import ast, dollar

_row_classes: dict[tuple, type] = {}


def row_class(names: tuple) -> type:
    """A tuple subclass whose columns read as attributes (``row.name``)."""
    cls = _row_classes.get(names)
    if cls is None:
        valid = all(n.isidentifier() and not keyword.iskeyword(n) and not n.startswith("_") for n in names) \
            and len(set(names)) == len(names)
        if valid:
            cls = namedtuple("Row", names)  # type: ignore[misc]
        else:
            index = {name: i for i, name in reversed(list(enumerate(names)))}

            class Row(tuple):
                __slots__ = ()
                _fields = names

                def __getattr__(self, name: str) -> Any:
                    try:
                        return self[index[name]]
                    except KeyError:
                        raise AttributeError(name)

            cls = Row
        _row_classes[names] = cls
    return cls


class RawQuery:
    """A parsed raw SQL text, compiled once per provider and bound per call."""

    def __init__(self, provider: Any, sql: str) -> None:
        self.parts = dollar.parse(sql)
        nodes: list = []
        for index, part in enumerate(self.parts):
            nodes.append(part if isinstance(part, str) else ast.Param(index))
        self.compiled = provider.compiler.compile(ast.Raw(tuple(nodes)))
        self.provider = provider

    def arguments(self, globals: dict, locals: dict) -> tuple | None:
        if not self.compiled.param_keys:
            return None
        values: dict[int, Any] = {}
        for index, part in enumerate(self.parts):
            if isinstance(part, str):
                continue
            source, code = part
            try:
                value = eval(code, globals, locals)
            except Exception as exc:
                raise errors.ExprEvalError(source, exc) from exc
            values[index] = py2sql(self.provider, value)
        return self.compiled.arguments(values)


def py2sql(provider: Any, value: Any) -> Any:
    """A Python value as the driver wants it (UUID bytes on SQLite, Json text ...)."""
    if value is None or type(value) in (int, str, float, bool):
        return value
    converters = provider.__dict__.setdefault("_param_converters", {})
    value_type = type(value)
    converter = converters.get(value_type)
    if converter is None:
        try:
            converter = provider.get_converter_by_py_type(value_type)
        except (TypeError, NotImplementedError):
            converter = False
        converters[value_type] = converter
    if converter is False:
        return value
    return converter.py2sql(value)
