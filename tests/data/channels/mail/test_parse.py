"""data/channels/mail/parse.py: what cannot be read as mail, the sender fallbacks, the content hash."""

from __future__ import annotations

import pytest

from helpdesk.data.channels.mail import parse
from helpdesk.data.channels.mail.parse import MailParseError, parse_mail
from helpdesk.data.core.errors import Code


@pytest.mark.parametrize(
    "raw, code",
    [
        (b"", Code.MAIL_EMPTY),
        (b" \r\n\t", Code.MAIL_EMPTY),
        (b"\x00\x01\x02 just bytes", Code.MAIL_NOT_MAIL),
        (b"Subject: hello\r\n\r\nbody\r\n", Code.MAIL_NO_SENDER_HEADER),
        (b"From: \r\nSubject: hello\r\n\r\nbody\r\n", Code.MAIL_NO_SENDER),
    ],
)
def test_unreadable_input_raises_mail_parse_error_with_its_code(raw, code):
    with pytest.raises(MailParseError) as refused:
        parse_mail(raw)
    assert (refused.value.code, refused.value.params) == (code, {})


def test_a_parser_refusal_keeps_its_detail(monkeypatch):
    def broken(raw, policy):
        raise LookupError("unknown encoding: x-nonsense")

    monkeypatch.setattr(parse, "message_from_bytes", broken)
    with pytest.raises(MailParseError) as refused:
        parse_mail(b"From: a@b.ru\r\n\r\nbody")
    assert (refused.value.code, refused.value.params) == (
        Code.MAIL_UNREADABLE_MIME, {"detail": "LookupError: unknown encoding: x-nonsense"})


def test_sender_falls_back_to_reply_to_and_sender():
    parsed = parse_mail(b"From: broken <>\r\nReply-To: real@example.ru\r\nSubject: s\r\n\r\nb\r\n")
    assert parsed.sender_address == "real@example.ru" and parsed.sender_valid
    parsed = parse_mail(b"Sender: list@example.ru\r\nSubject: s\r\n\r\nb\r\n")
    assert parsed.sender_address == "list@example.ru"
    parsed = parse_mail(b"From: MAILER-DAEMON (Mail Delivery System)\r\nSubject: s\r\n\r\nb\r\n")
    assert parsed.sender_address == "MAILER-DAEMON" and not parsed.sender_valid
    assert parsed.auto_submitted


def test_content_hash_ignores_transport_headers():
    one = parse_mail(b"Received: from a\r\nFrom: x@example.ru\r\nSubject: s\r\nDate: Mon, 1 Jun 2026 10:00:00 +0300\r\n\r\nbody\r\n")
    two = parse_mail(b"Received: from b\r\nFrom: x@example.ru\r\nSubject: s\r\nDate: Mon, 1 Jun 2026 10:00:00 +0300\r\n\r\nbody\r\n")
    three = parse_mail(b"From: x@example.ru\r\nSubject: s\r\nDate: Mon, 1 Jun 2026 10:00:00 +0300\r\n\r\nother\r\n")
    assert one.content_hash == two.content_hash != three.content_hash
