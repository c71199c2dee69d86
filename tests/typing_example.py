"""A user module written in plain Pony style, checked by mypy --strict (with the ``pony.orm.mypy`` plugin)
and pyright in tests/test_typing.py, and run against a database there too.

No annotations on the entities, ``class X(db.Entity)``, relations by name, a composite key and a composite
primary key: the checkers must accept all of it and infer precise types; ``REVEALED`` lists what they
must reveal for the ``reveal_type`` calls in ``revealed()`` (run only by the checkers)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, reveal_type

from pony.orm import (
    Database,
    Optional,
    PrimaryKey,
    Required,
    Set,
    commit,
    composite_key,
    count,
    db_session,
    desc,
    select,
)

db = Database()


class Person(db.Entity):
    id = PrimaryKey(int, auto=True)
    name = Required(str)
    email = Required(str, unique=True)
    age = Optional(int)
    nickname = Optional(str)
    balance = Required(Decimal, default=Decimal("0"))
    cars = Set("Car")
    memberships = Set(lambda: Membership)
    composite_key(name, email)


class Car(db.Entity):
    id = PrimaryKey(int, auto=True)
    model = Required(str)
    year = Optional(int)
    owner = Required(Person)
    maker = Optional("Maker")


class Maker(db.Entity):
    name = PrimaryKey(str)
    founded = Optional(date)
    cars = Set(Car)


class Club(db.Entity):
    id = PrimaryKey(int, auto=True)
    title = Required(str, unique=True)
    memberships = Set("Membership")


class Membership(db.Entity):
    person = Required(Person)
    club = Required(Club)
    since = Required(date)
    PrimaryKey(person, club)


@db_session
def populate() -> int:
    ann = Person(name="Ann", email="ann@example.com", age=31)
    bob = Person(name="Bob", email="bob@example.com", balance=Decimal("2.50"))
    ford = Maker(name="Ford", founded=date(1903, 6, 16))
    Car(model="T", year=1908, owner=ann, maker=ford)
    Car(model="A", owner=ann)
    Car(model="Beetle", owner=bob)
    chess = Club(title="Chess")
    Membership(person=ann, club=chess, since=date(2020, 1, 1))
    commit()
    return ann.id


def read(ann_id: int) -> dict[str, Any]:
    with db_session:
        ann = Person[ann_id]
        chess = Club.get(title="Chess")
        assert chess is not None
        membership = Membership[ann, chess]
        adults = select(p for p in Person if p.name != "Nobody").order_by(Person.name)[:]
        names = select(p.name for p in Person).order_by(lambda name: name)[:]
        pairs = select((c.model, c.owner.name) for c in Car).order_by(1)[:]
        owners_of_t = Person.select(lambda p: count(p.cars) > 1)
        newest = select(c for c in Car).order_by(desc(Car.id)).first()
        total = count(c for c in Car if c.owner == ann)
        models = sorted(c.model for c in ann.cars)
        nickname = ann.nickname.upper()
        return {
            "ann": ann.to_dict(only=["name", "age"]),
            "club": membership.club.title,
            "since": membership.since.isoformat(),
            "adults": [p.name for p in adults],
            "names": list(names),
            "pairs": [f"{model}/{owner}" for model, owner in pairs],
            "owners": [p.name for p in owners_of_t],
            "newest": newest.model if newest is not None else None,
            "total": total,
            "models": models,
            "cars": ann.cars.count(),
            "nickname": nickname,
            "maker": maker.name if (maker := next(iter(ann.cars.order_by(Car.id))).maker) else None,
        }


def revealed() -> None:  # pragma: no cover - for the type checkers only
    if not TYPE_CHECKING:
        return
    p = Person[1]
    reveal_type(Person[1])
    reveal_type(Membership[p, Club[1]])
    reveal_type(Person.get(name="Ann"))
    reveal_type(select(x for x in Person))
    reveal_type(select(x for x in Person)[:])
    reveal_type(select(x.name for x in Person)[:])
    reveal_type(select((x.name, x.age) for x in Person).first())
    reveal_type(select(x for x in Person).first())
    reveal_type(count(x for x in Person))
    reveal_type(Person.select(lambda x: x.name == "Ann"))
    reveal_type(p.cars)
    reveal_type(p.cars.count())
    reveal_type(next(iter(p.cars)))
    reveal_type(p.memberships)
    reveal_type(Club[1].memberships)
    reveal_type(Car[1].maker)
    reveal_type(p.to_dict())
    reveal_type(p.age)
    reveal_type(p.nickname)
    reveal_type(p.balance)
    reveal_type(p.id)
    reveal_type(p.name)
    reveal_type(Maker["Ford"].founded)
    reveal_type(Person.name)
    reveal_type(select(x for x in Person).order_by(Person.name))


# expression -> (mypy with the plugin, pyright); checked by tests/test_typing.py. Pyright has no plugin: an entity
# named by a string (Set("Car")) is Any to it; Set(lambda: Membership) or the class itself is precise.
REVEALED = {
    "Person[1]": ("typing_example.Person", "Person"),
    "Membership[p, Club[1]]": ("typing_example.Membership", "Membership"),
    'Person.get(name="Ann")': ("typing_example.Person | None", "Person | None"),
    "select(x for x in Person)": ("pony.orm.core.Query[typing_example.Person]", "Query[Person]"),
    "select(x for x in Person)[:]": ("pony.orm.core.QueryResult[typing_example.Person]", "QueryResult[Person]"),
    "select(x.name for x in Person)[:]": ("pony.orm.core.QueryResult[str]", "QueryResult[str]"),
    "select((x.name, x.age) for x in Person).first()": ("tuple[str, int | None] | None",
                                                         "tuple[str, int | None] | None"),
    "select(x for x in Person).first()": ("typing_example.Person | None", "Person | None"),
    "count(x for x in Person)": ("int", "int"),
    'Person.select(lambda x: x.name == "Ann")': ("pony.orm.core.Query[typing_example.Person]", "Query[Person]"),
    "p.cars": ("pony.orm.core.SetInstance[typing_example.Car]", "SetInstance[Any]"),
    "p.cars.count()": ("int", "int"),
    "next(iter(p.cars))": ("typing_example.Car", "Any"),
    "p.memberships": ("pony.orm.core.SetInstance[typing_example.Membership]", "SetInstance[Membership]"),
    "Club[1].memberships": ("pony.orm.core.SetInstance[typing_example.Membership]", "SetInstance[Any]"),
    "Car[1].maker": ("typing_example.Maker | None", "Any"),
    "p.to_dict()": ("dict[str, Any]", "dict[str, Any]"),
    "p.age": ("int | None", "int | None"),
    "p.nickname": ("str", "str"),
    "p.balance": ("decimal.Decimal", "Decimal"),
    "p.id": ("int", "int"),
    "p.name": ("str", "str"),
    'Maker["Ford"].founded': ("datetime.date | None", "date | None"),
    "Person.name": ("pony.orm.core.Required[str]", "Required[str]"),
    "select(x for x in Person).order_by(Person.name)": ("pony.orm.core.Query[typing_example.Person]",
                                                        "Query[Person]"),
}
