"""A PgBouncer in transaction pooling mode on a free localhost port, in front of a PostgreSQL server.

    with PgBouncer(backend_port=5432) as bouncer:
        psycopg.connect(host="127.0.0.1", port=bouncer.port, ...)

Run as a script, it starts one and runs a command with PONY_PG_PORT pointing at it:
    python tests/servers/pgbouncer.py -- python -m pytest ...
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from types import TracebackType

if __package__ in (None, ""):  # run as a script
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.servers.common import (
    LOCALHOST,
    ServerUnavailable,
    as_user,
    free_port,
    make_temp_dir,
    port_open,
    service_user,
    stop_process,
    wait_until,
)


def pgbouncer_binary() -> str:
    for candidate in (shutil.which("pgbouncer"), "/usr/sbin/pgbouncer"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise ServerUnavailable("pgbouncer is not installed (apt-get install pgbouncer; `make test-pgbouncer` does it)")


class PgBouncer:
    """One pgbouncer process; ``start()`` / ``stop()`` or a ``with`` block."""

    def __init__(self, backend_host: str = LOCALHOST, backend_port: int = 5432, user: str = "postgres",
                 pool_mode: str = "transaction", pool_size: int = 20) -> None:
        self.backend_host = backend_host
        self.backend_port = backend_port
        self.user = user
        self.pool_mode = pool_mode
        self.pool_size = pool_size
        self.port = 0
        self.dir: Path | None = None
        self.proc: subprocess.Popen | None = None

    def _write_config(self) -> Path:
        assert self.dir is not None
        (self.dir / "users.txt").write_text(f'"{self.user}" ""\n')
        config = self.dir / "pgbouncer.ini"
        config.write_text("\n".join([
            "[databases]",
            f"* = host={self.backend_host} port={self.backend_port}",
            "[pgbouncer]",
            f"listen_addr = {LOCALHOST}",
            f"listen_port = {self.port}",
            "unix_socket_dir =",
            "auth_type = trust",
            f"auth_file = {self.dir / 'users.txt'}",
            f"pool_mode = {self.pool_mode}",
            f"default_pool_size = {self.pool_size}",
            "max_client_conn = 500",
            "server_reset_query =",
            "server_login_retry = 1",
            "log_connections = 0",
            "log_disconnections = 0",
            f"admin_users = {self.user}",
            "ignore_startup_parameters = extra_float_digits,options",
            f"logfile = {self.dir / 'pgbouncer.log'}",
            f"pidfile = {self.dir / 'pgbouncer.pid'}",
            "",
        ]))
        return config

    def start(self) -> PgBouncer:
        binary = pgbouncer_binary()
        run_as = service_user("postgres")
        self.dir = make_temp_dir("pony-pgbouncer-", run_as)
        self.port = free_port()
        config = self._write_config()
        if run_as is not None:
            shutil.chown(config, run_as, run_as)
        self.proc = subprocess.Popen(as_user(run_as, [binary, str(config)]), stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, start_new_session=True)
        try:
            wait_until(lambda: port_open(self.port) or self.proc.poll() is not None, 15, "pgbouncer")
            if self.proc.poll() is not None:
                raise RuntimeError(f"pgbouncer exited: {self.proc.stderr.read().decode(errors='replace')}"
                                   f"\n{self.log()}")
        except BaseException:
            self.stop()
            raise
        return self

    def log(self) -> str:
        path = self.dir / "pgbouncer.log" if self.dir else None
        return path.read_text(errors="replace") if path and path.exists() else ""

    def stop(self) -> None:
        stop_process(self.proc)
        self.proc = None
        keep = os.environ.get("PONY_PGBOUNCER_LOG")
        if keep and self.dir is not None:
            Path(keep).write_text(self.log())
        if self.dir is not None:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def __enter__(self) -> PgBouncer:
        return self.start()

    def __exit__(self, exc_type: type | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()


def main(argv: list[str]) -> int:
    """Start a PgBouncer before the PostgreSQL server of PONY_PG_HOST/PORT and run ``argv`` through it."""
    if argv and argv[0] == "--":
        argv = argv[1:]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the pgbouncer on the way out
    host = os.environ.get("PONY_PG_HOST", LOCALHOST)
    port = int(os.environ.get("PONY_PG_PORT", "5432"))
    with PgBouncer(backend_host=host, backend_port=port) as bouncer:
        print(f"pgbouncer (transaction pooling) on {LOCALHOST}:{bouncer.port} -> {host}:{port}", flush=True)
        env = dict(os.environ, PONY_PG_HOST=LOCALHOST, PONY_PG_PORT=str(bouncer.port), PONY_PG_PGBOUNCER="1")
        return subprocess.call(argv, env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
