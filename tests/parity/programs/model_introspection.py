"""Model/session parity, items 2-4 and 10-12: schema objects, entity and attribute introspection,
db.insert into a link table, Optional attributes in composite keys, foreign-key indexes, forward
references."""

from pony.orm import *

db = Database()


class MiPerson(db.Entity):
    id = PrimaryKey(int)
    name = Required(str, column="full_name")
    nick = Optional(str)
    age = Optional(int)
    score = Optional(float)
    cars = Set("MiCar")
    tags = Set("MiTag", volatile=True, table="mi_person_tag")
    composite_key(name, age)
    composite_index(nick, age)


class MiCar(db.Entity):
    id = PrimaryKey(str, 20)
    owner = Required(MiPerson)
    plate = Required(str, unique=True)
    garage = Optional("MiGarage", cascade_delete=False)
    composite_index(owner, plate)


class MiGarage(db.Entity):
    city = Required(str, 40)
    number = Required(int)
    cars = Set(MiCar)
    keeper = Optional(str)
    PrimaryKey(city, number)


class MiTag(db.Entity):
    name = PrimaryKey(str, 30)
    persons = Set(MiPerson)


class MiAnimal(db.Entity):
    kind = Discriminator(int)
    _discriminator_ = 1
    name = Required(str)
    legs = Optional(int, default=4)


class MiDog(MiAnimal):
    _discriminator_ = "2"
    breed = Optional(str)
    composite_key(MiAnimal.name, breed)


class MiCat(MiAnimal):
    _discriminator_ = 3
    lives = Optional(int)


class MiBox(db.Entity):
    label = Required(str)
    shelf = Optional("MiShelf")
    composite_index(shelf, label)


class MiShelf(db.Entity):
    code = Required(str)
    boxes = Set(MiBox)
    size = Optional(int)
    composite_key(code, size)


def populate():
    ann = MiPerson(id=1, name="Ann", nick="a", age=30)
    bob = MiPerson(id=2, name="Bob", age=40)
    g = MiGarage(city="Oslo", number=1)
    MiCar(id="c1", owner=ann, plate="AA1", garage=g)
    MiCar(id="c2", owner=bob, plate="BB2")
    MiTag(name="red", persons=[ann])
    MiTag(name="blue")
    MiDog(name="Rex", breed="lab")
    MiCat(name="Tom", lives=9)
    MiAnimal(name="Generic")


def _columns(table_name):
    return [(c.name, c.sql_type) for c in db.schema.tables[table_name].column_list]


def _attrs(attrs):
    return [str(a) for a in attrs]


# --- 2. schema objects ------------------------------------------------------------------------

def case_schema_columns_person_ordered():
    return _columns(MiPerson._table_)


def case_schema_columns_car_ordered():
    return _columns(MiCar._table_)


def case_schema_columns_garage_and_link_ordered():
    return [_columns(MiGarage._table_), _columns("mi_person_tag"), _columns(MiAnimal._table_)]


def case_schema_create_command_car():
    return db.schema.tables[MiCar._table_].get_create_command()


def case_schema_create_command_person():
    return db.schema.tables[MiPerson._table_].get_create_command()


def case_schema_create_command_link_table():
    return db.schema.tables["mi_person_tag"].get_create_command()


def case_schema_index_names_car():
    return sorted(i.name for i in db.schema.tables[MiCar._table_].indexes.values() if not i.is_pk)


# --- 3. entity introspection -------------------------------------------------------------------

def _index_record(index):
    return [_attrs(index.attrs), index.is_pk, index.is_unique]


def case_indexes_person_ordered():
    return [_index_record(i) for i in MiPerson._indexes_]


def case_indexes_dog_and_car_ordered():
    return [[_index_record(i) for i in MiDog._indexes_], [_index_record(i) for i in MiCar._indexes_],
            [_index_record(i) for i in MiGarage._indexes_], [_index_record(i) for i in MiShelf._indexes_]]


def case_keys_ordered():
    return {e.__name__: [[_attrs(k) for k in e._keys_], _attrs(e._simple_keys_),
                         [_attrs(k) for k in e._composite_keys_]]
            for e in (MiPerson, MiCar, MiGarage, MiTag, MiAnimal, MiDog, MiShelf)}


def case_is_implicit_ordered():
    return {e.__name__: [[a.name, a.is_implicit] for a in e._attrs_] for e in (MiAnimal, MiDog, MiBox, MiPerson)}


def case_set_volatile_and_table_ordered():
    return [MiPerson.tags.is_volatile, MiTag.persons.is_volatile, MiPerson.cars.is_volatile,
            MiPerson.tags.table, MiTag.persons.table]


def case_attrs_and_adict_ordered():
    return {e.__name__: [_attrs(e._attrs_), sorted(e._adict_)] for e in (MiPerson, MiAnimal, MiDog, MiGarage)}


def case_pk_attrs_ordered():
    return {e.__name__: [_attrs(e._pk_attrs_), list(e._pk_columns_), e._pk_is_composite_]
            for e in (MiPerson, MiCar, MiGarage, MiDog, MiBox)}


def case_table_discriminator_root_database_ordered():
    return {e.__name__: [str(e._table_), repr(e._discriminator_), e._root_.__name__, e._database_ is db,
                         sorted(s.__name__ for s in e._subclasses_)]
            for e in (MiPerson, MiAnimal, MiDog, MiCat)}


def case_get_attrs_ordered():
    names = lambda attrs: [a.name for a in attrs]  # noqa: E731
    return [names(MiPerson._get_attrs_()), names(MiDog._get_attrs_(with_collections=True)),
            names(MiPerson._get_attrs_(only=["name", "age"])), names(MiPerson._get_attrs_(exclude=["nick"])),
            names(MiPerson._get_attrs_(with_lazy=True, with_collections=True))]


def case_pkval_and_vals_ordered():
    car = MiCar["c1"]
    garage = MiGarage["Oslo", 1]
    vals = sorted((str(k), repr(v)) for k, v in car._vals_.items())
    return [car._pkval_, garage._pkval_, MiPerson[1]._pkval_, vals]


def _attr_flags(a):
    return [str(a), getattr(a.py_type, "__name__", repr(a.py_type)), a.is_collection, a.is_relation,
            str(a.reverse) if a.reverse is not None else None, a.is_required, a.is_unique, a.is_pk,
            a.nullable, repr(a.default), sorted(a.kwargs.items()), a.column, list(a.columns)]


def case_attribute_flags_ordered():
    attrs = [MiPerson.id, MiPerson.name, MiPerson.nick, MiPerson.age, MiPerson.cars, MiPerson.tags, MiCar.id,
             MiCar.owner, MiCar.plate, MiCar.garage, MiGarage.city, MiGarage.number, MiGarage.keeper, MiPerson.score, MiAnimal.kind, MiAnimal.legs,
             MiDog.breed, MiBox.id, MiBox.shelf, MiShelf.boxes]
    return [_attr_flags(a) for a in attrs]


def case_outside_column_before_mapping_ordered():
    db2 = Database()

    class Thing(db2.Entity):
        _table_ = "model_introspection_thing"
        title = Required(str, column="the_title")
        parts = Optional("Part", columns=["part_a"])

    class Part(db2.Entity):
        _table_ = "model_introspection_part"
        thing = Optional(Thing)

    return [Thing.title.column, Thing.title.columns, Thing.parts.columns, Thing.id.column, Part.thing.column]


# --- 4. db.insert into a link table ----------------------------------------------------------

def case_insert_into_link_table():
    db.insert(MiPerson.tags, mitag="blue", miperson=2)
    return select((p.id, t.name) for p in MiPerson for t in p.tags)


def case_insert_into_link_table_by_name():
    db.insert("mi_person_tag", mitag="blue", miperson=1)
    return select((p.id, t.name) for p in MiPerson for t in p.tags)


# --- 10. Optional attributes in composite keys and indexes -------------------------------------

def case_optional_in_composite_index_accepts_none():
    MiPerson(id=5, name="Eve", nick=None, age=None)
    flush()
    return select((p.id, p.nick, p.age) for p in MiPerson if p.id == 5)[:]


def case_optional_in_composite_key_attrs_ordered():
    return [[a.name, a.nullable, repr(a.default)] for a in (MiPerson.nick, MiPerson.age, MiDog.breed,
                                                          MiBox.shelf)]


def case_optional_in_composite_key_subclass():
    MiDog(name="Max", breed=None)
    flush()
    return select((d.name, d.breed) for d in MiDog)[:]


# --- 11. no separate index for a foreign key leading a composite index or key ------------------

def case_fk_index_skipped_car():
    return sorted([c.name for c in i.columns] for i in db.schema.tables[MiCar._table_].indexes.values())


def case_fk_index_skipped_box():
    return sorted([c.name for c in i.columns] for i in db.schema.tables[MiBox._table_].indexes.values())


def case_fk_index_create_script():
    return db.schema.generate_create_script()


# --- 12. forward references ---------------------------------------------------------------

def case_forward_reference_after_mapping_ordered():
    return [MiPerson.cars.is_relation, MiPerson.cars.py_type is MiCar, MiCar.garage.py_type is MiGarage]


def case_outside_forward_reference_before_mapping_ordered():
    import contextlib
    import io

    db2 = Database()

    class Owner(db2.Entity):
        _table_ = "model_introspection_owner"
        cars = Set("Auto")
        boat = Optional("Boat")

    class Auto(db2.Entity):
        _table_ = "model_introspection_auto"
        owner = Required(Owner)

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        show(Owner)
    return [Owner.cars.is_relation, Owner.boat.is_relation, out.getvalue()]


def case_show_entities_ordered():
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for e in (MiPerson, MiCar, MiGarage, MiDog, MiShelf):
            show(e)
    return out.getvalue()
