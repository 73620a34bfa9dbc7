"""The composer's unsent text, one draft per agent and ticket, saved as it is typed.

The thread view saves the draft a second after the agent stops typing and restores it when they
open that ticket again, after a crash, a kill or a dropped SSH connection too. Sending removes
it in the same transaction that stores the reply (``send``): a reply is never both sent and
still a draft. Discarding the text removes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from helpdesk.data.core.errors import Code, NotFoundError
from helpdesk.data.rules.desk import Desk
from helpdesk.data.store import models as m
from helpdesk.data.tickets import operations as ops

D, T = m.Draft, m.Ticket
REPLY, NOTE = "reply", "note"


@dataclass(frozen=True)
class DraftView:
    number: int
    kind: str  # reply / note
    body: str
    saved_at: datetime


def _ticket_id(number: int) -> int:
    ticket_id = T.select(T.id).where(T.number == number).scalar()
    if ticket_id is None:
        raise NotFoundError(Code.TICKET_NOT_FOUND, number=number)
    return ticket_id


def save(desk: Desk, number: int, kind: str, body: str) -> None:
    """Keep ``body`` as the agent's draft on ticket ``number`` (blank text removes the draft)."""
    if not body.strip():
        discard(desk, number)
        return
    with m.database_proxy.atomic():
        (
            D.insert(agent=desk.agent, ticket=_ticket_id(number), kind=kind, body=body, saved_at=desk.now())
            .on_conflict(conflict_target=[D.agent, D.ticket], update={D.kind: kind, D.body: body, D.saved_at: desk.now()})
            .execute()
        )


def load(desk: Desk, number: int) -> DraftView | None:
    """The agent's draft on ticket ``number``, if any."""
    row = (
        D.select(D.kind, D.body, D.saved_at)
        .join(T, on=(D.ticket == T.id))
        .where((D.agent == desk.agent) & (T.number == number))
        .first()
    )
    return None if row is None else DraftView(number, row.kind, row.body, row.saved_at)


def discard(desk: Desk, number: int) -> None:
    """Remove the agent's draft on ticket ``number`` (none: nothing to do)."""
    D.delete().where((D.agent == desk.agent) & (D.ticket.in_(T.select(T.id).where(T.number == number)))).execute()


def numbers(agent: str) -> frozenset[int]:
    """The tickets ``agent`` has a draft on (an agent has a handful: one small query)."""
    query = T.select(T.number).join(D, on=(D.ticket == T.id)).where(D.agent == agent)
    return frozenset(number for (number,) in query.tuples())


def send(desk: Desk, number: int, body: str, *, note: bool = False, expected_version: int | None = None) -> m.Message:
    """Store the reply or note (data/tickets/operations.py add_reply) and remove the draft, together."""
    with m.database_proxy.atomic():
        message = ops.add_reply(desk, number, body, note=note, expected_version=expected_version)
        discard(desk, number)
    return message
