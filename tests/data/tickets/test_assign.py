"""assign_ticket: only registered, active agents; a ticket someone has is not taken from them;
of two taking at once exactly one wins; events name the real user behind an admin's --as."""

from __future__ import annotations

from dataclasses import replace

import pytest

from helpdesk.data.core.errors import AccessError, Code, ConflictError, HelpdeskError, NotFoundError
from helpdesk.data.rules.desk import os_login
from helpdesk.data.store import agents
from helpdesk.data.store import models as m
from helpdesk.data.tickets import operations as tickets
from tests.factories import actions, new_ticket, register_agents
from tests.racing import OperationTaker, race


def assignee(number: int) -> str | None:
    ticket = tickets.get_ticket(number)
    return ticket.assignee.login if ticket.assignee_id else None


def test_a_login_nobody_registered_is_refused_and_no_agent_appears(desk):
    number = new_ticket(desk)
    with pytest.raises(NotFoundError) as unknown:
        tickets.assign_ticket(desk, number, "petrva")
    assert (unknown.value.code, unknown.value.params) == (
        Code.AGENT_UNKNOWN, {"login": "petrva", "agents": sorted([os_login(), "petrova"])})
    assert m.Agent.get_or_none(m.Agent.login == "petrva") is None
    assert assignee(number) is None and [a for a, *_ in actions(number)] == ["created"]


def test_a_disabled_agent_is_not_given_tickets(desk):
    number = new_ticket(desk)
    register_agents("sidorov")
    agents.set_active(desk, "sidorov", False)
    with pytest.raises(AccessError) as disabled:
        tickets.assign_ticket(desk, number, "sidorov")
    assert disabled.value.code == Code.AGENT_DISABLED and assignee(number) is None


def test_a_ticket_someone_has_is_taken_only_on_purpose(make_desk):
    petrova = make_desk(agent="petrova")
    number = new_ticket(petrova)
    tickets.assign_ticket(petrova, number, "petrova")
    sidorov = make_desk(agent="sidorov")
    for login in ("sidorov", None):  # taking it, or leaving it with nobody
        with pytest.raises(HelpdeskError) as taken:
            tickets.assign_ticket(sidorov, number, login)
        assert (taken.value.code, taken.value.params) == (Code.TICKET_TAKEN, {"number": number, "agent": "petrova"})
        assert not isinstance(taken.value, ConflictError)  # nothing to reload: it is simply someone's
    assert assignee(number) == "petrova"
    tickets.assign_ticket(sidorov, number, "sidorov", force=True)
    assert assignee(number) == "sidorov"
    tickets.assign_ticket(sidorov, number, "petrova")  # one's own ticket is given away freely
    tickets.assign_ticket(petrova, number, None)  # and given up
    assert [(old, new) for action, old, new in actions(number) if action == "assignee"] == [
        (None, "petrova"), ("petrova", "sidorov"), ("sidorov", "petrova"), ("petrova", None)]


def test_events_name_the_real_user_behind_someone_acting_as_another(desk):
    number = new_ticket(desk)
    tickets.assign_ticket(replace(desk, user="petrova"), number, "petrova")  # petrova herself
    tickets.set_status(replace(desk, user="root-admin"), number, "open")  # an admin as petrova
    real_users = [e.real_user for e in tickets.get_ticket(number).events.order_by(m.Event.id)]
    assert real_users[1:] == [None, "root-admin"]


def test_two_processes_taking_one_ticket_at_once_one_wins_the_other_is_told_who(db_path, make_desk):
    desk = make_desk(agent="petrova")
    register_agents("sidorov")
    numbers = [new_ticket(desk) for _ in range(20)]
    m.database_proxy.close()
    outcomes = race([OperationTaker(db_path, "petrova"), OperationTaker(db_path, "sidorov")], numbers)
    make_desk()
    for number in numbers:
        winners = [o.agent for o in outcomes[number] if o.won]
        assert len(winners) == 1, (number, outcomes[number])
        assert [o.said for o in outcomes[number] if not o.won] == winners  # the loser is told who has it
        assert assignee(number) == winners[0]
        assert [a for a, *_ in actions(number)].count("assignee") == 1
