"""data/core/text.py: text the store can hold, and names and subjects on one line."""

from __future__ import annotations

import pytest

from helpdesk.data.core.errors import Code, ValidationError
from helpdesk.data.core.text import check_text, one_line


@pytest.mark.parametrize("text, index, codepoint", [("\ud800", 0, "D800"), ("bad\udcff", 3, "DCFF"), ("ок\udfff!", 2, "DFFF")])
def test_a_lone_surrogate_is_refused_naming_the_field_and_where(text, index, codepoint):
    with pytest.raises(ValidationError) as refused:
        check_text(text, "subject")
    error = refused.value
    assert (error.field, error.where, error.code) == ("subject", "subject", Code.TEXT_NOT_UNICODE)
    assert error.params == {"index": index, "codepoint": codepoint}


@pytest.mark.parametrize("text", [None, "", "Иван 😀 e\u0301 \u202eRTL\u202c \x1b[2J \x00", "\U0001f468\u200d\U0001f469"])
def test_valid_unicode_passes_as_it_is(text):
    assert check_text(text, "body") == text


@pytest.mark.parametrize(
    "text, line",
    [("Иван\r\nПетров", "Иван Петров"), ("a\tb\x0bc\x0cd", "a b c d"), ("a\u2028b\u2029c\x85d", "a b c d"),
     ("Ivan\x1b]0;pwned\x07 X\x00\x7f\x9b", "Ivan]0;pwned X"), ("\r\n", " "), (None, ""),
     ("Red\u202eTXT \u200b e\u0301 \U0001f468\u200d\U0001f469", "Red\u202eTXT \u200b e\u0301 \U0001f468\u200d\U0001f469")],
)  # fmt: skip
def test_one_line_drops_controls_and_turns_breaks_into_spaces(text, line):
    assert one_line(text) == line
