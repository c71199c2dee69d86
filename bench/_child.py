"""Entry point of every subprocess: ``<venv python> -P bench/_child.py ROLE ...``.

It loads the ``bench`` package from this directory without putting the project root on
``sys.path`` (``-P`` keeps the script's directory off it too), so that in the `pony` venv
``import pony`` finds Pony 0.7.20 and not the working tree.
"""

import importlib.util
import sys
from pathlib import Path

here = Path(__file__).resolve().parent
spec = importlib.util.spec_from_file_location("bench", here / "__init__.py",
                                              submodule_search_locations=[str(here)])
package = importlib.util.module_from_spec(spec)
sys.modules["bench"] = package
spec.loader.exec_module(package)

from bench.child import main  # noqa: E402

raise SystemExit(main(sys.argv[1:]))
