"""Bulk update, beyond Pony: ``query.update(...)`` / ``update(gen, ...)`` sends one UPDATE statement,
validates values like attribute assignment, flushes pending changes first, and leaves the objects of
the session consistent with the database (no stale values, no spurious optimistic failures)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

import pony.orm
from pony.orm import (
    Database,
    OptimisticCheckError,
    Optional,
    PrimaryKey,
    Required,
    Set,
    TransactionIntegrityError,
    TranslationError,
    avg,
    commit,
    count,
    db_session,
    select,
    update,
)

HOOKS: list = []


def define(db: Database) -> None:
    class Category(db.Entity):
        name = Required(str, 20, unique=True)
        products = Set("Product")

    class Product(db.Entity):
        name = Required(str, 10)
        price = Required(Decimal, 10, 2)
        stock = Required(int)
        active = Required(bool, default=True)
        note = Optional(str, 20, nullable=True)
        code = Optional(str, 10, unique=True, nullable=True)
        category = Optional(Category)

        def before_update(self) -> None:
            HOOKS.append(("before_update", self.name))

        def after_update(self) -> None:
            HOOKS.append(("after_update", self.name))


@pytest.fixture(scope="module")
def db(backend_module):
    return backend_module.make_db(define)


# name: (price, stock, category)
ROWS = {"hammer": ("10.00", 0, "tools"), "saw": ("20.00", 5, "tools"), "ball": ("5.00", 0, "toys"),
        "doll": ("8.00", 3, None)}


@pytest.fixture
def data(db):
    with db_session:
        db.Product.select().delete(bulk=True)
        db.Category.select().delete(bulk=True)
        categories = {name: db.Category(name=name) for name in ("tools", "toys")}
        for name, (price, stock, category) in ROWS.items():
            db.Product(name=name, price=Decimal(price), stock=stock,
                       category=categories[category] if category else None)
    HOOKS.clear()
    return db


def table(db) -> dict:
    """name -> (price, stock, active, note, category name), read in a session of its own."""
    with db_session:
        return {p.name: (p.price, p.stock, p.active, p.note, p.category.name if p.category else None)
                for p in db.Product.select()}


def statements(db, verb: str) -> int:
    return sum(stat.db_count for sql, stat in db.local_stats.items()
               if sql and sql.lstrip().upper().startswith(verb))


# --- rows changed and statements sent --------------------------------------------------------------


def test_query_update_sets_a_value_on_matching_rows_and_returns_their_count(data):
    before = table(data)
    with db_session:
        count = select(p for p in data.Product if p.stock == 0).update(active=False)
    assert count == 2
    after = table(data)
    assert {name for name in after if not after[name][2]} == {"hammer", "ball"}
    assert {name: row for name, row in after.items() if name in ("saw", "doll")} == \
        {name: row for name, row in before.items() if name in ("saw", "doll")}


def test_one_update_statement_and_nothing_else(data):
    with db_session:
        data.merge_local_stats()
        count = select(p for p in data.Product if p.stock == 0).update(active=False, note="sold out")
        assert count == 2
        assert statements(data, "UPDATE") == 1
        assert statements(data, "SELECT") == 0
    assert table(data)["ball"][2:4] == (False, "sold out")


def test_update_function_and_entity_select_forms(data):
    with db_session:
        assert update((p for p in data.Product if p.price >= 10), note="big") == 2
        assert data.Product.select(lambda p: p.stock > 0).update(active=False) == 2
        assert data.Product.select().update(stock=lambda p: p.stock + 1) == 4
    rows = table(data)
    assert {name: row[3] for name, row in rows.items()} == \
        {"hammer": "big", "saw": "big", "ball": None, "doll": None}
    assert {name: row[2] for name, row in rows.items()} == \
        {"hammer": True, "saw": False, "ball": True, "doll": False}
    assert {name: row[1] for name, row in rows.items()} == {"hammer": 1, "saw": 6, "ball": 1, "doll": 4}


def test_no_matching_row_gives_zero(data):
    with db_session:
        assert select(p for p in data.Product if p.stock > 100).update(note="x") == 0
    assert all(row[3] is None for row in table(data).values())


# --- expressions of the row -------------------------------------------------------------------------


def test_lambdas_compute_values_from_the_row(data):
    factor = Decimal("1.5")
    with db_session:
        count = data.Product.select().update(price=lambda p: p.price * factor, stock=lambda p: p.stock * 2 + 1,
                                             note=lambda p: p.name.upper())
    assert count == 4
    rows = table(data)
    assert {name: row[:2] for name, row in rows.items()} == {
        "hammer": (Decimal("15.00"), 1), "saw": (Decimal("30.00"), 11),
        "ball": (Decimal("7.50"), 1), "doll": (Decimal("12.00"), 7)}
    assert {row[3] for row in rows.values()} == {"HAMMER", "SAW", "BALL", "DOLL"}


def test_computed_decimal_is_rounded_to_the_scale_on_every_backend(data):
    with db_session:
        data.Product.select(lambda p: p.name == "ball").update(price=lambda p: p.price / 3)
    assert table(data)["ball"][0] == Decimal("1.67")


def test_lambda_values_may_use_a_subquery(data):
    with db_session:
        data.Product.select(lambda p: p.category is not None).update(
            stock=lambda p: count(q for q in data.Product if q.category == p.category))
    assert {name: row[1] for name, row in table(data).items()} == {"hammer": 2, "saw": 2, "ball": 1, "doll": 3}


def test_subquery_loop_variable_named_like_the_table_is_not_confused_with_it(data):
    Product = data.Product
    with db_session:
        data.Product.select(lambda p: p.category is not None).update(
            stock=lambda p: count(product for product in Product if product.category == p.category))
        select(product for product in Product if product.category is None).update(
            stock=lambda product: count(p for p in Product if p.price <= product.price))
    assert {name: row[1] for name, row in table(data).items()} == {"hammer": 2, "saw": 2, "ball": 1, "doll": 2}
    with db_session:
        assert select(p for p in Product if p.price == max(product.price for product in Product)).update(
            note="dearest") == 1
    assert {name for name, row in table(data).items() if row[3] == "dearest"} == {"saw"}


def test_lambda_may_set_none_on_an_optional_attribute(data):
    with db_session:
        data.Product.select().update(note="n")
        data.Product.select(lambda p: p.stock == 0).update(note=lambda p: None)
    assert {name: row[3] for name, row in table(data).items()} == \
        {"hammer": None, "saw": "n", "ball": None, "doll": "n"}


# --- conditions through relations and on the same table -------------------------------------------


def test_condition_through_a_relation(data):
    with db_session:
        count = select(p for p in data.Product if p.category.name == "tools").update(stock=lambda p: p.stock + 1)
    assert count == 2
    assert {name: row[1] for name, row in table(data).items()} == {"hammer": 1, "saw": 6, "ball": 0, "doll": 3}


def test_condition_reading_the_updated_table(data):
    with db_session:
        changed = select(p for p in data.Product if p.stock > avg(q.stock for q in data.Product)).update(note="many")
    assert changed == 2  # average 2: the saw and the doll
    assert {name for name, row in table(data).items() if row[3] == "many"} == {"saw", "doll"}


def test_condition_over_a_collection(data):
    with db_session:
        changed = select(p for p in data.Product if p.category in
                         select(c for c in data.Category if len(c.products) > 1)).update(note="many")
    assert changed == 2
    assert {name for name, row in table(data).items() if row[3] == "many"} == {"hammer", "saw"}


# --- relations ---------------------------------------------------------------------------------------


def test_relation_set_to_an_object_and_to_none_with_collections_refreshed(data):
    with db_session:
        tools = data.Category.get(name="tools")
        toys = data.Category.get(name="toys")
        assert len(tools.products) == 2 and len(toys.products) == 1  # loaded before the update
        assert select(p for p in data.Product if p.category == tools).update(category=toys) == 2
        assert len(tools.products) == 0
        assert {p.name for p in toys.products} == {"hammer", "saw", "ball"}
        assert data.Product.select(lambda p: p.name == "ball").update(category=None) == 1
        assert {p.name for p in toys.products} == {"hammer", "saw"}
    assert {name: row[4] for name, row in table(data).items()} == \
        {"hammer": "toys", "saw": "toys", "ball": None, "doll": None}


def test_relation_set_from_another_relation_of_the_row(data):
    with db_session:
        toys = data.Category.get(name="toys")
        data.Product.select(lambda p: p.name == "doll").update(category=toys)
        data.Product.select(lambda p: p.category is None).update(category=lambda p: p.category)
        assert data.Product.select(lambda p: p.name == "doll").update(category=lambda p: p.category) == 1
    assert table(data)["doll"][4] == "toys"


# --- the session --------------------------------------------------------------------------------------


def test_objects_in_the_session_see_the_new_values(data):
    with db_session:
        products = {p.name: p for p in data.Product.select()}
        assert products["hammer"].price == Decimal("10.00")
        data.Product.select().update(price=lambda p: p.price * 2, note="new")
        assert products["hammer"].price == Decimal("20.00")
        assert products["doll"].note == "new"
        again = {p.name: (p.price, p.note) for p in data.Product.select()}  # no UnrepeatableReadError
        assert again["saw"] == (Decimal("40.00"), "new")


def test_unique_key_lookups_in_the_session_follow_the_update(data):
    with db_session:
        data.Product.get(name="hammer").code = "h1"
    with db_session:
        hammer = data.Product.get(code="h1")
        assert hammer.name == "hammer"
        data.Product.select(lambda p: p.stock == 0).update(code=lambda p: p.name)
        assert data.Product.get(code="h1") is None
        assert data.Product.get(code="hammer") is hammer
        assert hammer.code == "hammer"


def test_pending_changes_are_flushed_before_the_update(data):
    with db_session:
        hammer = data.Product.get(name="hammer")
        hammer.stock = 7
        data.Product(name="new", price=Decimal(1), stock=7)
        assert select(p for p in data.Product if p.stock == 7).update(note="seven") == 2
        assert hammer.note == "seven"
    assert {name for name, row in table(data).items() if row[3] == "seven"} == {"hammer", "new"}


def test_object_changed_after_the_update_is_saved_without_a_spurious_optimistic_error(data):
    with db_session:
        hammer = data.Product.get(name="hammer")
        assert hammer.price == Decimal("10.00") and hammer.stock == 0  # read: checked at the next UPDATE
        data.Product.select().update(price=lambda p: p.price + 1, stock=lambda p: p.stock + 1)
        hammer.name = "mallet"
        commit()  # the read values 10.00/0 were overwritten by this session, not by someone else
    assert table(data)["mallet"][:2] == (Decimal("11.00"), 1)


def test_object_changed_after_the_update_does_not_overwrite_it_silently(data):
    with db_session:
        hammer = data.Product.get(name="hammer")
        assert hammer.price == Decimal("10.00")
        data.Product.select().update(price=lambda p: p.price * 3)
        hammer.price += 1  # reads the new value: 30 + 1
    assert table(data)["hammer"][0] == Decimal("31.00")


def test_optimistic_checks_of_other_attributes_remain(data):
    with db_session:
        hammer = data.Product.get(name="hammer")
        assert hammer.note is None  # read, and not touched by the update below
        data.Product.select().update(price=lambda p: p.price + 1)
        data.execute("UPDATE product SET note = 'other' WHERE name = 'hammer'")  # as if someone else did
        hammer.stock = 9
        with pytest.raises(OptimisticCheckError):
            commit()


def test_hooks_are_not_called(data):
    with db_session:
        data.Product.select().update(stock=1, note=lambda p: p.name)
        assert HOOKS == []
        hammer = data.Product.get(name="hammer")
        hammer.stock = 2
    assert HOOKS == [("before_update", "hammer"), ("after_update", "hammer")]  # ordinary saves still call them


# --- validation: errors name the problem and nothing is written --------------------------------------


def assignment_error(db, name: str, value) -> tuple:
    """(class, message) of the error that ``obj.name = value`` raises."""
    with db_session:
        obj = db.Product.get(name="hammer")
        try:
            setattr(obj, name, value)
        except Exception as exc:
            return type(exc), re.sub(r"Product\[\d+\]", "Product", str(exc))  # we name no object
        raise AssertionError(f"assigning {value!r} to {name} raised nothing")


@pytest.mark.parametrize("name, value", [
    ("name", None), ("name", "much too long name"), ("stock", "many"), ("price", Decimal("123456789.1")),
    ("price", "cheap"), ("active", None), ("note", "x" * 21)])
def test_plain_values_are_validated_like_assignment_and_nothing_is_written(data, name, value):
    before = table(data)
    expected_class, expected_message = assignment_error(data, name, value)
    with db_session:
        hammer = data.Product.get(name="hammer")
        hammer.note = "pending"
        with pytest.raises(expected_class) as info:
            data.Product.select().update(**{name: value})
        assert str(info.value) == expected_message
        assert hammer.note == "pending"
        pony.orm.rollback()
    assert table(data) == before


def test_decimal_values_are_rounded_like_assignment(data):
    with db_session:
        hammer = data.Product.get(name="hammer")
        hammer.price = Decimal("1.005")
        assigned = hammer.price
        pony.orm.rollback()
    with db_session:
        data.Product.select().update(price=Decimal("1.005"))
    assert {row[0] for row in table(data).values()} == {assigned} == {Decimal("1.01")}


@pytest.mark.parametrize("values, error, message", [
    ({}, TypeError, "update() needs at least one attribute=value argument"),
    ({"colour": "red"}, TypeError, "Unknown attribute 'colour' of entity Product"),
    ({"id": 5}, TypeError, "Primary key attribute Product.id cannot be changed by update()"),
])
def test_bad_attribute_names(data, values, error, message):
    with db_session, pytest.raises(error) as info:
        data.Product.select().update(**values)
    assert str(info.value) == message


def test_collections_and_wrong_relation_values_are_refused(data):
    before = table(data)
    with db_session:
        with pytest.raises(TypeError, match="Collection attribute Category.products cannot be set"):
            data.Category.select().update(products=[])
        with pytest.raises(TypeError, match="Product.category must be of Category type"):
            data.Product.select().update(category=data.Product.get(name="saw"))
        with pytest.raises(TypeError, match="Product.category must be set to a Category object"):
            data.Product.select().update(category=lambda p: p.name)
    assert table(data) == before


@pytest.mark.parametrize("value, error, message", [
    (lambda p: p.name, TypeError, "`p.name` is of kind 'str'; attribute Product.stock needs 'number'"),
    (lambda p: p.stock / 2, TypeError, "`p.stock / 2` may not be a whole number; attribute Product.stock is an int"),
    (lambda p: len(p.category.name), TranslationError, "`len(p.category.name)` cannot be a value of update()"),
    (lambda p, q: 1, TypeError, "The value of stock in update() must be a value or a lambda of one argument"),
])
def test_lambdas_of_the_wrong_type_or_shape_are_refused(data, value, error, message):
    before = table(data)
    with db_session, pytest.raises(error) as info:
        data.Product.select().update(stock=value)
    assert str(info.value).startswith(message)
    assert table(data) == before


def test_computed_string_longer_than_max_len_is_refused_before_writing(data):
    before = table(data)
    with db_session:
        data.merge_local_stats()
        with pytest.raises(ValueError) as info:
            data.Product.select().update(name=lambda p: p.name + "-extended")  # "hammer-extended" > 10
        assert str(info.value) == ("Value `p.name + '-extended'` is too long for attribute Product.name in "
                                   "some rows. Max length is 10")
        assert statements(data, "UPDATE") == 0
        assert data.Product.select(lambda p: p.stock == 0).update(name=lambda p: p.name + "!") == 2
    assert {name for name in table(data)} == {"hammer!", "saw", "ball!", "doll"}
    assert before["saw"] == table(data)["saw"]


def test_a_class_attribute_as_value_asks_for_a_lambda(data):
    with db_session, pytest.raises(TypeError) as info:
        data.Product.select().update(note=data.Product.name)
    assert str(info.value) == \
        "update() takes values or lambdas: write note=lambda x: x.name instead of note=Product.name"


def test_required_attribute_set_to_none_by_a_lambda(data):
    with db_session, pytest.raises(ValueError, match="Attribute Product.name is required"):
        data.Product.select().update(name=lambda p: None)


def test_unique_conflict_is_a_transaction_integrity_error(data):
    with db_session:
        with pytest.raises(TransactionIntegrityError, match="update\\(\\) of Product failed"):
            data.Product.select().update(code="same")
        pony.orm.rollback()
    assert all(row for row in table(data).values())


def test_query_of_values_is_refused(data):
    with db_session, pytest.raises(TypeError, match="update\\(\\) should be applied to a query of a single entity"):
        select(p.name for p in data.Product).update(note="x")


# --- the name --------------------------------------------------------------------------------------


def test_update_is_importable_by_name_but_not_by_star_import():
    assert pony.orm.update is update
    assert "update" not in pony.orm.__all__
    namespace: dict = {}
    exec("from pony.orm import *", namespace)
    assert "update" not in namespace and "select" in namespace


# --- inheritance and composite keys ------------------------------------------------------------------


def define_more(db: Database) -> None:
    class Person(db.Entity):
        name = Required(str)
        score = Required(int, default=0)
        courses = Set("Course")

    class Student(Person):
        grade = Required(int)

    class Course(db.Entity):
        code = Required(str)
        term = Required(int)
        PrimaryKey(code, term)
        seats = Required(int)
        teacher = Optional(Person)


@pytest.fixture
def more(backend):
    db = backend.make_db(define_more)
    with db_session:
        ann = db.Person(name="ann")
        db.Student(name="bob", grade=1)
        db.Student(name="cid", grade=2)
        db.Course(code="m", term=1, seats=10, teacher=ann)
        db.Course(code="m", term=2, seats=20)
        db.Course(code="p", term=1, seats=30, teacher=ann)
    return db


def test_subclass_query_updates_only_its_rows_and_base_query_updates_all(more):
    with db_session:
        bob = more.Student.get(name="bob")
        assert bob.grade == 1 and bob.score == 0
        assert more.Student.select().update(grade=lambda s: s.grade + 10) == 2
        assert more.Person.select(lambda p: p.name != "cid").update(score=5) == 2
        assert (bob.grade, bob.score) == (11, 5)
        with pytest.raises(TypeError, match="Unknown attribute 'grade' of entity Person"):
            more.Person.select().update(grade=1)
    with db_session:
        assert sorted((p.name, p.score, getattr(p, "grade", None)) for p in more.Person.select()) == \
            [("ann", 5, None), ("bob", 5, 11), ("cid", 0, 12)]


def test_composite_key_rows_selected_through_a_relation(more):
    with db_session:
        course = more.Course.get(code="m", term=1)
        assert course.seats == 10
        count = select(c for c in more.Course if c.teacher.name == "ann" and c.code == "m").update(
            seats=lambda c: c.seats + c.term)
        assert count == 1
        assert course.seats == 11
    with db_session:
        assert sorted((c.code, c.term, c.seats) for c in more.Course.select()) == \
            [("m", 1, 11), ("m", 2, 20), ("p", 1, 30)]


def test_query_text_form(more):
    wanted, Person = "bob", more.Person
    with db_session:
        assert update("p for p in Person if p.name == wanted", score=7) == 1
        assert wanted and Person  # read by the query text above
    with db_session:
        assert more.Person.get(name="bob").score == 7
