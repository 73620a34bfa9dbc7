"""bench/generate.py: the benchmark's large desk is whole, consistent with its own audit trail,
realistic in its mix, exact in its sizes, and the same for the same seed."""

from __future__ import annotations

import sqlite3
from collections import Counter
from datetime import datetime, timezone

import pytest

from bench.generate import LONGEST, generate, generate_file, generated_facts, longest_thread
from helpdesk.data.core.clock import parse_instant
from helpdesk.data.rules import statuses as st
from helpdesk.data.rules.desk import Desk
from helpdesk.data.rules.targets import compute_due_at
from helpdesk.data.store import models as m
from helpdesk.data.store.check import check_store
from helpdesk.data.store.database import open_store
from tests.factories import SEEDED_AT, SEEDED_BY

NOW = "2026-11-25T10:00:00+03:00"
TICKETS, MESSAGES = 1500, 15_000


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    path = tmp_path_factory.mktemp("generated") / "large.db"
    report = generate_file(path, TICKETS, MESSAGES, seed=11, now=parse_instant(NOW))
    return path, report


@pytest.fixture
def db(made):
    connection = sqlite3.connect(made[0])
    yield connection
    connection.close()


def rows(db, sql, *params):
    return db.execute(sql, params).fetchall()


def test_the_sizes_are_exact_and_reported(made, db):
    path, report = made
    assert (report.tickets, report.messages) == (TICKETS, MESSAGES)
    assert rows(db, "SELECT count(*) FROM ticket") == [(TICKETS,)]
    assert rows(db, "SELECT count(*) FROM message") == [(MESSAGES,)]
    assert report.events == rows(db, "SELECT count(*) FROM event")[0][0]
    assert 1.0 < report.events / report.messages < 2.0
    assert report.customers == rows(db, "SELECT count(*) FROM customer")[0][0]
    assert TICKETS / 10 < report.customers < TICKETS / 2  # customers write several times
    assert report.db_bytes == path.stat().st_size > 0 and report.seconds > 0


def test_the_longest_thread_has_exactly_500_messages_and_is_recorded(made, db):
    path, report = made
    number = longest_thread(path)
    assert number == report.longest_thread == generated_facts(path)["longest_thread"]
    assert rows(db, "SELECT count(*) FROM message JOIN ticket t ON t.id = ticket_id WHERE t.number = ?", number) == [(LONGEST,)]
    lengths = Counter(n for (n,) in rows(db, "SELECT count(*) FROM message GROUP BY ticket_id"))
    assert max(lengths) == LONGEST
    assert sum(c for n, c in lengths.items() if 2 <= n <= 15) > 0.8 * TICKETS
    assert sum(c for n, c in lengths.items() if n > 15) > 10  # a tail of long threads
    assert min(lengths) >= 1


def test_the_store_is_whole_and_opens_as_a_desk(made, regulation):
    db = open_store(str(made[0]), regulation, SEEDED_AT, creator=SEEDED_BY)
    try:
        assert check_store(db) == []
        assert m.Agent.get(m.Agent.login == SEEDED_BY).role == "admin"  # the creator may run the app
    finally:
        m.database_proxy.close()


def test_every_product_channel_and_status_and_both_languages(db, regulation):
    products = {name for (name,) in rows(db, "SELECT p.name FROM ticket JOIN product p ON p.id = product_id")}
    assert products == {p.name for p in regulation.products}
    assert {c for (c,) in rows(db, "SELECT DISTINCT channel FROM ticket")} == set(regulation.channels)
    statuses = Counter(s for (s,) in rows(db, "SELECT status FROM ticket"))
    assert set(statuses) == set(st.STATUSES)
    assert statuses[st.CLOSED] + statuses[st.RESOLVED] > 0.8 * TICKETS  # five years: mostly finished
    ended = rows(db, "SELECT count(*) FROM ticket t JOIN product p ON p.id = product_id "
                     "WHERE p.name IN ('Fenix+', 'Fenix+ 2') AND t.support_ended")[0][0]  # fmt: skip
    assert ended > 0
    bodies = [b for (b,) in rows(db, "SELECT body FROM message WHERE author_kind = 'customer'")]
    cyrillic = sum(1 for b in bodies if any("а" <= ch <= "я" for ch in b.lower()))
    assert 0.75 < cyrillic / len(bodies) < 0.95


def test_most_messages_are_written_in_working_hours(made, db, regulation):
    calendar = regulation.calendar
    stamps = [s for (s,) in rows(db, "SELECT created_at FROM message WHERE id % 7 = 0")]
    inside = sum(calendar.is_open(datetime.fromisoformat(s).replace(tzinfo=timezone.utc)) for s in stamps)
    assert inside / len(stamps) > 0.7
    first, last = rows(db, "SELECT min(created_at), max(created_at) FROM ticket")[0]
    assert first < "2022-01-01" and last < "2026-11-25 07:00"  # five years before "now", nothing after


def test_each_ticket_agrees_with_its_thread_and_its_trail(made, regulation):
    """No impossible state: the row's fields are what its messages and events say."""
    open_store(str(made[0]), regulation, SEEDED_AT, creator=SEEDED_BY)
    try:
        desk = Desk(regulation, agent="petrova")
        for ticket in m.Ticket.select():
            messages = list(ticket.messages.order_by(m.Message.created_at, m.Message.id))
            events = list(ticket.events.order_by(m.Event.id))
            first = messages[0]
            assert (first.author_kind, first.created_at) == ("customer", ticket.created_at)
            assert all(a.created_at <= b.created_at for a, b in zip(messages, messages[1:]))
            assert events[0].action == "created" and events[0].new_value == str(ticket.number)
            assert ticket.updated_at >= ticket.created_at
            replies = [x for x in messages if x.author_kind == "agent" and not x.is_note]
            assert ticket.first_response_at == (replies[0].created_at if replies else None)
            statuses = [e for e in events if e.action == "status"]
            if statuses:
                assert statuses[-1].new_value == ticket.status
                assert all(a.new_value == b.old_value for a, b in zip(statuses, statuses[1:]))
            else:
                assert ticket.status == st.NEW
            if ticket.status == st.NEW:
                assert ticket.assignee_id is None and not replies
            assert (ticket.resolved_at is not None) == (ticket.status in st.FINISHED)
            assert (ticket.waiting_since is not None) == (ticket.status == st.WAITING)
            assert ticket.due_at == compute_due_at(desk, ticket)
            referenced = {int(e.new_value) for e in events if e.action in ("reply", "note", "customer_message", "notice")}
            assert referenced == {x.id for x in messages[1:]}
            assert (ticket.out_of_hours and ticket.channel not in regulation.by_agent) == any(
                x.author_kind == "system" for x in messages)
    finally:
        m.database_proxy.close()


def test_ids_follow_time_across_the_desk(db):
    stamps = [s for (s,) in rows(db, "SELECT created_at FROM message ORDER BY id")]
    assert stamps == sorted(stamps)
    stamps = [s for (s,) in rows(db, "SELECT created_at FROM event ORDER BY id")]
    assert stamps == sorted(stamps)


def test_the_same_seed_gives_the_same_desk_and_another_seed_another(tmp_path):
    def content(seed: int, name: str) -> list:
        path = tmp_path / name
        generate_file(path, 120, 900, seed=seed, now=parse_instant(NOW))
        with sqlite3.connect(path) as db:
            return rows(db, "SELECT t.number, t.subject, t.status, t.created_at, m.body FROM ticket t "
                            "JOIN message m ON m.ticket_id = t.id ORDER BY m.id")  # fmt: skip

    assert content(3, "a.db") == content(3, "b.db")
    assert content(3, "a2.db") != content(4, "c.db")


def test_too_few_messages_are_refused_and_leave_no_file(tmp_path):
    with pytest.raises(ValueError, match="too few"):
        generate_file(tmp_path / "x.db", 1000, 1200, now=parse_instant(NOW))
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(FileExistsError):
        (tmp_path / "y.db").write_bytes(b"")
        generate_file(tmp_path / "y.db", 10, 100)


def test_a_stale_write_ahead_log_beside_the_new_file_is_not_taken_for_its_own(tmp_path):
    """A database deleted while an app had it open leaves its -wal behind: SQLite would apply
    it to a new file of that name, which then reads as another database or a malformed one."""
    path = tmp_path / "again.db"
    old = sqlite3.connect(path)
    old.execute("PRAGMA journal_mode = wal")
    old.execute("PRAGMA wal_autocheckpoint = 0")
    old.execute("CREATE TABLE gone (x)")
    old.executemany("INSERT INTO gone VALUES (?)", [("x" * 500,)] * 2000)
    old.commit()
    wal = (tmp_path / "again.db-wal").read_bytes()
    old.close()
    path.unlink()
    (tmp_path / "again.db-wal").write_bytes(wal)
    generate_file(path, 60, 600, now=parse_instant(NOW))
    with sqlite3.connect(path) as db:
        assert rows(db, "PRAGMA integrity_check") == [("ok",)]
        assert rows(db, "SELECT count(*) FROM ticket") == [(60,)]


def test_the_working_times_the_reports_count_are_stored(made, db):
    """What the write path stores with a first answer and a resolution (data/tickets/writes.py),
    so the report counts the generated desk in SQL as it would a real one."""
    from helpdesk.data.rules.regulation import load_regulation
    from helpdesk.data.rules.targets import working_us

    calendar = load_regulation().calendar
    utc = m.Ticket.created_at.python_value
    stored = rows(db, "SELECT created_at, first_response_at, resolved_at, first_response_work_us, resolution_work_us "
                      "FROM ticket")  # fmt: skip
    assert sum(1 for row in stored if row[1] is not None) > TICKETS / 2
    for created, answered, resolved, to_answer, to_resolve in stored:
        assert to_answer == working_us(calendar, utc(created), utc(answered))
        assert to_resolve == working_us(calendar, utc(created), utc(resolved))
