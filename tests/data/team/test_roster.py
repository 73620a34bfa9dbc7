"""data/team/roster.py: who a ticket can be assigned to."""

from __future__ import annotations

from helpdesk.data.store import models as m
from helpdesk.data.team import roster


def test_active_agents_who_may_work_tickets_by_login(desk):
    m.Agent.delete().execute()  # only the agents made here (the fixture registers its own)
    m.Agent.create(login="sidorov", display_name="Сидоров")
    m.Agent.create(login="admin", role="admin")
    m.Agent.create(login="auditor", role="read_only")
    m.Agent.create(login="gone", active=False)
    m.Agent.create(login="alice")
    assert [(a.login, a.display_name) for a in roster.assignable()] == [
        ("admin", ""), ("alice", ""), ("sidorov", "Сидоров")
    ]
