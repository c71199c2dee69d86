"""An e-store: customers, products in categories, shopping carts, orders and order items.

Run it with ``python -m pony.orm.examples.estore`` (embedded SQLite in memory), or use it from
Python on any database::

    db = Database("postgres", user="postgres", database="test")
    define_entities(db)
    db.generate_mapping(create_tables=True)
    populate(db)
"""

# Query sources stay on one line, as a reader types them.
# ruff: noqa: E501

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pony.orm import Database, Optional, PrimaryKey, Required, Set, db_session

from ._runner import ExampleQuery, run_example

CREATED, SHIPPED, DELIVERED, CANCELLED = "CREATED", "SHIPPED", "DELIVERED", "CANCELLED"


def define_entities(db: Database) -> None:
    class Customer(db.Entity):
        email = Required(str, unique=True)
        password = Required(str)
        name = Required(str)
        country = Required(str)
        address = Required(str)
        cart_items = Set("CartItem")
        orders = Set("Order")

    class Product(db.Entity):
        name = Required(str)
        categories = Set("Category")
        description = Optional(str)
        picture = Optional(bytes, lazy=True)
        price = Required(Decimal, 10, 2)
        quantity = Required(int)
        cart_items = Set("CartItem")
        order_items = Set("OrderItem")

    class CartItem(db.Entity):
        quantity = Required(int)
        customer = Required(Customer)
        product = Required(Product)

    class Order(db.Entity):
        id = PrimaryKey(int, auto=True)
        state = Required(str)
        date_created = Required(datetime)
        date_shipped = Optional(datetime)
        date_delivered = Optional(datetime)
        total_price = Required(Decimal, 10, 2)
        customer = Required(Customer)
        items = Set("OrderItem")

    class OrderItem(db.Entity):
        quantity = Required(int, default=1)
        price = Required(Decimal, 10, 2)
        order = Required(Order)
        product = Required(Product)
        PrimaryKey(order, product)

    class Category(db.Entity):
        name = Required(str, unique=True)
        products = Set(Product)

    _ = (CartItem, OrderItem, Category)


# (name, price, quantity in stock, categories)
PRODUCTS = [
    ("Kindle Fire HD", "284.00", 120, ["Tablets", "Electronics"]),
    ("Apple iPad with Retina Display", "478.50", 18, ["Tablets", "Electronics"]),
    ("SanDisk Extreme 240GB SSD", "170.00", 41, ["Solid State Drives", "Computer Accessories"]),
    ("Samsung 840 Series 250GB SSD", "185.00", 0, ["Solid State Drives", "Computer Accessories"]),
    ("Crucial M500 240GB SSD", "149.99", 10, ["Solid State Drives", "Computer Accessories"]),
    ("Apple MacBook Air 13-inch", "1049.00", 4, ["Laptops", "Electronics"]),
    ("Logitech Wireless Mouse", "24.95", 300, ["Computer Accessories"]),
]

# (email, name, country, address)
CUSTOMERS = [
    ("john@example.com", "John Smith", "USA", "13 Main Street, Springfield"),
    ("matthew@example.com", "Matthew Reed", "USA", "40 Elm Road, Denver"),
    ("chuanqin@example.com", "Chuan Qin", "China", "12 Dongcheng Road, Beijing"),
    ("rebecca@example.com", "Rebecca Lawson", "USA", "2 Ocean Drive, Miami"),
    ("oliver@example.com", "Oliver Blakey", "UK", "7 Baker Street, London"),
]

# (customer number, state, created, shipped, delivered, [(product number, quantity)])
ORDERS = [
    (1, DELIVERED, "2023-03-01 10:15", "2023-03-02 12:00", "2023-03-05 09:30", [(1, 1), (3, 2)]),
    (1, SHIPPED, "2023-04-11 18:40", "2023-04-12 08:00", None, [(7, 3)]),
    (2, DELIVERED, "2023-02-20 09:05", "2023-02-21 10:00", "2023-02-24 16:45", [(6, 2)]),
    (3, CREATED, "2023-04-15 22:10", None, None, [(2, 1), (7, 1)]),
    (5, CANCELLED, "2023-01-07 13:00", None, None, [(5, 2)]),
    (2, DELIVERED, "2023-03-18 11:30", "2023-03-19 09:15", "2023-03-21 14:00", [(1, 2), (7, 2)]),
]

# (customer number, product number, quantity)
CART_ITEMS = [(1, 2, 1), (3, 6, 1), (4, 1, 2), (4, 7, 1)]


def _when(text: str | None) -> datetime | None:
    return datetime.strptime(text, "%Y-%m-%d %H:%M") if text else None


def populate(db: Database) -> None:
    with db_session:
        categories = {}
        products = []
        for name, price, quantity, category_names in PRODUCTS:
            for category_name in category_names:
                if category_name not in categories:
                    categories[category_name] = db.Category(name=category_name)
            products.append(db.Product(name=name, price=Decimal(price), quantity=quantity,
                                       description=f"{name}, new, in its original box",
                                       categories=[categories[c] for c in category_names]))
        customers = [db.Customer(email=email, password="***", name=name, country=country, address=address)
                     for email, name, country, address in CUSTOMERS]
        for customer_no, state, created, shipped, delivered, lines in ORDERS:
            total = sum(products[p - 1].price * q for p, q in lines)
            order = db.Order(customer=customers[customer_no - 1], state=state, total_price=total,
                             date_created=_when(created), date_shipped=_when(shipped),
                             date_delivered=_when(delivered))
            for product_no, quantity in lines:
                product = products[product_no - 1]
                db.OrderItem(order=order, product=product, quantity=quantity, price=product.price)
        for customer_no, product_no, quantity in CART_ITEMS:
            db.CartItem(customer=customers[customer_no - 1], product=products[product_no - 1], quantity=quantity)


QUERIES: list[ExampleQuery] = [
    ("Customers from the USA",
     "select(c for c in Customer if c.country == 'USA').order_by(Customer.name)"),
    ("Number of customers in each country",
     "select((c.country, count(c)) for c in Customer).order_by(1)"),
    ("The most expensive product price",
     "max(p.price for p in Product)"),
    ("The most expensive solid state drive",
     "select(p for p in Product if 'Solid State Drives' in p.categories.name)"
     ".order_by(lambda p: desc(p.price)).first()"),
    ("Three most expensive products",
     "Product.select().order_by(desc(Product.price))[:3]"),
    ("Products out of stock",
     "select(p for p in Product if p.quantity == 0)"),
    ("Products cheaper than the average price",
     "select(p for p in Product if float(p.price) < avg(x.price for x in Product)).order_by(Product.price)"),
    ("Products nobody has ordered",
     "select(p for p in Product if not p.order_items).order_by(Product.id)"),
    ("Best sellers by quantity ordered",
     "select((p.name, sum(p.order_items.quantity)) for p in Product"
     " if count(p.order_items) > 0).order_by(lambda name, quantity: (desc(quantity), name))"),
    ("Customers with more than one order",
     "select(c for c in Customer if count(c.orders) > 1).order_by(Customer.name)"),
    ("Customers who have not ordered anything",
     "select(c for c in Customer if not c.orders)"),
    ("Money spent by each customer on delivered orders",
     "select((o.customer.name, sum(o.total_price)) for o in Order if o.state == 'DELIVERED')"
     ".order_by(lambda name, total: desc(total))"),
    ("Orders with their customer and number of items",
     "select((o.id, o.customer.name, o.state, count(o.items)) for o in Order).order_by(1)"),
    ("Orders shipped in March 2023",
     "select(o for o in Order if o.date_shipped.year == 2023 and o.date_shipped.month == 3)"
     ".order_by(Order.date_shipped)"),
    ("Customers who bought a tablet",
     "select(c for c in Customer if 'Tablets' in c.orders.items.product.categories.name)"
     ".order_by(Customer.name)"),
    ("What is in the shopping carts",
     "select((ci.customer.name, ci.product.name, ci.quantity) for ci in CartItem).order_by(1, 2)"),
    ("The customer with the largest single order",
     "select(o.customer for o in Order).order_by(lambda c: desc(max(c.orders.total_price))).first()"),
]


def main(argv: list[str] | None = None) -> None:
    run_example(define_entities, populate, QUERIES, argv)


if __name__ == "__main__":
    main()
