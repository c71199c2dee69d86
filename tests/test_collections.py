"""The ``obj.items`` collection API and attribute lifting (SPEC 4.4-4.5)."""

from __future__ import annotations

import pickle

import pytest

from pony.orm import Database, DatabaseError, Optional, Required, Set, TableIsNotEmpty, db_session


def define(db: Database) -> None:
    class Customer(db.Entity):
        name = Required(str)
        orders = Set("Order")
        tags = Set("Tag")

    class Order(db.Entity):
        total = Required(int)
        customer = Required(Customer)
        items = Set("Item")

    class Item(db.Entity):
        product = Required(str)
        order = Optional(Order)

    class Tag(db.Entity):
        name = Required(str)
        customers = Set(Customer)


@pytest.fixture
def db(backend):
    db = backend.make_db(define)
    with db_session:
        c = db.Customer(name="C")
        db.Customer(name="D")
        o1 = db.Order(total=10, customer=c)
        o2 = db.Order(total=10, customer=c)
        db.Item(product="apple", order=o1)
        db.Item(product="pear", order=o1)
        db.Item(product="apple", order=o2)
        db.Tag(name="vip", customers=[c])
    return db


def selects(db) -> int:
    return sum(stat.db_count for sql, stat in db.local_stats.items()
               if sql and sql.lstrip().upper().startswith("SELECT"))


def test_len_count_and_is_empty(db):
    with db_session:
        c = db.Customer[1]
        db.merge_local_stats()
        assert c.orders.count() == 2
        assert c.orders.count() == 2  # cached
        assert selects(db) == 1
        assert not c.orders.is_empty() and bool(c.orders)
        assert db.Customer[2].orders.is_empty() and not db.Customer[2].orders
        assert len(c.orders) == 2


def test_membership(db):
    with db_session:
        c, d = db.Customer[1], db.Customer[2]
        o1 = db.Order[1]
        assert o1 in c.orders and o1 not in d.orders
        assert db.Item[1] not in c.orders  # another type: just False
        assert db.Tag[1] in c.tags and db.Tag[1] not in d.tags


def test_add_remove_clear_and_operators(db):
    with db_session:
        c, d = db.Customer[1], db.Customer[2]
        o1, o2 = db.Order[1], db.Order[2]
        d.orders.add(o1)
        assert o1.customer is d and set(c.orders) == {o2}
        d.orders += [o2]
        assert c.orders.is_empty() and len(d.orders) == 2
        tag = db.Tag(name="new")
        c.tags.add(tag)
        c.tags -= db.Tag[1]
        assert set(c.tags) == {tag} and list(db.Tag[1].customers) == []
        c.tags.clear()
        assert list(c.tags) == [] and list(tag.customers) == []
        order = db.Order[1]
        assert order.items.copy() == {db.Item[1], db.Item[2]}
        assert isinstance(order.items.copy(), set)
        assert order.items == {db.Item[1], db.Item[2]}
        assert order.items == [db.Item[2], db.Item[1]]
        assert order.items + [db.Item[3]] == {db.Item[1], db.Item[2], db.Item[3]}
        assert order.items - [db.Item[1]] == {db.Item[2]}
        order.items.remove(db.Item[2])
        assert db.Item[2].order is None
    with db_session:
        assert [o.customer.name for o in db.Order.select().order_by(db.Order.id)] == ["D", "D"]
        assert list(db.Customer[1].tags) == []
        assert db.Item[2].order is None


def test_create_through_a_collection(db):
    with db_session:
        c = db.Customer[2]
        o = c.orders.create(total=5)
        assert o.customer is c and o in c.orders
        with pytest.raises(TypeError, match=r"^When using Customer.orders.create\(\), 'customer' attribute should "
                                            r"not be passed explicitly$"):
            c.orders.create(total=1, customer=c)
        tag = c.tags.create(name="m2m")
        assert c in tag.customers
    with db_session:
        assert db.Customer[2].orders.count() == 1 and db.Customer[2].tags.count() == 1


def test_whole_collection_assignment(db):
    with db_session:
        o1 = db.Order[1]
        o1.items = [db.Item[2], db.Item[3]]
        assert db.Item[1].order is None and db.Item[3].order is o1
        db.Customer[2].tags = db.Tag.select()[:]
    with db_session:
        assert {i.id for i in db.Order[1].items} == {2, 3}
        assert [t.name for t in db.Customer[2].tags] == ["vip"]
        db.Order[2].items = []
    with db_session:
        assert db.Order[2].items.is_empty()


def test_bad_items(db):
    with db_session:
        c = db.Customer[1]
        with pytest.raises(TypeError, match=r"^Item of collection Customer.orders must be an instance of Order. "
                                            r"Got: 1$"):
            c.orders = [1]
        with pytest.raises(TypeError, match=r"^Item of collection Customer.orders must be an instance of Order. "
                                            r"Got: Customer\[1\]$"):
            c.orders.add(c)
        with pytest.raises(ValueError, match="^A single Order instance or Order iterable is expected. Got: None$"):
            c.orders.add(None)


def test_load_and_str_repr(db):
    with db_session:
        c = db.Customer[1]
        c.orders.load()
        db.merge_local_stats()
        assert len(c.orders) == 2 and selects(db) == 0
        assert str(c.orders) == "OrderSet([Order[1], Order[2]])"
        assert repr(c.orders) == "<OrderSet Customer[1].orders>"


def test_iteration_is_a_snapshot(db):
    with db_session:
        c, d = db.Customer[1], db.Customer[2]
        for order in c.orders:
            d.orders.add(order)
        assert c.orders.is_empty()


def test_attribute_lifting(db):
    with db_session:
        c = db.Customer[1]
        totals = c.orders.total
        assert len(totals) == 2 and list(totals) == [10, 10]
        assert totals.distinct() == {10: 2}
        assert 10 in totals and 11 not in totals
        assert totals == [10, 10] and totals == {10: 2}
        assert repr(totals) == "<Multiset Customer[1].orders.total (2 items)>"
        products = c.orders.items.product
        assert products.distinct() == {"apple": 2, "pear": 1}
        assert repr(products) == "<Multiset Customer[1].orders.items.product (3 items)>"
        assert pickle.loads(pickle.dumps(products)) == products
        assert db.Customer[2].orders.total.distinct() == {}


def test_drop_table_of_a_set_attribute(db):
    table = db.Customer.tags.m2m_table
    with pytest.raises(TableIsNotEmpty, match=f"^Cannot drop table {db.provider.quote_name(table)} because it is "
                                              "not empty"):
        db.Customer.tags.drop_table()
    db.Customer.tags.drop_table(with_all_data=True)
    with pytest.raises(DatabaseError):  # the table is gone
        with db_session:
            db.Customer[1].tags.count()
