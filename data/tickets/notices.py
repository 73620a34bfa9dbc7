"""The out-of-hours notice (regulation section 1.3).

"Outside working hours, on weekends and on public holidays, requests are not processed." A
request that arrives then gets a system reply in its thread saying when it will be taken up:
"Your request will be taken up on Monday, 12 January, from 09:00 Moscow time" / "Ваша заявка
будет принята в работу в понедельник, 12 января, с 09:00 по московскому времени". The instant
is the calendar's ``upcoming_window`` (holidays included), the words are in the customer's
language (``regulation.customer_language``) with Babel's month names.

``data.tickets.create_ticket`` calls :func:`post_out_of_hours_notice` in its transaction, so
every channel (mail, portal, Telegram, the CLI, the TUI) gets the notice; the notice is a
system message written through ``data.tickets.add_system_message``, which is where the outbox
picks messages up for delivery. Its text is the prepared reply ``out_of_hours`` (editable; the
regulation's wording ships as the default), falling back on the built-in text if that reply was
deleted.
"""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_datetime

from helpdesk.data.store import models as m
from helpdesk.data.tickets import prepared_replies
from helpdesk.data.rules.desk import Desk
from helpdesk.data.rules.working_hours import WorkingCalendar

NOTICE_KEY = "out_of_hours"

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


def notice_text(desk: Desk, number: int, language: str | None = None) -> str:
    """The notice for ticket ``number``, from the ``out_of_hours`` prepared reply."""
    language = language or desk.regulation.customer_language
    try:
        return prepared_replies.render_reply(desk, NOTICE_KEY, number, language=language)
    except prepared_replies.ReplyMissing:
        default = prepared_replies.builtin_reply(NOTICE_KEY)
        body = default.body_ru if language == "ru" else default.body_en
        return prepared_replies.render_text(desk, body, number, language=language)


def needs_notice(desk: Desk, ticket: m.Ticket) -> bool:
    """Received out of hours, and support is still closed now (a mail read in the morning that
    came in at night is being taken up already: no notice)."""
    return bool(ticket.out_of_hours) and not desk.calendar.is_open(desk.now())


def post_out_of_hours_notice(desk: Desk, ticket: m.Ticket) -> m.Message | None:
    """Add the notice to a new ticket's thread when it needs one; returns the message or None."""
    if not needs_notice(desk, ticket):
        return None
    from helpdesk.data.tickets import operations as tickets  # data.tickets calls this module: import at call time

    return tickets.add_system_message(desk, ticket.number, notice_text(desk, ticket.number))
