"""tui/cli/migrate.py: ``helpdesk migrate-db`` from the command line, into SQLite and PostgreSQL."""

from __future__ import annotations

import shutil

import pytest

from helpdesk.data.store import models as m
from helpdesk.data.store import transfer
from helpdesk.data.store.database import open_store
from helpdesk.tui.cli.main import main
from tests.factories import SEEDED_AT, SEEDED_BY


def run(capsys, *args, lang="en"):
    code = main(["--lang", lang, "--now", "2026-11-25T10:00:00+03:00", "migrate-db", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def source(demo_template, tmp_path):
    path = tmp_path / "source.db"
    shutil.copyfile(demo_template, path)
    return str(path)


@pytest.mark.both_databases
def test_copies_verifies_and_finds_a_difference(db_path, source, capsys, regulation):
    code, out, err = run(capsys, "--from", source, "--to", db_path, "--batch", "500")
    assert code == 0, err
    assert "ticket: 200 of 200 rows" in err and "every table is the same" in err
    lines = {line.split()[0]: line.split()[1:] for line in out.splitlines()[1:]}
    assert lines["ticket"] == ["200", "200", "same"] and set(lines) == {model._meta.table_name for model in m.ALL_MODELS}

    code, _, err = run(capsys, "--from", source, "--to", db_path, lang="ru")
    assert code == 1 and "уже есть" in err and "\n" not in err.rstrip()  # a second copy is refused, one line

    open_store(db_path, regulation, SEEDED_AT, creator=SEEDED_BY)
    m.Event.update(actor="someone else").where(m.Event.id == m.Event.select(m.Event.id).limit(1)).execute()
    m.database_proxy.close()
    code, out, err = run(capsys, "--from", source, "--to", db_path, "--verify-only")
    assert code == 1 and "1 table differs: event" in err
    assert [line.split()[-1] for line in out.splitlines() if line.startswith("event ")] == ["DIFFERS"]


def test_a_password_is_never_shown(source, capsys):
    code, out, err = run(capsys, "--from", source, "--to", "postgresql://someone:s3cret@127.0.0.1:1/desk")
    assert code == 1 and "s3cret" not in out + err and "***" in err


def test_a_missing_source_is_not_created(tmp_path, capsys):
    code, _, err = run(capsys, "--from", str(tmp_path / "absent.db"), "--to", str(tmp_path / "new.db"))
    assert code == 1 and "absent.db" in err
    assert not (tmp_path / "absent.db").exists() and not (tmp_path / "new.db").exists()
    code, _, err = run(capsys, "--from", str(tmp_path / "absent.db"), "--to", str(tmp_path / "new.db"), "--verify-only")
    assert code == 1 and "new.db" in err and not (tmp_path / "new.db").exists()


def test_a_desk_is_not_copied_onto_itself(source, capsys):
    code, _, err = run(capsys, "--from", source, "--to", "sqlite:///" + source)
    assert code == 1 and "the same database" in err


@pytest.mark.both_databases
def test_ctrl_c_stops_and_the_same_command_goes_on(db_path, source, capsys, monkeypatch):
    """The second run opens the target without seeding it again (prepared replies not copied yet)."""
    target, insert, calls = db_path, transfer._insert, []

    def interrupted(*args):
        calls.append(1)
        if len(calls) == 4:
            raise KeyboardInterrupt
        insert(*args)

    monkeypatch.setattr(transfer, "_insert", interrupted)
    code, _, err = run(capsys, "--from", source, "--to", target, "--batch", "100")
    assert code == 130 and "the same command goes on" in err
    monkeypatch.setattr(transfer, "_insert", insert)
    code, out, err = run(capsys, "--from", source, "--to", target, "--batch", "100")
    assert code == 0 and "every table is the same" in err and "DIFFERS" not in out
