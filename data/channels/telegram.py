"""Telegram intake and delivery through the Bot API (plain HTTP with urllib).

Polling (:func:`poll_once`) asks ``getUpdates`` from the offset stored in Meta
(``telegram.offset``) and stores each update in one transaction together with the new offset,
so nothing is read twice or missed across restarts. Files (documents, photos, video, voice...)
are fetched with ``getFile`` and downloaded before that transaction; a network failure stops
the batch without moving the offset (the update is read again next time), a file the Bot API
refuses for good (too big) is noted in the message instead.

A chat's first message opens a ticket (channel ``telegram``, customer by Telegram user id with
name and @username, ``Ticket.telegram_chat`` the chat id); later messages from that chat join
its newest unfinished ticket, a chat whose tickets are all finished opens a new one. Each
Telegram message is stored with the Message-ID ``telegram:<chat>:<message id>``, a second line
of defence against storing it twice. Agent replies on such tickets are queued by the outbox
(channel ``telegram``, recipient the chat id) and sent by :class:`TelegramSender`
(``sendMessage``, attachments with ``sendDocument``).

The bot token is never printed: errors show the method, not the URL, and a detail that quotes
the URL has the token taken out.
"""

from __future__ import annotations

import base64
import http.client
import json
import mimetypes
import re
import socket
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable

from helpdesk.data.core import values
from helpdesk.data.store import models as m
from helpdesk.data.channels import quarantine
from helpdesk.data.rules import statuses as st
from helpdesk.data.tickets import operations as tickets
from helpdesk.data.rules.desk import Desk
from helpdesk.data.core.errors import Code, HelpdeskError, encode_reason
from helpdesk.data.channels.products import guess_product
from helpdesk.data.tickets.lookup import find_or_create_customer, product_names
from helpdesk.data.delivery.outbox import Delivery, DeliveryError

OFFSET_KEY = "telegram.offset"
MAX_TEXT = 4096  # the Bot API's limit for one message
MAX_DOWNLOAD = 20 * 1024 * 1024  # getFile refuses bigger files
# A token goes into every URL: only printable ASCII without spaces, so that it is sent as it is and
# any text quoting a URL quotes it whole (and it can be taken out, see BotApi._open).
TOKEN_RE = re.compile(r"[!-~]+")

CREATED, JOINED, DUPLICATE, SKIPPED, QUARANTINED = "created", "joined", "duplicate", "skipped", "quarantined"


class BotApiError(HelpdeskError):
    """The Bot API said no, or could not be reached: a ``TELEGRAM_*`` code naming the method.

    The param ``http_status`` is the status the Bot API answered with (its ``error_code``), absent
    when there was no answer; ``retry_after`` is how long flood control asks to wait.
    """

    def __init__(self, code: Code, method: str, *, retry_after: float | None = None, **params: object):
        super().__init__(code, method=method, **params)
        self.retry_after = retry_after

    @property
    def http_status(self) -> object:
        return self.params.get("http_status")

    @property
    def permanent(self) -> bool:
        """Asking again cannot help: the request itself was refused, or the answer has no file."""
        return self.code is Code.TELEGRAM_NO_FILE_PATH or self.http_status in (400, 403, 404)


def _refusal(method: str, answer: object, http_status: int | None) -> BotApiError:
    """An answer that is not ``"ok": true``, in the Bot API's own words (else the answer itself)."""
    fields = answer if isinstance(answer, dict) else {}
    extra = fields.get("parameters")
    return BotApiError(
        Code.TELEGRAM_REFUSED, method,
        description=str(fields.get("description") or json.dumps(answer, ensure_ascii=False)[:200]),
        http_status=fields.get("error_code") or http_status,
        retry_after=extra.get("retry_after") if isinstance(extra, dict) else None,
    )  # fmt: skip


class BotApi:
    """A minimal Bot API client: JSON calls, multipart uploads, file downloads."""

    def __init__(self, token: str, base_url: str = "https://api.telegram.org", timeout: float = 60.0):
        if not token:
            raise HelpdeskError(Code.TELEGRAM_NO_TOKEN)
        if not TOKEN_RE.fullmatch(token):
            raise HelpdeskError(Code.TELEGRAM_TOKEN_INVALID)
        self.token = token
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def _open(self, method: str, request: urllib.request.Request, timeout: float):
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.read()
        except urllib.error.HTTPError as exc:
            try:
                answer = json.loads(exc.read())
            except ValueError:  # a proxy's error page, say
                answer = None
            if not isinstance(answer, dict):
                raise BotApiError(Code.TELEGRAM_HTTP_ERROR, method, http_status=exc.code) from None
            raise _refusal(method, answer, exc.code) from None
        # InvalidURL: a file path the Bot API gave with a space, say; it quotes the URL, token and all.
        except (urllib.error.URLError, OSError, socket.timeout, http.client.InvalidURL) as exc:
            reason = str(getattr(exc, "reason", exc)).replace(self.token, "<token>")
            raise BotApiError(Code.TELEGRAM_UNREACHABLE, method, detail=reason) from None

    def call(self, method: str, params: dict | None = None, *, timeout: float | None = None):
        data = json.dumps(params or {}, ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(
            f"{self.base_url}/bot{self.token}/{method}", data=data, headers={"Content-Type": "application/json"}
        )
        return self._result(method, self._open(method, request, timeout or self.timeout))

    def _result(self, method: str, raw: bytes):
        try:
            answer = json.loads(raw)
        except ValueError:
            raise BotApiError(Code.TELEGRAM_NOT_JSON, method) from None
        if not isinstance(answer, dict) or not answer.get("ok"):
            raise _refusal(method, answer, None)
        return answer.get("result")

    def upload(self, method: str, fields: dict, file_field: str, filename: str, data: bytes, content_type: str):
        boundary = uuid.uuid4().hex
        parts = []
        for key, value in fields.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode("utf-8")
            )
        safe_name = filename.replace('"', "'").replace("\r", " ").replace("\n", " ")
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{safe_name}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n".encode("utf-8")
            + data
            + b"\r\n"
        )
        parts.append(f"--{boundary}--\r\n".encode("ascii"))
        request = urllib.request.Request(
            f"{self.base_url}/bot{self.token}/{method}",
            data=b"".join(parts),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        return self._result(method, self._open(method, request, self.timeout))

    def get_updates(self, offset: int | None, timeout: int = 0, limit: int = 100) -> list[dict]:
        params: dict = {"timeout": timeout, "limit": limit, "allowed_updates": ["message", "edited_message"]}
        if offset is not None:
            params["offset"] = offset
        result = self.call("getUpdates", params, timeout=self.timeout + timeout)
        return result if isinstance(result, list) else []

    def download(self, file_id: str) -> bytes:
        info = self.call("getFile", {"file_id": file_id})
        path = info.get("file_path") if isinstance(info, dict) else None
        if not path:
            raise BotApiError(Code.TELEGRAM_NO_FILE_PATH, "getFile")
        request = urllib.request.Request(f"{self.base_url}/file/bot{self.token}/{path}")
        return self._open("download", request, self.timeout)

    def send_message(self, chat_id: str, text: str):
        return self.call("sendMessage", {"chat_id": chat_id, "text": text})

    def send_document(self, chat_id: str, filename: str, data: bytes, content_type: str):
        return self.upload("sendDocument", {"chat_id": chat_id}, "document", filename, data, content_type)


# --- reading updates ---------------------------------------------------------------------


@dataclass(frozen=True)
class TelegramResult:
    update_id: int
    outcome: str  # created / joined / duplicate / skipped / quarantined
    ticket_number: int | None = None
    chat: str = ""
    sender: str = ""
    detail: str | None = None  # why it was skipped or quarantined, as a stored reason (encode_reason)
    quarantine_id: int | None = None


@dataclass
class _File:
    file_id: str
    filename: str
    content_type: str
    size: int | None


def _files_of(msg: dict) -> list[_File]:
    files = []
    photos = msg.get("photo")
    if isinstance(photos, list) and photos:
        best = max(photos, key=lambda p: (p.get("file_size") or 0, p.get("width", 0) * p.get("height", 0)))
        uid = best.get("file_unique_id") or best.get("file_id", "")[:16]
        files.append(_File(best["file_id"], f"photo_{uid}.jpg", "image/jpeg", best.get("file_size")))
    for kind, default_ext in (("document", ".bin"), ("video", ".mp4"), ("audio", ".mp3"), ("voice", ".ogg"),
                              ("video_note", ".mp4"), ("animation", ".mp4")):  # fmt: skip
        item = msg.get(kind)
        if isinstance(item, dict) and item.get("file_id"):
            ctype = item.get("mime_type") or "application/octet-stream"
            name = item.get("file_name") or f"{kind}_{item.get('file_unique_id', 'file')}{mimetypes.guess_extension(ctype) or default_ext}"
            files.append(_File(item["file_id"], name, ctype, item.get("file_size")))
    return files


def _text_of(msg: dict) -> str:
    text = msg.get("text") or msg.get("caption") or ""
    if text:
        return text
    if isinstance(msg.get("sticker"), dict):
        return msg["sticker"].get("emoji") or "[sticker]"
    if isinstance(msg.get("location"), dict):
        loc = msg["location"]
        return f"[location {loc.get('latitude')}, {loc.get('longitude')}]"
    if isinstance(msg.get("contact"), dict):
        c = msg["contact"]
        return f"[contact {c.get('first_name', '')} {c.get('last_name', '')} {c.get('phone_number', '')}]".replace("  ", " ")
    return ""


def _sender_name(user: dict) -> str:
    name = " ".join(p for p in (user.get("first_name"), user.get("last_name")) if p).strip()
    if user.get("username"):
        name = f"{name} (@{user['username']})" if name else f"@{user['username']}"
    return name or f"Telegram {user.get('id')}"


def fetch_files(api: BotApi, update: dict) -> dict[str, bytes | str]:
    """{file_id: bytes, or the reason it cannot be had}; raises BotApiError on network trouble."""
    msg = update.get("message") or update.get("edited_message") or {}
    out: dict[str, bytes | str] = {}
    for f in _files_of(msg):
        if f.size and f.size > MAX_DOWNLOAD:
            out[f.file_id] = "the file is larger than the Bot API lets bots download (20 MB)"
            continue
        try:
            out[f.file_id] = api.download(f.file_id)
        except BotApiError as exc:
            if not exc.permanent:
                raise
            # Noted in the customer's message, which is data: the Bot API's own words, if any.
            out[f.file_id] = str(exc.params.get("description", ""))
    return out


def _open_ticket(chat: str) -> m.Ticket | None:
    return (
        m.Ticket.select()
        .where((m.Ticket.telegram_chat == chat) & (m.Ticket.status.not_in(st.FINISHED)))
        .order_by(m.Ticket.created_at.desc(), m.Ticket.id.desc())
        .first()
    )


def store_update(desk: Desk, update: dict, files: dict[str, bytes | str]) -> TelegramResult:
    """Store one update and move the offset past it, in one transaction."""
    update_id = int(update["update_id"])
    msg = update.get("message") or update.get("edited_message")
    now = desk.now()
    with m.database_proxy.atomic():
        m.put_meta(OFFSET_KEY, str(update_id + 1))
        if not isinstance(msg, dict) or not isinstance(msg.get("chat"), dict):
            return TelegramResult(update_id, SKIPPED, detail=encode_reason(HelpdeskError(Code.TELEGRAM_NOT_A_MESSAGE)))
        chat = str(msg["chat"]["id"])
        user = msg.get("from") or {"id": msg["chat"]["id"], "first_name": msg["chat"].get("title", "")}
        edited = "edited_message" in update and "message" not in update
        mid = f"telegram:{chat}:{msg.get('message_id')}"
        if edited:
            mid += f":edit:{msg.get('edit_date', update_id)}"
        existing = m.Message.get_or_none(m.Message.message_id == mid)
        if existing is not None:
            number = m.Ticket.select(m.Ticket.number).where(m.Ticket.id == existing.ticket_id).scalar()
            return TelegramResult(update_id, DUPLICATE, number, chat, _sender_name(user))
        text = _text_of(msg)
        attachments = []
        for f in _files_of(msg):
            got = files.get(f.file_id)
            if isinstance(got, bytes):
                attachments.append(values.AttachmentInput(filename=f.filename, data=got, content_type=f.content_type))
            else:
                text += f"\n[{f.filename}: not received: {got or 'not downloaded'}]"
        text = text.strip("\n")
        if not text and not attachments:
            skipped = encode_reason(HelpdeskError(Code.TELEGRAM_SERVICE_MESSAGE))
            return TelegramResult(update_id, SKIPPED, None, chat, _sender_name(user), skipped)
        sent = datetime.fromtimestamp(msg.get("date") or now.timestamp(), timezone.utc)
        received = min(sent, now)
        customer = find_or_create_customer(now, None, _sender_name(user), telegram=str(user.get("id")), rename=True)
        ticket = _open_ticket(chat)
        if ticket is not None:
            tickets.add_customer_message(
                desk, ticket.number, text, attachments=attachments, message_id=mid,
                author=_sender_name(user), received_at=received,
            )  # fmt: skip
            number = m.Ticket.select(m.Ticket.number).where(m.Ticket.id == ticket.id).scalar()
            return TelegramResult(update_id, JOINED, number, chat, _sender_name(user))
        first_line = next((line.strip() for line in text.splitlines() if line.strip()), "")
        cut = min(values.DERIVED_SUBJECT, desk.limits.subject_characters)
        subject = first_line[:cut] or (attachments[0].filename[:cut] if attachments else "Telegram")
        created = tickets.create_ticket(
            desk,
            values.NewTicket(
                subject=subject,
                body=text,
                customer_id=customer.id,
                customer_name=customer.name,
                channel="telegram",
                attachments=attachments,
                message_id=mid,
                received_at=received,
                telegram_chat=chat,
                product=guess_product(text, product_names()),
            ),
        )
        return TelegramResult(update_id, CREATED, created.number, chat, _sender_name(user))


def _wrap(update: dict, files: dict[str, bytes | str]) -> bytes:
    return json.dumps(
        {
            "update": update,
            "files": {k: ({"base64": base64.b64encode(v).decode()} if isinstance(v, bytes) else {"error": v})
                      for k, v in files.items()},
        },
        ensure_ascii=False,
    ).encode("utf-8")  # fmt: skip


def _unwrap(raw: bytes) -> tuple[dict, dict[str, bytes | str]]:
    doc = json.loads(raw)
    files = {k: (base64.b64decode(v["base64"]) if "base64" in v else v.get("error", "")) for k, v in doc["files"].items()}
    return doc["update"], files


def _stored_offset() -> int | None:
    row = m.Meta.get_or_none(m.Meta.key == OFFSET_KEY)
    try:
        return int(row.value) if row else None
    except ValueError:
        return None


def poll_once(
    desk: Desk, api: BotApi, *, timeout: int = 0, log: Callable[[TelegramResult], None] | None = None
) -> list[TelegramResult]:
    """One getUpdates round from the stored offset; every update is stored or quarantined (and
    quarantined input discarded long enough ago is purged)."""
    quarantine.purge_discarded(desk.now())
    results = []
    for update in api.get_updates(_stored_offset(), timeout=timeout):
        if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
            continue
        files = fetch_files(api, update)  # network trouble raises: the offset stays, read again later
        try:
            result = store_update(desk, update, files)
        except Exception as exc:  # whatever went wrong, the update is kept (rolled back, then quarantined)
            uid = update["update_id"]
            reason = encode_reason(quarantine.store_failure(exc))
            with m.database_proxy.atomic():
                qid = quarantine.add(
                    source=f"{quarantine.TELEGRAM_SOURCE} update {uid}", reason=reason, raw=_wrap(update, files), now=desk.now()
                )
                m.put_meta(OFFSET_KEY, str(uid + 1))
            result = TelegramResult(uid, QUARANTINED, None, detail=reason, quarantine_id=qid)
        results.append(result)
        if log:
            log(result)
    return results


@dataclass(frozen=True)
class RetryResult:
    outcome: str
    ticket_number: int | None
    reason: str | None = None
    quarantine_id: int | None = None


def retry_quarantined_update(desk: Desk, raw: bytes, source: str, qid: int) -> RetryResult:
    """Store a quarantined update again (the offset is not touched: it moved on long ago)."""
    try:
        update, files = _unwrap(raw)
        offset = _stored_offset()
        result = store_update(desk, update, files)
        if offset is not None:  # store_update moved it back to this update: put it back
            with m.database_proxy.atomic():
                m.put_meta(OFFSET_KEY, str(max(offset, int(update["update_id"]) + 1)))
    except Exception as exc:
        reason = encode_reason(quarantine.store_failure(exc))
        quarantine.record_failed_retry(qid, reason, desk.now())
        return RetryResult(QUARANTINED, None, reason, qid)
    return RetryResult(result.outcome, result.ticket_number)


# --- sending -----------------------------------------------------------------------------


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Pieces of at most ``limit`` characters, cut at line ends where possible."""
    text = text or ""
    pieces = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        if cut < limit // 2:
            cut = limit
        pieces.append(text[:cut])
        text = text[cut:].lstrip("\n")
    if text or not pieces:
        pieces.append(text)
    return pieces


class TelegramSender:
    """The outbox sender for the ``telegram`` channel."""

    def __init__(self, api: BotApi):
        self.api = api

    def __call__(self, delivery: Delivery) -> str:
        message = m.Message.get_by_id(delivery.message_id)
        try:
            for piece in split_text(message.body):
                if piece.strip():
                    self.api.send_message(delivery.recipient, piece)
            for a in message.attachments.order_by(m.Attachment.id):
                data = bytes(m.Blob.get_by_id(a.sha256).data)
                self.api.send_document(delivery.recipient, a.filename, data, a.content_type)
        except BotApiError as exc:
            raise DeliveryError(exc, permanent=exc.permanent, retry_after=exc.retry_after) from None
        return "ok"

    def close(self) -> None:
        pass
