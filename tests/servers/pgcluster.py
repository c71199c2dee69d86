"""A PostgreSQL primary with a streaming replica, both our own: initdb on free localhost ports in a
temp dir (as the postgres user when we are root), the replica made with ``pg_basebackup -R``.
The machine's main cluster is never touched. Tiny settings: the machine is shared."""

from __future__ import annotations

import glob
import shutil
from pathlib import Path
from types import TracebackType

from tests.servers.common import LOCALHOST, ServerUnavailable, as_user, free_ports, make_temp_dir, run, service_user

SETTINGS = {
    "listen_addresses": f"'{LOCALHOST}'",
    "shared_buffers": "'16MB'",
    "max_connections": "40",
    "wal_level": "replica",
    "max_wal_senders": "4",
    "hot_standby": "on",
    "fsync": "off",
    "full_page_writes": "off",
    "max_worker_processes": "2",
    "autovacuum": "off",
    "wal_receiver_status_interval": "1s",
}


def postgres_bin_dir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb")) or [shutil.which("initdb") or ""]
    if not found[-1]:
        raise ServerUnavailable("PostgreSQL server programs (initdb, pg_ctl, pg_basebackup) are not installed")
    return Path(found[-1]).parent


class PgCluster:
    """``primary_port`` and ``replica_port`` are set by ``start()``; ``stop()`` removes everything."""

    def __init__(self) -> None:
        self.base: Path | None = None
        self.primary_port = 0
        self.replica_port = 0
        self.started: list[Path] = []

    def _pg(self, program: str, *args: str) -> str:
        return run(as_user(self.user, [str(self.bin / program), *args]))

    def _configure(self, data: Path, port: int) -> None:
        lines = [f"{name} = {value}" for name, value in SETTINGS.items()]
        lines += [f"port = {port}", f"unix_socket_directories = '{self.base}'"]
        with open(data / "postgresql.conf", "a") as conf:
            conf.write("\n".join(lines) + "\n")

    def _start(self, data: Path) -> None:
        self._pg("pg_ctl", "-D", str(data), "-l", str(data.parent / f"{data.name}.log"), "-w", "-t", "60", "start")
        self.started.append(data)

    def start(self) -> PgCluster:
        self.bin = postgres_bin_dir()
        self.user = service_user("postgres")
        self.base = make_temp_dir("pony-pgcluster-", self.user)
        try:
            primary, replica = self.base / "primary", self.base / "replica"
            self._pg("initdb", "-D", str(primary), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                     "--locale=C", "--no-sync")
            self.primary_port, self.replica_port = free_ports(2)
            self._configure(primary, self.primary_port)
            self._start(primary)
            self._pg("pg_basebackup", "-h", LOCALHOST, "-p", str(self.primary_port), "-U", "postgres",
                     "-D", str(replica), "-R", "-X", "stream", "--no-sync")
            with open(replica / "postgresql.conf", "a") as conf:
                conf.write(f"port = {self.replica_port}\n")
            self._start(replica)
        except BaseException:
            self.stop()
            raise
        return self

    def stop_replica(self) -> None:
        """Stop the replica at once (a crashed server), leaving the primary up."""
        replica = self.base / "replica" if self.base else None
        if replica in self.started:
            self._pg("pg_ctl", "-D", str(replica), "-m", "immediate", "-w", "stop")
            self.started.remove(replica)

    def stop(self) -> None:
        for data in reversed(self.started):
            try:
                self._pg("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")
            except Exception:  # already gone: nothing to stop
                pass
        self.started.clear()
        if self.base is not None:
            shutil.rmtree(self.base, ignore_errors=True)
            self.base = None

    def __enter__(self) -> PgCluster:
        return self.start()

    def __exit__(self, exc_type: type | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()
