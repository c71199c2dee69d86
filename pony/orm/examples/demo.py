"""``make demo``: the e-store example end to end on embedded SQLite.

Creates the schema, loads the data, then runs a dozen representative queries, printing for each
the Python source, the SQL it was translated to and the result as a table.
"""

from __future__ import annotations

import sys

from pony.orm import db_session, show

from . import estore
from ._runner import print_query, sqlite_database

DEMO_QUERIES = [
    "Customers from the USA",
    "Number of customers in each country",
    "The most expensive product price",
    "The most expensive solid state drive",
    "Three most expensive products",
    "Products cheaper than the average price",
    "Products nobody has ordered",
    "Best sellers by quantity ordered",
    "Customers with more than one order",
    "Money spent by each customer on delivered orders",
    "Orders with their customer and number of items",
    "Orders shipped in March 2023",
    "Customers who bought a tablet",
]


def banner(text: str) -> None:
    print("=" * len(text))
    print(text)
    print("=" * len(text))
    print()


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    filename = argv[0] if argv else None
    db = sqlite_database(filename)
    estore.define_entities(db)
    db.generate_mapping(create_tables=True)

    banner("Pony ORM demo: an e-store on SQLite")
    print("The entities (show(Entity) prints its declaration):\n")
    for name in ("Customer", "Product", "Category", "Order", "OrderItem", "CartItem"):
        show(db.entities[name])
        print()
    print("The tables generate_mapping(create_tables=True) created:\n")
    print(db.schema.generate_create_script())
    print()

    estore.populate(db)
    with db_session:
        counts = ", ".join(f"{db.entities[name].select().count()} {name}"
                           for name in ("Customer", "Product", "Category", "Order", "OrderItem"))
    banner(f"Data loaded: {counts}")

    queries = dict(estore.QUERIES)
    with db_session:
        for number, title in enumerate(DEMO_QUERIES, 1):
            print_query(db, f"{number}. {title}", queries[title])


if __name__ == "__main__":
    main()
