"""The agents a ticket can be assigned to: the active ones of the Agent table, read-only ones aside."""

from __future__ import annotations

from dataclasses import dataclass

from helpdesk.data.rules.desk import READ_ONLY
from helpdesk.data.store import models as m


@dataclass(frozen=True)
class AgentView:
    login: str
    display_name: str


def assignable() -> tuple[AgentView, ...]:
    """Active agents who may work tickets, by login."""
    A = m.Agent
    query = A.select(A.login, A.display_name).where((A.active == True) & (A.role != READ_ONLY))  # noqa: E712
    return tuple(AgentView(login, name or "") for login, name in query.order_by(A.login).tuples())
