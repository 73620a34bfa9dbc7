"""``helpdesk outbox send --watch``: the one owner of sending keeps sending what falls due, with
the mail identity it read from the settings file (wired through the composition root)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

from aiosmtpd.controller import Controller

from helpdesk.tui.cli.main import main
from tests.tui.test_cli_intake import Inbox


def wait_for(condition, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_watch_sends_what_falls_due_until_stopped(tmp_path, db_path, team, monkeypatch):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = tmp_path / "config.toml"
    config.write_text(f'[mail]\nfrom = "support@fenix.example"\n[smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\n')
    monkeypatch.setenv("HELPDESK_CONFIG", str(config))
    db = db_path
    common = ["--db", db, "--as", "petrova", "--lang", "en"]
    at_work = ["--now", "2026-11-25T10:00:00+03:00"]  # in working hours: no out-of-hours notice is queued
    assert main([*common, *at_work, "new", "--product", "Fenix+ 3", "--subject", "Вопрос", "--from", "ivan@example.ru", "--body", "Текст"]) == 0
    assert main([*common, *at_work, "reply", "1001", "--body", "Первый ответ"]) == 0

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    env = dict(os.environ, HELPDESK_CONFIG=str(config), PYTHONUNBUFFERED="1")
    code = "import sys; from helpdesk.tui.cli.main import main; sys.exit(main(sys.argv[1:]))"
    watcher = subprocess.Popen([sys.executable, "-c", code, *common, "outbox", "send", "--watch", "0.1"],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert wait_for(lambda: len(inbox.received) == 1), "the queued reply was not sent"
        assert main([*common, *at_work, "reply", "1001", "--body", "Второй ответ"]) == 0  # written while it watches
        assert wait_for(lambda: len(inbox.received) == 2), "a reply queued later was not sent"
    finally:
        watcher.terminate()
        out, err = watcher.communicate(timeout=30)
        controller.stop()
    assert "#1001 sent to ivan@example.ru (email)" in out
    # The Message-ID domain came from [mail] from, read once by the CLI and carried by the Desk.
    assert all(b"@fenix.example>" in mail.split(b"Message-ID:", 1)[1].split(b"\n", 1)[0] for mail in inbox.received)
