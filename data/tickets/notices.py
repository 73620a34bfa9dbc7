"""The out-of-hours notice (regulation section 1.3).

"Outside working hours, on weekends and on public holidays, requests are not processed." A
request that arrives then gets a system reply in its thread saying when it will be taken up:
"Your request will be taken up on Monday, 12 January, from 09:00 Moscow time" / "Ваша заявка
будет принята в работу в понедельник, 12 января, с 09:00 по московскому времени". The instant
is the calendar's ``upcoming_window`` (holidays included), the words are in the customer's
language (``regulation.customer_language``) with Babel's month names.

``create_ticket`` (data/tickets/operations.py) asks :func:`needs_notice` in its transaction and
writes :func:`notice_text` as a system message, so every channel (mail, portal, Telegram, the
CLI, the TUI) gets the notice, and the outbox picks it up like any reply. Its text is the prepared reply ``out_of_hours`` (editable; the
regulation's wording ships as the default), falling back on the built-in text if that reply was
deleted.
"""

from __future__ import annotations

from datetime import timedelta

from helpdesk.data.store import models as m
from helpdesk.data.tickets import prepared_replies
from helpdesk.data.rules.desk import Desk

NOTICE_KEY = "out_of_hours"
SYSTEM = "system"  # the author of the messages the helpdesk writes itself: the notices
# A request received longer ago than this (an old mail imported now) gets no notice.
NOTICE_MAX_AGE = timedelta(days=1)

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
    came in at night is being taken up already: no notice); received lately (an old archive
    imported at night is not 2,000 customers waiting for word); and the customer has not been
    told yet in this closed period (50 mails in one night get one notice, not 50)."""
    now = desk.now()
    if not ticket.out_of_hours or desk.calendar.is_open(now) or now - ticket.created_at > NOTICE_MAX_AGE:
        return False
    told = (
        m.Message.select(m.Message.created_at)
        .join(m.Ticket)
        .where((m.Ticket.customer == ticket.customer_id) & (m.Message.author_kind == SYSTEM))
        .order_by(m.Message.created_at.desc())
        .first()
    )
    # The same closed period: support opens next at the same instant as when they were told.
    return told is None or desk.calendar.changes_at(told.created_at) != desk.calendar.changes_at(now)
