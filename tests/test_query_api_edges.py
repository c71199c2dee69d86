"""Edge cases of the query API: exact messages of Query.get() and stream(), QueryResult's `!=` and
refused in-place operators, max() of an empty query, avg() as a float, show() of a lifted collection
attribute and of a non-entity object, stream() of objects not yet flushed, and insert_many() of rows
wide enough to need small chunks."""

from __future__ import annotations

import datetime
import io

import pytest

from pony.orm import (
    MultipleObjectsFoundError,
    Required,
    db_session,
    rollback,
    select,
    show,
)
from pony.orm import max as pony_max
from pony.orm import min as pony_min
from tests.query_models import define_entities, populate


@pytest.fixture(scope="module")
def db(backend_module):  # these tests only read, or roll back what they write
    db = backend_module.make_db(define_entities)
    populate(db)
    return db


def test_get_of_a_query_with_several_results_names_select(db):
    with db_session, pytest.raises(MultipleObjectsFoundError) as info:
        select(s.name for s in db.Student if s.gpa > 3).get()
    assert str(info.value) == "Multiple objects were found. Use select(...) to retrieve them"


def test_stream_of_a_query_with_prefetch_is_refused_with_its_reason(offline_db):  # before any statement
    db = offline_db
    with db_session, pytest.raises(TypeError) as info:
        select(s for s in db.Student).prefetch(db.Student.group).stream(2)
    assert str(info.value) == ("prefetch() cannot be combined with stream(): iterate the query without stream() "
                               "or load related objects as they are read")


def test_where_with_keywords_is_refused_for_a_query_of_two_loop_variables(offline_db):  # before any statement
    db = offline_db
    with db_session:
        query = select(s for s in db.Student for g in db.Group if s.group == g)
        with pytest.raises(TypeError) as info:
            query.where(name="Alice")
    assert str(info.value) == "Keyword arguments are not allowed when query has more than one loop variable"


def test_query_result_not_equal_compares_its_items(db):
    with db_session:
        result = select(s.name for s in db.Student).order_by(lambda n: n).fetch()
        assert (result != ["Alice", "Bob", "Carol", "Dan_%"]) is False
        assert (result != ["Alice"]) is True
        assert (result != select(s.name for s in db.Student).order_by(lambda n: n).fetch()) is False


def test_query_result_in_place_add_is_refused(db):
    with db_session:
        result = select(s.name for s in db.Student).fetch()
        with pytest.raises(TypeError) as info:
            result += ["Zed"]
        assert str(info.value) == "In order to do __iadd__, cast QueryResult to list first"
        assert sorted(result) == ["Alice", "Bob", "Carol", "Dan_%"]


def test_min_of_an_empty_query_object_is_none(db):
    with db_session:
        assert pony_min(select(s.gpa for s in db.Student if s.name == "Nobody")) is None
        assert pony_min(select(s.gpa for s in db.Student)) == 2.5


def test_empty_or_reversed_slice_of_a_query_has_no_rows(db):
    with db_session:
        query = select(s.name for s in db.Student).order_by(lambda n: n)
        assert list(query[2:2]) == []
        assert list(query[3:1]) == []
        assert list(query[1:2]) == ["Bob"]


def test_max_of_an_empty_query_object_is_none(db):
    with db_session:
        assert pony_max(select(s.gpa for s in db.Student if s.name == "Nobody")) is None
        assert pony_max(select(s.gpa for s in db.Student)) == 4.0


def test_avg_of_an_integer_column_is_a_float_on_every_backend(db):
    with db_session:
        average = select(c.credits for c in db.Course).avg()
        assert type(average) is float
        assert average == 4.0


class Settings:
    """Not an entity: its class only happens to have an ``_attrs_`` attribute."""

    _attrs_ = ("host", "port")

    def __repr__(self):
        return "Settings(host, port)"


def test_show_of_a_plain_object_with_an_attrs_attribute_pretty_prints_it(capsys):
    show(Settings())
    assert capsys.readouterr().out == "Settings(host, port)\n"


def test_show_of_a_lifted_collection_attribute_names_the_first_column(db):
    stream = io.StringIO()
    with db_session:
        select(g.students.name for g in db.Group if g.number == 102).show(stream=stream)
    lines = stream.getvalue().splitlines()
    assert lines[0].strip() == "column 1"
    assert [line.strip() for line in lines[2:]] == ["Carol"]


def test_stream_sees_objects_created_earlier_in_the_session(db):
    with db_session:
        group = db.Group[201]
        db.Student(name="Eve", dob=datetime.date(2002, 2, 2), group=group)
        names = sorted(s.name for s in select(s for s in db.Student if s.group.number == 201).stream(10))
        assert names == ["Dan_%", "Eve"]
        rollback()
    with db_session:
        assert select(s for s in db.Student if s.name == "Eve").count() == 0


WIDE_COLUMNS = 130  # 512 rows of 130 columns would pass PostgreSQL's 65535 parameters per statement


def define_wide(db):
    attrs = {f"c{i}": Required(int) for i in range(WIDE_COLUMNS)}
    type("Wide", (db.Entity,), attrs)


def test_insert_many_of_wide_rows_splits_them_within_the_parameter_limit(backend):
    db = backend.make_db(define_wide)
    rows = [{f"c{i}": n * 1000 + i for i in range(WIDE_COLUMNS)} for n in range(600)]
    with db_session:
        assert db.Wide.insert_many(rows) == 600
    with db_session:
        assert select(w for w in db.Wide).count() == 600
        assert sorted(select(w.c129 for w in db.Wide if w.c0 >= 598_000)[:]) == [598_129, 599_129]
