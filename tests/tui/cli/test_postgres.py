"""The command line on a PostgreSQL desk (tests/postgres.py's throw-away server): ``init`` on a
server URL, the commands an agent runs, ``check``, ``backup`` through ``pg_dump`` and
``restore`` through ``pg_restore``."""

from __future__ import annotations

import os
import stat

import pytest

from helpdesk.data.store import backup as store_backup
from helpdesk.data.store import fulltext_pg
from helpdesk.data.store import models as m
from helpdesk.data.store.database import connect
from helpdesk.tui.cli.main import main

NOW = "2026-11-25T10:00:00+03:00"


@pytest.fixture
def run(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("HELPDESK_CONFIG", str(tmp_path / "absent.toml"))
    monkeypatch.delenv("HELPDESK_NOW", raising=False)

    def run(url, *args, lang="en"):
        code = main(["--db", url, "--lang", lang, "--now", NOW, *args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_init_makes_an_empty_database_a_desk_and_the_commands_work_on_it(pg_database, run):
    url = pg_database()  # empty: no table yet
    code, out, err = run(url, "init")
    assert code == 0 and "a desk on PostgreSQL" in out, err
    code, out, err = run(url, "new", "--product", "Fenix+ 3", "--subject", "Не запускается", "--from", "ivan@example.ru",
                         "--body", "Ошибка при запуске, ёлка")  # fmt: skip
    assert (code, out.strip()) == (0, "1001"), err
    code, out, _ = run(url, "list", "--search", "елка")
    assert code == 0 and "#1001" in out and "Не запускается" in out
    code, out, _ = run(url, "check")
    assert code == 0 and "the database is whole" in out
    assert run(url, "init")[0] == 0  # again: nothing to create, nothing lost
    assert "#1001" in run(url, "list")[1]


def test_init_on_a_file_needs_the_group(tmp_path, run):
    code, _, err = run(str(tmp_path / "desk.db"), "init")
    assert code == 2 and "--shared" in err


needs_client = pytest.mark.skipif(store_backup.pg_program("pg_restore") is None,
                                  reason="pg_dump/pg_restore are not installed (apt-get install postgresql-client)")


@needs_client
def test_backup_runs_pg_dump_into_a_new_private_file(pg_database, pg_template, run, tmp_path):
    url = pg_database(pg_template)
    assert run(url, "new", "--product", "Fenix+ 3", "--subject", "Вопрос", "--from", "a@b.ru", "--body", "Т")[0] == 0
    target = tmp_path / "desk.dump"
    code, out, err = run(url, "backup", str(target))
    assert code == 0 and "a consistent copy of" in out, err
    assert target.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format, for pg_restore
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    code, _, err = run(url, "backup", str(target))
    assert code == 1 and str(target) in err  # never overwrites


def test_a_failed_pg_dump_keeps_nothing_and_shows_no_password(run, tmp_path):
    target = tmp_path / "desk.dump"
    code, _, err = run("postgresql://agent:s3cret@127.0.0.1:1/desk", "backup", str(target))
    assert code == 1 and "pg_dump" in err and "s3cret" not in err and not target.exists()


def _restore(run, url, dump):
    """``helpdesk restore`` as from a shell of its own: this process's store connection (the
    commands before left it open) would count as another session on the database."""
    m.database_proxy.close()
    return run(url, "restore", str(dump))


def _ticket(run, url, subject):
    code, out, err = run(url, "new", "--product", "Fenix+ 3", "--subject", subject, "--from", "a@b.ru", "--body", "Т")
    assert code == 0, err
    return out.strip()


@needs_client
def test_restore_brings_a_dump_back_and_keeps_what_it_replaced(pg_database, pg_template, run, tmp_path):
    url = pg_database(pg_template)
    first = _ticket(run, url, "До копии")
    dump = tmp_path / "desk.dump"
    assert run(url, "backup", str(dump))[0] == 0
    later = _ticket(run, url, "После копии")
    code, out, err = _restore(run, url, dump)
    assert code == 0 and "restored from" in out, err
    kept = next(tmp_path.glob("*.replaced-*.dump"))
    assert str(kept) in out and kept.read_bytes()[:5] == b"PGDMP"
    listed = run(url, "list")[1]
    assert f"#{first}" in listed and f"#{later}" not in listed
    assert run(url, "check")[0] == 0  # the search index came back with the rows
    assert "До копии" in run(url, "search", "копии")[1]
    assert _ticket(run, url, "Новая") == later  # the number sequence came back too: no number is skipped or reused


@needs_client
def test_restore_is_refused_while_another_session_is_on_the_database(pg_database, pg_template, run, tmp_path):
    url = pg_database(pg_template)
    dump = tmp_path / "desk.dump"
    assert run(url, "backup", str(dump))[0] == 0
    other = connect(url)
    other.connect()
    try:
        code, _, err = _restore(run, url, dump)
    finally:
        other.close()
    assert code == 1 and "in use" in err and not list(tmp_path.glob("*.replaced-*"))
    assert _restore(run, url, dump)[0] == 0  # once it is gone


@needs_client
def test_a_file_that_is_no_dump_restores_nothing(pg_database, pg_template, run, tmp_path):
    url = pg_database(pg_template)
    number = _ticket(run, url, "Остаётся")
    junk = tmp_path / "junk.dump"
    junk.write_bytes(b"PGDMP not really an archive")
    code, _, err = _restore(run, url, junk)
    assert code == 1 and "damaged" in err and not list(tmp_path.glob("*.replaced-*"))
    assert f"#{number}" in run(url, "list")[1]

def test_without_pg_trgm_pieces_are_still_found_and_check_and_search_say_it_is_slow(pg_database, run, monkeypatch):
    url = pg_database()
    monkeypatch.setattr(fulltext_pg, "TRGM_EXTENSION", "pg_trgm_not_installed")  # as on a server without contrib
    assert run(url, "init")[0] == 0  # the desk is made all the same
    run(url, "new", "--product", "Fenix+ 3", "--subject", "Вопрос", "--from", "ivan@romashka-soft.ru", "--body", "Текст")
    code, out, err = run(url, "search", "mashka")
    assert code == 0 and out.startswith("#1001\t")
    assert err == "pieces of words were searched without an index, slowly: see helpdesk check\n"
    code, out, _ = run(url, "check", lang="ru")
    assert code == 1 and "на сервере нет расширения pg_trgm" in out
    monkeypatch.undo()  # the administrator installs the postgresql package's contrib
    assert run(url, "reindex")[0] == 0
    code, out, err = run(url, "check")
    assert code == 0 and "the database is whole" in out, out
    assert run(url, "search", "mashka")[2] == ""
