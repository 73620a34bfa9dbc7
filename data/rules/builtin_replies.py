"""The regulation's own prepared replies (data/rules/prepared_replies.toml), read once.

Out of scope, support ended, the out-of-hours notice, "reply in this thread", "one problem per
request", "describe the problem": texts, not code, so a vendor edits wording without a release.
The store seeds them into an empty table (data/store/seed.py); the notice falls back on them.
"""

from __future__ import annotations

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
