"""The user guide (docs/*.md) runs: every ```python block of a page is executed, in order, in one
namespace, and where a block is followed by an ```output block, what it printed must match.

A page runs on SQLite; a page holding ``<!-- doc-test: all-backends -->`` runs on every backend
(its ``db.bind(...)`` calls are sent to the test backend). ``<!-- doc-test: requires NAME -->``
just before a block skips that block when module NAME is not installed (the rest still runs).

``python tests/test_docs.py --update`` rewrites the output blocks from a run on SQLite.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import linecache
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"
FENCE = re.compile(r"(?:<!-- doc-test: requires (?P<requires>[\w.]+) -->\n)?```(?P<lang>\w*)\n(?P<body>.*?)^```",
                   re.S | re.M)
ALL_BACKENDS_MARK = "<!-- doc-test: all-backends -->"


@dataclass
class Block:
    lang: str
    body: str
    start: int  # offsets of the body in the page, for --update
    end: int
    requires: str | None = None


def blocks(text: str) -> list[Block]:
    return [Block(m["lang"], m["body"], m.start("body"), m.end("body"), m["requires"]) for m in FENCE.finditer(text)]


def pages() -> list[Path]:
    return sorted(DOCS.glob("*.md"))


def normalized(text: str) -> str:
    """Trailing spaces (show() pads its cells) and trailing blank lines do not count."""
    return "\n".join(line.rstrip() for line in text.rstrip().splitlines())


def run_page(path: Path, bind_to=None) -> list[tuple[Block, str, Block | None]]:
    """Run a page's python blocks; returns (block, printed output, the output block after it)."""
    from pony.orm import Database

    found = blocks(path.read_text())
    namespace: dict = {"__name__": f"docs_{path.stem.replace('-', '_')}"}
    results = []
    original_bind = Database.bind

    def bind(self, *args, **kwargs):
        return bind_to(self, original_bind)

    with contextlib.ExitStack() as stack:
        if bind_to is not None:
            Database.bind = bind
            stack.callback(setattr, Database, "bind", original_bind)
        for i, block in enumerate(found):
            if block.lang != "python":
                continue
            if block.requires and importlib.util.find_spec(block.requires) is None:
                continue
            filename = f"<docs/{path.name} block {i}>"
            linecache.cache[filename] = (len(block.body), None, block.body.splitlines(True), filename)
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                exec(compile(block.body, filename, "exec"), namespace)
            following = found[i + 1] if i + 1 < len(found) and found[i + 1].lang == "output" else None
            results.append((block, out.getvalue(), following))
    return results


def check_page(path: Path, bind_to=None) -> None:
    ran = run_page(path, bind_to)
    assert ran, f"{path.name} has no python block"
    for block, printed, expected in ran:
        if expected is not None:
            assert normalized(printed) == normalized(expected.body), f"{path.name}: output of\n{block.body}"


PAGES = [p.name for p in pages()]
ALL_BACKEND_PAGES = [p.name for p in pages() if ALL_BACKENDS_MARK in p.read_text()]


def test_guide_has_the_promised_pages():
    assert {"README.md", "getting-started.md", "entities-and-relationships.md", "queries.md",
            "transactions-and-sessions.md", "integrations.md", "compatibility.md"} <= set(PAGES)


def test_index_links_every_page():
    index = (DOCS / "README.md").read_text()
    for name in PAGES:
        if name != "README.md":
            assert f"]({name})" in index, name


@pytest.mark.parametrize("page", [p for p in PAGES if p not in ALL_BACKEND_PAGES and p != "README.md"])
def test_page_runs_on_sqlite(page):
    check_page(DOCS / page)


@pytest.mark.parametrize("page", ALL_BACKEND_PAGES)
def test_page_runs_on_every_backend(backend, page):
    args, kwargs = backend.bind_args

    def bind_to(db, original_bind):
        result = original_bind(db, *args, **kwargs)
        backend.databases.append(db)
        return result

    check_page(DOCS / page, bind_to)


def update() -> None:
    """Rewrite every output block with what its python block prints on SQLite."""
    for path in pages():
        text = path.read_text()
        replacements = [(expected.start, expected.end, printed.rstrip() + "\n")
                        for _, printed, expected in run_page(path) if expected is not None]
        for start, end, new in sorted(replacements, reverse=True):
            text = text[:start] + new + text[end:]
        path.write_text(text)
        print(f"updated {path.name}: {len(replacements)} output blocks")


if __name__ == "__main__":
    if sys.argv[1:] == ["--update"]:
        update()
