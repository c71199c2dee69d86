"""The driver side of async sessions: the greenlet bridge, DB-API faces of asyncio drivers and
the bounded async pool (the user API is ``pony.orm.aio``; see docs/async.md)."""
