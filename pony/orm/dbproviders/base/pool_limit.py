"""A per-process limit on the connections of one provider (the ``max_connections`` and
``pool_timeout`` bind options), shared by the threads of a ``Pool``.

Idle connections are registered here, so a thread that needs a connection while the limit is
reached takes one that another thread left idle (also one of a thread that has ended), or
waits up to ``timeout`` seconds for one to be released, then raises ``PoolExhaustedError``.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from ... import errors


class PoolExhaustedError(errors.OperationalError):
    """No connection became free within ``pool_timeout`` seconds (``max_connections`` reached)."""

    def __init__(self, message: str) -> None:
        super().__init__(None, message)


class ConnectionLimit:
    """At most ``max_connections`` open connections; ``timeout`` seconds to wait for one."""

    def __init__(self, max_connections: int, timeout: float) -> None:
        if not isinstance(max_connections, int) or isinstance(max_connections, bool) or max_connections < 1:
            raise TypeError(f"'max_connections' must be a positive integer. Got: {max_connections!r}")
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout < 0:
            raise TypeError(f"'pool_timeout' must be a number of seconds >= 0. Got: {timeout!r}")
        self.max_connections = max_connections
        self.timeout = float(timeout)
        self.cond = threading.Condition()
        self.open = 0
        self.idle: list = []  # connections released by their thread, oldest first
        self.waiting = 0

    def reserve(self) -> Any:
        """An idle connection to reuse, or None after counting a new one that
        the caller must open (and ``closed()`` if opening fails). Raises ``PoolExhaustedError``."""
        deadline = time.monotonic() + self.timeout
        with self.cond:
            while True:
                if self.idle:
                    return self.idle.pop()
                if self.open < self.max_connections:
                    self.open += 1
                    return None
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise PoolExhaustedError(
                        f"Connection pool exhausted: all {self.max_connections} connections (max_connections) "
                        f"were in use for {self.timeout:g}s (pool_timeout); end db_sessions sooner, raise "
                        "max_connections, or put a pooler such as PgBouncer in front of the server")
                self.waiting += 1
                try:
                    self.cond.wait(remaining)
                finally:
                    self.waiting -= 1

    def take_own(self, con: Any) -> bool:
        """Take ``con`` (this thread's idle connection) back; False if another thread took it."""
        with self.cond:
            for i, idle in enumerate(self.idle):
                if idle is con:
                    del self.idle[i]
                    return True
            return False

    def idle_again(self, con: Any) -> None:
        with self.cond:
            self.idle.append(con)
            self.cond.notify()

    def closed(self, con: Any = None) -> None:
        """A connection was closed (or failed to open): its place is free."""
        with self.cond:
            if con is not None:
                self.idle = [c for c in self.idle if c is not con]
            self.open -= 1
            self.cond.notify()

    def close_idle(self) -> list:
        """Forget every idle connection (``disconnect``); the caller closes them."""
        with self.cond:
            idle, self.idle = self.idle, []
            self.open -= len(idle)
            self.cond.notify_all()
            return idle
