"""Flush batching: consecutive INSERT/UPDATE/DELETE statements of one shape go to the database
together, with the same results, errors, hook order and key assignment as one at a time."""

from __future__ import annotations

import threading

import pytest

from pony.orm import (
    Database,
    OptimisticCheckError,
    Optional,
    Required,
    Set,
    TransactionIntegrityError,
    commit,
    db_session,
    flush,
    rollback,
    select,
)

LOG: list = []


def define(db: Database) -> None:
    class Item(db.Entity):
        name = Required(str, unique=True)
        qty = Optional(int)
        note = Optional(str, nullable=True)

    class Node(db.Entity):
        label = Required(str)
        parent = Optional("Node", reverse="children")
        children = Set("Node", reverse="parent")

    class Owner(db.Entity):
        name = Required(str)
        pets = Set("Pet")

    class Pet(db.Entity):
        name = Required(str)
        owner = Required(Owner)

    class Hooked(db.Entity):
        name = Required(str)

        def before_insert(self):
            LOG.append(("before_insert", self.name))

        def after_insert(self):
            LOG.append(("after_insert", self.name, self.id))

        def before_update(self):
            LOG.append(("before_update", self.name))

        def after_update(self):
            LOG.append(("after_update", self.name))

        def before_delete(self):
            LOG.append(("before_delete", self.name))

        def after_delete(self):
            LOG.append(("after_delete", self.id))


@pytest.fixture
def db(backend):
    LOG.clear()
    return backend.make_db(define)


def statement_counts(db: Database, verb: str) -> int:
    """Statements starting with ``verb`` sent since the last merge (executemany rows count one each)."""
    return sum(stat.db_count for sql, stat in db.local_stats.items()
               if sql is not None and sql.lstrip().upper().startswith(verb))


def in_other_thread(func) -> None:
    failures = []

    def run():
        try:
            db_session(func)()
        except Exception as exc:
            failures.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failures:
        raise failures[0]


# --- INSERT -------------------------------------------------------------------------------------


def test_auto_ids_follow_creation_order(db, backend):
    db.merge_local_stats()
    with db_session:
        items = [db.Item(name=f"item {i}", qty=i) for i in range(100)]
        commit()
        ids = [item.id for item in items]
    assert ids == sorted(ids) and len(set(ids)) == 100
    with db_session:
        stored = {item.id: (item.name, item.qty) for item in db.Item.select()}
    assert stored == {ids[i]: (f"item {i}", i) for i in range(100)}
    inserts = statement_counts(db, "INSERT")
    if backend.has("insert_rows_returning"):
        assert inserts < 100  # several rows per statement
    else:
        assert inserts == 100


def test_objects_can_be_found_by_new_id_in_the_same_session(db):
    with db_session:
        items = [db.Item(name=f"n{i}") for i in range(20)]
        flush()
        for item in items:
            assert db.Item[item.id] is item
        assert select(i for i in db.Item if i.id == items[7].id)[:] == [items[7]]


def test_different_column_sets_are_all_stored(db):
    with db_session:
        db.Item(name="a", qty=1)
        db.Item(name="b", note="x")
        db.Item(name="c", qty=3)
        db.Item(name="d", qty=4, note=None)
        db.Item(name="e")
    with db_session:
        rows = sorted((i.name, i.qty, i.note) for i in db.Item.select())
    assert rows == [("a", 1, None), ("b", None, "x"), ("c", 3, None), ("d", 4, None), ("e", None, None)]


def test_integrity_error_in_a_batch_names_the_object(db):
    with db_session:
        db.Item(name="taken")
    with pytest.raises(TransactionIntegrityError) as info:
        with db_session:
            items = [db.Item(name=f"free {i}") for i in range(5)]
            bad = db.Item(name="taken")  # the identity map does not know the stored one
            items += [db.Item(name=f"more {i}") for i in range(5)]
            text = repr(bad)
    assert str(info.value).startswith(f"Object {text} cannot be stored in the database. ")
    with db_session:
        assert select(i.name for i in db.Item)[:] == ["taken"]


def test_integrity_error_caught_after_flush_leaves_earlier_rows(db):
    with db_session:
        db.Item(name="taken")
    with db_session:
        first = [db.Item(name=f"ok {i}") for i in range(4)]
        db.Item(name="taken")
        with pytest.raises(TransactionIntegrityError):
            flush()
        assert all(isinstance(item.id, int) for item in first)  # stored before the failing one
        rollback()


def test_parents_are_inserted_before_their_children(db):
    with db_session:
        for i in range(10):
            owner = db.Owner(name=f"owner {i}")
            db.Pet(name=f"pet {i}a", owner=owner)
            db.Pet(name=f"pet {i}b", owner=owner)
    with db_session:
        pairs = sorted((p.name, p.owner.name) for p in db.Pet.select())
    assert pairs == sorted([(f"pet {i}{s}", f"owner {i}") for i in range(10) for s in "ab"])


def test_children_created_before_their_parents(db):
    with db_session:
        owners = [db.Owner(name=f"o{i}") for i in range(3)]
        nodes = []
        parent = None
        for i in range(12):  # each node refers to the one before: a chain in one batch
            parent = db.Node(label=f"n{i}", parent=parent)
            nodes.append(parent)
        for owner in owners:
            db.Pet(name=f"pet of {owner.name}", owner=owner)
    with db_session:
        chain = {n.label: (n.parent.label if n.parent else None) for n in db.Node.select()}
        assert chain == {f"n{i}": (f"n{i - 1}" if i else None) for i in range(12)}
        assert sorted(p.owner.name for p in db.Pet.select()) == ["o0", "o1", "o2"]


def test_cycle_through_a_nullable_relation(db):
    with db_session:
        a = db.Node(label="a")
        b = db.Node(label="b", parent=a)
        a.parent = b
    with db_session:
        nodes = {n.label: n.parent.label for n in db.Node.select()}
    assert nodes == {"a": "b", "b": "a"}


# --- UPDATE -------------------------------------------------------------------------------------


def test_updates_of_one_shape(db):
    with db_session:
        for i in range(16):
            db.Item(name=f"i{i}", qty=i)
    db.merge_local_stats()
    with db_session:
        for item in db.Item.select():
            item.qty += 100
    # one statement per row sent together, or one UPDATE for all rows where the provider can
    assert statement_counts(db, "UPDATE") == (1 if db.provider.UPDATE_ROWS_IN_ONE else 16)
    updates = [sql for sql in db.local_stats if sql and sql.upper().startswith("UPDATE")]
    assert len(updates) == 1
    with db_session:
        assert sorted(select(i.qty for i in db.Item)[:]) == list(range(100, 116))


def test_optimistic_failure_inside_a_batch_names_the_object(db):
    with db_session:
        for i in range(10):
            db.Item(name=f"i{i}", qty=i)
    with db_session:
        items = db.Item.select().order_by(db.Item.id)[:]
        victim = items[6]
        victim_id = victim.id
        in_other_thread(lambda: setattr(db.Item[victim_id], "qty", 99))
        for item in items:
            item.qty = item.qty + 1000
        with pytest.raises(OptimisticCheckError, match=rf"^Object Item\[{victim_id}\] was updated outside of "
                                                       r"current transaction. Changes: qty \(6 -> 99\)$"):
            flush()
        rollback()
    with db_session:
        assert sorted(select(i.qty for i in db.Item)[:]) == [0, 1, 2, 3, 4, 5, 7, 8, 9, 99]


def test_optimistic_failure_for_a_row_deleted_outside(db):
    with db_session:
        for i in range(6):
            db.Item(name=f"i{i}", qty=i)
    with db_session:
        items = db.Item.select().order_by(db.Item.id)[:]
        gone = items[2].id
        in_other_thread(lambda: db.Item[gone].delete())
        for item in items:
            item.qty = -1
        with pytest.raises(OptimisticCheckError, match=rf"^Object Item\[{gone}\] was deleted outside of current "
                                                       r"transaction$"):
            commit()


def test_update_integrity_error_names_the_object(db):
    with db_session:
        for i in range(6):
            db.Item(name=f"i{i}")
    with db_session:
        items = db.Item.select().order_by(db.Item.id)[:]
        in_other_thread(lambda: db.Item(name="clash"))
        for item in items:
            item.name = item.name + "x"
        items[3].name = "clash"
        with pytest.raises(TransactionIntegrityError, match=rf"^Object Item\[{items[3].id}\] cannot be updated"):
            flush()
        rollback()


# --- DELETE -------------------------------------------------------------------------------------


def test_deletes_of_one_entity_share_a_statement(db):
    with db_session:
        for i in range(20):
            db.Item(name=f"i{i}")
    db.merge_local_stats()
    with db_session:
        items = db.Item.select().order_by(db.Item.id)[:]
        for item in items[:16]:
            item.delete()
    assert statement_counts(db, "DELETE") == 1
    with db_session:
        assert sorted(select(i.name for i in db.Item)[:]) == ["i16", "i17", "i18", "i19"]


def test_delete_of_a_self_referencing_chain(db):
    with db_session:
        parent = None
        for i in range(8):
            parent = db.Node(label=f"n{i}", parent=parent)
    with db_session:
        for node in db.Node.select().order_by(db.Node.id):
            node.delete()
    with db_session:
        assert db.Node.select().count() == 0


def test_delete_with_cascade_and_restrict_order(db):
    with db_session:
        for i in range(5):
            owner = db.Owner(name=f"o{i}")
            for j in range(3):
                db.Pet(name=f"p{i}{j}", owner=owner)
    with db_session:
        for owner in db.Owner.select():
            owner.delete()  # cascades to the pets (a required reverse)
    with db_session:
        assert db.Owner.select().count() == 0 and db.Pet.select().count() == 0


# --- hooks and single-statement commits ------------------------------------------------------------


def test_hooks_run_in_pony_order_around_batches(db):
    with db_session:
        for name in "abc":
            db.Hooked(name=name)
    ids = [entry[2] for entry in LOG if entry[0] == "after_insert"]
    assert LOG == [("before_insert", "a"), ("before_insert", "b"), ("before_insert", "c"),
                   ("after_insert", "a", ids[0]), ("after_insert", "b", ids[1]), ("after_insert", "c", ids[2])]
    assert ids == sorted(ids)
    LOG.clear()
    with db_session:
        for obj in db.Hooked.select().order_by(db.Hooked.id):
            obj.name += "2"
    assert LOG == [("before_update", "a2"), ("before_update", "b2"), ("before_update", "c2"),
                   ("after_update", "a2"), ("after_update", "b2"), ("after_update", "c2")]
    LOG.clear()
    with db_session:
        for obj in db.Hooked.select().order_by(db.Hooked.id):
            obj.delete()
    assert LOG == [("before_delete", "a2"), ("before_delete", "b2"), ("before_delete", "c2"),
                   ("after_delete", ids[0]), ("after_delete", ids[1]), ("after_delete", ids[2])]


def test_one_object_per_transaction(db):
    for i in range(3):
        with db_session:
            item = db.Item(name=f"single {i}")
        assert isinstance(item.id, int)
    with db_session:
        item = db.Item.get(name="single 1")
        item.qty = 5
    with db_session:
        assert db.Item.get(name="single 1").qty == 5
        db.Item.get(name="single 0").delete()
    with db_session:
        assert sorted(select(i.name for i in db.Item)[:]) == ["single 1", "single 2"]


def test_one_failing_object_per_transaction_rolls_back(db):
    with db_session:
        db.Item(name="taken")
    with pytest.raises(TransactionIntegrityError, match="cannot be stored in the database"):
        with db_session:
            db.Item(name="taken")
    with db_session:
        item = db.Item.get(name="taken")
        item.qty  # noqa: B018
        in_other_thread(lambda: setattr(db.Item.get(name="taken"), "qty", 3))
        item.qty = 4
        with pytest.raises(OptimisticCheckError):
            commit()
    with db_session:
        assert db.Item.get(name="taken").qty == 3
        db.Item(name="after")  # the connection is usable afterwards
    with db_session:
        assert db.Item.select().count() == 2


def test_hook_writes_after_a_single_insert_are_kept(db):
    with db_session:
        db.Hooked(name="x")
    with db_session:
        assert [h.name for h in db.Hooked.select()] == ["x"]
