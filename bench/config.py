"""What is measured (the table in bench/README.md), at which size, against which database.

Everything here is plain data shared by the orchestrator and the workers, so both derive the same
fixed-seed lists and the same expected row counts and checksums.
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass, field
from pathlib import Path

CONTESTANTS = ("this", "pony", "sqlalchemy", "peewee", "django", "raw")
# The MySQL driver every contestant uses (``--mysql-driver``): the workers read it from the environment.
MYSQL_DRIVERS = ("mysqlclient", "pymysql")
MYSQL_DRIVER_ENV = "PONY_BENCH_MYSQL_DRIVER"
DATABASES = ("sqlite", "postgres", "mysql")
PONY_API = ("this", "pony")  # the two contestants that run bench/workloads/pony_api.py

SEED = 20240607


@dataclass(frozen=True)
class TestDef:
    id: str
    name: str
    unit: str  # what one "op" is in ops_per_s
    writes: bool  # write tests get a freshly truncated and reseeded table before every round
    in_mean: bool = True  # X is reported apart
    section: str = "speed"  # speed (the main table) | memory | scaling: each its own table


TESTS: tuple[TestDef, ...] = (
    TestDef("A", "insert_single", "transaction", True),
    TestDef("B", "insert_batch", "row", True),
    TestDef("C", "insert_bulk", "row", True),
    TestDef("U", "upsert_bulk", "row", True),
    TestDef("D", "filter_large", "query", False),
    TestDef("D2", "fetch_all", "row", False),
    TestDef("E", "filter_small", "query", False),
    TestDef("F", "get_pk", "get", False),
    TestDef("F2", "get_pk_request", "get", False),
    TestDef("G", "filter_dict", "query", False),
    TestDef("H", "filter_tuple", "query", False),
    TestDef("I", "update_whole", "row", True),
    TestDef("J", "update_partial", "row", True),
    TestDef("J2", "update_bulk", "row", True),  # one UPDATE statement, no objects loaded (where there is one)
    TestDef("K", "delete", "row", True),
    TestDef("L", "count", "query", False),
    TestDef("M", "cold_translate", "query", False),
    TestDef("R", "relation_load", "row", False),
    TestDef("X", "cache_on", "query", False, in_mean=False),
    # memory_1m (bench/memory.py): peak RSS of reading every row of mem_person, a fresh process each
    TestDef("MEM1", "plain_iteration", "row", False, in_mean=False, section="memory"),
    TestDef("MEM2", "streaming", "row", False, in_mean=False, section="memory"),
    # scaling: the same operation on growing inputs (IN: id lists; CNT, GET: tables journal_s1..3)
    *(TestDef(f"IN{k}", "in_list", "query", False, in_mean=False, section="scaling") for k in (1, 2, 3)),
    *(TestDef(f"CNT{k}", "count_range", "query", False, in_mean=False, section="scaling")
      for k in (1, 2, 3)),
    *(TestDef(f"GET{k}", "get_by_text", "get", False, in_mean=False, section="scaling") for k in (1, 2, 3)),
)
TEST_BY_ID = {t.id: t for t in TESTS}
# ``--tests memory,scaling`` names a whole section
GROUPS = {section: [t.id for t in TESTS if t.section == section] for section in ("memory", "scaling")}
MEMORY_TABLE = "mem_person"
SCALED_TABLES = ("journal_s1", "journal_s2", "journal_s3")


@dataclass(frozen=True)
class Sizes:
    rows: int = 10_000  # seeded rows; level == 10 selects rows // 5 of them (D, I, J, K, R)
    insert_single: int = 1_000  # A: transactions
    insert_batch: int = 10_000  # B: rows in one transaction
    insert_bulk: int = 10_000  # C: rows
    upsert_bulk: int = 10_000  # U: rows, half of them seeded ids (updated), half new ids (inserted)
    repetitions: int = 10  # D, G, H, X: queries of rows // 5 objects each
    pages: int = 1_000  # E: queries
    gets: int = 2_000  # F, F2
    counts: int = 2_000  # L: queries
    page_size: int = 20  # E: limit
    warmup_rounds: int = 1  # untimed
    timed_rounds: int = 5  # median and minimum are reported
    memory_rows: int = 1_000_000  # MEM1, MEM2: rows of mem_person
    memory_batch: int = 1_000  # MEM2: the streaming batch size
    in_sizes: tuple[int, int, int] = (1_000, 10_000, 100_000)  # IN1-IN3: ids in the list (of journal_s3)
    scaled_rows: tuple[int, int, int] = (10_000, 100_000, 1_000_000)  # journal_s1..3 (CNT, GET)
    scaled_ops: int = 1_000  # CNT, GET: queries per round
    scaling_cap_s: float = 60.0  # a scaling round that takes longer fails


FULL = Sizes()
QUICK = Sizes(rows=2_000, insert_single=50, insert_batch=500, insert_bulk=1_000, upsert_bulk=1_000,
              repetitions=3,
              pages=100, gets=200, counts=200, timed_rounds=3,
              memory_rows=100_000, in_sizes=(1_000, 10_000, 20_000),
              scaled_rows=(10_000, 50_000, 100_000), scaled_ops=200)
LEVELS = (10, 20, 30, 40, 50)


@dataclass
class Plan:
    """The fixed-seed inputs of one run, identical for every contestant."""

    sizes: Sizes
    pages: list[tuple[int, int]] = field(default_factory=list)  # E: (level, offset)
    get_ids: list[int] = field(default_factory=list)  # F, F2: distinct ids
    count_levels: list[int] = field(default_factory=list)  # L
    in_ids: list[list[int]] = field(default_factory=list)  # IN1-IN3: ids of journal_s3
    count_ranges: list[list[tuple[int, int, int]]] = field(default_factory=list)  # CNT: (low, high, level)
    text_ids: list[list[int]] = field(default_factory=list)  # GET: ids whose text is looked up

    @classmethod
    def build(cls, sizes: Sizes) -> Plan:
        rng = random.Random(SEED)
        per_level = sizes.rows // len(LEVELS)
        pages = [(rng.choice(LEVELS), rng.randrange(0, per_level - sizes.page_size))
                 for _ in range(sizes.pages)]
        get_ids = rng.sample(range(1, sizes.rows + 1), sizes.gets)
        count_levels = [rng.choice(LEVELS) for _ in range(sizes.counts)]
        plan = cls(sizes, pages, get_ids, count_levels)
        plan.in_ids, plan.count_ranges, plan.text_ids = scaling_inputs(sizes)
        return plan

    @property
    def rows(self) -> int:
        return self.sizes.rows

    @property
    def repetitions(self) -> int:
        return self.sizes.repetitions

    @property
    def rounds(self) -> range:
        return range(self.sizes.warmup_rounds + self.sizes.timed_rounds)

    def is_timed(self, round_no: int) -> bool:
        return round_no >= self.sizes.warmup_rounds


def scaling_inputs(sizes: Sizes) -> tuple[list, list, list]:
    """IN id lists, CNT ranges and GET ids; a seed of their own keeps the other lists unchanged."""
    rng = random.Random(SEED + 1)
    largest = sizes.scaled_rows[-1]
    in_ids = [rng.sample(range(1, largest + 1), n) for n in sizes.in_sizes]
    ranges, text_ids = [], []
    for rows in sizes.scaled_rows:
        lows = [rng.randrange(1, rows - 200) for _ in range(sizes.scaled_ops)]
        ranges.append([(low, low + rng.randrange(50, 150), rng.choice(LEVELS)) for low in lows])
        text_ids.append(rng.sample(range(1, rows + 1), sizes.scaled_ops))
    return in_ids, ranges, text_ids


def memory_checksum(rows: int) -> int:
    """Sum of ``age`` over mem_person, whose row n has age n % 90."""
    full, rest = divmod(rows, 90)
    return full * sum(range(90)) + sum(i % 90 for i in range(full * 90 + 1, rows + 1))


@dataclass(frozen=True)
class DbConfig:
    """Where each database lives; the environment overrides the local defaults."""

    name: str

    @property
    def sqlite_path(self) -> str:
        if os.environ.get("PONY_BENCH_SQLITE"):  # the offline tests use a file of their own
            return os.environ["PONY_BENCH_SQLITE"]
        base = Path("/dev/shm") if Path("/dev/shm").is_dir() else Path(os.environ.get("TMPDIR", "/tmp"))
        return str(base / "pony-bench" / "bench.sqlite")

    @property
    def host(self) -> str:
        key = "PONY_PG_HOST" if self.name == "postgres" else "PONY_MYSQL_HOST"
        return os.environ.get(key, "127.0.0.1")

    @property
    def port(self) -> int:
        if self.name == "postgres":
            return int(os.environ.get("PONY_PG_PORT", "5432"))
        return int(os.environ.get("PONY_MYSQL_PORT", "3306"))

    @property
    def user(self) -> str:
        if self.name == "postgres":
            return os.environ.get("PONY_PG_USER", "postgres")
        return os.environ.get("PONY_MYSQL_USER", "root")

    @property
    def password(self) -> str:
        key = "PONY_PG_PASSWORD" if self.name == "postgres" else "PONY_MYSQL_PASSWORD"
        return os.environ.get(key, "")

    @property
    def database(self) -> str:
        """``bench``, or ``PONY_BENCH_DATABASE``: runs from several checkouts at once on one
        server each need a database of their own (each run drops and reseeds its tables)."""
        return os.environ.get("PONY_BENCH_DATABASE", "bench")

    @property
    def mysql_driver(self) -> str:
        """``mysqlclient`` (the default) or ``pymysql``, as ``--mysql-driver`` chose."""
        return os.environ.get(MYSQL_DRIVER_ENV, MYSQL_DRIVERS[0])
