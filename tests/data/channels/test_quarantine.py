"""data/channels/quarantine.py: keeping what could not be read, listing, showing, retrying."""

from __future__ import annotations

import pytest

from helpdesk.data.store import models as m
from helpdesk.data.channels import quarantine
from helpdesk.data.channels.retry import retry_quarantined
from helpdesk.data.core.errors import Code, NotFoundError, decode_reason
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
