"""The regulation's own prepared replies (data/rules/prepared_replies.toml), read once.

Out of scope, support ended, the out-of-hours notice, "reply in this thread", "one problem per
request", "describe the problem": texts, not code, so a vendor edits wording without a release.
The store seeds them into an empty table (data/store/seed.py); the notice falls back on them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from helpdesk.data.core.errors import Code, RegulationError
from helpdesk.data.core.toml_file import read_toml

REPLIES_FILE = Path(__file__).with_name("prepared_replies.toml")
_FIELDS = ("key", "title", "body_ru", "body_en")


@dataclass(frozen=True)
class ReplyText:
    key: str
    title: str
    body_ru: str
    body_en: str


def parse_replies(raw: dict, source: str) -> tuple[ReplyText, ...]:
    items = raw.get("reply")
    if not isinstance(items, list) or not items or not all(isinstance(item, dict) for item in items):
        raise RegulationError(source, "reply", Code.SETTING_NEEDS_ENTRY, table="reply")
    replies: list[ReplyText] = []
    for i, item in enumerate(items):
        for name in _FIELDS:
            value = item.get(name)
            if not isinstance(value, str) or not value.strip():
                raise RegulationError(
                    source, f"reply[{i}].{name}", Code.SETTING_MISSING if value is None else Code.SETTING_NOT_STRING
                )
        if any(r.key == item["key"] for r in replies):
            raise RegulationError(source, f"reply[{i}].key", Code.REPLIES_DUPLICATE_KEY, key=item["key"])
        replies.append(ReplyText(*(item[name] for name in _FIELDS)))
    return tuple(replies)


@cache
def builtin_replies(path: Path = REPLIES_FILE) -> tuple[ReplyText, ...]:
    return parse_replies(read_toml(path), str(path))


# The texts earlier releases shipped (SHA-256 of each body, Russian and English): a stored built-in
# reply still holding one was never edited, and takes the current text (data/store/seed.py). The
# wording before docs/glossary.md: "Ваше обращение", "Здравствуйте, {customer}!", the
# out-of-hours notice saying "Ваша заявка" twice.
SUPERSEDED: dict[str, frozenset[str]] = {
    "out_of_scope": frozenset({
        "d1d35e3edd04d89c74639339dbeecf57272d825365d4a6c523683e8834760f6e",
        "49cf43f006bd5ef7dfc401a8446b22d79f33c9f5b67d5d3a5417b99d324edc86",
    }),
    "support_ended": frozenset({
        "3a8504745d6c58034d6ffb5c823d8da755bdf4525a5d1d10f23e72140d08f5e0",
        "5d8ed7cebad70fc0aa63b0c45a4b61b2634ff60acb35b79f67411ab97ea557a9",
    }),
    "out_of_hours": frozenset({
        "4bab407b8fbb6430acf372da9c79d657ba20e0688daf6a7944d3264f65221466",
        "aa885109c42dbe321e6b46e98cbd571802d59a88fe05f61d62ab00f51c68604b",
    }),
    "reply_in_thread": frozenset({
        "99e1c3bf38f11f197e51f5150aa9cf61b1bd0f4d9becf59585993cb5aa4f2fa5",
        "01905cd02d2762129e8be7e26d2255d9cbd27555db3fd5d9b23813c704eef376",
    }),
    "one_problem": frozenset({
        "742503389ad9d4a4544912ffb0b914bcd2f7cbfde0a86eaea442d4201d7cd216",
        "2c4acbba59e2e9dc0b89af2f2e2179d2d71ad911a033513d1c838ee252c4c2b7",
    }),
    "more_details": frozenset({
        "a3d01bd8c9601008b53d0cd9cee3a09e92a7119d61d9f1b25b7c0328f1907f9d",
        "aca168c8d2bf3995a983b25d50c9d16a22960cc19af55c523acfb0934ec75c77",
    }),
}


def superseded(key: str, body: str) -> bool:
    """``body`` is the text of the built-in reply ``key`` as an earlier release shipped it."""
    return hashlib.sha256(body.encode("utf-8")).hexdigest() in SUPERSEDED.get(key, ())
