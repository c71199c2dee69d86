"""Permissions (SPEC 15): current user, set_perms_for/perm rules, groups/roles/labels, has_perm."""

from __future__ import annotations

import threading

import pytest

from pony.orm import *
from pony.orm import security
from pony.orm.core import AccessRule


@pytest.fixture(autouse=True)
def clean_registries():
    """Getters are registered globally (as in Pony): each test starts and ends without any."""
    saved = (list(security._group_getters), list(security._role_getters), list(security._label_getters))
    security._group_getters.clear()
    security._role_getters.clear()
    security._label_getters.clear()
    security._state.user_groups_cache.clear()
    security._state.user_roles_cache.clear()
    yield
    security._group_getters[:], security._role_getters[:], security._label_getters[:] = saved
    set_current_user(None)


def define_entities(db):
    class User(db.Entity):
        name = Required(str)
        is_admin = Optional(bool)
        posts = Set("Post")
        password = Optional(str, hidden=True)

    class Post(db.Entity):
        title = Required(str)
        secret = Optional(str)
        author = Required(User)
        published = Optional(bool)

    class Draft(Post):
        notes = Optional(str)


@pytest.fixture
def db(backend):
    db = backend.make_db(define_entities)
    with db_session:
        admin = db.User(name="admin", is_admin=True)
        user = db.User(name="user")
        db.Post(title="public", author=user, published=True)
        db.Draft(title="draft", author=user)
        db.Post(title="admin's", author=admin)
    return db


def unbound_db():
    db = Database()
    define_entities(db)
    return db


# --- the current user ----------------------------------------------------------------------------


def test_current_user_is_per_thread_and_outlives_sessions():
    assert get_current_user() is None
    set_current_user("alice")
    seen = []
    thread = threading.Thread(target=lambda: seen.append(get_current_user()))
    thread.start()
    thread.join()
    with db_session:
        assert get_current_user() == "alice"
    assert (get_current_user(), seen) == ("alice", [None])


# --- declaring rules -----------------------------------------------------------------------------


def test_perm_outside_set_perms_for_is_an_error():
    with pytest.raises(OrmError, match="'perm' function can be called within 'set_perm_for' context manager only"):
        perm("view")


def test_set_perms_for_checks_its_arguments_and_cannot_nest():
    db = unbound_db()
    with pytest.raises(TypeError, match="You should specify at least one positional argument"):
        with db.set_perms_for():
            pass
    with pytest.raises(TypeError, match="Entity class expected. Got: 1"):
        with db.set_perms_for(1):
            pass
    with pytest.raises(TypeError, match="Entity class expected. Got: User"):
        with db.set_perms_for("User"):
            pass
    with db.set_perms_for(db.User):
        with pytest.raises(OrmError, match="'set_perms_for' context manager calls cannot be nested"):
            with db.set_perms_for(db.Post):
                pass
        perm("view")  # still inside the outer block
    with pytest.raises(OrmError):
        perm("view")


def test_perm_builds_an_access_rule_for_the_entities_and_subclasses():
    db = unbound_db()
    with db.set_perms_for(db.Post):
        rule = perm("view, edit", "delete", group="admins", roles=["owner", "editor"], label="public")
    assert isinstance(rule, AccessRule)
    assert rule.database is db
    assert rule.entities == {db.Post, db.Draft}
    assert rule.permissions == {"view", "edit", "delete"}
    assert rule.groups == {"admins", "anybody"}
    assert rule.roles == {"owner", "editor"}
    assert rule.labels == {"public"}
    assert (rule.entities_to_exclude, rule.attrs_to_exclude) == (set(), set())
    assert db._access_rules == [rule]


def test_perm_name_checks():
    db = unbound_db()
    with db.set_perms_for(db.Post):
        assert perm(["view edit"], group="a", groups="b c").groups == {"a", "b", "c", "anybody"}
        with pytest.raises(TypeError, match="At least one permission should be specified"):
            perm(group="x")
        with pytest.raises(TypeError, match="At least one permission should be specified"):
            perm("")
        with pytest.raises(TypeError, match="Permission name should be identifier. Got: view-x"):
            perm("view-x")
        with pytest.raises(TypeError, match="Permission name should be string. Got: 1"):
            perm(1)
        with pytest.raises(TypeError, match="Group name should be identifier. Got: a-b"):
            perm("view", group="a-b")
        with pytest.raises(TypeError, match="Label name should be identifier. Got: x.y"):
            perm("view", label="x.y")
        with pytest.raises(TypeError, match="Unknown keyword argument name: foo"):
            perm("view", foo="x")


def test_rule_exclude():
    db = unbound_db()
    with db.set_perms_for(db.Post):
        rule = perm("view")
        assert rule.exclude(db.Draft, db.Post.secret) is None
        assert rule.entities_to_exclude == {db.Draft}
        assert rule.attrs_to_exclude == {db.Post.secret}
        with pytest.raises(TypeError, match="Primary key attribute Post.id cannot be excluded"):
            rule.exclude(db.Post.id)
        with pytest.raises(TypeError, match="Entity or attribute expected. Got: 'title'"):
            rule.exclude("title")


def test_composite_primary_key_parts_cannot_be_excluded():
    db = Database()

    class Pair(db.Entity):
        a = Required(int)
        b = Required(int)
        c = Optional(int)
        PrimaryKey(a, b)

    with db.set_perms_for(Pair):
        with pytest.raises(TypeError, match="Primary key attribute Pair.a cannot be excluded"):
            perm("view").exclude(Pair.a)


# --- groups, roles, labels ------------------------------------------------------------------------


def test_user_groups_come_from_matching_getters_and_always_include_anybody():
    calls = []

    @user_groups_getter()
    def any_user(user):
        calls.append(user)
        return None if isinstance(user, int) else "members"

    @user_groups_getter(str)
    def string_users(user):
        return ("strs", "more")

    assert get_user_groups(None) == frozenset({"anybody"})
    assert get_user_groups(5) == frozenset({"anybody"})
    assert get_user_groups("bob") == frozenset({"anybody", "members", "strs", "more"})
    assert get_user_groups("bob") == frozenset({"anybody", "members", "strs", "more"})
    assert calls == [5, "bob"]  # cached


def test_group_and_role_caches_are_cleared_when_a_db_session_ends():
    calls = []

    @user_groups_getter()
    def groups(user):
        calls.append(("groups", user))
        return "g"

    @user_roles_getter()
    def roles(user, obj):
        calls.append(("roles", user, obj))
        return ["owner"]

    with db_session:
        assert get_user_groups("bob") == {"anybody", "g"}
        assert get_user_roles("bob", "doc") == {"owner"}
        get_user_groups("bob")
        get_user_roles("bob", "doc")
    assert len(calls) == 2
    with db_session:
        get_user_groups("bob")
        get_user_roles("bob", "doc")
    assert len(calls) == 4


def test_user_roles(db):
    @user_roles_getter(db.User, db.Post)
    def author_role(user, post):
        return "author" if post.author == user else []

    with db_session:
        admin, user = db.User[1], db.User[2]
        post = db.Post[1]
        assert get_user_roles(user, post) == frozenset({"author"})
        assert get_user_roles(admin, post) == frozenset()
        assert get_user_roles(user, user) == frozenset({"self"})
        assert get_user_roles(None, post) == frozenset()


def test_object_labels_need_a_db_session(db):
    calls = []

    @obj_labels_getter(db.Post)
    def labels(post):
        calls.append(post)
        return ["published"] if post.published else ()

    with db_session:
        post, draft, user = db.Post[1], db.Post[2], db.User[1]
        assert get_object_labels(post) == {"published"}
        assert get_object_labels(post) == {"published"}
        assert get_object_labels(draft) == set()
        assert get_object_labels(user) == set()
        assert len(calls) == 2
    with pytest.raises(TransactionError, match="db_session is required when working with the database"):
        get_object_labels(post)


# --- has_perm -----------------------------------------------------------------------------------


@pytest.fixture
def rules(db):
    @user_groups_getter(db.User)
    def groups(user):
        return ["admins"] if user.is_admin else "users"

    @user_roles_getter(db.User, db.Post)
    def roles(user, post):
        return ["author"] if post.author == user else []

    @obj_labels_getter(db.Post)
    def labels(post):
        return ["published"] if post.published else []

    with db.set_perms_for(db.User):
        perm("view", group="anybody").exclude(db.User.is_admin)
    with db.set_perms_for(db.Post):
        perm("view", label="published")
        perm("edit delete", group="admins").exclude(db.Post.secret)
        perm("edit", role="author")
    return db


def test_has_perm_for_entity_classes(rules):
    db = rules
    with db_session:
        admin, user = db.User[1], db.User[2]
        assert has_perm(None, "view", db.Post) is True  # labels and roles count for instances only
        assert has_perm(None, "edit", db.Post) is True  # the role rule has no group
        assert has_perm(None, "delete", db.Post) is False
        assert has_perm(admin, "delete", db.Post) is True
        assert has_perm(admin, "delete", db.Draft) is True  # rules cover subclasses
        assert has_perm(user, "delete", db.Post) is False
        assert has_perm(admin, "create", db.Post) is False
        assert has_perm(admin, "edit", db.User) is False


def test_has_perm_for_instances_checks_roles_and_labels(rules):
    db = rules
    with db_session:
        admin, user = db.User[1], db.User[2]
        public, draft, admins = db.Post[1], db.Post[2], db.Post[3]
        assert has_perm(None, "view", public) is True
        assert has_perm(None, "view", draft) is False
        assert has_perm(user, "edit", draft) is True  # the author
        assert has_perm(admin, "edit", draft) is True  # an admin
        assert has_perm(user, "edit", admins) is False
        assert has_perm(user, "delete", draft) is False
        assert has_perm(admin, "delete", admins) is True


def test_has_perm_for_attributes(rules):
    db = rules
    with db_session:
        admin = db.User[1]
        assert has_perm(None, "view", db.User.name) is True
        assert has_perm(None, "view", db.User.is_admin) is False  # excluded
        assert has_perm(admin, "view", db.User.password) is False  # hidden=True
        assert has_perm(admin, "edit", db.Post.title) is True
        assert has_perm(admin, "edit", db.Post.secret) is True  # the author rule does not exclude it
        assert has_perm(admin, "delete", db.Post.secret) is False
        assert has_perm(admin, "delete", db.Draft.notes) is True


def test_excluded_entities(db):
    with db.set_perms_for(db.Post):
        perm("view").exclude(db.Draft)
    with db_session:
        assert has_perm(None, "view", db.Post) is True
        assert has_perm(None, "view", db.Draft) is False
        assert has_perm(None, "view", db.Draft.notes) is False
        assert has_perm(None, "view", db.Draft.title) is True  # inherited: Post.title


@pytest.mark.parametrize("user_rule, post_rule, expected", [
    # (rule on User, rule on Post) -> (has_perm on User.posts, has_perm on Post.author); None = no rule
    (None, ("view", False), (False, True)),
    (("view", False), ("view", True), (True, True)),
    (("view", True), ("view", True), (True, True)),  # both sides excluded, both entities viewable
    (("view", True), None, (False, False)),
    (("view", True), ("edit", False), (False, False)),
])
def test_relationship_attributes_consider_the_reverse_side(db, user_rule, post_rule, expected):
    for entity, attr, rule in ((db.User, db.User.posts, user_rule), (db.Post, db.Post.author, post_rule)):
        if rule is not None:
            with db.set_perms_for(entity):
                access = perm(rule[0])
                if rule[1]:
                    access.exclude(attr)
    with db_session:
        assert (has_perm(None, "view", db.User.posts), has_perm(None, "view", db.Post.author)) == expected


def test_has_perm_argument_checks_and_session(db):
    with db_session:
        assert has_perm(None, "view", db.Post) is False  # no rules at all
    with db.set_perms_for(db.Post):
        perm("view")
    with db_session:
        with pytest.raises(TypeError, match="The third parameter of 'has_perm' function should be entity class, "
                                            "entity instance or attribute. Got: 'Post'"):
            has_perm(None, "view", "Post")
        assert has_perm(None, "no_such_perm", db.Post) is False
    with pytest.raises(TransactionError, match="db_session is required"):
        has_perm(None, "view", db.Post)


def test_rules_added_during_a_session_take_effect(db):
    with db.set_perms_for(db.Post):
        perm("view")
    with db_session:
        assert has_perm(None, "delete", db.Post) is False
        with db.set_perms_for(db.Post):
            perm("delete")
        assert has_perm(None, "delete", db.Post) is True
