"""The memory_1m and scaling lines for SQLAlchemy, on bench/workloads/sqlalchemy_orm.py's engine."""

from __future__ import annotations

from sqlalchemy import DateTime, Integer, SmallInteger, String, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from bench.config import MEMORY_TABLE, SCALED_TABLES
from bench.harness import Round, Tests, register_scaling, texts
from bench.workloads import sqlalchemy_orm as orm


class Person(orm.Base):
    __tablename__ = MEMORY_TABLE
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    age: Mapped[int]
    city: Mapped[str] = mapped_column(String(255))


def _scaled(k: int, table: str) -> type:
    attrs = {"__tablename__": table, "id": mapped_column(Integer, primary_key=True),
             "timestamp": mapped_column(DateTime), "level": mapped_column(SmallInteger),
             "text": mapped_column(String(255))}
    return type(f"JournalS{k}", (orm.Base,), attrs)


SCALED = [_scaled(k, table) for k, table in enumerate(SCALED_TABLES, 1)]
tests = Tests()


def in_list(t: Round, k: int) -> None:
    ids, journal = t.plan.in_ids[k], SCALED[-1]
    with t, Session(orm.engine) as session:
        rows = session.scalars(select(journal).where(journal.id.in_(ids))).all()
    t.objects(rows)


def count_range(t: Round, k: int) -> None:
    journal, counts = SCALED[k], []
    with t, Session(orm.engine) as session:
        for low, high, level in t.plan.count_ranges[k]:
            query = select(func.count()).select_from(journal).where(
                journal.id >= low, journal.id < high, journal.level == level)
            counts.append(session.scalar(query))
    t.counts(counts)


def get_by_text(t: Round, k: int) -> None:
    journal, wanted = SCALED[k], texts(t.plan.text_ids[k])
    with t, Session(orm.engine) as session:
        rows = [session.scalars(select(journal).where(journal.text == text)).one() for text in wanted]
    t.objects(rows)


register_scaling(tests, in_list, count_range, get_by_text)


def memory_warm_up() -> None:
    with Session(orm.engine) as session:
        session.scalars(select(Person).limit(1)).all()


def read(batch_size: int | None) -> tuple[int, int]:
    query = select(Person)
    if batch_size:  # yield_per: server-side cursor where the driver has one, batches of objects
        query = query.execution_options(yield_per=batch_size)
    count = total = 0
    with Session(orm.engine) as session:
        for person in session.scalars(query):
            count += 1
            total += person.age
    return count, total


memory = {"MEM1": lambda batch_size: read(None), "MEM2": read}
memory_notes = {"MEM1": "for p in session.scalars(select(Person))",
                "MEM2": "session.scalars(select(Person).execution_options(yield_per=batch_size))"}
