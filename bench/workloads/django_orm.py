"""Django ORM (latest), standalone through ``settings.configure``, written as its documentation shows.

Django has no identity map and no session: a read repetition is a new QuerySet. Connections run
in autocommit mode; writes that span several statements use ``transaction.atomic()``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bench.config import DbConfig
from bench.data import BASE, CHILD_LEVEL, NEW_LEVEL, UPDATED_TEXT, new_rows, upsert_rows
from bench.harness import Round, Shapes, Tests
from bench.workloads import mysql_driver

Journal: Any = None
JournalRel: Any = None
transaction: Any = None


def setup(cfg: DbConfig) -> dict[str, str]:
    global Journal, JournalRel, transaction
    if cfg.name == "sqlite":
        database = {"ENGINE": "django.db.backends.sqlite3", "NAME": cfg.sqlite_path}
    elif cfg.name == "postgres":
        database = {"ENGINE": "django.db.backends.postgresql", "NAME": cfg.database, "USER": cfg.user,
                    "PASSWORD": cfg.password, "HOST": cfg.host, "PORT": str(cfg.port)}
    else:
        driver = mysql_driver(cfg)  # the same MySQL driver as every other contestant
        if driver.__name__ == "pymysql":
            driver.install_as_MySQLdb()
        database = {"ENGINE": "django.db.backends.mysql", "NAME": cfg.database, "USER": cfg.user,
                    "PASSWORD": cfg.password, "HOST": cfg.host, "PORT": str(cfg.port)}
    import django
    from django.conf import settings

    settings.configure(DATABASES={"default": database}, INSTALLED_APPS=[], USE_TZ=False, DEBUG=False)
    django.setup()
    from django.db import transaction as django_transaction

    from bench.workloads import django_models

    Journal, JournalRel = django_models.Journal, django_models.JournalRel
    transaction = django_transaction
    return {}


def warm_up() -> None:
    Journal.objects.get(pk=1)


tests = Tests()


@tests("A")
def insert_single(t: Round) -> None:
    rows = new_rows(t.plan, t.plan.sizes.insert_single)
    with t:
        for timestamp, level, text in rows:
            Journal.objects.create(timestamp=timestamp, level=level, text=text)  # autocommit
    t.touched(len(rows))


@tests("B")
def insert_batch(t: Round) -> None:
    rows = new_rows(t.plan, t.plan.sizes.insert_batch)
    with t, transaction.atomic():
        for timestamp, level, text in rows:
            Journal.objects.create(timestamp=timestamp, level=level, text=text)
    t.touched(len(rows))


@tests("C")
def insert_bulk(t: Round) -> None:
    rows = new_rows(t.plan, t.plan.sizes.insert_bulk)
    with t:
        Journal.objects.bulk_create([Journal(timestamp=ts, level=lv, text=text) for ts, lv, text in rows])
    t.touched(len(rows))


@tests("U")
def upsert_bulk(t: Round) -> None:
    """``bulk_create(update_conflicts=True)``; MySQL takes no ``unique_fields``."""
    from django.db import connection

    rows = upsert_rows(t.plan)
    unique = {} if connection.vendor == "mysql" else {"unique_fields": ["id"]}
    with t:
        Journal.objects.bulk_create([Journal(id=id, timestamp=ts, level=lv, text=text) for id, ts, lv, text in rows],
                                    update_conflicts=True, update_fields=["timestamp", "level", "text"], **unique)
    t.touched(len(rows))


@tests("D")
def filter_large(t: Round) -> None:
    for _ in range(t.plan.repetitions):
        with t:
            journals = list(Journal.objects.filter(level=CHILD_LEVEL))
        t.objects(journals)


@tests("D2")
def fetch_all(t: Round) -> None:
    with t:
        journals = list(Journal.objects.all())
    t.objects(journals)


@tests("E")
def filter_small(t: Round) -> None:
    pages, size = [], t.plan.sizes.page_size
    with t:
        for level, offset in t.plan.pages:
            pages.append(list(Journal.objects.filter(level=level).order_by("id")[offset:offset + size]))
    t.objects(j for page in pages for j in page)


@tests("F")
def get_pk(t: Round) -> None:
    with t:
        journals = [Journal.objects.get(pk=id) for id in t.plan.get_ids]
    t.objects(journals)


tests("F2")(get_pk)  # no session to open per request


@tests("G")
def filter_dict(t: Round) -> None:
    for _ in range(t.plan.repetitions):
        with t:
            dicts = list(Journal.objects.filter(level=CHILD_LEVEL).values())
        t.dicts(dicts)


@tests("H")
def filter_tuple(t: Round) -> None:
    for _ in range(t.plan.repetitions):
        with t:
            query = Journal.objects.filter(level=CHILD_LEVEL)
            rows = list(query.values_list("id", "timestamp", "level", "text"))
        t.tuples(rows)


@tests("I")
def update_whole(t: Round) -> None:
    journals = list(Journal.objects.filter(level=CHILD_LEVEL))
    with t, transaction.atomic():
        for j in journals:
            j.level = NEW_LEVEL
            j.text = UPDATED_TEXT
            j.save()
    t.touched(len(journals))


@tests("J")
def update_partial(t: Round) -> None:
    journals = list(Journal.objects.filter(level=CHILD_LEVEL))
    with t, transaction.atomic():
        for j in journals:
            j.level = NEW_LEVEL
            j.save(update_fields=["level"])
    t.touched(len(journals))


@tests("J2")
def update_bulk(t: Round) -> None:
    with t, transaction.atomic():
        count = Journal.objects.filter(level=CHILD_LEVEL).update(level=NEW_LEVEL)
    t.touched(count)


@tests("K")
def delete_each(t: Round) -> None:
    journals = list(Journal.objects.filter(level=CHILD_LEVEL))
    with t, transaction.atomic():
        for j in journals:
            j.delete()
    t.touched(len(journals))


@tests("L")
def count_by_level(t: Round) -> None:
    counts = []
    with t:
        for level in t.plan.count_levels:
            counts.append(Journal.objects.filter(level=level).count())
    t.counts(counts)


@tests("R")
def relation_load(t: Round) -> None:
    with t:
        children = list(JournalRel.objects.filter(level=CHILD_LEVEL).select_related("parent"))
    t.pairs(children, lambda child: child.parent)


@tests("X")
def cache_on(t: Round) -> None:
    filter_large(t)  # no session, no cache across QuerySets


# Test M: the 20 shapes of bench/shapes.py.
cold = Shapes()


@cold
def level_and_id(n):
    return list(Journal.objects.filter(level=20, id__lte=50))


@cold
def id_greater(n):
    return list(Journal.objects.filter(id__gt=n - 10))


@cold
def id_between(n):
    return list(Journal.objects.filter(id__range=(100, 120)))


@cold
def text_equals(n):
    return list(Journal.objects.filter(text="Journal row 77"))


@cold
def text_startswith(n):
    return list(Journal.objects.filter(text__startswith="Journal row 12", level=30))


@cold
def id_in_list(n):
    return list(Journal.objects.filter(id__in=(3, 14, 15, 92, 65)))


@cold
def order_desc_limit(n):
    return list(Journal.objects.order_by("-timestamp")[:5])


@cold
def count_where(n):
    return Journal.objects.filter(level=40).count()


@cold
def max_id_level(n):
    from django.db.models import Max

    return Journal.objects.filter(level=30).aggregate(top=Max("id"))["top"]


@cold
def one_column(n):
    return list(Journal.objects.filter(id=42).values_list("text", flat=True))


@cold
def exists_level(n):
    return Journal.objects.filter(level=60).exists()


@cold
def not_equal_and(n):
    return list(Journal.objects.exclude(level=10).filter(id__lt=12))


@cold
def or_levels(n):
    from django.db.models import Q

    return list(Journal.objects.filter(Q(level=10) | Q(level=50), id__lt=20))


@cold
def timestamp_after(n):
    return list(Journal.objects.filter(timestamp__gt=BASE + timedelta(seconds=n - 5)))


@cold
def distinct_levels(n):
    return list(Journal.objects.values_list("level", flat=True).distinct())


@cold
def group_count(n):
    from django.db.models import Count

    return list(Journal.objects.values("level").annotate(n=Count("id")).values_list("level", "n"))


@cold
def order_two_keys_page(n):
    return list(Journal.objects.order_by("level", "-id")[2:5])


@cold
def sum_level(n):
    from django.db.models import Sum

    return Journal.objects.filter(id__lte=100).aggregate(total=Sum("level"))["total"]


@cold
def text_contains(n):
    return list(Journal.objects.filter(text__contains="row 99"))


@cold
def two_columns(n):
    return list(Journal.objects.filter(id__lt=5).values_list("id", "level"))


def run_cold(queries, n: int) -> list:
    return [query(n) for query in queries]
