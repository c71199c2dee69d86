"""pytest plugin for ``make mutate``: records which test executed each line (coverage contexts).

Loaded with ``-p mutate_contexts`` under ``coverage run``; every setup, call and teardown phase runs
under the context of its test's node id, so the coverage data can say which tests reach a mutated
line. Lines run while modules are imported or collected keep the empty context.
"""

from __future__ import annotations

from collections.abc import Iterator

import coverage
import pytest


def _switch(name: str) -> None:
    current = coverage.Coverage.current()
    if current is not None:
        current.switch_context(name)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """Run the whole protocol of ``item`` (setup, call, teardown) under its node id."""
    _switch(item.nodeid)
    yield
    _switch("")
