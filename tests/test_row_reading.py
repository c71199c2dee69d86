"""Reading rows into objects: values the driver already gives in the right type, values it gives
as text, and the warning for an empty value of a Required attribute, on every backend."""

from __future__ import annotations

import warnings
from datetime import date, datetime, time, timedelta
from uuid import UUID

import pytest

from pony.orm import Database, Optional, Required, db_session, select
from pony.orm.errors import DatabaseContainsIncorrectEmptyValue


def define(db: Database) -> None:
    class Ev(db.Entity):
        name = Required(str)
        zero = Required(int, default=0)
        off = Required(bool, default=False)
        at = Required(datetime)
        day = Optional(date)
        clock = Optional(time)
        span = Optional(timedelta)
        flag = Optional(bool)
        ratio = Optional(float)
        payload = Optional(bytes)
        uid = Optional(UUID)


VALUES = dict(name="e", at=datetime(2024, 1, 2, 3, 4, 5, 6000), day=date(2024, 5, 6), clock=time(7, 8, 9),
              span=timedelta(hours=1, seconds=2), flag=True, ratio=0.25, payload=b"\x00\x01",
              uid=UUID("12345678-1234-5678-1234-567812345678"))


@pytest.fixture
def db(backend):
    db = backend.make_db(define)
    with db_session:
        db.Ev(**VALUES)
        db.Ev(name="f", at=datetime(2024, 1, 1))
    return db


def test_values_have_their_python_types(db):
    with db_session:
        first, second = select(e for e in db.Ev).order_by(db.Ev.id)[:]
        for name, value in VALUES.items():
            got = getattr(first, name)
            assert got == value and type(got) is type(value), name
        assert (second.day, second.clock, second.span, second.flag, second.ratio, second.payload, second.uid) == \
            (None,) * 7
    with db_session:  # read again in a session that already holds them: the same values
        objs = select(e for e in db.Ev).order_by(db.Ev.id)[:]
        assert select(e for e in db.Ev).order_by(db.Ev.id)[:] == objs
        assert objs[0].to_dict(exclude="id") == {**VALUES, "zero": 0, "off": False}


def test_text_where_a_datetime_is_expected_is_parsed(db):
    with db_session:
        (ev,) = db.Ev.select_by_sql("SELECT id, name, zero, off, '2030-02-03 04:05:06' AS at, day, clock, span, flag, "
                                    "ratio, payload, uid FROM ev WHERE name = 'f'")
        assert ev.at == datetime(2030, 2, 3, 4, 5, 6) and type(ev.at) is datetime


def test_empty_required_value_in_the_database_warns(db):
    with db_session:
        db.execute("UPDATE ev SET name = '' WHERE name = 'f'")
    with db_session, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        objs = select(e for e in db.Ev).order_by(db.Ev.id)[:]
        assert [o.name for o in objs] == ["e", ""]
    messages = [str(w.message) for w in caught if issubclass(w.category, DatabaseContainsIncorrectEmptyValue)]
    assert messages == ["Database contains empty string for required attribute Ev.name"]  # 0 and False are values


def test_zero_and_false_are_not_empty(db):
    with db_session, warnings.catch_warnings():
        warnings.simplefilter("error", DatabaseContainsIncorrectEmptyValue)
        assert [(e.zero, e.off) for e in select(e for e in db.Ev).order_by(db.Ev.id)] == [(0, False), (0, False)]


def test_a_large_load_pauses_the_cyclic_collector_and_restores_its_state(db, monkeypatch):
    import gc

    with db_session:
        before = db.Ev.select().count()
        db.Ev.insert_many([dict(VALUES, name=f"e{i}") for i in range(1500)])
    seen = []
    real_disable = gc.disable
    monkeypatch.setattr(gc, "disable", lambda: (seen.append("disable"), real_disable()))
    try:
        for collector_on in (True, False):
            (gc.enable if collector_on else gc.disable)()
            seen.clear()
            with db_session:
                loaded = select(e for e in db.Ev)[:]
                assert len(loaded) == before + 1500
                assert {e.name for e in loaded} >= {f"e{i}" for i in range(1500)}
            assert gc.isenabled() is collector_on  # left as it was found
            assert seen == (["disable"] if collector_on else [])
    finally:
        gc.enable()
