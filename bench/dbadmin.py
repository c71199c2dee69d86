"""The database side of the benchmark, done with the raw drivers (runs in the `raw` venv).

Creates the bench database and the schema once per run with raw SQL, seeds it, reseeds the
``journal`` table before every round of a write test, and reads the table back to verify what a
write test did.
"""

from __future__ import annotations

import os
from typing import Any

from bench import bigtables
from bench.config import MEMORY_TABLE, SCALED_TABLES, DbConfig, Plan
from bench.data import parent_id, seeded_rows

SQLITE_DDL = (
    """create table journal (id integer primary key autoincrement, timestamp timestamp not null,
       level smallint not null, text varchar(255) not null)""",
    """create table journal_rel (id integer primary key autoincrement, timestamp timestamp not null,
       level smallint not null, text varchar(255) not null,
       parent_id integer references journal_rel(id))""",
)
POSTGRES_DDL = (
    """create table journal (id serial primary key, timestamp timestamp not null,
       level smallint not null, text varchar(255) not null)""",
    """create table journal_rel (id serial primary key, timestamp timestamp not null,
       level smallint not null, text varchar(255) not null,
       parent_id integer references journal_rel(id))""",
)
MYSQL_DDL = (
    """create table journal (id integer auto_increment primary key, timestamp datetime not null,
       level smallint not null, text varchar(255) not null) engine=InnoDB default charset=utf8mb4""",
    """create table journal_rel (id integer auto_increment primary key, timestamp datetime not null,
       level smallint not null, text varchar(255) not null, parent_id integer,
       foreign key (parent_id) references journal_rel(id)) engine=InnoDB default charset=utf8mb4""",
)
INDEXES = (
    "create index idx_journal_level on journal (level)",
    "create index idx_journal_text on journal (text)",
    "create index idx_journal_rel_level on journal_rel (level)",
    "create index idx_journal_rel_parent on journal_rel (parent_id)",
)
# Persistent in the file, so every contestant's connections use it.
SQLITE_PRAGMAS = ("pragma journal_mode = wal",)
SEED_BATCH = 1_000


class Admin:
    def __init__(self, cfg: DbConfig, plan: Plan) -> None:
        self.cfg = cfg
        self.plan = plan
        self.conn: Any = None
        self.param = "?" if cfg.name == "sqlite" else "%s"

    # -- connections -------------------------------------------------------------------------
    def _connect(self, database: str | None = None) -> Any:
        cfg = self.cfg
        if cfg.name == "sqlite":
            import sqlite3

            return sqlite3.connect(cfg.sqlite_path, isolation_level=None)
        if cfg.name == "postgres":
            import psycopg

            return psycopg.connect(host=cfg.host, port=cfg.port, user=cfg.user,
                                   password=cfg.password or None, dbname=database or cfg.database,
                                   autocommit=True)
        import pymysql

        return pymysql.connect(host=cfg.host, port=cfg.port, user=cfg.user, password=cfg.password,
                               database=database, autocommit=True, charset="utf8mb4")

    def _run(self, sql: str, params: Any = None) -> list[tuple]:
        cur = self.conn.cursor()
        cur.execute(sql, params) if params is not None else cur.execute(sql)
        rows = cur.fetchall() if cur.description else []
        cur.close()
        return rows

    # -- commands ----------------------------------------------------------------------------
    def create(self) -> dict[str, str]:
        """Create the database and schema from scratch, seed both tables; return the server version."""
        cfg = self.cfg
        if cfg.name == "sqlite":  # the file is kept: the big tables in it are reused
            os.makedirs(os.path.dirname(cfg.sqlite_path), exist_ok=True)
            self.conn = self._connect()
            for pragma in SQLITE_PRAGMAS:
                self._run(pragma)
            self._run("drop table if exists journal_rel")
            self._run("drop table if exists journal")
            ddl = SQLITE_DDL
            version = "SQLite " + __import__("sqlite3").sqlite_version
        elif cfg.name == "postgres":
            server = self._connect("postgres")
            if not server.execute("select 1 from pg_database where datname = %s", (cfg.database,)).fetchone():
                server.execute(f"create database {cfg.database}")
            # Commits measure CPU, not fsync.
            server.execute(f"alter database {cfg.database} set synchronous_commit = off")
            server.close()
            self.conn = self._connect()
            self._run("set lock_timeout = '30s'")
            self._run("drop table if exists journal_rel, journal")
            ddl = POSTGRES_DDL
            version = "PostgreSQL " + self._run("show server_version")[0][0]
        else:
            self.conn = self._connect()
            self._run(f"create database if not exists {cfg.database}")
            self._run(f"use {cfg.database}")
            self._run("set session lock_wait_timeout = 30")
            self._run("drop table if exists journal_rel, journal")
            ddl = MYSQL_DDL
            version = "MySQL " + self._run("select version()")[0][0]
        for statement in (*ddl, *INDEXES):
            self._run(statement)
        for table in (MEMORY_TABLE, *SCALED_TABLES):  # empty until prepared: every ORM maps them
            self._run(bigtables.create_sql(cfg.name, table))
        self.seed("journal")
        self.seed("journal_rel")
        return {"server": version}

    def seed(self, table: str) -> None:
        """Empty ``table`` (ids restart at 1) and insert the seeded rows in one transaction."""
        name = self.cfg.name
        if name == "postgres":
            self._run(f"truncate {table} restart identity cascade")
        elif name == "mysql":
            self._run(f"truncate table {table}" if table == "journal" else f"delete from {table}")
        else:
            self._run(f"delete from {table}")
            self._run("delete from sqlite_sequence where name = ?", (table,))
        columns = "id, timestamp, level, text" + (", parent_id" if table == "journal_rel" else "")
        marks = ", ".join([self.param] * (5 if table == "journal_rel" else 4))
        rows = []
        for i, ts, level, text in seeded_rows(self.plan.rows):
            stamp = ts.isoformat(" ") if name == "sqlite" else ts
            row = (i, stamp, level, text)
            rows.append((*row, parent_id(i)) if table == "journal_rel" else row)
        self._run("begin")
        cur = self.conn.cursor()
        insert = f"insert into {table} ({columns}) values ({marks})"
        for start in range(0, len(rows), SEED_BATCH):
            cur.executemany(insert, rows[start:start + SEED_BATCH])
        cur.close()
        self._run("commit")
        if name == "postgres":
            self._run(f"select setval(pg_get_serial_sequence('{table}', 'id'), {self.plan.rows})")
            self._run(f"analyze {table}")
        elif name == "mysql":
            self._run(f"alter table {table} auto_increment = {self.plan.rows + 1}")
            self._run(f"analyze table {table}")

    def reseed(self) -> dict[str, Any]:
        self.seed("journal")
        return {}

    def state(self) -> dict[str, Any]:
        """(count, sum of level, sum of text length) of ``journal``: checked after a write test."""
        query = "select count(*), coalesce(sum(level), 0), coalesce(sum(length(text)), 0) from journal"
        row = self._run(query)[0]
        return {"state": [int(v) for v in row]}

    # -- the big tables: filled untimed before the memory and scaling lines, reused across runs --
    def prepare_memory(self) -> dict[str, Any]:
        return {"filled": self.fill(MEMORY_TABLE, self.plan.sizes.memory_rows)}

    def prepare_scaling(self) -> dict[str, Any]:
        return {"filled": [self.fill(t, n) for t, n in zip(SCALED_TABLES, self.plan.sizes.scaled_rows)]}

    def fill(self, table: str, rows: int) -> bool:
        """Make ``table`` hold rows 1..``rows``; False when it already did (nothing to do)."""
        if self._run(f"select count(*), max(id) from {table}")[0] == (rows, rows):
            return False
        name = self.cfg.name
        self._run(f"drop table {table}")  # its indexes go with it, and come back after the fill
        self._run(bigtables.create_sql(name, table))
        mariadb = name == "mysql" and "mariadb" in self._run("select version()")[0][0].lower()
        for statement in bigtables.fill_sql(name, table, rows, mariadb):
            self._run(statement)
        for statement in bigtables.index_sql(table):
            self._run(statement)
        if name == "postgres":
            self._run(f"vacuum analyze {table}")
        else:
            self._run(f"analyze {table}" if name == "sqlite" else f"analyze table {table}")
        return True
