"""A client process to kill: it writes batches of rows, one transaction per batch.

``python writer.py '<json config>'``: for each batch it inserts ``rows`` rows, flushes them
(so they are on the server or in the file, not yet committed), prints ``inflight <n>`` and,
when ``wait`` is set, waits for a line on stdin before committing; after the commit it prints
``committed <n>``. The test kills the process at a moment of its choosing.
"""

from __future__ import annotations

import json
import sys

from pony.orm import Database, LongStr, Required, db_session, flush


def define_log(db: Database) -> None:
    class Entry(db.Entity):
        batch = Required(int, index=True)
        payload = Required(LongStr)


def main() -> None:
    config = json.loads(sys.argv[1])
    args, kwargs = config["bind_args"]
    db = Database()
    define_log(db)
    db.bind(*args, **kwargs)
    db.generate_mapping(create_tables=False)
    payload = "x" * config.get("payload", 500)
    for n in range(config["batches"]):
        with db_session:
            for _ in range(config["rows"]):
                db.Entry(batch=n, payload=payload)
            flush()
            print(f"inflight {n}", flush=True)
            if config.get("wait"):
                sys.stdin.readline()
        print(f"committed {n}", flush=True)


if __name__ == "__main__":
    main()
