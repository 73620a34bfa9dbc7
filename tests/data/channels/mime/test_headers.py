"""data/channels/mail/headers.py: encoded words, raw 8-bit headers, RFC 2231 parameters, Message-IDs."""

from __future__ import annotations

from helpdesk.data.channels.mime.headers import decode_header_text, header_params, normalize_id


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
