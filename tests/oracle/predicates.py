"""Conditions the oracle generates, as text both the ORM and Python evaluate.

Only expressions whose meaning agrees between SQL and Python: a nullable value is compared only
behind an ``is not None`` guard (SQL's NULL and Python's None agree on ``is None`` and on any
and/or/not of guarded comparisons), numbers stay non-negative where SQL and Python round
differently, and on MySQL/MariaDB (case- and accent-insensitive collation, ``=`` ignoring trailing
spaces) a string test is used only when that folding cannot change its answer on this data.
"""

from __future__ import annotations

import unicodedata

from hypothesis import strategies as st

from .data import COUNTRIES, PEOPLE, PETS

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
PET_NAMES = [row[1] for row in PETS]
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


def test_is_safe(values: list, transform: str, op: str, const: str, folding: bool) -> bool:
    """Whether a string test gives the same answers under MySQL's folding collation."""
    if not folding:
        return True
    test = STRING_OPS[op][1]
    values = [TRANSFORMS[transform](v) for v in values]
    if op in ("==", "!="):  # and = ignores trailing spaces there (PAD SPACE), LIKE does not
        return all(test(v, const) == test(fold(v).rstrip(" "), fold(const).rstrip(" ")) for v in values)
    return all(test(v, const) == test(fold(v), fold(const)) for v in values)


def guarded(guard: str | None, text: str) -> str:
    """A test behind the guard that keeps a nullable value from being NULL."""
    return f"({guard} and {text})" if guard else text


def int_atoms() -> st.SearchStrategy:
    """Tests on an integer: comparisons, arithmetic, %, //, a conditional, between, in."""
    plain = st.builds(lambda op, k: f"p.age {op} {k}", st.sampled_from(COMPARE), st.sampled_from(INTS))
    arith = st.builds(lambda a, k, op, m: f"p.age {a} {k} {op} {m}", st.sampled_from(["+", "-", "*"]),
                      st.sampled_from([1, 2, 3, -1, -2]), st.sampled_from(COMPARE), st.sampled_from(INTS))
    negative = st.builds(lambda op, k: f"-p.age {op} -{k}", st.sampled_from(COMPARE), st.sampled_from(INTS))
    mod = st.builds(lambda k, m: f"p.age % {k} == {m}", st.sampled_from([2, 3, 5]), st.sampled_from([0, 1]))
    div = st.builds(lambda k, op, m: f"p.age // {k} {op} {m}", st.sampled_from([2, 3, 7]),
                    st.sampled_from(COMPARE), st.sampled_from(INTS))
    case = st.builds(lambda op, k: f"(p.age if p.active else 100) {op} {k}", st.sampled_from(COMPARE),
                     st.sampled_from(INTS))
    between = st.builds(lambda a, b: f"between(p.age, {a}, {b})", st.sampled_from(INTS), st.sampled_from(INTS))
    in_list = st.builds(lambda ks: f"p.age in {tuple(ks)!r}", st.lists(st.sampled_from(INTS), min_size=1, max_size=3))
    return st.one_of(plain, arith, negative, mod, div, case, between, in_list)


def float_atoms() -> st.SearchStrategy:
    """Tests on a nullable float, guarded."""
    compare = st.builds(lambda op, c: f"(p.score is not None and p.score {op} {c})",
                        st.sampled_from(["<", "<=", ">", ">="]), st.sampled_from(FLOATS))
    is_none = st.sampled_from(["p.score is None", "p.score is not None"])
    mixed = st.builds(lambda op, k: f"(p.score is not None and p.score {op} p.age / {k})",
                      st.sampled_from(["<", ">"]), st.sampled_from([2, 4]))
    return st.one_of(compare, is_none, mixed)


def string_atoms(folding: bool) -> st.SearchStrategy:
    """String tests (safe under MySQL's folding when ``folding``), lengths, truth."""
    test = st.tuples(st.sampled_from(sorted(STRING_FIELDS)), st.sampled_from(sorted(TRANSFORMS)),
                     st.sampled_from(sorted(STRING_OPS)), st.sampled_from(STRINGS))
    test = test.filter(lambda t: test_is_safe(STRING_FIELDS[t[0]][1], *t[1:], folding))

    def render(t):
        field, transform, op, const = t
        return guarded(STRING_FIELDS[field][0], STRING_OPS[op][0](field + transform, const))

    length = st.builds(lambda f, op, k: guarded(STRING_FIELDS[f][0], f"len({f}) {op} {k}"),
                       st.sampled_from(sorted(STRING_FIELDS)), st.sampled_from(COMPARE), st.sampled_from([0, 1, 2, 3, 6]))
    truth = st.sampled_from(["p.name", "not p.name", "p.nick is None", "(p.nick is not None and p.nick == '')"])
    return st.one_of(test.map(render), length, truth)


def empty_in_atoms() -> st.SearchStrategy:
    """``in`` an empty list: never true; ``not in`` one: always (a constant, a parameter, a tuple)."""
    return st.builds(lambda e, neg, lst: f"{e} {neg}in {lst}", st.sampled_from(["p.age", "p.name", "p.id", "p"]),
                     st.sampled_from(["", "not "]), st.sampled_from(["[]", "()", "EMPTY"]))


def date_atoms() -> st.SearchStrategy:
    """Dates compared, their parts, and dates shifted by a timedelta."""
    dates = st.builds(lambda op, d: f"(p.born is not None and p.born {op} {d})", st.sampled_from(COMPARE),
                      st.sampled_from(DATES))
    parts = st.builds(lambda part, op, k: f"(p.born is not None and p.born.{part} {op} {k})",
                      st.sampled_from(["year", "month", "day"]), st.sampled_from(COMPARE),
                      st.sampled_from([1, 2, 6, 12, 29, 1990, 2000]))
    shifted = st.builds(lambda sign, days, op, d: f"(p.born is not None and p.born {sign} timedelta(days={days}) {op} {d})",
                        st.sampled_from(["+", "-"]), st.sampled_from([1, 2, 30, 365, 3653]), st.sampled_from(COMPARE),
                        st.sampled_from(DATES))
    return st.one_of(dates, parts, shifted)


def other_atoms() -> st.SearchStrategy:
    """Booleans, an optional to-one relation, and a collection."""
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
    return st.one_of(bools, to_one, to_many)


def pet_atoms(folding: bool) -> st.SearchStrategy:
    """Conditions on a pet ``x`` (the second loop of a join)."""
    weight = st.builds(lambda op, w: f"x.weight {op} {w}", st.sampled_from(COMPARE), st.sampled_from([0.75, 1.0, 2.0, 4.0]))
    ident = st.builds(lambda op, k: f"x.id {op} {k}", st.sampled_from(COMPARE), st.sampled_from([1, 3, 5, 8]))
    name = st.tuples(st.sampled_from(["==", "!=", "startswith", "in"]), st.sampled_from(["Rex", "R", "i", "o", "Max", "Z"]))
    name = name.filter(lambda t: test_is_safe(PET_NAMES, "", t[0], t[1], folding))
    owner = st.builds(lambda op, k: f"x.owner.age {op} {k}", st.sampled_from(COMPARE), st.sampled_from(INTS))
    return st.one_of(weight, ident, name.map(lambda t: STRING_OPS[t[0]][0]("x.name", t[1])), owner)


def combine(atom, max_leaves: int = 4) -> st.SearchStrategy:
    """and / or / not over ``atom``."""
    def extend(inner: st.SearchStrategy) -> st.SearchStrategy:
        both = st.tuples(inner, inner)
        return st.one_of(both.map(lambda t: f"({t[0]} and {t[1]})"), both.map(lambda t: f"({t[0]} or {t[1]})"),
                         inner.map(lambda a: f"not ({a})"))
    return st.recursive(atom, extend, max_leaves=max_leaves)


def person_predicates(folding: bool) -> st.SearchStrategy:
    """Any condition on a person ``p`` (the scalar families)."""
    return combine(st.one_of(int_atoms(), float_atoms(), string_atoms(folding), other_atoms(), date_atoms(),
                             empty_in_atoms()))


def simple_person_predicates(folding: bool) -> st.SearchStrategy:
    """Shorter conditions on ``p`` for the families whose interest lies elsewhere."""
    return combine(st.one_of(int_atoms(), float_atoms(), string_atoms(folding), other_atoms()), max_leaves=2)


# Operands Python refuses with TypeError for every person: the query must refuse them too (before
# any SQL). Mixed comparisons Python allows (str == int is False) are left out: Pony sends them.
MIXED = ["p.name < 1", "p.age > 'a'", "p.age <= 'x'", "p.active < 'a'", "p.name >= 2.5", "p.born < 1",
         "p.score < 'a'", "p.name.startswith(1)", "p.name.endswith(2)", "p.name.strip(1) == 'a'", "1 in p.name",
         "p.age in p.name", "p.name + 1 == 'a'"]
