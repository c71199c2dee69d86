"""Raw SQL on a Database: parsing ``$`` parameters once, binding them per call, and result rows."""

from __future__ import annotations

import keyword
import operator
from typing import Any

from ..sql import ast, dollar
from ..sql.compiler import CompiledSQL

_row_classes: dict[tuple, type] = {}


class Row(tuple):
    """A result row of ``db.select``: a plain tuple whose columns also read as attributes."""

    __slots__ = ()
    _columns: tuple = ()

    def __reduce__(self) -> tuple:
        return _rebuild_row, (self._columns, tuple(self))


def _rebuild_row(columns: tuple, values: tuple) -> Row:
    return row_class(columns)(values)


def row_class(names: tuple) -> type[Row]:
    """The ``Row`` subclass for these column names (cached).

    As in Pony, a column name wins over a tuple method of the same name (``row.count``) and
    the last of duplicate names wins.
    """
    cls = _row_classes.get(names)
    if cls is None:
        namespace: dict[str, Any] = {"__slots__": (), "_columns": names}
        for index, name in enumerate(names):
            if isinstance(name, str) and name.isidentifier() and not keyword.iskeyword(name) \
                    and not name.startswith("__") and name != "_columns":
                namespace[name] = property(operator.itemgetter(index))
        cls = type("row", (Row,), namespace)
        _row_classes[names] = cls
    return cls


class RawQuery:
    """A raw SQL text with ``$`` parameters, compiled once for one provider."""

    def __init__(self, provider: Any, sql: str) -> None:
        self.parts = dollar.parse(sql)
        nodes: list = []
        count = 0
        for part in self.parts:
            if isinstance(part, str):
                nodes.append(part)
            else:
                nodes.append(ast.Param(count))
                count += 1
        if count:
            # "%" in the text is doubled for format paramstyles; the driver undoes it
            self.compiled: CompiledSQL = provider.compiler.compile(ast.Raw(tuple(nodes)))
        else:
            # Without arguments drivers do not interpolate, so the text goes as written.
            self.compiled = CompiledSQL("".join(nodes), ())
        self.provider = provider

    @property
    def has_params(self) -> bool:
        return bool(self.compiled.param_keys)

    def arguments(self, globals: dict, locals: dict) -> tuple:
        """Driver arguments: each ``$`` expression evaluated, then converted for the driver."""
        values = dollar.evaluate(self.parts, globals, locals)
        return self.compiled.arguments([py2sql(self.provider, value) for value in values])


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
