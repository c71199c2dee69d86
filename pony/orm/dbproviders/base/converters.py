"""Type converters: validate Python values, convert them to and from driver values, name the
column type. One converter per attribute; a dialect overrides only what differs.

A converter is built with the attribute it serves (any object with ``name``, ``kwargs`` and a
``__str__`` like ``Person.name``; ``None`` for free values such as query parameters) and pops the
type-specific options it understands from ``attr.kwargs``; the model layer reports leftovers.
"""

from __future__ import annotations

import json
import math
import re
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation
from typing import Any
from uuid import UUID

from ...types import Array, Json, LongStr, TrackedValue, coerce_array_item


def _attr_name(attr: Any) -> str:
    return str(attr) if attr is not None else "value"


class Converter:
    EQ = "EQ"
    # Is the value compared exactly in optimistic checks (False for floats)?
    optimistic = True
    # A value of exactly this class is one ``sql2py`` returns unchanged: generated row readers test
    # the class inline and call ``sql2py`` only for other values (None: always call it).
    native_type: type | None = None

    def __init__(self, provider: Any, py_type: Any, attr: Any = None) -> None:
        self.provider = provider
        self.py_type = py_type
        self.attr = attr
        kwargs = attr.kwargs if attr is not None else {}
        self.init(kwargs)

    def init(self, kwargs: dict) -> None:
        pass

    def validate(self, val: Any, obj: Any = None) -> Any:
        return val

    def py2sql(self, val: Any) -> Any:
        return val

    def sql2py(self, val: Any) -> Any:
        return val

    def dbvals_equal(self, x: Any, y: Any) -> bool:
        return x == y

    def text_reader(self) -> Any:
        """A plain function doing what ``sql2py`` does to a ``str`` (exactly that class), for
        generated row readers on drivers that return this type as text; None: call ``sql2py``."""
        return None

    def sql_type(self) -> str:
        raise NotImplementedError

    def fk_sql_type(self) -> str:
        """The column type of a foreign key that points at a column of this type."""
        return self.sql_type()

    def _positional(self, kwargs: dict) -> list:
        attr = self.attr
        return list(attr.args) if attr is not None and getattr(attr, "args", None) else []


class NoneConverter(Converter):
    def sql_type(self) -> str:
        raise TypeError("No SQL type for NoneType")


class BoolConverter(Converter):
    native_type = bool

    def validate(self, val: Any, obj: Any = None) -> Any:
        return bool(val)

    def sql2py(self, val: Any) -> Any:
        return bool(val)

    def sql_type(self) -> str:
        return "BOOLEAN"


class StrConverter(Converter):
    def init(self, kwargs: dict) -> None:
        attr = self.attr
        max_len = kwargs.pop("max_len", None)
        args = list(getattr(attr, "args", ()) or ()) if attr is not None else []
        if args:
            if len(args) > 1:
                raise TypeError(f"Too many positional parameters for attribute {attr}")
            if max_len is not None:
                raise TypeError("Max length option specified twice: as a positional argument and as a "
                                "`max_len` named argument")
            max_len = args[0]
            attr.args = ()
        if self.py_type is LongStr and max_len is not None:
            raise TypeError("Max length is not supported for CLOBs")
        if max_len is not None and (not isinstance(max_len, int) or isinstance(max_len, bool)):
            raise TypeError(f"Max length argument must be int. Got: {max_len!r}")
        self.max_len = max_len
        self.db_encoding = kwargs.pop("db_encoding", None)
        self.autostrip = kwargs.pop("autostrip", True)

    def validate(self, val: Any, obj: Any = None) -> Any:
        if not isinstance(val, str):
            raise TypeError(f"Value type for attribute {_attr_name(self.attr)} must be str. Got: {type(val)!r}")
        if self.autostrip:
            val = val.strip()
        max_len = self.max_len
        if max_len is not None and len(val) > max_len:
            raise ValueError(f"Value for attribute {_attr_name(self.attr)} is too long. "
                             f"Max length is {max_len}, value length is {len(val)}")
        if self.py_type is LongStr and not isinstance(val, LongStr):
            return val
        return val

    def sql_type(self) -> str:
        if self.py_type is LongStr:
            return "TEXT"
        return f"VARCHAR({self.max_len})" if self.max_len else "TEXT"


class IntConverter(Converter):
    SIGNED_RANGES = {8: (-2**7, 2**7 - 1), 16: (-2**15, 2**15 - 1), 24: (-2**23, 2**23 - 1),
                     32: (-2**31, 2**31 - 1), 64: (-2**63, 2**63 - 1)}
    UNSIGNED_RANGES = {8: (0, 2**8 - 1), 16: (0, 2**16 - 1), 24: (0, 2**24 - 1),
                       32: (0, 2**32 - 1), 64: (0, 2**64 - 1)}
    SIGNED_TYPES = {8: "TINYINT", 16: "SMALLINT", 24: "MEDIUMINT", 32: "INTEGER", 64: "BIGINT"}
    UNSIGNED_TYPES = {8: "TINYINT UNSIGNED", 16: "SMALLINT UNSIGNED", 24: "MEDIUMINT UNSIGNED",
                      32: "INTEGER UNSIGNED", 64: "BIGINT UNSIGNED"}

    def init(self, kwargs: dict) -> None:
        attr = self.attr
        size = kwargs.pop("size", None)
        unsigned = kwargs.pop("unsigned", False)
        if size is None:
            size = 64 if (attr is not None and getattr(attr, "py_type", None) is not None
                          and getattr(attr.py_type, "__name__", "") == "long") else None
        if size is None:
            size = 32
            self.explicit_size = False
        else:
            self.explicit_size = True
        if size not in self.SIGNED_RANGES:
            raise TypeError(f"incorrect value of 'size' option for attribute {attr}. "
                            f"Should be 8, 16, 24, 32 or 64. Got: {size!r}")
        if unsigned and size == 64 and not self.provider.UNSIGNED_BIGINT:
            raise TypeError(f"Attribute {attr}: {self.provider.dialect} provider does not support "
                            "unsigned bigint type")
        self.size = size
        self.unsigned = unsigned
        lo, hi = (self.UNSIGNED_RANGES if unsigned else self.SIGNED_RANGES)[size]
        min_val = kwargs.pop("min", None)
        max_val = kwargs.pop("max", None)
        if min_val is not None:
            if not isinstance(min_val, int):
                raise TypeError(f"'min' argument for attribute {attr} must be int. Got: {min_val!r}")
            if min_val < lo:
                raise ValueError(f"'min' argument should be greater or equal to {lo} because of size={size} "
                                 f"and unsigned={unsigned}. Got: {min_val}")
            lo = min_val
        if max_val is not None:
            if not isinstance(max_val, int):
                raise TypeError(f"'max' argument for attribute {attr} must be int. Got: {max_val!r}")
            if max_val > hi:
                raise ValueError(f"'max' argument should be less or equal to {hi} because of size={size} "
                                 f"and unsigned={unsigned}. Got: {max_val}")
            hi = max_val
        self.min_val, self.max_val = lo, hi

    def validate(self, val: Any, obj: Any = None) -> Any:
        if isinstance(val, bool) or not isinstance(val, int):
            if isinstance(val, str):
                try:
                    val = int(val.strip())
                except ValueError:
                    raise ValueError(f"Value type for attribute {_attr_name(self.attr)} must be int. "
                                     f"Got string {val!r}")
            elif isinstance(val, bool):
                val = int(val)
            elif hasattr(val, "__index__"):
                val = val.__index__()
            elif isinstance(val, float) and val.is_integer():
                val = int(val)
            elif isinstance(val, Decimal) and val == val.to_integral_value():
                val = int(val)
            else:
                raise TypeError(f"Value type for attribute {_attr_name(self.attr)} must be int. "
                                f"Got: {type(val)!r}")
        if val < self.min_val:
            raise ValueError(f"Value {val} of attr {_attr_name(self.attr)} is less than the minimum "
                             f"allowed value {self.min_val}")
        if val > self.max_val:
            raise ValueError(f"Value {val} of attr {_attr_name(self.attr)} is greater than the maximum "
                             f"allowed value {self.max_val}")
        return val

    # sql2py is the identity: every driver here returns Python ints for integer columns (Oracle,
    # whose NUMBER columns may come back otherwise, overrides it), and the identity lets row
    # reading skip the call.

    def sql_type(self) -> str:
        types = self.UNSIGNED_TYPES if self.unsigned else self.SIGNED_TYPES
        return types[self.size]

    def auto_sql_type(self) -> str:
        """Column type of an auto-incremented primary key of this size."""
        return self.sql_type()


class RealConverter(Converter):
    native_type = float

    optimistic = False
    default_tolerance = 1e-14

    def init(self, kwargs: dict) -> None:
        self.min_val = kwargs.pop("min", None)
        self.max_val = kwargs.pop("max", None)
        self.tolerance = kwargs.pop("tolerance", self.default_tolerance)

    def validate(self, val: Any, obj: Any = None) -> Any:
        try:
            val = float(val)
        except (ValueError, TypeError):
            raise TypeError(f"Invalid value for attribute {_attr_name(self.attr)}: {val!r}")
        if math.isnan(val) and not getattr(self.provider, "SUPPORTS_NAN", True):
            raise ValueError(f"Value nan of attr {_attr_name(self.attr)} cannot be stored: "
                             f"{self.provider.dialect} has no NaN")
        if self.min_val is not None and val < self.min_val:
            raise ValueError(f"Value {val!r} of attr {_attr_name(self.attr)} is less than the minimum "
                             f"allowed value {self.min_val!r}")
        if self.max_val is not None and val > self.max_val:
            raise ValueError(f"Value {val!r} of attr {_attr_name(self.attr)} is greater than the maximum "
                             f"allowed value {self.max_val!r}")
        return val

    def sql2py(self, val: Any) -> Any:
        return float(val) if val is not None else val

    def dbvals_equal(self, x: Any, y: Any) -> bool:
        if x is None or y is None:
            return x is y
        if x == y:
            return True
        tolerance = self.tolerance
        denominator = max(abs(x), abs(y))
        return denominator == 0 or abs(x - y) / denominator <= tolerance

    def sql_type(self) -> str:
        return "REAL"


def _take_options(attr: Any, kwargs: dict, names: tuple) -> list:
    """Type options that may also be given positionally, e.g. ``Required(Decimal, 10, 2)``."""
    args = list(getattr(attr, "args", ()) or ()) if attr is not None else []
    if len(args) > len(names):
        raise TypeError(f"Too many positional parameters for attribute {attr}")
    values = []
    for i, name in enumerate(names):
        value = kwargs.pop(name, None)
        if i < len(args):
            if value is not None:
                raise TypeError(f"{name.capitalize()} for attribute {attr} has both positional and keyword value")
            value = args[i]
        values.append(value)
    if args:
        attr.args = ()
    return values


class DecimalConverter(Converter):
    """DECIMAL(precision, scale). A value is rounded to ``scale`` places in Python, half away from zero
    (ROUND_HALF_UP, what PostgreSQL and MariaDB/MySQL do), before it is stored, so every database
    stores, and the object holds, the same value; SQLite would otherwise keep extra digits or round
    through a float. A value with more integer digits than ``precision - scale`` is refused."""

    ROUNDING = ROUND_HALF_UP

    def init(self, kwargs: dict) -> None:
        attr = self.attr
        precision, scale = _take_options(attr, kwargs, ("precision", "scale"))
        if precision is None:
            precision = 12
        if scale is None:
            scale = 2
        if not isinstance(precision, int) or precision <= 0:
            raise TypeError(f"'precision' positional argument for attribute {attr} must be positive. "
                            f"Got: {precision!r}")
        if not isinstance(scale, int) or scale < 0:
            raise TypeError(f"'scale' positional argument for attribute {attr} must be positive. Got: {scale!r}")
        if scale > precision:
            raise ValueError("'scale' must be less or equal 'precision'")
        self.precision, self.scale = precision, scale
        self.exp = Decimal(10) ** -scale
        self.limit = Decimal(10) ** (precision - scale)
        self.context = Context(prec=precision + 2, rounding=self.ROUNDING)  # room for any value in range
        self.min_val = kwargs.pop("min", None)
        self.max_val = kwargs.pop("max", None)

    def validate(self, val: Any, obj: Any = None) -> Any:
        if isinstance(val, float):
            val = Decimal(repr(val))
        try:
            val = Decimal(val)
        except (InvalidOperation, TypeError, ValueError):
            raise TypeError(f"Invalid value for attribute {_attr_name(self.attr)}: {val!r}")
        if not val.is_finite():
            raise ValueError(f"Value {val} of attr {_attr_name(self.attr)} is not a finite number")
        if self.min_val is not None and val < self.min_val:
            raise ValueError(f"Value {val!r} of attr {_attr_name(self.attr)} is less than the minimum "
                             f"allowed value {self.min_val!r}")
        if self.max_val is not None and val > self.max_val:
            raise ValueError(f"Value {val!r} of attr {_attr_name(self.attr)} is greater than the maximum "
                             f"allowed value {self.max_val!r}")
        return self.quantized(val)

    def quantized(self, val: Decimal) -> Decimal:
        """``val`` rounded to the scale; ValueError naming the attribute if it does not fit."""
        rounded = None
        if not val or val.adjusted() < self.precision - self.scale:
            rounded = val.quantize(self.exp, rounding=self.ROUNDING, context=self.context)
        if rounded is None or abs(rounded) >= self.limit:
            raise ValueError(f"Value {val} of attr {_attr_name(self.attr)} is out of range for "
                             f"DECIMAL({self.precision}, {self.scale}): at most "
                             f"{self.precision - self.scale} digits before the decimal point")
        return rounded

    def py2sql(self, val: Any) -> Any:
        return val

    def sql2py(self, val: Any) -> Any:
        if val is None:
            return None
        if isinstance(val, float):
            val = Decimal(repr(val))
        if self.attr is None:  # a computed value (sum, product): as the database gives it, like Pony
            return Decimal(val)
        return Decimal(val).quantize(self.exp, rounding=self.ROUNDING)

    def dbvals_equal(self, x: Any, y: Any) -> bool:
        if x is None or y is None:
            return x is y
        return Decimal(x).quantize(self.exp, rounding=self.ROUNDING) == Decimal(y).quantize(
            self.exp, rounding=self.ROUNDING)

    def sql_type(self) -> str:
        return f"DECIMAL({self.precision}, {self.scale})"


def _date_from_text(text: str) -> date:
    return date.fromisoformat(text[:10])


def _parse_datetime(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)  # the stored form: no stripping needed
    except ValueError:
        return datetime.fromisoformat(text.strip().replace("T", " ", 1))


class DateConverter(Converter):
    native_type = date

    def validate(self, val: Any, obj: Any = None) -> Any:
        if isinstance(val, datetime):
            return val.date()
        if isinstance(val, date):
            return val
        if isinstance(val, str):
            try:
                return date.fromisoformat(val.strip()[:10])
            except ValueError:
                pass
        raise TypeError(f"Attribute {_attr_name(self.attr)}: expected type is 'date'. Got: {val!r}")

    def text_reader(self) -> Any:
        return _date_from_text if type(self).sql2py is DateConverter.sql2py else None

    def sql2py(self, val: Any) -> Any:
        if isinstance(val, datetime):
            return val.date()
        if isinstance(val, str):
            return date.fromisoformat(val[:10])
        return val

    def sql_type(self) -> str:
        return "DATE"


class _PrecisionConverter(Converter):
    def init(self, kwargs: dict) -> None:
        attr = self.attr
        (precision,) = _take_options(attr, kwargs, ("precision",))
        if precision is None:
            precision = self.provider.DEFAULT_TIME_PRECISION
        if not isinstance(precision, int) or not 0 <= precision <= 6:
            raise ValueError(f"Precision value of attribute {attr} must be between 0 and 6. "
                             f"Got: {precision!r}")
        self.precision = precision

    def round_microseconds(self, microsecond: int) -> int:
        step = 10 ** (6 - self.precision)
        return microsecond // step * step


class DatetimeConverter(_PrecisionConverter):
    native_type = datetime

    def validate(self, val: Any, obj: Any = None) -> Any:
        if isinstance(val, datetime):
            pass
        elif isinstance(val, str):
            try:
                val = _parse_datetime(val)
            except ValueError:
                raise TypeError(f"Attribute {_attr_name(self.attr)}: expected type is 'datetime'. "
                                f"Got: {val!r}")
        else:
            raise TypeError(f"Attribute {_attr_name(self.attr)}: expected type is 'datetime'. Got: {val!r}")
        if val.tzinfo is not None and not getattr(self.provider, "KEEPS_DATETIME_OFFSET", True):
            raise ValueError(f"Attribute {_attr_name(self.attr)} cannot store the timezone-aware datetime "
                             f"{val!r}: {self.provider.dialect} would drop its UTC offset. Convert it to "
                             "a naive datetime first, e.g. val.astimezone(timezone.utc).replace(tzinfo=None)")
        if self.precision < 6:
            val = val.replace(microsecond=self.round_microseconds(val.microsecond))
        return val

    def text_reader(self) -> Any:
        return _parse_datetime if type(self).sql2py is DatetimeConverter.sql2py else None

    def sql2py(self, val: Any) -> Any:
        if isinstance(val, str):
            return _parse_datetime(val)
        return val

    def sql_type(self) -> str:
        return "DATETIME" if self.precision == self.provider.DEFAULT_TIME_PRECISION \
            else f"DATETIME({self.precision})"


class TimeConverter(_PrecisionConverter):
    native_type = time

    def validate(self, val: Any, obj: Any = None) -> Any:
        if isinstance(val, time):
            pass
        elif isinstance(val, str):
            try:
                val = time.fromisoformat(val.strip())
            except ValueError:
                raise TypeError(f"Attribute {_attr_name(self.attr)}: expected type is 'time'. Got: {val!r}")
        else:
            raise TypeError(f"Attribute {_attr_name(self.attr)}: expected type is 'time'. Got: {val!r}")
        if self.precision < 6:
            val = val.replace(microsecond=self.round_microseconds(val.microsecond))
        return val

    def sql2py(self, val: Any) -> Any:
        if isinstance(val, str):
            return time.fromisoformat(val)
        if isinstance(val, timedelta):  # MySQL drivers return TIME columns as timedelta
            seconds = int(val.total_seconds())
            return time(seconds // 3600, seconds // 60 % 60, seconds % 60, val.microseconds)
        return val

    def sql_type(self) -> str:
        return "TIME" if self.precision == self.provider.DEFAULT_TIME_PRECISION else f"TIME({self.precision})"


_TIMEDELTA_RE = re.compile(r"^(-?)(?:(\d+) days?, )?(\d+):(\d\d):(\d\d)(?:\.(\d+))?$")


def str2timedelta(text: str) -> timedelta:
    match = _TIMEDELTA_RE.match(text.strip())
    if not match:
        raise ValueError(f"Unrecognized timedelta format: {text!r}")
    sign, days, hours, minutes, seconds, frac = match.groups()
    micro = int((frac or "0").ljust(6, "0")[:6])
    delta = timedelta(days=int(days or 0), hours=int(hours), minutes=int(minutes), seconds=int(seconds),
                      microseconds=micro)
    return -delta if sign else delta


class TimedeltaConverter(_PrecisionConverter):
    native_type = timedelta

    def validate(self, val: Any, obj: Any = None) -> Any:
        if isinstance(val, timedelta):
            pass
        elif isinstance(val, str):
            try:
                val = str2timedelta(val)
            except ValueError:
                raise TypeError(f"Attribute {_attr_name(self.attr)}: expected type is 'timedelta'. "
                                f"Got: {val!r}")
        else:
            raise TypeError(f"Attribute {_attr_name(self.attr)}: expected type is 'timedelta'. Got: {val!r}")
        if self.precision < 6:
            val = timedelta(val.days, val.seconds, self.round_microseconds(val.microseconds))
        return val

    def sql_type(self) -> str:
        return "INTERVAL" if self.precision == self.provider.DEFAULT_TIME_PRECISION else f"INTERVAL({self.precision})"


class BlobConverter(Converter):
    native_type = bytes

    def validate(self, val: Any, obj: Any = None) -> Any:
        if isinstance(val, (bytes, bytearray, memoryview)):
            return bytes(val)
        if isinstance(val, str):
            return val.encode("utf-8")
        raise TypeError(f"Attribute {_attr_name(self.attr)}: expected type is 'buffer'. Got: {type(val)!r}")

    def sql2py(self, val: Any) -> Any:
        if isinstance(val, (bytearray, memoryview)):
            return bytes(val)
        return val

    def sql_type(self) -> str:
        return "BLOB"


class UuidConverter(Converter):
    native_type = UUID

    def init(self, kwargs: dict) -> None:
        if self.attr is not None and kwargs.get("auto"):
            kwargs["default"] = kwargs.get("default") or __import__("uuid").uuid4

    def validate(self, val: Any, obj: Any = None) -> Any:
        if isinstance(val, UUID):
            return val
        try:
            if isinstance(val, bytes):
                return UUID(bytes=val)
            if isinstance(val, str):
                return UUID(hex=val)
            if isinstance(val, int) and not isinstance(val, bool):
                return UUID(int=val)
        except ValueError as exc:
            raise ValueError(f"Value of attribute {_attr_name(self.attr)} is not a valid UUID: {exc}")
        raise ValueError(f"Value type of attribute {_attr_name(self.attr)} must be UUID. Got: {type(val)!r}")

    def py2sql(self, val: Any) -> Any:
        return val.bytes if val is not None else None

    def sql2py(self, val: Any) -> Any:
        if val is None or isinstance(val, UUID):
            return val
        if isinstance(val, (bytes, bytearray, memoryview)):
            return UUID(bytes=bytes(val))
        return UUID(val)

    def sql_type(self) -> str:
        return "UUID"


class JsonConverter(Converter):
    json_kwargs: dict = {"separators": (",", ":"), "sort_keys": True, "ensure_ascii": False}

    def validate(self, val: Any, obj: Any = None) -> Any:
        if isinstance(val, Json):
            val = val.wrapped
        # Round-trip through JSON text so only JSON-compatible values are accepted, as stored.
        try:
            text = json.dumps(val, **self.json_kwargs)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"Value of attribute {_attr_name(self.attr)} is not JSON serializable: {exc}")
        if obj is None or self.attr is None:
            return json.loads(text)
        return TrackedValue.make(obj, self.attr, json.loads(text))

    def py2sql(self, val: Any) -> Any:
        if isinstance(val, Json):  # a Json(...) parameter of a query
            val = val.wrapped
        return json.dumps(val, **self.json_kwargs)

    def sql2py(self, val: Any) -> Any:
        if isinstance(val, (str, bytes, bytearray)):
            return json.loads(val)
        return val

    def dbvals_equal(self, x: Any, y: Any) -> bool:
        if isinstance(x, str):
            x = json.loads(x)
        if isinstance(y, str):
            y = json.loads(y)
        return x == y

    def sql_type(self) -> str:
        return "JSON"


class ArrayConverter(Converter):
    ITEM_TYPE_NAMES = {int: "INTEGER", str: "TEXT", float: "DOUBLE PRECISION"}

    def init(self, kwargs: dict) -> None:
        if not self.provider.SUPPORTS_ARRAYS:
            raise NotImplementedError(f"Array type is not supported for {self.provider.dialect} "
                                      f"(attribute {self.attr})")
        self.item_type = self.py_type.item_type

    def validate(self, val: Any, obj: Any = None) -> Any:
        if isinstance(val, (str, bytes)) or not hasattr(val, "__iter__"):
            items = [val]
        else:
            items = list(val)
        item_type = self.item_type
        result = []
        for item in items:
            ok, item = coerce_array_item(item_type, item)
            if not ok:
                raise TypeError(f"Cannot store {type(item).__name__} item in array of {item_type.__name__}")
            result.append(item)
        if obj is None or self.attr is None:
            return result
        return TrackedValue.make(obj, self.attr, result)

    def py2sql(self, val: Any) -> Any:
        return list(val)

    def sql2py(self, val: Any) -> Any:
        if isinstance(val, str):
            return json.loads(val)
        return list(val) if val is not None else None

    def sql_type(self) -> str:
        return self.ITEM_TYPE_NAMES[self.item_type] + "[]"


BASE_CONVERTERS: tuple = (
    (bool, BoolConverter),
    (str, StrConverter),
    (int, IntConverter),
    (float, RealConverter),
    (Decimal, DecimalConverter),
    (datetime, DatetimeConverter),
    (date, DateConverter),
    (time, TimeConverter),
    (timedelta, TimedeltaConverter),
    (UUID, UuidConverter),
    (bytes, BlobConverter),
    (Json, JsonConverter),
    (Array, ArrayConverter),
)
