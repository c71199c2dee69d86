"""Issue "Queries parity", items 23-24: unsupported constructs raise Pony's exception classes."""

import datetime
import math
import re
from decimal import Decimal

from pony.orm import *

db = Database()


class Author(db.Entity):
    id = PrimaryKey(int)
    name = Required(str)
    rating = Required(int)
    born = Optional(datetime.date)
    books = Set("Book")


class Book(db.Entity):
    id = PrimaryKey(int)
    title = Required(str)
    price = Required(Decimal, 10, 2)
    author = Required(Author)
    tags = Optional(str)


class Box:
    """A plain Python class a query cannot translate."""

    def __init__(self, value):
        self.value = value


def populate():
    ann = Author(id=1, name="Ann", rating=5, born=datetime.date(1970, 1, 1))
    bob = Author(id=2, name="Bob", rating=3)
    Book(id=1, title="Alpha", price=Decimal("10.00"), author=ann)
    Book(id=2, title="Beta", price=Decimal("20.00"), author=ann)
    Book(id=3, title="Gamma", price=Decimal("30.00"), author=bob)


# 23. NotImplementedError / AttributeError constructs
def case_string_slice_with_step():
    return select(a.name[::2] for a in Author)


def case_string_slice_with_negative_step():
    return select(a.name[1:3:-1] for a in Author)


def case_unknown_string_method():
    return select(a for a in Author if a.name.no_such_method())


def case_unknown_string_attribute():
    return select(a.name.no_such_attr for a in Author)


def case_unknown_entity_attribute():
    return select(a.no_such_attr for a in Author)


def case_unknown_entity_method():
    return select(a for a in Author if a.no_such_method())


def case_entity_method_call():
    return select(a for a in Author if a.to_dict())


def case_unknown_collection_attribute():
    return select(a.books.no_such_attr for a in Author)


def case_unknown_collection_method():
    return select(a for a in Author if a.books.no_such_method())


def case_collection_string_method():
    return select(a for a in Author if a.books.title.upper() == "A")


def case_collection_startswith():
    return select(a for a in Author if a.books.title.startswith("A"))


def case_collection_add():
    return select(a for a in Author if a.books.add(1))


def case_iterate_plain_list():
    return select(x for x in [1, 2, 3])


def case_iterate_outside_list_variable():
    items = [1, 2, 3]
    return select(x for x in items)


def case_iterate_outside_collection():
    ann = Author[1]
    return select(b for b in ann.books)


def case_iterate_outside_collection_attribute():
    ann = Author[1]
    return select(t for t in ann.books.title)


def case_iterate_string_attribute():
    return select(c for a in Author for c in a.name)


def case_iterate_int_attribute():
    return select(c for a in Author for c in a.rating)


def case_iterate_range():
    return select(x for x in range(3))


def case_iterate_query_method_result():
    return select(x for x in Author.select().count())


def case_lambda_in_query():
    return select(a for a in Author if (lambda: a.rating)() > 1)


def case_set_literal_in_query():
    return select(a for a in Author if a.rating in {1, 2})


def case_keyword_call_unknown():
    return select(a for a in Author if a.name.startswith(prefix="A"))


def case_matmul_operator():
    return select(a.rating @ 2 for a in Author)


def case_left_shift_operator():
    return select(a.rating << 2 for a in Author)


def case_floor_division_strings():
    return select(a.name // 2 for a in Author)


def case_math_function():
    return select(a for a in Author if math.sqrt(a.rating) > 1)


def case_getattr_dynamic_name():
    attr = "name"
    return select(getattr(a, attr) for a in Author)


def case_getattr_non_string():
    return select(getattr(a, 5) for a in Author)


def case_isinstance_call():
    return select(a for a in Author if isinstance(a.rating, int))


def case_str_format_method():
    return select("{}".format(a.name) for a in Author)  # noqa: UP032


def case_fstring_in_query():
    return select(f"{a.name}!" for a in Author)


def case_len_of_entity():
    return select(len(a) for a in Author)


def case_len_of_int():
    return select(len(a.rating) for a in Author)


def case_abs_of_string():
    return select(abs(a.name) for a in Author)


def case_date_call_with_attribute():
    return select(a for a in Author if a.born > datetime.date(a.rating, 1, 1))


def case_subscript_int_attribute():
    return select(a.rating[0] for a in Author)


def case_subscript_entity():
    return select(a[0] for a in Author)


def case_subscript_collection():
    return select(a.books[0] for a in Author)


def case_string_index_by_string():
    return select(a.name["x"] for a in Author)


# 24. messages: unsupported closure values, stdlib functions
def case_closure_box_comparison():
    box = Box(1)
    return select(a for a in Author if a.rating == box)


def case_closure_box_result():
    box = Box(1)
    return select((a, box) for a in Author)


def case_closure_box_in():
    box = Box(1)
    return select(a for a in Author if box in a.books)


def case_closure_box_attribute():
    box = Box(1)
    return select(a for a in Author if a.rating == box.value)


def case_closure_function_object():
    f = len
    return select(a for a in Author if a.rating == f)


def case_closure_object_method_call():
    box = Box("Ann")
    return select(a for a in Author if a.name == box.value.lower())


def case_re_match():
    return select(a for a in Author if re.match("A", a.name))


def case_re_search():
    return select(a for a in Author if re.search("A", a.name))


def case_re_compiled_match():
    pattern = re.compile("A")
    return select(a for a in Author if pattern.match(a.name))


def case_math_floor():
    return select(math.floor(a.rating) for a in Author)


def case_os_path_function():
    import os.path
    return select(a for a in Author if os.path.exists(a.name))


def case_user_function():
    def helper(x):
        return x + 1
    return select(a for a in Author if helper(a.rating) > 2)


def case_builtin_sorted():
    return select(sorted(a.name) for a in Author)


def case_builtin_print():
    return select(a for a in Author if print(a.name))


# query API arguments
def case_order_by_string():
    return select(a for a in Author).order_by("name")


def case_order_by_int_out_of_range():
    return select(a for a in Author).order_by(5)


def case_order_by_zero():
    return select(a for a in Author).order_by(0)


def case_order_by_other_entity_attribute():
    return select(a for a in Author).order_by(Book.title)


def case_order_by_float():
    return select(a for a in Author).order_by(1.5)


def case_order_by_bad_lambda_name():
    return select(a for a in Author).order_by(lambda: zz.name)  # noqa: F821


def case_order_by_lambda_two_args():
    return select(a for a in Author).order_by(lambda a, b: a.name)


def case_order_by_collection():
    return select(a for a in Author).order_by(Author.books)


def case_sort_by_string():
    return select(a for a in Author).sort_by("name")


def case_desc_of_string_constant():
    return select(a for a in Author).order_by(desc("name"))


def case_desc_of_int_in_query():
    return select(a for a in Author).order_by(desc(5))


def case_slice_with_step():
    return select(a for a in Author)[0:2:2]


def case_slice_negative_start():
    return select(a for a in Author)[-1:]


def case_slice_string_bounds():
    return select(a for a in Author)["a":"b"]


def case_index_negative():
    return select(a for a in Author)[-1]


def case_index_string():
    return select(a for a in Author)["x"]


def case_index_float():
    return select(a for a in Author)[1.5]


def case_limit_string():
    return select(a for a in Author).limit("2")


def case_limit_offset_string():
    return select(a for a in Author).limit(1, offset="x")


def case_page_zero():
    return select(a for a in Author).page(0)


def case_page_string():
    return select(a for a in Author).page("1")


def case_page_size_zero():
    return select(a for a in Author).page(1, pagesize=0)


def case_filter_non_callable():
    return select(a for a in Author).filter(5)


def case_filter_unknown_keyword():
    return select(a for a in Author).filter(no_such_attr=1)


def case_filter_lambda_two_args():
    return select(a for a in Author).filter(lambda a, b: a.rating > 1)


def case_filter_string_bad_name():
    return select(a for a in Author).filter("zz.rating > 1")


def case_where_unknown_keyword():
    return select(a for a in Author).where(no_such_attr=1)


def case_between_two_args():
    return select(a for a in Author if between(a.rating, 1))


def case_coalesce_one_arg():
    return select(coalesce(a.born) for a in Author)


def case_coalesce_mixed_types():
    return select(coalesce(a.born, 5) for a in Author)


def case_coalesce_entity_and_int():
    return select(coalesce(b.author, 5) for b in Book)


def case_raw_sql_non_string():
    return select(a for a in Author if raw_sql(5))


def case_raw_sql_bad_param_name():
    return select(a for a in Author if raw_sql("a.rating > $zz"))


def case_raw_sql_bad_result_type():
    return select(raw_sql("a.rating", result_type=5) for a in Author)


def case_count_unknown_keyword():
    return select(count(a.books, foo=True) for a in Author)


def case_distinct_on_scalar_query_arg():
    return select(a for a in Author).distinct(5)


def case_get_multiple_rows():
    return select(a for a in Author).get()


def case_first_with_argument():
    return select(a for a in Author).first(5)


def case_exists_query_bad_arg():
    return select(a for a in Author).exists(1)


def case_prefetch_non_attribute():
    return select(a for a in Author).prefetch(5)


def case_prefetch_other_entity_attribute():
    return select(b for b in Book).prefetch(Author.name)


def case_for_update_bad_keyword():
    return select(a for a in Author).for_update(foo=True)


def case_select_string_unknown_name():
    return select("a for a in NoSuchEntity")


def case_select_string_syntax_error():
    return select("a for a in")


def case_select_not_generator():
    return select(5)


def case_select_lambda_bad_entity():
    return Author.select(lambda: zz.rating > 1)  # noqa: F821


def case_left_join_not_generator():
    return left_join(5)


def case_entity_compared_with_query():
    return select(a for a in Author if a == select(b for b in Book))


def case_in_string_constant_entity():
    return select(a for a in Author if a in "Ann")


def case_in_entity_attribute_int():
    return select(a for a in Author if 5 in a.rating)


