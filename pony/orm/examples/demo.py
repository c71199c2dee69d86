"""A first demo on embedded SQLite: raw SQL with bound ``$`` parameters, rows read back."""

from __future__ import annotations

from pony.orm import Database, db_session


def main() -> None:
    db = Database("sqlite", ":memory:")
    with db_session:
        db.execute("CREATE TABLE person (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INTEGER)")
        for name, age in [("John", 20), ("Mary", 22), ("Bob", 30)]:
            db.insert("person", name=name, age=age)
    min_age = 21
    with db_session:
        rows = db.select("id, name, age FROM person WHERE age >= $min_age ORDER BY id")
        print(f"{db.last_sql}\n  with min_age = {min_age}")
        for row in rows:
            print(f"  {row.id:>3}  {row.name:<6} {row.age}")


if __name__ == "__main__":
    main()
