"""data/channels/mail/html_text.py: HTML mail as readable text."""

from __future__ import annotations

from helpdesk.data.channels.mime.html_text import html_to_text


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
