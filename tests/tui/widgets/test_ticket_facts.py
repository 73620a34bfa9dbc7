"""tui/widgets/ticket_facts.py: the thread view's facts lines and its countdown in words."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from helpdesk.data.read.views import TicketSummary
from helpdesk.tui.i18n import set_language
from helpdesk.tui.widgets.ticket_facts import facts_lines, ticket_countdown

MSK = ZoneInfo("Europe/Moscow")


def msk(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=MSK)


def summary(**changes) -> TicketSummary:
    base = TicketSummary(
        number=1234, subject="Не запускается", status="new", product="Fenix+ 3", support_ends=None,
        channel="email", customer_name="Иван", customer_email="ivan@example.ru", assignee=None, scope=None,
        priority="normal", created_at=msk("2026-11-25 10:00"), updated_at=msk("2026-11-25 10:00"),
        first_response_at=None, due_at=msk("2026-11-25 18:00"), waiting_since=None, paused_seconds=0, version=1,
        flags=(),
    )
    return replace(base, **changes)


@pytest.mark.parametrize(
    ("changes", "now", "state", "text"),
    [
        ({}, "2026-11-25 10:30", "ok",
         "First response due in 7 h 30 min of working time, 18:00 MSK · waited 30 min"),
        ({}, "2026-11-25 17:10", "near", "First response due in 50 min of working time, 18:00 MSK · waited 7 h 10 min"),
        ({}, "2026-11-26 10:00", "overdue", "First response overdue by 1 h 00 min of working time (was due Wed 18:00 MSK)"),
        ({"first_response_at": msk("2026-11-25 11:00"), "status": "open", "due_at": msk("2026-12-02 18:00")},
         "2026-11-25 12:00", "ok", "Resolution due in 50 h 00 min of working time, 2 Dec 18:00 MSK"),  # 6+9+8+9+9+9 h
        ({"created_at": msk("2026-11-27 19:30"), "due_at": msk("2026-11-30 17:00")}, "2026-11-28 12:00", "pending",
         "Received out of hours: taken up Mon 09:00 MSK, in 1 d 21 h 00 min"),
        ({"status": "waiting", "waiting_since": msk("2026-11-25 11:00"), "due_at": None}, "2026-11-25 12:00", "paused",
         "Waiting for the customer since 11:00 MSK: the working-time clock is paused"),
        ({"status": "waiting", "waiting_since": msk("2026-11-02 11:00"), "due_at": None}, "2026-11-25 12:00", "stale",
         "Waiting for the customer since 2 Nov 11:00 MSK: the working-time clock is paused · waiting too long"),
        ({"status": "resolved", "due_at": None, "updated_at": msk("2026-11-25 11:00")}, "2026-11-25 12:00", "done",
         "Resolved 11:00 MSK: no target runs"),
        ({"due_at": None}, "2026-11-25 12:00", "ok", "Waited 2 h 00 min of working time"),
        # Due Friday 17:00 (support closes then): on Monday 08:00 no working time has passed since.
        ({"due_at": msk("2026-11-27 17:00")}, "2026-11-30 08:00", "overdue", "First response overdue since Fri 17:00 MSK"),
        # The last minute counts seconds; a date of another year names it.
        ({}, "2026-11-25 17:59:18", "near", "First response due in 42 s of working time, 18:00 MSK · waited 7 h 59 min"),
        ({"created_at": msk("2026-12-30 10:00"), "due_at": msk("2027-01-11 14:00")}, "2026-12-30 15:00", "ok",
         "First response due in 8 h 00 min of working time, 11 Jan 2027 14:00 MSK · waited 5 h 00 min"),
    ],
)
def test_countdown(regulation, changes, now, state, text):
    countdown = ticket_countdown(summary(**changes), regulation.calendar, msk(now), MSK)
    assert (countdown.state, countdown.text) == (state, text)
    assert countdown.seconds is (" s " in text)  # the App ticks each second only while seconds show


def test_countdown_shows_the_agent_zone_when_it_differs(regulation):
    countdown = ticket_countdown(summary(), regulation.calendar, msk("2026-11-25 10:30"), ZoneInfo("Asia/Novosibirsk"))
    assert "18:00 MSK / 22:00 +07" in countdown.text


def test_countdown_in_russian(regulation):
    set_language("ru")
    countdown = ticket_countdown(summary(), regulation.calendar, msk("2026-11-25 10:30"), MSK)
    assert "7\u00a0ч 30\u00a0мин" in countdown.text


def test_facts_lines(regulation):
    ticket = summary(
        product="Fenix+", support_ends=date(2021, 12, 31), flags=("support_ended", "out_of_hours"),
        assignee="petrova", scope="project_fixes", priority="high", status="open",
    )
    title, who, state = (str(line) for line in facts_lines(ticket, regulation))
    assert title == "#1234 Не запускается"
    assert who == "Иван <ivan@example.ru> · Fenix+ (support ended 31.12.2021) · E-mail"
    assert state == (
        "Open · assignee: petrova · priority: High · ⚑ received out of hours · "
        "out of scope: Revising and fixing users' projects"
    )


def test_facts_lines_for_a_telegram_customer_without_product(regulation):
    ticket = summary(customer_email=None, product=None, channel="telegram")
    _, who, state = (str(line) for line in facts_lines(ticket, regulation, telegram="@ivan"))
    assert who == "Иван (Telegram @ivan) · product not set · Telegram"
    assert state == "New · unassigned · priority: Normal · scope not set"


def test_facts_lines_give_the_phone_number_of_a_call_to_call_back(regulation):
    ticket = summary(customer_email=None, customer_phone="+7 (912) 345-67-89", channel="visit")
    _, who, _ = (str(line) for line in facts_lines(ticket, regulation))
    assert who == "Иван tel. +7 (912) 345-67-89 · Fenix+ 3 · Visit"
    set_language("ru")
    assert str(facts_lines(ticket, regulation)[1]) == "Иван тел. +7 (912) 345-67-89 · Fenix+ 3 · Визит"


def test_facts_lines_keep_hostile_text_literal(regulation):
    ticket = summary(subject="[@click=app.quit]q\x1b]52;c;aGk=\x07", customer_name="[b]x[/b]")
    title, who, _ = facts_lines(ticket, regulation)
    assert "[@click=app.quit]q␛]52;c;aGk=␇" in title.plain
    assert who.plain.startswith("[b]x[/b]")
    assert all("@click" not in str(s.style) for s in title.spans + who.spans)
