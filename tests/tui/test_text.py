"""tui/text.py: literal() is the one door for untrusted text; clean() makes controls visible."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import given
from hypothesis import strategies as hs
from textual.app import App
from textual.content import Content
from textual.widgets import Label, Static

from helpdesk.tui.safe_text import clean
from helpdesk.tui.text import literal

HOSTILE = {
    "markup": ("[b]x[/b]", "[b]x[/b]"),
    "click": ("[@click=app.quit]quit[/]", "[@click=app.quit]quit[/]"),
    "clear": ("\x1b[2J", "␛[2J"),
    "osc52": ("\x1b]52;c;aGk=\x07", "␛]52;c;aGk=␇"),
    "csi8bit": ("\x9b2J", "\\x9b2J"),
    "bidi": ("Red\u202eTXT.exe", "Red⟨U+202E⟩TXT.exe"),
    "zero-width": ("pay\u200bpal\ufeff", "pay⟨U+200B⟩pal⟨U+FEFF⟩"),
    "isolate": ("\u2066x\u2069", "⟨U+2066⟩x⟨U+2069⟩"),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_literal_shows_the_text_as_typed(name):
    raw, shown = HOSTILE[name]
    content = literal(f"a {raw} b")
    assert isinstance(content, Content)
    assert content.plain == f"a {shown} b"
    assert content.spans == []  # no markup was parsed into style or actions


def test_literal_with_a_style_styles_the_whole_text_only():
    content = literal("[b]x[/b]", style="bold")
    assert content.plain == "[b]x[/b]"
    assert [(s.start, s.end, str(s.style)) for s in content.spans] == [(0, 8, "bold")]


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x00", "␀"),
        ("\x07", "␇"),
        ("\x08", "␈"),
        ("\r", "␍"),
        ("\x1b", "␛"),
        ("\x7f", "␡"),
        ("\x9b", "\\x9b"),  # C1 CSI: a one-byte escape on some terminals
        ("\x85", "\\x85"),
    ],
)
def test_clean_makes_each_control_visible(raw, shown):
    assert clean(f"a{raw}b") == f"a{shown}b"


def test_clean_keeps_newlines_and_tabs_and_folds_them_on_one_line():
    assert clean("a\r\nb\tc\nd") == "a\nb\tc\nd"
    assert clean("a\r\nb\tc\nd", single_line=True) == "a b c d"
    assert clean(None) == ""
    assert literal(None).plain == ""


@given(hs.text())
def test_clean_never_leaves_a_control_character(text):
    out = clean(text)
    assert not any(ord(c) < 0x20 and c not in "\n\t" or 0x7F <= ord(c) <= 0x9F for c in out)
    single = clean(text, single_line=True)
    assert "\n" not in single and "\t" not in single


class _Show(App):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self):
        yield Static(literal(self.text), id="static")
        yield Label(literal(self.text, style="bold"), id="label")


@pytest.mark.parametrize("name", list(HOSTILE))
def test_rendered_by_real_widgets_nothing_raw_and_no_action(name):
    raw, shown = HOSTILE[name]

    async def run() -> None:
        app = _Show(f"x {raw} y")
        async with app.run_test(size=(60, 5)) as pilot:
            await pilot.pause()
            for selector in ("#static", "#label"):
                await pilot.click(selector)
                await pilot.pause()
            assert app.is_running
            svg = app.export_screenshot()
            assert "\x1b" not in svg and "\x07" not in svg
            for strip in app.screen._compositor.render_strips():
                for segment in strip:
                    assert "\x1b" not in segment.text and "\x07" not in segment.text
                    meta = segment.style.meta if segment.style else {}
                    assert "@click" not in meta
            line = "".join(segment.text for segment in app.screen._compositor.render_strips()[0])
            assert f"x {shown} y" in line

    asyncio.run(run())


def test_an_agents_own_text_keeps_its_marks_but_loses_controls():
    assert clean("שלום\u200f a\u200db \x1b[2J") == "שלום\u200f a\u200db ␛[2J"
