"""data/channels/mail/parse.py and data/channels/mail/html_text.py: decoding pieces on their own."""

from __future__ import annotations

import pytest

from helpdesk.data.channels.mail.html_text import html_to_text
from helpdesk.data.channels.mail.parse import (
    MailParseError,
    codec_for,
    decode_bytes,
    decode_header_text,
    guess_charset,
    header_params,
    normalize_id,
    parse_mail,
)


@pytest.mark.parametrize(
    "label, codec",
    [("gb2312", "gb18030"), ("GBK", "gb18030"), ("iso-8859-1", "cp1252"), ("Shift_JIS", "cp932"),
     ("unicode-1-1-utf-7", "utf-7"), ("windows-1251", "cp1251"), ("koi8-r", "koi8-r"), ("x-unknown", None),
     ("no-such-charset", None), ("utf-8*ru", "utf-8")],
)  # fmt: skip
def test_charset_labels(label, codec):
    assert codec_for(label) == codec


def test_decode_bytes_falls_back_instead_of_failing():
    # Labelled gb2312 but holding GBK-only characters (Zammad mail031): the superset reads it.
    assert decode_bytes("內應力產生".encode("gbk"), "gb2312") == "內應力產生"
    # Labelled utf-8 but really windows-1251: no exception, the Cyrillic survives.
    assert decode_bytes("Привет".encode("cp1251"), "utf-8", ("windows-1251",)) == "Привет"
    # An unknown label: UTF-8 first.
    assert decode_bytes("Привет".encode("utf-8"), "x-nonsense") == "Привет"
    assert decode_bytes(b"\xff\xfe\xfd", "utf-8")  # never raises


@pytest.mark.parametrize(
    "text, codec",
    [("Не запускается программа после обновления", "cp1251"), ("Не запускается программа после обновления", "koi8-r"),
     ("Grüße aus München, schöne Straße", "latin-1"), ("软件无法启动请帮助", "gb2312")],
)  # fmt: skip
def test_undeclared_8bit_text_is_guessed(text, codec):
    assert decode_bytes(text.encode(codec)) == text


def test_guess_charset_prefers_windows_1252_for_isolated_accents():
    assert guess_charset("Café crème".encode("cp1252")) == "cp1252"


def test_rfc2047_words():
    assert decode_header_text("=?utf-8?B?0J/RgNC40LLQtdGC?=") == "Привет"
    assert decode_header_text("=?koi8-r?Q?=F0=D2=C9=D7=C5=D4?= world") == "Привет world"
    # Adjacent words are joined (a multi-byte character split across two words).
    assert decode_header_text("=?utf-8?B?0J/RgNC4?= =?utf-8?B?0LLQtdGC?=") == "Привет"
    assert decode_header_text("=?iso-8859-1?Q?B=FCrling,=20Andreas?=") == "Bürling, Andreas"
    assert decode_header_text("=?unicode-1-1-utf-7?Q?+BB8EQAQ4BDIENQRC-?=") == "Привет"
    # Folded header lines are unfolded.
    assert decode_header_text("Long\r\n subject") == "Long subject"


def test_raw_8bit_header_uses_the_charsets_the_mail_declares():
    raw = "Проблема".encode("koi8-r").decode("ascii", "surrogateescape")
    assert decode_header_text(raw, ("koi8-r",)) == "Проблема"


def test_header_params_rfc2231_continuations_and_8bit():
    params = header_params("attachment;\r\n filename*0*=utf-8''%D0%BF%D1%80%D0%BE;\r\n filename*1*=%D0%B5%D0%BA%D1%82.fpp")
    data, charset = params["filename"]
    assert charset == "utf-8" and data.decode("utf-8") == "проект.fpp"
    raw8 = 'attachment; filename="' + "Отчёт.pdf".encode("cp1251").decode("ascii", "surrogateescape") + '"'
    data, charset = header_params(raw8)["filename"]
    assert charset is None and data == "Отчёт.pdf".encode("cp1251")
    assert header_params('text/plain; name="a;b.txt"; charset=utf-8')["name"][0] == b"a;b.txt"


def test_message_ids():
    assert normalize_id(" <abc@example.ru> ") == "abc@example.ru"
    assert normalize_id("abc@example.ru") == "abc@example.ru"
    assert normalize_id("") is None and normalize_id("   ") is None


def test_unreadable_input_raises_mail_parse_error():
    with pytest.raises(MailParseError, match="empty"):
        parse_mail(b"")
    with pytest.raises(MailParseError, match="no mail headers"):
        parse_mail(b"\x00\x01\x02 just bytes")
    with pytest.raises(MailParseError, match="no sender"):
        parse_mail(b"Subject: hello\r\n\r\nbody\r\n")


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


def test_html_to_text():
    text = html_to_text(
        "<html><head><title>T</title><style>x{}</style></head><body><h1>Заголовок</h1><p>Строка&nbsp;один<br>"
        "строка два</p><blockquote>цитата</blockquote><table><tr><td>a</td><td>b</td></tr></table>"
        '<a href="https://x.example/">ссылка</a> <a href="https://y.example/">https://y.example/</a></body></html>'
    )
    lines = text.splitlines()
    assert "Заголовок" in lines
    assert "Строка один" in lines and "строка два" in lines
    assert "> цитата" in lines
    assert "a b" in lines
    assert "ссылка <https://x.example/>" in text
    assert text.count("https://y.example/") == 1
    assert "T" not in lines and "x{}" not in text


def test_html_to_text_never_raises_on_garbage():
    assert html_to_text("<<<>>><a href='") is not None
    assert html_to_text("<p>unclosed <b>bold") == "unclosed bold"
