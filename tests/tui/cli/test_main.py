"""The command-line contract: JSON shapes, exit codes, one-line errors, what a command imports."""

import argparse
import json
import sqlite3
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpdesk.data.store import database
from helpdesk.tui.cli import main as cli_main
from helpdesk.tui.cli.main import main

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def cli(db_path, team, capsys, monkeypatch):
    monkeypatch.delenv("HELPDESK_NOW", raising=False)

    def run(*args, now="2026-11-25T10:00:00+03:00"):
        argv = ["--db", db_path, "--as", "petrova"]
        if now:
            argv += ["--now", now]
        code = main([*argv, *args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def create(cli, *extra, now="2026-11-25T10:00:00+03:00"):
    code, out, err = cli(
        "new", "--product", "Fenix+ 3", "--subject", "Не открывается проект",
        "--from", "ivan@example.ru", "--name", "Иван Петров", "--body", "Текст", *extra, now=now,
    )  # fmt: skip
    assert code == 0, err
    return out


def test_hours_json_when_open(cli):
    code, out, _ = cli("hours", "--json", "--at", "2026-11-25T16:45:00+03:00")
    data = json.loads(out)
    assert code == 0
    assert data == {
        "open": True,
        "at": "2026-11-25T16:45:00+03:00",
        "window_start": "2026-11-25T09:00:00+03:00",
        "window_end": "2026-11-25T18:00:00+03:00",
        "next_open": "2026-11-26T09:00:00+03:00",
        "changes_at": "2026-11-25T18:00:00+03:00",
        "countdown_seconds": 4500,
        "timezone": "Europe/Moscow",
    }


def test_hours_json_during_the_new_year_block_given_in_utc(cli):
    code, out, _ = cli("hours", "--json", "--at", "2025-12-30T15:30:00Z")  # 18:30 MSK, Tuesday
    data = json.loads(out)
    assert data["open"] is False and data["window_start"] is None
    assert data["next_open"] == "2026-01-12T09:00:00+03:00"
    assert data["changes_at"] == data["next_open"]
    # 30 Dec 18:30 -> midnight 5.5 h, 31 Dec (a transferred day off) 24 h, 1-11 Jan 11 x 24 h, then 9 h.
    assert data["countdown_seconds"] == int((5.5 + 24 + 11 * 24 + 9) * 3600)


def test_hours_human_line(cli):
    code, out, _ = cli("--lang", "en", "hours", "--at", "2026-11-25T15:46:00+03:00")
    assert code == 0
    assert out.strip() == "Open - closes in 2 h 14 min, 18:00 MSK"


def test_new_list_show_reply_status_round_trip(cli):
    assert create(cli).strip() == "1001"
    code, out, _ = cli("list", "--json")
    listed = json.loads(out)
    assert listed[0]["number"] == 1001 and listed[0]["customer_email"] == "ivan@example.ru"
    assert set(listed[0]) >= {"number", "subject", "status", "product", "channel", "customer_email",
                              "created_at", "updated_at", "message_count", "flags"}  # fmt: skip
    assert cli("reply", "1001", "--body", "Пришлите файл")[0] == 0
    assert cli("reply", "1001", "--body", "Проверить на 4.2", "--note")[0] == 0
    assert cli("status", "1001", "waiting")[0] == 0
    code, out, _ = cli("show", "1001", "--json")
    shown = json.loads(out)
    assert shown["status"] == "waiting"
    assert [msg["kind"] for msg in shown["messages"]] == ["customer", "agent", "note"]
    assert shown["messages"][1]["author"] == "petrova"
    assert shown["customer"] == {"name": "Иван Петров", "email": "ivan@example.ru", "phone": None, "telegram": None}
    assert shown["scope"] is None and shown["flags"] == []


def test_new_json_with_attachment_and_body_file(cli, tmp_path):
    body = tmp_path / "body.txt"
    body.write_text("Описание проблемы\nвторая строка", encoding="utf-8")
    attach = tmp_path / "проект.fpp"
    attach.write_bytes(b"\x00\x01project")
    code, out, err = cli(
        "new", "--product", "Fenix+", "--subject", "Старый продукт", "--from", "a@b.ru",
        "--body-file", str(body), "--attach", str(attach), "--json", now="2026-11-28T12:00:00+03:00",
    )  # fmt: skip
    data = json.loads(out)
    assert data["messages"][0]["body"] == "Описание проблемы\nвторая строка"
    assert data["messages"][0]["attachments"][0]["filename"] == "проект.fpp"
    assert data["messages"][0]["attachments"][0]["size"] == 9
    assert {"support_ended", "out_of_hours"} <= set(data["flags"])


def test_unknown_product_is_one_line_naming_the_known_ones(cli):
    code, out, err = cli("new", "--product", "Fenix 9", "--subject", "x", "--from", "a@b.ru", "--body", "y")
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "Fenix Server Academy" in err


def test_unknown_product_reads_in_russian(cli):
    _code, _, err = cli("--lang", "ru", "new", "--product", "Fenix 9", "--subject", "x", "--from", "a@b.ru", "--body", "y")
    assert err.startswith("helpdesk: Неизвестный продукт «Fenix 9»; известные продукты: ")


def test_illegal_transition_and_missing_ticket_are_errors(cli):
    create(cli)
    code, _, err = cli("--lang", "en", "status", "1001", "new")
    assert (code, err) == (1, "helpdesk: The ticket is already “New”\n")
    code, _, err = cli("--lang", "ru", "status", "1001", "new")
    assert (code, err) == (1, "helpdesk: Заявка уже в статусе «Новая»\n")
    code, _, err = cli("show", "4242")
    assert code == 1 and "#4242" in err


def test_a_transition_the_workflow_refuses_reads_in_the_agents_language(cli):
    create(cli)
    assert cli("status", "1001", "resolved")[0] == 0
    code, _, err = cli("--lang", "en", "status", "1001", "waiting")
    assert (code, err) == (1, "helpdesk: A ticket that is “Resolved” cannot become “Waiting for customer” (allowed: Open, Closed)\n")
    code, _, err = cli("--lang", "ru", "status", "1001", "waiting")
    assert (code, err) == (1, "helpdesk: Заявку в статусе «Решена» нельзя перевести в статус «Ждёт клиента» (можно: Открыта, Закрыта)\n")


def test_wrong_usage_exits_2_with_one_line(cli):
    with pytest.raises(SystemExit) as exit_info:
        main(["status", "1001", "sleeping"])
    assert exit_info.value.code == 2


def test_subprocess_errors_have_no_traceback(tmp_path):
    env = {**os.environ, "HELPDESK_DB": str(tmp_path / "h.db"), "PYTHONPATH": str(ROOT)}
    env.pop("HELPDESK_NOW", None)
    proc = subprocess.run(
        [sys.executable, "-m", "helpdesk.tui.cli.main", "--lang", "en", "--now", "yesterday", "list"],
        capture_output=True, text=True, env=env, cwd=ROOT,
    )  # fmt: skip
    assert proc.returncode == 2  # a bad option value is wrong usage
    assert "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1
    assert proc.stderr == "helpdesk: --now: Not an ISO-8601 date and time: “yesterday”\n"
    proc = subprocess.run(
        [sys.executable, "-m", "helpdesk.tui.cli.main", "new", "--subject", "x"], capture_output=True, text=True, env=env, cwd=ROOT
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1


@pytest.mark.parametrize(
    "pragma, words",
    [("query_only", "This database can only be read here: nothing was changed"),
     ("max_page_count", "Nothing was saved: the disk holding the database is full (SQLite: database or disk is full)")],
)  # fmt: skip
def test_a_refused_write_says_why_in_one_line_and_reading_still_works(cli, db_path, monkeypatch, pragma, words):
    create(cli)
    with sqlite3.connect(db_path) as db:
        pages = db.execute("PRAGMA page_count").fetchone()[0]
    monkeypatch.setattr(database, "SQLITE_PRAGMAS", dict(database.SQLITE_PRAGMAS, **{pragma: pages if pragma == "max_page_count" else 1}))
    code, out, err = cli("new", "--product", "Fenix+ 3", "--subject", "Ещё", "--from", "ivan@example.ru",
                         "--body", "Текст " * 5000)  # fmt: skip
    assert code == 1 and err.startswith(f"helpdesk: {words}") and err.count("\n") == 1
    code, out, err = cli("list")
    assert code == 0 and out.count("\n") == 1, err


@pytest.mark.parametrize(
    "args, option, byte",
    [([b"new", b"--product", b"Fenix+ 3", b"--subject", b"bad\xff", b"--from", b"a@b.ru", b"--body", b"x"], "--subject", 3),
     ([b"new", b"--product", b"Fenix+ 3", b"--subject", b"s", b"--from", b"a@b.ru", b"--name", "Иван".encode() + b"\xc0",
       b"--body", b"x"], "--name", 8),
     ([b"reply", b"1001", b"--body", b"\xd0\xbe\xd0"], "--body", 2)],
)  # fmt: skip
def test_bytes_that_are_not_utf8_in_an_argument_are_refused_naming_it(tmp_path, args, option, byte):
    env = {**os.environ, "HELPDESK_DB": str(tmp_path / "h.db"), "PYTHONPATH": str(ROOT), "LC_ALL": "C.UTF-8"}
    proc = subprocess.run([sys.executable, "-m", "helpdesk.tui.cli.main", "--lang", "en", *args], capture_output=True, env=env, cwd=ROOT)
    assert proc.returncode == 1
    assert proc.stderr.decode() == f"helpdesk: {option}: not UTF-8 text (at byte {byte})\n"
    assert sqlite3.connect(tmp_path / "h.db").execute("SELECT COUNT(*) FROM message").fetchone() == (0,)


def test_the_limits_of_the_settings_file_hold_on_the_command_line(cli, tmp_path, monkeypatch):
    config = tmp_path / "config.toml"
    config.write_text("[limits]\nsubject_characters = 10\nattachment_bytes = 4\n")
    monkeypatch.setenv("HELPDESK_CONFIG", str(config))
    big = tmp_path / "big.bin"
    big.write_bytes(b"12345")
    base = ("new", "--product", "Fenix+ 3", "--from", "ivan@example.ru", "--body", "Текст")
    code, _, err = cli(*base, "--subject", "Не открывается")
    assert (code, err) == (1, "helpdesk: The subject is longer than the limit of 10 characters (14)\n")
    code, _, err = cli(*base, "--subject", "Вопрос", "--attach", str(big))
    assert (code, err) == (1, f"helpdesk: Too large: {big} (the limit is 4 B).\n")
    assert cli("list") == (0, "", "")


def test_a_call_is_registered_with_a_name_and_a_phone_number(cli):
    base = ("new", "--product", "Fenix+ 3", "--subject", "Звонок", "--body", "Не печатается отчёт")
    code, _, err = cli(*base, "--phone", "+7 (912) 345-67-89")
    assert (code, err) == (1, "helpdesk: The customer's name is required for a ticket taken by phone or at a visit\n")
    code, _, err = cli(*base, "--name", "Пётр", "--phone", "12")
    assert (code, err) == (1, "helpdesk: Not a phone number: “12” (5-20 digits, with spaces, +, - and parentheses)\n")
    code, _, err = cli(*base, "--name", "Пётр", "--channel", "visit")
    assert (code, err) == (1, "helpdesk: The customer's e-mail address, phone number or Telegram handle is required\n")
    code, out, err = cli(*base, "--name", "Пётр Звонков", "--phone", "+7 (912) 345-67-89", "--json", now="2026-11-28T12:00:00+03:00")
    shown = json.loads(out)
    assert (shown["channel"], shown["customer"]) == ("phone", {"name": "Пётр Звонков", "email": None,
                                                                "phone": "+7 (912) 345-67-89", "telegram": None})  # fmt: skip
    assert [msg["kind"] for msg in shown["messages"]] == ["customer"]  # Saturday, yet no notice: the customer called
    code, out, _ = cli("show", str(shown["number"]))
    assert "Пётр Звонков phone +7 (912) 345-67-89 - Fenix+ 3 - phone" in out


# --- a command imports only what it uses ------------------------------------------------------

LOADED = """
import json, sys
from helpdesk.tui.cli.main import main
code = main(sys.argv[1:])
names = sorted({name.split(".")[0] for name in sys.modules})
sys.stderr.write("\\nLOADED " + json.dumps({"code": code, "modules": names}) + "\\n")
"""


def loaded_by(*argv: str, env: dict, stdin: str = "") -> set[str]:
    """The top-level packages a fresh process has imported after running ``helpdesk argv``."""
    done = subprocess.run([sys.executable, "-c", LOADED, *argv], input=stdin, capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=120)  # fmt: skip
    report = json.loads(done.stderr.rsplit("LOADED ", 1)[1])
    assert report["code"] == 0, done.stderr
    return set(report["modules"])


def test_the_commands_import_neither_textual_nor_rich(team, db_path, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HELPDESK_CONFIG": str(tmp_path / "none.toml")}
    env.pop("HELPDESK_NOW", None)
    request = json.dumps({"request_id": "P-1", "customer": {"email": "anna@example.ru", "name": "Анна"},
                          "product": "FireGuard 3", "subject": "Портал", "body": "Текст"})  # fmt: skip
    common = ["--db", db_path, "--as", "petrova", "--lang", "ru", "--now", "2026-11-25T10:00:00+03:00"]
    runs = {
        "hours": loaded_by("hours", "--json", env=env),
        "new": loaded_by(*common, "new", "--product", "Fenix+ 3", "--subject", "Тема", "--from", "ivan@example.ru",
                         "--body", "Текст", env=env),  # fmt: skip
        "ingest": loaded_by(*common, "ingest", "--json", "-", env=env, stdin=request),
        "list": loaded_by(*common, "list", "--json", env=env),
        "show": loaded_by(*common, "show", "1001", env=env),
    }
    for command, modules in runs.items():
        assert not modules & {"textual", "rich"}, command
    # hours opens no database and needs no calendar package: what the shipped regulation lists is enough.
    assert not runs["hours"] & {"peewee", "holidays", "babel", "platformdirs"}
    # ... nor what costs a start most and it does not use (bench/cli_hours.py): dataclasses brings
    # inspect (the calendar's and regulation's values are NamedTuples), argparse's width shutil.
    assert not runs["hours"] & {"dataclasses", "inspect", "shutil"}
    assert "peewee" in runs["list"]  # a check that cannot fail is a defect: the report sees what was imported


def test_every_command_is_registered_by_the_module_the_table_names():
    """``helpdesk CMD`` builds the parser with ``COMMANDS[CMD]`` alone: each module must add
    exactly the commands the table gives it."""
    for module in set(cli_main.COMMANDS.values()):
        commands = argparse.ArgumentParser().add_subparsers()
        cli_main.load(module).register(commands)
        assert set(commands.choices) == {name for name, path in cli_main.COMMANDS.items() if path == module}, module
    every = cli_main.build_parser([], every=True)
    (subparsers,) = [a for a in every._actions if isinstance(a, argparse._SubParsersAction)]
    assert list(subparsers.choices) == list(cli_main.COMMANDS)


@pytest.mark.parametrize("columns", ["", "57", "0", "wide"])
def test_help_is_as_wide_as_shutil_says_the_terminal_is(monkeypatch, columns):
    monkeypatch.setenv("COLUMNS", columns)
    assert cli_main.terminal_columns() == shutil.get_terminal_size().columns
