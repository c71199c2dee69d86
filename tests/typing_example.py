"""Checked by mypy in tests/test_typing.py: entity classes are visible to type checkers.

Type checkers cannot use an instance attribute (``db.Entity``) as a base class, so typed code takes the
base from ``pony.orm.core`` while type checking; at run time it is the database's own ``db.Entity``.
Annotated attributes (``name: Required[str] = Required(str)``) become constructor keywords."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from pony.orm import Database, Optional, PrimaryKey, Required, Set, db_session

db = Database()

if TYPE_CHECKING:
    from pony.orm.core import Entity
else:
    Entity = db.Entity


class Person(Entity):
    id = PrimaryKey(int, auto=True)
    name: Required[str] = Required(str)
    age: Optional[int] = Optional(int, default=None)
    balance: Required[Decimal] = Required(Decimal, default=Decimal("0"))
    born: Optional[datetime] = Optional(datetime, default=None)
    cars = Set(lambda: Car)


class Car(Entity):
    model: Required[str] = Required(str)
    owner: Required[Person] = Required(Person)


@db_session
def use() -> tuple[str, int | None, Person, list[str], Decimal]:
    p = Person(name="Ann", age=30, balance=Decimal("1.5"))
    car = Car(model="T", owner=p)
    p.name = "Bob"
    p.age = None
    models = [c.model for c in p.cars]
    return p.name, p.age, car.owner, models, p.balance
