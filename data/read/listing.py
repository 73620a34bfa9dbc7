"""``helpdesk list``: tickets newest first, a page at a time, as plain tuples.

The filters are the queue's (:class:`~helpdesk.data.read.queue.QueueFilter` and its WHERE,
``queue.other_conditions``: product, assignee "mine" / "unassigned", flag, search), so a
search here is whatever the queue's search is. What the queue's tabs cannot say is added here:
any set of statuses, one agent by login, overdue at an instant, a cursor.

:func:`pages` reads the list a page at a time, by keyset (the numbers below the last one read;
``offset`` skips rows on the first page only), each page one query for its rows with their
message counts (a grouped subquery joined to them) and one for their split/merge links: however
many tickets are listed, the memory held is one page's. Rows are :class:`ListRow` tuples, never
model objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Iterator, NamedTuple

import peewee as pw

from helpdesk.data.core.errors import Code, NotFoundError, ValidationError
from helpdesk.data.read import queue as dq
from helpdesk.data.read.views import flags_now, ticket_flags
from helpdesk.data.rules import statuses as st
from helpdesk.data.rules.desk import Desk
from helpdesk.data.store import models as m
from helpdesk.data.tickets.lookup import find_product

T = m.Ticket
PAGE = 1000  # rows a page: one query each for the rows, their message counts and their links


class ListRow(NamedTuple):
    """One ticket of the list (a tuple: what the CLI prints, and nothing it does not)."""

    id: int
    number: int
    subject: str
    status: str
    product: str | None
    channel: str
    customer_name: str
    customer_email: str | None
    assignee: str | None
    priority: str
    scope: str | None
    created_at: datetime
    updated_at: datetime
    due_at: datetime | None
    waiting_since: datetime | None
    support_ended: bool
    out_of_hours: bool
    message_count: int = 0
    flags: tuple[str, ...] = ()  # support_ended, out_of_hours, merged, split (waiting_stale: flags_now)


@dataclass(frozen=True)
class ListQuery:
    """Which tickets to list, newest first: build it with :func:`list_query`, which checks it."""

    filter: dq.QueueFilter = field(default_factory=lambda: dq.QueueFilter(tab="all", sort="number"))
    statuses: tuple[str, ...] = ()  # any of these (empty: every status)
    assignee: str | None = None  # one agent's login ("me" and "none" are the filter's)
    overdue_at: datetime | None = None  # only tickets whose due time has come at this instant
    before: int | None = None  # only tickets numbered below this: the last number of a page read
    offset: int = 0  # rows skipped
    limit: int | None = None  # None: every ticket


def list_query(
    *,
    agent: str,
    statuses: tuple[str, ...] = (),
    product: str | None = None,
    assignee: str | None = None,
    flag: str | None = None,
    search: str = "",
    overdue_at: datetime | None = None,
    before: int | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> ListQuery:
    """A checked :class:`ListQuery`. ``assignee`` is a login, "me" (``agent``) or "none"; an
    unknown status, product or agent is refused (the field named), not listed as nothing."""
    for status in statuses:
        if status not in st.STATUSES:
            raise ValidationError("status", Code.STATUS_UNKNOWN, status=status, statuses=list(st.STATUSES))
    if flag is not None and flag not in dq.FLAGS:
        raise ValueError(f"unknown flag {flag!r}")
    if product is not None:
        product = find_product(product).name  # as the product list spells it
    login, choice = None, "anyone"
    if assignee == "me":
        choice = "mine"
    elif assignee == "none":
        choice = "unassigned"
    elif assignee is not None:
        if m.Agent.get_or_none(m.Agent.login == assignee) is None:
            agents = [a for (a,) in m.Agent.select(m.Agent.login).order_by(m.Agent.login).tuples()]
            raise NotFoundError(Code.AGENT_UNKNOWN, login=assignee, agents=agents)
        login = assignee
    queue_filter = dq.QueueFilter(tab="all", sort="number", product=product, assignee=choice, agent=agent,
                                  flag=flag, search=search or "")  # fmt: skip
    return ListQuery(queue_filter, tuple(dict.fromkeys(statuses)), login, overdue_at, before, offset, limit)


def _where(q: ListQuery) -> pw.Node:
    conditions = [dq.other_conditions(q.filter)]
    if q.statuses:
        conditions.append(T.status.in_(q.statuses))
    if q.assignee is not None:
        conditions.append(T.assignee == m.Agent.select(m.Agent.id).where(m.Agent.login == q.assignee))
    if q.overdue_at is not None:
        # The queue's countdown says overdue from the due instant on (data/rules/targets.py due_state).
        conditions.append(T.status.in_(st.ACTIVE) & T.due_at.is_null(False) & (T.due_at <= q.overdue_at))
    if q.before is not None:
        conditions.append(T.number < q.before)
    where: pw.Node = pw.SQL("1 = 1")
    for condition in conditions:
        if condition is not None:
            where = where & condition
    return where


def count(q: ListQuery) -> int:
    """How many tickets the query's filters select (``offset`` and ``limit`` aside)."""
    return T.select(pw.fn.COUNT(T.id)).where(_where(q)).scalar() or 0


def more_after(q: ListQuery, number: int) -> bool:
    """Whether a ticket the filters select comes after ``number`` (numbered below it)."""
    return T.select(T.id).where(_where(q) & (T.number < number)).exists()


def _read_page(where: pw.Node, offset: int, size: int) -> list[ListRow]:
    """One page: the kinds of its tickets' links (one query), then its rows with their message
    counts (one query: the page's ids, their messages counted in a grouped subquery joined to them)."""
    page_ids = T.select(T.id).where(where).order_by(T.number.desc()).limit(size)
    if offset:
        page_ids = page_ids.offset(offset)
    counts = (
        m.Message.select(m.Message.ticket.alias("ticket_id"), pw.fn.COUNT(m.Message.id).alias("n"))
        .where(m.Message.ticket.in_(page_ids))
        .group_by(m.Message.ticket)
        .alias("counts")
    )
    query = (
        T.select(
            T.id, T.number, T.subject, T.status, m.Product.name, T.channel, m.Customer.name, m.Customer.email,
            m.Agent.login, T.priority, T.scope, T.created_at, T.updated_at, T.due_at, T.waiting_since,
            T.support_ended, T.out_of_hours, pw.fn.COALESCE(counts.c.n, 0),
        )
        .join(m.Customer, on=(T.customer == m.Customer.id))
        .switch(T)
        .join(m.Product, pw.JOIN.LEFT_OUTER, on=(T.product == m.Product.id))
        .switch(T)
        .join(m.Agent, pw.JOIN.LEFT_OUTER, on=(T.assignee == m.Agent.id))
        .switch(T)
        .join(counts, pw.JOIN.LEFT_OUTER, on=(counts.c.ticket_id == T.id))
        .where(T.id.in_(page_ids))
        .order_by(T.number.desc())
    )  # fmt: skip
    kinds: dict[int, set[str]] = {}
    links = m.TicketLink.select(m.TicketLink.ticket, m.TicketLink.kind).where(m.TicketLink.ticket.in_(page_ids))
    for ticket_id, kind in links.tuples():
        kinds.setdefault(ticket_id, set()).add(kind)
    instant = T.created_at.python_value
    page = []
    for (id_, number, subject, status, product, channel, name, email, login, priority, scope, created, updated,
         due, waiting, ended, night, n) in m.database_proxy.execute(query):  # a plain cursor: values as stored
        row = ListRow(id_, number, subject, status, product, channel, name or "", email, login, priority, scope,
                      instant(created), instant(updated), instant(due), instant(waiting), bool(ended), bool(night), n)
        flags = ticket_flags(row, link_kinds=kinds.get(id_, ()))
        page.append(row._replace(flags=flags) if flags else row)
    return page


def pages(q: ListQuery, page_size: int = PAGE) -> Iterator[list[ListRow]]:
    """The listed tickets, newest first, one page (at most ``page_size`` rows) at a time: each
    page is read when the one before has been used."""
    before, offset, left = q.before, q.offset, q.limit
    while left is None or left > 0:
        size = page_size if left is None else min(page_size, left)
        page = _read_page(_where(replace(q, before=before)), offset, size)
        if not page:
            return
        yield page
        if len(page) < size:
            return
        before, offset = page[-1].number, 0
        if left is not None:
            left -= len(page)


def rows(q: ListQuery | None = None) -> Iterator[ListRow]:
    """The listed tickets one by one (every ticket, newest first, without a query)."""
    for page in pages(q or ListQuery()):
        yield from page


def item_json(row: ListRow, desk: Desk, *, unread: bool) -> dict:
    """One element of ``helpdesk list --json``; ``unread``: to the agent running it (data/team/seen.py)."""
    tz = desk.regulation.timezone
    return {
        "number": row.number,
        "subject": row.subject,
        "status": row.status,
        "product": row.product,
        "channel": row.channel,
        "customer_email": row.customer_email,
        "created_at": row.created_at.astimezone(tz).isoformat(),
        "updated_at": row.updated_at.astimezone(tz).isoformat(),
        "message_count": row.message_count,
        "flags": list(flags_now(row, desk)),
        "due_at": row.due_at.astimezone(tz).isoformat() if row.due_at else None,
        "priority": row.priority,
        "scope": row.scope,
        "unread": unread,
    }
