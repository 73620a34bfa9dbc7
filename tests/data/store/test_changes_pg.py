"""data/store/changes.py on PostgreSQL: the store's triggers notify at commit (once per kind and
transaction, never for a write rolled back), the listening watcher is woken by another
connection's commit, falls back to the fingerprints while its connection is down, and connects
again after a server restart and says so once.

Every wait here waits for an event (the watcher's ``wake``), bounded by ``BOUND`` only so a
broken build fails instead of hanging."""

from __future__ import annotations

import threading

import psycopg
import pytest

from helpdesk.data.core.clock import FixedClock, parse_instant
from helpdesk.data.rules.desk import Desk
from helpdesk.data.store import models as m
from helpdesk.data.store.changes import (
    CHANNEL, CONTENT, NOTHING, TEAM, Changes, ListenWatcher, install_notices, missing_notices, notice_triggers,
)  # fmt: skip
from helpdesk.data.store.database import open_store
from helpdesk.data.team import presence
from helpdesk.data.tickets import operations as tk
from tests.factories import SEEDED_AT, SEEDED_BY, new_ticket, register_agents

NOW = "2026-11-25T10:00:00+03:00"
BOUND = 30  # seconds: what a loaded machine may take at most, never a wait in itself
CONTENT_CHANGE = Changes(committed=True, content=True)
TEAM_ONLY = Changes(committed=True, content=False)


def _desk(url: str, regulation) -> Desk:
    open_store(url, regulation, SEEDED_AT, creator=SEEDED_BY)
    register_agents("petrova")
    return Desk(regulation, FixedClock(parse_instant(NOW)), "petrova")


@pytest.fixture
def pg_url(pg_database, pg_template):
    return pg_database(pg_template)


@pytest.fixture
def pg_desk(pg_url, regulation):
    return _desk(pg_url, regulation)


class Woken:
    """A watcher's ``wake``: an event the test waits for."""

    def __init__(self) -> None:
        self.event = threading.Event()

    def __call__(self) -> None:
        self.event.set()

    def wait(self) -> None:
        assert self.event.wait(BOUND), "the watcher was not woken"
        self.event.clear()


@pytest.fixture
def listening(pg_desk):
    """A ListenWatcher on the test's store, its baseline taken (listening), woken into ``.woken``."""
    woken = Woken()
    watcher = ListenWatcher(m.database_proxy.obj, wake=woken)
    watcher.woken = woken
    assert watcher.poll() == NOTHING and watcher.listening
    yield watcher
    watcher.close()


def raw_connection(url: str) -> psycopg.Connection:
    """A connection of the test's own: another agent's process, as far as the store can tell."""
    name = url.rsplit("/", 1)[1]
    host_port = url.split("@", 1)[1].split("/", 1)[0]
    host, port = host_port.split(":")
    return psycopg.connect(host=host, port=int(port), user="postgres", dbname=name)


def test_a_commit_by_another_connection_wakes_the_listener(pg_desk, pg_url, listening):
    number = new_ticket(pg_desk)
    listening.woken.wait()
    assert listening.poll() == CONTENT_CHANGE
    assert not listening.needs_poll() and listening.poll() == NOTHING
    with raw_connection(pg_url) as other:  # not through the write path: the triggers still tell
        other.execute('UPDATE "ticket" SET "subject" = %s WHERE "number" = %s', ("Другая тема", number))
        other.commit()
        listening.woken.wait()
        assert listening.needs_poll() and listening.poll() == CONTENT_CHANGE
        other.execute('INSERT INTO "presence" ("app_id", "agent", "ticket_id", "composing", "beat_at") '
                      'SELECT %s, %s, "id", NULL, %s FROM "ticket" WHERE "number" = %s',
                      ("app-x", "sidorov", "2026-11-25 07:00:00.000000", number))  # fmt: skip
        other.commit()
        listening.woken.wait()
        assert listening.poll() == TEAM_ONLY  # the team's working state: no reload of the screens


def test_a_rolled_back_write_sends_nothing(pg_desk, listening):
    number = new_ticket(pg_desk)
    listening.woken.wait()
    listening.poll()
    db = m.database_proxy.obj
    with db.atomic() as transaction:
        tk.set_priority(pg_desk, number, "high")
        presence.beat(pg_desk, "app-1", number, None)
        transaction.rollback()
    assert listening.sync()  # a notification committed after the rollback has arrived: nothing before it
    assert listening.poll() == NOTHING and tk.get_ticket(number).priority != "high"
    tk.set_priority(pg_desk, number, "high")  # the same write, committed: told
    listening.woken.wait()
    assert listening.poll() == CONTENT_CHANGE


def test_a_transaction_sends_one_short_notification_per_kind(pg_desk, pg_url):
    with raw_connection(pg_url) as listener:
        listener.autocommit = True
        listener.execute(f'LISTEN "{CHANNEL}"')
        with m.database_proxy.obj.atomic():
            numbers = [new_ticket(pg_desk, subject=f"Вопрос {i}") for i in range(3)]
            for number in numbers:
                tk.add_reply(pg_desk, number, "Ответ")
                presence.beat(pg_desk, f"app-{number}", number, None)
        received = [notice.payload for notice in listener.notifies(timeout=BOUND, stop_after=2)]
        received += [notice.payload for notice in listener.notifies(timeout=0)]  # none may follow
    assert sorted(received) == [CONTENT, TEAM]


def test_an_update_that_changes_nothing_sends_nothing(pg_desk, listening):
    number = new_ticket(pg_desk)
    listening.woken.wait()
    listening.poll()
    m.Ticket.update(subject=m.Ticket.subject).where(m.Ticket.number == number).execute()
    assert listening.sync()
    assert listening.poll() == NOTHING


def test_a_desk_opened_by_this_version_gets_the_triggers(pg_url, regulation):
    _desk(pg_url, regulation)
    db = m.database_proxy.obj
    assert missing_notices(db) == []
    for name in notice_triggers():  # a desk made before them: no triggers, no function
        table = name.rsplit("_notice_", 1)[0]
        db.execute_sql(f'DROP TRIGGER "{name}" ON "{table}"')
    db.execute_sql('DROP FUNCTION "hd_change_notice"()')
    assert len(missing_notices(db)) == len(notice_triggers()) + 1
    m.database_proxy.close()
    open_store(pg_url, regulation, SEEDED_AT, creator=SEEDED_BY)
    assert missing_notices(m.database_proxy.obj) == []
    install_notices(m.database_proxy.obj)  # again: nothing to do
    assert missing_notices(m.database_proxy.obj) == []


def test_while_the_connection_is_down_the_fingerprints_tell_then_its_return_is_reported(pg_desk, pg_url, pg_cluster, listening):
    name = pg_url.rsplit("/", 1)[1]
    listening.retry_seconds = 0.05
    pid = m.database_proxy.execute_sql(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'helpdesk changes'"
    ).fetchone()[0]
    pg_cluster.sql(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')  # it cannot come back yet
    try:
        pg_cluster.sql(f"SELECT pg_terminate_backend({pid})")
        listening.woken.wait()  # the drop: poll now, the fingerprints' baseline
        assert not listening.listening and listening.needs_poll()
        assert listening.poll() == NOTHING
        new_ticket(pg_desk)  # (the store's own connection stays)
        assert listening.poll() == CONTENT_CHANGE  # read from the fingerprints
        assert listening.poll() == NOTHING
    finally:
        pg_cluster.sql(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
    listening.woken.wait()  # connected again
    assert listening.listening
    assert listening.poll() == CONTENT_CHANGE  # something may have changed meanwhile: once
    assert not listening.needs_poll() and listening.poll() == NOTHING
    new_ticket(pg_desk)
    listening.woken.wait()
    assert listening.poll() == CONTENT_CHANGE  # listening again


def test_after_a_server_restart_the_listener_connects_again_and_reports(own_server, regulation):
    desk = _desk(own_server.url(own_server.create_database()), regulation)
    woken = Woken()
    watcher = ListenWatcher(m.database_proxy.obj, wake=woken, retry_seconds=0.1)
    try:
        assert watcher.poll() == NOTHING and watcher.listening
        own_server.restart()  # every session ends, the listener's too
        while True:  # woken by the drop, then by the return (or once, if it was back already)
            woken.wait()
            found = watcher.poll()
            if watcher.listening and found == CONTENT_CHANGE:
                break
        assert watcher.poll() == NOTHING
        new_ticket(desk)
        woken.wait()
        assert watcher.poll() == CONTENT_CHANGE
    finally:
        watcher.close()


def test_a_closed_watcher_stops_listening_and_starts_again_when_polled(pg_desk, listening):
    listening.close()
    assert not listening.listening
    assert listening.poll() == NOTHING and listening.listening  # a new baseline
    new_ticket(pg_desk)
    listening.woken.wait()
    assert listening.poll() == CONTENT_CHANGE
