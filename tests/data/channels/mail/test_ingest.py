"""data/channels/mail/ingest.py: storing one message, threading, dedup, sources, quarantine, fuzz."""

from __future__ import annotations

import json
import mailbox
from datetime import datetime, timezone
from email.message import EmailMessage
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as s

from helpdesk.data.store import models as m
from helpdesk.data.delivery import outbox
from helpdesk.data.channels import quarantine
from helpdesk.data.channels.retry import retry_quarantined
from helpdesk.data.rules import statuses as st
from helpdesk.data.tickets import operations as tickets
from helpdesk.data.core.errors import Code, HelpdeskError, decode_reason
from helpdesk.data.channels.mail import ingest
from helpdesk.data.channels.mail.ingest import CREATED, DUPLICATE, JOINED, QUARANTINED, ingest_bytes, ingest_path
from helpdesk.data.core.values import Limits


def mail(subject="Вопрос", body="Текст", sender="ivan@example.ru", message_id="<m1@example.ru>", **headers) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "support@fenix.example"
    msg["Subject"] = subject
    if message_id:
        msg["Message-ID"] = message_id
    for key, value in headers.items():
        msg[key.replace("_", "-")] = value
    msg.set_content(body)
    return msg.as_bytes()


# --- storing -----------------------------------------------------------------------------


def test_new_mail_opens_a_ticket_with_the_date_it_was_sent(desk):
    raw = mail(Date="Tue, 24 Nov 2026 15:30:00 +0300", body="Fenix+ 3 падает")
    result = ingest_bytes(desk, raw, "test")
    assert result.outcome == CREATED and result.ticket_number == 1001
    ticket = tickets.get_ticket(1001)
    assert ticket.channel == "email" and ticket.product.name == "Fenix+ 3"
    assert ticket.created_at == datetime(2026, 11, 24, 12, 30, tzinfo=timezone.utc)
    assert ticket.customer.email == "ivan@example.ru"


def test_a_date_in_the_future_is_replaced_by_the_arrival(desk):
    result = ingest_bytes(desk, mail(Date="Fri, 1 Jan 2100 10:00:00 +0300"), "test")
    assert tickets.get_ticket(result.ticket_number).created_at == desk.now()


def test_same_message_id_twice_changes_nothing(desk):
    first = ingest_bytes(desk, mail(), "a")
    counts = (m.Ticket.select().count(), m.Message.select().count())
    second = ingest_bytes(desk, mail(body="другой текст, тот же Message-ID"), "b")
    assert second.outcome == DUPLICATE and second.message_id == first.message_id
    assert counts == (m.Ticket.select().count(), m.Message.select().count())


def test_no_message_id_dedups_by_content_hash(desk):
    raw = mail(message_id=None, Date="Tue, 24 Nov 2026 15:30:00 +0300")
    assert ingest_bytes(desk, raw, "a").outcome == CREATED
    assert ingest_bytes(desk, b"Received: by relay2\r\n" + raw, "b").outcome == DUPLICATE
    assert ingest_bytes(desk, mail(message_id=None, body="другой текст"), "c").outcome == CREATED


def test_reply_to_a_closed_ticket_opens_a_new_one(desk):
    ingest_bytes(desk, mail(), "a")
    tickets.set_status(desk, 1001, st.CLOSED)
    result = ingest_bytes(desk, mail(message_id="<m2@example.ru>", In_Reply_To="<m1@example.ru>", subject="Re: [#1001] Вопрос"), "b")
    assert result.outcome == CREATED and result.ticket_number == 1002


def test_reply_to_a_resolved_ticket_reopens_it(desk):
    ingest_bytes(desk, mail(), "a")
    tickets.set_status(desk, 1001, st.RESOLVED)
    result = ingest_bytes(desk, mail(message_id="<m2@example.ru>", In_Reply_To="<m1@example.ru>"), "b")
    assert result.outcome == JOINED
    assert tickets.get_ticket(1001).status == st.OPEN


def test_mail_without_any_text_is_still_a_request(desk):
    raw = b"From: x@example.ru\r\nSubject: (empty)\r\nMessage-ID: <e@x>\r\n\r\n"
    result = ingest_bytes(desk, raw, "t")
    assert result.outcome == CREATED
    assert m.Message.get_by_id(result.message_id).body == ""


def test_mail_without_subject_takes_the_first_line(desk):
    raw = b"From: x@example.ru\r\nMessage-ID: <ns@x>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\r\n" + "Первая строка\nвторая".encode()
    result = ingest_bytes(desk, raw, "t")
    assert tickets.get_ticket(result.ticket_number).subject == "Первая строка"


def test_sender_without_usable_address_is_kept_as_written_and_never_written_to(desk):
    raw = b"From: MAILER-DAEMON (Mail Delivery System)\r\nSubject: Undelivered\r\nMessage-ID: <b1@x>\r\n\r\nbounce\r\n"
    first = ingest_bytes(desk, raw, "a")
    second = ingest_bytes(desk, raw.replace(b"<b1@x>", b"<b2@x>"), "b")
    customer = tickets.get_ticket(first.ticket_number).customer
    assert customer.email == "mailer-daemon" and customer.name == "Mail Delivery System"
    assert tickets.get_ticket(second.ticket_number).customer.id == customer.id  # one customer, not one per mail
    tickets.add_reply(desk, first.ticket_number, "Ответ")  # an agent answers anyway: nothing is queued
    assert m.Outbox.select().count() == 0


@pytest.mark.parametrize(
    "sender, stored",
    [("Someone <someone@intranet>", "someone@intranet"), ('"a b"@example.com', '"a b"@example.com'),
     ("Claudia <Claudia.Shu@yahoo.com.>", "claudia.shu@yahoo.com.")],
)  # fmt: skip
def test_an_undeliverable_sender_is_stored_but_no_reply_is_queued(desk, sender, stored):
    result = ingest_bytes(desk, b"From: " + sender.encode() + b"\r\nSubject: Help\r\nMessage-ID: <u@x>\r\n\r\nText\r\n", "u")
    assert tickets.get_ticket(result.ticket_number).customer.email == stored
    tickets.add_reply(desk, result.ticket_number, "Ответ")
    assert m.Outbox.select().count() == 0


def test_out_of_hours_mail_gets_a_notice_by_mail_but_a_bounce_does_not(make_desk):
    night = make_desk(now="2026-11-25T23:00:00+03:00")
    normal = ingest_bytes(night, mail(Date="Wed, 25 Nov 2026 22:50:00 +0300"), "a")
    bounce = ingest_bytes(
        night,
        mail(sender="mailer-daemon@mx.example.ru", message_id="<b@x>", Auto_Submitted="auto-replied",
             Date="Wed, 25 Nov 2026 22:55:00 +0300"),
        "b",
    )  # fmt: skip
    states = {
        row.message.ticket.number: (row.channel, row.state, row.recipient)
        for row in m.Outbox.select().join(m.Message)
    }
    assert states[normal.ticket_number] == ("email", outbox.QUEUED, "ivan@example.ru")
    # The bounce is known as automatic before its ticket exists: no notice is written at all.
    assert bounce.ticket_number not in states
    kinds = [msg.author_kind for msg in tickets.get_ticket(bounce.ticket_number).messages]
    assert kinds == ["customer"]


def test_a_store_failure_quarantines_and_retry_stores_it(desk, monkeypatch):
    def refuse(*args, **kwargs):
        raise tickets.ValidationError("subject", Code.TICKET_SUBJECT_REQUIRED)

    monkeypatch.setattr(tickets, "create_ticket", refuse)
    raw = mail(sender="new.customer@example.ru")
    result = ingest_bytes(desk, raw, "file:x.eml")
    assert result.outcome == QUARANTINED and result.reason == m.Quarantine.get_by_id(result.quarantine_id).reason
    stored = decode_reason(result.reason)
    assert (stored.code, stored.params["error"].code) == (Code.INTAKE_CANNOT_STORE, Code.TICKET_SUBJECT_REQUIRED)
    assert m.Customer.select().where(m.Customer.email == "new.customer@example.ru").count() == 0  # nothing half-stored
    monkeypatch.undo()
    again = retry_quarantined(desk, result.quarantine_id)
    assert again.outcome == CREATED
    row = m.Quarantine.get_by_id(result.quarantine_id)
    assert row.ticket_number == again.ticket_number and row.retried_at is not None


@pytest.mark.parametrize(
    "failure, code, params",
    [
        (RecursionError("maximum recursion depth exceeded"), Code.MAIL_NESTED_TOO_DEEPLY, {}),
        (KeyError("content-type"), Code.MAIL_CANNOT_PARSE,
         {"error": {"code": "unexpected", "params": {"kind": "KeyError", "detail": "'content-type'"}}}),
    ],
)  # fmt: skip
def test_what_the_parser_cannot_read_is_quarantined_with_its_code(desk, monkeypatch, failure, code, params):
    def fail(raw):
        raise failure

    monkeypatch.setattr(ingest, "parse_mail", fail)
    result = ingest_bytes(desk, mail(), "file:x.eml")
    assert result.outcome == QUARANTINED
    assert json.loads(m.Quarantine.get_by_id(result.quarantine_id).reason) == {"code": code.value, "params": params}


def test_an_unreadable_message_is_quarantined_with_the_parsers_code(desk):
    result = ingest_bytes(desk, b"\x00garbage", "a")
    assert (decode_reason(result.reason).code, decode_reason(result.reason).params) == (Code.MAIL_NOT_MAIL, {})


def test_the_same_unreadable_bytes_are_quarantined_once(desk):
    first = ingest_bytes(desk, b"\x00garbage", "a")
    second = ingest_bytes(desk, b"\x00garbage", "b")
    assert first.outcome == second.outcome == QUARANTINED
    assert first.quarantine_id == second.quarantine_id
    assert m.Quarantine.select().count() == 1


# --- sources -----------------------------------------------------------------------------


def make_maildir(root: Path) -> mailbox.Maildir:
    box = mailbox.Maildir(str(root), create=True)
    return box


def test_maildir_messages_move_to_cur_once_stored(desk, tmp_path):
    box = make_maildir(tmp_path / "Maildir")
    box.add(mail(message_id="<a@x>"))
    box.add(mail(message_id="<b@x>", subject="Второе"))
    box.add(b"not a mail at all")
    seen = mailbox.MaildirMessage(mail(message_id="<c@x>"))
    seen.set_subdir("cur")
    seen.add_flag("S")
    box.add(seen)  # read already by a mail client: left alone
    results = ingest_path(desk, tmp_path / "Maildir")
    assert sorted(r.outcome for r in results) == [CREATED, CREATED, QUARANTINED]
    assert not list((tmp_path / "Maildir" / "new").iterdir())
    cur = sorted(p.name for p in (tmp_path / "Maildir" / "cur").iterdir())
    assert len(cur) == 4 and all(name.endswith(":2,S") for name in cur)
    assert m.Message.get_or_none(m.Message.message_id == "c@x") is None
    assert ingest_path(desk, tmp_path / "Maildir") == []  # nothing unseen left


def test_maildir_message_stays_in_new_when_it_cannot_be_kept(desk, tmp_path, monkeypatch):
    box = make_maildir(tmp_path / "Maildir")
    box.add(mail())

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(ingest, "ingest_bytes", broken)
    with pytest.raises(OSError):
        ingest_path(desk, tmp_path / "Maildir")
    assert len(list((tmp_path / "Maildir" / "new").iterdir())) == 1


def test_mbox_file(desk, tmp_path):
    path = tmp_path / "archive.mbox"
    box = mailbox.mbox(str(path))
    box.add(mail(message_id="<1@x>", body="From the start of a line\nтекст"))
    box.add(mail(message_id="<2@x>", subject="Второе"))
    box.flush()
    box.close()
    results = ingest_path(desk, path)
    assert [r.outcome for r in results] == [CREATED, CREATED]
    assert "From the start of a line" in m.Message.get(m.Message.message_id == "1@x").body


def test_single_eml_with_envelope_line_is_one_message(desk, tmp_path):
    path = tmp_path / "one.eml"
    path.write_bytes(b"From someone@example.ru Wed Nov 25 10:00:00 2026\n" + mail())
    assert [r.outcome for r in ingest_path(desk, path)] == [CREATED]


def test_missing_path_is_an_error(desk, tmp_path):
    with pytest.raises(HelpdeskError) as missing:
        ingest_path(desk, tmp_path / "nope")
    assert (missing.value.code, missing.value.where) == (Code.PATH_MISSING, str(tmp_path / "nope"))


def test_an_unreadable_path_is_an_error_naming_it(desk, tmp_path, monkeypatch):
    def denied(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", denied)
    path = tmp_path / "one.eml"
    path.write_bytes(mail())
    with pytest.raises(HelpdeskError) as refused:
        ingest_path(desk, path)
    assert (refused.value.code, refused.value.where) == (Code.PERMISSION_DENIED, str(path))


# --- fuzz --------------------------------------------------------------------------------

HEADER_LINES = s.sampled_from(
    [b"From: a@example.ru", b"From: =?utf-8?B?0JjQstCw0L0=?= <ivan@example.ru>", b"Subject: =?koi8-r?Q?=F0?=",
     b"Content-Type: multipart/mixed; boundary=x", b"Content-Type: text/html; charset=gb2312",
     b"Content-Transfer-Encoding: base64", b"Content-Transfer-Encoding: quoted-printable", b"Message-ID: <f@x>",
     b"In-Reply-To: <f@x>", b"Reply-To: r@example.ru", b"--x", b"--x--", b"Content-Disposition: attachment; filename*=utf-8''%FF"]
)  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=s.one_of(s.binary(max_size=2000), s.lists(s.one_of(HEADER_LINES, s.binary(max_size=80)), max_size=25).map(b"\r\n".join)))
def test_fuzz_any_bytes_are_stored_or_quarantined(desk, raw):
    result = ingest_bytes(desk, raw, "fuzz")
    if result.outcome == QUARANTINED:
        assert bytes(m.Quarantine.get_by_id(result.quarantine_id).raw) == raw
    else:
        assert result.outcome in (CREATED, JOINED, DUPLICATE)
        assert m.Message.get_or_none(m.Message.id == result.message_id) is not None


def test_text_that_cannot_be_read_is_stored_repaired_with_replacement_marks(desk):
    """The reader decodes leniently; whatever it could not read is U+FFFD, never a lone surrogate."""
    raw = (b"From: =?utf-8?B?/v5JdmFu?= <ivan@example.ru>\r\nSubject: =?utf-8?Q?bad=FF?= \xff\r\nMessage-ID: <r@x>\r\n"
           b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nok \xff\xfe\r\n"
           b"--b\r\nContent-Type: application/x-\xff; name=\"f\xff.bin\"\r\nContent-Disposition: attachment\r\n\r\ndata\r\n--b--\r\n")  # fmt: skip
    result = ingest_bytes(desk, raw, "t")
    assert result.outcome == CREATED, result.reason
    ticket = tickets.get_ticket(result.ticket_number)
    attachment = m.Attachment.get()
    texts = [ticket.subject, ticket.customer.name, ticket.messages[0].body, attachment.filename, attachment.content_type]
    assert all("\ufffd" in text for text in texts[:3]), texts
    assert not any("\ud800" <= ch <= "\udfff" for text in texts for ch in text)


def test_mail_over_a_limit_is_quarantined_naming_it_and_stored_once_the_limit_is_raised(desk):
    desk.limits = Limits(body_bytes=100)
    raw = mail(body="Очень длинное описание проблемы. " * 10)
    result = ingest_bytes(desk, raw, "big")
    assert result.outcome == QUARANTINED
    assert decode_reason(result.reason).code is Code.LIMIT_BODY and decode_reason(result.reason).params["max_bytes"] == 100
    assert m.Ticket.select().count() == 0
    desk.limits = Limits()
    assert retry_quarantined(desk, result.quarantine_id).outcome == CREATED


def test_a_long_subject_is_over_the_limit_but_a_made_up_one_is_cut_to_fit(desk):
    desk.limits = Limits(subject_characters=30)
    long = ingest_bytes(desk, mail(subject="Тема " * 10), "long")
    assert long.outcome == QUARANTINED and decode_reason(long.reason).code is Code.LIMIT_SUBJECT
    raw = b"From: x@example.ru\r\nMessage-ID: <ns@x>\r\n\r\n" + ("Первая строка " * 10).encode()
    made_up = ingest_bytes(desk, raw, "no subject")
    assert tickets.get_ticket(made_up.ticket_number).subject == ("Первая строка " * 10)[:30]


def test_fifty_mails_from_one_sender_in_one_closed_hour_get_one_notice(make_desk):
    desk = make_desk(now="2026-11-25T23:00:00+03:00")
    for n in range(50):
        result = ingest_bytes(desk, mail(subject=f"Вопрос {n}", message_id=f"<q{n}@example.ru>",
                                         Date=f"Wed, 25 Nov 2026 22:{n:02d}:00 +0300"), f"m{n}")  # fmt: skip
        assert result.outcome == CREATED
    assert m.Ticket.select().count() == 50 and m.Outbox.select().count() == 1


def test_an_old_archive_imported_at_night_queues_no_notices(make_desk, tmp_path):
    desk = make_desk(now="2026-11-28T02:00:00+03:00")  # Saturday night
    box = mailbox.mbox(tmp_path / "archive.mbox")
    for n in range(30):  # a month of mail, each from another customer, most of it sent out of hours
        box.add(mail(sender=f"c{n}@example.ru", message_id=f"<a{n}@example.ru>", Date=f"{n % 28 + 1} Oct 2026 20:00:00 +0300"))
    box.close()
    results = ingest_path(desk, tmp_path / "archive.mbox")
    assert [r.outcome for r in results] == [CREATED] * 30
    assert m.Ticket.select().where(m.Ticket.out_of_hours).count() == 30 and m.Outbox.select().count() == 0
