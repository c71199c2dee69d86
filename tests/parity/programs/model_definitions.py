"""Model/session parity, items 5-6: definitions Pony refuses (and the exception class it uses), and
sibling subclasses declaring a Set of the same name."""

from pony.orm import *
from pony.orm.core import Attribute

db = Database()


class MdTeam(db.Entity):
    name = Required(str)
    members = Set("MdMember")


class MdMember(db.Entity):
    name = Required(str)
    team = Optional(MdTeam)


# 6. sibling subclasses each declare a Set named ``items``, each with its own reverse
class MdOwner(db.Entity):
    name = Required(str)


class MdShop(MdOwner):
    items = Set("MdProduct")


class MdLibrary(MdOwner):
    items = Set("MdBook")


class MdProduct(db.Entity):
    title = Required(str)
    shop = Required(MdShop)


class MdBook(db.Entity):
    title = Required(str)
    library = Optional(MdLibrary)


def populate():
    shop, library = MdShop(name="Shop"), MdLibrary(name="Library")
    MdProduct(title="pen", shop=shop)
    MdProduct(title="ink", shop=shop)
    MdBook(title="Dune", library=library)
    MdTeam(name="A")


def _mapped(define, create_tables=False):
    """Declare entities on a Database of their own, bind it to this backend and map it."""
    db2 = Database()
    define(db2)
    args, kwargs = BIND
    db2.bind(*args, **kwargs)
    try:
        db2.generate_mapping(create_tables=create_tables, check_tables=False)
        return sorted(str(name) for name in db2.schema.tables)
    finally:
        if create_tables:
            db2.drop_all_tables(with_all_data=True)
        db2.disconnect()


# --- 6. sibling subclasses with a Set of the same name -----------------------------------------

def case_sibling_sets_items():
    return select((o.name, i.title) for o in MdShop for i in o.items)[:] + \
        select((o.name, i.title) for o in MdLibrary for i in o.items)[:]


def case_sibling_sets_reverse_ordered():
    return [str(MdShop.items.reverse), str(MdLibrary.items.reverse), MdShop.items.py_type.__name__,
            MdLibrary.items.py_type.__name__]


def case_sibling_sets_count_ordered():
    return [len(MdShop.get(name="Shop").items), len(MdLibrary.get(name="Library").items)]


def case_outside_sibling_required_attrs_conflict():
    def define(db2):
        class Base(db2.Entity):
            _table_ = "model_definitions_base"
            name = Required(str)

        class Left(Base):
            code = Optional(str)

        class Right(Base):
            code = Optional(str)

    return _mapped(define)


# --- 5. refused definitions -----------------------------------------------------------------

def case_outside_reverse_not_a_string():
    def define(db2):
        class A(db2.Entity):
            bs = Set("B", reverse=123)

        class B(db2.Entity):
            a = Optional(A)

    return _mapped(define)


def case_outside_bare_attribute():
    def define(db2):
        class A(db2.Entity):
            x = Attribute(int)

    return _mapped(define)


def case_outside_float_in_composite_pk():
    def define(db2):
        class A(db2.Entity):
            x = Required(int)
            y = Required(float)
            PrimaryKey(x, y)

    return _mapped(define)


def case_outside_volatile_in_composite_pk():
    def define(db2):
        class A(db2.Entity):
            x = Required(int)
            y = Required(int, volatile=True)
            PrimaryKey(x, y)

    return _mapped(define)


def case_outside_composite_key_of_other_entity():
    def define(db2):
        class A(db2.Entity):
            x = Required(int)

        class B(db2.Entity):
            y = Required(int)
            composite_key(A.x, y)

    return _mapped(define)


def case_outside_composite_index_of_other_entity():
    def define(db2):
        class A(db2.Entity):
            x = Required(int)

        class B(db2.Entity):
            y = Required(int)
            composite_index(y, A.x)

    return _mapped(define)


def case_outside_cascade_delete_both_sides_one_to_one():
    def define(db2):
        class A(db2.Entity):
            b = Optional("B", cascade_delete=True)

        class B(db2.Entity):
            a = Optional(A, cascade_delete=True)

    return _mapped(define)


def case_outside_cascade_delete_both_sides_one_to_many():
    def define(db2):
        class A(db2.Entity):
            bs = Set("B", cascade_delete=True)

        class B(db2.Entity):
            a = Required(A, cascade_delete=True)

    return _mapped(define)


def case_outside_discriminator_not_convertible():
    def define(db2):
        class A(db2.Entity):
            kind = Discriminator(int)
            _discriminator_ = 1

        class B(A):
            _discriminator_ = "abc"

    return _mapped(define)


def case_outside_discriminator_converted_ordered():
    found = []

    def define(db2):
        class A(db2.Entity):
            _table_ = "model_definitions_disc"
            kind = Discriminator(int)
            _discriminator_ = 1

        class B(A):
            _discriminator_ = "2"

        found.append(B)

    _mapped(define)
    return [found[0]._discriminator_, type(found[0]._discriminator_).__name__]


def case_outside_discriminator_converted_saved():
    def define(db2):
        class A(db2.Entity):
            _table_ = "model_definitions_disc2"
            kind = Discriminator(int)
            _discriminator_ = 1

        class B(A):
            _discriminator_ = "2"

        db2.bind(*BIND[0], **BIND[1])
        db2.generate_mapping(create_tables=True)
        try:
            with db_session:
                B()
                A()
            with db_session:
                return [(type(x).__name__, x.kind) for x in A.select()]
        finally:
            db2.drop_all_tables(with_all_data=True)
            db2.disconnect()

    return define(Database())


def case_outside_reverse_column_not_a_string():
    def define(db2):
        class A(db2.Entity):
            friends = Set("A", reverse="friends", reverse_column=5)

    return _mapped(define)


def case_outside_reverse_columns_not_a_list():
    def define(db2):
        class A(db2.Entity):
            friends = Set("A", reverse="friends", reverse_columns="a_2")

    return _mapped(define)


def case_outside_reverse_columns_items_not_strings():
    def define(db2):
        class A(db2.Entity):
            friends = Set("A", reverse="friends", reverse_columns=[1])

    return _mapped(define)


def case_outside_link_table_name_clash():
    def define(db2):
        class A(db2.Entity):
            _table_ = "model_definitions_a"
            bs = Set("B")
            bs2 = Set("B", reverse="as2")

        class B(db2.Entity):
            _table_ = "model_definitions_b"
            as_ = Set(A, reverse="bs")
            as2 = Set(A, reverse="bs2")

    return _mapped(define)


def case_outside_link_table_name_clash_explicit():
    def define(db2):
        class A(db2.Entity):
            _table_ = "model_definitions_a"
            bs = Set("B", table="model_definitions_link")
            cs = Set("C", table="model_definitions_link")

        class B(db2.Entity):
            _table_ = "model_definitions_b"
            as_ = Set(A)

        class C(db2.Entity):
            _table_ = "model_definitions_c"
            as_ = Set(A)

    return _mapped(define)


def case_collection_set_to_none_in_constructor():
    MdTeam(name="B", members=None)


def case_collection_assigned_none():
    MdTeam.get(name="A").members = None
