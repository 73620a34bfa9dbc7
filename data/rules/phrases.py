"""Saying when support next opens, in the customer's language (regulation section 1.3).

"в понедельник, 12 января, с 09:00 по московскому времени" / "on Monday, 12 January, from 09:00
Moscow time": the calendar's next window (holidays included), with Babel's month names. The
out-of-hours notice and the ``{next_open}`` placeholder of prepared replies use it.
"""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_datetime

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
    start = calendar.next_window(at).start.astimezone(calendar.tz)
    day_month = format_datetime(start, "d MMMM", locale=language)
    clock = f"{start:%H:%M}"
    if language == "ru":
        return f"{_RU_ON_WEEKDAY[start.weekday()]}, {day_month}, с {clock} {zone_words(calendar, 'ru')}"
    weekday = format_datetime(start, "EEEE", locale="en")
    return f"on {weekday}, {day_month}, from {clock} {zone_words(calendar, 'en')}"
