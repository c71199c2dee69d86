"""Subprocesses in the contestants' venvs, spoken to in JSON lines (see bench/child.py)."""

from __future__ import annotations

import json
import os
import selectors
import subprocess
from pathlib import Path
from typing import Any

from bench.venvs import BENCH_DIR, VENVS_DIR

CHILD = BENCH_DIR / "_child.py"
LOG_DIR = BENCH_DIR / "results" / "tmp"


class ChildDied(Exception):
    pass


class Child:
    """One subprocess: ``python -P bench/_child.py ROLE ARGS``; its stderr goes to a log file."""

    def __init__(self, python: Path, role: str, args: list[str], log_name: str) -> None:
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        self.log_path = LOG_DIR / f"{log_name}.log"
        self._log = open(self.log_path, "w")
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
        self.proc = subprocess.Popen(
            [str(python), "-P", str(CHILD), role, *args],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log, text=True,
            cwd=VENVS_DIR, env=env,
        )

    def read(self, timeout: float) -> dict[str, Any]:
        """The next answer line; ``ChildDied`` if the process ends or stays silent too long."""
        with selectors.DefaultSelector() as selector:
            selector.register(self.proc.stdout, selectors.EVENT_READ)
            if not selector.select(timeout):
                self.kill()
                raise ChildDied(f"no answer within {timeout:.0f} s (see {self.log_path})")
        line = self.proc.stdout.readline()
        if not line:
            self.proc.wait()
            raise ChildDied(f"process exited with code {self.proc.returncode}: {self.last_log_line()}")
        return json.loads(line)

    def ask(self, command: dict[str, Any], timeout: float) -> dict[str, Any]:
        try:
            self.proc.stdin.write(json.dumps(command) + "\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            raise ChildDied(f"process is gone: {self.last_log_line()}")
        return self.read(timeout)

    def last_log_line(self) -> str:
        self._log.flush()
        lines = [line for line in self.log_path.read_text(errors="replace").splitlines() if line.strip()]
        return lines[-1] if lines else f"(nothing in {self.log_path})"

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write(json.dumps({"op": "quit"}) + "\n")
                self.proc.stdin.close()
                self.proc.wait(timeout=10)
            except (BrokenPipeError, subprocess.TimeoutExpired):
                self.kill()
        self._log.close()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
