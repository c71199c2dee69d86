"""The oracle's data: entities, rows, and the rows read back with the raw driver as plain Python
objects (so the expected answers never go through the ORM under test)."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from typing import Any

from pony.orm import IntArray, Json, Optional, PrimaryKey, Required, Set, StrArray, db_session

COUNTRIES = [(1, "France"), (2, "日本"), (3, "O'Brien Land"), (4, "Atlantis")]  # Atlantis has nobody
PEOPLE = [  # id, name, nick, age, score, born, active, country
    (1, "Ann", None, 30, 1.5, date(1990, 1, 2), True, 1),
    (2, "bob", "Bobby", 25, None, date(2000, 5, 6), False, 2),
    (3, "O'Hara", "o'h", 41, 3.25, None, True, None),
    (4, "100%", "", 18, 0.0, date(1985, 12, 31), False, 1),
    (5, "a_b", None, 52, -2.5, date(1999, 1, 1), True, 3),
    (6, "Zoë", "zo", 30, 2.0, date(2010, 6, 15), False, None),
    (7, "日本語", "日", 7, 10.0, date(2000, 1, 1), True, 2),
    (8, "Ω", "\\_%", 0, None, None, False, None),
    (9, "Ann Lee", "A%_", 64, 7.75, date(1960, 2, 29), True, 1),
]
PETS = [(1, "Rex", 3.5, 1), (2, "Tom", 1.25, 1), (3, "Fifi", 0.5, 3), (4, "Bo", 12.0, 5),
        (5, "Zed", 2.0, 7), (6, "Kit", 0.75, 9), (7, "Max", 4.0, 9), (8, "Ivy", 1.0, 9)]
INFO = {  # Json documents: keys are missing here and there, no Json null (SQL NULL and null differ)
    1: {"n": 3, "s": "red", "tags": ["a", "b"], "flag": True, "sub": {"k": 1}},
    2: {"n": 0, "s": "", "tags": [], "flag": False},
    3: {"n": 7, "s": "blue", "tags": ["b"], "sub": {"k": 2}},
    4: {"s": "red", "tags": ["c", "a"], "flag": False, "sub": {}},
    5: {"n": 1, "tags": ["a"], "flag": True},
    6: {"n": 2, "s": "green", "sub": {"k": 0}},
    7: {"n": 10, "s": "red", "tags": ["b", "c", "a"], "flag": True},
    8: {},
    9: {"n": 5, "s": "blue", "tags": ["d"], "flag": False, "sub": {"k": 5}},
}
TAGS = {1: ["a", "b"], 2: [], 3: ["b"], 4: ["c", "a"], 5: ["a"], 6: [], 7: ["b", "c", "a"], 8: [], 9: ["d"]}
NUMS = {1: [1, 2], 2: [], 3: [3], 4: [0, 5], 5: [2], 6: [], 7: [1, 1, 7], 8: [], 9: [4]}


def define_entities(db: Any, arrays: bool) -> None:
    """Country, Person and Pet; Person gets array attributes where the backend has them."""
    class Country(db.Entity):
        id = PrimaryKey(int)
        name = Required(str)
        people = Set("Person")

    attrs = dict(id=PrimaryKey(int), name=Required(str), nick=Optional(str, nullable=True), age=Required(int),
                 score=Optional(float), born=Optional(date), active=Required(bool), country=Optional(Country),
                 pets=Set("Pet"), info=Optional(Json))
    if arrays:
        attrs.update(tags=Optional(StrArray), nums=Optional(IntArray))
    type("Person", (db.Entity,), attrs)

    class Pet(db.Entity):
        id = PrimaryKey(int)
        name = Required(str)
        weight = Required(float)
        owner = Required("Person")


def populate(db: Any, arrays: bool) -> None:
    """Store the rows through the ORM (the expected side reads them back raw)."""
    with db_session:
        countries = {cid: db.Country(id=cid, name=name) for cid, name in COUNTRIES}
        people = {}
        for pid, name, nick, age, score, born, active, cid in PEOPLE:
            extra = dict(tags=TAGS[pid], nums=NUMS[pid]) if arrays else {}
            people[pid] = db.Person(id=pid, name=name, nick=nick, age=age, score=score, born=born, active=active,
                                    country=countries.get(cid), info=INFO[pid], **extra)
        for pet_id, name, weight, owner in PETS:
            db.Pet(id=pet_id, name=name, weight=weight, owner=people[owner])


# --- the rows as plain Python objects, read with the raw driver ----------------------------------

class Obj:
    """A row as a plain object: attributes by name, equal only to itself (like an entity object)."""

    def __init__(self, entity: str, **values: Any) -> None:
        self._entity = entity
        self.__dict__.update(values)

    def __repr__(self) -> str:
        return f"{self._entity}[{self.id}]"


class Many(list):
    """A collection attribute: a list with Pony's is_empty()."""

    def is_empty(self) -> bool:
        return not self


class Table(list):
    """All rows of an entity; ``Table[k]`` is the row with primary key k (as ``Entity[k]``)."""

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, int):
            return next(row for row in self if row.id == key)
        return list.__getitem__(self, key)


class JDict(dict):
    """A Json object as a query sees it: a missing key is None (SQL NULL)."""

    def __missing__(self, key: Any) -> None:
        return None


class JList(list):
    """A Json array as a query sees it: an index past the end is None."""

    def __getitem__(self, index: Any) -> Any:
        try:
            return list.__getitem__(self, index)
        except (IndexError, TypeError):
            return None


def json_view(value: Any) -> Any:
    """A Json document with the missing keys and indexes of a query (None)."""
    if isinstance(value, dict):
        return JDict({k: json_view(v) for k, v in value.items()})
    if isinstance(value, list):
        return JList(json_view(v) for v in value)
    return value


def _date(value: Any) -> Any:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _document(value: Any) -> Any:
    return json.loads(value) if isinstance(value, (str, bytes)) else value


def raw_rows(backend: Any, sql: str) -> list:
    """Rows of ``sql`` (names quoted with "") through the backend's own driver, not the ORM.
    PostgreSQL and MariaDB tables have lower-case names, as in Pony."""
    if backend.name != "sqlite":
        sql = sql.replace('"Country"', '"country"').replace('"Person"', '"person"').replace('"Pet"', '"pet"')
    if backend.name == "sqlite":
        con = sqlite3.connect(backend.bind_args[0][1])
        try:
            return con.execute(sql).fetchall()
        finally:
            con.close()
    if backend.name == "postgres":
        from conftest import _pg_connect
        with _pg_connect() as con:
            return con.execute(sql).fetchall()
    from conftest import _mysql_connect
    con = _mysql_connect()
    try:
        cur = con.cursor()
        cur.execute(sql.replace('"', "`"))
        return list(cur.fetchall())
    finally:
        con.close()


def read_model(backend: Any, arrays: bool) -> dict:
    """``{"Country": Table, "Person": Table, "Pet": Table}`` of plain objects, relations wired up."""
    countries = Table(Obj("Country", id=cid, name=name, people=Many())
                      for cid, name in raw_rows(backend, 'SELECT "id", "name" FROM "Country" ORDER BY "id"'))
    by_id = {c.id: c for c in countries}
    columns = '"id", "name", "nick", "age", "score", "born", "active", "country", "info"'
    if arrays:
        columns += ', "tags", "nums"'
    people = Table()
    for row in raw_rows(backend, f'SELECT {columns} FROM "Person" ORDER BY "id"'):
        pid, name, nick, age, score, born, active, cid, info = row[:9]
        extra = dict(tags=_document(row[9]), nums=_document(row[10])) if arrays else {}
        person = Obj("Person", id=pid, name=name, nick=nick, age=age, score=score, born=_date(born),
                     active=bool(active), country=by_id.get(cid), info=json_view(_document(info)), pets=Many(),
                     **extra)
        people.append(person)
        if person.country is not None:
            person.country.people.append(person)
    owners = {p.id: p for p in people}
    pets = Table()
    for pid, name, weight, owner in raw_rows(backend, 'SELECT "id", "name", "weight", "owner" FROM "Pet" ORDER BY "id"'):
        pet = Obj("Pet", id=pid, name=name, weight=float(weight), owner=owners[owner])
        owners[owner].pets.append(pet)
        pets.append(pet)
    return {"Country": countries, "Person": people, "Pet": pets}
