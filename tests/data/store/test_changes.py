"""data/store/changes.py: another connection's or process's commit is noticed, our own reads are not."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from helpdesk.data.core import values
from helpdesk.data.store import models as m
from helpdesk.data.tickets import operations as tk
from helpdesk.data.store.changes import ChangeWatcher, DataVersionWatcher, FingerprintWatcher

ROOT = Path(__file__).resolve().parents[3]


def new_ticket(desk, subject="Вопрос"):
    return tk.create_ticket(
        desk, values.NewTicket(subject=subject, body="Текст", customer_email="a@b.ru", product="Fenix+ 3")
    )


def test_a_commit_on_another_connection_is_seen_once(desk, db_path):
    watcher = ChangeWatcher.for_current_store()
    assert isinstance(watcher, DataVersionWatcher)
    assert watcher.changed() is False  # the first call takes a baseline
    assert watcher.changed() is False
    new_ticket(desk)  # peewee's connection is not the watcher's
    assert watcher.changed() is True
    assert watcher.changed() is False
    other = sqlite3.connect(db_path)
    other.execute("UPDATE ticket SET subject = 'Другая тема'")
    other.commit()
    other.close()
    assert watcher.changed() is True
    m.Ticket.select().count()  # reading changes nothing
    assert watcher.changed() is False
    watcher.close()


def test_a_commit_in_another_process_is_seen(desk, db_path):
    watcher = ChangeWatcher.for_current_store()
    watcher.changed()
    code = (
        "import sys; sys.path.insert(0, %r)\n"
        "from helpdesk.tui.cli.main import main\n"
        "sys.exit(main(['--db', %r, 'new', '--product', 'Fenix+ 3', '--subject', 'Из другого процесса',"
        " '--from', 'x@y.ru', '--body', 'Текст']))\n"
    ) % (str(ROOT), db_path)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert watcher.changed() is True
    assert m.Ticket.select().where(m.Ticket.subject == "Из другого процесса").count() == 1
    watcher.close()


def test_fingerprint_fallback_sees_new_tickets_and_messages(desk):
    watcher = FingerprintWatcher()
    assert watcher.changed() is False
    number = new_ticket(desk).number
    assert watcher.changed() is True
    assert watcher.changed() is False
    tk.add_system_message(desk, number, "Уведомление")  # a message alone (no ticket update) is a change too
    assert watcher.changed() is True


def test_a_watcher_survives_its_connection_breaking(desk):
    watcher = ChangeWatcher.for_current_store()
    watcher.changed()
    watcher.close()  # e.g. closed under it: the next poll reopens and takes a new baseline
    assert watcher.changed() is False
    new_ticket(desk)
    assert watcher.changed() is True
