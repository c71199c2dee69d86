"""Issue "Queries parity", items 7-9: queries over queries, row values and fetched lists, scalar subqueries."""

from pony.orm import *

db = Database()


class Person(db.Entity):
    id = PrimaryKey(int)
    name = Required(str)
    age = Required(int)
    city = Optional(str)
    posts = Set("Post")
    comments = Set("Comment")

    @property
    def points(self):
        return coalesce(select(sum(c.points) for c in self.comments), 0)

    def points_above(self, n):
        return coalesce(select(sum(c.points) for c in self.comments), 0) > n


class Post(db.Entity):
    id = PrimaryKey(int)
    author = Required(Person)
    title = Required(str)
    comments = Set("Comment")


class Comment(db.Entity):
    id = PrimaryKey(int)
    post = Required(Post)
    author = Required(Person)
    points = Required(int)


def populate():
    people = [Person(id=1, name="Ann", age=31, city="Oslo"), Person(id=2, name="Bob", age=25, city="Rome"),
              Person(id=3, name="Cid", age=40, city="Oslo"), Person(id=4, name="Dee", age=25),
              Person(id=5, name="Eve", age=52, city="Lima")]
    posts = [Post(id=1, author=people[0], title="Hello"), Post(id=2, author=people[1], title="News"),
             Post(id=3, author=people[2], title="Hi")]
    rows = [(1, 0, 1, 3), (2, 0, 2, 4), (3, 1, 0, 1), (4, 2, 0, 5), (5, 2, 4, 2), (6, 1, 1, -1), (7, 0, 2, 1)]
    for cid, post, author, points in rows:
        Comment(id=cid, post=posts[post], author=people[author], points=points)


# 7. a query over a query that yields values or tuples
def case_over_value_query():
    q = select(p.name for p in Person)
    return select(n for n in q)


def case_over_value_query_filtered():
    q = select(p.age for p in Person)
    return select(x for x in q if x > 30)


def case_over_value_query_distinct_count():
    q = select(p.age for p in Person)
    return select(x for x in q).count()


def case_over_city_query():
    q = select(p.city for p in Person)
    return select(c for c in q if c)


def case_over_value_query_expression():
    q = select(p.age for p in Person if p.city == "Oslo")
    return select(x * 2 for x in q)


def case_over_tuple_query_first():
    q = select((p.name, p.age) for p in Person)
    return select(a for a, b in q)


def case_over_tuple_query_filtered():
    q = select((p.name, p.age) for p in Person)
    return select(a for a, b in q if b >= 31)


def case_over_tuple_query_swapped():
    q = select((p.name, p.age) for p in Person if p.city == "Oslo")
    return select((b, a) for a, b in q)


def case_over_tuple_query_with_object():
    q = select((c.author, c.points) for c in Comment)
    return select(a.name for a, pts in q if pts > 2)


def case_over_tuple_query_single_name():
    q = select((p.name, p.age) for p in Person)
    return select(a for a in q)


def case_over_grouped_query():
    q = select((p.city, count(p)) for p in Person)
    return select(c for c, n in q if n > 1)


def case_over_grouped_query_pairs():
    q = select((p.city, count(p)) for p in Person)
    return select((n, c) for c, n in q)


def case_over_object_query_attribute():
    q = select(p for p in Person if p.age > 30)
    return select(x.name for x in q if x.city == "Oslo")


def case_over_generator_object():
    g = (p for p in Person if p.age < 30)
    return select(x.name for x in g)


def case_over_value_generator_object():
    g = (p.age for p in Person)
    return select(x for x in g if x > 30)


def case_over_value_query_sum():
    q = select(c.points for c in Comment)
    return sum(x for x in q)


# 8. row values and already fetched lists
def case_pair_in_subquery():
    return select(p for p in Person if (p.name, p.age) in select((x.name, x.age) for x in Person if x.city == "Oslo"))


def case_pair_not_in_subquery():
    return select(p for p in Person
                  if (p.name, p.age) not in select((x.name, x.age) for x in Person if x.city == "Oslo"))


def case_pair_in_subquery_with_object():
    return select(c for c in Comment if (c.author, c.post) in select((p.author, p) for p in Post))


def case_in_fetched_objects():
    old = select(p for p in Person if p.age > 30)[:]
    return select(c.id for c in Comment if c.author in old)


def case_not_in_fetched_objects():
    old = select(p for p in Person if p.age > 30)[:]
    return select(c.id for c in Comment if c.author not in old)


def case_in_fetched_values():
    ages = select(p.age for p in Person if p.city == "Oslo")[:]
    return select(p for p in Person if p.age in ages)


def case_not_in_fetched_values():
    names = select(p.name for p in Person if p.age < 30)[:]
    return select(p for p in Person if p.name not in names)


def case_in_fetched_empty():
    nobody = select(p.age for p in Person if p.age > 100)[:]
    return select(p for p in Person if p.age in nobody)


def case_not_in_fetched_empty():
    nobody = select(p for p in Person if p.age > 100)[:]
    return select(c.id for c in Comment if c.author not in nobody)


# 9. a query yielding one aggregate used as a scalar
def case_scalar_sum_in_result():
    return select((p, coalesce(select(sum(c.points) for c in p.comments), 0)) for p in Person)


def case_scalar_sum_compared():
    return select(p for p in Person if coalesce(select(sum(c.points) for c in p.comments), 0) > 3)


def case_scalar_sum_without_coalesce():
    return select(p for p in Person if select(sum(c.points) for c in p.comments) > 3)


def case_scalar_count_compared():
    return select(p for p in Person if select(count(c) for c in p.comments) >= 2)


def case_scalar_max_of_other_entity():
    return select(p.name for p in Person if p.age == select(max(x.age) for x in Person))


def case_scalar_order_by_ordered():
    return select(p for p in Person).order_by(
        lambda p: (desc(coalesce(select(sum(c.points) for c in p.comments), 0)), p.id))


def case_scalar_sort_by_ordered():
    return select(p for p in Person).sort_by(
        lambda p: (coalesce(select(sum(c.points) for c in p.comments), 0), p.id))


def case_property_compared():
    return select(p for p in Person if p.points > 3)


def case_property_in_result():
    return select((p.name, p.points) for p in Person)


def case_property_order_by_ordered():
    return select(p for p in Person).order_by(lambda p: (p.points, p.id))


def case_hybrid_method():
    return select(p for p in Person if p.points_above(2))


def case_hybrid_method_param():
    n = 4
    return select(p.name for p in Person if not p.points_above(n))
