"""The FastAPI recipe of docs/integrations.md, served by uvicorn on a localhost port, under
concurrent requests from an async HTTP client, on every backend."""

from __future__ import annotations

import asyncio
import re
import socket
import threading
import time
from pathlib import Path

import pytest

import pony.orm
from pony.orm import *

pytest.importorskip("greenlet")
fastapi = pytest.importorskip("fastapi")
uvicorn = pytest.importorskip("uvicorn")
httpx = pytest.importorskip("httpx")

DOC = Path(__file__).resolve().parent.parent / "docs" / "integrations.md"


def recipe_source() -> str:
    """The python block of the guide that defines the FastAPI handlers."""
    blocks = re.findall(r"```python\n(.*?)^```", DOC.read_text(), re.S | re.M)
    (block,) = [b for b in blocks if "async def create_task" in b]
    return block


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Served:
    """uvicorn serving ``app`` in a thread of its own, stopped by ``stop()``."""

    def __init__(self, app) -> None:
        self.port = free_port()
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", loop="asyncio",
                                lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.01)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        assert not self.thread.is_alive()


def server_sleep_sql(backend) -> str | None:
    return {"postgres": "SELECT pg_sleep(0.2)", "mysql": "SELECT SLEEP(0.2)"}.get(backend.name)


@pytest.fixture
def served(backend):
    def define(db):
        class Task(db.Entity):
            title = Required(str)
            done = Required(bool, default=False)

    db = backend.make_db(define)
    namespace = {name: getattr(pony.orm, name) for name in pony.orm.__all__}
    namespace.update(Task=db.Task, __name__="fastapi_recipe")
    exec(compile(recipe_source(), "<docs/integrations.md FastAPI recipe>", "exec"), namespace)
    api = fastapi.FastAPI()
    api.post("/tasks", response_model=namespace["TaskOut"])(namespace["create_task"])
    api.get("/tasks/{task_id}", response_model=namespace["TaskOut"])(namespace["get_task"])
    sleep_sql = server_sleep_sql(backend)

    @api.get("/slow")
    @db_session
    async def slow() -> dict:
        db.select(sleep_sql)
        return {"tasks": db.Task.select().count()}

    server = Served(api)
    yield db, f"http://127.0.0.1:{server.port}"
    server.stop()


def test_recipe_serves_concurrent_requests(served):
    db, base = served

    async def main():
        async with httpx.AsyncClient(base_url=base, timeout=20) as client:
            created = await asyncio.gather(*[client.post("/tasks", json={"title": f"t{i}"}) for i in range(20)])
            ids = [r.json()["id"] for r in created]
            fetched = await asyncio.gather(*[client.get(f"/tasks/{i}") for i in ids])
            missing = await client.get("/tasks/999999")
            return created, fetched, missing

    created, fetched, missing = asyncio.run(main())
    assert [r.status_code for r in created] == [200] * 20
    assert sorted(r.json()["title"] for r in fetched) == sorted(f"t{i}" for i in range(20))
    assert all(r.json()["done"] is False for r in fetched)
    assert missing.status_code == 500  # ObjectNotFound is not mapped to 404 by the recipe
    with db_session:
        assert sorted(select(t.title for t in db.Task)) == sorted(f"t{i}" for i in range(20))


def test_slow_queries_do_not_serialize_requests(backend, served):
    if server_sleep_sql(backend) is None:
        pytest.skip("needs a server-side sleep (PostgreSQL, MariaDB)")
    _, base = served

    async def main():
        async with httpx.AsyncClient(base_url=base, timeout=20) as client:
            await client.get("/slow")  # opens the first connection
            started = time.perf_counter()
            replies = await asyncio.gather(*[client.get("/slow") for _ in range(10)])
            return replies, time.perf_counter() - started

    replies, elapsed = asyncio.run(main())
    assert [r.json() for r in replies] == [{"tasks": 0}] * 10
    assert elapsed < 1.2  # ten 0.2 s queries one after another would take 2 s
