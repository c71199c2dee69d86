"""Typing: entity classes are visible to type checkers (dataclass_transform on the metaclass, generic
attribute kinds). mypy checks tests/typing_example.py and a module of wrong code."""

from __future__ import annotations

import importlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
ROOT = HERE.parent

WRONG_CODE = '''
from decimal import Decimal
from typing_example import Car, Person

p = Person(nme="Ann")
Person(name=5)
p.name = 5
p.age = "old"
reveal_type(p.name)
reveal_type(p.age)
reveal_type(p.id)
reveal_type(p.cars)
reveal_type(Person.name)
for car in p.cars:
    reveal_type(car)
reveal_type(Car(model="T", owner=p).owner)
x: Decimal = p.balance
'''


def run_mypy(*paths: Path, cwd: Path) -> list[str]:
    if importlib.util.find_spec("mypy") is None:
        pytest.skip("mypy is not installed (it is in the test extra)")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--follow-imports=silent", "--no-incremental", "--show-error-codes",
         "--no-error-summary", *map(str, paths)],
        cwd=cwd, capture_output=True, text=True, env={"MYPYPATH": str(ROOT), "PATH": ""})
    return [line for line in result.stdout.splitlines() if line.strip()]


def test_correct_code_has_no_type_errors() -> None:
    assert run_mypy(HERE / "typing_example.py", cwd=ROOT) == []


def test_wrong_code_gets_the_expected_errors(tmp_path: Path) -> None:
    shutil.copy(HERE / "typing_example.py", tmp_path / "typing_example.py")
    (tmp_path / "wrong.py").write_text(WRONG_CODE)
    lines = run_mypy(Path("wrong.py"), cwd=tmp_path)
    messages = [line.split(": ", 1)[1] for line in lines if line.startswith("wrong.py:")]
    assert messages == [
        'error: Unexpected keyword argument "nme" for "Person"; did you mean "name"?  [call-arg]',
        'error: Argument "name" to "Person" has incompatible type "int"; expected "str"  [arg-type]',
        'error: Incompatible types in assignment (expression has type "int", variable has type "str")  '
        '[assignment]',
        'error: Incompatible types in assignment (expression has type "str", variable has type "int | None")'
        '  [assignment]',
        'note: Revealed type is "str"',
        'note: Revealed type is "int | None"',
        'note: Revealed type is "int"',
        'note: Revealed type is "pony.orm.model.attributes.CollectionView[typing_example.Car]"',
        'note: Revealed type is "pony.orm.model.attributes.Attribute[str]"',
        'note: Revealed type is "typing_example.Car"',
        'note: Revealed type is "typing_example.Person"',
    ]


def test_typed_example_runs(tmp_path: Path) -> None:
    sys.path.insert(0, str(HERE))
    try:
        module = importlib.import_module("typing_example")
    finally:
        sys.path.remove(str(HERE))
    module.db.bind("sqlite", ":memory:")
    module.db.generate_mapping(create_tables=True)
    name, age, owner, models, balance = module.use()
    # a Decimal attribute (default scale 2) holds its value rounded to the scale, as stored
    assert (name, age, models, str(balance)) == ("Bob", None, ["T"], "1.50")
    assert type(owner).__name__ == "Person"
