"""IMAP intake: ``imaps://USER@HOST[:PORT]/FOLDER`` (``imap://`` without TLS, for tests).

Each poll reads the folder's unseen messages (``UID SEARCH UNSEEN``), stores each through
``data.mail.ingest.ingest_bytes`` (stored, a duplicate or quarantined: never lost), and only
then marks it ``\\Seen`` on the server. The last handled UID is kept in Meta together with the
folder's UIDVALIDITY, so a message whose flag could not be set is not stored again either
(and duplicates would be dropped by Message-ID anyway): a restarted watcher imports nothing
twice. The password comes from ``HELPDESK_IMAP_PASSWORD`` or ``~/.netrc``.
"""

from __future__ import annotations

import imaplib
import json
import netrc
import os
import re
import socket
import ssl
from datetime import datetime

from helpdesk.data.store import models as m
from helpdesk.data.core.config import IMAP_PASSWORD_ENV, ImapTarget, parse_imap_url  # noqa: F401 (their home was here)
from helpdesk.data.rules.desk import Desk
from helpdesk.data.core.errors import Code, HelpdeskError, ValidationError
from helpdesk.data.channels import quarantine
from helpdesk.data.channels.mail.ingest import IngestResult, Log, ingest_bytes


def imap_password(target: ImapTarget) -> str:
    password = os.environ.get(IMAP_PASSWORD_ENV)
    if password:
        return password
    try:
        auth = netrc.netrc().authenticators(target.host)
    except (FileNotFoundError, netrc.NetrcParseError, OSError):
        auth = None
    if auth and auth[2] and (not auth[0] or auth[0] == target.user):
        return auth[2]
    raise HelpdeskError(Code.IMAP_NO_PASSWORD, variable=IMAP_PASSWORD_ENV, host=target.host)


def encode_folder(name: str) -> str:
    """A folder name in IMAP's modified UTF-7 (RFC 3501 5.1.3), quoted: "Входящие" works."""
    out, pending = [], []

    def flush():
        if pending:
            data = "".join(pending).encode("utf-16-be")
            import base64

            out.append("&" + base64.b64encode(data).decode("ascii").rstrip("=").replace("/", ",") + "-")
            pending.clear()

    for ch in name:
        if 0x20 <= ord(ch) <= 0x7E:
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            pending.append(ch)
    flush()
    encoded = "".join(out)
    return '"' + encoded.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _state(target: ImapTarget) -> dict:
    row = m.Meta.get_or_none(m.Meta.key == target.key)
    if row is None:
        return {}
    try:
        return json.loads(row.value)
    except ValueError:
        return {}


def _save_state(target: ImapTarget, state: dict) -> None:
    with m.database_proxy.atomic():
        m.put_meta(target.key, json.dumps(state))


def _check(typ: str, data, what: str) -> None:
    if typ != "OK":
        detail = b" ".join(d for d in data if isinstance(d, bytes)).decode("utf-8", "replace") if data else ""
        raise HelpdeskError(Code.IMAP_COMMAND_FAILED, command=what, detail=detail or typ)


def _internal_date(meta: bytes) -> datetime | None:
    match = re.search(rb'INTERNALDATE "([^"]+)"', meta)
    if not match:
        return None
    try:
        return datetime.strptime(match.group(1).decode("ascii"), "%d-%b-%Y %H:%M:%S %z")
    except ValueError:
        return None


class ImapMailbox:
    """One logged-in IMAP connection to the target folder (a context manager)."""

    def __init__(self, target: ImapTarget, password: str, timeout: float = 60.0):
        self.target = target
        self.password = password
        self.timeout = timeout
        self.conn: imaplib.IMAP4 | None = None
        self.uidvalidity: str | None = None

    def __enter__(self) -> ImapMailbox:
        t = self.target
        try:
            if t.tls:
                self.conn = imaplib.IMAP4_SSL(t.host, t.port, ssl_context=ssl.create_default_context(), timeout=self.timeout)
            else:
                self.conn = imaplib.IMAP4(t.host, t.port, timeout=self.timeout)
            self.conn.login(t.user, self.password)
            typ, data = self.conn.select(encode_folder(t.folder))
            _check(typ, data, f"SELECT {t.folder}")
            typ, data = self.conn.response("UIDVALIDITY")
            self.uidvalidity = data[0].decode("ascii") if data and data[0] else None
        except imaplib.IMAP4.error as exc:
            self.close()
            raise HelpdeskError(Code.IMAP_REFUSED, where=str(t), detail=str(exc)) from None
        except (OSError, socket.timeout, ssl.SSLError) as exc:
            self.close()
            raise HelpdeskError(Code.IMAP_CANNOT_CONNECT, where=str(t), detail=str(exc)) from None
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self.conn is not None:
            try:
                if self.conn.state == "SELECTED":
                    self.conn.close()
                self.conn.logout()
            except (imaplib.IMAP4.error, OSError):
                pass
            self.conn = None

    def unseen(self) -> list[int]:
        typ, data = self.conn.uid("SEARCH", None, "UNSEEN")
        _check(typ, data, "SEARCH UNSEEN")
        return sorted(int(x) for x in (data[0] or b"").split())

    def fetch(self, uid: int) -> tuple[bytes, datetime | None] | None:
        typ, data = self.conn.uid("FETCH", str(uid), "(BODY.PEEK[] INTERNALDATE)")
        _check(typ, data, f"FETCH {uid}")
        for item in data:
            if isinstance(item, tuple) and len(item) == 2:
                return item[1], _internal_date(item[0])
        return None  # expunged meanwhile

    def mark_seen(self, uid: int) -> None:
        typ, data = self.conn.uid("STORE", str(uid), "+FLAGS.SILENT", r"(\Seen)")
        _check(typ, data, f"STORE {uid} \\Seen")


def poll_imap(desk: Desk, target: ImapTarget, password: str, log: Log | None = None) -> list[IngestResult]:
    """Import the folder's unseen mail once; returns what happened to each message (and purges
    quarantined mail discarded long enough ago)."""
    quarantine.purge_discarded(desk.now())
    results: list[IngestResult] = []
    try:
        _poll(desk, target, password, results, log)
    except (imaplib.IMAP4.error, OSError, socket.timeout) as exc:  # the connection broke mid-way
        raise HelpdeskError(Code.IMAP_CONNECTION_BROKEN, where=str(target), kind=type(exc).__name__, detail=str(exc)) from None
    return results


def _poll(desk: Desk, target: ImapTarget, password: str, results: list[IngestResult], log: Log | None) -> None:
    with ImapMailbox(target, password) as box:
        state = _state(target)
        if state.get("uidvalidity") != box.uidvalidity:
            state = {"uidvalidity": box.uidvalidity, "last_uid": 0}
        for uid in box.unseen():
            if uid <= state.get("last_uid", 0):
                box.mark_seen(uid)  # handled before; only its flag was not set
                continue
            fetched = box.fetch(uid)
            if fetched is None:
                continue
            raw, arrived = fetched
            result = ingest_bytes(desk, raw, f"{target} UID {uid}", arrived_at=arrived)
            state["last_uid"] = uid
            _save_state(target, state)
            box.mark_seen(uid)
            results.append(result)
            if log:
                log(result)
