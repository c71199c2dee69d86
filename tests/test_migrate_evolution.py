"""A scripted evolution of a shop model over 9 versions, migrated with pony.migrate on every
backend: applied one version at a time, rolled back to the first and applied again, with the
rows checked at every step; at the end the migrated schema equals a fresh create_tables one."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from pony.migrate import commands
from pony.migrate.state import capture
from pony.orm import Database, Optional, Required, Set, composite_index, db_session
from pony.orm.introspection import introspect


def v1(db):
    class Customer(db.Entity):
        name = Required(str)
        email = Required(str, unique=True)
        country = Required(str)

    class Product(db.Entity):
        name = Required(str)
        price = Required(Decimal, 10, 2)


def v2(db):  # a new entity with a many-to-many relation
    v1_customer(db)

    class Product(db.Entity):
        name = Required(str)
        price = Required(Decimal, 10, 2)
        categories = Set("Category")

    class Category(db.Entity):
        name = Required(str, unique=True)
        products = Set(Product)


def v1_customer(db, rename=False, country=True, orders=None, phone=False):
    namespace = {"email": Required(str, unique=True)}
    namespace["full_name" if rename else "name"] = Required(str)
    if country:
        namespace["country"] = Required(str)
    if orders:
        namespace["orders"] = Set(orders)
    if phone:
        namespace["phone"] = Optional(str, index=True)
    type("Customer", (db.Entity,), namespace)


def _products(db, cents=False, subclass=False):
    class Product(db.Entity):
        name = Required(str)
        categories = Set("Category")
        if cents:
            price_cents = Required(int)
        else:
            price = Required(Decimal, 10, 2)

    class Category(db.Entity):
        name = Required(str, unique=True)
        products = Set(Product)

    if subclass:
        class DigitalProduct(Product):
            url = Optional(str)


def v3(db):  # a rename
    v1_customer(db, rename=True)
    _products(db)


def _order(db, name, state_index=False):
    namespace = {"total": Required(Decimal, 10, 2), "customer": Required("Customer"), "state": Required(str)}
    if state_index:
        namespace["_idx"] = None
    cls = type(name, (db.Entity,), namespace)
    return cls


def v4(db):  # a new one-to-many relation
    v1_customer(db, rename=True, orders="Order")
    _products(db)
    _order(db, "Order")


def v5(db):  # price (Decimal) becomes price_cents (int), filled by a data step
    v1_customer(db, rename=True, orders="Order")
    _products(db, cents=True)
    _order(db, "Order")


def v6(db):  # a dropped attribute
    v1_customer(db, rename=True, country=False, orders="Order")
    _products(db, cents=True)
    _order(db, "Order")


def v7(db):  # an indexed new column and a composite index
    v1_customer(db, rename=True, country=False, orders="Order", phone=True)
    _products(db, cents=True)

    class Order(db.Entity):
        total = Required(Decimal, 10, 2)
        customer = Required("Customer")
        state = Required(str)
        composite_index(customer, state)


def v8(db):  # an entity rename
    v1_customer(db, rename=True, country=False, orders="Purchase", phone=True)
    _products(db, cents=True)

    class Purchase(db.Entity):
        total = Required(Decimal, 10, 2)
        customer = Required("Customer")
        state = Required(str)
        composite_index(customer, state)


def v9(db):  # inheritance: a subclass adds a discriminator column
    v1_customer(db, rename=True, country=False, orders="Purchase", phone=True)
    _products(db, cents=True, subclass=True)

    class Purchase(db.Entity):
        total = Required(Decimal, 10, 2)
        customer = Required("Customer")
        state = Required(str)
        composite_index(customer, state)


VERSIONS = [v1, v2, v3, v4, v5, v6, v7, v8, v9]
RENAMES = {3: {"Customer.name": "Customer.full_name"}, 8: {"Order": "Purchase"}}

V5_FILE = '''"""price in cents"""
from pony.migrate.api import *

def to_cents(db):
    for p in db.Product.select():
        p.price_cents = int(p.price * 100)

def to_price(db):
    for p in db.Product.select():
        p.price = Decimal(p.price_cents) / 100

allow_destructive = True

operations = [
    AddAttr('Product', Attr('price_cents', 'Optional', int)),
    RunPython(to_cents, to_price),
    AlterAttr('Product', Attr('price_cents', 'Optional', int), Attr('price_cents', 'Required', int)),
    DropAttr('Product', Attr('price', 'Required', Decimal, 10, 2), fill=0),  # to_price() refills it
]
'''


def snapshot(db, version: int) -> dict:
    """The rows a user sees at ``version``, through that version's entities."""
    E = db.entities
    with db_session:
        out: dict = {}
        name_attr = "full_name" if version >= 3 else "name"
        out["customers"] = sorted((getattr(c, name_attr), c.email) + ((c.country,) if version < 6 else ())
                                  for c in E["Customer"].select())
        price = (lambda p: p.price_cents) if version >= 5 else (lambda p: p.price)
        out["products"] = sorted((p.name, price(p)) for p in E["Product"].select())
        if version >= 2:
            out["links"] = sorted((p.name, c.name) for p in E["Product"].select() for c in p.categories)
        if version >= 4:
            order = E["Purchase" if version >= 8 else "Order"]
            out["orders"] = sorted((o.customer.email, o.total, o.state) for o in order.select())
        return out


EXPECTED = {
    1: {"customers": [("Ann", "ann@x.org", "FR"), ("Bob", "bob@x.org", "US")],
        "products": [("Pen", Decimal("1.50")), ("Tablet", Decimal("284.00"))]},
}


def expected(version: int, country_lost: bool = False) -> dict:
    customers = [("Ann", "ann@x.org", "FR"), ("Bob", "bob@x.org", "US")]
    if country_lost:  # rolled back past the drop: the rows get DropAttr's fill value
        customers = [("Ann", "ann@x.org", "?"), ("Bob", "bob@x.org", "?")]
    if version >= 6:
        customers = [c[:2] for c in customers]
    prices = [("Pen", Decimal("1.50")), ("Tablet", Decimal("284.00"))]
    if version >= 5:
        prices = [("Pen", 150), ("Tablet", 28400)]
    out: dict = {"customers": customers, "products": prices}
    if version >= 2:
        out["links"] = [("Tablet", "Electronics")]
    if version >= 4:
        out["orders"] = [("ann@x.org", Decimal("286.00"), "CREATED")]
    return out


def seed(db, version: int) -> None:
    """Rows added when a version first appears (each later check expects them)."""
    E = db.entities
    with db_session:
        if version == 1:
            E["Customer"](name="Ann", email="ann@x.org", country="FR")
            E["Customer"](name="Bob", email="bob@x.org", country="US")
            E["Product"](name="Pen", price=Decimal("1.50"))
            E["Product"](name="Tablet", price=Decimal("284.00"))
        elif version == 2:
            E["Category"](name="Electronics", products=[E["Product"].get(name="Tablet")])
        elif version == 4:
            E["Order"](customer=E["Customer"].get(email="ann@x.org"), total=Decimal("286.00"), state="CREATED")


def entities_db(backend, version: int, mapped: bool = True) -> Database:
    db = Database()
    VERSIONS[version - 1](db)
    backend.bind(db)
    if mapped:
        db.generate_mapping(check_tables=True)
    return db


def project(backend, version: int, directory: Path) -> commands.Project:
    return commands.Project(entities_db(backend, version, mapped=False), directory, echo=lambda text: None)


def check(backend, version: int, country_lost: bool = False) -> int:
    db = entities_db(backend, version)
    assert snapshot(db, version) == expected(version, country_lost), f"rows at version {version}"
    db.provider.disconnect()
    return sum(len(row) for rows in expected(version).values() for row in rows)


def signature(backend) -> dict:
    db = backend.database()
    with db_session:
        execute = lambda sql, params=None: db._get_cache().execute(sql, params)[0]  # noqa: E731
        return introspect(db.provider, execute).signature(ignore=("pony_migrations",))


def test_evolution(backend, tmp_path):
    directory = tmp_path / "migrations"
    rows_checked = 0
    for version in range(1, len(VERSIONS) + 1):
        p = project(backend, version, directory)
        if version == 5:
            (directory / "0005_price_in_cents.py").write_text(V5_FILE)
        else:
            assert commands.make(p, f"version {version}", renames=RENAMES.get(version, {})) == 0
        if version == 6:  # say what a rollback puts back into the dropped column
            path = directory / "0006_version_6.py"
            path.write_text(path.read_text().replace("Attr('country', 'Required', str))",
                                                     "Attr('country', 'Required', str), fill='?')"))
        assert commands.apply(p) == 0
        if version in (1, 2, 4):
            seed(entities_db(backend, version), version)
        rows_checked += check(backend, version)
        assert commands.check(project(backend, version, directory)) == 0
    names = sorted(path.stem for path in directory.iterdir() if path.suffix == ".py")
    assert len(names) == 9
    for version in range(len(VERSIONS) - 1, 0, -1):  # roll back one version at a time
        assert commands.rollback(project(backend, version, directory)) == 0
        rows_checked += check(backend, version, country_lost=version < 6)
    for version in range(2, len(VERSIONS) + 1):  # and forward again
        assert commands.apply(project(backend, version, directory), names[version - 1]) == 0
        if version in (2, 4):  # their tables were dropped by the rollback: new rows again
            seed(entities_db(backend, version), version)
        rows_checked += check(backend, version, country_lost=version < 6)
    migrated = signature(backend)
    backend.wipe() if backend.name != "sqlite" else Path(backend.bind_args[0][1]).unlink()
    fresh = Database()
    v9(fresh)
    backend.bind(fresh)
    fresh.generate_mapping(create_tables=True)
    assert migrated == signature(backend)
    print(f"{backend.name}: 9 versions, {rows_checked} row values checked")


def test_make_records_renames_and_state(tmp_path, backend):
    p = project(backend, 3, tmp_path)
    assert capture(p.db).entities["Customer"].has_attr("full_name")
