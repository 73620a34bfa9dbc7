"""Hypothesis strategies for hostile text: what any door (the CLI, the portal, the operations)
may be handed. Arbitrary Unicode and the characters that break naive handling: controls, line
and paragraph breaks, bidi overrides and isolates, zero-width joiners, combining marks, emoji
sequences, noncharacters, markup; single lines of up to 100,000 characters; and, put into one
field of an example by :func:`poisoned`, lone surrogates (text no store can hold)."""

from __future__ import annotations

from hypothesis import strategies as st

from helpdesk.data.core.text import one_line

SPECIAL = [
    "\x00", "\x07", "\x08", "\x1b", "\x1b]52;c;aGk=\x07", "\x1b[2J", "\r", "\n", "\r\n", "\t", "\x0b", "\x7f", "\x85",
    "\x9b", "\u2028", "\u2029", "\u200b", "\u200d", "\u200e", "\u202e", "\u2066", "\u2069", "\ufeff", "\u0301",
    "e\u0301\u0336", "\U0001f600", "\U0001f468\u200d\U0001f469\u200d\U0001f467", "\U0010ffff", "\ufffe", "\ufffd",
    "[b]x[/b]", "[@click=app.quit]", "{ticket}", "%s", '"', "\\", "<", "@", " ", "Ё", "İ",
]  # fmt: skip
SURROGATES = ["\ud800", "\udbff", "\udc80", "\udcff", "\udfff"]

characters = st.one_of(st.characters(exclude_categories=["Cs"]), st.sampled_from(SPECIAL))  # all but surrogates
short_texts = st.lists(characters, max_size=40).map("".join)
long_lines = st.builds(lambda piece, n: piece * n, st.lists(characters, min_size=1, max_size=3).map("".join),
                       st.integers(min_value=1, max_value=33_000))  # fmt: skip
texts = st.one_of(short_texts, short_texts, long_lines)
# Text with something to say (a letter, digit or symbol among whatever else) two times in three.
said = st.builds(lambda before, ch, after: before + ch + after, short_texts, st.characters(categories=["L", "N", "S"]),
                 short_texts)  # fmt: skip
filled_texts = st.one_of(said, said, texts)
optional_texts = st.one_of(st.none(), texts)
emails = st.one_of(st.emails(), st.emails(), short_texts, st.none())
phone_numbers = st.from_regex(r"\+?[0-9 ()-]{5,25}", fullmatch=True)
phones = st.one_of(st.none(), phone_numbers, phone_numbers, short_texts)


def poisoned(fields: list[str]) -> st.SearchStrategy[tuple[str, int, str] | None]:
    """None (every field as drawn, two times in three), or (field, where, a lone surrogate) to put
    into that field."""
    return st.one_of(st.none(), st.none(), st.tuples(st.sampled_from(fields), st.integers(0, 40), st.sampled_from(SURROGATES)))


def with_poison(values: dict[str, str | None], poison: tuple[str, int, str] | None) -> dict[str, str | None]:
    if poison is None:
        return values
    field, where, surrogate = poison
    text = values[field] or ""
    return {**values, field: text[:where] + surrogate + text[where:]}


def has_surrogate(text: str | None) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in text or "")


def as_stored_line(text: str | None) -> str:
    """A name or a subject as every door stores it (data/core/text.py; its own examples are in
    tests/data/core/test_text.py)."""
    return one_line(text).strip()


def is_one_line(text: str) -> bool:
    return len(text.splitlines()) == 1
