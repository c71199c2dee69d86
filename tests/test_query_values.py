"""Truth values, `is`, bools as numbers, lifted arithmetic, Json paths and array values in queries
(issue "Queries parity", items 13-19). tests/parity/programs/values_*.py compare the same forms with
Pony 0.7.20; the tests here cover what Pony gets wrong (see docs/compatibility.md) and the SQL shapes.
"""

from decimal import Decimal

import pytest

from pony.orm import *
from pony.orm.core import IncomparableTypesError


def define_entities(db):
    class Person(db.Entity):
        name = Required(str)
        age = Optional(int)
        flag = Required(bool)
        data = Optional(Json)
        orders = Set("Order")

    class Order(db.Entity):
        person = Required(Person)
        items = Set("Item")

    class Item(db.Entity):
        order = Required(Order)
        price = Required(Decimal, 10, 2)
        quantity = Required(int)
        parts = Set("Part")

    class Part(db.Entity):
        weight = Required(int)
        items = Set(Item)


@pytest.fixture
def db(backend):
    db = backend.make_db(define_entities)
    with db_session:
        ann = db.Person(name="Ann", age=0, flag=True, data={"ok": True, "f": 0.0, "n": 2})
        bob = db.Person(name="Bob", age=30, flag=False, data={"ok": False, "f": 1.5, "n": 0})
        db.Person(name="Cid", age=None, flag=True, data={"f": None})
        light, heavy = db.Part(weight=1), db.Part(weight=5)
        o1, o2 = db.Order(person=ann), db.Order(person=bob)
        db.Order(person=ann)
        db.Item(order=o1, price=Decimal("2.50"), quantity=4, parts=[light, heavy])
        db.Item(order=o1, price=Decimal("1.25"), quantity=2, parts=[heavy])
        db.Item(order=o2, price=Decimal("10.00"), quantity=1)
    return db


def test_not_number_includes_null(db):
    with db_session:
        assert sorted(select(p.name for p in db.Person if not p.age)) == ["Ann", "Cid"]
        assert sorted(select(p.name for p in db.Person if p.age)) == ["Bob"]


def test_is_compares_like_equality(db):
    with db_session:
        ann = db.Person.get(name="Ann")
        assert sorted(select(p.name for p in db.Person if p.flag is True)) == ["Ann", "Cid"]
        assert select(p.name for p in db.Person if p.flag is not True)[:] == ["Bob"]
        assert sorted(select(o.id for o in db.Order if o.person is ann)) == [1, 3]
        assert select(o.id for o in db.Order if o.person is not ann)[:] == [2]


def test_sum_of_bools_counts_them(db):
    # Pony 0.7.20 gives True (SQLite, MariaDB) or a database error (PostgreSQL)
    with db_session:
        assert select(sum(p.flag) for p in db.Person).first() == 2
        assert sum(p.flag for p in db.Person) == 2
        assert sorted(select((p.name, p.flag + p.flag) for p in db.Person)) == [("Ann", 2), ("Bob", 0), ("Cid", 2)]


def test_bool_in_arithmetic_is_cast_on_postgres(db, backend):
    with db_session:
        query = select((p.name, p.flag + 1, max(p.flag, 0)) for p in db.Person)
        assert sorted(query) == [("Ann", 2, 1), ("Bob", 1, 0), ("Cid", 2, 1)]
        assert ("CAST" in query.get_sql()) is (backend.name == "postgres")


def test_lifted_arithmetic_shares_the_rows(db):
    with db_session:
        totals = dict(select((o.id, sum(o.items.price * o.items.quantity)) for o in db.Order))
        assert totals == {1: Decimal("12.5"), 2: Decimal("10"), 3: 0}
        doubled = dict(select((o.id, sum(o.items.quantity * 2)) for o in db.Order))
        assert doubled == {1: 12, 2: 2, 3: 0}
        by_person = dict(select((p.name, sum(p.orders.items.quantity * p.orders.items.price)) for p in db.Person))
        assert by_person == {"Ann": Decimal("12.5"), "Bob": Decimal("10"), "Cid": 0}
        weights = dict(select((o.id, sum(o.items.quantity * o.items.parts.weight)) for o in db.Order))
        assert weights == {1: 4 * 1 + 4 * 5 + 2 * 5, 2: 0, 3: 0}


def test_lifted_value_with_a_value_of_the_outer_row(db):
    # Pony 0.7.20 fails with an AssertionError here
    with db_session:
        totals = dict(select((o.id, sum(o.items.quantity * o.id)) for o in db.Order))
        assert totals == {1: 6, 2: 2, 3: 0}


def test_lifted_arithmetic_of_two_collections_is_refused(db):
    with db_session, pytest.raises(TypeError, match="same collection"):
        select(sum(o.items.quantity * o.person.orders.id) for o in db.Order)[:]


def test_json_path_is_true_and_false(db):
    # Pony 0.7.20 finds no row for `is True` and every row for `is False` on MariaDB
    with db_session:
        assert select(p.name for p in db.Person if p.data["ok"] is True)[:] == ["Ann"]
        assert select(p.name for p in db.Person if p.data["ok"] is False)[:] == ["Bob"]
        assert select(p.name for p in db.Person if p.data["ok"] == True)[:] == ["Ann"]  # noqa: E712


def test_json_float_zero_is_false(db):
    # Pony 0.7.20 takes 0.0 for true on SQLite and MariaDB
    with db_session:
        assert select(p.name for p in db.Person if p.data["f"])[:] == ["Bob"]
        assert sorted(select(p.name for p in db.Person if not p.data["f"])) == ["Ann", "Cid"]
        assert sorted(select(p.name for p in db.Person if not p.data["n"])) == ["Bob", "Cid"]


def test_json_path_compared_with_lists(db):
    with db_session:
        with pytest.raises(IncomparableTypesError):
            select(p for p in db.Person if p.data["n"] == [2])[:]
        assert select(p.name for p in db.Person if p.data["n"] == Json(2))[:] == ["Ann"]


def test_json_path_equals_a_document(db):
    # documents compare as values: key order and spacing do not matter (JSON_EQUALS on MariaDB)
    with db_session:
        db.Person[1].data = {"obj": {"a": 2, "b": [1, {"x": 1}]}, "s": "x"}
        wanted = {"b": [1, {"x": 1}], "a": 2}
        assert select(p.name for p in db.Person if p.data["obj"] == wanted)[:] == ["Ann"]
        assert select(p.name for p in db.Person if p.data["obj"] != wanted)[:] == []
        assert select(p.name for p in db.Person if p.data["s"] == Json("x"))[:] == ["Ann"]


def define_arrays(db):
    class Post(db.Entity):
        tags = Optional(StrArray)
        nums = Optional(IntArray)
        ratios = Optional(FloatArray)


@pytest.fixture
def arrays_db(backend):
    if not backend.has("arrays"):
        pytest.skip(f"{backend.name} has no array columns (tests/test_query_arrays.py checks the refusal)")
    db = backend.make_db(define_arrays)
    with db_session:
        db.Post(id=1, tags=["a", "b"], nums=[1, 2], ratios=[0.5])
    return db


@pytest.mark.parametrize(("change", "message"), [
    (lambda p: p.tags.append(5), "Cannot store 'int' item in array of 'str'"),
    (lambda p: p.nums.append("7"), "Cannot store 'str' item in array of 'int'"),
    (lambda p: p.nums.append(2.5), "Cannot store 'float' item in array of 'int'"),
    (lambda p: p.nums.append(True), "Cannot store 'bool' item in array of 'int'"),
    (lambda p: p.nums.insert(0, "x"), "Cannot store 'str' item in array of 'int'"),
    (lambda p: p.nums.extend([3, "x"]), "Cannot store 'str' item in array of 'int'"),
    (lambda p: p.nums.__setitem__(0, "x"), "Cannot store 'str' item in array of 'int'"),
    (lambda p: p.nums.__setitem__(slice(0, 1), ["x"]), "Cannot store 'str' item in array of 'int'"),
    (lambda p: p.tags.__iadd__([1]), "Cannot store 'int' item in array of 'str'"),
])
def test_array_changed_in_place_checks_items(arrays_db, change, message):
    with db_session:
        post = arrays_db.Post[1]
        with pytest.raises(TypeError) as info:
            change(post)
        assert str(info.value) == message
        assert (post.tags, post.nums) == (["a", "b"], [1, 2])  # nothing was added
    with db_session:
        assert (arrays_db.Post[1].tags, arrays_db.Post[1].nums) == (["a", "b"], [1, 2])


def test_array_assigned_a_wrong_item_is_refused(arrays_db):
    # Pony 0.7.20 stores ["a", 1] in a StrArray when assigned to an attribute
    with db_session:
        post = arrays_db.Post[1]
        with pytest.raises(TypeError, match="Cannot store int item in array of str"):
            post.tags = ["a", 1]
        assert post.tags == ["a", "b"]


def test_array_changed_in_place_is_saved(arrays_db):
    with db_session:
        post = arrays_db.Post[1]
        post.nums.append(3)
        post.ratios.append(2)
    with db_session:
        assert arrays_db.Post[1].nums == [1, 2, 3]
        assert arrays_db.Post[1].ratios == [0.5, 2.0]


def test_array_equals_list(arrays_db):
    wanted, other = ["a", "b"], [1, 2]
    with db_session:
        assert select(p.id for p in arrays_db.Post if p.tags == wanted)[:] == [1]
        assert select(p.id for p in arrays_db.Post if p.nums != other)[:] == []
        # a list display works too (Pony 0.7.20 raises IncomparableTypesError for it)
        assert select(p.id for p in arrays_db.Post if p.tags == ["a", "b"])[:] == [1]
        with pytest.raises(IncomparableTypesError):
            select(p.id for p in arrays_db.Post if p.tags == other)[:]
