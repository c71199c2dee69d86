"""The shape families of the oracle: each is a hypothesis strategy of ``Spec``s (tests/test_oracle.py
runs one test per family, so every family appears in every run)."""

from __future__ import annotations

from hypothesis import strategies as st

from .namespaces import LIMITS, OFFSETS, ORDERS
from .predicates import (
    COMPARE,
    INTS,
    MIXED,
    combine,
    date_atoms,
    empty_in_atoms,
    int_atoms,
    person_predicates,
    pet_atoms,
    simple_person_predicates,
    string_atoms,
)
from .queries import Item, Spec, agg

PROJECTIONS = ["p", "p.name", "p.id, p.name", "p.age + 1", "p.name.upper()", "p.name.lower()", "p.score",
               "p.id, p.score", "len(p.name)", "p.id, count(p.pets)", "p.born", "p.active", "p.nick", "p.age",
               "p.age % 3, p.active", "p.country", "p.country, p.active", "p.born + timedelta(days=30)",
               "p.name[1:3]", "p.age / 4", "abs(p.age - 30)", "p.id, p.score * 2", "p.name + '!'",
               "p.born - timedelta(days=1), p.active", "p.id, p.age if p.active else -1"]


def items_of(text: str) -> tuple[Item, ...]:
    """The items of a projection written "a, b"."""
    return tuple(Item(t) for t in text.split(", "))


def _distinct() -> st.SearchStrategy:
    return st.sampled_from([True, True, True, False])


def filter_family(folding: bool) -> st.SearchStrategy:
    """select(<projection> for p in Person if <condition>), some without DISTINCT, some refused."""
    mixed = st.sampled_from([None] * 3 * len(MIXED) + MIXED)
    return st.builds(lambda proj, pred, distinct, bad: Spec("filter", items_of(proj), where=(pred,), distinct=distinct,
                                                            extra={"mixed": bad}),
                     st.sampled_from(PROJECTIONS), person_predicates(folding), _distinct(), mixed)


def operators_family(folding: bool) -> st.SearchStrategy:
    """String tests with % and _ (constants and parameters), empty in-lists, dates with timedelta."""
    atom = st.one_of(string_atoms(folding), empty_in_atoms(), empty_in_atoms(), date_atoms())
    return st.builds(lambda proj, pred, distinct: Spec("operators", items_of(proj), where=(pred,), distinct=distinct),
                     st.sampled_from(PROJECTIONS), combine(atom, 3), _distinct())


def window_calls() -> st.SearchStrategy:
    """``window(order, limit, offset)``: a window of another query (see namespaces.py)."""
    return st.builds(lambda key, n, k: f"window({key!r}, {n}, {k})", st.sampled_from(sorted(ORDERS)),
                     st.sampled_from(LIMITS), st.sampled_from(OFFSETS))


def nested_atoms(folding: bool) -> st.SearchStrategy:
    """``in`` a window of another query, of values, of tuples; subqueries with conditions;
    scalar (correlated) subqueries; exists() of a generator yielding a condition."""
    neg = st.sampled_from(["", "not "])
    return st.one_of(
        st.builds(lambda n, w: f"p {n}in {w}", neg, window_calls()),
        st.builds(lambda n, k, o: f"p.age {n}in ages({k}, {o})", neg, st.sampled_from(LIMITS), st.sampled_from(OFFSETS)),
        st.builds(lambda k: f"(p.id, p.age) in young_pairs({k})", st.sampled_from(INTS)),
        st.builds(lambda n, c: f"p.id {n}in select(x.owner.id for x in Pet if {c})", neg, pet_atoms(folding)),
        st.builds(lambda n, c: f"p {n}in select(x.owner for x in Pet if {c})", neg, pet_atoms(folding)),
        st.builds(lambda f, op, k: f"p.age {op} {f}(q.age for q in Person if q.age > {k})",
                  st.sampled_from(["avg", "max", "min"]), st.sampled_from(["<", ">="]), st.sampled_from([0, 20, 40])),
        st.builds(lambda op, k: f"count(q for q in Person if q.age < p.age) {op} {k}", st.sampled_from(COMPARE),
                  st.sampled_from([0, 2, 4])),
        # subqueries whose values include NULL: `not in` must not turn into SQL's NOT IN trap
        st.builds(lambda n, k: f"(p.score is not None and p.score {n}in select(q.score for q in Person if q.age > {k}))",
                  neg, st.sampled_from([0, 20, 40])),
        st.builds(lambda n, k: f"(p.nick is not None and p.nick {n}in select(q.nick for q in Person if q.age < {k}))",
                  neg, st.sampled_from([20, 30, 50])),
        # (a NULL never equals anything there, as in Pony: None is neither in nor out, so guarded)
        st.builds(lambda n, k: f"(p.country is not None and p.country {n}in select(q.country for q in Person "
                               f"if q.age < {k}))",
                  neg, st.sampled_from([20, 30, 50])),
        st.sampled_from(["(p.country is not None and p.age >= max(q.age for q in Person if q.country == p.country))",
                         "exists(q for q in Person if q.age == p.age and q.id != p.id)"]),
        st.builds(lambda op, w: f"exists(x.weight {op} {w} for x in p.pets)", st.sampled_from(["<", ">"]),
                  st.sampled_from([1.0, 2.0, 5.0])),
        st.builds(lambda w, name: f"exists(x.weight > {w} for x in p.pets if x.name != {name!r})",
                  st.sampled_from([0.5, 1.0, 3.0]), st.sampled_from(["Rex", "Kit", "Bo"])),
        st.sampled_from(["exists(False for x in p.pets)", "exists(True for x in p.pets)",
                         "exists(x.weight for x in p.pets)"]),
    )


def nested_family(folding: bool) -> st.SearchStrategy:
    """Subqueries in conditions, and loops over another query (a window or a filtered query)."""
    inner = st.builds(lambda c: f"select(p for p in Person if {c})", simple_person_predicates(folding))
    sources = st.one_of(st.just("Person"), st.just("Person"), window_calls(), inner)

    def build(proj, pred, source, distinct):
        return Spec("nested", items_of(proj), loops=(("p", source),), where=(pred,), distinct=distinct,
                    auto_distinct=not source.startswith("window"))
    return st.builds(build, st.sampled_from(PROJECTIONS), combine(nested_atoms(folding), 3), sources, _distinct())


# --- ordering and windows ---------------------------------------------------------------------------

ORDER_SHAPES = [  # (loops, items to pick from, the item(s) that make a row unique, items not to order by)
    ((("p", "Person"),), ["p.age", "p.active", "p.age + 1", "len(p.name)", "p.name", "count(p.pets)", "p.age % 3"],
     ["p.id", "p"], ["p.name"]),
    ((("p", "Person"), ("x", "p.pets")), ["p.id", "p.age", "x.weight", "x.name", "p", "p.active"], ["x.id", "x"],
     ["x.name"]),
]
OBJECT_KEYS = ["p.age", "p.active", "len(p.name)", "count(p.pets)", "p.age % 3"]
SINGLE_VALUES = ["p.age", "p.age % 3", "p.active", "len(p.name)", "p.age // 10", "p.country.id"]
WINDOWS = st.one_of(st.just(()), st.builds(lambda n, k: ("limit", n, k), st.sampled_from(LIMITS), st.sampled_from(OFFSETS)),
                    st.builds(lambda a, n: ("slice", a, a + n), st.sampled_from(OFFSETS), st.sampled_from(LIMITS)),
                    st.builds(lambda n, size: ("page", n, size), st.sampled_from([1, 2, 3]), st.sampled_from([2, 3])),
                    st.just(("first",)))


@st.composite
def ordered_family(draw, folding: bool) -> Spec:
    """order_by with ties broken (by a unique item, or by DISTINCT), then limit/offset/slice/page/first."""
    where = (draw(simple_person_predicates(folding)),)
    window = draw(WINDOWS)
    shape = draw(st.integers(0, 4))
    if shape == 4:  # objects ordered by keys of theirs, the primary key last; maybe filtered after
        keys = draw(st.lists(st.sampled_from(OBJECT_KEYS), max_size=2, unique=True))
        order_keys = tuple((k, draw(st.booleans())) for k in keys) + (("p.id", draw(st.booleans())),)
        then = draw(st.sampled_from(["", "", "p.age > 20", "not p.active"]))
        return Spec("ordered", (Item("p"),), where=where, order_keys=order_keys, then_filter=then, window=window)
    if shape == 3:  # one value per row: DISTINCT makes the rows unique, the order is total
        value = draw(st.sampled_from(SINGLE_VALUES))
        if value == "p.country.id":
            where = ("p.country is not None",)
        return Spec("ordered", (Item(value),), where=where, order=(draw(st.sampled_from([1, -1])),), window=window)
    if shape == 2:  # groups: the key is unique per row
        key = draw(st.sampled_from(["p.age", "p.active", "p.age % 3"]))
        aggs = draw(st.lists(st.sampled_from([agg("count", "p"), agg("sum", "p.age"), agg("max", "p.age")]),
                             min_size=1, max_size=2, unique=True))
        items = (Item(key), *aggs)
        order = draw(st.permutations(range(1, len(items) + 1)))
        order = tuple(i * draw(st.sampled_from([1, -1])) for i in order[:order.index(1) + 1])
        return Spec("ordered", items, where=where, order=order, window=window)
    loops, choices, unique, unordered = ORDER_SHAPES[shape % 2]
    picked = draw(st.lists(st.sampled_from(choices), min_size=0, max_size=2, unique=True))
    key = draw(st.sampled_from(unique))
    items = [*picked]
    items.insert(draw(st.integers(0, len(items))), key)
    keys = [i + 1 for i, t in enumerate(items) if t not in unordered and t != key]
    keys = draw(st.permutations(keys))[:draw(st.integers(0, len(keys)))]
    order = tuple(k * draw(st.sampled_from([1, -1])) for k in keys) + ((items.index(key) + 1) * draw(st.sampled_from([1, -1])),)
    if shape == 1 and draw(st.booleans()):
        where = where + (draw(pet_atoms(folding)),)
    return Spec("ordered", tuple(Item(t) for t in items), loops=loops, where=where, order=order, window=window,
                distinct=draw(_distinct()))


# --- joins -------------------------------------------------------------------------------------------

JOIN_SHAPES = [  # (loops, fixed conditions, items to pick from, whether pet conditions apply)
    ((("p", "Person"), ("x", "p.pets")), (), ["p.name", "x.name", "p.id", "x.id", "p", "x", "p.age", "x.weight"], True),
    ((("c", "Country"), ("p", "c.people")), (), ["c.name", "p.name", "c", "p.age", "c.id", "p.active"], False),
    ((("x", "Pet"), ("p", "Person")), ("x.owner == p",), ["x.name", "p.name", "p.age", "x.weight", "p"], True),
    ((("x", "Pet"), ("p", "Person")), ("x.owner.age < p.age",), ["x.name", "p.id", "x.owner", "p.active"], True),
    ((("p", "Person"), ("c", "Country")), ("p.country == c",), ["p.id", "c.name", "c", "p.age"], False),
    ((("c", "Country"), ("p", "c.people"), ("x", "p.pets")), (), ["c.name", "p.name", "x.name", "c", "x.weight"], True),
]


@st.composite
def joins_family(draw, folding: bool) -> Spec:
    """Several ``for`` loops: through collections, through a condition, three deep."""
    loops, fixed, choices, pets = draw(st.sampled_from(JOIN_SHAPES))
    items = draw(st.lists(st.sampled_from(choices), min_size=1, max_size=3, unique=True))
    where = [*fixed]
    if draw(st.booleans()):
        where.append(draw(simple_person_predicates(folding)))
    if pets and draw(st.booleans()):
        where.append(draw(combine(pet_atoms(folding), 2)))
    return Spec("joins", tuple(Item(t) for t in items), loops=loops, where=tuple(where), distinct=draw(_distinct()))


LEFT_SHAPES = [  # (loops, plain items, aggregates over the inner loop)
    ((("p", "Person"), ("x", "p.pets")), ["p.id", "p.name", "p.active"],
     ["x.name", "x.id", "x", "x.weight", agg("count", "x"), agg("sum", "x.weight"), agg("min", "x.weight"),
      agg("max", "x.weight"), agg("avg", "x.weight"), agg("group_concat", "x.name"), agg("count", "x.name")]),
    ((("c", "Country"), ("p", "c.people")), ["c.name", "c.id", "c"],
     ["p.name", "p.age", "p", agg("count", "p"), agg("sum", "p.age"), agg("max", "p.age"),
      agg("avg", "p.score"), agg("group_concat", "p.name")]),
]


@st.composite
def left_join_family(draw, folding: bool) -> Spec:
    """left_join over collections that are empty for some rows: plain pairs and aggregates."""
    loops, outer, inner = draw(st.sampled_from(LEFT_SHAPES))
    key = Item(draw(st.sampled_from(outer)))
    picked = draw(st.lists(st.sampled_from(inner), min_size=1, max_size=2, unique_by=str))
    if any(isinstance(i, Item) for i in picked):  # aggregates: no plain inner items beside them
        picked = [i for i in picked if isinstance(i, Item)]
    items = (key, *(i if isinstance(i, Item) else Item(i) for i in picked))
    where = ()
    if loops[0][0] == "p" and draw(st.booleans()):  # conditions on the outer loop only
        where = (draw(simple_person_predicates(folding)),)
    elif loops[0][0] == "c" and draw(st.booleans()):
        where = (f"c.id {draw(st.sampled_from(COMPARE))} {draw(st.sampled_from([1, 2, 4]))}",)
    return Spec("left_join", items, loops=loops, where=where, left=True)


# --- grouping and aggregates ---------------------------------------------------------------------------

GROUP_SHAPES = [  # (loops, grouping keys, aggregates)
    ((("p", "Person"),), ["p.active", "p.age", "p.country", "p.age % 3", "p.age // 20", "p.score is None",
                          "p.born"],
     [agg("count", "p"), agg("sum", "p.age"), agg("min", "p.age"), agg("max", "p.age"), agg("avg", "p.age"),
      agg("count", "p.score"), agg("sum", "p.score"), agg("avg", "p.score"), agg("max", "p.born"),
      agg("group_concat", "p.name"), agg("count", "p.age"), agg("sum", "p.active"), agg("count", "p.country"),
      agg("max", "len(p.name)"), agg("sum", "p.age * 2"), agg("count", "p.nick")]),
    ((("p", "Person"), ("x", "p.pets")), ["p.name", "p.active", "p.age", "p"],
     [agg("count", "x"), agg("sum", "x.weight"), agg("max", "x.weight"), agg("group_concat", "x.name"),
      agg("count", "x.name"), agg("avg", "x.weight"), agg("count", "p")]),
    ((("x", "Pet"),), ["x.owner", "x.owner.active", "x.weight > 1"],
     [agg("count", "x"), agg("sum", "x.weight"), agg("avg", "x.weight"), agg("min", "x.id")]),
    ((("c", "Country"), ("p", "c.people")), ["c.name", "c"],
     [agg("count", "p"), agg("sum", "p.age"), agg("min", "p.age"), agg("group_concat", "p.name")]),
]
HAVING = [" > 1", " >= 2", " < 3", " > 40", " == 1"]


@st.composite
def groups_family(draw, folding: bool) -> Spec:
    """GROUP BY through aggregates beside plain items, HAVING, and aggregates of a whole query."""
    where = (draw(simple_person_predicates(folding)),) if draw(st.booleans()) else ()
    if draw(st.integers(0, 3)) == 0:  # the whole query: .count(), .sum(), ...
        whole = draw(st.sampled_from(["count", "sum", "avg", "min", "max"]))
        joined = draw(st.booleans())
        values = ["p.age", "p.score", "p.age * 2"] + (["x.weight"] if joined else [])
        item = draw(st.sampled_from(values + (["p.active", "p"] if whole == "count" else [])))
        loops = (("p", "Person"), ("x", "p.pets")) if joined else (("p", "Person"),)
        return Spec("groups", (Item(item),), loops=loops, where=where, whole=whole)
    loops, keys, aggs = draw(st.sampled_from(GROUP_SHAPES))
    if loops[0][0] != "p":
        where = ()
    picked_keys = draw(st.lists(st.sampled_from(keys), min_size=0, max_size=2, unique=True))
    picked_aggs = draw(st.lists(st.sampled_from(aggs), min_size=1, max_size=3, unique=True))
    items = [Item(k) for k in picked_keys] + picked_aggs
    items = draw(st.permutations(items))
    having = ()
    if draw(st.booleans()):
        counted = draw(st.sampled_from([a for a in aggs if a.agg in ("count", "sum")]))
        having = ((counted, draw(st.sampled_from(HAVING))),)
    return Spec("groups", tuple(items), loops=loops, where=where, having=having)


# --- Json and arrays ----------------------------------------------------------------------------------

def json_atoms() -> st.SearchStrategy:
    """Conditions on Json paths, each guarded where a missing key is NULL."""
    n = "p.info['n']"
    return st.one_of(
        st.builds(lambda op, k: f"({n} is not None and {n} {op} {k})", st.sampled_from(COMPARE),
                  st.sampled_from([0, 1, 3, 7])),
        st.builds(lambda op, s: f"(p.info['s'] is not None and p.info['s'] {op} {s!r})", st.sampled_from(["==", "!="]),
                  st.sampled_from(["red", "blue", "", "x"])),
        st.builds(lambda t: f"(p.info['tags'] is not None and {t!r} in p.info['tags'])", st.sampled_from(["a", "b", "d", "z"])),
        st.builds(lambda op, k: f"(p.info['tags'] is not None and len(p.info['tags']) {op} {k})",
                  st.sampled_from(COMPARE), st.sampled_from([0, 1, 2])),
        st.builds(lambda i, t: f"(p.info['tags'] is not None and p.info['tags'][{i}] is not None "
                                f"and p.info['tags'][{i}] == {t!r})",
                  st.sampled_from([0, 1, 2, -1, -2, -3]), st.sampled_from(["a", "b", "c"])),
        st.builds(lambda op, k: f"(p.info['sub'] is not None and p.info['sub']['k'] is not None "
                                f"and p.info['sub']['k'] {op} {k})",
                  st.sampled_from(COMPARE), st.sampled_from([0, 1, 2])),
        st.builds(lambda neg, key: f"{neg}p.info[{key!r}]", st.sampled_from(["", "not "]),
                  st.sampled_from(["n", "s", "tags", "flag", "sub", "missing"])),
        st.sampled_from(["p.info['n'] is None", "p.info['sub'] is not None", "p.info['flag'] is None"]),
    )


def json_family(folding: bool) -> st.SearchStrategy:
    """Conditions on Json paths: values, keys that are missing, arrays inside, truth values."""
    atom = st.one_of(json_atoms(), json_atoms(), int_atoms())
    projections = st.sampled_from(PROJECTIONS + ["p.info['n']", "p.id, p.info['s']", "p.info['sub']['k']",
                                                 "p.id, p.info['tags'][-1]", "p.id, p.info['tags'][-2]"])
    return st.builds(lambda proj, pred: Spec("json", items_of(proj), where=(pred,)), projections, combine(atom, 3))


def array_atoms() -> st.SearchStrategy:
    """Conditions on array attributes: membership, length, items."""
    return st.one_of(
        st.builds(lambda t, neg: f"{t!r} {neg}in p.tags", st.sampled_from(["a", "b", "d", "z"]), st.sampled_from(["", "not "])),
        st.builds(lambda k, neg: f"{k} {neg}in p.nums", st.sampled_from([0, 1, 2, 7, 9]), st.sampled_from(["", "not "])),
        st.builds(lambda f, op, k: f"len(p.{f}) {op} {k}", st.sampled_from(["tags", "nums"]), st.sampled_from(COMPARE),
                  st.sampled_from([0, 1, 2, 3])),
        st.builds(lambda i, t: f"(len(p.tags) > {i} and p.tags[{i}] == {t!r})", st.sampled_from([0, 1]),
                  st.sampled_from(["a", "b", "c"])),
        st.builds(lambda i, op, k: f"(len(p.nums) > {i} and p.nums[{i}] {op} {k})", st.sampled_from([0, 1]),
                  st.sampled_from(COMPARE), st.sampled_from([0, 1, 2, 5])),
        st.sampled_from(["p.tags", "not p.nums"]),
    )


def arrays_family(folding: bool) -> st.SearchStrategy:
    """IntArray / StrArray attributes (PostgreSQL natively, SQLite as Json; MariaDB has none)."""
    atom = st.one_of(array_atoms(), array_atoms(), int_atoms())
    return st.builds(lambda proj, pred: Spec("arrays", items_of(proj), where=(pred,)),
                     st.sampled_from(PROJECTIONS), combine(atom, 3))


FAMILIES = {"filter": filter_family, "operators": operators_family, "nested": nested_family,
            "ordered": ordered_family, "joins": joins_family, "left_join": left_join_family,
            "groups": groups_family, "json": json_family, "arrays": arrays_family}
