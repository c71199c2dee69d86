"""SPEC 5: every data type round-trips exactly through create -> commit -> new session -> read, on every
backend; validation errors; tracked in-place changes of Json and arrays."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest

from pony.orm import *  # noqa: F403
from pony.orm.core import Entity
from pony.orm.session.objects import materialize


def define_values(db: Database) -> None:
    class Value(db.Entity):
        s = Optional(str)
        s10 = Optional(str, 10)
        text = Optional(LongStr)
        uni = Optional(unicode)
        i = Optional(int)
        i8 = Optional(int, size=8)
        i16 = Optional(int, size=16)
        i24 = Optional(int, size=24)
        i64 = Optional(int, size=64)
        u8 = Optional(int, size=8, unsigned=True)
        u32 = Optional(int, unsigned=True)
        b = Optional(bool)
        f = Optional(float)
        dec = Optional(Decimal)
        dec53 = Optional(Decimal, 5, 3)
        d = Optional(date)
        dt = Optional(datetime)
        dt0 = Optional(datetime, precision=0)
        dt3 = Optional(datetime, 3)
        t = Optional(time)
        t2 = Optional(time, 2)
        td = Optional(timedelta)
        td0 = Optional(timedelta, 0)
        blob = Optional(bytes)
        buf = Optional(buffer)
        u = Optional(uuid.UUID)
        j = Optional(Json)


def roundtrip(db: Database, **values) -> Entity:
    with db_session:
        db.Value(**values)
    with db_session:
        obj = db.Value.select().first()
        for name in db.Value._adict_:
            getattr(obj, name)
        return obj


VALUES = [
    ("s", "hello wörld ☃", "hello wörld ☃"),
    ("s10", "0123456789", "0123456789"),
    ("text", "x" * 70000, "x" * 70000),
    ("uni", "ü", "ü"),
    ("i", -2**31, -2**31),
    ("i", 2**31 - 1, 2**31 - 1),
    ("i8", -128, -128),
    ("i16", 32767, 32767),
    ("i24", -2**23, -2**23),
    ("i64", 2**63 - 1, 2**63 - 1),
    ("i64", -2**63, -2**63),
    ("u8", 255, 255),
    ("u32", 2**32 - 1, 2**32 - 1),
    ("i", "42", 42),
    ("b", True, True),
    ("b", 0, False),
    ("b", "yes", True),
    ("f", 3.141592653589793, 3.141592653589793),
    ("f", -1e300, -1e300),
    ("f", 2, 2.0),
    ("dec", Decimal("1234567890.12"), Decimal("1234567890.12")),
    ("dec", "0.5", Decimal("0.50")),
    ("dec53", Decimal("12.345"), Decimal("12.345")),
    ("d", date(2024, 2, 29), date(2024, 2, 29)),
    ("d", "2020-01-02", date(2020, 1, 2)),
    ("dt", datetime(2024, 2, 29, 23, 59, 58, 123456), datetime(2024, 2, 29, 23, 59, 58, 123456)),
    ("dt", "2020-01-02 03:04:05", datetime(2020, 1, 2, 3, 4, 5)),
    ("dt0", datetime(2024, 1, 1, 1, 1, 1, 999999), datetime(2024, 1, 1, 1, 1, 1)),
    ("dt3", datetime(2024, 1, 1, 1, 1, 1, 123456), datetime(2024, 1, 1, 1, 1, 1, 123000)),
    ("t", time(23, 59, 59, 999999), time(23, 59, 59, 999999)),
    ("t2", time(1, 2, 3, 456789), time(1, 2, 3, 450000)),
    ("td", timedelta(days=3, seconds=5, microseconds=7), timedelta(days=3, seconds=5, microseconds=7)),
    ("td", timedelta(hours=-5), timedelta(hours=-5)),
    ("td0", timedelta(seconds=5, microseconds=999999), timedelta(seconds=5)),
    ("blob", b"\x00\xff binary", b"\x00\xff binary"),
    ("blob", "text", b"text"),
    ("buf", bytearray(b"ab"), b"ab"),
    ("u", uuid.UUID("12345678-1234-5678-1234-567812345678"), uuid.UUID("12345678-1234-5678-1234-567812345678")),
    ("u", "12345678123456781234567812345678", uuid.UUID("12345678-1234-5678-1234-567812345678")),
    ("u", uuid.UUID(int=5).bytes, uuid.UUID(int=5)),
    ("u", 5, uuid.UUID(int=5)),
    ("j", {"a": [1, 2.5, None, True], "b": {"c": "ü"}}, {"a": [1, 2.5, None, True], "b": {"c": "ü"}}),
    ("j", [1, "x"], [1, "x"]),
    ("j", "scalar", "scalar"),
    ("j", 5, 5),
]


@pytest.mark.parametrize("name, value, expected", VALUES, ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(VALUES)])
def test_value_roundtrip(backend, name: str, value, expected) -> None:
    db = backend.make_db(define_values)
    obj = roundtrip(db, **{name: value})
    result = getattr(obj, name)
    assert result == expected
    assert isinstance(result, type(expected)) and isinstance(expected, type(result)) or name == "j"


def test_empty_values_and_defaults(backend) -> None:
    db = backend.make_db(define_values)
    obj = roundtrip(db)
    assert obj.s == "" and obj.text == "" and obj.j == {}
    assert obj.i is None and obj.f is None and obj.dt is None and obj.u is None and obj.blob is None


def test_longstr_is_lazy(backend) -> None:
    db = backend.make_db(define_values)
    with db_session:
        db.Value(text="long", s="x")
    with db_session:
        obj = db.Value.select().first()
        assert db.Value.text not in (materialize(obj) or obj._vals_)
        assert obj.text == "long" and isinstance(obj.text, str)
    assert LongUnicode is LongStr and issubclass(LongStr, str)


def test_float_tolerance_is_used_for_db_comparisons(backend) -> None:
    db = backend.make_db(define_values)
    with db_session:
        db.Value(f=0.1 + 0.2)
    with db_session:
        obj = db.Value.select().first()
        assert obj.f == pytest.approx(0.3)
        obj.s = "changed"  # the update's optimistic check must not fail on float noise
    with db_session:
        assert db.Value.select().first().s == "changed"


INVALID = [
    ("i8", 128, ValueError, "Value 128 of attr Value.i8 is greater than the maximum allowed value 127"),
    ("i8", -129, ValueError, "Value -129 of attr Value.i8 is less than the minimum allowed value -128"),
    ("u8", -1, ValueError, "Value -1 of attr Value.u8 is less than the minimum allowed value 0"),
    ("u32", 2**32, ValueError, "Value 4294967296 of attr Value.u32 is greater than the maximum allowed value 4294967295"),
    ("i", 2**31, ValueError, "Value 2147483648 of attr Value.i is greater than the maximum allowed value 2147483647"),
    ("i", "abc", ValueError, "Value type for attribute Value.i must be int. Got string 'abc'"),
    ("i", 1.5, TypeError, "Value type for attribute Value.i must be int. Got: <class 'float'>"),
    ("s10", "01234567890", ValueError, "Value for attribute Value.s10 is too long. Max length is 10, value length is 11"),
    ("s", 5, TypeError, "Value type for attribute Value.s must be str. Got: <class 'int'>"),
    ("dec", "abc", TypeError, "Invalid value for attribute Value.dec: 'abc'"),
    ("d", 5, TypeError, "Attribute Value.d: expected type is 'date'. Got: 5"),
    ("blob", 5, TypeError, "Attribute Value.blob: expected type is 'buffer'. Got: <class 'int'>"),
    ("u", 1.5, ValueError, "Value type of attribute Value.u must be UUID. Got: <class 'float'>"),
]


@pytest.mark.parametrize("name, value, exc, message", INVALID, ids=[f"{n}-{i}" for i, (n, *_) in enumerate(INVALID)])
def test_invalid_values(name: str, value, exc, message) -> None:
    db = Database("sqlite", ":memory:")
    define_values(db)
    db.generate_mapping(create_tables=True)
    with db_session:
        with pytest.raises(exc) as info:
            db.Value(**{name: value})
        assert str(info.value) == message


def test_min_max_options() -> None:
    db = Database("sqlite", ":memory:")

    class Item(db.Entity):
        n = Optional(int, min=1, max=10)
        f = Optional(float, min=0.5)
        d = Optional(Decimal, max=Decimal("9.99"))

    db.generate_mapping(create_tables=True)
    with db_session:
        with pytest.raises(ValueError) as info:
            Item(n=11)
        assert str(info.value) == "Value 11 of attr Item.n is greater than the maximum allowed value 10"
        with pytest.raises(ValueError) as info:
            Item(f=0.1)
        assert str(info.value) == "Value 0.1 of attr Item.f is less than the minimum allowed value 0.5"
        with pytest.raises(ValueError) as info:
            Item(d=Decimal("10"))
        assert str(info.value) == ("Value Decimal('10') of attr Item.d is greater than the maximum allowed "
                                   "value Decimal('9.99')")
        assert Item(n=10, f=0.5, d="9.99").n == 10


# --- UUID primary keys ------------------------------------------------------------------------


def test_uuid_auto_primary_key(backend) -> None:
    def define(db: Database) -> None:
        class Token(db.Entity):
            id = PrimaryKey(uuid.UUID, auto=True)
            name = Optional(str)

    db = backend.make_db(define)
    with db_session:
        token = db.Token(name="a")
        key = token.id
        assert isinstance(key, uuid.UUID) and key.version == 4
    with db_session:
        assert db.Token[key].name == "a"
        assert db.Token.get(id=str(key)).name == "a"


# --- Json tracking ---------------------------------------------------------------------------


def define_json(db: Database) -> None:
    class Doc(db.Entity):
        info = Optional(Json)
        data = Required(Json)


def test_json_in_place_changes_are_saved(backend) -> None:
    db = backend.make_db(define_json)
    with db_session:
        db.Doc(data={"list": [1]})
    with db_session:
        doc = db.Doc[1]
        doc.info["x"] = 1
        doc.data["list"].append({"y": 2})
        doc.data["new"] = {"deep": []}
    with db_session:
        doc = db.Doc[1]
        assert doc.info == {"x": 1}
        assert doc.data == {"list": [1, {"y": 2}], "new": {"deep": []}}
        doc.data["new"]["deep"].append(3)
        del doc.info["x"]
    with db_session:
        doc = db.Doc[1]
        assert doc.data["new"] == {"deep": [3]} and doc.info == {}
        assert type(doc.data).__name__ == "TrackedDict"


def test_json_untracked_copy_and_wrapper(backend) -> None:
    db = backend.make_db(define_json)
    with db_session:
        db.Doc(data=Json([1, 2]))
    with db_session:
        data = db.Doc[1].data
        assert data == [1, 2] and type(data).__name__ == "TrackedList"
        assert type(data.get_untracked()) is list


# --- arrays ----------------------------------------------------------------------------------


def define_arrays(db: Database) -> None:
    class Arr(db.Entity):
        ints = Optional(IntArray)
        strs = Optional(StrArray)
        floats = Optional(FloatArray)
        maybe = Optional(IntArray, nullable=True)


@pytest.mark.requires("arrays")
def test_array_roundtrip_and_tracking(backend) -> None:
    db = backend.make_db(define_arrays)
    with db_session:
        arr = db.Arr(ints=[1, 2, 3], strs=["a", "ü"], floats=[1.5, 2])
        assert arr.maybe is None
    with db_session:
        arr = db.Arr[1]
        assert (arr.ints, arr.strs, arr.floats) == ([1, 2, 3], ["a", "ü"], [1.5, 2.0])
        assert type(arr.ints).__name__ == "TrackedArray"
        arr.ints.append(4)
        arr.strs[0] = "b"
        arr.floats.remove(2.0)
    with db_session:
        arr = db.Arr[1]
        assert (arr.ints, arr.strs, arr.floats) == ([1, 2, 3, 4], ["b", "ü"], [1.5])
        assert 2 in arr.ints and [1, 4] in arr.ints
        with pytest.raises(TypeError) as info:
            arr.ints = ["x"]
        assert str(info.value) == "Cannot store str item in array of int"


@pytest.mark.requires("arrays")
def test_array_defaults(backend) -> None:
    db = backend.make_db(define_arrays)
    with db_session:
        db.Arr()
    with db_session:
        arr = db.Arr[1]
        assert (arr.ints, arr.strs, arr.floats, arr.maybe) == ([], [], [], None)


def test_arrays_are_refused_where_unsupported(backend) -> None:
    if backend.has("arrays"):
        pytest.skip("this database stores arrays (tested above)")
    db = Database()
    define_arrays(db)
    backend.bind(db)
    with pytest.raises(NotImplementedError):
        db.generate_mapping(create_tables=True)
