"""The big tables of the memory and scaling lines, made and filled in SQL by the database itself.

``mem_person`` (memory_1m: row n is ``name = 'person number n', age = n % 90, city = 'city ' || n % 500``)
and ``journal_s1..3`` (scaling: the columns and values of ``journal``, bench/data.py's
``seeded_row``) are filled with one ``INSERT ... SELECT`` over generate_series (PostgreSQL) or a
recursive CTE (SQLite, MySQL/MariaDB), untimed, and kept: a run that finds the right row count
reuses them. bench/dbadmin.py runs these statements through the raw driver, bench/memory_1m.py
through this project's ``db.execute``.
"""

from __future__ import annotations

from bench.config import MEMORY_TABLE

# The servers stop recursive queries at 1,000 rows by default.
RECURSION_LIMIT = {"mariadb": "SET SESSION max_recursive_iterations = 100000000",
                   "mysql": "SET SESSION cte_max_recursion_depth = 100000000"}


def create_sql(dialect: str, table: str) -> str:
    """``CREATE TABLE IF NOT EXISTS`` of a big table (dialect: sqlite, postgres, mysql)."""
    suffix = " engine=InnoDB default charset=utf8mb4" if dialect == "mysql" else ""
    stamp = "datetime" if dialect == "mysql" else "timestamp"
    if table == MEMORY_TABLE:
        columns = "id integer primary key, name varchar(255) not null, age integer not null, " \
                  "city varchar(255) not null"
    else:
        columns = f"id integer primary key, timestamp {stamp} not null, level smallint not null, " \
                  "text varchar(255) not null"
    return f"create table if not exists {table} ({columns}){suffix}"


def index_sql(table: str) -> list[str]:
    """The indexes CNT (level, next to the primary key) and GET (text) rely on; none on mem_person."""
    if table == MEMORY_TABLE:
        return []
    return [f"create index idx_{table}_level on {table} (level)",
            f"create index idx_{table}_text on {table} (text)"]


def _values(dialect: str, table: str) -> tuple[str, str]:
    """(column list, select list over ``n``) for the rows of ``table``."""
    concat = (lambda a, b: f"CONCAT({a}, {b})") if dialect == "mysql" else (lambda a, b: f"{a} || {b}")
    if table == MEMORY_TABLE:
        return "id, name, age, city", \
            f"n, {concat(repr('person number '), 'n')}, n % 90, {concat(repr('city '), '(n % 500)')}"
    stamp = {"sqlite": "datetime('2024-01-01', '+' || n || ' seconds')",
             "postgres": "timestamp '2024-01-01' + n * interval '1 second'",
             "mysql": "DATE_ADD('2024-01-01', INTERVAL n SECOND)"}[dialect]
    return "id, timestamp, level, text", f"n, {stamp}, (n % 5 + 1) * 10, {concat(repr('Journal row '), 'n')}"


def fill_sql(dialect: str, table: str, rows: int, mariadb: bool = False) -> list[str]:
    """Statements that insert rows 1..``rows`` into the empty ``table``."""
    columns, values = _values(dialect, table)
    rows = int(rows)
    if dialect == "postgres":
        return [f"insert into {table} ({columns}) select {values} from generate_series(1, {rows}) as s(n)"]
    statements = [RECURSION_LIMIT["mariadb" if mariadb else "mysql"]] if dialect == "mysql" else []
    return statements + [f"insert into {table} ({columns}) with recursive s(n) as "
                         f"(select 1 union all select n + 1 from s where n < {rows}) select {values} from s"]
