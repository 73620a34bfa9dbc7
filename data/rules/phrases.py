"""Phrases of the texts sent to customers, in their language: when support next opens
(regulation section 1.3), and how a text greets them.

"в понедельник, 12 января, с 09:00 по московскому времени" / "on Monday, 12 January, from 09:00
Moscow time": the calendar's next window (holidays included), with Babel's month names. The
out-of-hours notice and the ``{next_open}`` placeholder of prepared replies use it.

"Здравствуйте, Иван Петров!" / "Hello Ivan Petrov,": a greeting by the customer's name, and a
neutral "Здравствуйте!" / "Hello," when only their address is known (never "Здравствуйте,
ivan!" from the local part of an e-mail address). The ``{greeting}`` placeholder uses it; a
greeting written around ``{customer}`` ("Добрый день, {customer}!") loses the name the same way.
"""

from __future__ import annotations

import re
from datetime import datetime

from helpdesk.data.rules.working_hours import WorkingCalendar

# "в понедельник", "во вторник", "в среду": the weekday in the accusative with its preposition.
_RU_ON_WEEKDAY = (
    "в понедельник", "во вторник", "в среду", "в четверг", "в пятницу", "в субботу", "в воскресенье",
)  # fmt: skip
_ZONE_WORDS = {
    "Europe/Moscow": {"ru": "по московскому времени", "en": "Moscow time"},
}


def zone_words(calendar: WorkingCalendar, language: str) -> str:
    """"Moscow time" / "по московскому времени", or the zone's name for another regulation."""
    known = _ZONE_WORDS.get(calendar.tz.key)
    if known:
        return known[language]
    return f"по времени {calendar.tz.key}" if language == "ru" else f"{calendar.tz.key} time"


def taken_up_phrase(calendar: WorkingCalendar, at: datetime, language: str) -> str:
    """The next opening after ``at``, as a phrase to put in a sentence.

    ru: "в понедельник, 12 января, с 09:00 по московскому времени";
    en: "on Monday, 12 January, from 09:00 Moscow time". Outside working hours this is when a
    request made at ``at`` will be taken up; during working hours it is the next morning.
    """
    from babel.dates import format_datetime  # babel (~4 ms) when a phrase is made, not at every start-up

    start = calendar.next_window(at).start.astimezone(calendar.tz)
    day_month = format_datetime(start, "d MMMM", locale=language)
    clock = f"{start:%H:%M}"
    if language == "ru":
        return f"{_RU_ON_WEEKDAY[start.weekday()]}, {day_month}, с {clock} {zone_words(calendar, 'ru')}"
    weekday = format_datetime(start, "EEEE", locale="en")
    return f"on {weekday}, {day_month}, from {clock} {zone_words(calendar, 'en')}"


# --- greetings ------------------------------------------------------------------------------


def greeting(name: str | None, language: str) -> str:
    """The first line of a text to a customer: by ``name``, or neutral without one."""
    name = (name or "").strip()
    if language == "ru":
        return f"Здравствуйте, {name}!" if name else "Здравствуйте!"
    return f"Hello {name}," if name else "Hello,"


# A greeting written around the {customer} placeholder: the greeting word, then the name.
_NAMED_GREETINGS = (
    re.compile(r"(?P<word>Здравствуйте|Добрый день|Добрый вечер|Доброе утро|Привет),[ \t]*\{customer\}[ \t]*(?P<end>[!.,]?)"),
    re.compile(r"(?P<word>Hello|Hi|Good morning|Good afternoon|Good evening),?[ \t]+\{customer\}[ \t]*(?P<end>[,!.]?)"),
    re.compile(r"(?P<word>Dear)[ \t]+\{customer\}[ \t]*(?P<end>[,!.]?)"),
)


def without_name_in_greetings(text: str) -> str:
    """``text`` with the name taken out of a greeting written around ``{customer}`` ("Добрый день,
    {customer}!" -> "Добрый день!", "Hello {customer}," -> "Hello,", "Dear {customer}," -> "Hello,"):
    for a customer whose name is not known."""
    for pattern in _NAMED_GREETINGS:
        text = pattern.sub(lambda m: ("Hello" if m["word"] == "Dear" else m["word"]) + (m["end"] or ""), text)
    return text
