"""data/team/seen.py: what each agent has seen; unread tickets by page and by tab."""

from __future__ import annotations

from dataclasses import replace

from helpdesk.data.read import queue as dq
from helpdesk.data.read.history import read_point
from helpdesk.data.rules import statuses as st
from helpdesk.data.store import models as m
from helpdesk.data.team import seen
from helpdesk.data.tickets import operations as tk
from tests.factories import new_ticket


def test_without_a_baseline_every_ticket_with_others_events_is_unread(desk):
    a, b = new_ticket(desk), new_ticket(desk)  # "created" by the e-mail channel: someone else
    assert seen.unread("petrova", [a, b]) == {a, b}


def test_the_baseline_makes_the_trail_so_far_read_and_is_written_once(desk):
    old = new_ticket(desk)
    seen.start(desk)
    newer = new_ticket(desk)
    seen.start(desk)  # a second start keeps the first baseline
    assert m.TicketSeen.select().where(m.TicketSeen.ticket.is_null()).count() == 1
    assert seen.unread("petrova", [old, newer]) == {newer}
    assert seen.unread("alice", [old, newer]) == {old, newer}  # alice has no baseline yet


def test_opening_a_ticket_marks_it_read_until_someone_else_changes_it(desk):
    seen.start(desk)
    number = new_ticket(desk)
    assert seen.mark(desk, number, read_point(number).event_id) is True
    assert seen.mark(desk, number, read_point(number).event_id) is False  # nothing new
    assert seen.unread("petrova", [number]) == frozenset()
    tk.add_reply(desk, number, "Мой ответ")  # my own change does not make it unread
    assert seen.unread("petrova", [number]) == frozenset()
    tk.set_status(replace(desk, agent="alice"), number, st.WAITING)
    assert seen.unread("petrova", [number]) == {number}
    assert seen.mark(desk, number, read_point(number).event_id) is True
    assert seen.unread("petrova", [number]) == frozenset()


def test_a_mark_never_moves_back(desk):
    number = new_ticket(desk)
    newest = read_point(number).event_id
    seen.mark(desk, number, newest)
    assert seen.mark(desk, number, newest - 1) is False
    assert m.TicketSeen.get(m.TicketSeen.agent == "petrova").last_event_id == newest


def test_unread_counts_by_tab_follow_the_filter(desk):
    seen.start(desk)
    fresh = new_ticket(desk, product="Fenix+ 3")
    other = new_ticket(desk, product="Fenix+ 2")
    opened = new_ticket(desk)
    tk.set_status(replace(desk, agent="alice"), opened, st.OPEN)
    counts = seen.unread_by_tab(dq.QueueFilter(agent="petrova"), "petrova")
    assert counts == {"new": 2, "open": 1, "waiting": 0, "resolved": 0, "all": 3}
    only = seen.unread_by_tab(dq.QueueFilter(agent="petrova", product="Fenix+ 2"), "petrova")
    assert only["all"] == 1 and only["new"] == 1
    seen.mark(desk, fresh, read_point(fresh).event_id)
    assert seen.unread_by_tab(dq.QueueFilter(agent="petrova"), "petrova")["new"] == 1
    assert seen.unread("petrova", [fresh, other, opened]) == {other, opened}


def test_many_numbers_are_asked_in_chunks(desk):
    number = new_ticket(desk)
    asked = [number, *range(100_000, 100_000 + 2 * seen.CHUNK)]
    assert seen.unread("petrova", asked) == {number}


def test_a_page_of_marks_and_the_tab_counts_are_one_query_each(desk, monkeypatch):
    numbers = [new_ticket(desk) for _ in range(50)]
    db = m.database_proxy.obj
    statements = []
    original = db.execute_sql
    monkeypatch.setattr(db, "execute_sql", lambda sql, *args, **kwargs: statements.append(sql) or original(sql, *args, **kwargs))
    assert seen.unread("petrova", numbers) == set(numbers)
    assert len(statements) == 1
    assert seen.unread_by_tab(dq.QueueFilter(agent="petrova"), "petrova")["new"] == 50
    assert len(statements) == 2
