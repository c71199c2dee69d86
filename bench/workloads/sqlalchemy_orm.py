"""SQLAlchemy 2.x ORM (sync, compiled extensions), written as its 2.0-style documentation shows."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import (
    DateTime,
    ForeignKey,
    SmallInteger,
    String,
    create_engine,
    event,
    exists,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.engine import URL, Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, joinedload, mapped_column, relationship

from bench.config import DbConfig
from bench.data import BASE, CHILD_LEVEL, NEW_LEVEL, UPDATED_TEXT, new_rows, upsert_rows
from bench.harness import Round, Shapes, Tests
from bench.workloads import mysql_driver


class Base(DeclarativeBase):
    pass


class Journal(Base):
    __tablename__ = "journal"
    id: Mapped[int] = mapped_column(primary_key=True)
    timestamp: Mapped[datetime] = mapped_column(DateTime)
    level: Mapped[int] = mapped_column(SmallInteger)
    text: Mapped[str] = mapped_column(String(255))


class JournalRel(Base):
    __tablename__ = "journal_rel"
    id: Mapped[int] = mapped_column(primary_key=True)
    timestamp: Mapped[datetime] = mapped_column(DateTime)
    level: Mapped[int] = mapped_column(SmallInteger)
    text: Mapped[str] = mapped_column(String(255))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("journal_rel.id"))
    parent: Mapped[JournalRel | None] = relationship(remote_side=[id])


engine: Engine


def setup(cfg: DbConfig) -> dict[str, str]:
    global engine
    if cfg.name == "sqlite":
        engine = create_engine(f"sqlite:///{cfg.sqlite_path}")

        @event.listens_for(engine, "connect")
        def same_pragmas(dbapi_connection, _):  # as Pony and Django set it
            dbapi_connection.execute("pragma foreign_keys = on")
    else:
        driver = ("postgresql+psycopg" if cfg.name == "postgres"
                  else f"mysql+{'mysqldb' if mysql_driver(cfg).__name__ == 'MySQLdb' else 'pymysql'}")
        engine = create_engine(URL.create(driver, username=cfg.user, password=cfg.password or None,
                                          host=cfg.host, port=cfg.port, database=cfg.database))
    from sqlalchemy.util import has_compiled_ext

    return {"extensions": "compiled extensions" if has_compiled_ext() else "NO compiled extensions"}


def warm_up() -> None:
    with Session(engine) as session:
        session.get(Journal, 1)


tests = Tests()


@tests("A")
def insert_single(t: Round) -> None:
    rows = new_rows(t.plan, t.plan.sizes.insert_single)
    with t:
        for timestamp, level, text in rows:
            with Session(engine) as session:
                session.add(Journal(timestamp=timestamp, level=level, text=text))
                session.commit()
    t.touched(len(rows))


@tests("B")
def insert_batch(t: Round) -> None:
    rows = new_rows(t.plan, t.plan.sizes.insert_batch)
    with t, Session(engine) as session:
        for timestamp, level, text in rows:
            session.add(Journal(timestamp=timestamp, level=level, text=text))
        session.commit()
    t.touched(len(rows))


@tests("C")
def insert_bulk(t: Round) -> None:
    new = new_rows(t.plan, t.plan.sizes.insert_bulk)
    rows = [dict(timestamp=ts, level=level, text=text) for ts, level, text in new]
    with t, Session(engine) as session:
        session.execute(insert(Journal), rows)
        session.commit()
    t.touched(len(rows))


@tests("U")
def upsert_bulk(t: Round) -> None:
    """The dialect's INSERT with ON CONFLICT DO UPDATE / ON DUPLICATE KEY UPDATE, as an ORM bulk."""
    rows = [dict(id=id, timestamp=ts, level=level, text=text) for id, ts, level, text in upsert_rows(t.plan)]
    with t, Session(engine) as session:
        if engine.dialect.name == "mysql":
            from sqlalchemy.dialects.mysql import insert as mysql_insert

            stmt = mysql_insert(Journal)
            stmt = stmt.on_duplicate_key_update(timestamp=stmt.inserted.timestamp, level=stmt.inserted.level,
                                                text=stmt.inserted.text)
        else:
            if engine.dialect.name == "postgresql":
                from sqlalchemy.dialects.postgresql import insert as dialect_insert
            else:
                from sqlalchemy.dialects.sqlite import insert as dialect_insert
            stmt = dialect_insert(Journal)
            stmt = stmt.on_conflict_do_update(index_elements=[Journal.id],
                                              set_=dict(timestamp=stmt.excluded.timestamp,
                                                        level=stmt.excluded.level, text=stmt.excluded.text))
        session.execute(stmt, rows)
        session.commit()
    t.touched(len(rows))


@tests("D")
def filter_large(t: Round) -> None:
    for _ in range(t.plan.repetitions):
        with t, Session(engine) as session:
            journals = session.scalars(select(Journal).where(Journal.level == CHILD_LEVEL)).all()
        t.objects(journals)


@tests("D2")
def fetch_all(t: Round) -> None:
    with t, Session(engine) as session:
        journals = session.scalars(select(Journal)).all()
    t.objects(journals)


@tests("E")
def filter_small(t: Round) -> None:
    pages, size = [], t.plan.sizes.page_size
    with t:
        for level, offset in t.plan.pages:
            with Session(engine) as session:
                query = select(Journal).where(Journal.level == level).order_by(Journal.id)
                pages.append(session.scalars(query.limit(size).offset(offset)).all())
    t.objects(j for page in pages for j in page)


@tests("F")
def get_pk(t: Round) -> None:
    with t, Session(engine) as session:
        journals = [session.get(Journal, id) for id in t.plan.get_ids]
    t.objects(journals)


@tests("F2")
def get_pk_request(t: Round) -> None:
    journals = []
    with t:
        for id in t.plan.get_ids:
            with Session(engine) as session:
                journals.append(session.get(Journal, id))
    t.objects(journals)


@tests("G")
def filter_dict(t: Round) -> None:
    columns = Journal.id, Journal.timestamp, Journal.level, Journal.text
    for _ in range(t.plan.repetitions):
        with t, Session(engine) as session:
            dicts = session.execute(select(*columns).where(Journal.level == CHILD_LEVEL)).mappings().all()
        t.dicts(dicts)


@tests("H")
def filter_tuple(t: Round) -> None:
    columns = Journal.id, Journal.timestamp, Journal.level, Journal.text
    for _ in range(t.plan.repetitions):
        with t, Session(engine) as session:
            rows = session.execute(select(*columns).where(Journal.level == CHILD_LEVEL)).all()
        t.tuples(rows)


@tests("I")
def update_whole(t: Round) -> None:
    with Session(engine) as session:
        journals = session.scalars(select(Journal).where(Journal.level == CHILD_LEVEL)).all()
        with t:
            for j in journals:
                j.level = NEW_LEVEL
                j.text = UPDATED_TEXT
            session.commit()
    t.touched(len(journals))


@tests("J")
def update_partial(t: Round) -> None:
    with Session(engine) as session:
        journals = session.scalars(select(Journal).where(Journal.level == CHILD_LEVEL)).all()
        with t:
            for j in journals:
                j.level = NEW_LEVEL
            session.commit()
    t.touched(len(journals))


@tests("J2")
def update_bulk(t: Round) -> None:
    with Session(engine) as session:
        with t:
            result = session.execute(update(Journal).where(Journal.level == CHILD_LEVEL).values(level=NEW_LEVEL))
            session.commit()
    t.touched(result.rowcount)


@tests("K")
def delete_each(t: Round) -> None:
    with Session(engine) as session:
        journals = session.scalars(select(Journal).where(Journal.level == CHILD_LEVEL)).all()
        with t:
            for j in journals:
                session.delete(j)
            session.commit()
    t.touched(len(journals))


@tests("L")
def count_by_level(t: Round) -> None:
    counts = []
    with t:
        for level in t.plan.count_levels:
            with Session(engine) as session:
                query = select(func.count()).select_from(Journal).where(Journal.level == level)
                counts.append(session.scalar(query))
    t.counts(counts)


@tests("R")
def relation_load(t: Round) -> None:
    with t, Session(engine) as session:
        query = select(JournalRel).where(JournalRel.level == CHILD_LEVEL)
        children = session.scalars(query.options(joinedload(JournalRel.parent))).all()
    t.pairs(children, lambda child: child.parent)


@tests("X")
def cache_on(t: Round) -> None:
    with Session(engine) as session:
        for _ in range(t.plan.repetitions):
            with t:
                journals = session.scalars(select(Journal).where(Journal.level == CHILD_LEVEL)).all()
            t.objects(journals)


# Test M: the 20 shapes of bench/shapes.py.
cold = Shapes()
session: Session


def objects(query):
    return session.scalars(query).all()


@cold
def level_and_id(n):
    return objects(select(Journal).where(Journal.level == 20, Journal.id <= 50))


@cold
def id_greater(n):
    return objects(select(Journal).where(Journal.id > n - 10))


@cold
def id_between(n):
    return objects(select(Journal).where(Journal.id.between(100, 120)))


@cold
def text_equals(n):
    return objects(select(Journal).where(Journal.text == "Journal row 77"))


@cold
def text_startswith(n):
    return objects(select(Journal).where(Journal.text.startswith("Journal row 12"), Journal.level == 30))


@cold
def id_in_list(n):
    return objects(select(Journal).where(Journal.id.in_((3, 14, 15, 92, 65))))


@cold
def order_desc_limit(n):
    return objects(select(Journal).order_by(Journal.timestamp.desc()).limit(5))


@cold
def count_where(n):
    return session.scalar(select(func.count()).select_from(Journal).where(Journal.level == 40))


@cold
def max_id_level(n):
    return session.scalar(select(func.max(Journal.id)).where(Journal.level == 30))


@cold
def one_column(n):
    return session.scalars(select(Journal.text).where(Journal.id == 42)).all()


@cold
def exists_level(n):
    return session.scalar(select(exists().where(Journal.level == 60)))


@cold
def not_equal_and(n):
    return objects(select(Journal).where(Journal.level != 10, Journal.id < 12))


@cold
def or_levels(n):
    return objects(select(Journal).where(or_(Journal.level == 10, Journal.level == 50), Journal.id < 20))


@cold
def timestamp_after(n):
    return objects(select(Journal).where(Journal.timestamp > BASE + timedelta(seconds=n - 5)))


@cold
def distinct_levels(n):
    return session.scalars(select(Journal.level).distinct()).all()


@cold
def group_count(n):
    return session.execute(select(Journal.level, func.count()).group_by(Journal.level)).all()


@cold
def order_two_keys_page(n):
    return objects(select(Journal).order_by(Journal.level, Journal.id.desc()).offset(2).limit(3))


@cold
def sum_level(n):
    return session.scalar(select(func.sum(Journal.level)).where(Journal.id <= 100))


@cold
def text_contains(n):
    return objects(select(Journal).where(Journal.text.contains("row 99")))


@cold
def two_columns(n):
    return session.execute(select(Journal.id, Journal.level).where(Journal.id < 5)).all()


def run_cold(queries, n: int) -> list:
    global session
    with Session(engine) as session:
        return [query(n) for query in queries]
