"""The bank workload of the concurrency tests: counters and accounts changed by many workers.

Imported by the tests (threads run ``run_plan`` in the test process) and run as a script by
worker processes: ``python worker.py '<json config>'`` binds its own Database, prints
``ready``, waits for a line on stdin (so every worker starts together), runs its plan and
prints one JSON line with what it did.
"""

from __future__ import annotations

import json
import random
import sys
from typing import Any

from pony.orm import Database, PrimaryKey, Required, db_session

# Generous: a transaction loses the optimistic race again and again only under heavy contention,
# and a retried transaction is the behaviour under test, not a failure.
RETRIES = 1000
INITIAL_BALANCE = 1000
MODES = ("optimistic", "pessimistic", "serializable")


def define_bank(db: Database) -> None:
    class Counter(db.Entity):
        id = PrimaryKey(int)
        value = Required(int)

    class Account(db.Entity):
        id = PrimaryKey(int)
        balance = Required(int)


def bind_bank(bind_args: Any, create_tables: bool = False) -> Database:
    args, kwargs = bind_args
    db = Database()
    define_bank(db)
    db.bind(*args, **kwargs)
    db.generate_mapping(create_tables=create_tables)
    return db


def make_plan(seed: int, transactions: int, counters: int, accounts: int) -> list[tuple[int, int, int, int]]:
    """Operations ``(counter_id, from_account, to_account, amount)``, the same for a seed.
    Each is one transaction: retries redo the same operation, so the outcome is predictable."""
    rng = random.Random(seed)
    plan = []
    for _ in range(transactions):
        src, dst = rng.sample(range(1, accounts + 1), 2)
        plan.append((rng.randint(1, counters), src, dst, rng.randint(1, 50)))
    return plan


def expected_totals(plans: list, counters: int, accounts: int) -> tuple[dict, dict]:
    values = {i: 0 for i in range(1, counters + 1)}
    balances = {i: INITIAL_BALANCE for i in range(1, accounts + 1)}
    for plan in plans:
        for counter_id, src, dst, amount in plan:
            values[counter_id] += 1
            balances[src] -= amount
            balances[dst] += amount
    return values, balances


def make_transaction(db: Database, mode: str, attempts: list) -> Any:
    """The ``@db_session(retry=...)`` function for ``mode``; counts every attempt in ``attempts``."""
    Counter, Account = db.Counter, db.Account

    def transfer(counter_id: int, src: int, dst: int, amount: int) -> None:
        attempts[0] += 1
        if mode == "pessimistic":
            counter = Counter.get_for_update(id=counter_id)
            # Rows are locked in the order of the plan, not sorted: deadlocks happen and are retried.
            a, b = Account.get_for_update(id=src), Account.get_for_update(id=dst)
        else:
            counter, a, b = Counter[counter_id], Account[src], Account[dst]
        counter.value += 1
        a.balance -= amount
        b.balance += amount

    return db_session(retry=RETRIES, optimistic=mode != "pessimistic",
                      serializable=mode == "serializable")(transfer)


def run_plan(db: Database, mode: str, plan: list) -> dict:
    """Run every operation; returns ``{"done": n, "attempts": n, "error": None | str}``."""
    attempts = [0]
    transaction = make_transaction(db, mode, attempts)
    done = 0
    try:
        for op in plan:
            transaction(*op)
            done += 1
    except Exception as exc:  # reported to the test, which fails with it
        return {"done": done, "attempts": attempts[0], "error": f"{type(exc).__name__}: {exc}"}
    return {"done": done, "attempts": attempts[0], "error": None}


def main() -> None:
    config = json.loads(sys.argv[1])
    db = bind_bank(config["bind_args"])
    plan = [tuple(op) for op in config["plan"]]
    print("ready", flush=True)
    sys.stdin.readline()
    result = run_plan(db, config["mode"], plan)
    db.disconnect()
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
