"""Mail out: a stored agent reply or system notice as an e-mail, and sending it by SMTP.

The mail threads back to the customer's own client and to us:

* ``Subject: Re: [#1234] <the ticket's subject>`` (older tags and Re:/AW:/Ответ: prefixes are
  dropped first, so the subject does not grow); the tag lets a reply find its ticket even from a
  client that drops In-Reply-To;
* ``Message-ID`` is the one stored on the Message when it was queued (data.outbox), so a
  re-sent copy carries the same id;
* ``In-Reply-To`` / ``References`` name the latest earlier message of the thread that has a
  Message-ID (the customer's mail, or our previous reply).

System notices carry ``Auto-Submitted: auto-replied`` (RFC 3834) so that autoresponders do not
answer them. :class:`SmtpSender` is the outbox's sender for the ``email`` channel: it keeps one
SMTP connection for a batch, and turns server answers into retry / fail decisions (5xx is
permanent, 4xx and connection trouble are retried).
"""

from __future__ import annotations

import base64
import re
import smtplib
import socket
import ssl
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.policy import default as DEFAULT_POLICY
from email.utils import format_datetime

from helpdesk.data.store import models as m
from helpdesk.data.core.config import SMTP_PASSWORD_ENV, Config, ConfigError
from helpdesk.data.core.errors import Code
from helpdesk.data.core.text import one_line
from helpdesk.data.delivery.outbox import Delivery, DeliveryError

_PREFIX = re.compile(r"^\s*((re|fwd?|aw|wg|sv|vs|odp|ответ|отв|rif|r)\s*(\[\d+\])?\s*:\s*)+", re.I)
_TAG = re.compile(r"\s*\[#\d+\]\s*")


# A name or a subject goes into a header as one line of at most this many characters: a stored
# one may be longer (names have no limit; old rows), and servers refuse headers past ~100 KB.
HEADER_TEXT = 250


def header_text(text: str | None) -> str:
    return one_line(text).strip()[:HEADER_TEXT]


class _WrittenHeader(str):
    """A header line written out here, not by Python's folder: that one, given a display name
    mixing non-ASCII text with specials ("Иван [b]"), writes a To line naming nobody. A value
    with ``name`` and ``fold`` is a header object to the email policies: stored and written as
    it is (email.policy: header_store_parse, fold)."""

    def __new__(cls, name: str, value: str):
        header = super().__new__(cls, value)
        header.name = name
        return header

    def fold(self, *, policy) -> str:
        return f"{self.name}: {self.replace(' =?', policy.linesep + ' =?')}{policy.linesep}"


def _encoded_words(text: str, size: int = 45) -> list[str]:
    """``text`` as RFC 2047 encoded words of at most ``size`` bytes each (75 characters a word),
    cut between characters."""
    chunks, chunk = [], b""
    for ch in text:
        data = ch.encode("utf-8")
        if chunk and len(chunk) + len(data) > size:
            chunks.append(chunk)
            chunk = b""
        chunk += data
    return [f"=?utf-8?b?{base64.b64encode(c).decode('ascii')}?=" for c in [*chunks, chunk] if c]


def to_header(name: str, address: str) -> _WrittenHeader:
    """To: the name as a quoted string (printable ASCII) or as encoded words, so that whatever
    the name holds, the header names exactly ``address``."""
    if not name:
        return _WrittenHeader("To", address)
    if all(" " <= ch <= "~" for ch in name):
        quoted = name.replace("\\", "\\\\").replace('"', '\\"')
        return _WrittenHeader("To", f'"{quoted}" <{address}>')
    return _WrittenHeader("To", f"{' '.join(_encoded_words(name))} <{address}>")


def ticket_tag(number: int) -> str:
    return f"[#{number}]"


def reply_subject(number: int, subject: str) -> str:
    """"Re: [#1234] subject", whatever prefixes and older tags the subject carried."""
    clean = subject or ""
    for _ in range(5):
        before = clean
        clean = _TAG.sub(" ", _PREFIX.sub("", clean)).strip()
        if clean == before:
            break
    return f"Re: {ticket_tag(number)} {header_text(clean)}".rstrip()


def _parent(message: m.Message) -> m.Message | None:
    """The latest earlier message of the thread that has a Message-ID."""
    return (
        m.Message.select()
        .where(
            (m.Message.ticket == message.ticket_id)
            & (m.Message.id != message.id)
            & (m.Message.message_id.is_null(False))
            & (m.Message.is_note == False)  # noqa: E712 (peewee expression)
            & (
                (m.Message.created_at < message.created_at)
                | ((m.Message.created_at == message.created_at) & (m.Message.id < message.id))
            )
        )
        .order_by(m.Message.created_at.desc(), m.Message.id.desc())
        .first()
    )


def _references(parent: m.Message) -> list[str]:
    refs = (parent.references or "").split()
    if not refs and parent.in_reply_to:
        refs = [parent.in_reply_to]
    refs.append(parent.message_id)
    # Keep the first (the thread's root) and the latest ones: long chains get cut by servers.
    if len(refs) > 20:
        refs = refs[:1] + refs[-19:]
    return refs


def build_email(message_id: int, recipient: str, config: Config) -> EmailMessage:
    """The e-mail for a stored reply or notice (its Message-ID must already be set)."""
    message = m.Message.get_by_id(message_id)
    ticket = message.ticket
    customer = ticket.customer
    if not config.mail_from:
        raise ConfigError(config.source, "mail.from", Code.CONFIG_MAIL_FROM_MISSING)
    mail = EmailMessage(policy=DEFAULT_POLICY)
    mail["From"] = config.mail_from
    # A name stored before intake made names one line may hold a line break, which a header
    # cannot: the mail is built with the name as one line, never refused for it.
    mail["To"] = to_header(header_text(customer.name) if customer.email == recipient else "", recipient)
    mail["Subject"] = reply_subject(ticket.number, ticket.subject)
    mail["Date"] = format_datetime(message.created_at)
    mail["Message-ID"] = f"<{message.message_id}>"
    parent = _parent(message)
    if parent is not None:
        mail["In-Reply-To"] = f"<{parent.message_id}>"
        mail["References"] = " ".join(f"<{r}>" for r in _references(parent))
    mail["X-Helpdesk-Ticket"] = str(ticket.number)
    if message.author_kind == "system":
        mail["Auto-Submitted"] = "auto-replied"
    mail.set_content(message.body or "", subtype="plain", charset="utf-8")
    for a in message.attachments.order_by(m.Attachment.id):
        data = bytes(m.Blob.get_by_id(a.sha256).data)
        maintype, _, subtype = (a.content_type or "application/octet-stream").partition("/")
        if maintype == "text":
            maintype, subtype = "application", "octet-stream"  # keep the bytes exactly as stored
        mail.add_attachment(data, maintype=maintype, subtype=subtype or "octet-stream", filename=one_line(a.filename))
    return mail


def _answer(exc: smtplib.SMTPResponseException) -> str:
    text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
    return f"{exc.smtp_code} {text}".strip()


class SmtpSender:
    """The outbox sender for e-mail: one connection for a batch (call ``close()`` after)."""

    def __init__(self, config: Config, password: str | None = None):
        if config.smtp is None:
            raise ConfigError(config.source, "smtp", Code.CONFIG_SMTP_MISSING)
        if not config.mail_from:
            raise ConfigError(config.source, "mail.from", Code.CONFIG_MAIL_FROM_MISSING)
        self.config = config
        self.settings = config.smtp
        self.password = password if password is not None else self.settings.password()
        if self.settings.user and not self.password:
            raise ConfigError(config.source, "smtp.user", Code.CONFIG_SMTP_PASSWORD_MISSING, variable=SMTP_PASSWORD_ENV)
        self.connection: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        try:
            if s.security == "tls":
                conn: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=ssl.create_default_context())
            else:
                conn = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            conn.ehlo_or_helo_if_needed()
            if s.security == "starttls":
                conn.starttls(context=ssl.create_default_context())
                conn.ehlo()
            if s.user:
                conn.login(s.user, self.password or "")
        except smtplib.SMTPResponseException as exc:
            raise DeliveryError(f"{s.host}:{s.port}: {_answer(exc)}") from None
        except (smtplib.SMTPException, OSError, socket.timeout, ssl.SSLError) as exc:
            raise DeliveryError(f"{s.host}:{s.port}: {type(exc).__name__}: {exc}") from None
        return conn

    def __call__(self, delivery: Delivery) -> str:
        mail = build_email(delivery.message_id, delivery.recipient, self.config)
        return self.send(mail, delivery.recipient)

    def send(self, mail: EmailMessage, recipient: str) -> str:
        """Send one mail; returns the server's answer to the data, raises DeliveryError."""
        if self.connection is None:
            self.connection = self._connect()
        conn = self.connection
        try:
            code, answer = conn.mail(self.config.from_address or "")
            if code != 250:
                raise smtplib.SMTPSenderRefused(code, answer, self.config.from_address or "")
            code, answer = conn.rcpt(recipient)
            if code not in (250, 251):
                conn.rset()
                raise smtplib.SMTPRecipientsRefused({recipient: (code, answer)})
            code, answer = conn.data(mail.as_bytes(policy=SMTP_POLICY))
            if code != 250:
                conn.rset()
                raise smtplib.SMTPDataError(code, answer)
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
            raise DeliveryError(f"{code} {text}", permanent=500 <= code < 600) from None
        except smtplib.SMTPResponseException as exc:
            raise DeliveryError(_answer(exc), permanent=500 <= exc.smtp_code < 600) from None
        except (smtplib.SMTPException, OSError, socket.timeout) as exc:
            self.close()
            raise DeliveryError(f"{type(exc).__name__}: {exc}") from None
        return f"{code} {answer.decode('utf-8', 'replace') if isinstance(answer, bytes) else answer}"

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self.connection = None
