"""Values read back exactly, on every backend and, on MySQL/MariaDB, through both drivers.

The MySQL provider decodes DATETIME, DATE and TIME columns with decoders of its own
(pony/orm/dbproviders/mysql/decoders.py) in place of the drivers' slower ones; these tests check
that every column type still round-trips to the same value, microseconds included, through
PyMySQL and mysqlclient (``bind(..., driver=...)``), and that values the fast decoders refuse
(zero dates, written here in a non-strict session) come back exactly as the driver's own
decoders give them. mysqlclient tests are skipped where it is not installed.
"""

from __future__ import annotations

import importlib.util
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from uuid import UUID

import pytest

from pony.orm import Database, Json, LongStr, Optional, Required, db_session, select
from tests.conftest import MYSQL_DRIVERS

ROWS = [
    dict(stamp=datetime(2024, 2, 29, 23, 59, 58, 123456), stamp0=datetime(2024, 1, 2, 3, 4, 5),
         day=date(2024, 2, 29), clock=time(13, 14, 15, 1), span=timedelta(hours=-30, microseconds=5),
         amount=Decimal("12345.67"), flag=True, doc={"a": [1, 2.5, None], "b": "ü"}, blob=b"\x00\xff ab",
         code=UUID("12345678-1234-5678-1234-567812345678"), ratio=0.1, big=2**62, text="héllo ☃",
         essay="x" * 5000),
    dict(stamp=datetime(2000, 1, 1), stamp0=datetime(1999, 12, 31, 23, 59, 59), day=date(1970, 1, 1),
         clock=time(0, 0), span=timedelta(hours=838, minutes=59, seconds=59), amount=Decimal("-0.01"),
         flag=False, doc=[1, "two", {"three": 3}], blob=b"", code=UUID(int=0), ratio=-1e300, big=-(2**62),
         text="", essay=""),
    dict(stamp=datetime(2024, 5, 6, 7, 8, 9, 500000), stamp0=None, day=date(9999, 12, 31), clock=None,
         span=timedelta(0), amount=None, flag=None, doc=None, blob=None, code=None, ratio=None, big=None,
         text=None, essay=None),
    dict(stamp=datetime(2024, 5, 6, 7, 8, 9, 10), stamp0=None, day=date(1, 1, 1), clock=time(23, 59, 59, 999999),
         span=timedelta(microseconds=-1), amount=Decimal("0"), flag=None, doc={}, blob=None, code=None,
         ratio=None, big=None, text=None, essay=None),
]


def define(db):
    class Sample(db.Entity):
        stamp = Required(datetime)  # microseconds kept
        stamp0 = Optional(datetime, precision=0)
        day = Required(date)
        clock = Optional(time)
        span = Required(timedelta)
        amount = Optional(Decimal, 12, 2)
        flag = Optional(bool)
        doc = Optional(Json, nullable=True)
        blob = Optional(bytes)
        code = Optional(UUID)
        ratio = Optional(float)
        big = Optional(int, size=64)
        text = Optional(str, 40, nullable=True)
        essay = Optional(LongStr, nullable=True)


@pytest.fixture(params=MYSQL_DRIVERS)
def db(request, backend):
    return backend.make_db_through(request.param, define)


def test_every_column_type_reads_back_exactly(db):
    with db_session:
        objects = [db.Sample(**row) for row in ROWS]
    ids = [obj.id for obj in objects]
    with db_session:
        for id_, row in zip(ids, ROWS):
            obj = db.Sample[id_]
            got = {name: getattr(obj, name) for name in row}
            assert got == row
            assert type(got["stamp"]) is datetime and type(got["day"]) is date
            assert type(got["span"]) is timedelta and type(got["amount"] or Decimal(0)) is Decimal


def test_values_of_a_query_read_back_exactly(db):
    with db_session:
        for row in ROWS:
            db.Sample(**row)
    with db_session:
        got = select((s.stamp, s.stamp0, s.day, s.clock, s.span, s.amount) for s in db.Sample).order_by(1)[:]
    names = ("stamp", "stamp0", "day", "clock", "span", "amount")
    assert sorted(got) == sorted(tuple(row[n] for n in names) for row in ROWS)


def test_many_rows_keep_their_microseconds(db):
    base = datetime(2024, 3, 1, 12, 0, 0)
    stamps = [base + timedelta(microseconds=7919 * i) for i in range(300)]
    with db_session:
        for i, stamp in enumerate(stamps):
            db.Sample(stamp=stamp, day=stamp.date(), span=stamp - base, big=i)
    with db_session:
        got = select((s.big, s.stamp, s.day, s.span) for s in db.Sample).order_by(1)[:]
    assert got == [(i, stamp, stamp.date(), stamp - base) for i, stamp in enumerate(stamps)]


@pytest.fixture
def mysql_db(db):
    if db.provider.dialect != "MySQL":
        pytest.skip("zero dates and driver decoders exist on MySQL/MariaDB only")
    return db


def stock_select(db, sql: str) -> list:
    """``sql`` through a new connection of the same driver with its own stock conversions."""
    driver = db.provider.dbapi_module
    converters = importlib.import_module(f"{driver.__name__}.converters")
    con = driver.connect(**{**db.provider.connect_kwargs, "conv": dict(converters.conversions)})
    try:
        cursor = con.cursor()
        cursor.execute(sql)
        return [tuple(row) for row in cursor.fetchall()]
    finally:
        con.close()


def test_values_the_fast_decoders_refuse_come_back_as_the_driver_gives_them(mysql_db):
    db = mysql_db
    with db_session:
        db.execute("SET SESSION sql_mode = ''")  # lets zero dates in
        db.execute("INSERT INTO sample (stamp, stamp0, day, clock, span) VALUES "
                   "('0000-00-00 00:00:00', '2020-00-05 01:02:03', '0000-00-00', '-00:00:01.5', '838:59:59'), "
                   "('2024-01-02 03:04:05.000001', '2024-01-02 03:04:05', '2024-01-00', '-838:59:59', "
                   "'-12:00:00.000001')")
    sql = "SELECT stamp, stamp0, day, clock, span FROM sample ORDER BY id"
    expected = stock_select(db, sql)
    with db_session:
        got = [tuple(row) for row in db.select(sql)]
    assert got == expected
    assert got[1][0] == datetime(2024, 1, 2, 3, 4, 5, 1)
    assert got[0][3] == -timedelta(seconds=1, microseconds=500000)


def test_temporal_values_equal_the_driver_decoders_results(mysql_db):
    db = mysql_db
    with db_session:
        for row in ROWS:
            db.Sample(**row)
    sql = "SELECT stamp, stamp0, day, clock, span, amount FROM sample ORDER BY id"
    with db_session:
        assert [tuple(row) for row in db.select(sql)] == stock_select(db, sql)


def test_the_driver_is_the_one_asked_for(mysql_db, request):
    name = mysql_db.provider.dbapi_module.__name__
    assert name == {"pymysql": "pymysql", "mysqlclient": "MySQLdb"}[request.node.callspec.params["db"]]


def test_an_unknown_driver_is_refused(backend):
    if backend.name != "mysql":
        pytest.skip("the driver choice exists on MySQL/MariaDB only")
    args, kwargs = backend.bind_args
    with pytest.raises(ValueError, match="Unknown MySQL driver 'mysql-connector'"):
        Database(*args, **{**kwargs, "driver": "mysql-connector"})
