"""pytest plugin for ``make mutate``: records which test executed each line (coverage contexts).

Loaded with ``-p mutate_contexts`` under ``coverage run``; every setup, call and teardown phase runs
under the context of its test's node id, so the coverage data can say which tests reach a mutated
line. Lines run while modules are imported or collected keep the empty context. Each test's
duration goes to the JSON file named by ``MUTATE_DURATIONS`` (the mutants' timeouts come from it).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator

import coverage
import pytest

_durations: dict[str, float] = {}


def _switch(name: str) -> None:
    current = coverage.Coverage.current()
    if current is not None:
        current.switch_context(name)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """Run the whole protocol of ``item`` (setup, call, teardown) under its node id."""
    _switch(item.nodeid)
    started = time.monotonic()
    yield
    _durations[item.nodeid] = time.monotonic() - started
    _switch("")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Write the durations where the mutation script reads them."""
    path = os.environ.get("MUTATE_DURATIONS")
    if path:
        with open(path, "w", encoding="utf-8") as out:
            json.dump(_durations, out)
