"""data/channels/mail/charsets.py: charset labels, decoding with fallbacks, guessing."""

from __future__ import annotations

import pytest

from helpdesk.data.channels.mime.charsets import codec_for, decode_bytes, guess_charset


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
