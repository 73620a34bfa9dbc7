"""A ticket made by hand from a quarantined message: what could be read of it, corrected by an agent.

Some input stays in quarantine whatever is retried: a sender no parser finds, a header block
mangled by a gateway, a Telegram update the intake cannot store. Its text is often readable
enough for a person. :func:`draft_from_quarantine` reads what it can (the mail parsed as the
intake would, else the raw header lines and the text after them; a Telegram update's sender, chat
and text) and the agent corrects it (the TUI's form, or ``helpdesk quarantine ticket ID --email
... --subject ...``). :func:`ticket_from_quarantine` then creates the ticket through the ordinary
operation (data/tickets/operations.py ``create_ticket``: the same checks and limits as any
request), and records its number on the quarantine row, with the agent who made it, in one
transaction: the row then counts as stored, as after a retry.

The ticket is an e-mail one for mail (replies go to the address the agent confirmed), a Telegram
one for a Telegram update whose chat could be read. It counts from when the message reached
quarantine. The mail's attachments come along when they fit the desk's limits; otherwise they
are left out (``left_out`` says how many) and stay in the quarantined raw mail.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from email.utils import parseaddr

from helpdesk.data.channels import quarantine
from helpdesk.data.channels.mail.parse import parse_mail
from helpdesk.data.core import values
from helpdesk.data.core.errors import LimitError
from helpdesk.data.core.text import one_line
from helpdesk.data.rules.desk import Desk
from helpdesk.data.store import models as m
from helpdesk.data.tickets import operations as tickets

# How much text the draft takes from a message that could not be parsed.
DRAFT_TEXT_CHARS = 20_000


@dataclass(frozen=True)
class QuarantineDraft:
    """What could be read of a quarantined message, for the agent to correct."""

    id: int
    email: str  # the sender's address as the mail gives it ("" when none could be read)
    name: str
    subject: str
    body: str
    telegram_user: str | None = None  # a Telegram update: who wrote, and the chat replies go to
    telegram_chat: str | None = None
    attachments: tuple[values.AttachmentInput, ...] = field(default=(), repr=False)
    message_id: str | None = None  # the mail's Message-ID, so the customer's replies thread back


@dataclass(frozen=True)
class QuarantineTicket:
    number: int
    left_out: int  # attachments that did not fit the limits


def _telegram_draft(qid: int, raw: bytes) -> QuarantineDraft:
    try:
        update = json.loads(raw)["update"]
        msg = update.get("message") or update.get("edited_message") or {}
        user = msg.get("from") or {}
        chat = msg.get("chat") or {}
    except (ValueError, KeyError, TypeError, AttributeError):
        return QuarantineDraft(qid, "", "", "", "")
    name = " ".join(str(part) for part in (user.get("first_name"), user.get("last_name")) if part)
    text = str(msg.get("text") or msg.get("caption") or "")
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return QuarantineDraft(
        qid, "", name.strip(), first[: values.DERIVED_SUBJECT], text,
        telegram_user=str(user["id"]) if user.get("id") is not None else None,
        telegram_chat=str(chat["id"]) if chat.get("id") is not None else None,
    )  # fmt: skip


def _unparsed_draft(qid: int, raw: bytes, sender: str, subject: str) -> QuarantineDraft:
    """The sender and subject the list shows, and the text after the header block as it is."""
    text = raw.decode("utf-8", "replace").replace("\r\n", "\n")
    _head, _sep, body = text.partition("\n\n")
    name, email = parseaddr(sender)
    if "@" not in email:
        name, email = "", ""
    return QuarantineDraft(qid, email, name or ("" if email else sender), subject, body[:DRAFT_TEXT_CHARS])


def draft_from_quarantine(qid: int) -> QuarantineDraft:
    """What the quarantined message ``qid`` says, as far as it can be read."""
    row = quarantine.get_row(qid)
    quarantine.check_waiting(row)
    raw = bytes(row.raw)
    if row.source.startswith(quarantine.TELEGRAM_SOURCE):
        return _telegram_draft(qid, raw)
    try:
        parsed = parse_mail(raw)
    except Exception:  # noqa: BLE001 - unreadable as mail: the hints and the raw text
        item = quarantine.show_quarantined(qid).item
        return _unparsed_draft(qid, raw, item.sender, item.subject)
    return QuarantineDraft(
        qid,
        parsed.sender_address or "",
        parsed.sender_name,
        parsed.subject.strip(),
        parsed.body,
        attachments=tuple(parsed.attachments),
        message_id=parsed.message_id,
    )


def ticket_from_quarantine(
    desk: Desk,
    qid: int,
    *,
    email: str | None,
    name: str = "",
    subject: str,
    body: str,
    product: str | None = None,
) -> QuarantineTicket:
    """Create the ticket the agent corrected (see the module's docstring); returns its number."""
    draft = draft_from_quarantine(qid)
    row = quarantine.get_row(qid)
    email = one_line(email).strip() or None
    telegram = draft.telegram_chat is not None and not email
    attachments = list(draft.attachments)
    try:
        desk.limits.check(subject, body, attachments)
    except LimitError:
        attachments = []
    message_id = draft.message_id
    if message_id and m.Message.select().where(m.Message.message_id == message_id).exists():
        message_id = None  # stored already (a copy that was read): this ticket cannot claim it
    new = values.NewTicket(
        subject=subject,
        body=body,
        customer_email=email,
        customer_name=name,
        customer_telegram=draft.telegram_user if telegram else None,
        telegram_chat=draft.telegram_chat if telegram else None,
        channel="telegram" if telegram else "email",
        product=product or None,
        attachments=attachments,
        message_id=message_id,
        received_at=min(row.received_at, desk.now()),
    )
    with m.database_proxy.atomic():
        quarantine.check_waiting(quarantine.get_row(qid))  # still waiting in this transaction
        ticket = tickets.create_ticket(desk, new)
        m.Quarantine.update(ticket_number=ticket.number, retried_at=desk.now(), handled_by=desk.agent).where(
            m.Quarantine.id == qid
        ).execute()
    return QuarantineTicket(ticket.number, len(draft.attachments) - len(attachments))
