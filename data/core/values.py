"""Plain values every layer passes around: a new request, an attachment, an e-mail address, a content hash."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime

from helpdesk.data.core.errors import Code, ValidationError

EMAIL_RE = re.compile(
    r"^(?:[^@\s<>()\[\],;:\"]+|\"[^\"\\\r\n]+\")@[^@\s<>()\[\],;:\"]+\.[^@\s<>()\[\],;:\"]+$"
)  # a quoted local part ("a b"@example.com) is valid mail too

@dataclass
class AttachmentInput:
    filename: str
    data: bytes
    content_type: str = "application/octet-stream"


@dataclass
class NewTicket:
    subject: str
    body: str
    customer_email: str | None = None
    customer_name: str = ""
    product: str | None = None  # a product name; None leaves it for triage
    channel: str = "email"
    attachments: list[AttachmentInput] = field(default_factory=list)
    scope: str | None = None
    priority: str | None = None
    customer_telegram: str | None = None
    organisation: str | None = None
    # Set by the mail intake so replies thread back:
    message_id: str | None = None
    in_reply_to: str | None = None
    references: str | None = None
    content_hash: str | None = None
    # When the customer sent it, if earlier than now (mail): defaults to the clock.
    received_at: datetime | None = None
    # Set by the intake channels (data/mail, data/portal, data/telegram):
    portal_id: str | None = None  # the portal's own request id (Ticket.portal_id)
    telegram_chat: str | None = None  # the Telegram chat the request came from
    customer_id: int | None = None  # an existing customer the channel matched itself
    allow_empty_body: bool = False  # mail with no text at all is still a request
    # An automatic message (bounce, auto-reply, list mail): stored, never answered automatically.
    automatic: bool = False


def validate_email(address: str) -> str:
    address = (address or "").strip()
    if not EMAIL_RE.match(address):
        raise ValidationError("email", Code.EMAIL_INVALID, value=address)
    return address.lower()


def content_hash(*parts: str | bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part)
        digest.update(b"\0")
    return digest.hexdigest()
