"""Edge cases of query translation: error messages, source reading, outer values, folding, decompiling."""

from __future__ import annotations

import ast
import dis
import importlib.util
import linecache
import re
import string
import subprocess
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from pony.orm import IntArray, Optional, Required, between, count, db_session, group_concat, raw_sql, select
from pony.orm.errors import DecompileError, IncomparableTypesError, TranslationError
from pony.orm.translation.decompile import decompile_code
from tests.other_pythons import find_python
from tests.query_models import define_entities, populate

PYTHON_312 = find_python("3.12")
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


def test_adjacent_string_constants_of_an_f_string_decompile_merged():
    # CPython never emits two string constants in a row for BUILD_STRING: drop the FORMAT_* of
    # f"{'ab'}{'cd'}{'ef'}" by hand (still valid bytecode, which returns "abcdef")
    code = (lambda: f"{'ab'}{'cd'}{'ef'}").__code__
    formats = {dis.opmap[name] for name in ("FORMAT_VALUE", "FORMAT_SIMPLE") if name in dis.opmap}
    raw = bytearray(code.co_code)
    for offset in range(0, len(raw), 2):
        if raw[offset] in formats:
            raw[offset:offset + 2] = bytes([dis.opmap["NOP"], 0])
    code = code.replace(co_code=bytes(raw))
    assert eval(code) == "abcdef"  # the hand-made code object runs
    tree = decompile_code(code)
    assert ast.dump(tree.body) == ast.dump(ast.JoinedStr(values=[ast.Constant(value="abcdef")]))


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


# --- reading a query's source where the usual clues are missing -----------------------------------

WALRUS_MESSAGE = "Expression `(x := {})` is not supported in a query. Assignment expressions are not supported"
NO_DEBUG_RANGES_SCRIPT = """
from pony.orm import Database, Required, db_session, select

db = Database()


class P(db.Entity):
    n = Required(int)


db.bind("sqlite", ":memory:")
db.generate_mapping(create_tables=True)
with db_session:
    for query in (lambda: select(p for p in P if (x := p.n) > 0)[:], lambda: select(p for p in P if (x := p.n) > 1)[:]):
        try:
            query()
        except Exception as exc:
            print(type(exc).__name__, exc)
"""


def test_queries_on_one_line_told_apart_by_a_zero_without_column_positions(tmp_path):
    # with -X no_debug_ranges (no columns) the two genexprs of a line, with the same names, differ only
    # by their constants 0 and 1; reading the source gives the translator's message, decompiling
    # would refuse the walrus
    script = tmp_path / "two_queries.py"
    script.write_text(NO_DEBUG_RANGES_SCRIPT)
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120,
                            cwd=tmp_path, env={"PYTHONPATH": str(root), "PYTHONNODEBUGRANGES": "1",
                                               "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [f"TranslationError {WALRUS_MESSAGE.format('p.n')}"] * 2


EDITED_MODULE = """
from pony.orm import select


def run(Student):
    return select(s for s in Student if (x := s.gpa) > 0)[:]
"""


def test_query_of_a_module_edited_into_a_syntax_error_still_reads_its_own_source(db, tmp_path):
    path = tmp_path / "edited_queries.py"
    path.write_text(EDITED_MODULE)
    spec = importlib.util.spec_from_file_location("edited_queries", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with path.open("a") as file:  # edited after the import: the file as a whole no longer parses
        file.write("\ndef unfinished(:\n")
    linecache.checkcache(str(path))
    with db_session, pytest.raises(TranslationError) as info:
        module.run(db.Student)
    assert str(info.value) == WALRUS_MESSAGE.format("s.gpa")


# --- values, raw SQL, aggregates and relations inside queries ------------------------------------

def test_timedelta_plus_a_date_attribute_is_a_date(db):
    with db_session:
        # dobs: Alice 1999-03-04, Bob 2000-05-06, Carol 2001-07-08, Dan 1998-12-31
        assert sorted(select(s.name for s in db.Student if timedelta(days=2) + s.dob >= date(2000, 5, 8))) \
            == ["Bob", "Carol"]
        assert sorted(select((s.name, timedelta(days=1) + s.dob) for s in db.Student)) == [
            ("Alice", date(1999, 3, 5)), ("Bob", date(2000, 5, 7)), ("Carol", date(2001, 7, 9)),
            ("Dan_%", date(1999, 1, 1))]
        with pytest.raises(TypeError) as info:
            select(s for s in db.Student if timedelta(days=1) - s.dob > date(2000, 1, 1))[:]
        assert str(info.value) == ("Unsupported operand types 'timedelta' and 'date' for operation '-' in "
                                   "expression: timedelta(days=1) - s.dob")


def test_raw_sql_in_a_query_takes_objects_as_their_primary_keys(db):
    with db_session:
        group = db.Group[101]  # noqa: F841 - read by raw_sql()
        # a related object of the query and an entity instance from outside both give their key
        assert sorted(select(s.name for s in db.Student if raw_sql("$(s.group) = $group"))) == ["Alice", "Bob"]
        assert sorted(select(s.name for s in db.Student if raw_sql("$(s.group) = 102"))) == ["Carol"]
        with pytest.raises(TranslationError) as info:
            select(s.name for s in db.Student if raw_sql("$(s.courses) = 101"))[:]
        assert str(info.value) == "raw_sql() parameter $s.courses must be a value"


def test_raw_sql_made_outside_a_query_takes_an_entity_instance_as_its_primary_key(db):
    with db_session:
        teacher = db.Teacher.get(name="Prof A")  # noqa: F841 - read by raw_sql()
        students = select(s for s in db.Student)
        assert sorted(s.name for s in students.filter(raw_sql("s.mentor = $teacher"))) == ["Alice", "Bob"]
        cond = raw_sql("s.mentor = $teacher")
        assert sorted(s.name for s in select(s for s in db.Student if cond)) == ["Alice", "Bob"]


def test_set_comprehension_in_a_query_names_the_fix(db):
    with db_session, pytest.raises(TranslationError) as info:
        select(s for s in db.Student if s.name in {c.name for c in s.courses})[:]
    assert str(info.value) == ("Expression `{c.name for c in s.courses}` is not supported in a query. "
                               "Use a generator expression instead")


def test_group_concat_of_related_objects_joins_their_primary_keys(db):
    with db_session:
        joined = select(group_concat(s.group) for s in db.Student).get()
        assert sorted(joined.split(",")) == ["101", "101", "102", "201"]


def test_json_path_compared_with_a_list_is_refused(db):
    with db_session:
        with pytest.raises(IncomparableTypesError) as info:
            select(s for s in db.Student if s.info["tags"] == [])[:]
        assert str(info.value) == "Incomparable types 'Json' and 'list' in expression: s.info['tags'] == []"
        with pytest.raises(IncomparableTypesError) as info:  # a display of columns: no parameter type
            select(s for s in db.Student if s.info["tags"] == [s.name])[:]
        assert str(info.value) == "Incomparable types 'Json' and 'list' in expression: s.info['tags'] == [s.name]"


def _define_people_with_passports(db):
    class Person(db.Entity):
        name = Required(str)
        passport = Optional("Passport")  # the other side holds the column: a reverse one-to-one

    class Passport(db.Entity):
        number = Required(str)
        owner = Required(Person)


def test_reverse_one_to_one_attribute_is_navigated_and_tested_for_none(backend):
    db = backend.make_db(_define_people_with_passports)
    with db_session:
        ann, bob, _ = db.Person(name="ann"), db.Person(name="bob"), db.Person(name="cid")
        db.Passport(number="A1", owner=ann)
        db.Passport(number="B1", owner=bob)
    with db_session:
        assert select(p.name for p in db.Person if p.passport.number == "A1")[:] == ["ann"]
        assert sorted(select((p.name, p.passport.number) for p in db.Person if p.passport.number >= "A1")) \
            == [("ann", "A1"), ("bob", "B1")]
        assert select(p.name for p in db.Person if p.passport is None)[:] == ["cid"]
        assert sorted(select(p.passport.number for p in db.Person), key=str) == ["A1", "B1", None]


def test_decompiled_conditional_of_two_slices_gives_the_same_rows_as_its_source(db):
    source = "(s.name[1:] if s.gpa > 3 else s.name[:] for s in Student)"
    namespace = {"Student": db.Student}
    exec(compile(f"q = {source}", "<string not in linecache>", "exec"), namespace)  # no source: decompiled
    with db_session:
        read = sorted(select(s.name[1:] if s.gpa > 3 else s.name[:] for s in db.Student))
        assert read == ["Carol", "Dan_%", "lice", "ob"]
        assert sorted(select(namespace["q"])) == read
