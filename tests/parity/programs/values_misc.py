"""Issue "Queries parity", items 13, 15, 16, 17, 19: truth values, entity identity, lifted arithmetic,
hybrid methods given None, bools and Decimals in aggregates."""

from decimal import Decimal

from pony.orm import *

db = Database()

# PostgreSQL has no min()/max() of booleans: Pony 0.7.20 passes the database error on.
IMPROVEMENTS = {
    "case_min_bool": "min(boolean) on PostgreSQL",
    "case_max_bool": "max(boolean) on PostgreSQL",
    "case_query_max_bool": "max(boolean) on PostgreSQL",
    "case_lifted_bool_max": "max(boolean) on PostgreSQL",
    "case_avg_bool": "avg(boolean) on PostgreSQL",
}


class Person(db.Entity):
    id = PrimaryKey(int)
    name = Required(str)
    age = Optional(int)
    score = Optional(float)
    active = Optional(bool)
    flag = Required(bool)
    balance = Optional(Decimal, 10, 2)
    boss = Optional("Person", reverse="staff")
    staff = Set("Person", reverse="boss")
    meetings = Set("Meeting")
    orders = Set("Order")

    def older_than(self, other):
        return self.age > other.age

    def same_boss(self, other):
        return self.boss == other.boss

    def name_of(self, other):
        return other.name

    def same_age(self, other):
        return self.age == other.age


class Meeting(db.Entity):
    id = PrimaryKey(int)
    host = Required(Person)


class Order(db.Entity):
    id = PrimaryKey(int)
    person = Required(Person)
    items = Set("Item")


class Item(db.Entity):
    id = PrimaryKey(int)
    order = Required(Order)
    price = Required(Decimal, 10, 2)
    quantity = Required(int)
    weight = Optional(float)


def populate():
    a = Person(id=1, name="Ann", age=0, score=0.0, active=True, flag=True, balance=Decimal("0"))
    b = Person(id=2, name="Bob", age=30, score=1.5, active=False, flag=False, balance=Decimal("10.25"), boss=a)
    c = Person(id=3, name="Cid", age=None, score=None, active=None, flag=True, balance=None, boss=a)
    Person(id=4, name="Dee", age=45, score=-2.0, active=True, flag=False, balance=Decimal("3.10"), boss=b)
    Meeting(id=1, host=a)
    Meeting(id=2, host=b)
    Meeting(id=3, host=a)
    o1, o2 = Order(id=1, person=a), Order(id=2, person=b)
    Order(id=3, person=c)
    Item(id=1, order=o1, price=Decimal("2.50"), quantity=4, weight=1.5)
    Item(id=2, order=o1, price=Decimal("1.25"), quantity=2, weight=None)
    Item(id=3, order=o2, price=Decimal("10.00"), quantity=1, weight=2.0)


# 13. truth of numbers; `is True` / `is False`
def case_not_int_attr():
    return select(p.name for p in Person if not p.age)


def case_int_attr_as_condition():
    return select(p.name for p in Person if p.age)


def case_not_float_attr():
    return select(p.name for p in Person if not p.score)


def case_not_decimal_attr():
    return select(p.name for p in Person if not p.balance)


def case_not_int_attr_or():
    return select(p.name for p in Person if not p.age or p.name == "Dee")


def case_bool_attr_is_true():
    return select(p.name for p in Person if p.active is True)


def case_bool_attr_is_false():
    return select(p.name for p in Person if p.active is False)


def case_bool_attr_is_not_true():
    return select(p.name for p in Person if p.active is not True)


def case_bool_attr_is_not_false():
    return select(p.name for p in Person if p.active is not False)


def case_required_bool_is_true():
    return select(p.name for p in Person if p.flag is True)


def case_required_bool_is_false():
    return select(p.name for p in Person if p.flag is False)


def case_not_bool_attr():
    return select(p.name for p in Person if not p.active)


# 15. `is` / `is not` between entity objects
def case_entity_is_param():
    ann = Person[1]
    return select(m.id for m in Meeting if m.host is ann)


def case_entity_is_not_param():
    ann = Person[1]
    return select(m.id for m in Meeting if m.host is not ann)


def case_entity_is_entity():
    return select((p.name, q.name) for p in Person for q in Person if p.boss is q)


def case_entity_is_not_entity():
    return select(p.name for p in Person for q in Person if q.id == 1 and p.boss is not q)


def case_entity_is_none():
    return select(p.name for p in Person if p.boss is None)


# 16. arithmetic between lifted collection attributes
def case_sum_of_product():
    return select((o.id, sum(o.items.price * o.items.quantity)) for o in Order)


def case_sum_of_sum():
    return select((o.id, sum(o.items.quantity + o.items.quantity)) for o in Order)


def case_max_of_product():
    return select((o.id, max(o.items.quantity * o.items.weight)) for o in Order)


def case_sum_of_product_scalar():
    return select(sum(o.items.price * o.items.quantity) for o in Order if o.id == 1).first()


# 17. hybrid methods given a None constant
def case_hybrid_none_argument():
    return select(p.name for p in Person if p.older_than(None))


def case_hybrid_none_compare_entity():
    return select(p.name for p in Person if p.same_boss(None))


def case_hybrid_none_equality():
    return select(p.name for p in Person if p.same_age(None))


def case_hybrid_none_attribute_value():
    return select((p.name, p.name_of(None)) for p in Person)


# 19. bools in arithmetic and min/max; avg over Decimal
def case_bool_plus_int():
    return select((p.name, p.flag + 1) for p in Person)


def case_bool_times_int():
    return select((p.name, p.flag * 3) for p in Person)


def case_sum_of_bool_expression():
    return select(sum(p.flag + 0) for p in Person).first()


def case_min_bool():
    return select(min(p.flag) for p in Person).first()


def case_max_bool():
    return select(max(p.flag) for p in Person).first()


def case_max_bool_and_number():
    return select((p.name, max(p.flag, 0)) for p in Person)


def case_min_bool_and_number():
    return select((p.name, min(p.flag, 5)) for p in Person)


def case_avg_decimal():
    return avg(p.balance for p in Person)


def case_avg_decimal_in_select():
    return select(avg(p.balance) for p in Person).first()


def case_avg_decimal_grouped():
    return select((o.id, avg(o.items.price)) for o in Order)


def case_sum_decimal():
    return sum(p.balance for p in Person)


def case_query_max_bool():
    return max(p.flag for p in Person)


def case_avg_bool():
    return select(avg(p.flag) for p in Person).first()


def case_lifted_bool_max():
    return select((p.name, max(p.staff.flag)) for p in Person)
