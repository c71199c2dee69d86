"""The examples (pony.orm.examples): every query on every backend, and ``python -m`` on SQLite.

The expected results were read off a SQLite run and checked by hand against the data each
example loads; the same answers must come back from PostgreSQL and MySQL.
"""

import importlib
import subprocess
import sys
from decimal import Decimal

import pytest

from pony.orm import db_session
from pony.orm.examples._runner import plain, run_query

EXAMPLES = ("estore", "university1", "university2", "inheritance1", "compositekeys", "numbers")

EXPECTED = {'estore': {'Customers from the USA': ['Customer[1]', 'Customer[2]', 'Customer[4]'],
            'Number of customers in each country': [('China', 1), ('UK', 1), ('USA', 3)],
            'The most expensive product price': Decimal('1049.00'),
            'The most expensive solid state drive': 'Product[4]',
            'Three most expensive products': ['Product[6]', 'Product[2]', 'Product[1]'],
            'Products out of stock': ['Product[4]'],
            'Products cheaper than the average price': ['Product[7]',
                                                        'Product[5]',
                                                        'Product[3]',
                                                        'Product[4]',
                                                        'Product[1]'],
            'Products nobody has ordered': ['Product[4]'],
            'Best sellers by quantity ordered': [('Logitech Wireless Mouse', 6),
                                                 ('Kindle Fire HD', 3),
                                                 ('Apple MacBook Air 13-inch', 2),
                                                 ('Crucial M500 240GB SSD', 2),
                                                 ('SanDisk Extreme 240GB SSD', 2),
                                                 ('Apple iPad with Retina Display', 1)],
            'Customers with more than one order': ['Customer[1]', 'Customer[2]'],
            'Customers who have not ordered anything': ['Customer[4]'],
            'Money spent by each customer on delivered orders': [('Matthew Reed', Decimal('2715.90')),
                                                                 ('John Smith', Decimal('624.00'))],
            'Orders with their customer and number of items': [(1, 'John Smith', 'DELIVERED', 2),
                                                               (2, 'John Smith', 'SHIPPED', 1),
                                                               (3, 'Matthew Reed', 'DELIVERED', 1),
                                                               (4, 'Chuan Qin', 'CREATED', 2),
                                                               (5, 'Oliver Blakey', 'CANCELLED', 1),
                                                               (6, 'Matthew Reed', 'DELIVERED', 2)],
            'Orders shipped in March 2023': ['Order[1]', 'Order[6]'],
            'Customers who bought a tablet': ['Customer[3]', 'Customer[1]', 'Customer[2]'],
            'What is in the shopping carts': [('Chuan Qin', 'Apple MacBook Air 13-inch', 1),
                                              ('John Smith', 'Apple iPad with Retina Display', 1),
                                              ('Rebecca Lawson', 'Kindle Fire HD', 2),
                                              ('Rebecca Lawson', 'Logitech Wireless Mouse', 1)],
            'The customer with the largest single order': 'Customer[2]'},
 'university1': {'Students with a GPA above 3.5': ['Student[3]', 'Student[5]'],
                 'Students whose phone number we know': ['John Smith', 'Rebecca Lawson'],
                 'Students born in 1990': ['Matthew Reed', 'Oliver Blakey', 'Rebecca Lawson'],
                 "Names starting with 'M'": ['Maria Ionescu', 'Matthew Reed'],
                 'The average GPA of each group': [(101, 3.5),
                                                   (102, 3.5999999999999996),
                                                   (201, 3.1500000000000004)],
                 'Groups with more than two students': [101],
                 'Students of the Computer Science department': ['Chuan Qin',
                                                                 'John Smith',
                                                                 'Maria Ionescu',
                                                                 'Matthew Reed',
                                                                 'Rebecca Lawson'],
                 "Students attending 'Linear Algebra'": ['Chuan Qin',
                                                         'John Smith',
                                                         'Maria Ionescu',
                                                         'Oliver Blakey'],
                 'Courses nobody attends': [('Operating Systems', 4)],
                 'Credits each student has signed up for': [('John Smith', 10),
                                                            ('Oliver Blakey', 10),
                                                            ('Matthew Reed', 8),
                                                            ('Chuan Qin', 7),
                                                            ('Rebecca Lawson', 7),
                                                            ('Maria Ionescu', 3),
                                                            ('Jing Xia', 0)],
                 'The best student of each department': [('Department of Computer Science', 4.0),
                                                         ('Department of Mathematical Sciences', 3.2)],
                 'Number of students per course, first semester': [('C Fundamentals', 2),
                                                                   ('Linear Algebra', 4),
                                                                   ('Web Design', 2)],
                 'Is there a student born after 1988 in group 201?': True,
                 'A student by primary key': 'Student[1]',
                 'A course by its composite primary key': "Course['Linear Algebra',1]"},
 'university2': {'Students with a scholarship': [('Chuan Qin', 1000),
                                                 ('Matthew Reed', 500),
                                                 ('Oliver Blakey', 500)],
                 "Each student's average grade": [('Chuan Qin', 4.666666666666667),
                                                  ('Matthew Reed', 4.666666666666667),
                                                  ('Oliver Blakey', 4.5),
                                                  ('John Smith', 4.0),
                                                  ('Rebecca Lawson', 2.5)],
                 'Students with no grade below 4': ['Chuan Qin', 'Matthew Reed', 'Oliver Blakey'],
                 'Students with a grade below 3': ['Rebecca Lawson'],
                 'Courses and how many students passed them': [('Algebra', 3),
                                                               ('Databases', 2),
                                                               ('Networks', 1),
                                                               ('Probability', 3),
                                                               ('Programming', 3)],
                 'Teachers of the Computer Science department': ['Ada Byron', 'Alan Church'],
                 'Who teaches Databases': ['Ada Byron', 'Alan Church'],
                 'Grades given by each teacher': [('Ada Byron', 4, 4.75),
                                                  ('Alan Church', 3, 3.0),
                                                  ('Emmy Gauss', 6, 4.333333333333333)],
                 'Students Ada Byron gave a five': ['Chuan Qin', 'Matthew Reed'],
                 'Credits earned by each student (grade 3 or better)': [('Chuan Qin', 12),
                                                                        ('John Smith', 13),
                                                                        ('Matthew Reed', 12),
                                                                        ('Oliver Blakey', 7),
                                                                        ('Rebecca Lawson', 3)],
                 'Average grade per group': [(3131, 4.5), (4141, 4.333333333333333), (4142, 3.8)],
                 'The best student of group 4141': 'Student[2]',
                 'A grade by its composite primary key': 'Grade[Student[1],Course[4]]'},
 'inheritance1': {'Everybody, each as its own class': ['Professor[1]',
                                                       'Professor[2]',
                                                       'Student[3]',
                                                       'Student[4]',
                                                       'Student[5]',
                                                       'Student[6]',
                                                       'Person[7]'],
                  'Only the students': ['Student[5]', 'Student[4]', 'Student[3]', 'Student[6]'],
                  'People who are neither students nor professors': ['Person[7]'],
                  'Students of group 101 and their mentors': [('Jane Roe', 'Alan Smith'),
                                                              ('John Doe', 'Alan Smith')],
                  'Professors with more than one mentored student': ['Alan Smith'],
                  'Students without a mentor': ['Li Wei'],
                  'Who teaches the courses John Doe attends': ['Alan Smith', 'Julia Brown'],
                  'Number of students per course': [('Mathematics', 3), ('Python', 2), ('SQL', 2)],
                  'The total salary of the professors': Decimal('14500.00'),
                  'Person[1] is loaded as the class it was saved as': 'Professor[1]'},
 'compositekeys': {'A group by its composite primary key': "Group['CS',1]",
                   'A course by its composite primary key': "Course['Programming',2]",
                   'A student by the composite unique key (name, group)': 'Student[3]',
                   'Students of the first-year groups': [('John', 'CS'), ('Mary', 'CS'), ('Anna', 'Math')],
                   'Groups and their number of students': [('CS', 1, 2), ('CS', 2, 1), ('Math', 1, 1)],
                   'Who attends a Programming course, and in which semester': [('Anna', 1),
                                                                               ('John', 1),
                                                                               ('John', 2),
                                                                               ('Mary', 1)],
                   'First-semester courses attended by CS students': ["Course['Calculus',1]",
                                                                      "Course['Programming',1]"],
                   'Credits per student': [('Anna', 1, 9), ('John', 1, 9), ('John', 2, 4), ('Mary', 1, 5)],
                   'Students of a group given as an object': ['John', 'Mary']},
 'numbers': {'Every row': ['Numbers[1]', 'Numbers[2]', 'Numbers[3]'],
             'The largest 64-bit value': 9223372036854775807,
             'The smallest 64-bit value': -9223372036854775808,
             'Rows whose int32 is negative': ['min'],
             'Rows holding the largest unsigned 32-bit value': ['max'],
             'Sum of the unsigned 16-bit column': 65535,
             'Unsigned 32-bit arithmetic does not wrap around': 4294967296,
             'The maximum row, read back': 'Numbers[2]'}}


def rounded(value):
    """Averages agree to 3 places: MySQL computes AVG of integers with 4 decimals."""
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, (list, tuple)):
        return type(value)(rounded(v) for v in value)
    return value


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_queries(backend, name):
    module = importlib.import_module(f"pony.orm.examples.{name}")
    db = backend.make_db(module.define_entities)
    module.populate(db)
    assert [title for title, _ in module.QUERIES] == list(EXPECTED[name])
    with db_session:
        for title, source in module.QUERIES:
            assert rounded(plain(run_query(db, source))) == rounded(EXPECTED[name][title]), title


def test_expected_decimals_keep_their_scale(backend):
    """Servers keep the column's scale; SQLite stores 1049.00 as the integer 1049 and, as in Pony,
    a value a query computes keeps that exponent (objects' attributes are quantized to the scale)."""
    module = importlib.import_module("pony.orm.examples.estore")
    db = backend.make_db(module.define_entities)
    module.populate(db)
    with db_session:
        price = run_query(db, "max(p.price for p in Product)")
        attribute = max(p.price for p in db.Product.select())
    assert str(price) == ("1049" if backend.name == "sqlite" else "1049.00") and isinstance(price, Decimal)
    assert str(attribute) == "1049.00"


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_runs_as_a_module(name):
    module = importlib.import_module(f"pony.orm.examples.{name}")
    run = subprocess.run([sys.executable, "-m", f"pony.orm.examples.{name}"], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    for title, source in module.QUERIES:
        assert f"{title}\n{'-' * len(title)}\n>>> {source}\n" in run.stdout
    assert "SELECT " in run.stdout


def test_no_sql_option_leaves_the_sql_out():
    run = subprocess.run([sys.executable, "-m", "pony.orm.examples.university1", "--no-sql"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "SELECT" not in run.stdout
    assert "LinearAlgebra|4" in run.stdout.replace(" ", "")


def test_demo_prints_source_sql_and_tables():
    from pony.orm.examples import demo, estore

    run = subprocess.run([sys.executable, "-m", "pony.orm.examples.demo"], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert "class Customer(Entity):\n    id = PrimaryKey(int, auto=True)\n" in out
    assert 'CREATE TABLE "Customer"' in out
    assert "Data loaded: 5 Customer, 7 Product, 5 Category, 6 Order, 9 OrderItem" in out
    queries = dict(estore.QUERIES)
    assert len(demo.DEMO_QUERIES) >= 12
    for number, title in enumerate(demo.DEMO_QUERIES, 1):
        heading = f"{number}. {title}"
        assert f"{heading}\n{'-' * len(heading)}\n>>> {queries[title]}\n    SELECT " in out
    # a result table: header, separator, rows
    assert "c.country|count(c)\n---------+--------\nChina    |1       \nUK       |1       \nUSA      |3       \n" in out


def test_demo_with_a_file_keeps_it_out_of_the_package(tmp_path, monkeypatch, capsys):
    import os

    import pony.orm.examples as examples_package
    from pony.orm.examples import demo

    before = set(os.listdir(os.path.dirname(examples_package.__file__)))
    demo.main(["estore.sqlite"])
    assert "1. Customers from the USA" in capsys.readouterr().out
    assert set(os.listdir(os.path.dirname(examples_package.__file__))) == before
