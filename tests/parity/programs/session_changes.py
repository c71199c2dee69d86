"""Issue "Model/session parity", items 7-9: changes after a session, re-created keys, save hooks."""

from pony.orm import *

db = Database()
EVENTS = []


class Doc(db.Entity):
    id = PrimaryKey(int)
    data = Optional(Json)
    tags = Optional(Json)
    name = Optional(str)


class Logged(db.Entity):
    """Every hook writes down what it saw."""
    id = PrimaryKey(int)
    name = Optional(str)

    def before_insert(self):
        EVENTS.append(("before_insert", self.id))

    def before_update(self):
        EVENTS.append(("before_update", self.id))

    def before_delete(self):
        EVENTS.append(("before_delete", self.id))

    def _save_(self, *args, **kwargs):
        EVENTS.append(("_save_", self.id, self._status_))
        return super()._save_(*args, **kwargs)

    def _after_save_(self, status):
        EVENTS.append(("_after_save_", self.id, status))
        super()._after_save_(status)

    def after_insert(self):
        EVENTS.append(("after_insert", self.id))

    def after_update(self):
        EVENTS.append(("after_update", self.id))

    def after_delete(self):
        EVENTS.append(("after_delete", self.id))


class Quiet(db.Entity):
    """Overrides ``_after_save_`` without calling the base: the after_* hooks are not called."""
    id = PrimaryKey(int)
    name = Optional(str)

    def _after_save_(self, status):
        EVENTS.append(("quiet _after_save_", self.id, status))

    def after_insert(self):
        EVENTS.append(("quiet after_insert", self.id))

    def after_update(self):
        EVENTS.append(("quiet after_update", self.id))


class Skipped(db.Entity):
    """Overrides ``_save_`` without calling the base: the object is not written."""
    id = PrimaryKey(int)

    def _save_(self, *args, **kwargs):
        EVENTS.append(("skipped _save_", self.id, self._status_))


class Tag(db.Entity):
    id = PrimaryKey(int)
    label = Required(str, unique=True)


class Crew(db.Entity):
    id = PrimaryKey(int)
    name = Required(str, unique=True)
    score = Optional(int)


def populate():
    Doc(id=1, data={"a": [1]}, tags=["x"], name="one")
    Doc(id=2, data={"b": 2}, tags=[], name="two")
    Logged(id=1, name="a")
    Logged(id=2, name="b")
    Quiet(id=1, name="q")
    Tag(id=1, label="red")
    Tag(id=2, label="blue")
    Crew(id=1, name="red")
    Crew(id=2, name="blue", score=1)


def _after_session(change):
    with db_session:
        doc = Doc[1]
        doc.data, doc.tags  # noqa: B018 - loaded while the session lasts
    try:
        change(doc)
    except Exception as exc:
        result = type(exc).__name__, str(exc)
    else:
        result = "no error"
    with db_session:
        return result, Doc[1].data, Doc[1].tags


# 7. a Json value changed in place after its session
def case_outside_json_item_set_after_session():
    return _after_session(lambda doc: doc.data.__setitem__("k", 1))


def case_outside_json_nested_append_after_session():
    return _after_session(lambda doc: doc.data["a"].append(2))


def case_outside_json_list_append_after_session():
    return _after_session(lambda doc: doc.tags.append("y"))


def case_outside_json_item_delete_after_session():
    return _after_session(lambda doc: doc.data.pop("a"))


def case_outside_json_plain_assignment_after_session():
    return _after_session(lambda doc: setattr(doc, "data", {}))


def case_outside_json_read_after_session():
    with db_session:
        doc = Doc[2]
        doc.data  # noqa: B018
    return doc.data, doc.data["b"], list(doc.tags)


# 8. the same primary key after delete
def case_recreate_after_delete_and_flush():
    Tag[2].delete()
    flush()
    tag = Tag(id=2, label="green")
    flush()
    return tag, tag.label, sorted(select((t.id, t.label) for t in Tag))


def case_recreate_after_delete_without_flush():
    Tag[2].delete()
    tag = Tag(id=2, label="green")
    return tag, tag.label


def case_recreate_unique_after_delete_and_flush():
    Tag[2].delete()
    flush()
    tag = Tag(id=3, label="blue")
    flush()
    return tag, Tag.get(label="blue"), sorted(select((t.id, t.label) for t in Tag))


def case_recreate_unique_after_delete_without_flush():
    Tag[2].delete()
    tag = Tag(id=3, label="blue")
    flush()
    return tag, Tag.get(label="blue")


def case_get_deleted_key_after_flush():
    Tag[2].delete()
    flush()
    return Tag.get(id=2), Tag.get(label="blue"), Tag.exists(id=2)


def case_deleted_key_lookup_after_flush():
    Tag[2].delete()
    flush()
    try:
        return Tag[2]
    except Exception as exc:
        return type(exc).__name__, str(exc)


def case_recreate_twice_after_delete():
    Tag[2].delete()
    flush()
    tag = Tag(id=2, label="green")
    flush()
    tag.delete()
    flush()
    again = Tag(id=2, label="white")
    flush()
    return again, sorted(select((t.id, t.label) for t in Tag))


# 9. save hooks and their order
def _events(action):
    EVENTS.clear()
    action()
    flush()
    return list(EVENTS)


def case_hooks_on_insert_ordered():
    return _events(lambda: (Logged(id=3, name="c"), Logged(id=4, name="d")))


def case_hooks_on_update_ordered():
    return _events(lambda: setattr(Logged[1], "name", "z"))


def case_hooks_on_delete_ordered():
    return _events(lambda: Logged[2].delete())


def case_hooks_mixed_ordered():
    def action():
        Logged[1].name = "y"
        Logged[2].delete()
        Logged(id=5)
    return _events(action)


def case_after_save_without_base_ordered():
    def action():
        Quiet(id=2)
        Quiet[1].name = "r"
    return _events(action)


def case_save_without_base_ordered():
    events = _events(lambda: Skipped(id=1))
    return events, db.select("select id from skipped")


def case_save_hooks_are_methods():
    return [callable(getattr(db.Entity, name, None)) for name in ("_save_", "_after_save_")]


# obj.set() that is refused changes no attribute, whichever attribute refuses
def _refused_set(**values):
    Crew[1].name  # noqa: B018 - the taken name is in the session
    blue = Crew[2]
    try:
        blue.set(**values)
    except Exception as exc:
        error = type(exc).__name__
    else:
        error = "no error"
    return error, blue.name, blue.score


def case_set_with_a_taken_unique_value_after_another_attribute():
    return _refused_set(score=5, name="red")


def case_set_with_a_required_none_after_another_attribute():
    return _refused_set(score=5, name=None)


def case_set_with_a_wrongly_typed_value_after_a_unique_one():
    return _refused_set(name="green", score="many")


def case_outside_sql_debug_switches_after_sessions():
    """Which db_session options set the debug switches, and which are restored on leaving."""
    from pony.orm.core import local
    seen = []
    set_sql_debug(False)
    with db_session:
        set_sql_debug(True)  # no sql_debug= option: nothing to restore
    seen.append(("plain", local.debug, local.show_values))
    set_sql_debug(False)
    with db_session(show_values=True):  # show_values= alone changes nothing
        seen.append(("show_values inside", local.debug, local.show_values))
        set_sql_debug(True)
    seen.append(("show_values after", local.debug, local.show_values))
    set_sql_debug(False, show_values=True)
    with db_session(sql_debug=True):  # sets both switches, show_values to the option's None
        seen.append(("sql_debug inside", local.debug, local.show_values))
        set_sql_debug(False, show_values=False)
    seen.append(("sql_debug after", local.debug, local.show_values))
    set_sql_debug(False)
    return seen
