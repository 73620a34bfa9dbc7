"""data/tickets/undo.py: an agent undoes their own last change within a minute."""

from __future__ import annotations

import functools
from dataclasses import replace
from datetime import timedelta

import pytest

from helpdesk.data.core.clock import Clock
from helpdesk.data.core.config import OutboxSettings
from helpdesk.data.core.errors import Code, ConflictError, HelpdeskError
from helpdesk.data.delivery import outbox
from helpdesk.data.read.views import get_thread
from helpdesk.data.rules import statuses as st
from helpdesk.data.store import models as m
from helpdesk.data.tickets import operations as tickets
from helpdesk.data.tickets import triage
from helpdesk.data.tickets.split_merge import merge_tickets, split_ticket
from helpdesk.data.tickets.undo import UNDO_WINDOW, undo_last
from tests.factories import actions, register_agents, ticket_input

new = functools.partial(ticket_input, subject="Не открывается проект", body="Проект не открывается.")
SECOND = timedelta(seconds=1)


def outbox_settings() -> OutboxSettings:
    return OutboxSettings(max_attempts=3, first_retry_seconds=60, max_retry_seconds=3600)


@pytest.fixture
def ticket(desk):
    """#1001, answered by petrova (open), a second later."""
    tickets.create_ticket(desk, new())
    desk.clock.advance(SECOND)
    tickets.add_reply(desk, 1001, "Смотрим.")
    desk.clock.advance(SECOND)
    return 1001


def refused(desk, number: int, **kwargs) -> HelpdeskError:
    before = (tickets.get_ticket(number).version, m.Event.select().count())
    with pytest.raises(HelpdeskError) as caught:
        undo_last(desk, number, **kwargs)
    assert (tickets.get_ticket(number).version, m.Event.select().count()) == before  # nothing written
    return caught.value


def test_a_status_change_is_undone_as_a_new_event(desk, ticket):
    tickets.set_status(desk, ticket, st.WAITING)
    desk.clock.advance(timedelta(seconds=30))
    done = undo_last(desk, ticket)
    assert (done.kind, done.restored, done.withdrawn) == ("status", (("status", "waiting", "open"),), False)
    row = tickets.get_ticket(ticket)
    assert (row.status, row.waiting_since) == (st.OPEN, None)
    waiting = m.Event.get((m.Event.action == "status") & (m.Event.new_value == st.WAITING))
    assert actions(ticket)[-3:] == [
        ("status", "open", "waiting"),
        ("undone", "status", str(waiting.id)),
        ("status", "waiting", "open"),
    ]


def test_a_status_the_workflow_does_not_offer_is_put_back(desk, ticket):
    tickets.set_status(desk, ticket, st.REJECTED)  # rejected -> open is the only way on
    tickets.set_status(desk, ticket, st.OPEN)
    desk.clock.advance(SECOND)
    tickets.set_status(desk, ticket, st.WAITING)
    desk.clock.advance(SECOND)
    tickets.set_status(desk, ticket, st.REJECTED)
    undo_last(desk, ticket)
    assert tickets.get_ticket(ticket).status == st.WAITING  # rejected -> waiting: not a transition


def test_assignment_scope_and_priority_are_put_back(desk, ticket):
    register_agents("sidorov")
    tickets.assign_ticket(desk, ticket, "sidorov")
    desk.clock.advance(SECOND)
    assert undo_last(desk, ticket).restored == (("assignee", "sidorov", None),)
    assert tickets.get_ticket(ticket).assignee is None
    desk.clock.advance(SECOND)
    tickets.set_scope(desk, ticket, "installation")
    desk.clock.advance(SECOND)
    undo_last(desk, ticket)
    assert tickets.get_ticket(ticket).scope is None
    desk.clock.advance(SECOND)
    tickets.set_priority(desk, ticket, "high")
    due = tickets.get_ticket(ticket).due_at
    desk.clock.advance(SECOND)
    undo_last(desk, ticket)
    row = tickets.get_ticket(ticket)
    assert row.priority == "normal" and row.due_at != due  # the targets follow the priority back


def test_taking_a_colleagues_ticket_is_undone_back_to_them(desk, ticket):
    register_agents("sidorov")
    tickets.assign_ticket(replace(desk, agent="sidorov"), ticket, "sidorov")
    desk.clock.advance(SECOND)
    tickets.assign_ticket(desk, ticket, "petrova", force=True)
    desk.clock.advance(SECOND)
    undo_last(desk, ticket)
    assert tickets.get_ticket(ticket).assignee.login == "sidorov"


def test_only_within_a_minute(desk, ticket):
    tickets.set_status(desk, ticket, st.WAITING)
    desk.clock.advance(UNDO_WINDOW + SECOND)
    error = refused(desk, ticket)
    assert (error.code, error.params) == (Code.UNDO_TOO_LATE, {"number": ticket, "at": "10:00"})


def test_a_stale_view_is_refused_as_a_conflict(desk, ticket):
    read = tickets.get_ticket(ticket).version
    tickets.set_status(desk, ticket, st.WAITING)
    with pytest.raises(ConflictError) as stale:
        undo_last(desk, ticket, expected_version=read)
    assert (stale.value.code, stale.value.params) == (Code.TICKET_CHANGED, {"number": ticket})
    undo_last(desk, ticket, expected_version=read + 1)
    assert tickets.get_ticket(ticket).status == st.OPEN


def test_a_change_by_someone_else_since_refuses(desk, ticket):
    register_agents("sidorov")
    tickets.set_status(desk, ticket, st.WAITING)
    desk.clock.advance(SECOND)
    tickets.set_priority(replace(desk, agent="sidorov"), ticket, "high")
    error = refused(desk, ticket)
    assert (error.code, error.params) == (Code.UNDO_CHANGED_SINCE, {"number": ticket, "actor": "sidorov"})


def test_a_customer_answer_since_refuses(desk, ticket):
    tickets.set_status(desk, ticket, st.WAITING)
    desk.clock.advance(SECOND)
    tickets.add_customer_message(desk, ticket, "Вот файл.")
    error = refused(desk, ticket)
    assert (error.code, error.params) == (Code.UNDO_CHANGED_SINCE, {"number": ticket, "actor": "customer"})


def test_nothing_of_mine(desk):
    tickets.create_ticket(desk, new())
    error = refused(replace(desk, agent="sidorov"), 1001)
    assert (error.code, error.params) == (Code.UNDO_NOTHING, {"number": 1001})


def test_replies_notes_splits_and_undos_are_not_undone(desk, ticket):
    error = refused(desk, ticket)
    assert (error.code, error.params) == (Code.UNDO_NOT_UNDOABLE, {"number": ticket, "change": "reply"})
    tickets.add_reply(desk, ticket, "Заметка", note=True)
    assert refused(desk, ticket).params["change"] == "note"
    desk.clock.advance(SECOND)
    split_ticket(desk, ticket, 1)
    assert refused(desk, ticket).params["change"] == "split"
    assert refused(desk, 1002).params["change"] == "split"
    desk.clock.advance(SECOND)
    tickets.set_status(desk, ticket, st.RESOLVED)
    desk.clock.advance(SECOND)
    undo_last(desk, ticket)
    assert refused(desk, ticket).code == Code.UNDO_ALREADY


def test_a_ticket_an_agent_typed_in_is_not_undone(desk):
    tickets.create_ticket(desk, new(channel="phone", customer_name="Иван Петров"))
    assert refused(desk, 1001).params == {"number": 1001, "change": "created"}


def test_a_merge_cannot_be_undone(desk, ticket):
    tickets.create_ticket(desk, new())
    desk.clock.advance(SECOND)
    merge_tickets(desk, 1002, ticket)
    assert refused(desk, ticket).code == refused(desk, 1002).code == Code.UNDO_MERGE


# --- a rejection as out of scope --------------------------------------------------------------


def test_a_rejection_is_undone_while_its_reply_is_unsent(desk):
    tickets.create_ticket(desk, new())
    desk.clock.advance(SECOND)
    triage.triage(desk, 1001, "project_fixes")
    reply = get_thread(1001).messages[-1]
    assert tickets.get_ticket(1001).first_response_at is not None
    desk.clock.advance(timedelta(seconds=20))
    done = undo_last(desk, 1001)
    assert (done.kind, done.withdrawn) == ("rejection", True)
    assert done.restored == (("status", "rejected", "new"), ("scope", "project_fixes", None))
    row = tickets.get_ticket(1001)
    assert (row.status, row.scope, row.first_response_at) == (st.NEW, None, None)
    assert [r.state for r in m.Outbox.select().where(m.Outbox.message == reply.id)] == [outbox.WITHDRAWN]
    assert get_thread(1001).messages[-1].delivery == outbox.WITHDRAWN  # kept in the thread, marked
    assert outbox.due_ids(desk.now() + timedelta(days=1)) == []  # never sent
    with pytest.raises(HelpdeskError):
        outbox.retry(m.Outbox.get().id, desk.now())  # nor queued again


def test_a_rejection_whose_reply_went_out_is_not_undone(desk):
    tickets.create_ticket(desk, new())
    desk.clock.advance(SECOND)
    triage.triage(desk, 1001, "project_fixes")
    outbox.claim(m.Outbox.get().id, desk.now(), outbox_settings())  # a sender took it
    error = refused(desk, 1001)
    assert (error.code, error.params) == (Code.UNDO_REPLY_SENT, {"number": 1001})
    assert m.Outbox.get().state == outbox.QUEUED


def test_a_rejection_without_a_reply_keeps_the_earlier_first_response(desk, ticket):
    first = tickets.get_ticket(ticket).first_response_at
    tickets.set_status(desk, ticket, st.WAITING)
    desk.clock.advance(SECOND)
    triage.triage(desk, ticket, "expert_review", reply=False)
    done = undo_last(desk, ticket)
    assert (done.kind, done.withdrawn) == ("rejection", False)
    row = tickets.get_ticket(ticket)
    assert (row.status, row.scope, row.first_response_at) == (st.WAITING, None, first)


def test_withdraw_only_before_any_attempt(desk):
    tickets.create_ticket(desk, new())
    message = tickets.add_reply(desk, 1001, "Ответ")
    assert outbox.withdraw(message.id) is True and m.Outbox.get().state == outbox.WITHDRAWN
    other = tickets.add_reply(desk, 1001, "Ещё")
    row = m.Outbox.get(m.Outbox.message == other.id)
    outbox.claim(row.id, desk.now(), outbox_settings())
    assert outbox.withdraw(other.id) is False
    assert m.Outbox.get_by_id(row.id).state == outbox.QUEUED
    note = tickets.add_reply(desk, 1001, "Заметка", note=True)
    assert outbox.withdraw(note.id) is True  # nothing to withdraw: nothing goes out


class TickingClock(Clock):
    """A clock that moves a millisecond at every reading, as the app's does between statements."""

    def __init__(self, start):
        self.instant = start

    def now(self):
        self.instant += timedelta(milliseconds=1)
        return self.instant


def test_a_running_clock_still_undoes_one_change_whole(desk):
    """Each operation a rejection or an undo is made of reads the clock; they are one change."""
    running = replace(desk, clock=TickingClock(desk.now()))
    tickets.create_ticket(running, new())
    running.clock.instant += SECOND
    triage.triage(running, 1001, "project_fixes")
    assert undo_last(running, 1001).kind == "rejection"
    assert tickets.get_ticket(1001).status == st.NEW
    error = refused(running, 1001)
    assert error.code == Code.UNDO_ALREADY  # the undo's own events are one change: not undone in turn
