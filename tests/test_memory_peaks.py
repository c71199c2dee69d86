"""Peak memory of a big result against the raw driver, per backend.

bench/memory_1m.py reads the same SELECT four ways, each in a fresh subprocess, and reports the
peak resident set and its growth over the baseline taken after imports, connecting and a
warm-up query (so interpreter and library noise cancels out):

- plain iteration (``for p in Entity.select()``) must stay within 2x the growth of the raw
  driver's ``fetchall`` that keeps its rows;
- ``stream(batch_size)`` must stay within 1.2x of the raw driver's own streaming loop (peak RSS),
  and its growth must not follow the size of the result.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from soak import size

from tests.conftest import MYSQL_DRIVERS, skip_unless_driver_applies

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MB = 1.0


def run_bench(backend, rows, driver=None):
    args, kwargs = backend.bind_args
    if driver is not None:
        kwargs = {**kwargs, "driver": driver}
    command = [sys.executable, os.path.join(ROOT, "bench", "memory_1m.py"), "--rows", str(rows),
               "--db", backend.name, "--bind-json", json.dumps([list(args), kwargs]), "--json"]
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=900, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(params=MYSQL_DRIVERS)
def driver(request, backend):
    """On MySQL/MariaDB both drivers (mysqlclient reads plain queries on an unbuffered cursor);
    elsewhere the one driver, once."""
    skip_unless_driver_applies(backend.name, request.param)
    return None if request.param == "default" else request.param


def test_big_result_peaks_against_the_raw_driver(backend, driver, record_property):
    rows = size(200_000, 1_000_000)
    summary = run_bench(backend, rows, driver)
    results = summary["results"]
    raw, raw_stream = results["raw_fetchall"], results["raw_stream"]
    plain, stream = results["orm_plain"], results["orm_stream"]
    for name, r in results.items():
        record_property(f"{name}_growth_mb", round(r["growth_mb"], 1))
        assert r["count"] == rows, name
    # the raw fetchall really holds the rows (else the ratios below mean nothing)
    assert raw["growth_mb"] > rows * 100 / 2**20
    assert plain["growth_mb"] <= 2 * raw["growth_mb"], summary
    assert stream["peak_mb"] <= 1.2 * raw_stream["peak_mb"], summary
    # a batch of objects more than the raw loop holds, nothing that grows with the result
    assert stream["growth_mb"] <= 1.2 * raw_stream["growth_mb"] + 3 * MB, summary
    assert stream["growth_mb"] <= 0.1 * raw["growth_mb"], summary
