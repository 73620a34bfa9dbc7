"""Links between tickets left by split and merge, and following a merged duplicate to its target."""

from __future__ import annotations

from datetime import datetime

from helpdesk.data.store import models as m
from helpdesk.data.tickets.lookup import get_ticket

SPLIT_FROM, SPLIT_INTO, MERGED_INTO, MERGED_FROM = "split_from", "split_into", "merged_into", "merged_from"
LINK_KINDS = (SPLIT_FROM, SPLIT_INTO, MERGED_INTO, MERGED_FROM)


def add_link(ticket: m.Ticket, other: m.Ticket, kind: str, now: datetime) -> None:
    m.TicketLink.create(ticket=ticket, other=other, kind=kind, created_at=now)


def merged_into(number: int) -> int | None:
    """The ticket a merged duplicate now lives in (following chains), or None."""
    seen = {number}
    current = number
    while True:
        link = (
            m.TicketLink.select(m.TicketLink, m.Ticket)
            .join(m.Ticket, on=(m.TicketLink.other == m.Ticket.id))
            .where((m.TicketLink.kind == MERGED_INTO) & (m.TicketLink.ticket == get_ticket(current).id))
            .first()
        )
        if link is None:
            return None if current == number else current
        current = link.other.number
        if current in seen:  # a loop cannot be made through merge_tickets; never spin on one
            return current
        seen.add(current)


def links_of(numbers: list[int] | None = None, ticket_ids: list[int] | None = None) -> dict[int, list[tuple[str, int]]]:
    """``{ticket id: [(kind, partner number), ...]}`` for the given tickets, oldest link first."""
    other = m.Ticket.alias()
    query = (
        m.TicketLink.select(m.TicketLink.ticket, m.TicketLink.kind, other.number)
        .join(other, on=(m.TicketLink.other == other.id))
        .order_by(m.TicketLink.id)
    )
    if ticket_ids is not None:
        query = query.where(m.TicketLink.ticket.in_(ticket_ids))
    if numbers is not None:
        ids = m.Ticket.select(m.Ticket.id).where(m.Ticket.number.in_(numbers))
        query = query.where(m.TicketLink.ticket.in_(ids))
    result: dict[int, list[tuple[str, int]]] = {}
    for ticket_id, kind, partner in query.tuples():
        result.setdefault(ticket_id, []).append((kind, partner))
    return result
