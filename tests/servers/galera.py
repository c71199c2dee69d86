"""A three-node MariaDB Galera cluster on free localhost ports: separate mariadbd processes with
wsrep settings, in temp dirs (as the mysql user when we are root). The data dir is made once with
mariadb-install-db and copied to every node, so joiners need no state transfer (``skip`` SST).
Tiny settings: the machine is shared."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from tests.servers.common import (
    LOCALHOST,
    ServerUnavailable,
    free_ports,
    make_temp_dir,
    port_open,
    run,
    service_user,
    stop_process,
    wait_until,
)

GALERA_LIBRARY = "/usr/lib/galera/libgalera_smm.so"
MARIADBD = "/usr/sbin/mariadbd"
# Failure detection in seconds rather than the default tens of seconds: a killed node is evicted fast.
PROVIDER_OPTIONS = ("gcache.size=16M;evs.suspect_timeout=PT2S;evs.inactive_timeout=PT4S;"
                    "evs.keepalive_period=PT0.5S;evs.inactive_check_period=PT0.5S;evs.install_timeout=PT4S;"
                    "gmcast.peer_timeout=PT2S;pc.wait_prim_timeout=PT10S")


@dataclass
class Node:
    name: str
    port: int
    gcomm_port: int
    ist_port: int
    sst_port: int
    data: Path
    proc: subprocess.Popen | None = None


class GaleraCluster:
    """``nodes[i].port`` are the MariaDB ports; ``kill(i)`` crashes one node; ``stop()`` ends all."""

    def __init__(self, size: int = 3, cluster_name: str = "pony_test") -> None:
        self.size = size
        self.cluster_name = cluster_name
        self.base: Path | None = None
        self.nodes: list[Node] = []

    @property
    def ports(self) -> list[int]:
        return [node.port for node in self.nodes]

    def _install(self, user: str | None) -> Path:
        template = self.base / "template"
        installer = shutil.which("mariadb-install-db") or "/usr/bin/mariadb-install-db"
        args = [installer, "--no-defaults", f"--datadir={template}", "--auth-root-authentication-method=normal",
                "--skip-test-db", "--skip-name-resolve"]
        run(args + ([f"--user={user}"] if user else []), timeout=180)
        return template

    def _argv(self, node: Node, bootstrap: bool) -> list[str]:
        members = ",".join(f"{LOCALHOST}:{n.gcomm_port}" for n in self.nodes)
        argv = [MARIADBD, "--no-defaults", f"--datadir={node.data}", f"--port={node.port}",
                f"--bind-address={LOCALHOST}", f"--socket={self.base / node.name}.sock",
                f"--pid-file={self.base / node.name}.pid", f"--log-error={self.base / node.name}.err",
                "--skip-name-resolve", "--innodb-buffer-pool-size=8M", "--innodb-log-file-size=8M",
                "--performance-schema=OFF", "--max-connections=60", "--skip-log-bin",
                "--binlog-format=ROW", "--innodb-autoinc-lock-mode=2", "--innodb-flush-log-at-trx-commit=0",
                "--wsrep-on=ON", f"--wsrep-provider={GALERA_LIBRARY}", f"--wsrep-cluster-name={self.cluster_name}",
                f"--wsrep-cluster-address=gcomm://{members}", f"--wsrep-node-address={LOCALHOST}:{node.gcomm_port}",
                f"--wsrep-node-name={node.name}", "--wsrep-sst-method=rsync",
                f"--wsrep-sst-receive-address={LOCALHOST}:{node.sst_port}",
                f"--wsrep-provider-options=gmcast.listen_addr=tcp://{LOCALHOST}:{node.gcomm_port};"
                f"ist.recv_addr={LOCALHOST}:{node.ist_port};{PROVIDER_OPTIONS}"]
        if self.user:
            argv.append(f"--user={self.user}")
        if bootstrap:
            argv.append("--wsrep-new-cluster")
        return argv

    def _launch(self, node: Node, bootstrap: bool) -> None:
        node.proc = subprocess.Popen(self._argv(node, bootstrap), stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, start_new_session=True)

    def _wait_ready(self, node: Node, cluster_size: int) -> None:
        def ready() -> bool:
            if node.proc.poll() is not None:
                raise RuntimeError(f"{node.name} exited:\n{self.error_log(node)[-3000:]}")
            return port_open(node.port) and self.status(node, "wsrep_ready") == "ON" and \
                int(self.status(node, "wsrep_cluster_size") or 0) >= cluster_size
        try:
            wait_until(ready, 60, f"Galera {node.name} to join", poll=0.3)
        except TimeoutError as exc:
            raise TimeoutError(f"{exc}; last error: {getattr(self, 'last_error', None)}") from None

    def start(self) -> GaleraCluster:
        for path in (MARIADBD, GALERA_LIBRARY):
            if not Path(path).exists():
                raise ServerUnavailable(f"{path} is missing (apt-get install mariadb-server galera-4)")
        self.user = service_user("mysql")
        self.base = make_temp_dir("pony-galera-", self.user)
        try:
            template = self._install(self.user)
            ports = free_ports(4 * self.size)  # all different: MariaDB, gcomm, IST and SST of each node
            for i in range(self.size):
                node = Node(f"node{i + 1}", *ports[4 * i:4 * i + 4], self.base / f"node{i + 1}")
                shutil.copytree(template, node.data, symlinks=True)
                if self.user:
                    run(["chown", "-R", f"{self.user}:{self.user}", str(node.data)])
                self.nodes.append(node)
            self._launch(self.nodes[0], bootstrap=True)
            self._wait_ready(self.nodes[0], 1)
            for node in self.nodes[1:]:
                self._launch(node, bootstrap=False)
            for node in self.nodes[1:]:
                self._wait_ready(node, self.size)
        except BaseException:
            self.stop()
            raise
        return self

    def connect(self, index: int, **kwargs: object) -> object:
        import pymysql
        return pymysql.connect(host=LOCALHOST, port=self.nodes[index].port, user="root", password="",
                               autocommit=True, connect_timeout=5, **kwargs)

    def status(self, node: Node, name: str) -> str | None:
        try:
            con = self.connect(self.nodes.index(node))
        except Exception as exc:  # not accepting connections yet
            self.last_error = exc
            return None
        try:
            cursor = con.cursor()
            cursor.execute("SHOW STATUS LIKE %s", (name,))
            row = cursor.fetchone()
            return row[1] if row else None
        finally:
            con.close()

    def error_log(self, node: Node) -> str:
        path = self.base / f"{node.name}.err" if self.base else None
        return path.read_text(errors="replace") if path and path.exists() else ""

    def kill(self, index: int) -> None:
        """Crash node ``index`` (SIGKILL): no goodbye to the cluster."""
        node = self.nodes[index]
        if node.proc is not None and node.proc.poll() is None:
            node.proc.send_signal(signal.SIGKILL)
            node.proc.wait(10)

    def stop(self) -> None:
        for node in reversed(self.nodes):
            stop_process(node.proc, timeout=20)
            node.proc = None
        keep = os.environ.get("PONY_GALERA_LOGS")
        if keep and self.base is not None:
            for log in self.base.glob("*.err"):
                shutil.copy(log, Path(keep) / log.name)
        self.nodes.clear()
        if self.base is not None:
            shutil.rmtree(self.base, ignore_errors=True)
            self.base = None

    def __enter__(self) -> GaleraCluster:
        return self.start()

    def __exit__(self, exc_type: type | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()
