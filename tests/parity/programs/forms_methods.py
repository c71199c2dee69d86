"""Issue "Queries parity", items 10-12: collection methods, getattr, string slices, group_concat."""

from decimal import Decimal

from pony.orm import *

db = Database()


class Customer(db.Entity):
    id = PrimaryKey(int)
    name = Required(str)
    email = Optional(str)
    orders = Set("Order")


class Product(db.Entity):
    id = PrimaryKey(int)
    name = Required(str)
    price = Required(Decimal, 10, 2)
    orders = Set("Order")


class Order(db.Entity):
    id = PrimaryKey(int)
    customer = Required(Customer)
    product = Required(Product)
    total = Required(Decimal, 10, 2)


def populate():
    c = [Customer(id=1, name="Annabel", email="ann@x.org"), Customer(id=2, name="Bob"),
         Customer(id=3, name="Cecilia", email="cec@y.org"), Customer(id=4, name="Dmitri")]
    p = [Product(id=1, name="Pad", price=Decimal("5")), Product(id=2, name="Tablet", price=Decimal("250")),
         Product(id=3, name="Phone", price=Decimal("99.50"))]
    rows = [(1, 0, 0, "5"), (2, 0, 1, "250"), (3, 1, 2, "99.50"), (4, 2, 0, "10"), (5, 2, 0, "5"), (6, 0, 2, "8")]
    for oid, cust, prod, total in rows:
        Order(id=oid, customer=c[cust], product=p[prod], total=Decimal(total))


def _sorted_parts(text):
    return sorted(text.split(",")) if text is not None else None


# 10. collection methods inside queries
def case_collection_select_count():
    return select(c for c in Customer if count(c.orders.select()) > 1)


def case_collection_filter_count():
    return select((c, count(c.orders.filter())) for c in Customer)


def case_collection_select_loop():
    # totals as floats: Decimal('5') from Pony on SQLite and Decimal('5.00') here are the same number
    return [float(t) for t in select(o.total for c in Customer for o in c.orders.select() if c.name.startswith("A"))]


def case_collection_select_exists():
    return select(c for c in Customer if exists(c.orders.select()))


def case_collection_exists_lambda():
    return select(c for c in Customer if c.orders.exists(lambda o: o.total > 10))


def case_collection_not_exists_lambda():
    return select(c for c in Customer if not c.orders.exists(lambda o: o.total > 10))


def case_collection_exists_lambda_param():
    limit = Decimal("50")
    return select(c.name for c in Customer if c.orders.exists(lambda o: o.total > limit))


def case_getattr_object_attribute():
    return select(getattr(c, "name") for c in Customer)  # noqa: B009


def case_getattr_in_condition():
    return select(c for c in Customer if getattr(c, "name") == "Bob")  # noqa: B009


def case_getattr_name_from_variable():
    attr = "email"
    return select(c.id for c in Customer if getattr(c, attr) is None)


def case_getattr_relationship_chain():
    return select(o.id for o in Order if getattr(getattr(o, "customer"), "name") == "Bob")  # noqa: B009


def case_getattr_collection_members():
    return [(c, float(t)) for c, t in select((c, getattr(c.orders, "total")) for c in Customer)]  # noqa: B009


def case_collection_attribute_result():
    return [(c.name, float(t)) for c, t in select((c, c.orders.total) for c in Customer if c.id > 1)]


def case_collection_attribute_relation_result():
    return select((c.name, c.orders.product) for c in Customer)


def case_collection_attribute_chain_result():
    return select(c.orders.product.name for c in Customer)


def case_getattr_collection_in():
    return select(c for c in Customer if Decimal("5") in getattr(c.orders, "total"))  # noqa: B009


def case_getattr_string_method():
    return select(c for c in Customer if getattr(c.name, "startswith")("C"))  # noqa: B009


def case_getattr_string_method_result():
    return select(getattr(c.name, "upper")() for c in Customer)  # noqa: B009


def case_entity_select_in():
    return select(o.id for o in Order if o.product in Product.select(lambda p: p.price > 50))


def case_entity_select_not_in():
    return select(o.id for o in Order if o.product not in Product.select(lambda p: p.price > 50))


def case_entity_select_in_with_param():
    name = "Pad"
    return select(c for c in Customer for o in c.orders if o.product in Product.select(lambda p: p.name == name))


# 11. string slices
def case_slice_none_start():
    return select(c.name[None:3] for c in Customer)


def case_slice_none_stop():
    return select(c.name[2:None] for c in Customer)


def case_slice_none_variables():
    start, stop = None, None
    return select(c.name[start:stop] for c in Customer)


def case_slice_variable_start_none_stop():
    start, stop = 1, None
    return select(c.name[start:stop] for c in Customer)


def case_slice_negative_stop():
    return select(c.name[:-2] for c in Customer)


def case_slice_start_and_negative_stop():
    return select(c.name[1:-1] for c in Customer)


def case_slice_negative_start():
    return select(c.name[-3:] for c in Customer)


def case_slice_negative_both():
    return select(c.name[-3:-1] for c in Customer)


def case_slice_column_bounds():
    return select(c.name[c.id:c.id + 2] for c in Customer)


def case_slice_in_condition():
    return select(c for c in Customer if c.name[1:3] == "ec")


def case_slice_variable_negative_stop():
    stop = -3
    return select(c.name[:stop] for c in Customer)


# 12. group_concat
def case_entity_select_group_concat():
    return _sorted_parts(Customer.select().group_concat())


def case_value_query_group_concat():
    return _sorted_parts(select(c.name for c in Customer).group_concat())


def case_value_query_group_concat_sep():
    return sorted(select(c.name for c in Customer if c.id < 3).group_concat(sep="|").split("|"))


def case_group_concat_distinct():
    return [(name, _sorted_parts(text)) for name, text in
            select((o.product.name, group_concat(o.customer.name, distinct=True)) for o in Order)]


def case_group_concat_distinct_aggregate():
    return _sorted_parts(select(group_concat(o.total, distinct=True) for o in Order).first())


def case_group_concat_not_distinct():
    return [(name, _sorted_parts(text)) for name, text in
            select((o.product.name, group_concat(o.customer.name)) for o in Order)]
