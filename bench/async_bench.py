"""Async sessions, measured in a few seconds per database (not a test: nothing is asserted).

    python bench/async_bench.py [--db sqlite,postgres,mysql] [--sqlalchemy-python PATH]

Per database: 20 concurrent tasks each running a 100 ms server-side sleep (SQLite: one CPU-heavy
query in a task), the largest gap of a 5 ms asyncio ticker meanwhile, 20 concurrent read-modify-write
increments of one row under ``db_session(retry=30)``, and get-by-primary-key throughput of
async sessions next to synchronous ones (and to SQLAlchemy's asyncio, run by the python of a venv
that has sqlalchemy, greenlet and the async drivers, when ``--sqlalchemy-python`` is given).
Connection settings: the PONY_PG_* / PONY_MYSQL_* variables of tests/conftest.py.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time

TASKS = 20
GETS = 2000  # sessions (each one get by primary key) per throughput run
CONCURRENCY = 50  # tasks at once in the async throughput run


def bind_args(name: str, tmpdir: str) -> tuple[tuple, dict]:
    if name == "sqlite":
        return ("sqlite", os.path.join(tmpdir, "bench.sqlite")), {"create_db": True}
    if name == "postgres":
        kwargs = dict(host=os.environ.get("PONY_PG_HOST", "127.0.0.1"), port=int(os.environ.get("PONY_PG_PORT", 5432)),
                      user=os.environ.get("PONY_PG_USER", "postgres"),
                      database=os.environ.get("PONY_PG_DATABASE", "test"))
        if os.environ.get("PONY_PG_PASSWORD"):
            kwargs["password"] = os.environ["PONY_PG_PASSWORD"]
        return ("postgres",), kwargs
    return ("mysql",), dict(host=os.environ.get("PONY_MYSQL_HOST", "127.0.0.1"),
                            port=int(os.environ.get("PONY_MYSQL_PORT", 3306)),
                            user=os.environ.get("PONY_MYSQL_USER", "root"),
                            password=os.environ.get("PONY_MYSQL_PASSWORD", ""),
                            database=os.environ.get("PONY_MYSQL_DATABASE", "test"))


def sleep_sql(name: str) -> str:
    if name == "postgres":
        return "SELECT pg_sleep(0.1)"
    if name == "mysql":
        return "SELECT SLEEP(0.1)"
    return "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000) SELECT count(*) FROM c"


def make_db(name: str, tmpdir: str):
    from pony.orm import Database, Required, db_session

    db = Database()

    class AsyncBenchRow(db.Entity):
        name = Required(str)
        value = Required(int)

    args, kwargs = bind_args(name, tmpdir)
    db.bind(*args, **kwargs)
    db.generate_mapping(create_tables=True)
    with db_session:
        AsyncBenchRow.select().delete(bulk=True)
        for i in range(100):
            AsyncBenchRow(name=f"row{i}", value=0)
    return db, AsyncBenchRow


async def ticker(gaps: list, stop: asyncio.Event) -> None:
    last = time.perf_counter()
    while not stop.is_set():
        await asyncio.sleep(0.005)
        now = time.perf_counter()
        gaps.append(now - last)
        last = now


async def concurrent_sleeps(db, name: str) -> tuple[float, float]:
    from pony.orm import aio, db_session

    aio.configure(db, pool_size=TASKS)
    sql = sleep_sql(name)

    @db_session
    async def one() -> None:
        db.select(sql)

    await one()  # opens a first connection and warms the query up
    gaps: list = []
    stop = asyncio.Event()
    tick = asyncio.create_task(ticker(gaps, stop))
    await asyncio.sleep(0.01)
    started = time.perf_counter()
    # SQLite has no server to wait for: one CPU-heavy query runs in a worker thread, and more of
    # them at once would only measure the machine's cores.
    await asyncio.gather(*[one() for _ in range(1 if name == "sqlite" else TASKS)])
    elapsed = time.perf_counter() - started
    stop.set()
    await tick
    return elapsed, max(gaps)


async def increments(db, Row) -> int:
    from pony.orm import db_session

    @db_session(retry=30)
    async def increment() -> None:
        row = Row[1]
        await asyncio.sleep(0.001)
        row.value += 1

    await asyncio.gather(*[increment() for _ in range(TASKS)])

    @db_session
    async def read() -> int:
        return Row[1].value

    return await read()


async def async_gets(db, Row) -> float:
    from pony.orm import db_session

    @db_session
    async def get(i: int) -> str:
        return Row[1 + i % 100].name

    queue = iter(range(GETS))

    async def worker() -> None:
        for i in queue:
            await get(i)

    await asyncio.gather(*[get(i) for i in range(20)])  # warm-up
    started = time.perf_counter()
    await asyncio.gather(*[worker() for _ in range(CONCURRENCY)])
    return GETS / (time.perf_counter() - started)


def sync_gets(Row) -> float:
    from pony.orm import db_session

    for i in range(20):
        with db_session:
            _ = Row[1 + i % 100].name
    started = time.perf_counter()
    for i in range(GETS):
        with db_session:
            _ = Row[1 + i % 100].name
    return GETS / (time.perf_counter() - started)


SQLALCHEMY_CHILD = r'''
import asyncio, json, sys, time
from sqlalchemy import Integer, String, select
from sqlalchemy.ext.asyncio import create_async_engine, async_sessionmaker
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
url, gets, concurrency = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
class Base(DeclarativeBase): pass
class Row(Base):
    __tablename__ = "asyncbenchrow"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    value: Mapped[int] = mapped_column(Integer)
async def main():
    engine = create_async_engine(url, pool_size=10)
    Session = async_sessionmaker(engine, expire_on_commit=False)
    async def get(i):
        async with Session() as session:
            return (await session.get(Row, 1 + i % 100)).name
    queue = iter(range(gets))
    async def worker():
        for i in queue:
            await get(i)
    await asyncio.gather(*[get(i) for i in range(20)])
    started = time.perf_counter()
    await asyncio.gather(*[worker() for _ in range(concurrency)])
    rate = gets / (time.perf_counter() - started)
    await engine.dispose()
    print(json.dumps(rate))
asyncio.run(main())
'''


def sqlalchemy_gets(python: str, name: str, tmpdir: str) -> float | None:
    args, kwargs = bind_args(name, tmpdir)
    if name == "sqlite":
        url = f"sqlite+aiosqlite:///{args[1]}"
    elif name == "postgres":
        password = f":{kwargs['password']}" if kwargs.get("password") else ""
        url = f"postgresql+psycopg://{kwargs['user']}{password}@{kwargs['host']}:{kwargs['port']}/{kwargs['database']}"
    else:
        url = (f"mysql+aiomysql://{kwargs['user']}:{kwargs['password']}@{kwargs['host']}:{kwargs['port']}/"
               f"{kwargs['database']}")
    result = subprocess.run([python, "-c", SQLALCHEMY_CHILD, url, str(GETS), str(CONCURRENCY)],
                            capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        print(f"  sqlalchemy failed: {result.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
        return None
    return json.loads(result.stdout)


def run(name: str, sqlalchemy_python: str | None) -> dict:
    with tempfile.TemporaryDirectory() as tmpdir:
        db, Row = make_db(name, tmpdir)

        async def main() -> dict:
            elapsed, gap = await concurrent_sleeps(db, name)
            final = await increments(db, Row)
            rate = await async_gets(db, Row)
            return {"sleeps_s": round(elapsed, 3), "max_tick_gap_ms": round(gap * 1000, 1),
                    "increments_final": final, "async_gets_per_s": round(rate)}

        result = {"db": name, **asyncio.run(main()), "sync_gets_per_s": round(sync_gets(Row))}
        if sqlalchemy_python:
            rate = sqlalchemy_gets(sqlalchemy_python, name, tmpdir)
            result["sqlalchemy_async_gets_per_s"] = None if rate is None else round(rate)
        with __import__("pony.orm").orm.db_session:
            Row.select().delete(bulk=True)
        db.drop_all_tables(with_all_data=True)
        db.disconnect()
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="sqlite,postgres,mysql")
    parser.add_argument("--sqlalchemy-python", default=None,
                        help="python of a venv with sqlalchemy, greenlet, psycopg, aiomysql, aiosqlite")
    options = parser.parse_args()
    for name in options.db.split(","):
        print(json.dumps(run(name.strip(), options.sqlalchemy_python)), flush=True)


if __name__ == "__main__":
    main()
