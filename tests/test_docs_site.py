"""The documentation site (mkdocs.yml): it builds with ``mkdocs build --strict``, so a broken link
or anchor, a page left out of the navigation or an API reference entry naming nothing fails the
suite; and the API reference covers every public name of ``pony.orm``, ``pony.flask`` and the
Bottle plugin.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pony.flask
import pony.orm
from pony.orm.integration import bottle_plugin

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "docs" / "reference"
# Aliases of builtins or of another documented class, described in prose on reference/attributes.md.
ALIASES = {"buffer": "bytes", "unicode": "str", "LongUnicode": "LongStr"}


def reference_targets() -> set[str]:
    return {m[1] for page in REFERENCE.glob("*.md") for m in re.finditer(r"^::: (\S+)", page.read_text(), re.M)}


def test_reference_documents_every_public_name():
    targets = reference_targets()
    public = [f"pony.orm.{name}" for name in pony.orm.__all__ if name != "pony" and name not in ALIASES]
    public += [f"pony.flask.{name}" for name in pony.flask.__all__]
    public += [f"{bottle_plugin.__name__}.{name}" for name in bottle_plugin.__all__]
    assert [name for name in public if name not in targets] == []
    attributes_page = (REFERENCE / "attributes.md").read_text()
    assert all(f"`{alias}`" in attributes_page for alias in ALIASES)


def test_site_builds_in_strict_mode(tmp_path):
    site = tmp_path / "site"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(ROOT))
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-d", str(site)],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    # the guide's index is the home page, and the reference holds text taken from docstrings
    assert "Pony ORM user guide" in (site / "index.html").read_text()
    reference = (site / "reference" / "database.html").read_text()
    assert "generate_mapping" in reference and "Map the declared entities to tables" in reference
