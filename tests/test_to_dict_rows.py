"""``obj.to_dict()`` of objects a query loaded and nobody touched (read straight from their row)
gives exactly what it gives for any other object: options, None values, Decimal/date/datetime,
Json, related keys (plain and composite), changes made in the session, inheritance."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from pony.orm import Database, Json, LongStr, Optional, PrimaryKey, Required, Set, commit, db_session, select


def define(db: Database) -> None:
    class Owner(db.Entity):
        name = Required(str)
        items = Set("Item")
        notes = Set("Note")

    class Pair(db.Entity):
        x = Required(int)
        y = Required(str)
        PrimaryKey(x, y)
        links = Set("Link")

    class Item(db.Entity):
        name = Required(str)
        qty = Optional(int)
        price = Optional(Decimal, 10, 2)
        day = Optional(date)
        when = Optional(datetime)
        data = Optional(Json)
        note = Optional(LongStr)
        owner = Optional(Owner)

    class Note(db.Entity):
        text = Required(str)
        when = Optional(datetime)
        owner = Optional(Owner)

    class Link(db.Entity):
        pair = Optional(Pair)
        k = Required(int)

    class Animal(db.Entity):
        name = Required(str)

    class Dog(Animal):
        barks = Optional(bool)


FULL = {"id": 1, "name": "a", "qty": 3, "price": Decimal("1.50"), "day": date(2024, 2, 3),
        "when": datetime(2024, 2, 3, 4, 5, 6), "data": {"k": [1, 2]}, "owner": 1}
EMPTY = {"id": 2, "name": "b", "qty": None, "price": None, "day": None, "when": None, "data": ["x"],
         "owner": None}


@pytest.fixture
def db(backend):
    db = backend.make_db(define)
    with db_session:
        owner = db.Owner(name="o")
        pair = db.Pair(x=1, y="one")
        db.Item(name="a", qty=3, price=Decimal("1.50"), day=date(2024, 2, 3), when=datetime(2024, 2, 3, 4, 5, 6),
                data={"k": [1, 2]}, note="long", owner=owner)
        db.Item(name="b", data=["x"])
        db.Note(text="n1", when=datetime(2024, 1, 1), owner=owner)
        db.Note(text="n2")
        db.Link(pair=pair, k=1)
        db.Link(k=2)
        db.Animal(name="cat")
        db.Dog(name="rex", barks=True)
    return db


def loaded_items(db) -> list:
    items = select(i for i in db.Item).order_by(db.Item.id)[:]
    assert all(item._row_ is not None for item in items)  # the row-backed objects this file is about
    return items


def test_plain_to_dict_of_loaded_objects(db):
    with db_session:
        full, empty = loaded_items(db)
        assert full.to_dict() == FULL
        assert empty.to_dict() == EMPTY
        assert full.to_dict() == FULL  # the generated builder, second call
        assert type(full.to_dict()["data"]) is dict
        assert list(full.to_dict()) == list(FULL)  # declaration order


def test_options_on_loaded_objects(db):
    with db_session:
        full, empty = loaded_items(db)
        owner = db.Owner[1]
        assert full.to_dict("qty name") == {"name": "a", "qty": 3}
        assert full.to_dict(only=["owner", "name"]) == {"name": "a", "owner": 1}
        assert full.to_dict(only=("owner",), related_objects=True) == {"owner": owner}
        assert full.to_dict(exclude="data, note, when") == \
            {k: v for k, v in FULL.items() if k not in ("data", "when")}
        assert full.to_dict(exclude=[db.Item.price]) == {k: v for k, v in FULL.items() if k != "price"}
        assert full.to_dict(related_objects=True) == {**FULL, "owner": owner}
        assert empty.to_dict(related_objects=True) == EMPTY
        assert full.to_dict(with_lazy=True) == {**FULL, "note": "long"}
        assert full.to_dict(only="note") == {"note": "long"}
        assert owner.to_dict(with_collections=True) == {"id": 1, "name": "o", "items": [1], "notes": [1]}
        with pytest.raises(AttributeError, match="Entity Item does not have attribute zzz"):
            full.to_dict(only="zzz")
        with pytest.raises(AttributeError, match="Entity Item does not have attribute zzz"):
            full.to_dict(exclude=["zzz"])


def test_changes_in_the_session_show(db):
    with db_session:
        full, empty = loaded_items(db)
        full.qty = 7
        empty.owner = db.Owner[1]
        assert full.to_dict() == {**FULL, "qty": 7}
        assert empty.to_dict(only="owner") == {"owner": 1}
    with db_session:
        full, empty = loaded_items(db)
        full.to_dict()["data"]["k"].append(3)  # the result is a copy: the object is unchanged
        assert full.data == {"k": [1, 2]}
        full.data["k"].append(3)
        assert full.to_dict()["data"] == {"k": [1, 2, 3]}
        commit()
    with db_session:
        assert loaded_items(db)[0].to_dict()["data"] == {"k": [1, 2, 3]}


def test_deleted_and_after_the_session(db):
    with db_session:
        full, empty = loaded_items(db)
        empty.delete()
        assert full.to_dict() == FULL
    assert full.to_dict() == FULL  # loaded values stay readable after the session


def test_inheritance(db):
    with db_session:
        animals = select(a for a in db.Animal).order_by(db.Animal.id)[:]
        assert [a.to_dict() for a in animals] == [
            {"id": 1, "classtype": "Animal", "name": "cat"},
            {"id": 2, "classtype": "Dog", "name": "rex", "barks": True}]
        assert [d.to_dict(exclude="classtype") for d in select(d for d in db.Dog)] == \
            [{"id": 2, "name": "rex", "barks": True}]


def test_composite_key_reference(db):
    with db_session:
        links = select(k for k in db.Link).order_by(db.Link.k)[:]
        assert [k.to_dict() for k in links] == [{"id": 1, "pair": (1, "one"), "k": 1},
                                                {"id": 2, "pair": None, "k": 2}]
        assert links[0].to_dict(only="pair", related_objects=True) == {"pair": db.Pair[1, "one"]}


def test_plain_columns_and_a_reference(db):
    expected = [{"id": 1, "text": "n1", "when": datetime(2024, 1, 1), "owner": 1},
                {"id": 2, "text": "n2", "when": None, "owner": None}]
    for _ in range(2):  # the first session generates the builder, the second one uses it at once
        with db_session:
            notes = select(n for n in db.Note).order_by(db.Note.id)[:]
            assert all(n._row_ is not None for n in notes)
            assert [n.to_dict() for n in notes] == expected
            assert [n.to_dict() for n in notes] == expected
            assert notes[0].to_dict(related_objects=True)["owner"] is db.Owner[1]
            notes[1].text = "changed"  # dict-backed now; the other one is still row-backed
            assert [n.to_dict()["text"] for n in notes] == ["n1", "changed"]
            db.rollback()
