"""Issue 11, items 1-6: queries that returned wrong rows."""

from decimal import Decimal

from pony.orm import *

db = Database()

# MariaDB refuses LIMIT inside an IN subquery (Pony passes the error on); here the window is kept.
IMPROVEMENTS = {"case_in_query_with_limit": "LIMIT inside IN (MariaDB)",
                "case_in_query_with_offset": "LIMIT inside IN (MariaDB)",
                "case_in_page": "LIMIT inside IN (MariaDB)",
                "case_not_in_window": "LIMIT inside IN (MariaDB)",
                "case_in_window_of_other_query": "LIMIT inside IN (MariaDB)"}


class Customer(db.Entity):
    id = PrimaryKey(int)
    name = Required(str)
    orders = Set("Order")


class Product(db.Entity):
    id = PrimaryKey(int)
    name = Required(str)
    code = Required(str)
    categories = Set("Category")
    orders = Set("Order")


class Category(db.Entity):
    id = PrimaryKey(int)
    name = Required(str)
    products = Set(Product)


class Order(db.Entity):
    id = PrimaryKey(int)
    customer = Required(Customer)
    paid = Required(bool)
    total = Required(Decimal, 10, 2)
    products = Set(Product)


def populate():
    tablets, phones = Category(id=1, name="Tablets"), Category(id=2, name="Phones")
    products = [Product(id=1, name="Pad", code="a%b", categories=[tablets]),
                Product(id=2, name="Tab", code="a_b", categories=[tablets, phones]),
                Product(id=3, name="Phone", code="axb", categories=[phones]),
                Product(id=4, name="Pen", code="100%", categories=[])]
    c = [Customer(id=i, name=n) for i, n in [(1, "Ann"), (2, "Bob"), (3, "Cid"), (4, "Dee")]]
    rows = [(1, 0, True, "50"), (2, 0, False, "150"), (3, 1, False, "120"), (4, 1, False, "130"),
            (5, 2, True, "200"), (6, 2, True, "300"), (7, 3, False, "10")]
    for oid, cust, paid, total in rows:
        Order(id=oid, customer=c[cust], paid=paid, total=Decimal(total), products=products[: oid % 4 + 1])


# 1. a yielded condition inside exists()
def case_exists_yielded_condition():
    return select(c for c in Customer if exists(o.paid for o in c.orders))


def case_not_exists_yielded_condition():
    return select(c for c in Customer if not exists(o.paid for o in c.orders))


def case_exists_yielded_comparison():
    return select(c for c in Customer if exists(o.total > 140 for o in c.orders))


# 2. an inner query's window
def case_source_with_limit():
    q = select(o for o in Order).order_by(Order.id)[:3]
    return q


def case_in_query_with_limit():
    top = select(o for o in Order).order_by(desc(Order.total)).limit(2)
    return select(c for c in Customer if exists(o for o in c.orders if o in top))


def case_in_query_with_offset():
    window = select(o.id for o in Order).order_by(lambda: o.id).limit(2, offset=2)
    return select(o for o in Order if o.id in window)


def case_loop_over_windowed_query():
    inner = select(o for o in Order).order_by(Order.id).limit(3)
    return select(o.customer for o in inner)


def case_loop_over_page():
    inner = select(o for o in Order).order_by(Order.id).page(2, pagesize=2)
    return select(o.id for o in inner)


# 3. operand types checked before SQL is sent
def case_str_compared_with_int():
    return select(c for c in Customer if c.name == 1)


def case_int_compared_with_str():
    return select(o for o in Order if o.id > "a")


def case_object_in_other_collection():
    p = Product[1]
    return select(c for c in Customer if p in c.orders)


def case_decimal_plus_float():
    return select(o for o in Order if o.total + 1.5 > 100)


def case_strip_with_int():
    return select(c for c in Customer if c.name.strip(5) == "Ann")


# 4. substring tests with % and _
def case_substring_percent():
    return select(p for p in Product if "%" in p.code)


def case_substring_underscore():
    return select(p for p in Product if "_" in p.code)


def case_substring_param():
    x = "a_b"
    return select(p for p in Product if x in p.code)


def case_not_substring_param():
    x = "%"
    return select(p for p in Product if x not in p.code)


# 5. a non-aggregate condition stays in WHERE
def case_where_and_having():
    return select(p for p in Product if "Tablets" in p.categories.name and count(p.orders) > 1)


# 6. conditional count
def case_conditional_count():
    return select((c, count(o.total > 100)) for c in Customer for o in c.orders)


def case_conditional_count_attr():
    return select((c, count(c.orders.total > 100)) for c in Customer)


# --- variants ---------------------------------------------------------------------------------

def _by_id():
    return select(o for o in Order).order_by(Order.id)


# 1. exists() and generators as conditions
def case_exists_yielded_condition_with_if():
    return select(c for c in Customer if exists(o.paid for o in c.orders if o.total > 250))


def case_exists_yielded_and():
    return select(c for c in Customer if exists(o.paid and o.total > 250 for o in c.orders))


def case_exists_yielded_or():
    return select(c for c in Customer if exists(o.paid or o.total < 20 for o in c.orders))


def case_exists_yielded_negation():
    return select(c for c in Customer if exists(not o.paid for o in c.orders))


def case_generator_as_condition():
    return select(c for c in Customer if (o.paid for o in c.orders))


def case_not_generator_as_condition():
    return select(c for c in Customer if not (o.total > 140 for o in c.orders))


def case_exists_yielded_in_result():
    return select((c, exists(o.paid for o in c.orders)) for c in Customer)


def case_exists_yielded_false():
    return select(c for c in Customer if exists(False for o in c.orders))


def case_exists_yielded_value_is_not_a_condition():
    return select(c for c in Customer if exists(o.total - 50 for o in c.orders))


def case_exists_lifted_attribute():
    return select(c for c in Customer if exists(c.orders.paid))


def case_exists_yielded_and_aggregate():
    return select(c for c in Customer if exists(o.paid for o in c.orders) and count(c.orders) > 1)


def case_exists_yielded_over_entity():
    return select(c for c in Customer if exists(o.paid == True for o in Order if o.customer == c))  # noqa: E712


# 2. windows of inner queries
def case_loop_over_limit_with_offset():
    return select(o.id for o in _by_id().limit(3, offset=1))


def case_loop_over_page_three():
    return select(o.id for o in _by_id().page(2, 3))


def case_loop_over_window_descending():
    return select(o.customer.name for o in select(o for o in Order).order_by(desc(Order.total)).limit(2))


def case_loop_over_window_then_window_ordered():
    return select(o for o in _by_id().limit(3) if o.total > 100).order_by(lambda: o.id)[:1]


def case_in_page():
    return select(o.id for o in Order if o in _by_id().page(2, 2))


def case_not_in_window():
    return select(o.id for o in Order if o not in _by_id().limit(3, offset=2))


def case_in_slice():
    return select(c for c in Customer if exists(o for o in c.orders if o in _by_id()[:2]))


def case_in_window_of_other_query():
    top = select(o for o in Order if not o.paid).order_by(desc(Order.total)).limit(2, offset=1)
    return select(c for c in Customer if exists(o for o in c.orders if o in top))


# 3. operand types
def case_str_ordered_with_int():
    return select(c for c in Customer if c.name < 1)


def case_str_equal_to_float():
    return select(c for c in Customer if c.name == 1.5)


def case_str_equal_to_bool():
    return select(c for c in Customer if c.name == True)  # noqa: E712


def case_bool_equal_to_str():
    return select(o for o in Order if o.paid == "a")


def case_decimal_equal_to_str():
    return select(o for o in Order if o.total == "a")


def case_decimal_compared_with_float():
    return select(o for o in Order if o.total > 1.5)


def case_decimal_in_floats():
    return select(o for o in Order if o.total in (1.5, 2.5))


def case_str_in_floats():
    return select(c for c in Customer if c.name in (1.5, 2.5))


def case_str_in_mixed_tuple():
    return select(c for c in Customer if c.name in ("Ann", 1))


def case_between_decimal_and_float():
    return select(o for o in Order if between(o.total, 1.5, 100))


def case_between_int_and_str():
    return select(o for o in Order if between(o.id, "a", "b"))


def case_max_of_decimal_and_float():
    return select(o for o in Order if max(o.total, 1.5) > 100)


def case_float_minus_decimal_param():
    x = 1.5
    return select(o for o in Order if x - o.total > 100)


def case_sum_plus_float():
    return select((c, sum(o.total) + 1.5) for c in Customer for o in c.orders)


def case_avg_compared_with_float():
    return select(c for c in Customer if avg(c.orders.total) > 125.5)


def case_decimal_plus_int():
    return select(o for o in Order if o.total + 1 > 150)


def case_int_plus_float():
    return select(o for o in Order if o.id + 1.5 > 6)


def case_startswith_int():
    return select(c for c in Customer if c.name.startswith(5))


def case_rstrip_int_param():
    x = 1
    return select(c for c in Customer if c.name.rstrip(x) == "Ann")


def case_lstrip_attribute_of_wrong_type():
    return select(c for c in Customer if c.name.lstrip(c.id) == "Ann")


def case_object_in_query_of_other_entity():
    return select(o for o in Order if o in select(c for c in Customer))


def case_related_object_in_other_collection():
    return select(o for o in Order for c in Customer if o.customer in c.orders)


def case_object_in_other_reverse_collection():
    return select(p for p in Product for c in Customer if c in p.orders)


def case_object_in_tuple_of_other_entity():
    return select(c for c in Customer if c in (Product[1],))


def case_lifted_set_compared():
    return select(c for c in Customer if c.orders.total == 1)


# 4. substring tests
def case_endswith_percent():
    return select(p for p in Product if p.code.endswith("%"))


def case_startswith_underscore_param():
    x = "a_"
    return select(p for p in Product if p.code.startswith(x))


def case_not_substring_underscore():
    return select(p for p in Product if "_" not in p.code)


def case_attribute_in_attribute():
    return select((p, c) for p in Product for c in Category if p.code in c.name)


def case_attribute_in_attribute_same_entity():
    return select((p.id, q.id) for p in Product for q in Product if q.code in p.code)


# 5. WHERE and HAVING
def case_having_and_where_conjuncts():
    return select((c, count(o)) for c in Customer for o in c.orders if o.total > 100 and count(o) > 1)


def case_having_before_where_conjunct():
    return select((c, count(o)) for c in Customer for o in c.orders if count(o) > 1 and o.total > 100)


def case_nested_and_with_aggregate():
    return select((c, count(o)) for c in Customer for o in c.orders if (o.total > 100 and c.id < 4) and count(o) >= 1)


def case_or_with_aggregate():
    return select((c, count(o)) for c in Customer for o in c.orders if o.total > 250 or count(o) > 1)


def case_separate_ifs_with_aggregate():
    return select((c, count(o)) for c in Customer for o in c.orders if o.total > 100 if count(o) > 1)


def case_filter_with_aggregate_conjunct():
    return select((c, count(o)) for c in Customer for o in c.orders).filter(lambda: o.total > 100 and count(o) > 1)


def case_attribute_and_collection_count():
    return select(c for c in Customer if c.name != "Bob" and count(c.orders) > 1)


# 6. conditional count
def case_count_bool_attribute():
    return select((c, count(o.paid)) for c in Customer for o in c.orders)


def case_count_negation():
    return select((c, count(not o.paid)) for c in Customer for o in c.orders)


def case_count_and_condition():
    return select((c, count(o.total > 100 and not o.paid)) for c in Customer for o in c.orders)


def case_count_condition_distinct():
    return select((c, count(o.total > 100, distinct=True)) for c in Customer for o in c.orders)


def case_count_condition_without_group():
    return select(count(o.total > 100) for o in Order).first()


def case_count_condition_in_having():
    return select(c for c in Customer for o in c.orders if count(o.total > 100) > 1)


def case_count_condition_with_where():
    return select((c, count(o.total > 100)) for c in Customer for o in c.orders if o.id < 6)


def case_count_condition_and_count():
    return select((c, count(o.total > 100), count(o)) for c in Customer for o in c.orders)


def case_count_object_equality():
    return select((c, count(o.customer == c)) for c in Customer for o in Order)


def case_count_in_tuple():
    return select((c, count(o.id in (1, 2, 3))) for c in Customer for o in c.orders)


def case_count_generator_counts_rows():
    return select((c, count(o.total > 100 for o in c.orders)) for c in Customer)


def case_count_value_counts_not_null():
    return select((c, count(o.total)) for c in Customer for o in c.orders)
