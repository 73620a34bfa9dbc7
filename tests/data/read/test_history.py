"""data/read/history.py: what an agent read of a ticket, and what changed since."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from helpdesk.data.core.errors import ConflictError, NotFoundError
from helpdesk.data.read.history import ReadPoint, changes_since, read_point
from helpdesk.data.rules import statuses as st
from helpdesk.data.tickets import operations as tk
from tests.factories import new_ticket


def test_the_read_point_is_the_version_and_the_newest_event(desk):
    number = new_ticket(desk)
    first = read_point(number)
    assert first.number == number and first.version == 1 and first.event_id > 0
    tk.set_priority(desk, number, "high")
    after = read_point(number)
    assert after.version == 2 and after.event_id > first.event_id


def test_changes_since_name_who_did_what_when_in_order(desk):
    number = new_ticket(desk)
    read = read_point(number)
    start = desk.now()
    alice = replace(desk, agent="alice")
    desk.clock.advance(timedelta(minutes=3))
    tk.set_status(alice, number, st.WAITING)
    desk.clock.advance(timedelta(minutes=2))
    tk.add_customer_message(desk, number, "Ответ клиента")
    changes = changes_since(number, read.event_id)
    assert [(e.actor, e.action, e.old_value, e.new_value) for e in changes.events] == [
        ("alice", "status", st.NEW, st.WAITING),
        ("customer", "customer_message", None, changes.events[1].new_value),
        ("customer", "status", st.WAITING, st.OPEN),
    ]
    assert [e.created_at - start for e in changes.events] == [timedelta(minutes=3), timedelta(minutes=5), timedelta(minutes=5)]
    assert changes.now == read_point(number) and changes.now.version == read.version + 2


def test_no_change_since_is_an_empty_list_with_the_same_read_point(desk):
    number = new_ticket(desk)
    read = read_point(number)
    assert changes_since(number, read.event_id).events == ()
    assert changes_since(number, read.event_id).now == read


def test_an_unknown_ticket_is_not_found(desk):
    with pytest.raises(NotFoundError):
        read_point(4242)
    with pytest.raises(NotFoundError):
        changes_since(4242, 0)


def test_a_write_on_the_read_point_of_the_changes_goes_through_where_the_old_one_is_refused(desk):
    number = new_ticket(desk)
    read = read_point(number)
    tk.set_priority(replace(desk, agent="alice"), number, "high")
    with pytest.raises(ConflictError):
        tk.set_priority(desk, number, "low", expected_version=read.version)
    now = changes_since(number, read.event_id).now
    assert now == ReadPoint(number, read.version + 1, now.event_id) and now.event_id > read.event_id
    tk.set_priority(desk, number, "low", expected_version=now.version)
    assert tk.get_ticket(number).priority == "low"
