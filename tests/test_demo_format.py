"""The SQL the demo and the examples print: one clause a line, long subqueries opened up, the text
otherwise unchanged (the statement sent to the database is never reformatted)."""

from __future__ import annotations

import re
import subprocess
import sys

from pony.orm.examples._sqlformat import format_sql


def same_text(a: str, b: str) -> bool:
    """Equal but for whitespace."""
    return "".join(a.split()) == "".join(b.split())


def test_each_outer_clause_starts_a_line():
    sql = ('SELECT "c"."id" FROM "Customer" "c" LEFT JOIN "Order" "o" ON "o"."customer" = "c"."id" '
           'WHERE "c"."country" = ? GROUP BY "c"."id" HAVING COUNT(*) > 1 ORDER BY "c"."id" LIMIT 3')
    assert format_sql(sql).splitlines() == [
        'SELECT "c"."id"',
        'FROM "Customer" "c"',
        'LEFT JOIN "Order" "o" ON "o"."customer" = "c"."id"',
        'WHERE "c"."country" = ?',
        'GROUP BY "c"."id"',
        "HAVING COUNT(*) > 1",
        'ORDER BY "c"."id"',
        "LIMIT 3",
    ]


def test_keywords_inside_quotes_and_short_subqueries_stay_put():
    sql = "SELECT \"x\" FROM \"T\" \"t\" WHERE \"t\".\"a\" = 'it''s FROM here' AND \"t\".\"b\" IN (SELECT 1 FROM \"U\")"
    assert format_sql(sql).splitlines() == [
        'SELECT "x"',
        'FROM "T" "t"',
        "WHERE \"t\".\"a\" = 'it''s FROM here' AND \"t\".\"b\" IN (SELECT 1 FROM \"U\")",
    ]


def test_a_long_subquery_is_laid_out_inside_its_parentheses():
    inner = 'SELECT COUNT(DISTINCT "orders"."id") FROM "Order" "orders" WHERE "orders"."customer" = "c"."id"'
    sql = f'SELECT "c"."id", "c"."name" FROM "Customer" "c" WHERE ({inner}) > 1 ORDER BY "c"."name"'
    assert format_sql(sql, width=60).splitlines() == [
        'SELECT "c"."id", "c"."name"',
        'FROM "Customer" "c"',
        "WHERE (",
        '    SELECT COUNT(DISTINCT "orders"."id")',
        '    FROM "Order" "orders"',
        '    WHERE "orders"."customer" = "c"."id"',
        ") > 1",
        'ORDER BY "c"."name"',
    ]
    assert same_text(format_sql(sql, width=60), sql)


def test_a_subquery_inside_other_parentheses_is_opened_too():
    sql = 'SELECT "p"."id" FROM "P" "p" WHERE NOT (EXISTS (SELECT 1 FROM "O" "o" WHERE "o"."p" = "p"."id"))'
    assert format_sql(sql, width=50).splitlines() == [
        'SELECT "p"."id"',
        'FROM "P" "p"',
        "WHERE NOT (EXISTS (",
        "    SELECT 1",
        '    FROM "O" "o"',
        '    WHERE "o"."p" = "p"."id"',
        "))",
    ]


def test_a_long_condition_is_broken_before_its_outer_ands():
    sql = 'SELECT 1 FROM "T" "t" WHERE ("t"."a" = 1) AND ("t"."b" = 2 AND "t"."c" = 3) AND ("t"."d" = 4)'
    assert format_sql(sql, width=40).splitlines() == [
        "SELECT 1",
        'FROM "T" "t"',
        'WHERE ("t"."a" = 1)',
        '  AND ("t"."b" = 2 AND "t"."c" = 3)',
        '  AND ("t"."d" = 4)',
    ]


def test_a_long_column_list_is_wrapped_after_its_commas():
    sql = 'SELECT "t"."alpha", "t"."beta", COALESCE("t"."gamma", 0), "t"."delta" FROM "T" "t"'
    assert format_sql(sql, width=45).splitlines() == [
        'SELECT "t"."alpha", "t"."beta",',
        '    COALESCE("t"."gamma", 0), "t"."delta"',
        'FROM "T" "t"',
    ]
    assert same_text(format_sql(sql, width=45), sql)


def test_text_that_has_lines_already_is_left_alone():
    assert format_sql("SELECT 1\nFROM t") == "SELECT 1\nFROM t"


def test_the_demo_prints_every_query_readably():
    run = subprocess.run([sys.executable, "-m", "pony.orm.examples.demo"], capture_output=True, text=True,
                         check=True)
    statements = re.findall(r"^    (SELECT .*?)\n\n", run.stdout, re.M | re.S)
    assert len(statements) >= 13
    for statement in statements:
        assert "\n    FROM " in statement
        assert max(len(line) for line in statement.splitlines()) <= 4 + 100
