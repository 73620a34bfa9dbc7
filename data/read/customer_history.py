"""The customer in view: their other tickets, and their organisation's, for the thread view and ``show``.

Two queries, one a list, each served by indexes alone until the few rows it lists
(data/store/indexes.py): the customer's tickets through ``ticket_customer_created`` (customer,
created_at, number), walked newest first with no sort step; the organisation's through
``customer_organisation``, then the same ticket index for each of its customers (their entries
sorted, not their rows). Each list is cut at ``limit``; a subquery counts them all on the same
indexes, so a customer with hundreds of tickets, or an organisation with thousands, costs index
entries, and ``limit`` rows.
The ticket in view is looked up inside each query (its number is unique), so the caller needs
nothing but the number. An organisation is the same string exactly (as stored); a customer
without one has no organisation list, and the organisation is named only when that list has some.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import peewee as pw

from helpdesk.data.store import models as m

# How many tickets each list holds at the most (the thread view and ``show`` show fewer).
HISTORY_LIMIT = 20


@dataclass(frozen=True)
class TicketBrief:
    """One line of a history: enough to recognise the ticket and open it."""

    number: int
    subject: str
    status: str
    created_at: datetime


@dataclass(frozen=True)
class TicketList:
    """The newest ``tickets`` (at most the limit) of ``total``."""

    tickets: tuple[TicketBrief, ...] = ()
    total: int = 0

    @property
    def numbers(self) -> list[int]:
        return [t.number for t in self.tickets]

    @property
    def more(self) -> int:
        """How many are counted but not listed."""
        return self.total - len(self.tickets)


@dataclass(frozen=True)
class CustomerHistory:
    """The other tickets of the customer of ticket ``number``, and of their organisation's other customers."""

    number: int
    customer: TicketList = field(default_factory=TicketList)
    organisation: str | None = None  # named when its other customers have tickets
    organisation_tickets: TicketList = field(default_factory=TicketList)

    @property
    def empty(self) -> bool:
        return not self.customer.total and not self.organisation_tickets.total


def get_customer_history(number: int, limit: int = HISTORY_LIMIT) -> CustomerHistory:
    """The other tickets of ticket ``number``'s customer and of their organisation, newest first.

    A ticket that does not exist has none. ``limit`` caps each list; the totals count them all.
    """
    limit = max(0, limit)
    this = m.Ticket.alias("this")
    customer_id = this.select(this.customer).where(this.number == number)
    holder = m.Customer.alias("holder")
    organisation = (
        this.select(holder.organisation).join(holder, on=(this.customer == holder.id)).where(this.number == number)
    )

    theirs = m.Ticket.alias("theirs")
    own = _listed(theirs, theirs.select().where((theirs.customer == customer_id) & (theirs.number != number)), limit)

    colleague = m.Customer.alias("colleague")
    rows = _rows(
        theirs,
        theirs.select()
        .join(colleague, on=(theirs.customer == colleague.id))
        .where((colleague.organisation == organisation) & (colleague.id != customer_id)),
        limit,
        organisation.alias("organisation"),
    )
    return CustomerHistory(number, own, rows[0]["organisation"] if rows else None, _as_list(rows, limit))


def history_json(history: CustomerHistory) -> dict:
    """What ``helpdesk show --json`` adds: the other tickets' numbers, newest first (at most the
    limit), and how many there are in all."""
    return {
        "customer_tickets": history.customer.numbers,
        "customer_tickets_total": history.customer.total,
        "organisation_tickets": history.organisation_tickets.numbers,
        "organisation_tickets_total": history.organisation_tickets.total,
    }


def _rows(ticket, matching: pw.ModelSelect, limit: int, *extra) -> list[dict]:
    """The newest ``limit`` tickets ``matching`` selects (from the alias ``ticket``), each row with
    the count of them all (and ``extra`` columns).

    The newest are picked on the index alone (customer, created_at, number and the row id), then
    only those rows are read; the count reads the indexes too. One row at least, even for limit
    0: it carries the total.
    """
    newest = matching.select(ticket.id).order_by(ticket.created_at.desc(), ticket.number.desc()).limit(max(limit, 1))
    total = matching.select(pw.fn.COUNT(pw.SQL("*")))
    query = (
        m.Ticket.select(m.Ticket.number, m.Ticket.subject, m.Ticket.status, m.Ticket.created_at, total.alias("total"),
                        *extra)
        .where(m.Ticket.id.in_(newest))
        .order_by(m.Ticket.created_at.desc(), m.Ticket.number.desc())
    )
    return list(query.dicts())


def _listed(ticket, matching: pw.ModelSelect, limit: int) -> TicketList:
    return _as_list(_rows(ticket, matching, limit), limit)


def _as_list(rows: list[dict], limit: int) -> TicketList:
    tickets = tuple(
        TicketBrief(number=row["number"], subject=row["subject"], status=row["status"], created_at=row["created_at"])
        for row in rows[:limit]
    )
    return TicketList(tickets, rows[0]["total"] if rows else 0)
