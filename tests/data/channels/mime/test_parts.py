"""data/channels/mail/parts.py: a MIME tree into readable text and named attachments."""

from __future__ import annotations

import binascii
from email import message_from_bytes
from email.policy import compat32

from helpdesk.data.channels.mime.parts import PartCollector, extract_uuencoded


def collect(raw: bytes, hint: tuple[str, ...] = ()) -> PartCollector:
    collector = PartCollector(hint)
    collector.walk(message_from_bytes(raw, policy=compat32))
    return collector


def test_leaf_parts_become_text_and_named_attachments():
    raw = (
        b'From: a@example.ru\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain; charset=koi8-r\r\n\r\n" + "Привет".encode("koi8-r") + b"\r\n"
        b"--b\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0K\r\n"
        b"--b\r\nContent-Type: application/pdf\r\n"
        b"Content-Disposition: attachment; filename*=utf-8''%D0%BE%D1%82%D1%87%D1%91%D1%82.pdf\r\n\r\nPDF\r\n"
        b"--b\r\nContent-Type: message/rfc822\r\n\r\n"
        b"From: b@example.ru\r\nSubject: =?utf-8?B?0J/RgNC40LLQtdGC?=\r\n\r\ninner\r\n"
        b"--b--\r\n"
    )
    collector = collect(raw)
    assert collector.texts == ["Привет"]
    assert [(a.filename, a.content_type) for a in collector.attachments] == [
        ("part-1.png", "image/png"),  # no name: a made-up one
        ("отчёт.pdf", "application/pdf"),  # RFC 2231, percent-encoded UTF-8
        ("Привет.eml", "message/rfc822"),  # an attached message: named after its subject
    ]
    assert collector.attachments[0].data.startswith(b"\x89PNG")
    assert collector.notes == []


def test_a_stub_text_part_loses_to_the_html():
    html = "<p>" + "Полное описание проблемы. " * 20 + "</p>"
    raw = (
        b'From: a@example.ru\r\nContent-Type: multipart/alternative; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + "См. HTML-версию".encode() + b"\r\n"
        b"--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html.encode() + b"\r\n"
        b"--b--\r\n"
    )
    (text,) = collect(raw).texts
    assert text.startswith("Полное описание проблемы.") and "HTML-версию" not in text


def test_an_unknown_transfer_encoding_is_read_as_8bit_and_noted():
    raw = b"From: a@example.ru\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: utf-8\r\n\r\n"
    collector = collect(raw + "Текст".encode())
    assert collector.texts == ["Текст"]
    assert collector.notes == ["unknown Content-Transfer-Encoding 'utf-8' taken as 8bit"]


def test_uuencoded_blocks_become_attachments_and_their_lines_stay():
    line = binascii.b2a_uu(b"hello uu\n").decode().rstrip("\n")
    text, files = extract_uuencoded(f"See the file:\nbegin 644 note.txt\n{line}\n`\nend\nThanks")
    assert text == "See the file:\nbegin 644 note.txt\nend\nThanks"
    assert [(f.filename, f.data) for f in files] == [("note.txt", b"hello uu\n")]
    assert extract_uuencoded("begin 644 x.txt\nno end line") == ("begin 644 x.txt\nno end line", [])
