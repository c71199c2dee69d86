"""Side-by-side benchmark of this project against Pony 0.7.20 and its peers (see bench/README.md).

The package is loaded in two kinds of processes: the orchestrator (``python -m bench``, standard
library only) and one worker per (contestant, database), started in the contestant's own virtual
environment through ``bench/_child.py``.
"""
