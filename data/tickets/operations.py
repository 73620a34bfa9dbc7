"""Ticket operations: the only way the CLI, the TUI and the intake channels change tickets.

Each operation is one transaction and writes an Event. Operations that change a ticket take
the version the caller read (``expected_version``); if somebody else changed the ticket since,
ConflictError is raised and nothing is written. ``None`` means "whatever is current" (the CLI,
which reads and writes in one breath).
"""

from __future__ import annotations

import hashlib
from datetime import datetime

import peewee as pw

from helpdesk.data.store import models as m
from helpdesk.data.rules import statuses as st
from helpdesk.data.rules.desk import Desk
from helpdesk.data.core.errors import ConflictError, NotFoundError, ValidationError
from helpdesk.data.core.values import AttachmentInput, NewTicket, validate_email
from helpdesk.data.delivery.outbox import enqueue_for
from helpdesk.data.rules.targets import compute_due_at

FIRST_NUMBER = 1001

CUSTOMER, AGENT, SYSTEM = "customer", "agent", "system"


# --- look-ups ---------------------------------------------------------------------------


def get_ticket(number: int) -> m.Ticket:
    ticket = m.Ticket.get_or_none(m.Ticket.number == number)
    if ticket is None:
        raise NotFoundError(f"no ticket #{number}")
    return ticket


def find_product(name: str) -> m.Product:
    folded = name.strip().casefold()
    for product in m.Product.select().order_by(m.Product.id):
        if product.name.casefold() == folded:
            return product
    known = ", ".join(p.name for p in m.Product.select().order_by(m.Product.id))
    raise NotFoundError(f"unknown product {name!r}; known products: {known}")


def find_or_create_customer(
    now: datetime,
    email: str | None,
    name: str = "",
    telegram: str | None = None,
    organisation: str | None = None,
) -> m.Customer:
    """The customer with this e-mail (or Telegram id), created if new; a known name is kept."""
    if email:
        email = validate_email(email)
        customer = m.Customer.get_or_none(m.Customer.email == email)
    elif telegram:
        customer = m.Customer.get_or_none(m.Customer.telegram == telegram)
    else:
        raise ValidationError("customer", "an e-mail address or a Telegram id is required")
    if customer is None:
        customer = m.Customer.create(
            name=(name or "").strip() or (email.split("@")[0] if email else telegram),
            email=email,
            telegram=telegram,
            organisation=organisation,
            created_at=now,
        )
    elif name and not customer.name:
        customer.name = name.strip()
        customer.save()
    return customer


def ensure_agent(login: str) -> m.Agent:
    agent, _ = m.Agent.get_or_create(login=login, defaults={"display_name": login})
    return agent


# --- writing helpers --------------------------------------------------------------------


def _log(ticket: m.Ticket, actor: str, action: str, old=None, new=None, when: datetime | None = None) -> None:
    m.Event.create(
        ticket=ticket,
        actor=actor,
        action=action,
        old_value=None if old is None else str(old),
        new_value=None if new is None else str(new),
        created_at=when,
    )


def _bump(desk: Desk, ticket: m.Ticket, expected_version: int | None, now: datetime, **changes) -> None:
    """Write ``changes`` and a new version if the ticket is still at the version read."""
    check = ticket.version if expected_version is None else expected_version
    changes["version"] = check + 1
    changes["updated_at"] = now
    for name, value in changes.items():
        setattr(ticket, name, value)
    changes["due_at"] = ticket.due_at = compute_due_at(desk, ticket)
    updated = (
        m.Ticket.update({getattr(m.Ticket, k): v for k, v in changes.items()})
        .where((m.Ticket.id == ticket.id) & (m.Ticket.version == check))
        .execute()
    )
    if updated != 1:
        raise ConflictError(
            f"ticket #{ticket.number} was changed by someone else since you opened it: reload it and try again"
        )


def _store_attachments(message: m.Message, attachments: list[AttachmentInput]) -> None:
    for item in attachments:
        digest = hashlib.sha256(item.data).hexdigest()
        m.Blob.insert(sha256=digest, data=item.data).on_conflict_ignore().execute()
        m.Attachment.create(
            message=message,
            filename=item.filename or "attachment",
            size=len(item.data),
            sha256=digest,
            content_type=item.content_type or "application/octet-stream",
        )


def _next_number() -> int:
    highest = m.Ticket.select(pw.fn.MAX(m.Ticket.number)).scalar()
    return FIRST_NUMBER if highest is None else highest + 1


def _paused_until(desk: Desk, ticket: m.Ticket, now: datetime) -> int:
    """Working seconds paused so far, counting the wait that ends now."""
    paused = ticket.paused_seconds or 0
    if ticket.status == st.WAITING and ticket.waiting_since is not None:
        paused += int(desk.calendar.working_time_between(ticket.waiting_since, now).total_seconds())
    return paused


# --- operations -------------------------------------------------------------------------


def create_ticket(desk: Desk, new: NewTicket) -> m.Ticket:
    subject = (new.subject or "").strip()
    if not subject:
        raise ValidationError("subject", "is required")
    if not (new.body or "").strip() and not new.attachments and not new.allow_empty_body:
        raise ValidationError("body", "describe the problem: the description is empty")
    if new.channel not in desk.regulation.channels:
        raise ValidationError("channel", f"unknown channel {new.channel!r}; use one of {', '.join(desk.regulation.channels)}")
    if new.scope is not None and desk.regulation.scope_category(new.scope) is None:
        raise ValidationError("scope", f"unknown scope category {new.scope!r}")
    priority = new.priority or desk.regulation.default_priority
    if priority not in desk.regulation.targets:
        raise ValidationError("priority", f"unknown priority {priority!r}; use one of {', '.join(desk.regulation.targets)}")
    now = desk.now()
    received = new.received_at or now
    with m.database_proxy.atomic():
        product = find_product(new.product) if new.product else None
        if new.customer_id is not None:
            customer = m.Customer.get_by_id(new.customer_id)
        else:
            customer = find_or_create_customer(
                now, new.customer_email, new.customer_name, new.customer_telegram, new.organisation
            )
        ticket = m.Ticket(
            number=_next_number(),
            subject=subject,
            product=product,
            customer=customer,
            channel=new.channel,
            status=st.NEW,
            scope=new.scope,
            priority=priority,
            created_at=received,
            updated_at=now,
            support_ended=bool(
                product and product.support_ends
                and received.astimezone(desk.regulation.timezone).date() > product.support_ends
            ),  # the end date is a date in the support time zone
            out_of_hours=not desk.calendar.is_open(received),
            portal_id=new.portal_id,
            telegram_chat=new.telegram_chat,
        )
        ticket.due_at = compute_due_at(desk, ticket)
        ticket.save()
        message = m.Message.create(
            ticket=ticket,
            author_kind=CUSTOMER,
            author=customer.name,
            body=new.body or "",
            created_at=received,
            message_id=new.message_id,
            in_reply_to=new.in_reply_to,
            references=new.references,
            content_hash=new.content_hash,
        )
        _store_attachments(message, new.attachments)
        _log(ticket, desk.agent if new.channel == "phone" else new.channel, "created", None, ticket.number, now)
        # Regulation 1.3: a request made out of hours is told when it will be taken up (every channel).
        from helpdesk.data.tickets.notices import post_out_of_hours_notice

        post_out_of_hours_notice(desk, ticket)
    return ticket


def add_reply(
    desk: Desk,
    number: int,
    body: str,
    *,
    note: bool = False,
    expected_version: int | None = None,
    attachments: list[AttachmentInput] | None = None,
    message_id: str | None = None,
) -> m.Message:
    """An agent's reply to the customer, or an internal note (``note=True``)."""
    if not (body or "").strip():
        raise ValidationError("body", "the reply is empty")
    now = desk.now()
    with m.database_proxy.atomic():
        ticket = get_ticket(number)
        agent = ensure_agent(desk.agent)
        changes = {}
        if not note:
            if ticket.first_response_at is None:
                changes["first_response_at"] = now
            if ticket.status == st.NEW:
                changes["status"] = st.OPEN
        _bump(desk, ticket, expected_version, now, **changes)
        message = m.Message.create(
            ticket=ticket,
            author_kind=AGENT,
            author=agent.display_name or agent.login,
            body=body,
            is_note=note,
            created_at=now,
            message_id=message_id,
        )
        _store_attachments(message, attachments or [])
        _log(ticket, desk.agent, "note" if note else "reply", None, message.id, now)
        enqueue_for(message, now)  # a reply to the customer is queued for delivery as it is stored
        if "status" in changes:
            _log(ticket, desk.agent, "status", st.NEW, st.OPEN, now)
    return message


def add_customer_message(
    desk: Desk,
    number: int,
    body: str,
    *,
    attachments: list[AttachmentInput] | None = None,
    message_id: str | None = None,
    in_reply_to: str | None = None,
    references: str | None = None,
    content_hash: str | None = None,
    author: str | None = None,
    received_at: datetime | None = None,
) -> m.Message:
    """A customer's follow-up in the thread: reopens a ticket that waited for them or was resolved."""
    from helpdesk.data.tickets.split_merge import merged_into  # a merged duplicate's follow-ups go to its target

    number = merged_into(number) or number
    now = desk.now()
    with m.database_proxy.atomic():
        ticket = get_ticket(number)
        changes = {}
        if ticket.status in (st.WAITING, st.RESOLVED):
            changes["status"] = st.OPEN
            changes["paused_seconds"] = _paused_until(desk, ticket, now)
            changes["waiting_since"] = None
        old_status = ticket.status
        _bump(desk, ticket, None, now, **changes)
        message = m.Message.create(
            ticket=ticket,
            author_kind=CUSTOMER,
            author=author or ticket.customer.name,
            body=body or "",
            created_at=received_at or now,
            message_id=message_id,
            in_reply_to=in_reply_to,
            references=references,
            content_hash=content_hash,
        )
        _store_attachments(message, attachments or [])
        _log(ticket, "customer", "customer_message", None, message.id, now)
        if "status" in changes:
            _log(ticket, "customer", "status", old_status, st.OPEN, now)
    return message


def add_system_message(desk: Desk, number: int, body: str) -> m.Message:
    """A message the helpdesk itself sends (the out-of-hours notice)."""
    now = desk.now()
    with m.database_proxy.atomic():
        ticket = get_ticket(number)
        message = m.Message.create(ticket=ticket, author_kind=SYSTEM, author="helpdesk", body=body, created_at=now)
        _log(ticket, "system", "notice", None, message.id, now)
        enqueue_for(message, now)  # the notice goes out the way a reply would
    return message


def set_status(desk: Desk, number: int, status: str, *, expected_version: int | None = None) -> m.Ticket:
    now = desk.now()
    with m.database_proxy.atomic():
        ticket = get_ticket(number)
        old = ticket.status
        st.check_transition(old, status)
        changes: dict = {"status": status}
        if status == st.WAITING:
            changes["waiting_since"] = now
        elif old == st.WAITING:
            changes["paused_seconds"] = _paused_until(desk, ticket, now)
            changes["waiting_since"] = None
        changes["resolved_at"] = now if status in st.FINISHED else None
        _bump(desk, ticket, expected_version, now, **changes)
        _log(ticket, desk.agent, "status", old, status, now)
    return ticket


def assign_ticket(desk: Desk, number: int, login: str | None, *, expected_version: int | None = None) -> m.Ticket:
    """Assign to an agent by login, or unassign with None."""
    now = desk.now()
    with m.database_proxy.atomic():
        ticket = get_ticket(number)
        old = ticket.assignee.login if ticket.assignee_id else None
        agent = ensure_agent(login) if login else None
        _bump(desk, ticket, expected_version, now, assignee=agent)
        _log(ticket, desk.agent, "assignee", old, login, now)
    return ticket


def set_scope(desk: Desk, number: int, key: str | None, *, expected_version: int | None = None) -> m.Ticket:
    if key is not None and desk.regulation.scope_category(key) is None:
        known = ", ".join(c.key for c in desk.regulation.scope)
        raise ValidationError("scope", f"unknown scope category {key!r}; known: {known}")
    now = desk.now()
    with m.database_proxy.atomic():
        ticket = get_ticket(number)
        old = ticket.scope
        _bump(desk, ticket, expected_version, now, scope=key)
        _log(ticket, desk.agent, "scope", old, key, now)
    return ticket


def set_priority(desk: Desk, number: int, priority: str, *, expected_version: int | None = None) -> m.Ticket:
    if priority not in desk.regulation.targets:
        raise ValidationError("priority", f"unknown priority {priority!r}; use one of {', '.join(desk.regulation.targets)}")
    now = desk.now()
    with m.database_proxy.atomic():
        ticket = get_ticket(number)
        old = ticket.priority
        _bump(desk, ticket, expected_version, now, priority=priority)
        _log(ticket, desk.agent, "priority", old, priority, now)
    return ticket
