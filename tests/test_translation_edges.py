"""Edge cases of query translation: error messages, source reading, outer values, folding, decompiling."""

from __future__ import annotations

import os
import re
import shutil
import string
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from pony.orm import IntArray, Optional, Required, between, count, db_session, select
from pony.orm.errors import DecompileError, IncomparableTypesError, TranslationError
from pony.orm.translation.decompile import decompile_code
from tests.query_models import define_entities, populate


def _find_python(version: str) -> str | None:
    """A CPython ``version`` on this machine: the newest pyenv install, else ``python3.X`` on PATH.

    A pyenv shim is no use here: the test runs the interpreter with a bare PATH."""
    root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    installs = sorted(root.glob(f"{version}.*/bin/python"),
                      key=lambda p: [int(x) for x in p.parts[-3].split(".") if x.isdigit()])
    if installs:
        return str(installs[-1])
    found = shutil.which(f"python{version}")
    return found if found and "/shims/" not in found else None


PYTHON_312 = _find_python("3.12")
LIST_COMP_MESSAGE = ("Use generator expression (... for ... in ...) instead of list comprehension "
                     "[... for ... in ...] inside query")


@pytest.fixture(scope="module")
def db(backend_module):  # one populated database per module: these tests only read
    db = backend_module.make_db(define_entities)
    populate(db)
    return db


def test_list_comprehension_in_a_genexpr_query_names_the_fix(db):
    Student = db.Student
    with db_session:
        with pytest.raises(Exception, match=re.escape(LIST_COMP_MESSAGE)) as info:
            select(s for s in Student if s.name in [c.name for c in s.courses])[:]
        assert str(info.value) == LIST_COMP_MESSAGE


def test_list_comprehension_in_a_text_query_names_the_fix(db):
    with db_session:
        with pytest.raises(Exception) as info:
            select("s for s in Student if s.name in [c.name for c in s.courses]", globals(),
                   {"Student": db.Student})[:]
        assert str(info.value) == LIST_COMP_MESSAGE


def test_between_refuses_entity_instances_outside_a_query(db):
    with db_session:
        alice = db.Student.get(name="Alice")
        with pytest.raises(TypeError) as info:
            between(alice, 1, 2)
        assert str(info.value) == "between() function cannot be applied to entity instances"
        with pytest.raises(TypeError) as info:
            between(1, alice, 2)
        assert str(info.value) == "between() function cannot be applied to entity instances"


def test_count_of_an_optional_column_skips_nulls(db):
    with db_session:
        tels = sorted(s.tel for s in db.Student.select() if s.tel is not None)
        assert select(count(s.tel) for s in db.Student).get() == len(set(tels))
        assert select(count(s.gpa) for s in db.Student).get() == len(
            {s.gpa for s in db.Student.select() if s.gpa is not None})


def test_module_attributes_are_values_but_a_module_is_no_query_result(db):
    module = string
    with db_session:
        names = sorted(select(s.name for s in db.Student if s.name[:1] in module.ascii_uppercase))
        assert names == ["Alice", "Bob", "Carol", "Dan_%"]
        with pytest.raises(TranslationError) as info:
            select((s.name, module) for s in db.Student)[:]
        assert str(info.value) == "Expression `module` cannot be a query result"


def test_query_over_a_limited_query_follows_the_limit_and_offset(db):
    def names_of_window(limit, offset):
        inner = db.Student.select().order_by(db.Student.name).limit(limit, offset=offset)
        return sorted(select(s.name for s in inner))

    with db_session:
        assert names_of_window(2, 0) == ["Alice", "Bob"]
        assert names_of_window(3, 0) == ["Alice", "Bob", "Carol"]
        assert names_of_window(2, 1) == ["Bob", "Carol"]
        assert names_of_window(1, 3) == ["Dan_%"]


def test_loop_over_a_limited_query_of_tuples_follows_the_limit_and_offset(db):
    def names_of_window(limit, offset):
        inner = select((s.name, s.gpa) for s in db.Student).order_by(1).limit(limit, offset=offset)
        return sorted(select(n for n, g in inner))

    with db_session:
        assert names_of_window(2, 0) == ["Alice", "Bob"]
        assert names_of_window(3, 0) == ["Alice", "Bob", "Carol"]
        assert names_of_window(2, 1) == ["Bob", "Carol"]
        assert names_of_window(1, 3) == ["Dan_%"]


def test_list_comprehension_in_a_filter_lambda_names_the_fix(db):
    with db_session:
        with pytest.raises(Exception) as info:
            db.Student.select().filter(lambda s: s.name in [c.name for c in s.courses])[:]
        assert str(info.value) == LIST_COMP_MESSAGE


def test_array_attribute_compared_with_a_tuple_is_refused(backend):
    if not backend.has("arrays"):
        pytest.skip(f"{backend.name} has no array columns")

    def define(db):
        class Post(db.Entity):
            title = Required(str)
            scores = Optional(IntArray)

    db = backend.make_db(define)
    with db_session:
        db.Post(title="a", scores=[1, 2])
        wanted_list, wanted_tuple = [1, 2], (1, 2)
        assert select(p.title for p in db.Post if p.scores == wanted_list)[:] == ["a"]
        with pytest.raises(IncomparableTypesError) as info:
            select(p.title for p in db.Post if p.scores == wanted_tuple)[:]
        assert "tuple" in str(info.value)


def test_decimal_of_a_json_number_is_read_as_a_float(db):
    with db_session:
        rows = sorted(select((s.name, Decimal(s.info["age"])) for s in db.Student if s.info))
        assert rows == [("Alice", Decimal(21)), ("Bob", Decimal(25)), ("Carol", Decimal(19))]
        assert all(isinstance(age, Decimal) for _, age in rows)
        assert [str(age) for _, age in rows] == ["21.0", "25.0", "19.0"]
        assert sorted(select(s.name for s in db.Student if Decimal(s.info["age"]) > 20)) == ["Alice", "Bob"]


# --- the bytecode fallback (queries whose source cannot be read) ------------------------------------

def _code_without_source(source: str):
    module = compile(f"q = {source}", "<string not in linecache>", "exec")
    return next(c for c in module.co_consts if getattr(c, "co_name", None) == "<genexpr>")


def test_undecompilable_query_error_ends_with_the_advice():
    with pytest.raises(DecompileError) as info:
        decompile_code(_code_without_source("(x for p in Person if (x := p.a))"))
    advice = ('Put the query in a .py file so that its source can be read, or pass the query as a '
              'string, e.g. select("p for p in Person if p.age > 20")')
    assert re.fullmatch(r"Cannot decompile <genexpr> in <string not in linecache>, line 1: "
                        r"unsupported bytecode instruction \w+\. " + re.escape(advice), str(info.value))


UNARY_PLUS_SCRIPT = """
import ast
from pony.orm.translation.decompile import decompile_code
module = compile("q = (+p.a for p in Person if +p.b > 1)", "<string not in linecache>", "exec")
code = next(c for c in module.co_consts if getattr(c, "co_name", None) == "<genexpr>")
print(ast.unparse(decompile_code(code)))
"""


@pytest.mark.skipif(PYTHON_312 is None, reason="CPython 3.12 is not installed")
def test_unary_plus_survives_decompiling_on_python_312():
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run([PYTHON_312, "-c", UNARY_PLUS_SCRIPT], capture_output=True, text=True,
                            timeout=120, cwd=root, env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "(+p.a for p in .0 if +p.b > 1)"


def test_lambda_query_inside_a_multiline_lambda_reads_the_inner_lambda(db):
    good_students = (lambda:
                     db.Student.select(
                         lambda s: s.gpa > 3))
    with db_session:
        assert sorted(s.name for s in good_students()) == ["Alice", "Bob"]
