"""Portal intake: requests the support portal hands over as JSON (``helpdesk ingest --json``).

A document is one request object or a list of them::

    {
      "request_id": "P-2026-000123",          # the portal's own id (required, unique per request)
      "customer": {"email": "ivan@example.ru", "name": "Иван Петров"},
      "product": "Fenix+ 3",                  # a product of the regulation, or null for triage
      "subject": "Не открывается проект",
      "body": "После обновления ...",
      "attachments": [                        # optional
        {"filename": "проект.fpp", "content_base64": "UEsDB...", "content_type": "application/octet-stream"}
      ],
      "sent_at": "2026-01-12T10:15:00+03:00"  # optional: when the customer sent it
    }

The portal's id makes delivery idempotent: a request already stored with the same text is a
no-op, and the same id with new text is the customer's follow-up in that ticket. The whole
document is validated before anything is written and stored in one transaction, so a bad
document is refused with the field and the reason (a DocumentError) and leaves nothing behind.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from datetime import datetime

from helpdesk.data.core import values
from helpdesk.data.store import models as m
from helpdesk.data.tickets import operations as tickets
from helpdesk.data.core.clock import parse_instant
from helpdesk.data.rules.desk import Desk
from helpdesk.data.core.errors import Code, NotFoundError, ValidationError
from helpdesk.data.core.text import check_text

FIELDS = {"request_id", "customer", "product", "subject", "body", "attachments", "sent_at"}
CUSTOMER_FIELDS = {"email", "name"}
ATTACHMENT_FIELDS = {"filename", "content_base64", "content_type"}
MAX_REQUESTS = 1000
MAX_ID_LENGTH = 200

CREATED, REPLIED, UNCHANGED = "created", "replied", "unchanged"
WHOLE = "(document)"  # the field of a problem with the document as a whole


class DocumentError(ValidationError):
    """A bad portal document: ``field`` is the path in it (``[1].customer.email``), shown before the text."""

    def __init__(self, field: str, code: Code, /, **params: object):
        super().__init__(field, code, where=None if field == WHOLE else field, **params)


@dataclass
class PortalRequest:
    request_id: str
    customer_email: str
    customer_name: str
    product: str | None
    subject: str
    body: str
    attachments: list[values.AttachmentInput] = field(default_factory=list)
    sent_at: datetime | None = None

    @property
    def content_hash(self) -> str:
        return values.content_hash(
            "portal", self.request_id, self.body, *(values.content_hash(a.filename, a.data) for a in self.attachments)
        )


@dataclass(frozen=True)
class PortalResult:
    request_id: str
    outcome: str  # created / replied / unchanged
    ticket_number: int


def load_document(text: str | bytes):
    """Parse the JSON text; a syntax error is a DocumentError naming line and column."""
    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8-sig")
        return json.loads(text)
    except UnicodeDecodeError as exc:
        raise DocumentError(WHOLE, Code.TEXT_NOT_UTF8, byte=exc.start) from None
    except json.JSONDecodeError as exc:
        raise DocumentError(WHOLE, Code.DOCUMENT_NOT_JSON, line=exc.lineno, column=exc.colno) from None
    except ValueError:  # Python reads no integer of more than 4300 digits (sys.get_int_max_str_digits)
        raise DocumentError(WHOLE, Code.DOCUMENT_NUMBER_TOO_LONG) from None
    except RecursionError:
        raise DocumentError(WHOLE, Code.DOCUMENT_NESTED_TOO_DEEPLY) from None


def _string(value, where: str, *, required: bool = True, empty_ok: bool = False) -> str | None:
    if value is None:
        if required:
            raise DocumentError(where, Code.DOCUMENT_FIELD_REQUIRED)
        return None
    if not isinstance(value, str):
        raise DocumentError(where, Code.DOCUMENT_NOT_STRING)
    try:
        check_text(value, where)
    except ValidationError as exc:  # a lone surrogate: JSON can write one ("\ud800"), UTF-8 cannot
        raise DocumentError(where, exc.code, **exc.params) from None
    if not empty_ok and not value.strip():
        raise DocumentError(where, Code.DOCUMENT_EMPTY_STRING)
    return value


def _no_unknown(obj: dict, allowed: set[str], where: str) -> None:
    unknown = sorted(set(obj) - allowed)
    if unknown:
        raise DocumentError(f"{where}{unknown[0]}", Code.DOCUMENT_UNKNOWN_FIELD, fields=sorted(allowed))


def parse_request(obj, where: str = "") -> PortalRequest:
    """One request object, checked field by field; ``where`` prefixes the field names."""
    if not isinstance(obj, dict):
        raise DocumentError(where.rstrip(".") or WHOLE, Code.DOCUMENT_NOT_OBJECT)
    _no_unknown(obj, FIELDS, where)
    rid = obj.get("request_id")
    if isinstance(rid, int) and not isinstance(rid, bool):
        rid = str(rid)
    rid = _string(rid, f"{where}request_id").strip()
    if len(rid) > MAX_ID_LENGTH:
        raise DocumentError(f"{where}request_id", Code.DOCUMENT_TOO_LONG, count=MAX_ID_LENGTH)

    customer = obj.get("customer")
    if not isinstance(customer, dict):
        raise DocumentError(f"{where}customer", Code.DOCUMENT_CUSTOMER_REQUIRED)
    _no_unknown(customer, CUSTOMER_FIELDS, f"{where}customer.")
    email = _string(customer.get("email"), f"{where}customer.email")
    try:
        email = values.validate_email(email)
    except ValidationError as exc:
        raise DocumentError(f"{where}customer.email", exc.code, **exc.params) from None
    name = _string(customer.get("name"), f"{where}customer.name", required=False, empty_ok=True) or ""

    product = _string(obj.get("product"), f"{where}product", required=False)
    if product is not None:
        try:
            product = tickets.find_product(product).name
        except NotFoundError as exc:
            raise DocumentError(f"{where}product", exc.code, **exc.params) from None

    subject = _string(obj.get("subject"), f"{where}subject").strip()
    body = _string(obj.get("body"), f"{where}body", empty_ok=True)

    attachments = []
    raw_attachments = obj.get("attachments", [])
    if raw_attachments is None:
        raw_attachments = []
    if not isinstance(raw_attachments, list):
        raise DocumentError(f"{where}attachments", Code.DOCUMENT_NOT_LIST)
    for i, item in enumerate(raw_attachments):
        at = f"{where}attachments[{i}]"
        if not isinstance(item, dict):
            raise DocumentError(at, Code.DOCUMENT_ATTACHMENT_NOT_OBJECT)
        _no_unknown(item, ATTACHMENT_FIELDS, f"{at}.")
        filename = _string(item.get("filename"), f"{at}.filename").strip()
        encoded = _string(item.get("content_base64"), f"{at}.content_base64", empty_ok=True)
        try:
            data = base64.b64decode("".join(encoded.split()), validate=True)
        except (binascii.Error, ValueError):
            raise DocumentError(f"{at}.content_base64", Code.DOCUMENT_NOT_BASE64) from None
        ctype = _string(item.get("content_type"), f"{at}.content_type", required=False) or "application/octet-stream"
        if "/" not in ctype:
            raise DocumentError(f"{at}.content_type", Code.DOCUMENT_NOT_MIME_TYPE, value=ctype)
        attachments.append(values.AttachmentInput(filename=filename, data=data, content_type=ctype.strip()))
    if not body.strip() and not attachments:
        raise DocumentError(f"{where}body", Code.DOCUMENT_BODY_EMPTY)

    sent_at = None
    if obj.get("sent_at") is not None:
        text = _string(obj.get("sent_at"), f"{where}sent_at")
        try:
            sent_at = parse_instant(text)
        except ValidationError as exc:
            raise DocumentError(f"{where}sent_at", exc.code, **exc.params) from None
    return PortalRequest(rid, email, name.strip(), product, subject, body, attachments, sent_at)


def parse_document(doc) -> list[PortalRequest]:
    """Every request of a document (one object or a list), all validated."""
    if isinstance(doc, dict):
        return [parse_request(doc)]
    if isinstance(doc, list):
        if not doc:
            raise DocumentError(WHOLE, Code.DOCUMENT_EMPTY_LIST)
        if len(doc) > MAX_REQUESTS:
            raise DocumentError(WHOLE, Code.DOCUMENT_TOO_MANY_REQUESTS, limit=MAX_REQUESTS)
        return [parse_request(item, f"[{i}].") for i, item in enumerate(doc)]
    raise DocumentError(WHOLE, Code.DOCUMENT_NOT_REQUEST)


def _store(desk: Desk, req: PortalRequest) -> PortalResult:
    ticket = m.Ticket.get_or_none(m.Ticket.portal_id == req.request_id)
    received = req.sent_at if req.sent_at and req.sent_at <= desk.now() else None
    if ticket is None:
        created = tickets.create_ticket(
            desk,
            values.NewTicket(
                subject=req.subject,
                body=req.body,
                customer_email=req.customer_email,
                customer_name=req.customer_name,
                product=req.product,
                channel="portal",
                attachments=req.attachments,
                content_hash=req.content_hash,
                received_at=received,
                portal_id=req.request_id,
            ),
        )
        return PortalResult(req.request_id, CREATED, created.number)
    if ticket.customer.email != req.customer_email:
        raise DocumentError("customer.email", Code.PORTAL_OTHER_CUSTOMER, request=req.request_id)
    if m.Message.select().where((m.Message.ticket == ticket) & (m.Message.content_hash == req.content_hash)).exists():
        return PortalResult(req.request_id, UNCHANGED, ticket.number)
    message = tickets.add_customer_message(
        desk,
        ticket.number,
        req.body,
        attachments=req.attachments,
        content_hash=req.content_hash,
        author=req.customer_name or None,
        received_at=received,
    )
    number = m.Ticket.select(m.Ticket.number).where(m.Ticket.id == message.ticket_id).scalar()
    return PortalResult(req.request_id, REPLIED, number)


def ingest_portal(desk: Desk, doc) -> list[PortalResult]:
    """Validate the whole document, then store every request in one transaction."""
    requests = parse_document(doc)
    results = []
    with m.database_proxy.atomic():
        for i, req in enumerate(requests):
            try:
                results.append(_store(desk, req))
            except ValidationError as exc:
                prefix = f"[{i}]." if isinstance(doc, list) else ""
                raise DocumentError(prefix + exc.field, exc.code, **exc.params) from None
    return results
