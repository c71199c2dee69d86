"""More Pony-style code for the type checkers (tests/test_typing.py): inheritance with a discriminator,
the implicit ``id``, Json/LongStr attributes, an annotated relation, ``@db_session(retry=...)``, aggregates
and ``left_join``. Run on every backend there too."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, reveal_type

from pony.orm import (
    Database,
    Discriminator,
    Json,
    LongStr,
    Optional,
    PrimaryKey,
    Required,
    Set,
    avg,
    commit,
    db_session,
    delete,
    desc,
    exists,
    left_join,
    max,
    select,
    sum,
)

db = Database()


class Animal(db.Entity):
    kind = Discriminator(str)
    name = Required(str)
    notes = Optional(LongStr)
    extra = Optional(Json)
    code = Optional(str, unique=True)
    tags: Set[Tag] = Set("Tag")  # annotated: pyright sees the target of a relation named by a string

    def before_insert(self) -> None:
        self.name = self.name.strip()


class Dog(Animal):
    breed = Optional(str)
    weight = Required(Decimal, default=Decimal(1))


class Tag(db.Entity):
    label = PrimaryKey(str)
    animals = Set(Animal)


@db_session(retry=3)
def make() -> Dog:
    rex = Dog(name=" Rex ", breed="lab", weight=Decimal("30.5"), extra={"vet": "Ann"})
    Animal(name="Tom", tags=[Tag(label="cat")])
    commit()
    return rex


def use() -> dict[str, Any]:
    make()
    with db_session:
        rex = Dog.get(name="Rex")
        assert rex is not None
        heavy = select(d for d in Dog if d.weight > 10).page(1)
        joined = left_join((a.name, t.label) for a in Animal for t in a.tags).order_by(1)[:]
        return {
            "names": [a.name for a in Animal.select(lambda a: a.name.startswith("R"))],
            "first_dog": first.name if (first := Dog.select().order_by(desc(Dog.id)).first()) else None,
            "heavy": [d.name for d in heavy],
            "total": sum(d.weight for d in Dog),
            "oldest": max(a.id for a in Animal) == rex.id + 1,
            "mean": float(mean) if (mean := avg(d.weight for d in Dog)) is not None else None,
            "has": exists(a for a in Animal if a.name == "Rex"),
            "joined": list(joined),
            "kind": rex.kind,
            "notes": rex.notes,
            "vet": rex.extra["vet"],
            "code": rex.code,
            "gone": delete(t for t in Tag if t.label == "dog"),
        }


def revealed() -> None:  # pragma: no cover - for the type checkers only
    if not TYPE_CHECKING:
        return
    rex = Dog[1]
    reveal_type(rex.id)
    reveal_type(Animal.id)
    reveal_type(rex.kind)
    reveal_type(rex.notes)
    reveal_type(rex.code)
    reveal_type(rex.tags)
    reveal_type(rex.weight)
    reveal_type(Tag["x"].animals)
    reveal_type(Dog.select().order_by(desc(Dog.id)).first())
    reveal_type(select(d for d in Dog if d.weight > 10).page(1))
    reveal_type(sum(d.weight for d in Dog))
    reveal_type(max(a.id for a in Animal))
    reveal_type(avg(d.weight for d in Dog))
    reveal_type(left_join((a, t) for a in Animal for t in a.tags)[:])
    reveal_type(Dog.get(lambda d: d.breed == "lab"))
    reveal_type(Animal.exists(name="Rex"))
    reveal_type(make)
    reveal_type(max(1, 2))


REVEALED = {
    "rex.id": ("int", "int"),
    "Animal.id": ("pony.orm.core.PrimaryKey[int]", "PrimaryKey[int]"),
    "rex.kind": ("str", "str"),
    "rex.notes": ("str", "str"),
    "rex.code": ("str | None", "str | None"),
    "rex.tags": ("pony.orm.core.SetInstance[typing_example_more.Tag]", "SetInstance[Tag]"),
    "rex.weight": ("decimal.Decimal", "Decimal"),
    'Tag["x"].animals': ("pony.orm.core.SetInstance[typing_example_more.Animal]", "SetInstance[Animal]"),
    "Dog.select().order_by(desc(Dog.id)).first()": ("typing_example_more.Dog | None", "Dog | None"),
    "select(d for d in Dog if d.weight > 10).page(1)": ("pony.orm.core.QueryResult[typing_example_more.Dog]",
                                                        "QueryResult[Dog]"),
    "sum(d.weight for d in Dog)": ("decimal.Decimal", "Decimal"),
    "max(a.id for a in Animal)": ("int | None", "int | None"),
    "avg(d.weight for d in Dog)": ("decimal.Decimal | float | None", "Decimal | float | None"),
    "left_join((a, t) for a in Animal for t in a.tags)[:]": (
        "pony.orm.core.QueryResult[tuple[typing_example_more.Animal, typing_example_more.Tag]]",
        "QueryResult[tuple[Animal, Tag]]"),
    'Dog.get(lambda d: d.breed == "lab")': ("typing_example_more.Dog | None", "Dog | None"),
    'Animal.exists(name="Rex")': ("bool", "bool"),
    "make": ("def () -> typing_example_more.Dog", "() -> Dog"),
    "max(1, 2)": ("int", "int"),
}
