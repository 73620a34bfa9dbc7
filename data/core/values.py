"""Plain values every layer passes around: a new request, an attachment, the limits of a request, an
e-mail address (deliverable or not), a phone number, a content hash."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime

from helpdesk.data.core.errors import Code, LimitError, ValidationError

EMAIL_RE = re.compile(
    r"^(?:[^@\s<>()\[\],;:\"]+|\"[^\"\\\r\n]+\")@[^@\s<>()\[\],;:\"]+\.[^@\s<>()\[\],;:\"]+$"
)  # a quoted local part ("a b"@example.com) is valid mail too

MB = 1024 * 1024
# A subject the desk makes up (the first line of a chat message, of a mail without a subject) is
# cut to this many characters, or to the limit when that is lower.
DERIVED_SUBJECT = 80


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
    customer_phone: str | None = None  # a request taken by phone or at a visit may have only this
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


@dataclass(frozen=True)
class Limits:
    """How much one request, follow-up or reply may bring: the same on every channel.

    The composition root reads them from the settings (``[limits]``, data/core/config.py) into
    the Desk; :meth:`check` refuses what is over one, naming it (a LimitError)."""

    subject_characters: int = 250
    body_bytes: int = 1 * MB  # the text, as UTF-8
    attachment_bytes: int = 25 * MB  # each file
    attachments: int = 20
    request_bytes: int = 50 * MB  # the text and every file together

    def check(self, subject: str | None, body: str | None, attachments: list[AttachmentInput]) -> None:
        if subject is not None and len(subject) > self.subject_characters:
            raise LimitError("subject", Code.LIMIT_SUBJECT, length=len(subject), limit=self.subject_characters)
        size = len((body or "").encode("utf-8"))
        if size > self.body_bytes:
            raise LimitError("body", Code.LIMIT_BODY, size=size, max_bytes=self.body_bytes)
        if len(attachments) > self.attachments:
            raise LimitError("attachments", Code.LIMIT_ATTACHMENTS, count=len(attachments), limit=self.attachments)
        for item in attachments:
            if len(item.data) > self.attachment_bytes:
                raise LimitError("attachments", Code.LIMIT_ATTACHMENT, name=item.filename, size=len(item.data),
                                 max_bytes=self.attachment_bytes)  # fmt: skip
            size += len(item.data)
        if size > self.request_bytes:
            raise LimitError("attachments", Code.LIMIT_REQUEST, size=size, max_bytes=self.request_bytes)


def validate_email(address: str) -> str:
    address = (address or "").strip()
    if not EMAIL_RE.match(address):
        raise ValidationError("email", Code.EMAIL_INVALID, value=address)
    return address.lower()


# A phone number as people write it: digits, spaces, +, - and parentheses, 5 to 20 digits.
PHONE_RE = re.compile(r"^\+?[0-9 ()-]+$")
PHONE_DIGITS = (5, 20)


def validate_phone(number: str) -> str:
    """``number`` as typed (trimmed) when it looks like a phone number; ValidationError otherwise."""
    number = (number or "").strip()
    digits = sum(ch.isdigit() for ch in number)
    if not PHONE_RE.match(number) or not PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1]:
        raise ValidationError("phone", Code.PHONE_INVALID, value=number)
    return number


def is_deliverable(address: str | None) -> bool:
    """Whether mail can be sent to ``address``. The store keeps a mail's sender as the mail gives
    it when it is no such address (MAILER-DAEMON, someone@intranet, "a b"@example.com, a domain
    ending in a dot): nothing is ever sent there."""
    if not address or not EMAIL_RE.match(address):
        return False
    local, _, domain = address.rpartition("@")
    return not local.startswith('"') and all(domain.split("."))


def content_hash(*parts: str | bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part)
        digest.update(b"\0")
    return digest.hexdigest()
