"""Running at scale (docs/scale-out.md): read replicas, fail-over node lists and pool limits.

Bind options handled here (``Database.bind`` passes them on):

- ``replicas=[...]``: servers that serve reads; each item is a dict of bind arguments that
  differ from the primary's (``{"port": 5433}``) or a connection URL. See ``ReplicaRouter``.
- ``replica_reads="readonly"`` (only ``db_session(readonly=True)`` reads from a replica) or
  ``"all"`` (also the reads of a session before its first write), ``read_your_writes=seconds``,
  ``max_replica_lag=seconds``, ``replica_retry_after=seconds``, or ``router=`` a ``ReplicaRouter``
  subclass instance for a policy of your own (Django's database routers are the model).
- ``failover=[...]``: other nodes of a multi-primary cluster (Galera) to connect to, in order,
  when the bound one does not answer (dicts of differing bind arguments, or URLs).
"""

from __future__ import annotations

import itertools
import threading
import time
import warnings
from collections.abc import Callable, Sequence
from typing import Any

from . import errors
from .dbproviders.base.pool_limit import PoolExhaustedError
from .log import log_orm

__all__ = ["PoolExhaustedError", "ReplicaRouter", "FailoverOpener", "ROUTING_OPTIONS"]

ROUTING_OPTIONS = ("replicas", "replica_reads", "read_your_writes", "max_replica_lag", "replica_retry_after",
                   "router", "failover")
REPLICA_READS = ("readonly", "all")


def _number(value: Any, name: str, allow_none: bool = False) -> float | None:
    if value is None and allow_none:
        return None
    if isinstance(value, str):  # from a URL's query
        try:
            value = float(value)
        except ValueError:
            pass
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise TypeError(f"{name!r} must be a number of seconds >= 0. Got: {value!r}")
    return float(value)


def server_arguments(item: Any, args: tuple, kwargs: dict, option: str,
                     providers: Sequence[str] = ()) -> tuple[tuple, dict]:
    """Bind arguments of one replica/fail-over node: the primary's with ``item``'s changes."""
    from . import urls
    if isinstance(item, str):
        url_args, url_kwargs = urls.bind_arguments((item,), {}, providers)
        url_kwargs.pop("provider", None)
        return tuple(url_args[1:]) if url_args else (), url_kwargs
    if not isinstance(item, dict):
        raise TypeError(f"Each item of {option!r} must be a dict of bind arguments or a URL. Got: {item!r}")
    return args, {**kwargs, **item}


class ReplicaRouter:
    """Chooses the server a session reads from: a replica (round robin among those that answer) or
    the primary. Writes, reads inside a writing transaction and reads within ``read_your_writes``
    seconds of this thread's last commit go to the primary; a replica that fails to connect is
    skipped (with a ``PonyRuntimeWarning``) for ``retry_after`` seconds, then tried again."""

    def __init__(self, replica_reads: str = "readonly", read_your_writes: float = 0.0,
                 max_replica_lag: float | None = None, retry_after: float = 5.0) -> None:
        if replica_reads not in REPLICA_READS:
            raise TypeError(f"'replica_reads' must be one of {', '.join(REPLICA_READS)}. Got: {replica_reads!r}")
        self.replica_reads = replica_reads
        self.read_your_writes = _number(read_your_writes, "read_your_writes")
        self.max_replica_lag = _number(max_replica_lag, "max_replica_lag", allow_none=True)
        self.retry_after = _number(retry_after, "replica_retry_after")
        self.primary: Any = None
        self.replicas: list = []
        self._down_until: dict[int, float] = {}
        self._turn = itertools.count()
        self._local = threading.local()

    def attach(self, primary: Any, replicas: Sequence[Any]) -> None:
        """Called by ``bind`` with the primary's provider and one provider per replica."""
        self.primary = primary
        self.replicas = list(replicas)

    # --- the policy (override these) ----------------------------------------------------------

    def reads_from_replica(self, readonly: bool) -> bool:
        """May a session (``readonly`` or not) start reading from a replica?"""
        if not self.replicas or not (readonly or self.replica_reads == "all"):
            return False
        last_write = getattr(self._local, "last_write", None)
        return last_write is None or time.monotonic() - last_write >= self.read_your_writes

    def replica_order(self) -> list[Any]:
        """The replicas to try, in order (round robin)."""
        start = next(self._turn) % len(self.replicas)
        return self.replicas[start:] + self.replicas[:start]

    def wrote(self) -> None:
        """This thread committed a write: its reads stay on the primary for ``read_your_writes``."""
        self._local.last_write = time.monotonic()

    # --- connecting ---------------------------------------------------------------------------

    def connect_for_read(self, readonly: bool) -> tuple[Any, Any]:
        """``(provider, connection)`` for the reads of a session that has not written yet."""
        if self.reads_from_replica(readonly):
            for replica in self.replica_order():
                con = self._try_replica(replica)
                if con is not None:
                    return replica, con
        return self.primary, self.primary.connect()

    def _try_replica(self, replica: Any) -> Any:
        key = id(replica)
        if self._down_until.get(key, 0) > time.monotonic():
            return None
        try:
            con = replica.connect()
        except Exception as exc:  # any failure to connect (driver error, missing file): use the primary
            self._down_until[key] = time.monotonic() + self.retry_after
            warnings.warn(f"Replica {self.describe(replica)} is unavailable, reading from the primary "
                          f"(retried in {self.retry_after:g}s): {exc}", errors.PonyRuntimeWarning, stacklevel=2)
            return None
        if self.max_replica_lag is not None:
            lag = replica.replication_lag(con)
            if lag is None or lag > self.max_replica_lag:
                log_orm(f"REPLICA {self.describe(replica)} LAGS {lag}s: READING FROM THE PRIMARY")
                replica.release(con)
                return None
        return con

    @staticmethod
    def describe(provider: Any) -> str:
        return getattr(provider, "server_label", "") or repr(provider)


class FailoverOpener:
    """Opens a connection to the first node that answers, starting with the last one that did:
    the ``failover`` bind option (the providers' own ``_open`` functions, bound first)."""

    def __init__(self, openers: Sequence[Callable[[], Any]], labels: Sequence[str]) -> None:
        self.openers = list(openers)
        self.labels = list(labels)
        self.current = 0
        self.lock = threading.Lock()

    def __call__(self) -> Any:
        start = self.current
        failures = []
        for step in range(len(self.openers)):
            index = (start + step) % len(self.openers)
            try:
                con = self.openers[index]()
            except Exception as exc:  # a driver error: this node does not answer, try the next
                failures.append(f"{self.labels[index]}: {exc}")
                continue
            if index != start:
                log_orm(f"FAILOVER TO {self.labels[index]}")
                with self.lock:
                    self.current = index
            return con
        raise errors.OperationalError(None, "No node of the failover list answers: " + "; ".join(failures))


def split_options(kwargs: dict) -> dict:
    """Take the routing options out of ``bind``'s keyword arguments."""
    return {name: kwargs.pop(name) for name in ROUTING_OPTIONS if name in kwargs}


def _label(kwargs: dict) -> str:
    host = kwargs.get("host", "")
    port = kwargs.get("port", "")
    return f"{host}:{port}" if host or port else str(kwargs.get("filename") or kwargs.get("dsn") or "server")


def _server_list(value: Any, option: str) -> list:
    if not isinstance(value, (list, tuple)) or not value:
        raise TypeError(f"{option!r} must be a non-empty list of dicts of bind arguments or URLs. Got: {value!r}")
    return list(value)


def configure(database: Any, make_provider: Callable[..., Any], args: tuple, kwargs: dict, options: dict,
              providers: Sequence[str]) -> ReplicaRouter | None:
    """Apply the routing ``options`` to ``database.provider`` (bound with ``args``/``kwargs``):
    fail-over nodes, replica providers and their router (returned)."""
    primary = database.provider
    primary.server_label = _label(kwargs)
    if "failover" in options:
        nodes = [server_arguments(item, args, kwargs, "failover", providers)
                 for item in _server_list(options["failover"], "failover")]
        node_providers = [make_provider(*a, **k) for a, k in nodes]
        # Each pool's own connect function (thread-independent: it reads the pool's arguments).
        openers = [primary.pool.connect_func] + [p.pool.connect_func for p in node_providers]
        primary.pool.set_opener(FailoverOpener(openers, [primary.server_label] + [_label(k) for _, k in nodes]))
    replicas = options.get("replicas")
    router = options.get("router")
    if replicas is None:
        if router is not None or set(options) - {"failover"}:
            raise TypeError(f"{', '.join(sorted(set(options) - {'failover'}))} given without 'replicas'")
        return None
    if router is None:
        router = ReplicaRouter(options.get("replica_reads", "readonly"), options.get("read_your_writes", 0.0),
                               options.get("max_replica_lag"), options.get("replica_retry_after", 5.0))
    elif not isinstance(router, ReplicaRouter):
        raise TypeError(f"'router' must be a pony.orm.routing.ReplicaRouter. Got: {router!r}")
    replica_providers = []
    for item in _server_list(replicas, "replicas"):
        replica_args, replica_kwargs = server_arguments(item, args, kwargs, "replicas", providers)
        replica = make_provider(*replica_args, **replica_kwargs)
        replica.server_label = _label(replica_kwargs)
        replica_providers.append(replica)
    router.attach(primary, replica_providers)
    return router
