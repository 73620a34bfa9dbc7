"""data/rules/builtin_replies.py: the regulation's prepared replies, read from their data file."""

from __future__ import annotations

import pytest

from helpdesk.data.core.errors import Code, RegulationError
from helpdesk.data.rules.builtin_replies import builtin_replies, parse_replies
from helpdesk.data.tickets.prepared_replies import PLACEHOLDERS, placeholders_in


def test_the_shipped_file_has_the_regulations_six_replies_with_known_placeholders():
    replies = builtin_replies()
    assert [r.key for r in replies] == [
        "out_of_scope", "support_ended", "out_of_hours", "reply_in_thread", "one_problem", "more_details",
    ]  # fmt: skip
    for reply in replies:
        assert reply.body_ru.strip() and reply.body_en.strip()
        assert set(placeholders_in(reply.body_ru + reply.body_en)) <= set(PLACEHOLDERS)
    notice = next(r for r in replies if r.key == "out_of_hours")
    assert "{next_open}" in notice.body_ru and "по московскому времени" in notice.body_ru


REPLY = {"key": "a", "title": "t", "body_ru": "x", "body_en": "y"}


@pytest.mark.parametrize(
    "raw, key, code, params",
    [
        ({}, "reply", Code.SETTING_NEEDS_ENTRY, {"table": "reply"}),
        ({"reply": []}, "reply", Code.SETTING_NEEDS_ENTRY, {"table": "reply"}),
        ({"reply": ["a"]}, "reply", Code.SETTING_NEEDS_ENTRY, {"table": "reply"}),
        ({"reply": [{**REPLY, "title": ""}]}, "reply[0].title", Code.SETTING_NOT_STRING, {}),
        ({"reply": [REPLY, {"key": "b", "title": "t", "body_ru": "x"}]}, "reply[1].body_en", Code.SETTING_MISSING, {}),
        ({"reply": [REPLY, {**REPLY, "key": "b"}, REPLY]}, "reply[2].key", Code.REPLIES_DUPLICATE_KEY, {"key": "a"}),
    ],
)  # fmt: skip
def test_a_broken_file_names_the_key_and_the_problem(raw, key, code, params):
    with pytest.raises(RegulationError) as error:
        parse_replies(raw, "replies.toml")
    assert (error.value.where, error.value.code, error.value.params) == (f"replies.toml: {key}", code, params)
