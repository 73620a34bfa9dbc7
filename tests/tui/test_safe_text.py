"""tui/safe_text.py: nothing that acts on a terminal survives; JSON stays exact and valid."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as hs

from helpdesk.tui.safe_text import json_text, visible

ACTIVE = [chr(c) for c in [*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F, *range(0x80, 0xA0)]] + [
    "\u061c", "\u180e", "\u200b", "\u200e", "\u200f", "\u202a", "\u202e", "\u2060", "\u2066", "\u2069", "\ufeff", "\ud800",
]  # fmt: skip


@given(hs.text(alphabet=hs.characters(codec=None) | hs.sampled_from(ACTIVE)))
def test_visible_leaves_nothing_active(text):
    shown = visible(text)
    assert not any(ch in shown for ch in ACTIVE)
    assert "\n" not in visible(text, single_line=True) and "\t" not in visible(text, single_line=True)


@given(hs.text(alphabet=hs.characters(codec=None) | hs.sampled_from(ACTIVE)))
def test_json_text_is_inert_exact_and_valid(text):
    out = json_text({"subject": text})
    assert not any(ch in out for ch in ACTIVE)
    assert json.loads(out) == {"subject": text}


def test_newlines_and_tabs_stay_outside_single_line():
    assert visible("a\r\nb\tc") == "a\nb\tc"
    assert visible("a\r\nb\tc", single_line=True) == "a b c"
