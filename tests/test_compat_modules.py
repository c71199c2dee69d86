"""Pony's helper modules that user code imports: pony.utils, pony.converting, pony.py23compat."""

from __future__ import annotations

import inspect
import threading
import warnings
from datetime import date, datetime, time, timedelta

import pytest

from pony import converting, py23compat, utils
from pony.orm.errors import PonyDeprecationWarning

# --- pony.utils --------------------------------------------------------------------------------


def test_utils_exports_the_documented_names():
    for name in ("throw", "cut_traceback", "decorator", "localbase", "is_ident", "import_module",
                 "deref_proxy", "cached_property", "deprecated", "PonyDeprecationWarning"):
        assert hasattr(utils, name), name
    assert utils.PonyDeprecationWarning is PonyDeprecationWarning
    assert issubclass(PonyDeprecationWarning, DeprecationWarning)


def test_throw_builds_the_exception_from_its_arguments_without_formatting():
    with pytest.raises(ValueError) as info:
        utils.throw(ValueError, "bad %s", 1)
    assert info.value.args == ("bad %s", 1)


def test_throw_raises_an_exception_instance_as_is():
    exc = KeyError("k")
    with pytest.raises(KeyError) as info:
        utils.throw(exc)
    assert info.value is exc


@pytest.mark.parametrize("text, expected", [
    ("a", True), ("a1", True), ("_", True), ("def", True),
    ("1a", False), ("a b", False), ("", False), ("ä", False), ("a-b", False),
])
def test_is_ident_accepts_ascii_identifiers_only(text, expected):
    assert utils.is_ident(text) is expected


def test_import_module_returns_the_innermost_module():
    import os.path
    assert utils.import_module("os.path") is os.path
    with pytest.raises(ModuleNotFoundError):
        utils.import_module("no_such_module_xyz.sub")


def test_cached_property_computes_once_and_becomes_an_attribute():
    calls = []

    class Thing:
        @utils.cached_property
        def value(self):
            calls.append(1)
            return 42

    thing = Thing()
    assert (thing.value, thing.value) == (42, 42)
    assert calls == [1]
    assert thing.__dict__["value"] == 42
    assert isinstance(Thing.value, utils.cached_property)
    del thing.value
    assert thing.value == 42 and calls == [1, 1]


def test_deprecated_warns_at_the_given_stack_level():
    def old_api():
        utils.deprecated(2, "old_api is deprecated")
        return 1

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert old_api() == 1
    assert [(w.category, str(w.message)) for w in caught] == [(PonyDeprecationWarning, "old_api is deprecated")]
    assert caught[0].filename == __file__


def test_decorator_passes_bound_arguments_with_defaults_to_the_caller():
    seen = []

    def caller(func, *args, **kwargs):
        seen.append((func.__name__, args, kwargs))
        return func(*args, **kwargs) * 10

    @utils.decorator(caller)
    def add(a, b=2, *, c=0):
        return a + b + c

    assert add(1) == 30
    assert add(1, b=5, c=1) == 70
    assert seen == [("add", (1, 2), {"c": 0}), ("add", (1, 5), {"c": 1})]
    assert add.__name__ == "add"
    assert str(inspect.signature(add)) == "(a, b=2, *, c=0)"
    assert utils.decorator(caller, lambda x: x)(4) == 40


def test_localbase_is_per_thread():
    class Local(utils.localbase):
        def __init__(self):
            self.value = 1

    local = Local()
    local.value = 5
    seen = []
    thread = threading.Thread(target=lambda: seen.append(local.value))
    thread.start()
    thread.join()
    assert (local.value, seen) == (5, [1])


def test_deref_proxy_unwraps_werkzeug_local_proxies_only():
    from werkzeug.local import LocalProxy

    target = object()
    assert utils.deref_proxy(LocalProxy(lambda: target)) is target
    assert utils.deref_proxy(None) is None
    assert utils.deref_proxy(5) == 5

    class Other:
        def _get_current_object(self):
            return 7

    other = Other()
    assert utils.deref_proxy(other) is other


def test_cut_traceback_keeps_the_function_and_its_errors():
    @utils.cut_traceback
    def boom(x):
        """doc"""
        raise ValueError(f"boom {x}")

    assert (boom.__name__, boom.__doc__) == ("boom", "doc")
    with pytest.raises(ValueError, match="boom 3"):
        boom(3)


# --- pony.py23compat ---------------------------------------------------------------------------


def test_py23compat_names():
    assert py23compat.buffer is bytes
    assert py23compat.unicode is str
    assert py23compat.int_types == (int,)
    assert [py23compat.cmp(1, 2), py23compat.cmp(2, 1), py23compat.cmp("a", "a")] == [-1, 1, 0]
    with pytest.raises(TypeError):
        py23compat.cmp(None, 1)


# --- pony.converting ---------------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("2020-01-02", datetime(2020, 1, 2, 12, 0)),  # a date alone means noon
    ("2020-1-2", datetime(2020, 1, 2, 12, 0)),
    (" 2020/01/02 ", datetime(2020, 1, 2, 12, 0)),
    ("2020.01.02", datetime(2020, 1, 2, 12, 0)),
    ("02.01.2020", datetime(2020, 1, 2, 12, 0)),  # day first with dots
    ("01/02/2020", datetime(2020, 1, 2, 12, 0)),  # month first with slashes
    ("2020-01-02 03:04:05", datetime(2020, 1, 2, 3, 4, 5)),
    ("2020-01-02T03:04", datetime(2020, 1, 2, 3, 4)),
    ("2020-01-02 03:04:05.123", datetime(2020, 1, 2, 3, 4, 5, 123000)),
    ("2020-01-02 03.04.05", datetime(2020, 1, 2, 3, 4, 5)),
    ("2020-01-02 03:04:05 PM", datetime(2020, 1, 2, 15, 4, 5)),
    ("2020-01-02 12:04 am", datetime(2020, 1, 2, 0, 4)),
    ("2020-01-02 3 pm", datetime(2020, 1, 2, 15, 0)),
    ("Jan 2 2020", datetime(2020, 1, 2, 12, 0)),
    ("January 2, 2020", datetime(2020, 1, 2, 12, 0)),
    ("2 sept. 2020", datetime(2020, 9, 2, 12, 0)),
    ("Mon, 2 Jan 2020", datetime(2020, 1, 2, 12, 0)),
    ("2-Jan-2020 03:04", datetime(2020, 1, 2, 3, 4)),
])
def test_str2datetime(text, expected):
    assert converting.str2datetime(text) == expected


@pytest.mark.parametrize("text, message", [
    ("junk", "Unrecognized datetime format"),
    ("20200102", "Unrecognized datetime format"),
    ("2020-01-02 03:04:05+03:00", "Unrecognized datetime format"),
    ("2020-01-02  03:04:05", "Unrecognized datetime format"),
    ("2020-01-02 03:04:05.1234567", "Unrecognized datetime format"),
    ("2020-13-01", "month must be in 1..12"),
    ("13/01/2020", "month must be in 1..12"),
    ("2020-02-30", "day is out of range for month"),
    ("2020-01-02 24:00", "hour must be in 0..23"),
])
def test_str2datetime_errors(text, message):
    with pytest.raises(ValueError, match=message):
        converting.str2datetime(text)


def test_str2date():
    assert converting.str2date("2020-01-02") == date(2020, 1, 2)
    assert converting.str2date("2 Jan 2020") == date(2020, 1, 2)
    with pytest.raises(ValueError, match="Unrecognized date format"):
        converting.str2date("2020-01-02 03:04:05")


@pytest.mark.parametrize("text, expected", [
    ("03:04", time(3, 4)), ("3:4", time(3, 4)), ("03:04:05", time(3, 4, 5)),
    ("3:04:05.5", time(3, 4, 5, 500000)), ("3.04", time(3, 4)), ("3pm", time(15, 0)),
    ("3:04 PM", time(15, 4)), ("12:00 am", time(0, 0)), ("12 pm", time(12, 0)),
    ("03:04 a.m.", time(3, 4)), ("3h", time(3, 0)), (" 03:04 ", time(3, 4)),
])
def test_str2time(text, expected):
    assert converting.str2time(text) == expected


@pytest.mark.parametrize("text, message", [
    ("junk", "Unrecognized time format"), ("03-04-05", "Unrecognized time format"),
    ("03:04:05:06", "Unrecognized time format"), ("25:00", "hour must be in 0..23"),
    ("13 pm", "hour must be in 0..23"),
])
def test_str2time_errors(text, message):
    with pytest.raises(ValueError, match=message):
        converting.str2time(text)


@pytest.mark.parametrize("text, expected", [
    ("1:02:03", timedelta(hours=1, minutes=2, seconds=3)),
    ("01:02:03.5", timedelta(hours=1, minutes=2, seconds=3, microseconds=500000)),
    ("-1:02:03", -timedelta(hours=1, minutes=2, seconds=3)),
    ("100:00:00", timedelta(hours=100)),
    ("0:00:00", timedelta(0)),
])
def test_str2timedelta(text, expected):
    assert converting.str2timedelta(text) == expected


def test_str2timedelta_errors():
    with pytest.raises(ValueError, match="not enough values to unpack"):
        converting.str2timedelta("12:30")
    with pytest.raises(ValueError, match="invalid literal for int"):
        converting.str2timedelta("1 day, 1:02:03")


@pytest.mark.parametrize("td, text", [
    (timedelta(0), "0:0:0"), (timedelta(hours=1, minutes=2, seconds=3), "1:2:3"),
    (timedelta(days=1, seconds=5), "24:0:5"), (timedelta(days=-1), "-24:0:0"),
    (timedelta(seconds=-1), "-0:0:1"), (timedelta(microseconds=5), "0:0:0.000005"),
    (timedelta(seconds=3.5), "0:0:3.500000"), (timedelta(minutes=90), "1:30:0"),
])
def test_timedelta2str(td, text):
    assert converting.timedelta2str(td) == text
    assert converting.str2timedelta(text) == td
