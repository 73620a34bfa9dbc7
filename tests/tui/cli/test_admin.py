"""tui/cli/admin.py: backup, check and restore from the command line, in the agent's language."""

from __future__ import annotations

import sqlite3
from contextlib import closing

from helpdesk.data.store import backup as store_backup
from helpdesk.tui.cli.main import main


def run(capsys, db_path, *args, lang="ru"):
    code = main(["--db", db_path, "--lang", lang, "--now", "2026-11-25T10:00:00+03:00", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_backup_check_and_restore(db_path, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("HELPDESK_CONFIG", str(tmp_path / "absent.toml"))
    assert run(capsys, db_path, "new", "--product", "Fenix+ 3", "--subject", "Вопрос", "--from", "a@b.ru", "--body", "Т")[0] == 0
    copy = tmp_path / "copy.db"
    code, out, err = run(capsys, db_path, "backup", str(copy))
    assert code == 0 and "согласованная копия" in out, err
    code, out, _ = run(capsys, db_path, "check")
    assert code == 0 and "база данных в порядке" in out
    code, out, err = run(capsys, db_path, "restore", str(copy))
    assert code == 0 and "заменённый файл сохранён как" in out, err
    code, _, err = run(capsys, db_path, "backup", str(copy))
    assert code == 1 and str(copy) in err  # never overwrites


def test_check_names_damage_and_fails(db_path, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("HELPDESK_CONFIG", str(tmp_path / "absent.toml"))
    attachment = tmp_path / "a.txt"
    attachment.write_text("content")
    run(capsys, db_path, "new", "--product", "Fenix+ 3", "--subject", "В", "--from", "a@b.ru", "--body", "Т",
        "--attach", str(attachment))  # fmt: skip
    with closing(sqlite3.connect(db_path)) as db, db:
        db.execute("UPDATE blob SET data = x'00'")
    code, out, _ = run(capsys, db_path, "check", lang="en")
    assert code == 1 and "it was damaged" in out and out.strip().endswith("1 problem found")


def test_backup_of_a_server_url_without_pg_dump_says_what_to_install(capsys, monkeypatch, tmp_path):
    monkeypatch.setattr(store_backup, "pg_program", lambda name: None)
    target = tmp_path / "x.dump"
    assert main(["--db", "postgresql://agent:s3cret@127.0.0.1/desk", "--lang", "en", "backup", str(target)]) == 1
    err = capsys.readouterr().err
    assert "pg_dump is not installed" in err and "postgresql-client" in err and not target.exists()


def test_restore_of_a_server_url_without_pg_restore_says_what_to_install(capsys, monkeypatch, tmp_path):
    monkeypatch.setattr(store_backup, "pg_program", lambda name: None)
    (tmp_path / "x.dump").write_bytes(b"PGDMP")
    assert main(["--db", "postgresql://agent:s3cret@127.0.0.1/desk", "--lang", "en", "restore", str(tmp_path / "x.dump")]) == 1
    err = capsys.readouterr().err
    assert "pg_restore is not installed" in err and "postgresql-client" in err and "s3cret" not in err
