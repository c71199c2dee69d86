"""Issue "Queries parity", items 20-22: the exception classes of wrongly typed queries."""

import datetime
import re
from decimal import Decimal

from pony.orm import *

db = Database()
other_db = Database()


class Person(db.Entity):
    id = PrimaryKey(int)
    name = Required(str)
    age = Required(int)
    score = Required(float)
    salary = Required(Decimal, 10, 2)
    born = Required(datetime.date)
    seen = Required(datetime.datetime)
    photo = Optional(bytes)
    pets = Set("Pet")


class Pet(db.Entity):
    id = PrimaryKey(int)
    name = Required(str)
    owner = Optional(Person)


class Box:
    """A plain Python class a query cannot translate."""

    def __init__(self, value):
        self.value = value


class Stranger(other_db.Entity):
    id = PrimaryKey(int)
    name = Required(str)


other_db.bind("sqlite", ":memory:")
other_db.generate_mapping(create_tables=True)


def populate():
    ann = Person(id=1, name="Ann", age=30, score=1.5, salary=Decimal("100.50"), born=datetime.date(1990, 1, 2),
                 seen=datetime.datetime(2020, 5, 6, 7, 8, 9), photo=b"ab")
    bob = Person(id=2, name="Bob", age=40, score=2.5, salary=Decimal("200.00"), born=datetime.date(1980, 3, 4),
                 seen=datetime.datetime(2021, 1, 1, 0, 0, 0))
    Pet(id=1, name="Rex", owner=ann)
    Pet(id=2, name="Tom", owner=bob)
    Pet(id=3, name="Kit", owner=None)


# 20. aggregates over entity objects
def case_sum_of_objects_generator():
    return select(sum(pet for pet in p.pets) for p in Person)


def case_sum_of_collection():
    return select(sum(p.pets) for p in Person)


def case_avg_of_collection():
    return select(avg(p.pets) for p in Person)


def case_min_of_collection():
    return select(min(p.pets) for p in Person)


def case_max_of_objects_generator():
    return select(max(pet for pet in p.pets) for p in Person)


def case_avg_of_objects_generator():
    return select(avg(pet for pet in p.pets) for p in Person)


def case_min_of_objects_generator():
    return select(min(pet for pet in p.pets) for p in Person)


def case_group_concat_of_collection():
    return select((p.id, group_concat(p.pets)) for p in Person)


def case_group_concat_of_objects_generator():
    return select((p.id, group_concat(pet for pet in p.pets)) for p in Person)


def case_query_sum_of_objects():
    return select(p for p in Person).sum()


def case_query_avg_of_objects():
    return select(p for p in Person).avg()


def case_query_max_of_objects():
    return select(p for p in Person).max()


def case_query_group_concat_of_objects():
    return select(p for p in Person if p.id == 1).group_concat()


def case_top_level_sum_of_objects():
    return sum(p for p in Person)


def case_top_level_max_of_objects():
    return max(p for p in Person)


def case_sum_of_object_attribute_in_where():
    return select(p for p in Person if sum(p.pets) > 0)


def case_concat_with_collection():
    return select(concat(p.name, p.pets) for p in Person)


def case_concat_with_collection_attribute():
    return select(concat(p.name, p.pets.name) for p in Person)


def case_concat_with_object():
    return select(concat(pet.name, pet.owner) for pet in Pet)


def case_sum_of_strings():
    return select(sum(p.name) for p in Person)


def case_avg_of_strings():
    return select(avg(p.name) for p in Person)


def case_sum_of_dates():
    return select(sum(p.born) for p in Person)


def case_avg_of_dates():
    return select(avg(p.born) for p in Person)


def case_sum_with_two_arguments():
    return select(sum(p.age, p.age) for p in Person)


def case_count_with_two_arguments():
    return select(count(p.age, p.name) for p in Person)


def case_sum_of_constant():
    return select(sum(5) for p in Person)


def case_group_concat_bad_sep():
    return select(group_concat(p.name, sep=5) for p in Person)


def case_group_concat_bad_keyword():
    return select(group_concat(p.name, separator=",") for p in Person)


def case_sum_bad_keyword():
    return select(sum(p.age, foo=1) for p in Person)


def case_count_of_collection_distinct_bad():
    return select(count(p.pets, distinct=5) for p in Person)


# 21. unknown names, wrongly typed constants
def case_unknown_name():
    return select(p for p in Person if p.age > no_such_name)  # noqa: F821


def case_unknown_name_in_result():
    return select(no_such_name for p in Person)  # noqa: F821


def case_unknown_function():
    return select(p for p in Person if no_such_function(p.age))  # noqa: F821


def case_date_with_string_arguments():
    return select(p for p in Person if p.born > datetime.date("2000", 1, 1))


def case_date_with_float_argument():
    return select(p for p in Person if p.born > datetime.date(2000, 1.5, 1))


def case_datetime_with_string_argument():
    return select(p for p in Person if p.seen > datetime.datetime(2000, "x", 1))


def case_datetime_with_none_argument():
    return select(p for p in Person if p.seen > datetime.datetime(2000, 1, None))


def case_buffer_with_int():
    return select(p for p in Person if p.photo == buffer(5))


def case_buffer_with_str():
    return select(p for p in Person if p.photo == buffer("ab"))


def case_date_with_attribute_argument():
    return select(p for p in Person if p.born > datetime.date(p.age, 1, 1))


def case_date_missing_arguments():
    return select(p for p in Person if p.born > datetime.date(2000))


def case_date_bad_day():
    return select(p for p in Person if p.born > datetime.date(2000, 2, 31))


# 22. refused queries
def case_two_databases():
    return select((p, s) for p in Person for s in Stranger)


def case_two_databases_in_condition():
    return select(p for p in Person if exists(s for s in Stranger if s.name == p.name))


def case_result_is_outside_variable():
    k = 5
    return select(k for p in Person)


def case_result_is_outside_tuple():
    k = 5
    return select((k, k) for p in Person)


def case_tuple_with_none_in():
    names = ("Ann", None)
    return select(p for p in Person if p.name in names)


def case_tuple_with_none_not_in():
    names = ("Ann", None)
    return select(p for p in Person if p.name not in names)


def case_list_with_none_in():
    names = ["Ann", None]
    return select(p for p in Person if p.name in names)


def case_literal_tuple_with_none_in():
    return select(p for p in Person if p.name in ("Ann", None))


def case_tuple_of_only_none_in():
    names = (None,)
    return select(p for p in Person if p.name in names)


def case_empty_tuple_in():
    names = ()
    return select(p for p in Person if p.name in names)


# entity against non-entity values
def case_entity_equals_int():
    return select(pet for pet in Pet if pet.owner == 1)


def case_entity_equals_string():
    return select(pet for pet in Pet if pet.owner == "Ann")


def case_entity_in_ints():
    return select(pet for pet in Pet if pet.owner in (1, 2))


def case_entity_equals_other_entity_type():
    return select(pet for pet in Pet for p in Person if pet == p)


def case_entity_less_than():
    return select(pet for pet in Pet if pet.owner < 2)


def case_entity_equals_box():
    box = Box(1)
    return select(p for p in Person if p == box)


def case_attribute_equals_box():
    box = Box(1)
    return select(p for p in Person if p.age == box)


# arguments of get() and Entity[...]
def case_get_by_string_pk():
    return Person["x"]


def case_get_by_float_pk():
    return Person[1.5]


def case_get_by_tuple_pk():
    return Person[1, 2]


def case_get_unknown_attribute():
    return Person.get(nickname="Ann")


def case_get_wrong_value_type():
    return Person.get(age="old")


def case_get_collection_attribute():
    return Person.get(pets=1)


def case_get_positional_non_lambda():
    return Person.get(5)


def case_get_missing_object():
    return Person[99]


def case_select_non_callable():
    return Person.select(5)


def case_exists_wrong_type():
    return Person.exists(age="x")


def case_entity_index_none():
    return Person[None]


def case_entity_index_entity():
    return Pet[Person[1]]


# date/time attributes
def case_string_method_on_int():
    return select(p for p in Person if p.age.startswith("1"))


def case_date_method_on_string():
    return select(p for p in Person if p.name.year == 1)


def case_unknown_date_attribute():
    return select(p for p in Person if p.born.hour == 1)


def case_add_string_to_int():
    return select(p.age + "x" for p in Person)


def case_add_date_to_int():
    return select(p.born + 5 for p in Person)


def case_multiply_dates():
    return select(p.born * 2 for p in Person)


def case_negate_string():
    return select(-p.name for p in Person)


def case_bytes_startswith_str():
    return select(p for p in Person if p.photo.startswith("a"))


def case_regex_function():
    return select(p for p in Person if re.match("A", p.name))


# A str attribute against int values: SQLite compares loosely, PostgreSQL refuses text = integer,
# MySQL converts; the same answer (or error class) as Pony on each backend.
def case_str_attr_equals_int_literal():
    return select(p.name for p in Person if p.name == 1)


def case_str_attr_equals_int_parameter():
    x = 1
    return select(p.name for p in Person if p.name == x)


def case_str_attr_in_int_tuple():
    return select(p.name for p in Person if p.name in (1, 2))


def case_int_attr_equals_str_literal():
    return select(p.name for p in Person if p.age == "30")


def case_str_attr_ordered_against_int():
    return select(p.name for p in Person if p.name > 0)
