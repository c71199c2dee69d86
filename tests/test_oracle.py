"""Correctness oracle: random query predicates and projections, run as ``select("...")`` on each
backend and evaluated as the same Python expression over the objects in memory; both must give
the same results.

The generator only builds expressions whose meaning agrees between SQL and Python: a nullable
value is compared only behind an ``is not None`` guard (SQL's NULL and Python's None agree on
``is None`` and on any and/or/not of guarded comparisons), numbers stay non-negative where SQL
and Python round differently, and on MySQL/MariaDB (case- and accent-insensitive collation) a
string test is used only when folding case and accents cannot change its answer on this data.

Budget: PONY_ORACLE_EXAMPLES examples per backend (40 by default; ``make oracle CASES=N``,
``make soak``). Run as a script (``python tests/test_oracle.py``) it ends with the line
``oracle: N cases, M mismatches``.
"""

from __future__ import annotations

import os
import sys
import unicodedata
from collections import Counter
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pony.orm import Optional, PrimaryKey, Required, Set, count, db_session, desc, exists, select

EXAMPLES = int(os.environ.get("PONY_ORACLE_EXAMPLES", "40"))
REPORT = os.environ.get("PONY_ORACLE_REPORT")

COUNTRIES = [(1, "France"), (2, "日本"), (3, "O'Brien Land")]
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


def define_entities(db):
    class Country(db.Entity):
        id = PrimaryKey(int)
        name = Required(str)
        people = Set("Person")

    class Person(db.Entity):
        id = PrimaryKey(int)
        name = Required(str)
        nick = Optional(str, nullable=True)
        age = Required(int)
        score = Optional(float)
        born = Optional(date)
        active = Required(bool)
        country = Optional(Country)
        pets = Set("Pet")

    class Pet(db.Entity):
        id = PrimaryKey(int)
        name = Required(str)
        weight = Required(float)
        owner = Required(Person)


def populate(db):
    with db_session:
        countries = {cid: db.Country(id=cid, name=name) for cid, name in COUNTRIES}
        people = {}
        for pid, name, nick, age, score, born, active, cid in PEOPLE:
            people[pid] = db.Person(id=pid, name=name, nick=nick, age=age, score=score, born=born,
                                    active=active, country=countries.get(cid))
        for pet_id, name, weight, owner in PETS:
            db.Pet(id=pet_id, name=name, weight=weight, owner=people[owner])


# --- the expression generator -------------------------------------------------------------------

INTS = [0, 1, 7, 18, 25, 30, 41, 64]
FLOATS = [-3.0, 0.0, 1.25, 2.0, 3.5, 10.0]
STRINGS = ["Ann", "ann", "bob", "O'", "'", "%", "_", "a_b", "100%", "Zo", "zoë", "ë", "日", "本語", "",
           "x", "B", "A%_", "Lee", " ", "Ω", "ω", "France", "日本", "Land", "\\", "\\_", "_%", "!", "%_"]
DATES = ["date(1990, 1, 2)", "date(2000, 1, 1)", "date(1999, 12, 31)", "date(2010, 6, 15)"]
COMPARE = ["==", "!=", "<", "<=", ">", ">="]

STRING_FIELDS = {  # text in the query -> (guard, values on this data)
    "p.name": (None, [row[1] for row in PEOPLE]),
    "p.nick": ("p.nick is not None", [row[2] for row in PEOPLE if row[2] is not None]),
    "p.country.name": ("p.country is not None", [name for _, name in COUNTRIES]),
}
TRANSFORMS = {"": lambda s: s, ".upper()": str.upper, ".lower()": str.lower}
STRING_OPS = {
    "==": (lambda e, c: f"{e} == {c!r}", lambda s, c: s == c),
    "!=": (lambda e, c: f"{e} != {c!r}", lambda s, c: s != c),
    "startswith": (lambda e, c: f"{e}.startswith({c!r})", lambda s, c: s.startswith(c)),
    "endswith": (lambda e, c: f"{e}.endswith({c!r})", lambda s, c: s.endswith(c)),
    "in": (lambda e, c: f"{c!r} in {e}", lambda s, c: c in s),
    "not in": (lambda e, c: f"{c!r} not in {e}", lambda s, c: c not in s),
    # the same tests with the text as a parameter instead of a constant of the SQL
    "in param": (lambda e, c: f"NEEDLES[{STRINGS.index(c)}] in {e}", lambda s, c: c in s),
    "not in param": (lambda e, c: f"NEEDLES[{STRINGS.index(c)}] not in {e}", lambda s, c: c not in s),
    "startswith param": (lambda e, c: f"{e}.startswith(NEEDLES[{STRINGS.index(c)}])", lambda s, c: s.startswith(c)),
    "endswith param": (lambda e, c: f"{e}.endswith(NEEDLES[{STRINGS.index(c)}])", lambda s, c: s.endswith(c)),
}


def fold(text: str) -> str:
    """What a case- and accent-insensitive collation compares."""
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch)).lower()


def string_test_is_safe(field: str, transform: str, op: str, const: str, folding: bool) -> bool:
    if not folding:
        return True
    test = STRING_OPS[op][1]
    values = [TRANSFORMS[transform](v) for v in STRING_FIELDS[field][1]]
    return all(test(v, const) == test(fold(v), fold(const)) for v in values)


def guarded(guard: str | None, text: str) -> str:
    return f"({guard} and {text})" if guard else text


def int_atoms():
    plain = st.builds(lambda op, k: f"p.age {op} {k}", st.sampled_from(COMPARE), st.sampled_from(INTS))
    arith = st.builds(lambda a, k, op, m: f"p.age {a} {k} {op} {m}", st.sampled_from(["+", "-", "*"]),
                      st.sampled_from([1, 2, 3]), st.sampled_from(COMPARE), st.sampled_from(INTS))
    mod = st.builds(lambda k, m: f"p.age % {k} == {m}", st.sampled_from([2, 3, 5]), st.sampled_from([0, 1]))
    div = st.builds(lambda k, op, m: f"p.age // {k} {op} {m}", st.sampled_from([2, 3, 7]),
                    st.sampled_from(COMPARE), st.sampled_from(INTS))
    case = st.builds(lambda op, k: f"(p.age if p.active else 100) {op} {k}", st.sampled_from(COMPARE),
                     st.sampled_from(INTS))
    between = st.builds(lambda a, b: f"between(p.age, {a}, {b})", st.sampled_from(INTS), st.sampled_from(INTS))
    in_list = st.builds(lambda ks: f"p.age in {tuple(ks)!r}", st.lists(st.sampled_from(INTS), min_size=1, max_size=3))
    return st.one_of(plain, arith, mod, div, case, between, in_list)


def float_atoms():
    compare = st.builds(lambda op, c: f"(p.score is not None and p.score {op} {c})",
                        st.sampled_from(["<", "<=", ">", ">="]), st.sampled_from(FLOATS))
    is_none = st.sampled_from(["p.score is None", "p.score is not None"])
    mixed = st.builds(lambda op, k: f"(p.score is not None and p.score {op} p.age / {k})",
                      st.sampled_from(["<", ">"]), st.sampled_from([2, 4]))
    return st.one_of(compare, is_none, mixed)


def string_atoms(folding: bool):
    test = st.tuples(st.sampled_from(sorted(STRING_FIELDS)), st.sampled_from(sorted(TRANSFORMS)),
                     st.sampled_from(sorted(STRING_OPS)), st.sampled_from(STRINGS))
    test = test.filter(lambda t: string_test_is_safe(*t, folding))

    def render(t):
        field, transform, op, const = t
        return guarded(STRING_FIELDS[field][0], STRING_OPS[op][0](field + transform, const))

    length = st.builds(lambda f, op, k: guarded(STRING_FIELDS[f][0], f"len({f}) {op} {k}"),
                       st.sampled_from(sorted(STRING_FIELDS)), st.sampled_from(COMPARE), st.sampled_from([0, 1, 2, 3, 6]))
    truth = st.sampled_from(["p.name", "not p.name", "p.nick is None", "(p.nick is not None and p.nick == '')"])
    return st.one_of(test.map(render), length, truth)


def other_atoms():
    dates = st.builds(lambda op, d: f"(p.born is not None and p.born {op} {d})", st.sampled_from(COMPARE),
                      st.sampled_from(DATES))
    parts = st.builds(lambda part, op, k: f"(p.born is not None and p.born.{part} {op} {k})",
                      st.sampled_from(["year", "month", "day"]), st.sampled_from(COMPARE),
                      st.sampled_from([1, 2, 6, 12, 29, 1990, 2000]))
    bools = st.sampled_from(["p.active", "not p.active", "p.active == True", "p.active == False", "p.born is None"])
    to_one = st.one_of(
        st.sampled_from(["p.country is None", "p.country is not None"]),
        # p.country == x is NULL, not false, for a person without a country (as in Pony)
        st.builds(lambda k: f"(p.country is not None and p.country == Country[{k}])", st.sampled_from([1, 2, 3])),
        st.builds(lambda op, k: f"(p.country is not None and p.country.id {op} {k})", st.sampled_from(COMPARE),
                  st.sampled_from([1, 2, 3])),
    )
    to_many = st.one_of(
        st.builds(lambda f, op, k: f"{f}(p.pets) {op} {k}", st.sampled_from(["len", "count"]),
                  st.sampled_from(COMPARE), st.sampled_from([0, 1, 2, 3])),
        st.builds(lambda op, w: f"exists(x for x in p.pets if x.weight {op} {w})", st.sampled_from(["<", ">"]),
                  st.sampled_from([1.0, 2.0, 5.0])),
        st.builds(lambda w, op, k: f"count(x for x in p.pets if x.weight < {w}) {op} {k}",
                  st.sampled_from([1.0, 2.0, 5.0]), st.sampled_from(COMPARE), st.sampled_from([0, 1, 2])),
        st.sampled_from(["p.pets.is_empty()", "not p.pets.is_empty()", "p.pets"]),
    )
    return st.one_of(dates, parts, bools, to_one, to_many)


# Windows of other queries (order_by + limit/offset), used with 'in' and as the loop source. The
# orders have no ties and no NULLs, so the window is the same set of rows on every backend.
ORDERS = {"id": lambda q: (q.id,), "id desc": lambda q: (-q.id,), "age": lambda q: (q.age, q.id),
          "age desc": lambda q: (-q.age, -q.id), "active": lambda q: (q.active, q.id)}
LIMITS, OFFSETS = [1, 2, 3, 5], [0, 1, 2, 4, 8]


def _window_order(Person, key: str) -> tuple:
    return {"id": (Person.id,), "id desc": (desc(Person.id),), "age": (Person.age, Person.id),
            "age desc": (desc(Person.age), desc(Person.id)), "active": (Person.active, Person.id)}[key]


def window_calls():
    return st.builds(lambda key, n, k: f"window({key!r}, {n}, {k})", st.sampled_from(sorted(ORDERS)),
                     st.sampled_from(LIMITS), st.sampled_from(OFFSETS))


def query_atoms():
    """``in`` over the window of another query, over a window of values, over a query of tuples;
    exists() of a generator yielding a condition (only the rows where it is true count)."""
    in_window = st.builds(lambda neg, w: f"p {neg}in {w}", st.sampled_from(["", "not "]), window_calls())
    in_ages = st.builds(lambda neg, n, k: f"p.age {neg}in ages({n}, {k})", st.sampled_from(["", "not "]),
                        st.sampled_from(LIMITS), st.sampled_from(OFFSETS))
    in_pairs = st.builds(lambda k: f"(p.id, p.age) in young_pairs({k})", st.sampled_from(INTS))
    yielded = st.one_of(
        st.builds(lambda op, w: f"exists(x.weight {op} {w} for x in p.pets)", st.sampled_from(["<", ">"]),
                  st.sampled_from([1.0, 2.0, 5.0])),
        st.builds(lambda w, name: f"exists(x.weight > {w} for x in p.pets if x.name != {name!r})",
                  st.sampled_from([0.5, 1.0, 3.0]), st.sampled_from(["Rex", "Kit", "Bo"])),
        st.builds(lambda w, k: f"exists(x.weight < {w} and x.id > {k} for x in p.pets)",
                  st.sampled_from([1.0, 2.0, 5.0]), st.sampled_from([1, 3, 6])),
        st.sampled_from(["exists(False for x in p.pets)", "exists(True for x in p.pets)",
                         "exists(x.weight for x in p.pets)"]),
    )
    return st.one_of(in_window, in_ages, in_pairs, yielded)


# Operands Python refuses with TypeError for every person: the query must refuse them too (before
# any SQL). Mixed comparisons Python allows (str == int is False) are left out: Pony sends them.
MIXED = ["p.name < 1", "p.age > 'a'", "p.age <= 'x'", "p.active < 'a'", "p.name >= 2.5", "p.born < 1",
         "p.score < 'a'", "p.name.startswith(1)", "p.name.endswith(2)", "p.name.strip(1) == 'a'", "1 in p.name",
         "p.age in p.name", "p.name + 1 == 'a'"]


def predicates(folding: bool):
    atom = st.one_of(int_atoms(), float_atoms(), string_atoms(folding), other_atoms(), query_atoms())
    return st.recursive(atom, lambda inner: st.one_of(
        st.builds(lambda a, b: f"({a} and {b})", inner, inner),
        st.builds(lambda a, b: f"({a} or {b})", inner, inner),
        inner.map(lambda a: f"not ({a})"),
    ), max_leaves=4)


PROJECTIONS = ["p", "p.name", "p.id, p.name", "p.age + 1", "p.name.upper()", "p.name.lower()", "p.score",
               "p.id, p.score", "len(p.name)", "p.id, count(p.pets)", "p.born", "p.active", "p.nick"]


# --- running one case ------------------------------------------------------------------------------

def _count(items):
    return len(list(items))


def _exists(items):
    # a generator yielding a boolean counts only the rows where it is true (Pony's exists())
    return any(item is not False for item in items)


def _between(x, a, b):
    return a <= x <= b


def python_namespace(db) -> dict:
    people = sorted(db.Person.select()[:], key=lambda q: q.id)

    def window(key, limit, offset):
        return sorted(people, key=ORDERS[key])[offset:offset + limit]

    def ages(limit, offset):
        return sorted({q.age for q in people})[offset:offset + limit]

    def young_pairs(age):
        return [(q.id, q.age) for q in people if q.age < age]

    return {"date": date, "count": _count, "exists": _exists, "between": _between, "Country": db.Country,
            "len": len, "NEEDLES": STRINGS, "Person": people, "window": window, "ages": ages,
            "young_pairs": young_pairs}


def sql_namespace(db) -> dict:
    from pony.orm import between

    Person = db.Person

    def window(key, limit, offset):
        return select(q for q in Person).order_by(*_window_order(Person, key)).limit(limit, offset=offset or None)

    def ages(limit, offset):
        return select(q.age for q in Person).order_by(1).limit(limit, offset=offset or None)

    def young_pairs(age):
        return select((q.id, q.age) for q in Person if q.age < age)

    return {"Person": Person, "Country": db.Country, "date": date, "count": count, "exists": exists,
            "between": between, "NEEDLES": list(STRINGS), "window": window, "ages": ages, "young_pairs": young_pairs}


def python_results(db, projection: str, predicate: str, source: str = "Person") -> Counter:
    ns = python_namespace(db)
    test = eval(f"lambda p: {predicate}", ns)  # noqa: S307 - generated from a fixed grammar
    project = eval(f"lambda p: ({projection})", ns)  # noqa: S307
    # Pony's documented join semantics: an attribute read through an optional to-one relation
    # (p.country.name) joins the related table, so rows without one never match
    joined = "p.country.name" in predicate or "p.country.name" in projection
    source_rows = eval(source, ns)  # noqa: S307
    rows = [project(p) for p in source_rows if not (joined and p.country is None) and test(p)]
    return normalise(projection, rows, distinct=source == "Person")


def sql_results(db, projection: str, predicate: str, source: str = "Person") -> Counter:
    rows = select(f"({projection}) for p in {source} if {predicate}", sql_namespace(db))[:]
    return normalise(projection, list(rows), distinct=source == "Person")


def normalise(projection: str, rows: list, distinct: bool = True) -> Counter:
    def plain(value):
        if isinstance(value, tuple):
            return tuple(plain(v) for v in value)
        if hasattr(value, "_pk_"):
            return ("object", value._pk_)
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return value

    values = [plain(v) for v in rows]
    if projection != "p" and distinct:  # Pony adds DISTINCT when the result is not a whole entity
        values = list(set(values))  # (but not over the window of another query: one item per row)
    return Counter(values)


def run_case(db, projection: str, predicate: str, source: str = "Person", mixed: str | None = None) -> str | None:
    """None when SQL and Python agree, else a description of the mismatch."""
    if mixed is not None:
        return run_mixed_case(db, projection, f"({mixed}) and ({predicate})", source, mixed)
    text = f"select({projection} for p in {source} if {predicate})"
    with db_session:
        expected = python_results(db, projection, predicate, source)
    with db_session:
        try:
            got = sql_results(db, projection, predicate, source)
        except Exception as exc:
            return f"{text}: {type(exc).__name__}: {exc}"
    if got != expected:
        missing, extra = expected - got, got - expected
        return f"{text}: missing {sorted(map(repr, missing))}, unexpected {sorted(map(repr, extra))}"
    return None


def run_mixed_case(db, projection: str, predicate: str, source: str, mixed: str) -> str | None:
    """Operands of types Python refuses: Python raises TypeError for every person, the query too."""
    text = f"select({projection} for p in {source} if {predicate})"
    with db_session:
        test = eval(f"lambda p: {mixed}", python_namespace(db))  # noqa: S307
        for person in db.Person.select()[:]:
            try:
                test(person)
            except TypeError:
                continue
            return f"{text}: Python accepts {mixed} for {person}"
    with db_session:
        try:
            sql_results(db, projection, predicate, source)
        except TypeError:
            return None
        except Exception as exc:
            return f"{text}: {type(exc).__name__} instead of TypeError: {exc}"
    return f"{text}: runs although Python refuses {mixed}"


# --- the test ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def db(backend_module):
    db = backend_module.make_db(define_entities)
    populate(db)
    return db


def test_queries_agree_with_python(db, backend_module, record_property):
    folding = backend_module.name == "mysql"
    mismatches: list[str] = []
    cases = [0]

    sources = st.one_of(st.just("Person"), st.just("Person"), st.just("Person"), window_calls())
    mixed = st.sampled_from([None] * 3 * len(MIXED) + MIXED)

    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))

    @given(st.sampled_from(PROJECTIONS), predicates(folding), sources, mixed)
    def check(projection, predicate, source, mixed):
        cases[0] += 1
        problem = run_case(db, projection, predicate, source, mixed)
        if problem is not None and problem not in mismatches:
            mismatches.append(problem)

    check()
    record_property("cases", cases[0])
    record_property("mismatches", len(mismatches))
    if REPORT:
        with open(REPORT, "a") as out:
            out.write(f"{backend_module.name} {cases[0]} {len(mismatches)}\n")
            for problem in mismatches:
                out.write("  " + problem.replace("\n", " ") + "\n")
    assert not mismatches, f"{len(mismatches)} of {cases[0]} cases differ:\n" + "\n".join(mismatches[:10])


def main() -> int:
    """``make oracle``: run the test on every backend and print the summary line last."""
    import tempfile

    with tempfile.NamedTemporaryFile("r", suffix=".oracle") as report:
        os.environ["PONY_ORACLE_REPORT"] = report.name
        status = pytest.main([__file__, "-q", "-p", "no:cacheprovider", "-W", "ignore::pytest.PytestAssertRewriteWarning",
                              *sys.argv[1:]])
        lines = report.read().splitlines()
    cases = mismatches = 0
    for line in lines:
        if line.startswith("  "):
            print(line)
            continue
        _, n, m = line.split()
        cases, mismatches = cases + int(n), mismatches + int(m)
    print(f"oracle: {cases} cases, {mismatches} mismatches")
    return int(status)


if __name__ == "__main__":
    sys.exit(main())
