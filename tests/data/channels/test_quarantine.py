"""data/channels/quarantine.py: keeping what could not be read, listing, showing, retrying."""

from __future__ import annotations

from datetime import timedelta

import pytest

from helpdesk.data.store import models as m
from helpdesk.data.channels import quarantine
from helpdesk.data.channels import quarantine_ticket as qt
from helpdesk.data.read.views import get_thread
from helpdesk.data.channels.retry import retry_quarantined
from helpdesk.data.core.errors import Code, NotFoundError, ValidationError, decode_reason
from helpdesk.data.channels.mail.ingest import ingest_bytes

BROKEN = (b"From: =?utf-8?B?0JjQstCw0L0=?= <ivan@example.ru>\r\nSubject: =?utf-8?B?0KLQtdC80LA=?=\r\n"
          b"Content-Type: text/plain\r\n\r\n\x1b[2J body")  # fmt: skip


def test_list_and_show_give_readable_hints(desk, monkeypatch):
    from helpdesk.data.channels.mail import ingest

    def refuse(*args, **kwargs):
        raise ValueError("simulated")

    monkeypatch.setattr(ingest, "store_parsed", refuse)
    result = ingest_bytes(desk, BROKEN, "file:/mail/x.eml")
    [item] = quarantine.list_quarantine()
    assert (item.id, item.source, item.sender, item.subject) == (result.quarantine_id, "file:/mail/x.eml", "Иван <ivan@example.ru>", "Тема")
    assert item.size == len(BROKEN)
    stored = decode_reason(item.reason)
    assert (stored.code, stored.params["error"].code, stored.params["error"].params) == (
        Code.INTAKE_CANNOT_STORE, Code.UNEXPECTED, {"kind": "ValueError", "detail": "simulated"})
    detail = quarantine.show_quarantined(item.id)
    assert ("Subject", "=?utf-8?B?0KLQtdC80LA=?=") in detail.headers
    assert "\x1b[2J body" in detail.text and not detail.truncated  # raw here: the screen and CLI clean it
    assert quarantine.get_raw(item.id) == BROKEN
    assert quarantine.count_open() == 1
    monkeypatch.undo()
    stored = retry_quarantined(desk, item.id)
    assert stored.outcome == "created"
    assert quarantine.count_open() == 0
    assert quarantine.list_quarantine(include_resolved=False) == []
    assert quarantine.list_quarantine()[0].ticket_number == stored.ticket_number


def test_a_failed_retry_keeps_the_row_and_updates_the_reason(desk):
    result = ingest_bytes(desk, b"\x00 not mail", "x")
    again = retry_quarantined(desk, result.quarantine_id)
    assert again.outcome == "quarantined" and again.quarantine_id == result.quarantine_id
    row = m.Quarantine.get_by_id(result.quarantine_id)
    assert row.retried_at == desk.now() and row.ticket_number is None
    assert m.Quarantine.select().count() == 1


def test_unknown_id(desk):
    for look in (quarantine.show_quarantined, lambda qid: retry_quarantined(desk, qid)):
        with pytest.raises(NotFoundError) as missing:
            look(42)
        assert (missing.value.code, missing.value.params) == (Code.QUARANTINE_NOT_FOUND, {"id": 42})


def test_big_raw_is_cut_for_display(desk):
    raw = b"no headers " * 10000
    result = ingest_bytes(desk, raw, "big")
    detail = quarantine.show_quarantined(result.quarantine_id)
    assert detail.truncated and len(detail.text) == quarantine.PREVIEW_BYTES


# --- discarding, purging, a ticket by hand ----------------------------------------------------

NO_SENDER = ("Subject: =?utf-8?B?0J3QtSDRgNCw0LHQvtGC0LDQtdGCINC70LjRhtC10L3Qt9C40Y8=?=\r\n"
             "Content-Type: text/plain; charset=utf-8\r\n\r\nЛицензия не находится.\r\n").encode()  # fmt: skip


def test_discard_keeps_the_row_30_days_then_purges_it(desk):
    qid = ingest_bytes(desk, b"\x00 not mail", "x").quarantine_id
    with pytest.raises(ValidationError) as refused:
        quarantine.discard(qid, " \n ", agent="petrova", now=desk.now())
    assert refused.value.code == Code.QUARANTINE_REASON_REQUIRED
    item = quarantine.discard(qid, "спам\nи мусор", agent="petrova", now=desk.now())
    assert (item.discard_reason, item.handled_by, item.waiting) == ("спам и мусор", "petrova", False)
    assert item.purge_at == desk.now() + timedelta(days=30)
    assert quarantine.count_open() == 0 and quarantine.list_quarantine() == []
    assert [i.id for i in quarantine.list_quarantine(include_discarded=True)] == [qid]
    with pytest.raises(ValidationError) as again:
        quarantine.discard(qid, "ещё раз", agent="petrova", now=desk.now())
    assert (again.value.code, again.value.params) == (Code.QUARANTINE_DISCARDED, {"id": qid})
    with pytest.raises(ValidationError):
        retry_quarantined(desk, qid)
    # The same bytes read again (a folder re-read) stay discarded: not back in the list.
    assert ingest_bytes(desk, b"\x00 not mail", "x").quarantine_id == qid and quarantine.count_open() == 0
    assert quarantine.purge_discarded(desk.now() + timedelta(days=29)) == 0
    assert quarantine.purge_discarded(desk.now() + timedelta(days=30, seconds=1)) == 1
    assert m.Quarantine.select().count() == 0


def test_a_ticket_by_hand_from_mail_without_a_sender(desk):
    qid = ingest_bytes(desk, NO_SENDER, "file:/in/a.eml").quarantine_id
    draft = qt.draft_from_quarantine(qid)
    assert (draft.email, draft.subject, draft.body) == ("", "Не работает лицензия", "Лицензия не находится.\n")
    made = qt.ticket_from_quarantine(desk, qid, email="ivan@example.ru", name="Иван Петров",
                                     subject=draft.subject, body=draft.body, product="Fenix+ 3")  # fmt: skip
    assert (made.number, made.left_out) == (1001, 0)
    thread = get_thread(1001)
    assert (thread.ticket.customer_email, thread.ticket.product, thread.ticket.channel) == (
        "ivan@example.ru", "Fenix+ 3", "email")
    assert thread.ticket.created_at == m.Quarantine.get_by_id(qid).received_at
    row = m.Quarantine.get_by_id(qid)
    assert (row.ticket_number, row.handled_by) == (1001, "petrova")
    with pytest.raises(ValidationError) as stored:
        qt.draft_from_quarantine(qid)
    assert (stored.value.code, stored.value.params) == (Code.QUARANTINE_STORED, {"id": qid, "number": 1001})


def test_a_readable_mail_brings_its_sender_id_and_files_within_the_limits(desk, monkeypatch):
    from dataclasses import replace

    from helpdesk.data.channels.mail import ingest
    from helpdesk.data.core.values import Limits

    raw = (b"From: Ivan <ivan@example.ru>\r\nSubject: Log\r\nMessage-ID: <m1@example.ru>\r\n"
           b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nsee log\r\n"
           b"--b\r\nContent-Type: text/plain; name=log.txt\r\nContent-Disposition: attachment; filename=log.txt\r\n\r\n"
           + b"x" * 2000 + b"\r\n--b--\r\n")  # fmt: skip

    monkeypatch.setattr(ingest, "store_parsed", lambda *a, **k: (_ for _ in ()).throw(ValueError("busy")))
    first = ingest_bytes(desk, raw, "a").quarantine_id
    second = ingest_bytes(desk, raw + b" ", "b").quarantine_id
    monkeypatch.undo()
    draft = qt.draft_from_quarantine(first)
    assert (draft.email, draft.name, draft.message_id, len(draft.attachments)) == ("ivan@example.ru", "Ivan", "m1@example.ru", 1)
    made = qt.ticket_from_quarantine(desk, first, email=draft.email, name=draft.name, subject="Log", body="see log")
    [message] = get_thread(made.number).messages
    assert (message.message_id, [a.filename for a in message.attachments]) == ("m1@example.ru", ["log.txt"])
    small = replace(desk, limits=Limits(attachment_bytes=100))
    again = qt.ticket_from_quarantine(small, second, email="ivan@example.ru", subject="Log", body="see log")
    [copy] = get_thread(again.number).messages
    assert (again.left_out, copy.attachments, copy.message_id) == (1, (), None)  # the id is taken already


def test_a_telegram_update_becomes_a_telegram_ticket(desk):
    import json

    from tests.data.bot_api_standin import text_update

    raw = json.dumps({"update": text_update(7, 70, "Не запускается\nпосле обновления"), "files": {}}).encode()
    qid = quarantine.add(source="telegram: update 7", reason="{}", raw=raw, now=desk.now())
    draft = qt.draft_from_quarantine(qid)
    assert (draft.name, draft.subject, draft.telegram_user, draft.telegram_chat) == (
        "Иван Петров", "Не запускается", "555001", "555001")
    made = qt.ticket_from_quarantine(desk, qid, email="", name=draft.name, subject=draft.subject, body=draft.body)
    ticket = get_thread(made.number).ticket
    assert ticket.channel == "telegram" and m.Ticket.get(m.Ticket.number == made.number).telegram_chat == "555001"
    junk = quarantine.add(source="telegram: update 8", reason="{}", raw=b"not json", now=desk.now())
    assert qt.draft_from_quarantine(junk).body == ""
