"""data/team/activity.py: the notices an agent gets from the audit trail's new events."""

from __future__ import annotations

from dataclasses import replace

from helpdesk.data.team import activity
from helpdesk.data.tickets import operations as tk
from tests.factories import new_ticket, register_agents


def kinds(result):
    return [(n.kind, n.number, n.actor, n.assignee) for n in result.notices]


def test_a_new_ticket_is_for_everyone_but_whoever_made_it(desk):
    start = activity.newest_event_id()
    number = new_ticket(desk)  # by the e-mail channel
    assert kinds(activity.since("petrova", start)) == [(activity.NEW_TICKET, number, "email", None)]
    phoned = new_ticket(desk, channel="phone")  # petrova registered it herself
    assert [n.number for n in activity.since("petrova", start).notices] == [number]
    assert [n.number for n in activity.since("alice", start).notices] == [number, phoned]


def test_an_answer_on_your_ticket_and_assignments_by_others(desk):
    register_agents("alice", "bob")
    number = new_ticket(desk)
    alice, bob = replace(desk, agent="alice"), replace(desk, agent="bob")
    start = activity.newest_event_id()
    tk.assign_ticket(bob, number, "alice")
    tk.add_customer_message(desk, number, "Спасибо, но не помогло")
    tk.assign_ticket(bob, number, "bob", force=True)
    result = activity.since("alice", start)
    assert kinds(result) == [(activity.ASSIGNED_TO_YOU, number, "bob", None),
                             (activity.TAKEN_FROM_YOU, number, "bob", "bob")]  # fmt: skip
    # The answer came while the ticket was alice's, but it is bob's now: it is his news.
    assert kinds(activity.since("bob", start)) == [(activity.CUSTOMER_ANSWER, number, "customer", None)]
    assert result.newest == activity.newest_event_id() and not result.more
    assert activity.since("alice", result.newest).notices == ()
    tk.assign_ticket(alice, number, "alice", force=True)  # her own action: no notice for her
    assert activity.since("alice", result.newest).notices == ()


def test_unrelated_changes_tell_nobody(desk):
    register_agents("alice")
    number = new_ticket(desk)
    start = activity.newest_event_id()
    tk.set_priority(replace(desk, agent="alice"), number, "high")
    tk.add_reply(replace(desk, agent="alice"), number, "Ответ")
    assert activity.since("petrova", start).notices == ()


def test_a_flood_is_cut_at_the_limit_and_says_so(desk, monkeypatch):
    monkeypatch.setattr(activity, "LIMIT", 3)
    start = activity.newest_event_id()
    numbers = [new_ticket(desk) for _ in range(5)]
    result = activity.since("petrova", start)
    assert [n.number for n in result.notices] == numbers[:3] and result.more
    assert result.newest == activity.newest_event_id()
