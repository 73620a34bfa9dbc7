"""data/tickets/triage.py: scope categories and rejecting out-of-scope requests (regulation 1.4)."""

import functools
from datetime import timedelta

import pytest

from helpdesk.data.store import models as m
from helpdesk.data.rules import statuses as st
from helpdesk.data.tickets import operations as tickets
from helpdesk.data.tickets import triage
from helpdesk.data.core.errors import Code, ConflictError, TransitionError, ValidationError
from helpdesk.data.read.views import get_thread
from tests.factories import actions, register_agents, ticket_input


new = functools.partial(
    ticket_input, subject="Исправьте наш проект", body="Пришлём проект, поправьте ошибки экспертизы."
)


def test_six_in_scope_then_three_out_of_scope_in_the_agents_language(desk):
    ru = triage.scope_choices(desk, "ru")
    assert [c.in_scope for c in ru] == [True] * 6 + [False] * 3
    assert [c.key for c in ru] == [
        "improvement", "account_access", "installation", "documentation", "how_it_works", "defect",
        "project_fixes", "expert_review", "regulations",
    ]  # fmt: skip
    assert ru[6].label == "Доработка и исправление проектов пользователей"
    assert triage.scope_choices(desk, "en")[6].label == "Revising and fixing users' projects"


def test_in_scope_category_is_only_recorded(desk):
    tickets.create_ticket(desk, new())
    triage.triage(desk, 1001, "installation")
    ticket = tickets.get_ticket(1001)
    assert (ticket.scope, ticket.status) == ("installation", st.NEW)
    assert len(get_thread(1001).messages) == 1


def test_out_of_scope_records_replies_with_the_rule_and_rejects(desk):
    tickets.create_ticket(desk, new())
    desk.clock.advance(timedelta(minutes=20))
    text = triage.out_of_scope_reply(desk, 1001, "project_fixes")
    assert "«Доработка и исправление проектов пользователей»" in text
    assert "раздел 1.4" in text and "№1001" in text
    version = tickets.get_ticket(1001).version
    triage.reject_out_of_scope(desk, 1001, "project_fixes", text, expected_version=version)
    ticket = tickets.get_ticket(1001)
    assert (ticket.scope, ticket.status) == ("project_fixes", st.REJECTED)
    assert ticket.first_response_at == desk.now() and ticket.resolved_at == desk.now()
    assert ticket.due_at is None
    reply = get_thread(1001).messages[-1]
    assert (reply.kind, reply.body) == ("agent", text)
    assert [a for a, *_ in actions(1001)] == ["created", "scope", "reply", "status", "status"]
    assert actions(1001)[-1] == ("status", "open", "rejected")


def test_rejection_can_be_undone_by_reopening(desk):
    tickets.create_ticket(desk, new())
    triage.triage(desk, 1001, "expert_review")
    tickets.set_status(desk, 1001, st.OPEN)  # undoing a rejection is reopening
    ticket = tickets.get_ticket(1001)
    assert ticket.status == st.OPEN and ticket.resolved_at is None
    assert ticket.due_at is not None  # the clock runs again
    assert ticket.scope == "expert_review"  # recorded until someone chooses another
    triage.triage(desk, 1001, "how_it_works")
    assert tickets.get_ticket(1001).scope == "how_it_works"


def test_reject_is_one_transaction(desk):
    tickets.create_ticket(desk, new())
    stale = tickets.get_ticket(1001).version
    register_agents("sidorov")
    tickets.assign_ticket(desk, 1001, "sidorov")
    with pytest.raises(ConflictError) as changed:
        triage.reject_out_of_scope(desk, 1001, "regulations", "Текст", expected_version=stale)
    assert (changed.value.code, changed.value.params) == (Code.TICKET_CHANGED, {"number": 1001})
    m.Ticket.update(status=st.RESOLVED).execute()
    with pytest.raises(TransitionError):
        triage.reject_out_of_scope(desk, 1001, "regulations", "Текст")
    ticket = tickets.get_ticket(1001)
    assert ticket.scope is None and ticket.status == st.RESOLVED
    assert len(get_thread(1001).messages) == 1


def test_an_in_scope_key_cannot_reject_and_an_unknown_key_lists_the_known(desk):
    tickets.create_ticket(desk, new())
    with pytest.raises(ValidationError) as in_scope:
        triage.reject_out_of_scope(desk, 1001, "defect", "x")
    assert (in_scope.value.field, in_scope.value.code, in_scope.value.params) == ("scope", Code.SCOPE_IN_SCOPE, {"scope": "defect"})
    with pytest.raises(ValidationError) as unknown:
        triage.triage(desk, 1001, "astrology")
    assert (unknown.value.code, unknown.value.params["scope"]) == (Code.SCOPE_UNKNOWN, "astrology")
    assert unknown.value.params["scopes"] == [c.key for c in desk.regulation.scope] and "improvement" in unknown.value.params["scopes"]


def test_no_reply_rejects_silently(desk):
    tickets.create_ticket(desk, new())
    triage.triage(desk, 1001, "regulations", reply=False)
    ticket = tickets.get_ticket(1001)
    assert ticket.status == st.REJECTED and ticket.first_response_at is None
    assert len(get_thread(1001).messages) == 1


def test_reply_is_in_the_customer_language(desk, regulation):
    desk.regulation = regulation._replace(customer_language="en")
    tickets.create_ticket(desk, new())
    triage.triage(desk, 1001, "regulations")
    body = get_thread(1001).messages[-1].body
    assert "“Explaining technical regulations, codes of practice, methods and other normative documents”" in body
    assert body.startswith("Hello Иван Петров,")


def test_default_text_is_used_when_the_prepared_reply_is_missing(desk):
    """It cannot be deleted, and comes back on open; a store another program changed still rejects."""
    m.PreparedReply.delete().where(m.PreparedReply.key == "out_of_scope").execute()
    tickets.create_ticket(desk, new())
    assert "«Доработка и исправление проектов пользователей»" in triage.out_of_scope_reply(desk, 1001, "project_fixes")


def test_the_queue_filters_by_scope_category(desk):
    from helpdesk.data.read import queue as dq

    for _ in range(3):
        tickets.create_ticket(desk, new())
    triage.triage(desk, 1001, "installation")
    triage.triage(desk, 1002, "project_fixes", reply=False)

    def numbers(**kw):
        return [r.number for r in dq.fetch_rows(dq.QueueFilter(tab="all", sort="number", **kw), 0, 50)]

    assert numbers(scope="installation") == [1001]
    assert numbers(scope="project_fixes") == [1002]
    assert numbers(scope="") == [1003]  # not decided yet
    assert sorted(numbers()) == [1001, 1002, 1003]
    assert dq.count_tabs(dq.QueueFilter(scope="project_fixes"))["resolved"] == 1  # rejected
