"""The command line as a contract: customer text never acts on the terminal, usage errors exit 2,
a closed pipe ends quietly, `show` numbers messages the way `split` takes them."""

from __future__ import annotations

import json
import os
import pty
import socket
import subprocess
import sys

import pytest
from aiosmtpd.controller import Controller

from helpdesk.tui.cli.main import main

HOSTILE_SUBJECT = "Счёт \x1b]52;c;aGk=\x07 \x1b[2J \x9b31m Red\u202eTXT.exe\u200b"
HOSTILE_NAME = "Иван \x1b]0;pwned\x07 \u2066Петров\u2069"
HOSTILE_BODY = "Текст \x1b]52;c;aGk=\x07 \x1b[31mкрасный\x1b[0m \x9b31m\u202e"
UNSAFE = ("\x1b", "\x07", "\x9b", "\u202e", "\u200b", "\u2066")
CODE = "import sys; from helpdesk.tui.cli.main import main; sys.exit(main(sys.argv[1:]))"


@pytest.fixture
def cli(db_path, team, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("HELPDESK_CONFIG", str(tmp_path / "absent.toml"))
    monkeypatch.delenv("HELPDESK_NOW", raising=False)

    def run(*args, lang="en"):
        code = main(["--db", db_path, "--as", "petrova", "--lang", lang, "--now", "2026-11-25T10:00:00+03:00", *args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def hostile(cli):
    code, _, err = cli("new", "--product", "Fenix+ 3", "--subject", HOSTILE_SUBJECT, "--from", "ivan@example.ru",
                       "--name", HOSTILE_NAME, "--body", HOSTILE_BODY)  # fmt: skip
    assert code == 0, err
    return cli


@pytest.mark.parametrize("args", [("show", "1001"), ("list",), ("replies", "list"), ("outbox", "list")])
def test_stored_text_reaches_the_terminal_only_made_visible(hostile, args):
    code, out, err = hostile(*args)
    assert code == 0, err
    assert not any(ch in out + err for ch in UNSAFE)


def test_hostile_text_is_shown_with_visible_stand_ins(hostile):
    _, out, _ = hostile("show", "1001")
    assert "Red⟨U+202E⟩TXT.exe⟨U+200B⟩" in out and "␛]52;c;aGk=␇" in out and "\\x9b31m" in out


@pytest.mark.parametrize("args", [("show", "1001", "--json"), ("list", "--json")])
def test_json_is_valid_exact_and_inert(hostile, args):
    _, out, _ = hostile(*args)
    assert not any(ch in out for ch in UNSAFE)
    data = json.loads(out)
    subject = data["subject"] if isinstance(data, dict) else data[0]["subject"]
    assert subject == "Счёт ]52;c;aGk= [2J 31m Red\u202eTXT.exe\u200b"  # a subject loses its controls only
    if isinstance(data, dict):
        assert data["messages"][0]["body"] == HOSTILE_BODY  # the same text, escaped


def test_show_numbers_messages_as_split_takes_them_and_json_has_the_events(hostile):
    hostile("reply", "1001", "--body", "Ответ")
    _, out, _ = hostile("show", "1001")
    assert "--- 1. customer" in out and "--- 2. agent" in out
    data = json.loads(hostile("show", "1001", "--json")[1])
    assert [m["index"] for m in data["messages"]] == [1, 2]
    assert [(e["actor"], e["action"], e["old"], e["new"]) for e in data["events"]] == [
        ("email", "created", None, "1001"), ("petrova", "reply", None, "2"), ("petrova", "status", "new", "open"),
    ]  # fmt: skip
    code, out, err = hostile("split", "1001", "1")
    assert code == 0, err


def test_version(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0 and capsys.readouterr().out.startswith("helpdesk ")


@pytest.mark.parametrize(
    "args, words",
    [(("--now", "yesterday", "hours"), "ISO-8601"), (("--now", "9999-12-31T23:59+00:00", "list"), "outside the years"),
     (("--now", "0001-01-01T00:00+00:00", "hours"), "outside the years"), (("list", "--limit", "0"), "at least 1"),
     (("list", "--limit", "-1"), "at least 1")],
)  # fmt: skip
def test_bad_option_values_are_usage_errors(db_path, capsys, args, words):
    assert main(["--db", db_path, "--lang", "en", *args]) == 2
    err = capsys.readouterr().err
    assert words in err and err.count("\n") == 1 and "Traceback" not in err


def test_a_closed_pipe_ends_quietly(db_path, cli):
    for n in range(3):
        cli("new", "--product", "Fenix+ 3", "--subject", f"Вопрос {n}", "--from", "ivan@example.ru", "--body", "Текст")
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader (head) has gone before anything is written
    done = subprocess.run([sys.executable, "-c", CODE, "--db", db_path, "list"], stdout=write_end,
                          stderr=subprocess.PIPE, text=True, timeout=60)  # fmt: skip
    os.close(write_end)
    assert (done.returncode, done.stderr) == (0, "")


def test_a_mistyped_database_folder_is_not_created(tmp_path, capsys):
    target = tmp_path / "no-such-folder" / "desk.db"
    assert main(["--db", str(target), "--lang", "ru", "list"]) == 1
    assert "Нет такой папки" in capsys.readouterr().err and not target.parent.exists()


def test_a_server_url_without_its_driver_names_the_package(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if it were not installed
    assert main(["--db", "postgresql://agent@127.0.0.1:5432/desk", "--lang", "en", "list"]) == 1
    assert "pip install 'psycopg[binary]'" in capsys.readouterr().err


def test_a_server_that_cannot_be_reached_is_named_without_its_password(capsys):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert main(["--db", f"postgresql://agent:s3cret@127.0.0.1:{port}/desk", "--lang", "en", "list"]) == 1
    err = capsys.readouterr().err
    assert f"Cannot open the database postgresql://agent:***@127.0.0.1:{port}/desk" in err and "s3cret" not in err
    assert err.count("\n") == 1  # one line


def test_peewee_is_imported_without_the_postgresql_driver():
    """psycopg costs up to 150 ms to import: a command on SQLite never imports it."""
    code = ("import sys; import helpdesk.data.store.database, peewee; "
            "print('psycopg' in sys.modules, peewee.psycopg is None)")  # fmt: skip
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["False", "True"], done.stderr


def test_raw_mail_is_never_written_to_a_terminal(db_path, cli, tmp_path):
    raw = tmp_path / "not-mail.txt"
    raw.write_bytes(b"\x1b]52;c;aGk=\x07 just text\n")
    cli("ingest", str(raw))
    primary, secondary = pty.openpty()
    done = subprocess.run([sys.executable, "-c", CODE, "--db", db_path, "--lang", "en", "quarantine", "show", "1", "--raw"],
                          stdout=secondary, stderr=subprocess.PIPE, text=True, timeout=60)  # fmt: skip
    os.close(secondary)
    os.close(primary)
    assert done.returncode == 2 and "redirect it to a file" in done.stderr
    to_file = subprocess.run([sys.executable, "-c", CODE, "--db", db_path, "quarantine", "show", "1", "--raw"],
                             capture_output=True, timeout=60)  # fmt: skip
    assert to_file.returncode == 0 and to_file.stdout == raw.read_bytes()


class Refusing:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return "550 5.1.1 no such user"


def test_outbox_send_fails_when_a_delivery_failed_for_good(cli, tmp_path, monkeypatch):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = tmp_path / "config.toml"
    config.write_text(f'[mail]\nfrom = "support@fenix.example"\n[smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\n')
    monkeypatch.setenv("HELPDESK_CONFIG", str(config))
    cli("new", "--product", "Fenix+ 3", "--subject", "Вопрос", "--from", "nobody@example.ru", "--body", "Текст")
    cli("reply", "1001", "--body", "Ответ")
    controller = Controller(Refusing(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        code, out, err = cli("outbox", "send")
    finally:
        controller.stop()
    assert code == 1 and out.strip().endswith("0 sent, 0 to retry, 1 failed")
