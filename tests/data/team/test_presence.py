"""data/team/presence.py: heartbeats per app; rows that stop beating count as gone."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from helpdesk.data.store import models as m
from helpdesk.data.team import presence
from tests.factories import new_ticket


def test_others_see_an_app_on_a_ticket_and_what_it_writes(desk):
    number = new_ticket(desk)
    alice = replace(desk, agent="alice")
    presence.beat(alice, "app-a", number, None)
    (here,) = presence.others(desk, "app-p")
    assert (here.agent, here.number, here.composing, here.beat_at) == ("alice", number, None, desk.now())
    presence.beat(alice, "app-a", number, "note")
    assert [h.composing for h in presence.others(desk, "app-p")] == ["note"]
    assert m.Presence.select().count() == 1  # one row an app


def test_an_agent_does_not_see_themselves(desk):
    number = new_ticket(desk)
    presence.beat(desk, "app-p", number, None)
    presence.beat(desk, "app-p2", number, "reply")  # the same agent in a second session
    assert presence.others(desk, "app-p") == ()
    assert [h.agent for h in presence.others(replace(desk, agent="bob"), "app-b")] == ["petrova", "petrova"]


def test_a_row_that_stops_beating_is_gone_after_the_grace_time(desk):
    number = new_ticket(desk)
    presence.beat(replace(desk, agent="alice"), "app-a", number, None)
    (here,) = presence.others(desk, "app-p")
    desk.clock.advance(presence.GONE_AFTER - timedelta(seconds=1))
    assert here.alive(desk.now()) and len(presence.others(desk, "app-p")) == 1
    desk.clock.advance(timedelta(seconds=1))
    assert not here.alive(desk.now()) and presence.others(desk, "app-p") == ()


def test_leaving_removes_the_row_and_long_gone_rows_are_forgotten(desk):
    a, b = new_ticket(desk), new_ticket(desk)
    alice = replace(desk, agent="alice")
    presence.beat(alice, "app-dead", a, None)
    presence.beat(alice, "app-a", b, None)
    presence.leave("app-a")
    assert [h.number for h in presence.others(desk, "app-p")] == [a]
    desk.clock.advance(presence.FORGET_AFTER + timedelta(seconds=1))
    presence.beat(desk, "app-p", b, None)  # any app's beat clears rows long gone
    assert [row.app_id for row in m.Presence.select()] == ["app-p"]
