"""pony.diagram: what the Mermaid, DOT and SVG diagrams say about entities, attributes, keys and
the cardinality of each relation end, for a model mapped on every backend and for declarations
that are not mapped yet."""

from __future__ import annotations

import textwrap

import pytest

from pony.diagram import GraphvizMissing, diagram, svg
from pony.diagram.cli import main
from pony.orm import *

MODEL = '''
from decimal import Decimal
from pony.orm import *


def define(db):
    class Person(db.Entity):
        name = Required(str, 80)
        email = Required(str, unique=True)
        mentor = Optional("Person", reverse="mentees")
        mentees = Set("Person", reverse="mentor")
        friends = Set("Person", reverse="friends")
        passport = Optional("Passport")
        orders = Set("Order")

    class Employee(Person):
        salary = Optional(Decimal, 12, 2)

    class Passport(db.Entity):
        number = PrimaryKey(str, 20)
        owner = Required(Person)

    class Order(db.Entity):
        customer = Required(Person)
        products = Set("Product")

    class Product(db.Entity):
        sku = Required(str, 10)
        region = Required(int)
        PrimaryKey(sku, region)
        orders = Set(Order)


db = Database()
define(db)
'''

MERMAID_LINES = [
    "erDiagram", "    Person {", "        int id PK", '        str name "(80)"', "        str email UK",
    '        Person mentor FK "optional"', '        Passport passport "optional"',
    '        Decimal salary "(12, 2); optional"', '        str number PK "(20)"', "        Person owner FK",
    '        str sku PK "(10)"', "        int region PK", "        Person customer FK",
    '    Person }o--o| Person : "mentor / mentees"', '    Person }o--o{ Person : "friends"',
    '    Person ||--o| Passport : "passport / owner"', '    Person ||--o{ Order : "orders / customer"',
    '    Order }o--o{ Product : "products / orders"', '    Person ||--o| Employee : "is a"']


def define(db):
    namespace: dict = {}
    exec(MODEL, namespace)
    namespace["define"](db)


@pytest.fixture
def mapped(backend):
    return backend.make_db(define)


def test_mermaid_of_mapped_model(mapped):
    lines = diagram(mapped, "mermaid").splitlines()
    for expected in MERMAID_LINES:
        assert expected in lines, expected
    assert lines.count("    Employee {") == 1 and "        int id PK" not in lines[lines.index("    Employee {"):][:3]


def test_dot_of_mapped_model(mapped):
    text = diagram(mapped, "dot")
    assert text.startswith("digraph entities {") and text.rstrip().endswith("}")
    for expected in [
            '"Person" -> "Passport" [dir=none, taillabel="1", headlabel="0..1", label="passport / owner"];',
            '"Person" -> "Order" [dir=none, taillabel="1", headlabel="*", label="orders / customer"];',
            '"Order" -> "Product" [dir=none, taillabel="*", headlabel="*", label="products / orders"];',
            '"Person" -> "Person" [dir=none, taillabel="*", headlabel="0..1", label="mentor / mentees"];',
            '"Employee" -> "Person" [arrowhead=empty, style=dashed, label="is a"];',
            '<TD ALIGN="LEFT">number: str(20) <I>PK</I></TD>', '<TD ALIGN="LEFT">salary: Decimal(12, 2)?</TD>',
            '<TD ALIGN="LEFT">email: str <I>UK</I></TD>', '<TD ALIGN="LEFT">owner: Person <I>FK</I></TD>']:
        assert expected in text, expected


@pytest.mark.skipif(svg.dot_program() is None, reason="Graphviz `dot` is not installed")
def test_svg_of_mapped_model(mapped):
    text = diagram(mapped, "svg")
    assert "<svg" in text and text.rstrip().endswith("</svg>")
    for expected in [">Person</text>", ">Passport</text>", ">Product</text>", ">0..1</text>", ">*</text>",
                     ">number: str(20) </text>", ">passport / owner</text>"]:
        assert expected in text, expected


def test_unmapped_declarations_give_the_same_mermaid():
    db = Database()
    define(db)
    lines = diagram(db, "mermaid").splitlines()
    for expected in MERMAID_LINES:
        assert expected in lines, expected


def test_svg_without_graphviz_says_so(monkeypatch):
    monkeypatch.setattr(svg.shutil, "which", lambda name: None)
    db = Database()
    define(db)
    with pytest.raises(GraphvizMissing, match="SVG needs Graphviz's `dot` program, which is not on PATH"):
        diagram(db, "svg")


def test_bad_format_and_empty_database():
    with pytest.raises(ValueError, match="Unknown diagram format 'png'"):
        diagram(Database(), "png")
    with pytest.raises(ValueError, match="The Database declares no entities"):
        diagram(Database(), "mermaid")


@pytest.fixture
def models(tmp_path, monkeypatch):
    (tmp_path / "diagram_models.py").write_text(textwrap.dedent(MODEL))
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_cli_formats(models, capsys):
    assert main(["diagram_models:db"]) == 0
    assert '    Person ||--o{ Order : "orders / customer"' in capsys.readouterr().out.splitlines()
    assert main(["diagram_models:define", "--format", "dot", "-o", "out.dot"]) == 0
    assert capsys.readouterr().out == ""
    assert 'label="orders / customer"' in (models / "out.dot").read_text()


def test_cli_errors(models, capsys, monkeypatch):
    assert main(["diagram_models"]) == 1
    assert "expected MODULE:ATTR" in capsys.readouterr().err
    assert main(["diagram_models:nothing"]) == 1
    assert "module diagram_models has no attribute 'nothing'" in capsys.readouterr().err
    monkeypatch.setattr(svg.shutil, "which", lambda name: None)
    assert main(["diagram_models:db", "--format", "svg"]) == 1
    assert "install Graphviz" in capsys.readouterr().err


def test_docs_mermaid_block_is_the_printed_diagram():
    from pathlib import Path
    text = (Path(__file__).resolve().parent.parent / "docs" / "inspect-and-diagrams.md").read_text()
    printed = text.split('print(diagram(shop, "mermaid"))\n```\n\n```output\n', 1)[1].split("```", 1)[0]
    rendered = text.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert printed == rendered and printed.startswith("erDiagram\n")


def test_readme_diagram_shows_the_estore_model():
    from pathlib import Path

    from pony.orm.examples import estore
    root = Path(__file__).resolve().parent.parent
    assert "![The e-store entities](docs/img/demo-diagram.svg)" in (root / "README.md").read_text()
    image = (root / "docs" / "img" / "demo-diagram.svg").read_text()
    db = Database()
    estore.define_entities(db)
    described = __import__("pony.diagram", fromlist=["describe"]).describe(db)
    for box in described.boxes:
        assert f">{box.name}</text>" in image, box.name
    for rel in described.relations:
        assert f">{rel.left_attr} / {rel.right_attr}</text>" in image, rel
