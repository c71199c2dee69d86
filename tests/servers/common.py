"""What the server helpers share: free ports, running commands as a service user, waiting."""

from __future__ import annotations

import os
import pwd
import random
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

LOCALHOST = "127.0.0.1"
IN_CI = os.environ.get("CI", "").lower() == "true"


class ServerUnavailable(RuntimeError):
    """The server program is not installed (tests skip, or fail under CI=true)."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    return free_ports(1)[0]


def free_ports(count: int) -> list[int]:
    """``count`` different free ports: every socket stays bound until all are chosen (ports
    taken one by one may come back twice, and a server then fails to bind its second one).

    They are picked below the kernel's ephemeral range where it leaves room: a port from that
    range (what binding port 0 gives) can be taken as the local end of an outgoing connection,
    a cluster node's own, in the moment before the server binds it."""
    low, high = _ports_below_ephemeral()
    rng = random.Random()
    sockets: list[socket.socket] = []
    ports: list[int] = []
    try:
        while len(ports) < count:
            sock = socket.socket()
            sockets.append(sock)
            port = rng.randrange(low, high) if high > low else 0
            try:
                sock.bind((LOCALHOST, port))
            except OSError:  # in use: try another
                continue
            port = sock.getsockname()[1]
            if port not in ports:
                ports.append(port)
        return ports
    finally:
        for sock in sockets:
            sock.close()


def _ports_below_ephemeral() -> tuple[int, int]:
    """A range of ports below the ephemeral range (Linux: ip_local_port_range), or (0, 0)."""
    try:
        first = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0, 0
    return (20000, first) if first > 21000 else (0, 0)


def port_open(port: int, host: str = LOCALHOST) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def wait_until(check: Callable[[], bool], timeout: float, what: str, poll: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(poll)
    raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}")


def service_user(name: str) -> str | None:
    """``name`` when running as root (servers refuse to run as root), else None (run as ourselves)."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(name)
    except KeyError as exc:
        raise ServerUnavailable(f"user {name!r} does not exist") from exc
    return name


def as_user(user: str | None, argv: Sequence[str]) -> list[str]:
    """``argv`` run as ``user`` (through runuser when we are root)."""
    if user is None:
        return list(argv)
    return ["runuser", "-u", user, "--", *argv]


def make_temp_dir(prefix: str, user: str | None) -> Path:
    path = Path(tempfile.mkdtemp(prefix=prefix))
    if user is not None:
        shutil.chown(path, user, user)
    path.chmod(0o700)
    return path


def run(argv: Sequence[str], timeout: float = 120) -> str:
    """Run a set-up command; its output in the error when it fails."""
    result = subprocess.run(list(argv), capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result.stdout


def stop_process(proc: subprocess.Popen | None, timeout: float = 10) -> None:
    """SIGTERM to the process group (started with ``start_new_session``: runuser and the server
    under it), then SIGKILL after ``timeout`` seconds."""
    if proc is None:
        return
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout)
            return
        except subprocess.TimeoutExpired:
            continue


def start_or_skip(start: Callable[[], object]) -> object:
    """``start()``; a missing server program skips the tests with a loud reason (fails under CI=true)."""
    import pytest
    try:
        return start()
    except ServerUnavailable as exc:
        message = f"!!! SKIPPED: {exc}"
        print("\n" + message)
        if IN_CI:
            pytest.fail(f"{exc} (CI=true: the make target installs it)")
        pytest.skip(message)
