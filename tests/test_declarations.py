"""SPEC 2: entity declarations, attribute kinds and options, and the exact errors Pony raises for
wrong ones (messages observed from Pony 0.7.20)."""

from __future__ import annotations

import importlib

import pytest

from pony.orm import *  # noqa: F403
from pony.orm import core
from pony.orm.session.objects import materialize

# (id, exception class, message, entity declarations): raised while the classes are declared.
DECLARATION_ERRORS = [
    ('lowercase_name', ERDiagramError, 'Entity class name should start with a capital letter. Got: person',
     'class person(db.Entity):\n    name = Required(str)\n'),
    ('slots', TypeError, 'Entity classes cannot contain __slots__ variable',
     'class Person(db.Entity):\n    __slots__ = ()\n    name = Required(str)\n'),
    ('duplicate_entity', ERDiagramError, 'Entity Person already exists',
     'class Person(db.Entity):\n    name = Required(str)\nclass Person(db.Entity):\n    name = Required(str)\n'),
    ('underscore_name', ERDiagramError, 'Attribute name cannot both start and end with underscore. Got: _name_',
     'class Person(db.Entity):\n    _name_ = Required(str)\n'),
    ('id_taken', ERDiagramError, "Cannot create default primary key attribute for Person because name 'id' is already in use. Please create a PrimaryKey attribute for entity Person or rename the 'id' attribute",
     'class Person(db.Entity):\n    id = Required(int)\n'),
    ('datetime_module', TypeError, 'datetime is the module and cannot be used as attribute type. Use datetime.datetime instead',
     'import datetime\nclass Person(db.Entity):\n    d = Required(datetime)\n'),
    ('required_default_none', TypeError, 'Default value for required attribute Person.name cannot be None',
     'class Person(db.Entity):\n    name = Required(str, default=None)\n'),
    ('required_default_empty', TypeError, 'Default value for required attribute Person.name cannot be empty string',
     "class Person(db.Entity):\n    name = Required(str, default='')\n"),
    ('pk_float', TypeError, 'PrimaryKey attribute Person.x cannot be of type float',
     'class Person(db.Entity):\n    x = PrimaryKey(float)\n'),
    ('pk_volatile', TypeError, 'PrimaryKey attribute Person.x cannot be volatile',
     'class Person(db.Entity):\n    x = PrimaryKey(int, volatile=True)\n'),
    ('pk_lazy', TypeError, 'Primary key attribute Person.x cannot be lazy',
     'class Person(db.Entity):\n    x = PrimaryKey(int, lazy=True)\n'),
    ('pk_unique', TypeError, "'unique' option cannot be set for PrimaryKey attribute ",
     'class Person(db.Entity):\n    x = PrimaryKey(int, unique=True)\n'),
    ('pk_single_attr', TypeError, 'Just use a = PrimaryKey(int, ...) directly instead of PrimaryKey(a)',
     'class Person(db.Entity):\n    a = Required(int)\n    PrimaryKey(a)\n'),
    ('pk_optional_part', TypeError, 'Optional attribute Person.b cannot be part of primary key',
     'class Person(db.Entity):\n    a = Required(int)\n    b = Optional(int)\n    PrimaryKey(a, b)\n'),
    ('two_pks', ERDiagramError, 'Only one primary key can be defined in each entity class',
     'class Person(db.Entity):\n    a = PrimaryKey(int)\n    b = PrimaryKey(int)\n'),
    ('unique_float', TypeError, 'Unique attribute Person.a cannot be of type float',
     'class Person(db.Entity):\n    a = Required(float, unique=True)\n'),
    ('set_unique', TypeError, "'unique' option cannot be set for attribute Person.cars because it is collection",
     "class Person(db.Entity):\n    cars = Set('Car', unique=True)\nclass Car(db.Entity):\n    owner = Optional(Person)\n"),
    ('set_py_check', NotImplementedError, "'py_check' parameter is not supported for collection attributes",
     "class Person(db.Entity):\n    cars = Set('Car', py_check=lambda x: True)\nclass Car(db.Entity):\n    owner = Optional(Person)\n"),
    ('set_auto', TypeError, "'auto' option could not be set for collection attribute",
     "class Person(db.Entity):\n    cars = Set('Car', auto=True)\nclass Car(db.Entity):\n    owner = Optional(Person)\n"),
    ('column_and_columns', TypeError, "Parameters 'column' and 'columns' cannot be specified simultaneously",
     "class Person(db.Entity):\n    name = Required(str, column='a', columns=['b'])\n"),
    ('sql_default_empty', TypeError, '\'sql_default\' option value cannot be empty string, because it should be valid SQL literal or expression. Try to use "\'\'", or just specify default=\'\' instead.',
     "class Person(db.Entity):\n    name = Required(str, sql_default='')\n"),
    ('py_check_not_callable', TypeError, "'py_check' parameter of Person.name attribute should be callable",
     'class Person(db.Entity):\n    name = Required(str, py_check=1)\n'),
    ('reverse_non_relation', TypeError, "Reverse option cannot be set for this type: <class 'str'>",
     "class Person(db.Entity):\n    name = Required(str, reverse='x')\n"),
    ('cascade_non_relation', TypeError, "'cascade_delete' option cannot be set for attribute Person.name, because it is not relationship attribute",
     'class Person(db.Entity):\n    name = Required(str, cascade_delete=True)\n'),
    ('nullable_false_subclass', ERDiagramError, 'Attribute B.y must be nullable due to single-table inheritance',
     'class A(db.Entity):\n    x = Required(int)\nclass B(A):\n    y = Optional(int, nullable=False)\n'),
    ('discriminator_in_subclass', ERDiagramError, 'Discriminator attribute ?.? cannot be declared in subclass',
     'class A(db.Entity):\n    x = Required(int)\nclass B(A):\n    t = Discriminator(str)\n'),
    ('classtype_taken', ERDiagramError, "Cannot create discriminator column for A automatically because name 'classtype' is already in use",
     'class A(db.Entity):\n    classtype = Required(str)\nclass B(A):\n    y = Optional(int)\n'),
    ('pk_redefined', ERDiagramError, 'Primary key cannot be redefined in derived classes',
     'class A(db.Entity):\n    x = Required(int)\nclass B(A):\n    k = PrimaryKey(int)\n'),
    ('sibling_clash', ERDiagramError, 'Attribute C.y conflicts with attribute B.y because both entities inherit from A. To fix this, move attribute definition to base class',
     'class A(db.Entity):\n    x = Required(int)\nclass B(A):\n    y = Optional(int)\nclass C(A):\n    y = Optional(int)\n'),
    ('non_diamond', ERDiagramError, "Multiple inheritance graph must be diamond-like. Entity C inherits from A and B entities which don't have common base class.",
     'class A(db.Entity):\n    x = Required(int)\nclass B(db.Entity):\n    y = Required(int)\nclass C(A, B):\n    z = Optional(int)\n'),
    ('hides_base', ERDiagramError, "Name 'x' hides base attribute A.x",
     'class A(db.Entity):\n    x = Required(int)\nclass B(A):\n    x = Optional(int)\n'),
    ('int_discriminator_no_value', TypeError, "Discriminator value for entity A with custom discriminator column 't' of 'int' type is not set",
     'class A(db.Entity):\n    t = Discriminator(int)\nclass B(A):\n    y = Optional(int)\n'),
    ('composite_key_one', TypeError, 'composite_key() must receive at least two attributes as arguments',
     'class A(db.Entity):\n    x = Required(int)\n    composite_key(x)\n'),
    ('composite_index_one', TypeError, 'composite_index() must receive at least two attributes as arguments',
     'class A(db.Entity):\n    x = Required(int)\n    composite_index(x)\n'),
    ('composite_key_float', TypeError, 'Attribute A.y of type float cannot be part of unique index',
     'class A(db.Entity):\n    x = Required(int)\n    y = Required(float)\n    composite_key(x, y)\n'),
    ('composite_key_set', TypeError, 'Set attribute A.bs cannot be part of unique index',
     "class A(db.Entity):\n    x = Required(int)\n    bs = Set('B')\n    composite_key(x, bs)\nclass B(db.Entity):\n    a = Required(A)\n"),
    ('not_bound', MappingError, 'Database object is not bound with a provider yet',
     'class A(db.Entity):\n    x = Required(int)\ndb.generate_mapping()\n'),
    ('before_mapping_use', ERDiagramError, "Mapping is not generated for entity 'A'",
     'class A(db.Entity):\n    x = Required(int)\nA.select()\n'),
    ('before_mapping_get', ERDiagramError, "Mapping is not generated for entity 'A'",
     'class A(db.Entity):\n    x = Required(int)\nA[1]\n'),
    ('interleave_set', TypeError, '`interleave` option cannot be specified for Set attribute Person.cars',
     "class Person(db.Entity):\n    cars = Set('Car', interleave=True)\nclass Car(db.Entity):\n    owner = Optional(Person)\n"),
    ('duplicate_attr_use', ERDiagramError, 'Duplicate use of attribute A.x in entity A',
     'a = Required(int)\nclass A(db.Entity):\n    x = a\n    y = a\n'),
    ('reverse_index_nonsym_decl', TypeError, "'reverse_index' option can be set for symmetric relations only",
     "class Person(db.Entity):\n    cars = Set('Car', reverse_index='x')\nclass Car(db.Entity):\n    owners = Set(Person)\n"),
    ('default_set', TypeError, 'Default value could not be set for collection attribute',
     "class Person(db.Entity):\n    cars = Set('Car', default=1)\nclass Car(db.Entity):\n    owner = Optional(Person)\n"),
    ('column_nonstr', TypeError, "Parameter 'column' must be a string. Got: 5",
     'class A(db.Entity):\n    x = Required(int, column=5)\n'),
    ('columns_nonlist', TypeError, "Parameter 'columns' must be a list. Got: 'abc''",
     "class A(db.Entity):\n    x = Required(int, columns='abc')\n"),
    ('revidx_named', TypeError, "'reverse_index' option can be set for symmetric relations only",
     "class Person(db.Entity):\n    cars = Set('Car', reverse='owners', reverse_index='x')\nclass Car(db.Entity):\n    owners = Set(Person)\n"),
    ('composite_pk_with_pk_inside', ERDiagramError, 'Only one primary key can be defined in each entity class',
     'class A(db.Entity):\n    x = PrimaryKey(int)\n    y = Required(int)\n    PrimaryKey(x, y)\n'),
    ('composite_pk_set', TypeError, 'Set attribute A.bs cannot be part of primary key',
     "class A(db.Entity):\n    x = Required(int)\n    bs = Set('B')\n    PrimaryKey(x, bs)\nclass B(db.Entity):\n    a = Required(A)\n"),
]

# Raised by db.generate_mapping().
MAPPING_ERRORS = [
    ('unknown_forward', ERDiagramError, 'Entity definition Car was not found',
     "class Person(db.Entity):\n    car = Optional('Car')\n"),
    ('unknown_option', TypeError, "Attribute Person.name has unknown option 'foo'",
     'class Person(db.Entity):\n    name = Required(str, foo=1)\n'),
    ('unexpected_positional', TypeError, 'Unexpected positional argument for attribute Person.age: 5',
     'class Person(db.Entity):\n    age = Required(int, 5)\n'),
    ('cascade_m2m', TypeError, "'cascade_delete' option cannot be set for attribute Person.cars, because reverse attribute Car.owners is collection",
     "class Person(db.Entity):\n    cars = Set('Car', cascade_delete=True)\nclass Car(db.Entity):\n    owners = Set(Person)\n"),
    ('table_on_one_to_many', MappingError, "Parameter 'table' is not allowed for many-to-one attribute Person.cars",
     "class Person(db.Entity):\n    cars = Set('Car', table='x')\nclass Car(db.Entity):\n    owner = Optional(Person)\n"),
    ('table_mismatch', MappingError, "Parameter 'table' for Car.owners and Person.cars do not match",
     "class Person(db.Entity):\n    cars = Set('Car', table='x')\nclass Car(db.Entity):\n    owners = Set(Person, table='y')\n"),
    ('reverse_column_nonsym', TypeError, "'reverse_column' and 'reverse_columns' options can be set for symmetric relations only",
     "class Person(db.Entity):\n    cars = Set('Car', reverse_column='x')\nclass Car(db.Entity):\n    owners = Set(Person)\n"),
    ('two_required_one_to_one', ERDiagramError, 'At least one attribute of one-to-one relationship Person.car - Car.owner must be optional',
     "class Person(db.Entity):\n    car = Required('Car')\nclass Car(db.Entity):\n    owner = Required(Person)\n"),
    ('ambiguous_reverse', ERDiagramError, 'Reverse attribute for Person.cars2 not found',
     "class Person(db.Entity):\n    cars = Set('Car')\n    cars2 = Set('Car')\nclass Car(db.Entity):\n    owner = Optional(Person)\n"),
    ('missing_reverse', ERDiagramError, 'Reverse attribute for Person.cars not found',
     "class Person(db.Entity):\n    cars = Set('Car')\nclass Car(db.Entity):\n    name = Required(str)\n"),
    ('reverse_name_not_found', ERDiagramError, 'Reverse attribute Car.nope not found',
     "class Person(db.Entity):\n    cars = Set('Car', reverse='nope')\nclass Car(db.Entity):\n    owner = Optional(Person)\n"),
    ('inconsistent_reverse', ERDiagramError, 'Inconsistent reverse attributes Person.cars2 and Car.owner',
     "class Person(db.Entity):\n    cars = Set('Car', reverse='owner')\n    cars2 = Set('Car', reverse='owner')\nclass Car(db.Entity):\n    owner = Optional(Person)\n"),
    ('str_max_len_twice', TypeError, 'Max length option specified twice: as a positional argument and as a `max_len` named argument',
     'class Person(db.Entity):\n    name = Required(str, 10, max_len=20)\n'),
    ('longstr_max_len', TypeError, 'Max length is not supported for CLOBs',
     'class Person(db.Entity):\n    name = Required(LongStr, max_len=20)\n'),
    ('int_bad_size', TypeError, "incorrect value of 'size' option for attribute Person.n. Should be 8, 16, 24, 32 or 64. Got: 12",
     'class Person(db.Entity):\n    n = Required(int, size=12)\n'),
    ('decimal_scale_gt_precision', ValueError, "'scale' must be less or equal 'precision'",
     'from decimal import Decimal\nclass Person(db.Entity):\n    n = Required(Decimal, 5, 7)\n'),
    ('datetime_bad_precision', ValueError, 'Precision value of attribute Person.n must be between 0 and 6. Got: 7',
     'from datetime import datetime\nclass Person(db.Entity):\n    n = Required(datetime, precision=7)\n'),
    ('sql_type_composite', NotImplementedError, 'sql_type cannot be specified for composite attribute B.a',
     "class A(db.Entity):\n    x = Required(int)\n    y = Required(int)\n    PrimaryKey(x, y)\n    bs = Set('B')\nclass B(db.Entity):\n    a = Required(A, sql_type='INTEGER')\n"),
    ('optional_unique_str_notnull', TypeError, 'Optional unique attribute A.x must be nullable',
     'class A(db.Entity):\n    x = Optional(str, unique=True, nullable=False)\n'),
    ('reverse_index_nonsym', TypeError, "'reverse_index' option can be set for symmetric relations only",
     "class Person(db.Entity):\n    cars = Set('Car', reverse_index='x')\nclass Car(db.Entity):\n    owners = Set(Person)\n"),
    ('bad_table', TypeError, 'A._table_ property must be a string. Got: 5',
     'class A(db.Entity):\n    _table_ = 5\n    x = Required(int)\n'),
    ('lambda_bad', TypeError, 'Invalid type of attribute Person.car: expected entity class, got 5',
     'class Person(db.Entity):\n    car = Optional(lambda: 5)\n'),
    ('size_on_str', TypeError, "Attribute A.x has unknown option 'size'",
     'class A(db.Entity):\n    x = Required(str, size=8)\n'),
    ('max_len_on_int', TypeError, "Attribute A.x has unknown option 'max_len'",
     'class A(db.Entity):\n    x = Required(int, max_len=8)\n'),
    ('precision_float', TypeError, "Attribute A.x has unknown option 'precision'",
     'class A(db.Entity):\n    x = Required(float, precision=3)\n'),
    ('unknown_option_set', TypeError, "Attribute Person.cars has unknown option 'foo'",
     "class Person(db.Entity):\n    cars = Set('Car', foo=1)\nclass Car(db.Entity):\n    owner = Optional(Person)\n"),
    ('default_wrong_type', ValueError, "Value type for attribute Person.n must be int. Got string 'abc'",
     "class Person(db.Entity):\n    n = Required(int, default='abc')\n"),
    ('composite_key_unknown_name', AttributeError, 'Entity A does not have attribute zz',
     "class A(db.Entity):\n    x = Required(int)\n    composite_key('x', 'zz')\n"),
    ('optional_required_sym', ERDiagramError, 'At least one attribute of one-to-one relationship P.spouse - P.spouse must be optional',
     "class P(db.Entity):\n    spouse = Required('P', reverse='spouse')\n"),
    ('table_on_subclass_map', NotImplementedError, "Cannot specify table name for entity 'B' which is subclass of 'A'",
     "class A(db.Entity):\n    x = Required(int)\nclass B(A):\n    _table_ = 'bb'\n"),
    ('table_on_subclass_same', NotImplementedError, "Cannot specify table name for entity 'B' which is subclass of 'A'",
     "class A(db.Entity):\n    _table_ = 'aa'\n    x = Required(int)\nclass B(A):\n    _table_ = 'aa'\n"),
    ('table_options_subclass_map', TypeError, 'Cannot redefine A options in B entity',
     "class A(db.Entity):\n    x = Required(int)\nclass B(A):\n    _table_options_ = {'a': 'b'}\n"),
    ('interleave_set_map', TypeError, '`interleave` option cannot be specified for Set attribute Person.cars',
     "class Person(db.Entity):\n    cars = Set('Car', interleave=True)\nclass Car(db.Entity):\n    owner = Optional(Person)\n"),
    ('interleave_nonrel', TypeError, 'Interleave attribute should be part of relationship. Got: Person.x',
     'class Person(db.Entity):\n    x = Required(int, interleave=True)\n'),
    ('str_max_len_str', TypeError, "Max length argument must be int. Got: 'x'",
     "class Person(db.Entity):\n    name = Required(str, max_len='x')\n"),
    ('nullable_false_optional_int', TypeError, 'Optional attribute with non-string type Person.n must be nullable',
     'class Person(db.Entity):\n    n = Optional(int, nullable=False)\n'),
    ('reverse_wrong_type_attr', ERDiagramError, 'Inconsistent reverse attributes Person.cars and Car.name',
     "class Person(db.Entity):\n    cars = Set('Car', reverse='name')\nclass Car(db.Entity):\n    owner = Optional(Person)\n    name = Required(str)\n"),
    ('columns_wrong_count', MappingError, 'Invalid number of columns specified for B.a',
     "class A(db.Entity):\n    x = Required(int)\n    y = Required(int)\n    PrimaryKey(x, y)\n    bs = Set('B')\nclass B(db.Entity):\n    a = Required(A, columns=['q'])\n"),
    ('columns_on_simple', MappingError, 'Too many columns were specified for A.x',
     "class A(db.Entity):\n    x = Required(int, columns=['a', 'b'])\n"),
    ('same_column', DBSchemaError, "Column 'y' already exists in table 'A'",
     "class A(db.Entity):\n    x = Required(int, column='y')\n    y = Required(int)\n"),
    ('decimal_precision_bad', TypeError, "'precision' positional argument for attribute A.x must be positive. Got: 0",
     'from decimal import Decimal\nclass A(db.Entity):\n    x = Required(Decimal, precision=0)\n'),
    ('decimal_scale_neg', TypeError, "'scale' positional argument for attribute A.x must be positive. Got: -1",
     'from decimal import Decimal\nclass A(db.Entity):\n    x = Required(Decimal, 5, -1)\n'),
    ('datetime_pos_precision_and_kw', TypeError, 'Precision for attribute A.x has both positional and keyword value',
     'from datetime import datetime\nclass A(db.Entity):\n    x = Required(datetime, 3, precision=3)\n'),
    ('int_min_nonint', TypeError, "'min' argument for attribute A.x must be int. Got: 'a'",
     "class A(db.Entity):\n    x = Required(int, min='a')\n"),
    ('ambig1', ERDiagramError, "Ambiguous reverse attribute for Person.cars. Use the 'reverse' parameter for pointing to right attribute",
     "class Person(db.Entity):\n    cars = Set('Car')\nclass Car(db.Entity):\n    owner = Optional(Person)\n    driver = Optional(Person)\n"),
    ('ambig2', ERDiagramError, 'Reverse attribute for Car.driver not found',
     "class Car(db.Entity):\n    owner = Optional('Person')\n    driver = Optional('Person')\nclass Person(db.Entity):\n    cars = Set('Car')\n"),
    ('ambig3', ERDiagramError, "Ambiguous reverse attribute for Person.cars. Use the 'reverse' parameter for pointing to right attribute",
     "class Person(db.Entity):\n    cars = Set('Car')\n    cars2 = Set('Car')\nclass Car(db.Entity):\n    owner = Optional(Person)\n    driver = Optional(Person)\n"),
    ('set_fk_name_map', TypeError, 'You should specify fk_name in Car.owner instead of Person.cars',
     "class Person(db.Entity):\n    cars = Set('Car', fk_name='x')\nclass Car(db.Entity):\n    owner = Optional(Person)\n"),
    ('rel_nullable_false', TypeError, 'Optional attribute with non-string type A.b must be nullable',
     "class A(db.Entity):\n    b = Optional('B', nullable=False)\nclass B(db.Entity):\n    as_ = Set(A)\n"),
    ('set_reverse_attr_obj', ERDiagramError, 'Inconsistent reverse attributes Car.owner and Person.name',
     'class Person(db.Entity):\n    name = Required(str)\nclass Car(db.Entity):\n    owner = Optional(Person, reverse=Person.name)\n'),
    ('seq_name', TypeError, "Attribute A.x has unknown option 'sequence_name'",
     "class A(db.Entity):\n    x = PrimaryKey(int, auto=True, sequence_name='s')\n"),
    ('unsupported_type', TypeError, "No database converter found for type <class 'list'>",
     'class A(db.Entity):\n    x = Required(list)\n'),
    ('unsupported_type2', TypeError, "No database converter found for type <class 'complex'>",
     'class A(db.Entity):\n    x = Required(complex)\n'),
    ('bad_type_obj', TypeError, 'Incorrect type of attribute: 5',
     'class A(db.Entity):\n    x = Required(5)\n'),
]

# Declarations Pony accepts: they map without errors.
ACCEPTED = [
    ('diamond_ok', 'class A(db.Entity):\n    x = Required(int)\nclass B(A):\n    y = Optional(int)\nclass C(A):\n    z = Optional(int)\nclass D(B, C):\n    w = Optional(int)\n'),
    ('fk_name_on_set_m', "class Person(db.Entity):\n    cars = Set('Car')\nclass Car(db.Entity):\n    owner = Optional(Person, fk_name='fk_x')\n"),
    ('lambda_forward', 'class Person(db.Entity):\n    cars = Set(lambda: Car)\nclass Car(db.Entity):\n    owner = Optional(lambda: Person)\n'),
    ('nullable_required', 'class Person(db.Entity):\n    name = Required(str, nullable=True)\n'),
    ('auto_on_str', 'class Person(db.Entity):\n    n = Required(str, auto=True)\n'),
    ('composite_key_str_names', "class A(db.Entity):\n    x = Required(int)\n    y = Required(int)\n    composite_key('x', 'y')\n"),
    ('composite_index_discriminator', 'class A(db.Entity):\n    x = Required(int)\n    t = Discriminator(str)\n    composite_index(x, t)\nclass B(A):\n    pass\n'),
    ('entity_no_attrs', 'class A(db.Entity):\n    pass\n'),
    ('self_ambiguous', "class P(db.Entity):\n    a = Optional('P')\n    b = Optional('P')\n"),
    ('self_m2m_sym', "class P(db.Entity):\n    friends = Set('P', reverse='friends')\n"),
    ('self_m2m_nonsym', "class P(db.Entity):\n    a = Set('P', reverse='b')\n    b = Set('P', reverse='a')\n"),
    ('auto_on_int_nonpk', 'class Person(db.Entity):\n    n = Required(int, auto=True)\n'),
    ('volatile_set', "class Person(db.Entity):\n    cars = Set('Car', volatile=True)\nclass Car(db.Entity):\n    owner = Optional(Person)\n"),
    ('lazy_set', "class Person(db.Entity):\n    cars = Set('Car', lazy=True)\nclass Car(db.Entity):\n    owner = Optional(Person)\n"),
    ('sql_default_set', "class Person(db.Entity):\n    cars = Set('Car', sql_default='1')\nclass Car(db.Entity):\n    owner = Optional(Person)\n"),
    ('sql_type_set', "class Person(db.Entity):\n    cars = Set('Car', sql_type='x')\nclass Car(db.Entity):\n    owner = Optional(Person)\n"),
    ('index_set', "class Person(db.Entity):\n    cars = Set('Car', index=True)\nclass Car(db.Entity):\n    owner = Optional(Person)\n"),
    ('nonstr_discriminator_ok', 'class A(db.Entity):\n    t = Discriminator(int)\n    _discriminator_ = 1\nclass B(A):\n    _discriminator_ = 2\n'),
    ('optional_pk_part_auto', 'class A(db.Entity):\n    a = PrimaryKey(int, auto=True)\n    b = Required(int)\n'),
    ('pk_bool_sizes', 'class A(db.Entity):\n    x = PrimaryKey(int, size=8)\n'),
    ('float_tolerance_neg', 'class A(db.Entity):\n    x = Required(float, tolerance=-1)\n'),
    ('int_min_gt_max', 'class A(db.Entity):\n    x = Required(int, min=10, max=5)\n'),
    ('nullable_true_pk', 'class A(db.Entity):\n    x = PrimaryKey(int, nullable=True)\n'),
    ('optional_discriminator', "class A(db.Entity):\n    x = Optional(int)\n    composite_key(x, 'x')\n"),
    ('revidx_sym', "class P(db.Entity):\n    friends = Set('P', reverse='friends', reverse_index='x')\n"),
    ('revfk_nonsym', "class Person(db.Entity):\n    cars = Set('Car', reverse_fk_name='x')\nclass Car(db.Entity):\n    owners = Set(Person)\n"),
    ('json_nullable_false', 'class A(db.Entity):\n    x = Optional(Json, nullable=False)\n'),
    ('str_nullable_false', 'class A(db.Entity):\n    x = Optional(str, nullable=False)\n'),
    ('pk_part_optional_with_composite_key', 'class A(db.Entity):\n    a = Required(int)\n    b = Optional(int)\n    composite_key(a, b)\n'),
    ('discriminator_required_none', 'class A(db.Entity):\n    t = Discriminator(str)\n    x = Required(int)\n'),
    ('unsigned_int_pk', 'class A(db.Entity):\n    x = PrimaryKey(int, auto=True, unsigned=True)\n'),
    ('req_optional_oneone', "class Person(db.Entity):\n    car = Optional('Car')\nclass Car(db.Entity):\n    owner = Required(Person)\n"),
    ('composite_pk_relation', "class A(db.Entity):\n    x = Required(int)\n    bs = Set('B')\nclass B(db.Entity):\n    a = Required(A)\n    n = Required(int)\n    PrimaryKey(a, n)\n"),
    ('volatile_pk_ok_set', 'class A(db.Entity):\n    x = Required(int, volatile=True)\n'),
    ('hidden', 'class A(db.Entity):\n    x = Required(int, hidden=True)\n'),
    ('nplus1', "class Person(db.Entity):\n    cars = Set('Car', nplus1_threshold=3)\nclass Car(db.Entity):\n    owner = Optional(Person)\n"),
    ('optimistic_false', 'class A(db.Entity):\n    x = Required(int, optimistic=False)\n'),
    ('db_encoding', "class A(db.Entity):\n    x = Required(str, db_encoding='utf8')\n"),
    ('autostrip', 'class A(db.Entity):\n    x = Required(str, autostrip=False)\n'),
    ('sql_default_true', 'class A(db.Entity):\n    x = Required(str, sql_default=True)\n'),
    ('longunicode', 'class A(db.Entity):\n    x = Required(LongUnicode)\n'),
    ('buffer_type', 'class A(db.Entity):\n    x = Required(buffer)\n'),
    ('unicode_type', 'class A(db.Entity):\n    x = Required(unicode)\n'),
]


def declare(db: Database, code: str) -> dict:
    namespace: dict = {"db": db}
    exec("from pony.orm import *", namespace)
    exec(code, namespace)
    return namespace


def _id(case: tuple) -> str:
    return case[0]


@pytest.mark.parametrize("case", DECLARATION_ERRORS, ids=_id)
def test_declaration_errors(case: tuple) -> None:
    _, exc_class, message, code = case
    with pytest.raises(exc_class) as info:
        declare(Database(), code)
    assert str(info.value) == message


# Mapping errors are raised before any statement is sent: checked once, on SQLite in memory. The
# cases whose message names a table as the backend stores it run on every backend as well.
TABLE_NAMING_MAPPING_ERRORS = [case for case in MAPPING_ERRORS if "in table 'A'" in case[2]]


def check_mapping_error(case: tuple, bind, create_tables: bool = True) -> None:
    _, exc_class, message, code = case
    db = Database()
    with pytest.raises(exc_class) as info:
        declare(db, code)
        bind(db)
        db.generate_mapping(create_tables=create_tables, check_tables=create_tables)
    if "in table 'A'" in message:  # table names are lower-cased on PostgreSQL and MySQL
        message = message.replace("'A'", repr(db.provider.normalize_name("A")))
    assert str(info.value) == message


@pytest.mark.parametrize("case", MAPPING_ERRORS, ids=_id)
def test_mapping_errors(case: tuple) -> None:
    check_mapping_error(case, lambda db: db.bind("sqlite", ":memory:"))


@pytest.mark.parametrize("case", TABLE_NAMING_MAPPING_ERRORS, ids=_id)
@pytest.mark.parametrize("dialect", ["sqlite", "postgres", "mysql"])
def test_mapping_errors_name_the_table_as_the_dialect_stores_it(case: tuple, dialect: str) -> None:
    def offline(db: Database) -> None:  # the provider's naming rules, no server
        db.provider = importlib.import_module(f"pony.orm.dbproviders.{dialect}").provider_cls.offline()
        db.provider_name = dialect

    check_mapping_error(case, offline, create_tables=False)


@pytest.mark.parametrize("case", ACCEPTED, ids=_id)
def test_accepted_declarations_map(case: tuple) -> None:
    db = Database()
    declare(db, case[1])
    db.bind("sqlite", ":memory:")
    db.generate_mapping(create_tables=True)
    assert db.entities


def test_unsigned_bigint_needs_provider_support(backend) -> None:
    db = Database()
    declare(db, "class Person(db.Entity):\n    n = Required(int, size=64, unsigned=True)\n")
    backend.bind(db)
    if backend.has("unsigned_bigint"):
        db.generate_mapping(create_tables=True)
        with db_session:
            db.Person(n=2**64 - 1)
        with db_session:
            assert db.Person.select().first().n == 2**64 - 1
    else:
        with pytest.raises(TypeError) as info:
            db.generate_mapping(create_tables=True)
        assert str(info.value) == (f"Attribute Person.n: {db.provider.dialect} provider does not support "
                                   "unsigned bigint type")


# --- generate_mapping and its preconditions --------------------------------------------------


def test_generate_mapping_needs_a_bound_database() -> None:
    db = Database()
    declare(db, "class A(db.Entity):\n    x = Required(int)\n")
    with pytest.raises(MappingError) as info:
        db.generate_mapping()
    assert str(info.value) == "Database object is not bound with a provider yet"


def test_generate_mapping_twice_and_filename(backend) -> None:
    db = Database()
    declare(db, "class A(db.Entity):\n    x = Required(int)\n")
    backend.bind(db)
    with pytest.raises(NotImplementedError):
        db.generate_mapping("schema.sql")
    db.generate_mapping(create_tables=True)
    with pytest.raises(BindingError) as info:
        db.generate_mapping()
    assert str(info.value) == "Mapping was already generated"


def test_entity_use_before_mapping_and_definition_after_it(backend) -> None:
    db = Database()
    ns = declare(db, "class A(db.Entity):\n    x = Required(int)\n")
    A = ns["A"]
    with pytest.raises(ERDiagramError) as info:
        A.select()
    assert str(info.value) == "Mapping is not generated for entity 'A'"
    with pytest.raises(ERDiagramError):
        A[1]
    backend.bind(db)
    db.generate_mapping(create_tables=True)
    with pytest.raises(ERDiagramError) as info:
        declare(db, "class B(db.Entity):\n    y = Required(int)\n")
    assert str(info.value) == "Cannot define entity 'B': database mapping has already been generated"


def test_check_tables_fails_for_missing_tables(backend) -> None:
    db = Database()
    declare(db, "class A(db.Entity):\n    x = Required(int)\n")
    backend.bind(db)
    with pytest.raises(DatabaseError):
        db.generate_mapping()  # check_tables=True by default


def test_entities_registry_and_attributes_of_db() -> None:
    db = Database()
    ns = declare(db, "class Person(db.Entity):\n    name = Required(str)\n")
    assert db.entities == {"Person": ns["Person"]}
    assert db.Person is ns["Person"]
    assert issubclass(db.Person, db.Entity) and issubclass(db.Person, core.Entity)


# --- SPEC 2.1: basics -------------------------------------------------------------------------


def test_implicit_primary_key_and_mixins(backend) -> None:
    class Greeter:
        def greet(self) -> str:
            return "hi " + self.name

    def define(db: Database) -> None:
        class Person(db.Entity, Greeter):
            name = Required(str)

            def shout(self) -> str:
                return self.name.upper()

    db = backend.make_db(define)
    Person = db.Person
    assert Person._pk_ is Person.id
    assert Person.id.auto and Person.id.py_type is int
    assert [a.name for a in Person._attrs_] == ["id", "name"]
    with db_session:
        p = Person(name="ann")
        assert p.id is None
        flush()
        assert p.id == 1 and p.greet() == "hi ann" and p.shout() == "ANN"
    with db_session:
        assert Person[1].name == "ann"


def test_forward_references_by_name_and_lambda(backend) -> None:
    def define(db: Database) -> None:
        class Person(db.Entity):
            cars = Set("Car")
            house = Optional(lambda: House)

        class Car(db.Entity):
            owner = Required(lambda: db.Person)

        class House(db.Entity):
            owner = Optional(Person)

    db = backend.make_db(define)
    assert db.Person.cars.py_type is db.Car
    assert db.Person.house.py_type is db.House
    assert db.Car.owner.reverse is db.Person.cars
    with db_session:
        p = db.Person()
        db.Car(owner=p)
        db.House(owner=p)
    with db_session:
        p = db.Person[1]
        assert [c.id for c in p.cars] == [1] and p.house.id == 1


def test_iterating_an_entity_class_is_an_error() -> None:
    db = Database()
    ns = declare(db, "class Person(db.Entity):\n    name = Required(str)\n")
    with pytest.raises(TypeError) as info:
        for _ in ns["Person"]:
            pass
    assert str(info.value) == "Use select(...) function or Person.select(...) method for iteration"


# --- SPEC 2.2: attribute kinds ---------------------------------------------------------------


def define_kinds(db: Database) -> None:
    class Person(db.Entity):
        name = Required(str)
        nick = Optional(str)
        age = Optional(int)
        info = Optional(Json)
        email = Optional(str, unique=True)

    class Pair(db.Entity):
        a = Required(int)
        b = Required(str)
        PrimaryKey(a, b)
        note = Optional(str)


def test_required_and_optional_values(backend) -> None:
    db = backend.make_db(define_kinds)
    Person = db.Person
    with db_session:
        for value in (None, "", "   "):
            with pytest.raises(ValueError) as info:
                Person(name=value)
            assert str(info.value) == "Attribute Person.name is required"
        with pytest.raises(ValueError) as info:
            Person(name="x", nick=None)
        assert str(info.value) == "Attribute Person.nick cannot be set to None"
        p = Person(name="  ann ")
        assert p.name == "ann" and p.nick == "" and p.age is None and p.info == {} and p.email is None
    with db_session:
        p = Person[1]
        assert (p.name, p.nick, p.age, p.info, p.email) == ("ann", "", None, {}, None)


def test_optional_string_columns_are_not_null_unless_unique(backend) -> None:
    db = backend.make_db(define_kinds)
    table = db.schema.tables[db.Person._table_]
    assert table.column_dict["nick"].is_not_null
    assert not table.column_dict["email"].is_not_null
    assert not table.column_dict["age"].is_not_null
    assert table.column_dict["info"].is_not_null


def test_constructor_errors(backend) -> None:
    db = backend.make_db(define_kinds)
    with db_session:
        with pytest.raises(TypeError) as info:
            db.Person("ann")
        assert str(info.value) == "Person constructor accept only keyword arguments. Got: 1 positional argument"
        with pytest.raises(TypeError) as info:
            db.Person(name="ann", surname="x")
        assert str(info.value) == "Unknown attribute 'surname'"


def test_primary_key_cannot_change(backend) -> None:
    db = backend.make_db(define_kinds)
    with db_session:
        p = db.Pair(a=1, b="x")
        with pytest.raises(TypeError) as info:
            p.a = 2
        assert str(info.value) == "Cannot change value of primary key"
        with pytest.raises(TypeError):
            p.set(b="y")
    with db_session:
        assert db.Pair[1, "x"].get_pk() == (1, "x")
        assert db.Pair._pk_attrs_ == (db.Pair.a, db.Pair.b)


def test_composite_key_and_index_declarations(backend) -> None:
    def define(db: Database) -> None:
        class Item(db.Entity):
            a = Required(int)
            b = Required(int)
            c = Optional(int)
            composite_key(a, "b")
            composite_index(b, c)

    db = backend.make_db(define)
    Item = db.Item
    assert (Item.a, Item.b) in Item._keys_
    with db_session:
        Item(a=1, b=1)
        with pytest.raises(CacheIndexError):
            Item(a=1, b=1)
    script = db.schema.generate_create_script()
    assert "unq_item__a_b" in script.lower() and "idx_item__b_c" in script.lower()


# --- SPEC 2.3: common options ----------------------------------------------------------------


def test_default_py_check_and_autostrip(backend) -> None:
    counter = iter(range(100, 200))

    def define(db: Database) -> None:
        class Item(db.Entity):
            code = Required(int, default=lambda: next(counter))
            label = Optional(str, default="none")
            size = Required(int, py_check=lambda v: v > 0)
            raw = Optional(str, autostrip=False)
            short = Optional(str, 3)

    db = backend.make_db(define)
    Item = db.Item
    with db_session:
        with pytest.raises(ValueError) as info:
            Item(size=-1)
        assert str(info.value) == "Check for attribute Item.size failed. Value: -1"
        with pytest.raises(ValueError) as info:
            Item(size=1, short="abcd")
        assert str(info.value) == "Value for attribute Item.short is too long. Max length is 3, value length is 4"
        with pytest.raises(TypeError) as info:
            Item(size=1, label=5)
        assert str(info.value) == "Value type for attribute Item.label must be str. Got: <class 'int'>"
        item = Item(size=2, raw=" x ")
        assert item.code >= 100 and item.label == "none" and item.raw == " x "
    with db_session:
        item = Item.select().first()
        assert item.raw == " x " and item.label == "none"


def test_sql_default_and_column_names(backend) -> None:
    def define(db: Database) -> None:
        class Item(db.Entity):
            name = Required(str, column="item_name")
            stamp = Required(int, sql_default="7")
            level = Optional(int, sql_default="3")

    db = backend.make_db(define)
    assert db.Item.name.columns == ["item_name"]
    with db_session:
        db.Item(name="a")
    with db_session:
        assert db.select("select stamp from " + db.Item._table_) == [7]
        item = db.Item.select().first()
        assert item.name == "a" and item.stamp == 7 and item.level == 3


def test_lazy_and_volatile_options(backend) -> None:
    def define(db: Database) -> None:
        class Doc(db.Entity):
            title = Required(str)
            body = Optional(LongStr)
            summary = Optional(str, lazy=True)
            counter = Optional(int, volatile=True)

    db = backend.make_db(define)
    Doc = db.Doc
    assert Doc.body.lazy and Doc.summary.lazy and not Doc.title.lazy
    with db_session:
        Doc(title="t", body="b" * 1000, summary="s", counter=1)
    with db_session:
        doc = Doc[1]
        assert Doc.body not in (materialize(doc) or doc._vals_) and Doc.summary not in doc._vals_
        assert doc.body == "b" * 1000 and doc.summary == "s"
    with db_session:
        db.execute(f"update {db.Doc._table_} set counter = 5")
        assert Doc[1].counter == 5


def test_index_option_names(backend) -> None:
    def define(db: Database) -> None:
        class Item(db.Entity):
            a = Required(int, index=True)
            b = Required(int, index="my_b_index")
            c = Required(int, unique=True)
            group = Optional("Group", index=False)

        class Group(db.Entity):
            items = Set(Item)
            owner = Required("Owner")

        class Owner(db.Entity):
            groups = Set(Group)

    db = backend.make_db(define)
    indexes = {idx.name for idx in db.schema.tables[db.Item._table_].indexes.values()}
    normalized = {name.lower() for name in indexes}
    assert {"idx_item__a", "my_b_index", "unq_item__c"} <= normalized
    assert "idx_item__group" not in normalized
    group_indexes = {idx.name.lower() for idx in db.schema.tables[db.Group._table_].indexes.values()}
    assert "idx_group__owner" in group_indexes


def test_attribute_introspection() -> None:
    db = Database()
    ns = declare(db, "class Person(db.Entity):\n    name = Required(str, unique=True)\n"
                     "    cars = Set('Car')\nclass Car(db.Entity):\n    owner = Optional(Person)\n")
    Person = ns["Person"]
    assert repr(Person.name) == "Person.name"
    assert Person.name.is_required and Person.name.is_unique and not Person.name.is_collection
    assert Person.cars.is_collection
    assert Person.name.describe() == "name = Required(str, unique=True)"
    assert isinstance(Person.name, core.Attribute)


# --- SPEC 2.5: entity options ----------------------------------------------------------------


def test_table_and_table_options(backend) -> None:
    def define(db: Database) -> None:
        class Person(db.Entity):
            _table_ = "people_table"
            name = Required(str)

    db = backend.make_db(define)
    assert db.Person._table_ == "people_table"
    with db_session:
        db.Person(name="x")
    with db_session:
        assert db.select("select name from people_table") == ["x"]


def test_table_options_are_appended_to_create_table() -> None:
    db = Database()
    declare(db, "class Person(db.Entity):\n    _table_options_ = {'ENGINE': 'InnoDB', 'COMMENT': \"'people'\"}\n"
                "    name = Required(str)\n")
    db.bind("sqlite", ":memory:")
    db.generate_mapping(create_tables=False, check_tables=False)
    script = db.schema.generate_create_script()
    assert script.endswith("\n)\nCOMMENT 'people'\nENGINE InnoDB")
