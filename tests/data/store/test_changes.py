"""data/store/changes.py: another connection's or process's commit is noticed, our own reads are
not, and a commit of the team's working state alone is not news for the screens.

On PostgreSQL the watcher is told by notifications (tests/data/store/test_changes_pg.py tests
the listening itself): ``poll`` here first waits until every notification committed so far has
arrived (``sync``, a no-op on SQLite, whose watcher reads the store when polled)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import peewee as pw

from helpdesk.data.core import values
from helpdesk.data.store import changes
from helpdesk.data.store import models as m
from helpdesk.data.store.changes import NOTHING, ChangeWatcher, Changes, DataVersionWatcher, FingerprintWatcher, ListenWatcher
from helpdesk.data.team import drafts, presence, seen
from helpdesk.data.tickets import operations as tk
from helpdesk.data.tickets import prepared_replies

ROOT = Path(__file__).resolve().parents[3]
CONTENT = Changes(committed=True, content=True)
TEAM_ONLY = Changes(committed=True, content=False)


def poll(watcher: ChangeWatcher) -> Changes:
    """The watcher's poll, once it knows of every commit made so far."""
    assert watcher.sync()
    return watcher.poll()


def new_ticket(desk, subject="Вопрос"):
    return tk.create_ticket(
        desk, values.NewTicket(subject=subject, body="Текст", customer_email="a@b.ru", product="Fenix+ 3")
    )


def test_a_commit_on_another_connection_is_seen_once(desk, db_path, db_kind):
    watcher = ChangeWatcher.for_current_store()
    assert isinstance(watcher, DataVersionWatcher if db_kind == "sqlite" else ListenWatcher)
    assert poll(watcher) == NOTHING  # the first call takes a baseline
    assert poll(watcher) == NOTHING
    new_ticket(desk)  # peewee's connection is not the watcher's
    assert poll(watcher) == CONTENT
    assert poll(watcher) == NOTHING
    if db_kind == "sqlite":  # (PostgreSQL's: test_changes_pg.py)
        other = sqlite3.connect(db_path)
        other.execute("UPDATE ticket SET subject = 'Другая тема'")
        other.commit()
        other.close()
        assert poll(watcher).committed is True  # not through the write path: no event, but a commit
    m.Ticket.select().count()  # reading changes nothing
    assert poll(watcher) == NOTHING
    watcher.close()


def test_a_commit_in_another_process_is_seen(desk, db_path):
    watcher = ChangeWatcher.for_current_store()
    poll(watcher)
    code = (
        "import sys; sys.path.insert(0, %r)\n"
        "from helpdesk.tui.cli.main import main\n"
        "sys.exit(main(['--db', %r, 'new', '--product', 'Fenix+ 3', '--subject', 'Из другого процесса',"
        " '--from', 'x@y.ru', '--body', 'Текст']))\n"
    ) % (str(ROOT), db_path)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert poll(watcher) == CONTENT
    assert m.Ticket.select().where(m.Ticket.subject == "Из другого процесса").count() == 1
    watcher.close()


def test_the_team_state_alone_is_a_commit_but_no_content_change(desk):
    number = new_ticket(desk).number
    watcher = ChangeWatcher.for_current_store()
    poll(watcher)
    presence.beat(desk, "app-1", number, None)
    assert poll(watcher) == TEAM_ONLY
    drafts.save(desk, number, "reply", "Здравствуйте")
    assert poll(watcher) == TEAM_ONLY
    seen.mark(desk, number, 1)
    assert poll(watcher) == TEAM_ONLY
    tk.set_priority(desk, number, "high")
    assert poll(watcher) == CONTENT
    watcher.close()


def test_deliveries_and_prepared_replies_are_content(desk):
    number = new_ticket(desk).number
    tk.add_reply(desk, number, "Ответ")  # queued for the customer's address
    watcher = ChangeWatcher.for_current_store()
    poll(watcher)
    m.Outbox.update(state="sent").execute()  # the outbox sender confirms: no event, still news
    assert poll(watcher) == CONTENT
    prepared_replies.create_reply(desk, "thanks", "Спасибо", "Спасибо за обращение!")
    assert poll(watcher) == CONTENT
    desk.clock.advance(timedelta(minutes=1))
    prepared_replies.update_reply(desk, "thanks", title="Благодарность")
    assert poll(watcher) == CONTENT
    prepared_replies.delete_reply("thanks")
    assert poll(watcher) == CONTENT
    watcher.close()


def test_fingerprint_fallback_sees_new_tickets_messages_and_presence(desk):
    watcher = FingerprintWatcher()
    assert poll(watcher) == NOTHING
    number = new_ticket(desk).number
    assert poll(watcher) == CONTENT
    assert poll(watcher) == NOTHING
    tk.add_system_message(desk, number, "Уведомление")  # a message alone (no ticket update) is a change too
    assert poll(watcher) == CONTENT
    presence.beat(desk, "app-1", number, "reply")
    assert poll(watcher) == TEAM_ONLY


def test_a_watcher_survives_its_connection_breaking(desk):
    watcher = ChangeWatcher.for_current_store()
    poll(watcher)
    watcher.close()  # e.g. closed under it: the next poll reopens and takes a new baseline
    assert poll(watcher) == NOTHING
    new_ticket(desk)
    assert poll(watcher) == CONTENT


def test_the_fingerprints_tell_nothing_while_the_store_cannot_be_read(desk, monkeypatch):
    watcher = FingerprintWatcher()
    watcher.poll()
    new_ticket(desk)

    def unreadable():
        raise pw.OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(changes, "content_fingerprint", unreadable)  # e.g. the server restarting
    assert watcher.poll() == NOTHING
    monkeypatch.undo()
    assert watcher.poll() == CONTENT  # compared with the fingerprints read before: nothing missed
