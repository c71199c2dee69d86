"""pony.inspect on every backend: the module generated for a database created from a rich model
maps back onto it (check_tables=True) with the same DDL, reads its rows, and says what it should."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from uuid import UUID

import pytest

from pony.inspect import InspectError, generate_module
from pony.inspect.cli import main
from pony.inspect.connection import parse_target, parse_url
from pony.orm import *
from pony.orm.introspection import introspect


def define_rich(db):
    class Person(db.Entity):
        _table_ = "people"
        name = Required(str, 80)
        email = Required(str, unique=True)
        born = Optional(date)
        mentor = Optional("Person", reverse="mentees")
        mentees = Set("Person", reverse="mentor")
        friends = Set("Person", reverse="friends")
        passport = Optional("Passport")
        orders = Set("Order")
        tags = Set("Tag")

    class Employee(Person):
        salary = Optional(Decimal, 12, 2)

    class Passport(db.Entity):
        number = PrimaryKey(str, 20)
        owner = Required(Person)

    class Order(db.Entity):
        id = PrimaryKey(int, auto=True)
        customer = Required(Person, column="customer_ref")
        placed = Required(datetime, default=datetime.now)
        at = Optional(time)
        took = Optional(timedelta)
        total = Required(Decimal, 10, 2)
        rate = Optional(float)
        paid = Required(bool, default=False)
        note = Optional(LongStr)
        data = Optional(Json)
        blob = Optional(bytes)
        token = Optional(UUID)
        small = Optional(int, size=16)
        big = Optional(int, size=64)
        lines = Set("OrderLine")
        composite_index(placed, paid)

    class Product(db.Entity):
        sku = Required(str, 10)
        region = Required(int)
        PrimaryKey(sku, region)
        title = Required(str, index=True)
        lines = Set("OrderLine")
        tags = Set("Tag")

    class OrderLine(db.Entity):
        _table_ = "order_lines"
        order = Required(Order)
        product = Required(Product)
        qty = Required(int, unsigned=True, column="quantity")
        PrimaryKey(order, product)

    class Tag(db.Entity):
        name = PrimaryKey(str, 30)
        people = Set(Person)
        products = Set(Product, table="product_tags")
        group = Optional(str)
        rank = Optional(int)
        composite_key(group, rank)


def populate(db):
    with db_session:
        ann = db.Person(name="Ann", email="ann@example.com")
        bob = db.Employee(name="Bob", email="bob@example.com", mentor=ann, salary=Decimal("10.50"))
        ann.friends.add(bob)
        db.Passport(number="P-1", owner=bob)
        lamp = db.Product(sku="L1", region=7, title="Lamp")
        order = db.Order(customer=ann, total=Decimal("9.99"), data={"a": 1})
        db.OrderLine(order=order, product=lamp, qty=3)
        db.Tag(name="red", people=[ann], products=[lamp], group="colour", rank=1)


def statements(db) -> set[str]:
    return set(db.schema.generate_create_script().split(";\n\n"))


def load_generated(backend, source: str):
    namespace: dict = {}
    exec(compile(source, "<generated>", "exec"), namespace)
    db = backend.bind(namespace["db"])
    db.generate_mapping(check_tables=True)
    return db


@pytest.fixture
def rich(backend):
    db = backend.make_db(define_rich)
    populate(db)
    return db


def test_round_trip_same_ddl_and_rows(backend, rich):
    source = generate_module(backend.database())
    generated = load_generated(backend, source)
    assert statements(generated) == statements(rich)
    with db_session:
        people = generated.entities["People"]
        assert sorted(p.name for p in people.select()) == ["Ann", "Bob"]
        bob = people.get(name="Bob")
        assert type(bob).__name__ == "Employee" and bob.salary == Decimal("10.50")
        assert bob.mentor.name == "Ann"
        assert [f.name for f in bob.friends] == ["Ann"]
        assert [t.name for t in bob.mentor.tags] == ["red"]
        line = generated.entities["OrderLines"].select().first()
        assert (line.quantity, line.product.title, line.order.customer_ref.name) == (3, "Lamp", "Ann")
        assert generated.entities["Tag"]["red"].products.count() == 1


def test_generated_declarations(backend, rich):
    source = generate_module(backend.database())
    if backend.name == "sqlite":  # elsewhere Pony's default table name for People is people
        assert "_table_ = 'people'" in source
    for expected in ["name = Required(str, 80)", "email = Required(str, unique=True)",
                     "classtype = Discriminator(str)", "salary = Optional(Decimal, 12, 2)",
                     "mentor = Optional('People', reverse='mentor_of')", "class Employee(People):",
                     "number = PrimaryKey(str, 20)", "total = Required(Decimal, 10, 2)",
                     "title = Required(str, index=True)", "PrimaryKey(sku, region)", "PrimaryKey(order, product)",
                     "composite_key(group, rank)", "composite_index(placed, paid)",
                     "quantity = Required(int",
                     "class OrderLines(db.Entity):", "_table_ = 'order_lines'",
                     "friends = Set('People', table=", "products = Set('Product', table='product_tags'",
                     "passports = Set('Passport', cascade_delete=False)", "group = Optional(str, nullable=True)"]:
        assert expected in source, expected
    assert "customer_ref = Required('People')" in source
    assert "id = PrimaryKey(int, auto=True)" in source


def test_foreign_schema_maps_and_recreates_alike(backend):
    db = backend.database()
    ddl = FOREIGN[backend.name] if backend.name in FOREIGN else FOREIGN["*"]
    with db_session(ddl=True):
        for statement in ddl.split(";"):
            if statement.strip():
                db.execute(statement)
    source = generate_module(db)
    assert "class Author(db.Entity):" in source and "class BookAuthors" not in source
    assert "author = Required('Author', column='author_id', reverse='books')" in source
    assert "book_authors = Set('Book', table='book_authors', column='book_id', reverse='authors')" in source
    assert "authors = Set('Author', table='book_authors', column='author_id', reverse='book_authors')" in source
    assert "isbn = Required(str, 13, unique=True)" in source
    assert "pages = Required(int, sql_default=" in source
    assert "author = Optional('Author', column='author_id', unique=True)" in source  # one-to-one
    assert "profile = Optional('Profile')" in source
    assert "bio = Optional(LongStr, nullable=True)" in source if backend.name == "mysql" else \
        "bio = Optional(str, nullable=True)" in source
    generated = load_generated(backend, source)
    live = _signature(backend, generated)
    generated.drop_all_tables(with_all_data=True)
    generated.create_tables()
    recreated = _signature(backend, generated)
    assert _without_indexes(recreated) == _without_indexes(live)


FOREIGN = {"*": """
CREATE TABLE author (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL);
CREATE TABLE book (id INTEGER PRIMARY KEY, isbn VARCHAR(13) NOT NULL UNIQUE, title TEXT NOT NULL,
  pages INTEGER DEFAULT 100 NOT NULL, author_id INTEGER NOT NULL REFERENCES author (id));
CREATE TABLE book_authors (book_id INTEGER NOT NULL REFERENCES book (id),
  author_id INTEGER NOT NULL REFERENCES author (id), PRIMARY KEY (book_id, author_id));
CREATE TABLE profile (id INTEGER PRIMARY KEY, author_id INTEGER UNIQUE REFERENCES author (id), bio TEXT)
"""}
FOREIGN["mysql"] = FOREIGN["*"].replace("title TEXT", "title VARCHAR(200)").replace("bio TEXT", "bio LONGTEXT")


def _signature(backend, db) -> dict:
    con = db.provider.pool._new_connection()
    try:
        def execute(sql, params=None):
            cursor = con.cursor()
            cursor.execute(sql)
            return cursor
        return introspect(db.provider, execute).signature()
    finally:
        con.close()


def _without_indexes(signature: dict) -> dict:
    """Pony indexes foreign-key columns, picks ON DELETE by relation kind and orders a link table's
    key by entity name: leave those out."""
    return {name: {**table, "indexes": [], "primary_key": sorted(table["primary_key"]),
                   "foreign_keys": sorted(f[:3] for f in table["foreign_keys"])}
            for name, table in signature.items()}


# --- command line --------------------------------------------------------------------------


def cli_words(backend) -> list[str]:
    args, kwargs = backend.bind_args
    if backend.name == "sqlite":
        return list(args)
    return [args[0]] + [f"{k}={v}" for k, v in kwargs.items()]


def test_cli_prints_the_module(backend, rich, capsys):
    assert main(cli_words(backend)) == 0
    out = capsys.readouterr().out
    assert out.startswith('"""Entities of ') and "password" not in out
    load_generated(backend, out)


def test_cli_url_and_output_file(backend, rich, tmp_path, capsys):
    args, kwargs = backend.bind_args
    if backend.name == "sqlite":
        url = f"sqlite:///{args[1]}"
    else:
        scheme = "postgresql" if backend.name == "postgres" else "mysql"
        url = f"{scheme}://{kwargs['user']}@{kwargs['host']}:{kwargs['port']}/{kwargs['database']}"
    assert main([url, "-o", str(tmp_path / "models.py")]) == 0
    assert capsys.readouterr().out == ""
    load_generated(backend, (tmp_path / "models.py").read_text())


def test_cli_errors(backend, capsys, tmp_path):
    assert main(["nosuchdb", "x=1"]) == 1
    assert "Unknown provider 'nosuchdb'" in capsys.readouterr().err
    if backend.name == "sqlite":
        assert main(["sqlite", str(tmp_path / "missing.db")]) == 1
        assert "Database file is not found" in capsys.readouterr().err
    empty = backend.database()
    with pytest.raises(InspectError, match="The database has no tables"):
        generate_module(empty)


def test_in_memory_sqlite():
    db = Database("sqlite", ":memory:")
    with db_session(ddl=True):
        db.execute("CREATE TABLE note (id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL)")
    assert "class Note(db.Entity):" in generate_module(db)


def test_tables_without_primary_key(backend):
    db = backend.database()
    with db_session(ddl=True):
        db.execute("CREATE TABLE setting (name VARCHAR(40) NOT NULL UNIQUE, val VARCHAR(40))")
        db.execute("CREATE TABLE event_log (at INTEGER NOT NULL, what VARCHAR(40) NOT NULL)")
        db.execute("INSERT INTO setting (name, val) VALUES ('theme', 'dark')")
    source = generate_module(db)
    assert "    # the table has no primary key: name identifies a row\n" in source
    assert "name = PrimaryKey(str, 40)" in source
    assert "    PrimaryKey(at, what)" in source
    generated = load_generated(backend, source)
    with db_session:
        assert generated.entities["Setting"]["theme"].val == "dark"


def test_unknown_and_differing_types_are_flagged(backend):
    db = backend.database()
    kind = {"sqlite": "CHAR(3)", "postgres": "CHAR(3)", "mysql": "TINYTEXT"}[backend.name]
    with db_session(ddl=True):
        db.execute(f"CREATE TABLE item (id INTEGER PRIMARY KEY, code {kind} NOT NULL)")
    source = generate_module(db)
    pony_type = "LONGTEXT" if backend.name == "mysql" else "VARCHAR(3)"
    assert f"  # the database type is {kind}, Pony would create {pony_type}" in source
    load_generated(backend, source)  # still maps onto the table


def test_parse_url_and_keywords():
    assert parse_url("postgresql://ann:s%40cret@db.example:5433/shop?sslmode=require") == (
        ("postgres",), {"host": "db.example", "port": 5433, "user": "ann", "password": "s@cret",
                        "database": "shop", "sslmode": "require"})
    assert parse_url("mysql+pymysql://root@127.0.0.1/test") == (
        ("mysql",), {"host": "127.0.0.1", "user": "root", "database": "test"})
    assert parse_url("sqlite:///data/app.db") == (("sqlite", "data/app.db"), {})
    assert parse_url("sqlite:////tmp/app.db") == (("sqlite", "/tmp/app.db"), {})
    assert parse_target(["postgres", "host=h", "port=5432", "user=u"]) == (
        ("postgres",), {"host": "h", "port": 5432, "user": "u"})
    assert parse_target(["sqlite", "app.db"]) == (("sqlite", "app.db"), {})
    with pytest.raises(ValueError, match="Unknown database URL scheme 'redis'"):
        parse_url("redis://localhost/0")
    with pytest.raises(ValueError, match="names no file"):
        parse_url("sqlite://")
    with pytest.raises(ValueError, match="port='x' is not a number"):
        parse_target(["postgres", "port=x"])
