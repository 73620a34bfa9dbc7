"""Finding customers by e-mail or name, for the new-ticket form's suggestion list.

Matching is case-insensitive for Cyrillic too (data/store/indexes.py ``folded``).
"""

from __future__ import annotations

from dataclasses import dataclass

import peewee as pw

from helpdesk.data.store import models as m
from helpdesk.data.store.indexes import folded

@dataclass(frozen=True)
class CustomerMatch:
    id: int
    name: str
    email: str | None
    telegram: str | None
    organisation: str | None
    ticket_count: int


def search_customers(text: str, limit: int = 8) -> list[CustomerMatch]:
    """Customers whose e-mail or name contains ``text``, best first.

    An exact e-mail comes first, then e-mails and names that start with the text (or a word of
    the name does), then any other match; ties by name. Blank text finds nobody.
    """
    needle = (text or "").strip().casefold()
    if not needle or limit <= 0:
        return []
    name = folded(m.Customer.name)
    email = pw.fn.COALESCE(m.Customer.email, "")
    rank = pw.Case(
        None,
        [
            (email == needle, 0),
            (email.startswith(needle), 1),
            (name.startswith(needle), 1),
            (name.contains(" " + needle), 2),
        ],
        3,
    )
    tickets = (
        m.Ticket.select(pw.fn.COUNT(m.Ticket.id)).where(m.Ticket.customer == m.Customer.id)
    )
    query = (
        m.Customer.select(
            m.Customer.id,
            m.Customer.name,
            m.Customer.email,
            m.Customer.telegram,
            m.Customer.organisation,
            tickets.alias("ticket_count"),
        )
        .where(email.contains(needle) | name.contains(needle))
        .order_by(rank, name, m.Customer.id)
        .limit(limit)
    )
    return [
        CustomerMatch(
            id=row.id,
            name=row.name,
            email=row.email,
            telegram=row.telegram,
            organisation=row.organisation,
            ticket_count=row.ticket_count or 0,
        )
        for row in query
    ]
