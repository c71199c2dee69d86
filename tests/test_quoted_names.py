"""Table and column names holding quote characters (``"`` and a backtick) are quoted by doubling the
embedded quote, and names holding ``%`` reach drivers whose placeholders are ``%s`` intact: tables are
created, written, read, updated and deleted through such names on every backend."""

from __future__ import annotations

from pony.orm import Optional, Required, Set, composite_index, db_session, select

ODD_TABLE = 'odd"table`x%s'
ODD_NAME_COLUMN = 'na"me`col'
ODD_OWNER_TABLE = 'own`er"s'


def define_entities(db):
    class Owner(db.Entity):
        _table_ = ODD_OWNER_TABLE
        title = Required(str, column='ti`tle"')
        things = Set("Thing")

    class Thing(db.Entity):
        _table_ = ODD_TABLE
        name = Required(str, column=ODD_NAME_COLUMN)
        size = Optional(int, column='si""ze%')
        owner = Optional(Owner, column='ow"ner`id')
        tags = Set("Tag")
        composite_index(name, size)

    class Tag(db.Entity):
        _table_ = 'ta"g'
        label = Required(str, unique=True, column='la`bel')
        things = Set(Thing)


def test_tables_and_columns_exist_under_their_odd_names(backend):
    db = backend.make_db(define_entities)
    with db_session:
        owner = db.Owner(title="o1")
        db.Thing(name='it"s', size=3, owner=owner)
    with db_session:
        table = db.provider.quote_name(ODD_TABLE)
        column = db.provider.quote_name(ODD_NAME_COLUMN)
        assert db.select(f"SELECT {column} FROM {table}") == ['it"s']


def test_write_read_update_delete(backend):
    db = backend.make_db(define_entities)
    with db_session:
        owner = db.Owner(title="o1")
        red, blue = db.Tag(label="red"), db.Tag(label="blue")
        db.Thing(name="a", size=1, owner=owner, tags=[red, blue])
        db.Thing(name="b", size=2, tags=[blue])
        db.Thing(name="c")
    with db_session:
        assert sorted((t.name, t.size) for t in select(t for t in db.Thing if t.size is not None)) == [
            ("a", 1), ("b", 2),
        ]
        assert sorted(select(t.name for t in db.Thing if t.owner.title == "o1")) == ["a"]
        assert sorted(select(t.name for t in db.Thing if "blue" in t.tags.label)) == ["a", "b"]
        assert sorted(tag.label for tag in db.Thing.get(name="a").tags) == ["blue", "red"]
        assert sorted(t.name for t in db.Owner.get(title="o1").things) == ["a"]
        db.Thing.get(name="b").size = 20
        db.Thing.get(name="c").delete()
    with db_session:
        assert sorted((t.name, t.size) for t in db.Thing.select()) == [("a", 1), ("b", 20)]
        db.Tag.get(label="red").delete()
    with db_session:
        assert [tag.label for tag in db.Thing.get(name="a").tags] == ["blue"]


def test_drop_and_recreate(backend):
    db = backend.make_db(define_entities)
    with db_session:
        db.Thing(name="x")
    db.drop_all_tables(with_all_data=True)
    db.create_tables()
    with db_session:
        assert db.Thing.select().count() == 0
        db.Thing(name="y")
    with db_session:
        assert [t.name for t in db.Thing.select()] == ["y"]
