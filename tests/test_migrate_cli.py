"""pony.migrate's CLI and safety rules, on every backend: exit codes and messages a person reads."""

from __future__ import annotations

import sys
import textwrap

import pytest

from pony.migrate.cli import main


def write_models(tmp_path, backend, body: str, name: str) -> str:
    args, kwargs = backend.bind_args
    source = "from pony.orm import *\n\ndb = Database()\n\n" + textwrap.dedent(body) + \
        f"\ndb.bind(*{args!r}, **{kwargs!r})\n"
    (tmp_path / f"{name}.py").write_text(source)
    sys.modules.pop(name, None)
    return f"{name}:db"


V1 = """
class Customer(db.Entity):
    name = Required(str)
    email = Required(str, unique=True)
"""
V2 = """
class Customer(db.Entity):
    full_name = Required(str)
    email = Required(str, unique=True)
"""


@pytest.fixture
def cli(tmp_path, monkeypatch, backend):
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    counter = iter(range(100))

    def run(body: str, *command: str) -> int:
        spec = write_models(tmp_path, backend, body, f"models_{backend.name}_{next(counter)}")
        return main(["--db", spec, "--dir", str(tmp_path / "migrations"), *command])
    return run


def test_make_apply_status_check(cli, capsys):
    assert cli(V1, "make", "-m", "initial") == 0
    assert cli(V1, "check") == 1  # not applied yet
    assert "1 migration(s) not applied: 0001_initial. Run `apply`." in capsys.readouterr().out
    assert cli(V1, "apply") == 0
    assert cli(V1, "status") == 0
    out = capsys.readouterr().out
    assert "Applied 0001_initial" in out and "[x] 0001_initial" in out and "The database is up to date." in out
    assert cli(V1, "check") == 0
    assert cli(V2, "check") == 1
    assert "The entities differ from the migrations" in capsys.readouterr().out


def test_rename_is_never_guessed_without_a_terminal(cli, capsys, monkeypatch):
    assert cli(V1, "make") == 0
    monkeypatch.setattr(sys, "stdin", None)
    assert cli(V2, "make") == 1
    err = capsys.readouterr().err
    assert "--rename Customer.name=Customer.full_name" in err and "--not-renamed" in err
    assert cli(V2, "make", "--rename", "Customer.name=Customer.full_name") == 0
    assert "rename attribute Customer.name to full_name" in capsys.readouterr().out


def test_destructive_migration_is_refused_until_allowed(cli, capsys, tmp_path):
    assert cli(V1, "make") == 0
    assert cli(V1, "apply") == 0
    assert cli(V2, "make", "--not-renamed") == 0
    path = sorted((tmp_path / "migrations").glob("0002_*.py"))[0]
    path.write_text(path.read_text().replace("allow_destructive = True", ""))
    assert cli(V2, "apply") == 1
    err = capsys.readouterr().err
    assert "add attribute Customer.full_name adds a Required column without a value" in err
    assert "allow_destructive = True" in err


def test_irreversible_rollback_is_refused(cli, capsys, tmp_path):
    assert cli(V1, "make") == 0
    assert cli(V2, "make", "--not-renamed") == 0
    assert cli(V2, "apply") == 0
    assert cli(V2, "rollback") == 1
    assert "Cannot roll back 0002_" in capsys.readouterr().err
    assert cli(V2, "status") == 0
    assert "[x] 0002_" in capsys.readouterr().out


def test_sql_prints_pending_statements(cli, capsys, backend):
    assert cli(V1, "make") == 0
    capsys.readouterr()
    assert cli(V1, "sql") == 0
    out = capsys.readouterr().out
    assert out.startswith("-- 0001_") and "CREATE TABLE" in out
