"""A stand-in for the ``oracledb`` driver, for checking the Oracle provider without a server.

It keeps no data. It checks what Oracle checks before running a statement and records it:
- placeholders are ``:1 .. :n`` in order of appearance, one bound value per occurrence (in plain SQL
  python-oracledb binds each occurrence of a repeated name separately, so ``:1 ... :1`` needs two
  values), and the number of values equals the number of placeholders;
- an ``INSERT ... RETURNING col INTO :n`` has an output variable (``cursor.var``) bound at ``:n``,
  which receives the next key of the fake sequence;
- a statement holding a comparison where Oracle (before 23ai) wants a value -- in the SELECT list,
  or a bare column as a WHERE condition -- is refused as Oracle refuses it (ORA-00923 / ORA-00920).
Rows for SELECTs come from ``FakeConnection.answer(sql, params)``, which tests replace.
"""

from __future__ import annotations

import re
from typing import Any

apilevel = "2.0"
paramstyle = "numeric"


class Warning(Exception):  # noqa: A001 - DB-API names
    pass


class Error(Exception):
    pass


class InterfaceError(Error):
    pass


class DatabaseError(Error):
    pass


class DataError(DatabaseError):
    pass


class OperationalError(DatabaseError):
    pass


class IntegrityError(DatabaseError):
    pass


class InternalError(DatabaseError):
    pass


class ProgrammingError(DatabaseError):
    pass


class NotSupportedError(DatabaseError):
    pass


# String literals and quoted names are skipped; what remains is scanned for placeholders.
_TOKEN = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|:(\d+)")
_SELECT_LIST = re.compile(r"^\s*SELECT\s+(?:DISTINCT\s+)?(.*?)\s+FROM\s", re.S | re.I)
# A column, parameter or number standing alone as a condition: after WHERE/AND/OR/NOT/ON/HAVING/WHEN and
# before the end of that condition.
_BARE_CONDITION = re.compile(
    r"\b(?:WHERE|AND|OR|NOT|ON|HAVING|WHEN)\s+\(?\s*(?:\"[^\"]*\"\.)?(?:\"[^\"]*\"|:\d+|\d+)\s*\)?\s*"
    r"(?:$|\)|\bAND\b|\bOR\b|\bTHEN\b|\bORDER\b|\bGROUP\b|\bFETCH\b|\bOFFSET\b)", re.I)
_RETURNING = re.compile(r"\sRETURNING\s+.+\s+INTO\s+:(\d+)\s*$", re.S)


def placeholders(sql: str) -> list[int]:
    """The placeholder numbers of ``sql`` in order of appearance (outside literals and quoted names)."""
    return [int(m.group(1)) for m in _TOKEN.finditer(sql) if m.group(1)]


def _outside_literals(sql: str) -> str:
    """``sql`` with string literals emptied and quoted names made neutral, placeholders kept."""
    def neutral(match: re.Match) -> str:
        text = match.group(0)
        return text if match.group(1) else ("''" if text.startswith("'") else '"n"')
    return _TOKEN.sub(neutral, sql)


def _top_level_items(text: str) -> list[str]:
    items, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += ch == "("
        depth -= ch == ")"
        if ch == "," and depth == 0:
            items.append(text[start:i])
            start = i + 1
    items.append(text[start:])
    return items


_COMPARISON = re.compile(r"(<>|<=|>=|=|<|>|\bIS\s+(?:NOT\s+)?NULL\b|\bLIKE\b|\bIN\s*\(|\bEXISTS\b|\bBETWEEN\b)", re.I)


def _bare_comparison(item: str) -> bool:
    """A select-list item holding a condition where a value is wanted (outside CASE ... END); items
    holding a scalar subquery are not examined."""
    text = re.sub(r"\bCASE\b.*\bEND\b", " ", item, flags=re.S | re.I)
    if re.search(r"\bSELECT\b", text, re.I):
        return False
    return bool(_COMPARISON.search(text))


class Var:
    """An output variable (``cursor.var(int)``); a DML RETURNING fills it with a list of values."""

    def __init__(self, type_: Any) -> None:
        self.type = type_
        self.value: Any = None

    def getvalue(self, pos: int = 0) -> Any:
        return self.value


class Cursor:
    def __init__(self, connection: FakeConnection) -> None:
        self.connection = connection
        self.description: Any = None
        self.rowcount = 0
        self.lastrowid = "AAAR3sAAEAAAACXAAA"  # a ROWID, as Oracle gives: never a key
        self._rows: list = []
        self.arraysize = 100

    def var(self, type_: Any, *args: Any, **kwargs: Any) -> Var:
        return Var(type_)

    def execute(self, sql: str, parameters: Any = None) -> None:
        params = list(parameters or ())
        self._check(sql, params)
        self.connection.statements.append((sql, params))
        returning = _RETURNING.search(sql)
        if returning:
            out = params[int(returning.group(1)) - 1]
            if not isinstance(out, Var):
                raise DatabaseError("ORA-01008: not all variables bound (RETURNING INTO needs an output variable)")
            self.connection.last_key += 1
            out.value = [self.connection.last_key]
        rows, description = self.connection.answer(sql, params)
        self._rows, self.description = list(rows), description
        self.rowcount = len(self._rows) if description else 1

    def executemany(self, sql: str, seq_of_parameters: Any) -> None:
        for parameters in seq_of_parameters:
            self.execute(sql, parameters)

    def _check(self, sql: str, params: list) -> None:
        numbers = placeholders(sql)
        if numbers != list(range(1, len(numbers) + 1)):
            raise DatabaseError(f"placeholders are not :1..:n in order of appearance: {numbers} in {sql}")
        if len(numbers) != len(params):
            raise DatabaseError(f"ORA-01008: not all variables bound: {len(numbers)} placeholders, "
                                f"{len(params)} values in {sql}")
        text = _outside_literals(sql)
        select = _SELECT_LIST.match(text)
        if select and any(_bare_comparison(item) for item in _top_level_items(select.group(1))):
            raise DatabaseError(f"ORA-00923: FROM keyword not found where expected: {sql}")
        if _BARE_CONDITION.search(text):
            raise DatabaseError(f"ORA-00920: invalid relational operator: {sql}")
        if text.lstrip().upper().startswith("RELEASE SAVEPOINT"):
            raise DatabaseError(f"ORA-00900: invalid SQL statement: {sql}")

    def fetchone(self) -> Any:
        return self._rows.pop(0) if self._rows else None

    def fetchmany(self, size: int | None = None) -> list:
        size = size or self.arraysize
        rows, self._rows = self._rows[:size], self._rows[size:]
        return rows

    def fetchall(self) -> list:
        rows, self._rows = self._rows, []
        return rows

    def close(self) -> None:
        pass

    def __iter__(self) -> Any:
        return iter(self.fetchall())


class FakeConnection:
    version = "19.3.0.0.0"

    def __init__(self, **kwargs: Any) -> None:
        self.kwargs = kwargs
        self.statements: list[tuple[str, list]] = []
        self.last_key = 0
        self.autocommit = False

    def answer(self, sql: str, params: list) -> tuple[list, Any]:
        """(rows, description) for a statement: no rows; SELECTs describe one column."""
        return [], ([("X",)] if sql.lstrip().upper().startswith("SELECT") else None)

    def cursor(self) -> Cursor:
        return Cursor(self)

    def commit(self) -> None:
        self.statements.append(("COMMIT", []))

    def rollback(self) -> None:
        self.statements.append(("ROLLBACK", []))

    def close(self) -> None:
        pass


connections: list[FakeConnection] = []


def connect(**kwargs: Any) -> FakeConnection:
    connection = FakeConnection(**kwargs)
    connections.append(connection)
    return connection
