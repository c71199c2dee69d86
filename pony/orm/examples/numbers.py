"""Integers of every size: ``int`` attributes with ``size=8, 16, 24, 32, 64`` and ``unsigned=True``.

Each column gets the smallest type of the database that holds its range, and Pony refuses a
value outside the range before sending it. The rows keep the minimum and maximum of every kind.
``python -m pony.orm.examples.numbers`` runs it on in-memory SQLite.
"""

from __future__ import annotations

from pony.orm import Database, Optional, Required, db_session

from ._runner import ExampleQuery, run_example

SIGNED_SIZES = (8, 16, 24, 32, 64)
UNSIGNED_SIZES = (8, 16, 24, 32)  # a 64-bit unsigned column exists on MySQL only


def signed_range(size: int) -> tuple[int, int]:
    return -(2 ** (size - 1)), 2 ** (size - 1) - 1


def unsigned_range(size: int) -> tuple[int, int]:
    return 0, 2**size - 1


def define_entities(db: Database) -> None:
    class Numbers(db.Entity):
        label = Required(str, unique=True)
        int8 = Required(int, size=8)
        int16 = Required(int, size=16)
        int24 = Required(int, size=24)
        int32 = Required(int, size=32)
        int64 = Required(int, size=64)
        uint8 = Required(int, size=8, unsigned=True)
        uint16 = Required(int, size=16, unsigned=True)
        uint24 = Required(int, size=24, unsigned=True)
        uint32 = Required(int, size=32, unsigned=True)
        ranged = Optional(int, min=-100, max=100)

    _ = Numbers


def row_values(pick: int) -> dict[str, int]:
    """Every column at its minimum (pick=0) or maximum (pick=1)."""
    values = {f"int{size}": signed_range(size)[pick] for size in SIGNED_SIZES}
    values.update({f"uint{size}": unsigned_range(size)[pick] for size in UNSIGNED_SIZES})
    return values


def populate(db: Database) -> None:
    with db_session:
        db.Numbers(label="min", ranged=-100, **row_values(0))
        db.Numbers(label="max", ranged=100, **row_values(1))
        db.Numbers(label="zero", **dict.fromkeys(row_values(0), 0))


QUERIES: list[ExampleQuery] = [
    ("Every row", "select(n for n in Numbers).order_by(Numbers.id)"),
    ("The largest 64-bit value", "max(n.int64 for n in Numbers)"),
    ("The smallest 64-bit value", "min(n.int64 for n in Numbers)"),
    ("Rows whose int32 is negative", "select(n.label for n in Numbers if n.int32 < 0)"),
    ("Rows holding the largest unsigned 32-bit value",
     "select(n.label for n in Numbers if n.uint32 == 4294967295)"),
    ("Sum of the unsigned 16-bit column", "sum(n.uint16 for n in Numbers)"),
    ("Unsigned 32-bit arithmetic does not wrap around",
     "select(n.uint32 + 1 for n in Numbers if n.label == 'max').first()"),
    ("The maximum row, read back", "Numbers.get(label='max')"),
]


def main(argv: list[str] | None = None) -> None:
    run_example(define_entities, populate, QUERIES, argv)


if __name__ == "__main__":
    main()
