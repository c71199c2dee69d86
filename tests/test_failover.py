"""``bind(..., failover=[...])``: a new connection goes to the first node that answers."""

from __future__ import annotations

import pytest

from pony.orm import Database, OperationalError, Required, db_session, select
from tests.servers.common import free_port


def define(db: Database) -> None:
    class Item(db.Entity):
        name = Required(str)


def keywords(backend) -> tuple[dict, dict]:
    """The backend's bind keywords, and the changes that make them point at nothing."""
    args, kwargs = backend.bind_args
    if backend.name == "sqlite":
        return {"provider": "sqlite", "filename": args[1], **kwargs}, \
            {"filename": str(backend.tmp_path / "missing.sqlite"), "create_db": False}
    return {"provider": args[0], **kwargs}, {"port": free_port()}


def test_the_next_node_serves_when_the_bound_one_is_down(backend):
    good, down = keywords(backend)
    working = {k: v for k, v in good.items() if k != "provider"}
    db = Database()
    define(db)
    db.bind(**{**good, **down}, failover=[down, working])
    backend.databases.append(db)
    db.generate_mapping(create_tables=True)
    with db_session:
        db.Item(name="saved")
    with db_session:
        assert [i.name for i in select(i for i in db.Item)] == ["saved"]
    opener = db.provider.pool.opener
    assert opener.current == 2  # the third entry answered, and new connections start there


def test_no_node_answering_is_one_clear_error(backend):
    good, down = keywords(backend)
    with pytest.raises(OperationalError, match="No node of the failover list answers: "):
        Database(**{**good, **down}, failover=[down])
    with pytest.raises(TypeError, match="'failover' must be a non-empty list"):
        Database(**good, failover={"port": 1})
