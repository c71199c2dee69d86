"""What every example shares: a database to run on, and queries kept as source text.

Each example lists its queries as ``(title, source)`` pairs. The source is what a reader types
at the console; it is compiled under a file name of its own and registered with ``linecache``,
so the query reader sees the text exactly as printed.
"""

from __future__ import annotations

import linecache
import os
import sys
import tempfile
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pony.orm
from pony.orm import Database, db_session
from pony.orm.core import Query, QueryResult

from ._sqlformat import format_sql

ExampleQuery = tuple[str, str]


def namespace(db: Database) -> dict[str, Any]:
    """``from pony.orm import *``, date/time/Decimal and the entities, as a reader's console has them."""
    names = {name: getattr(pony.orm, name) for name in pony.orm.__all__}
    names.update(date=date, datetime=datetime, timedelta=timedelta, Decimal=Decimal)
    names.update(db.entities)
    names["db"] = db
    return names


def run_query(db: Database, source: str) -> Any:
    """Evaluate one query's source text against ``db`` (inside the caller's db_session)."""
    filename = f"<example query {abs(hash(source)):x}>"
    if filename not in linecache.cache:
        linecache.cache[filename] = (len(source), None, [source + "\n"], filename)
    return eval(compile(source, filename, "eval"), namespace(db))


def plain(value: Any) -> Any:
    """A result made easy to compare: entities as ``'Entity[pk]'``, queries as lists."""
    if isinstance(value, (Query, QueryResult, list)):
        return [plain(v) for v in value]
    if isinstance(value, tuple):
        return tuple(plain(v) for v in value)
    if hasattr(type(value), "_pk_attrs_"):
        return repr(value)
    return value


def print_query(db: Database, title: str, source: str, with_sql: bool = True) -> Any:
    """Print a query's title, its source, the SQL it sent (one clause a line) and its result as a table."""
    print(title)
    print("-" * len(title))
    print(">>> " + source)
    before = db.last_sql
    result = run_query(db, source)
    if isinstance(result, Query):
        if with_sql:
            print(_indent(format_sql(result.get_sql())))
        result = result[:]
    elif with_sql and db.last_sql is not before:
        print(_indent(format_sql(db.last_sql)))
    elif with_sql:
        print("    (no SQL: the object was already in the session cache)")
    print()
    if isinstance(result, QueryResult):
        result.show()
    elif hasattr(type(result), "_pk_attrs_"):
        pony.orm.show(result)
    else:
        print(repr(result))
    print()
    return result


def _indent(sql: str) -> str:
    return "\n".join("    " + line for line in sql.splitlines())


def sqlite_database(filename: str | None = None) -> Database:
    """An embedded database: in memory, or a file in a temporary folder (never the package)."""
    if filename is None:
        return Database("sqlite", ":memory:")
    path = os.path.join(tempfile.mkdtemp(prefix="pony-example-"), filename)
    return Database("sqlite", path, create_db=True)


def run_example(define_entities: Callable[[Database], None], populate: Callable[[Database], None],
                queries: Iterable[ExampleQuery], argv: list[str] | None = None) -> Database:
    """``python -m pony.orm.examples.<name> [--no-sql]``: build, fill and query an in-memory db."""
    argv = sys.argv[1:] if argv is None else argv
    db = sqlite_database()
    define_entities(db)
    db.generate_mapping(create_tables=True)
    populate(db)
    with db_session:
        for title, source in queries:
            print_query(db, title, source, with_sql="--no-sql" not in argv)
    return db
