"""Correctness oracle: random queries of several shape families run through the ORM on each
backend, and evaluated in Python over the rows read back with the raw driver (sqlite3, psycopg,
PyMySQL; never through the ORM under test); both must give what a user sees alike: the same rows
as a multiset, in the same order when the query orders, the same value of an aggregate.

The families (tests/oracle/families.py), one test each so every run has them all: ``filter``
(conditions and projections, with or without DISTINCT, and operands Python refuses), ``operators``
(string tests with % and _, empty in-lists, dates with timedelta), ``nested`` (subqueries in
conditions, loops over another query), ``ordered`` (order_by with ties broken, limit / offset /
slices / page / first), ``joins`` (several for loops), ``left_join`` (over empty collections),
``groups`` (GROUP BY and HAVING through count/sum/min/max/avg/group_concat, aggregates of a whole
query), ``json`` (Json paths) and ``arrays`` (IntArray/StrArray, not on MariaDB).

Budget: PONY_ORACLE_EXAMPLES cases per backend (90 by default), shared by the families; ``make
oracle CASES=N``. Run as a script (``python tests/test_oracle.py``) it ends with the line
``oracle: N cases, M mismatches``.
"""

from __future__ import annotations

import os
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from oracle.data import define_entities, populate, read_model
from oracle.families import FAMILIES
from oracle.namespaces import orm_namespace, python_namespace
from oracle.queries import Spec, compare, run_orm, run_python

from pony.orm import db_session

EXAMPLES = int(os.environ.get("PONY_ORACLE_EXAMPLES", "90"))
PER_FAMILY = max(6, EXAMPLES // len(FAMILIES))
REPORT = os.environ.get("PONY_ORACLE_REPORT")


def run_case(db, model: dict, spec: Spec) -> str | None:
    """None when the ORM and Python agree, else a description of the mismatch."""
    mixed = spec.extra.get("mixed")
    if mixed:
        return run_mixed_case(db, model, spec, mixed)
    try:
        expected = run_python(spec, python_namespace(model))
    except Exception as exc:  # the generator wrote something Python cannot evaluate: a bug of the oracle
        return f"{spec.describe()}: Python fails: {type(exc).__name__}: {exc}"
    with db_session:
        try:
            got = run_orm(spec, orm_namespace(db))
        except Exception as exc:
            return f"{spec.describe()}: {type(exc).__name__}: {exc}"
        return compare(spec, got, expected)


def run_mixed_case(db, model: dict, spec: Spec, mixed: str) -> str | None:
    """Operands of types Python refuses: Python raises TypeError for every person, the query too."""
    spec = spec.with_(where=(mixed, *spec.where))
    test = eval(f"lambda p: {mixed}", python_namespace(model))  # noqa: S307
    for person in model["Person"]:
        try:
            test(person)
        except TypeError:
            continue
        return f"{spec.describe()}: Python accepts {mixed} for {person}"
    with db_session:
        try:
            run_orm(spec, orm_namespace(db))
        except TypeError:
            return None
        except Exception as exc:
            return f"{spec.describe()}: {type(exc).__name__} instead of TypeError: {exc}"
    return f"{spec.describe()}: runs although Python refuses {mixed}"


@pytest.fixture(scope="module")
def oracle_db(backend_module):
    """The populated database of the module and its rows read back raw."""
    arrays = backend_module.has("arrays")
    db = backend_module.make_db(lambda db: define_entities(db, arrays))
    populate(db, arrays)
    return db, read_model(backend_module, arrays)


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_queries_agree_with_python(oracle_db, backend_module, family, record_property):
    """Every case of one family gives the same answer through the ORM as in Python."""
    if family == "arrays" and not backend_module.has("arrays"):
        pytest.skip(f"{backend_module.name} has no array columns in Pony")
    db, model = oracle_db
    folding = backend_module.name == "mysql"
    mismatches: list[str] = []
    cases = [0]

    @settings(max_examples=PER_FAMILY, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(FAMILIES[family](folding))
    def check(spec):
        cases[0] += 1
        problem = run_case(db, model, spec)
        if problem is not None and problem not in mismatches:
            mismatches.append(problem)

    check()
    record_property("cases", cases[0])
    if REPORT:
        with open(REPORT, "a") as out:
            out.write(f"{backend_module.name} {family} {cases[0]} {len(mismatches)}\n")
            for problem in mismatches:
                out.write("  " + problem.replace("\n", " ") + "\n")
    assert not mismatches, f"{len(mismatches)} of {cases[0]} {family} cases differ:\n" + "\n".join(mismatches[:10])


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
        print(line)
        _, _, n, m = line.split()
        cases, mismatches = cases + int(n), mismatches + int(m)
    print(f"oracle: {cases} cases, {mismatches} mismatches")
    return int(status)


if __name__ == "__main__":
    sys.exit(main())
