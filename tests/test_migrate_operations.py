"""Every migration operation, applied, rolled back and applied again on every backend, with the
rows checked through the entities of each point of the history and the live schema compared with
the migrations (``check``'s comparison: columns, nullability, defaults, uniques, indexes, foreign
keys). Also: ``make --baseline``, ``--concurrently``, the migration lock and resuming a failed
MySQL/MariaDB migration."""

from __future__ import annotations

import textwrap
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import pytest

from pony.migrate import commands, files
from pony.migrate.build import rebuild
from pony.migrate.cli import main
from pony.migrate.history import LockTimeout
from pony.migrate.live import live_differences
from pony.migrate.runner import MigrationError, Options
from pony.orm import Database, Optional, Required, Set, TransactionIntegrityError, db_session
from pony.orm.introspection import introspect


class Lab:
    """A migrations directory on one backend: write migration files, apply, roll back, look."""

    def __init__(self, backend, tmp_path: Path) -> None:
        self.backend = backend
        self.directory = tmp_path / "migrations"
        self.directory.mkdir()
        self.out: list[str] = []

    def write(self, operations: str, destructive: bool = False, prelude: str = "") -> str:
        number = files.next_number(files.load(self.directory))
        path = self.directory / f"{number:04d}_step.py"
        text = "from pony.migrate.api import *\n\n" + textwrap.dedent(prelude) + "\n"
        text += "allow_destructive = True\n" if destructive else ""
        path.write_text(text + "operations = [\n" + textwrap.dedent(operations) + "\n]\n")
        return path.stem

    def project(self, db: Database | None = None, **options) -> commands.Project:
        return commands.Project(db or self.backend.database(), self.directory, Options(**options),
                                echo=self.out.append)

    def apply(self, target: str | None = None, **options) -> None:
        assert commands.apply(self.project(**options), target) == 0

    def rollback(self, target: str | None = None) -> None:
        assert commands.rollback(self.project(), target) == 0

    @contextmanager
    def entities(self, upto: int) -> Iterator[dict]:
        """The entities after the first ``upto`` migrations, mapped on the live tables, in a db_session."""
        db = rebuild(files.replay(files.load(self.directory), upto))
        self.backend.bind(db)
        db.generate_mapping(check_tables=True)
        try:
            with db_session:
                yield db.entities
        finally:
            db.provider.disconnect()

    def problems(self, upto: int) -> list[str]:
        """How the live schema differs from the schema of the first ``upto`` migrations."""
        runner = self.project().runner()
        with runner.connection():
            return live_differences(runner, files.replay(runner.migrations, upto))

    def table(self, name: str):
        db = self.backend.database()
        try:
            with db_session:
                execute = lambda sql, params=None: db._get_cache().execute(sql, params)[0]  # noqa: E731
                tables = introspect(db.provider, execute).tables
                return next((t for n, t in tables.items() if n.lower() == name.lower()), None)
        finally:
            db.provider.disconnect()

    def status(self) -> str:
        self.out.clear()
        assert commands.status(self.project()) == 0
        return "\n".join(self.out)


@pytest.fixture
def lab(backend, tmp_path) -> Lab:
    return Lab(backend, tmp_path)


def roundtrip(lab: Lab, upto: int, check_after, check_before) -> None:
    """Apply, roll back one step and apply again; rows and schema checked after each."""
    for step in ("apply", "rollback", "apply"):
        if step == "apply":
            lab.apply()
            with lab.entities(upto) as E:
                check_after(E)
            assert lab.problems(upto) == []
        else:
            lab.rollback()
            with lab.entities(upto - 1) as E:
                check_before(E)
            assert lab.problems(upto - 1) == []


CUSTOMERS = """
    CreateEntity(
        Entity('Customer', [
            Attr('name', 'Required', str),
            Attr('email', 'Required', str, unique=True),
        ])),
"""


def seed_customers(lab: Lab) -> None:
    lab.write(CUSTOMERS)
    lab.apply()
    with lab.entities(1) as E:
        E["Customer"](name="Ann", email="ann@x.org")
        E["Customer"](name="Bob", email="bob@x.org")


def names(E, entity: str, attr: str = "name") -> list:
    return sorted(getattr(obj, attr) for obj in E[entity].select())


def rows(entity: str, attr: str, expected: list):
    """A check that ``entity``'s ``attr`` values are ``expected`` (sorted)."""
    def check(E) -> None:
        assert names(E, entity, attr) == expected
    return check


# --- entities -----------------------------------------------------------------------------------


def test_create_entity_and_drop_entity(lab):
    seed_customers(lab)
    lab.write("""
        CreateEntity(
            Entity('Product', [
                Attr('name', 'Required', str),
                Attr('price', 'Required', Decimal, 10, 2),
                Attr('owner', 'Optional', 'Customer'),
            ]), reverse_attrs=[('Customer', Attr('products', 'Set', 'Product'))]),
    """)

    def after(E):
        if not E["Product"].select().exists():
            E["Product"](name="Pen", price=Decimal("1.50"), owner=E["Customer"].get(name="Ann"))
        assert [(p.name, p.price, p.owner.name) for p in E["Product"].select()] == [("Pen", Decimal("1.50"), "Ann")]
    roundtrip(lab, 2, after, rows("Customer", "name", ["Ann", "Bob"]))
    assert lab.table("Product") is not None
    drop = ("DropEntity(Entity('Product', [Attr('name', 'Required', str), "
            "Attr('price', 'Required', Decimal, 10, 2), Attr('owner', 'Optional', 'Customer')]), "
            "reverse_attrs=[('Customer', Attr('products', 'Set', 'Product'))]),")
    name = lab.write(drop)
    with pytest.raises(MigrationError, match="drop entity Product drops a table with its rows"):
        lab.apply()
    (lab.directory / f"{name}.py").unlink()
    lab.write(drop, destructive=True)
    lab.apply()
    assert lab.table("Product") is None and lab.problems(3) == []
    lab.rollback()
    assert lab.table("Product") is not None and lab.problems(2) == []
    with lab.entities(2) as E:
        assert E["Product"].select().count() == 0  # the rows went with the table
        assert names(E, "Customer") == ["Ann", "Bob"]


ORDERS = """
    CreateEntity(
        Entity('Customer', [
            Attr('name', 'Required', str),
            Attr('orders', 'Set', 'Order'),
        ]),
        Entity('Order', [
            Attr('total', 'Required', Decimal, 10, 2),
            Attr('customer', 'Required', 'Customer'),
        ])),
"""


def test_rename_entity_keeps_rows_relations_and_fresh_names(lab):
    lab.write(ORDERS)
    lab.apply()
    with lab.entities(1) as E:
        ann = E["Customer"](name="Ann")
        E["Order"](total=Decimal("10.00"), customer=ann)
        E["Order"](total=Decimal("20.00"), customer=ann)
    lab.write("RenameEntity('Order', 'Purchase'),")

    def after(E):
        assert sorted((o.total, o.customer.name) for o in E["Purchase"].select()) == \
            [(Decimal("10.00"), "Ann"), (Decimal("20.00"), "Ann")]
        assert sorted(o.total for o in E["Customer"].get(name="Ann").orders) == [Decimal("10.00"), Decimal("20.00")]

    def before(E):
        assert sorted(o.total for o in E["Order"].select()) == [Decimal("10.00"), Decimal("20.00")]
    roundtrip(lab, 2, after, before)
    with lab.entities(2) as E:  # the key sequence carries on under the new name
        new = E["Purchase"](total=Decimal("5.00"), customer=E["Customer"].get(name="Ann"))
        new.flush()
        assert new.id == 3
    assert_equals_fresh_schema(lab, 2)


def assert_equals_fresh_schema(lab: Lab, upto: int) -> None:
    """The migrated schema (and on PostgreSQL the names it chose) equals a fresh create_tables one.
    Wipes the database."""
    migrated = schema_summary(lab.backend)
    lab.backend.wipe() if lab.backend.name != "sqlite" else Path(lab.backend.bind_args[0][1]).unlink()
    fresh = rebuild(files.replay(files.load(lab.directory), upto))
    lab.backend.bind(fresh)
    fresh.generate_mapping(create_tables=True)
    fresh.provider.disconnect()
    assert migrated == schema_summary(lab.backend)


def schema_summary(backend) -> dict:
    db = backend.database()
    try:
        with db_session:
            execute = lambda sql, params=None: db._get_cache().execute(sql, params)[0]  # noqa: E731
            summary = introspect(db.provider, execute).signature(ignore=("pony_migrations",))
            if backend.name == "postgres":  # the names PostgreSQL gave keys, constraints and sequences
                summary["pg names"] = sorted(execute(
                    "SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname = current_schema() AND c.relkind IN ('S', 'i') "
                    "AND c.relname NOT LIKE 'pony_migrations%'").fetchall())
                summary["pg constraints"] = sorted(execute(
                    "SELECT conname, contype FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
                    "WHERE n.nspname = current_schema() AND conname NOT LIKE 'pony_migrations%'").fetchall())
            return summary
    finally:
        db.provider.disconnect()


# --- attributes ---------------------------------------------------------------------------------


def test_add_attr_with_fill_and_drop_attr_with_fill(lab):
    seed_customers(lab)
    lab.write("AddAttr('Customer', Attr('country', 'Required', str), fill='FR'),")

    def after(E):
        assert names(E, "Customer", "country") == ["FR", "FR"]
        E["Customer"](name="Cid", email="cid@x.org", country="US").flush()
        E["Customer"].get(name="Cid").delete()
    roundtrip(lab, 2, after, rows("Customer", "name", ["Ann", "Bob"]))
    lab.write("DropAttr('Customer', Attr('country', 'Required', str), fill='??'),", destructive=True)
    with lab.entities(2) as E:
        E["Customer"].get(name="Ann").country = "DE"
    lab.apply()
    assert "country" not in {c.name for c in lab.table("Customer").columns} and lab.problems(3) == []
    lab.rollback()  # the dropped values are gone: the rows get the fill value back
    with lab.entities(2) as E:
        assert names(E, "Customer", "country") == ["??", "??"]
    assert lab.problems(2) == []


def test_add_required_attr_without_fill_is_refused(lab):
    seed_customers(lab)
    lab.write("AddAttr('Customer', Attr('country', 'Required', str)),")
    with pytest.raises(MigrationError, match="adds a Required column without a value for the existing rows"):
        lab.apply()
    assert "[ ] 0002_step" in lab.status()


def test_rename_attr_keeps_data_and_unique(lab):
    seed_customers(lab)
    lab.write("RenameAttr('Customer', 'email', 'mail'),")

    def after(E):
        assert names(E, "Customer", "mail") == ["ann@x.org", "bob@x.org"]
    roundtrip(lab, 2, after, rows("Customer", "email", ["ann@x.org", "bob@x.org"]))
    with pytest.raises(TransactionIntegrityError), lab.entities(2) as E:
        E["Customer"](name="Ann2", mail="ann@x.org")
    assert_equals_fresh_schema(lab, 2)


# --- AlterAttr: type, size, precision, nullability, default, unique ------------------------------


def alter_roundtrip(lab, old: str, new: str, value, after, before, destructive: bool = False) -> None:
    """Entity Item(v = old) holding ``value``; AlterAttr to ``new``; apply, roll back, apply."""
    lab.write(f"CreateEntity(Entity('Item', [Attr('label', 'Required', str), {old}])),")
    lab.apply()
    with lab.entities(1) as E:
        E["Item"](label="a", v=value)
    lab.write(f"AlterAttr('Item', {old}, {new}),", destructive=destructive)
    roundtrip(lab, 2, after, before)


def test_alter_type(lab):
    def after(E):
        assert [i.v for i in E["Item"].select()] == ["42"]
    alter_roundtrip(lab, "Attr('v', 'Required', int)", "Attr('v', 'Required', str)", 42,
                    after, rows("Item", "v", [42]), destructive=True)


def test_alter_size(lab):
    def after(E):
        E["Item"](label="b", v="x" * 40).flush()
        E["Item"].get(label="b").delete()
        assert [i.v for i in E["Item"].select()] == ["short"]
    alter_roundtrip(lab, "Attr('v', 'Required', str, 20)", "Attr('v', 'Required', str, 50)", "short",
                    after, rows("Item", "v", ["short"]))
    assert lab.table("Item").column("v").size == 50


def test_alter_precision(lab):
    def after(E):
        assert [i.v for i in E["Item"].select()] == [Decimal("12.34")]
        E["Item"](label="b", v=Decimal("1234567890.12")).flush()
        assert E["Item"].get(label="b").v == Decimal("1234567890.12")
        E["Item"].get(label="b").delete()
    alter_roundtrip(lab, "Attr('v', 'Required', Decimal, 10, 2)", "Attr('v', 'Required', Decimal, 12, 2)",
                    Decimal("12.34"), after, rows("Item", "v", [Decimal("12.34")]))
    column = lab.table("Item").column("v")
    assert (column.precision, column.scale) == (12, 2)


def test_alter_nullability(lab):
    def after(E):
        assert [i.v for i in E["Item"].select()] == [7]
    alter_roundtrip(lab, "Attr('v', 'Optional', int)", "Attr('v', 'Required', int)", 7,
                    after, rows("Item", "v", [7]), destructive=True)
    assert lab.table("Item").column("v").nullable is False
    lab.rollback()
    assert lab.table("Item").column("v").nullable is True


def test_alter_default(lab):
    def after(E):
        db = E["Item"]._database_
        db.execute("INSERT INTO " + quote(db, "Item") + " (label) VALUES ('b')")
        assert sorted(i.v for i in E["Item"].select()) == [1, 7]
        E["Item"].get(label="b").delete()
    alter_roundtrip(lab, "Attr('v', 'Required', int)", "Attr('v', 'Required', int, sql_default='7')", 1,
                    after, rows("Item", "v", [1]))
    assert lab.table("Item").column("v").default is not None
    lab.rollback()
    assert lab.table("Item").column("v").default is None


def quote(db, entity: str) -> str:
    return db.provider.ddl_compiler_cls(db.provider).quote(db.entities[entity]._table_)


def test_alter_unique(lab):
    def after(E):
        with pytest.raises(TransactionIntegrityError):
            E["Item"](label="b", v="same").flush()
            E["Item"]._database_.commit()

    def before(E):
        E["Item"](label="b", v="same").flush()  # duplicates are allowed again
        E["Item"].get(label="b").delete()
    alter_roundtrip(lab, "Attr('v', 'Required', str)", "Attr('v', 'Required', str, unique=True)", "same",
                    after, before)
    assert [u.columns for u in lab.table("Item").uniques] == [("v",)]
    assert_equals_fresh_schema(lab, 2)


# --- keys, data steps, raw SQL -----------------------------------------------------------------


def test_alter_keys(lab):
    lab.write("CreateEntity(Entity('Item', [Attr('a', 'Required', int), Attr('b', 'Required', int)])),")
    lab.apply()
    with lab.entities(1) as E:
        E["Item"](a=1, b=1)
    lab.write("AlterKeys('Item', [], [('key', ('a', 'b'), None), ('index', ('b', 'a'), None)]),")

    def after(E):
        with pytest.raises(TransactionIntegrityError):
            E["Item"](a=1, b=1).flush()
            E["Item"]._database_.commit()

    def before(E):
        E["Item"](a=1, b=1).flush()
        E["Item"].select(lambda i: i.id > 1).delete(bulk=True)
    roundtrip(lab, 2, after, before)
    table = lab.table("Item")
    assert [u.columns for u in table.uniques] == [("a", "b")] and [i.columns for i in table.indexes] == [("b", "a")]


def test_run_python_forward_and_backward(lab):
    seed_customers(lab)
    lab.write("RunPython(shout, whisper),", prelude="""
        def shout(db):
            for c in db.Customer.select():
                c.name = c.name.upper()

        def whisper(db):
            for c in db.Customer.select():
                c.name = c.name.capitalize()
    """)
    roundtrip(lab, 2, rows("Customer", "name", ["ANN", "BOB"]), rows("Customer", "name", ["Ann", "Bob"]))


def test_run_sql_and_its_reverse(lab):
    lab.write("CreateEntity(Entity('Note', [Attr('body', 'Required', str)], table='lab_note')),")
    lab.apply()
    lab.write("RunSQL(\"INSERT INTO lab_note (body) VALUES ('hello')\", \"DELETE FROM lab_note WHERE body = 'hello'\"),")
    roundtrip(lab, 2, rows("Note", "body", ["hello"]), rows("Note", "body", []))


# --- relations and inheritance -------------------------------------------------------------------

PRODUCTS = """
    CreateEntity(
        Entity('Product', [Attr('name', 'Required', str)]),
        Entity('Category', [Attr('name', 'Required', str)])),
"""
M2M = "'Product', Attr('categories', 'Set', 'Category'), reverse=('Category', Attr('products', 'Set', 'Product'))"


def test_many_to_many_link_table(lab):
    lab.write(PRODUCTS)
    lab.apply()
    with lab.entities(1) as E:
        E["Product"](name="Tablet")
        E["Category"](name="Electronics")
    lab.write(f"AddAttr({M2M}),")

    def after(E):
        tablet = E["Product"].get(name="Tablet")
        if not tablet.categories:
            tablet.categories.add(E["Category"].get(name="Electronics"))
        assert [(p.name, c.name) for p in E["Product"].select() for c in p.categories] == [("Tablet", "Electronics")]
    roundtrip(lab, 2, after, rows("Product", "name", ["Tablet"]))
    assert lab.table("Category_Product") is not None
    lab.write(f"DropAttr({M2M}),", destructive=True)
    lab.apply()
    assert lab.table("Category_Product") is None and lab.problems(3) == []
    lab.rollback()
    assert lab.table("Category_Product") is not None
    with lab.entities(2) as E:  # the link table is back, empty
        assert not E["Product"].get(name="Tablet").categories


def test_cascade_option_change(lab):
    lab.write("""
        CreateEntity(
            Entity('Customer', [Attr('name', 'Required', str), Attr('orders', 'Set', 'Order')], table='lab_customer'),
            Entity('Order', [Attr('customer', 'Required', 'Customer')], table='lab_order')),
    """)
    lab.apply()
    fk_action = lambda: lab.table("lab_order").foreign_keys[0].on_delete  # noqa: E731
    assert fk_action() == "CASCADE"
    lab.write("AlterAttr('Customer', Attr('orders', 'Set', 'Order'), Attr('orders', 'Set', 'Order', "
              "cascade_delete=False)),")

    def after(E):
        db = E["Customer"]._database_
        E["Order"](customer=E["Customer"](name="Ann")).flush()
        with pytest.raises(Exception, match="(?i)foreign key"):
            db.execute("DELETE FROM lab_customer")
        db.rollback()

    def before(E):
        db = E["Customer"]._database_
        E["Order"](customer=E["Customer"](name="Ann")).flush()
        db.execute("DELETE FROM lab_customer")  # the orders go with it
        assert db.select("SELECT COUNT(*) FROM lab_order") == [0]
    roundtrip(lab, 2, after, before)
    assert fk_action() is None
    lab.rollback()
    assert fk_action() == "CASCADE"


def test_subclass_adds_discriminator(lab):
    lab.write("CreateEntity(Entity('Product', [Attr('name', 'Required', str)])),")
    lab.apply()
    with lab.entities(1) as E:
        E["Product"](name="Pen")
    lab.write("CreateEntity(Entity('DigitalProduct', [Attr('url', 'Optional', str)], bases=('Product',))),")

    applied = []

    def after(E):
        if not applied:
            E["DigitalProduct"](name="Ebook", url="http://x")
            expected = [("Ebook", "DigitalProduct"), ("Pen", "Product")]
        else:  # the rollback dropped the discriminator: the new column says Product for every row
            expected = [("Ebook", "Product"), ("Pen", "Product")]
        applied.append(True)
        assert sorted((p.name, type(p).__name__) for p in E["Product"].select()) == expected
    # rolled back, the subclass's rows stay as plain products
    roundtrip(lab, 2, after, rows("Product", "name", ["Ebook", "Pen"]))
    assert "classtype" in {c.name for c in lab.table("Product").columns}


# --- baseline, concurrently, lock, resume --------------------------------------------------------


def shop_v1(db):
    class Customer(db.Entity):
        name = Required(str)
        email = Required(str, unique=True)
        orders = Set("Order")

    class Order(db.Entity):
        total = Required(Decimal, 10, 2)
        customer = Required(Customer)


def shop_v2(db):
    shop_v1(db)

    class Customer2(db.Entity):
        _table_ = "lab_customer2"
        phone = Optional(str, index=True)


def test_baseline_adopts_an_existing_database(lab, backend):
    existing = backend.make_db(shop_v1)  # a database made before migrations, with rows
    with db_session:
        existing.Order(total=Decimal("9.99"), customer=existing.Customer(name="Ann", email="a@x.org"))
    existing.provider.disconnect()
    declared = Database()
    shop_v1(declared)
    backend.bind(declared)
    assert commands.make(lab.project(declared), baseline=True) == 0
    assert "recorded it as applied: the database was not changed" in lab.out[-1]
    assert "[x] 0001_baseline" in lab.status() and lab.problems(1) == []
    with lab.entities(1) as E:
        assert [(o.total, o.customer.email) for o in E["Order"].select()] == [(Decimal("9.99"), "a@x.org")]
    v2 = Database()
    shop_v2(v2)
    backend.bind(v2)
    assert commands.make(lab.project(v2), "phones") == 0
    lab.apply()
    assert lab.problems(2) == [] and "The database is up to date." in lab.status()
    lab.rollback()
    assert lab.table("lab_customer2") is None
    with pytest.raises(MigrationError, match="it is the baseline of an adopted database"):
        lab.rollback()


def test_concurrently_builds_indexes_after_the_transaction(lab, backend):
    seed_customers(lab)
    lab.write("AddAttr('Customer', Attr('phone', 'Optional', str, index=True)),")
    lab.out.clear()
    assert commands.sql(lab.project(concurrently=True)) == 0
    index_sql = [line for line in lab.out if "INDEX" in line]
    assert index_sql and all(("CONCURRENTLY" in line) == (backend.name == "postgres") for line in index_sql)
    # PostgreSQL refuses CREATE INDEX CONCURRENTLY inside a transaction block: it runs after the commit
    lab.apply(concurrently=True)
    assert [i.columns for i in lab.table("Customer").indexes] == [("phone",)] and lab.problems(2) == []
    with lab.entities(2) as E:
        assert names(E, "Customer") == ["Ann", "Bob"]


@pytest.mark.direct_connection("the migration lock is a session-level advisory lock: run migrations on a direct "
                                "connection, not through PgBouncer in transaction mode (docs/migrations.md)")
def test_second_deploy_waits_for_the_lock(lab, backend, capsys, tmp_path, monkeypatch):
    lab.write(CUSTOMERS)
    holder = lab.project().runner()
    with holder.connection(), holder.locked():  # another deploy is migrating
        started = time.monotonic()
        with pytest.raises(LockTimeout, match=r"Another migration holds the lock \(waited 1s\)"):
            lab.apply(lock_timeout=1)
        assert time.monotonic() - started >= 0.9
        assert "[ ] 0001_step" in lab.status()
        models = tmp_path / f"lockmodels_{backend.name}.py"
        args, kwargs = backend.bind_args
        models.write_text(f"from pony.orm import *\ndb = Database()\ndb.bind(*{args!r}, **{kwargs!r})\n")
        monkeypatch.syspath_prepend(str(tmp_path))
        code = main(["--db", f"lockmodels_{backend.name}:db", "--dir", str(lab.directory), "--lock-timeout", "0.5", "apply"])
        assert code == 1
        assert "error: Another migration holds the lock (waited 0.5s)" in capsys.readouterr().err
    # released: a deploy that waits long enough gets it and runs the migration
    waiter = threading.Thread(target=lab.apply, kwargs={"lock_timeout": 10})
    with holder.connection(), holder.locked():
        waiter.start()
        time.sleep(0.5)
        assert "[ ] 0001_step" in lab.status()  # still waiting
    waiter.join(15)
    assert "[x] 0001_step" in lab.status()


def test_failed_migration_resumes_with_the_remaining_operations(lab, backend):
    lab.write("CreateEntity(Entity('Note', [Attr('body', 'Required', str)], table='lab_note')),")
    lab.apply()
    name = lab.write("""
        AddAttr('Note', Attr('a', 'Optional', int)),
        RunSQL("INSERT INTO no_such_table (body) VALUES ('once')", "DELETE FROM lab_note"),
        AddAttr('Note', Attr('b', 'Optional', int)),
    """)
    with pytest.raises(MigrationError) as failure:
        lab.apply()
    message = str(failure.value)
    assert message.startswith(f"{name}: operation 2 of 3 (run SQL) failed: ")
    columns = lambda: [c.name for c in lab.table("lab_note").columns]  # noqa: E731
    if backend.name == "mysql":  # no transactional DDL: the first operation stays, recorded
        assert "the 1 operation(s) before it stay done and recorded" in message
        assert f"[~] {name}  partly applied: 1 of 3 operations" in lab.status()
        assert columns() == ["id", "body", "a"]
    else:
        assert "The migration was rolled back: the database is as it was before it." in message
        assert f"[ ] {name}" in lab.status()
        assert columns() == ["id", "body"]
    path = lab.directory / f"{name}.py"
    path.write_text(path.read_text().replace("no_such_table", "lab_note"))
    lab.out.clear()
    lab.apply()
    assert any(line == f"Applied {name}" + (" (resumed after 1 operations)" if backend.name == "mysql" else "")
               for line in lab.out)
    assert sorted(columns()) == ["a", "b", "body", "id"] and lab.problems(2) == []
    with lab.entities(2) as E:
        assert names(E, "Note", "body") == ["once"]  # the fixed step ran exactly once
    lab.rollback()
    assert columns() == ["id", "body"] or sorted(columns()) == ["body", "id"]


def test_check_compares_defaults_uniques_and_indexes(lab, backend):
    lab.write("CreateEntity(Entity('Item', [Attr('label', 'Required', str, 40, sql_default=\"'none'\"), "
              "Attr('code', 'Required', str, 20, unique=True)])),")
    lab.apply()
    assert lab.problems(1) == []
    state = files.replay(files.load(lab.directory))
    item = state.entity("Item")
    item.attrs[0].options["sql_default"] = "'other'"
    item.attrs[1].options.pop("unique")
    item.attrs[1].options["index"] = True
    runner = lab.project().runner()
    with runner.connection():
        problems = live_differences(runner, state)
        table = lab.table("Item").name
        runner.execute(f"CREATE INDEX hand_made ON {runner.provider.ddl_compiler_cls(runner.provider).quote(table)} "
                       "(label)")
        hand_made = live_differences(runner, files.replay(files.load(lab.directory)))
    assert any(p.startswith(f"column {table}.label has default 'none'") and p.endswith("say 'other'")
               for p in problems), problems
    assert f"UNIQUE (code) of {table} is not in the migrations" in problems
    assert f"index on {table} (code) is missing" in problems
    assert hand_made == [f"index on {table} (label) is not in the migrations"]
    declared = Database()  # entities as the migrations say, for `check`

    class Item(declared.Entity):
        label = Required(str, 40, sql_default="'none'")
        code = Required(str, 20, unique=True)
    backend.bind(declared)
    lab.out.clear()
    assert commands.check(lab.project(declared)) == 1
    assert f"The live database differs from the applied migrations: index on {table} (label) is not in the " \
           "migrations" in lab.out

