"""data/rules/targets.py: working-time targets, the due state, and "waiting too long".

Working hours: Mon-Thu 09:00-18:00, Fri 09:00-17:00 Moscow time. Targets (data/regulation.toml):
low 16/80 h, normal 8/40 h, high 2/16 h (first response / resolution).
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from helpdesk.data.core.values import NewTicket
from helpdesk.data.rules import statuses as st
from helpdesk.data.tickets import operations as tickets
from helpdesk.data.tickets import triage
from helpdesk.data.tickets.split_merge import merge_tickets, split_ticket
from helpdesk.data.rules.targets import (
    NEAR,
    OK,
    OVERDUE,
    add_working_days,
    compute_due_at,
    due_state,
    is_waiting_stale,
    waiting_stale_at,
)
from helpdesk.data.read import listing
from helpdesk.data.read.views import get_thread, thread_json

MSK = ZoneInfo("Europe/Moscow")


def msk(*args):
    return datetime(*args, tzinfo=MSK)


def new(**overrides):
    values = dict(subject="Вопрос", body="Текст", customer_email="ivan@example.ru", product="Fenix+ 3")
    values.update(overrides)
    return NewTicket(**values)


@pytest.mark.parametrize(
    "created, priority, due",
    [
        # Wed 10:00 + 2 h.
        ("2026-11-25T10:00:00+03:00", "high", msk(2026, 11, 25, 12, 0)),
        # Wed 10:00 + 8 h: 8 h left on Wednesday (10-18) -> 18:00 the same day.
        ("2026-11-25T10:00:00+03:00", "normal", msk(2026, 11, 25, 18, 0)),
        # Wed 10:00 + 16 h: Wed 8 h + Thu 8 h -> Thu 17:00.
        ("2026-11-25T10:00:00+03:00", "low", msk(2026, 11, 26, 17, 0)),
        # Fri 16:00 + 8 h: Fri 1 h (closes 17:00) + Mon 7 h -> Mon 16:00.
        ("2026-11-27T16:00:00+03:00", "normal", msk(2026, 11, 30, 16, 0)),
        # Saturday: counts from Monday 09:00 -> Mon 17:00.
        ("2026-11-28T12:00:00+03:00", "normal", msk(2026, 11, 30, 17, 0)),
        # The New Year block: Fri 9 Jan 2026 is a day off -> Mon 12 Jan 09:00 + 8 h.
        ("2026-01-09T17:30:00+03:00", "normal", msk(2026, 1, 12, 17, 0)),
    ],
)
def test_first_response_due_in_working_hours(make_desk, created, priority, due):
    desk = make_desk(created)
    ticket = tickets.create_ticket(desk, new(priority=priority))
    assert ticket.due_at == due
    assert tickets.get_ticket(ticket.number).due_at == due


def test_resolution_due_after_the_first_answer_and_the_pause_while_waiting(desk):
    tickets.create_ticket(desk, new())  # Wed 25 Nov 10:00, normal
    tickets.add_reply(desk, 1001, "Пришлите файл")
    # 40 h from Wed 10:00: Wed 8 + Thu 9 + Fri 8 + Mon 9 = 34, Tue 1 Dec 09:00 + 6 h = 15:00.
    assert tickets.get_ticket(1001).due_at == msk(2026, 12, 1, 15, 0)
    tickets.set_status(desk, 1001, st.WAITING)
    assert tickets.get_ticket(1001).due_at is None  # the clock is paused
    desk.clock.advance(timedelta(hours=2))  # waited 10:00-12:00 (working time)
    tickets.add_customer_message(desk, 1001, "Вот файл")
    ticket = tickets.get_ticket(1001)
    assert ticket.status == st.OPEN and ticket.paused_seconds == 7200
    assert ticket.due_at == msk(2026, 12, 1, 17, 0)  # pushed out by the 2 h of waiting


def test_a_wait_over_the_weekend_only_pauses_working_time(make_desk):
    desk = make_desk("2026-11-27T16:00:00+03:00")  # Fri
    tickets.create_ticket(desk, new())
    tickets.add_reply(desk, 1001, "Пришлите файл")
    tickets.set_status(desk, 1001, st.WAITING)
    desk.clock.set(msk(2026, 11, 30, 10, 0))  # Mon 10:00: Fri 16-17 + Mon 9-10 = 2 h of working time
    tickets.set_status(desk, 1001, st.OPEN)
    assert tickets.get_ticket(1001).paused_seconds == 7200


def test_priority_change_recomputes_the_due_time(desk):
    tickets.create_ticket(desk, new())
    tickets.set_priority(desk, 1001, "high")
    assert tickets.get_ticket(1001).due_at == msk(2026, 11, 25, 12, 0)
    tickets.set_priority(desk, 1001, "low")
    assert tickets.get_ticket(1001).due_at == msk(2026, 11, 26, 17, 0)


def test_every_path_leaves_the_stored_due_time_equal_to_a_fresh_computation(desk):
    def consistent():
        for ticket in tickets.m.Ticket.select():
            assert ticket.due_at == compute_due_at(desk, ticket), ticket.number

    tickets.create_ticket(desk, new())
    tickets.create_ticket(desk, new())
    consistent()
    steps = [
        lambda: tickets.add_reply(desk, 1001, "Ответ"),
        lambda: tickets.add_customer_message(desk, 1001, "Ещё вопрос: отчёт не печатается"),
        lambda: tickets.set_status(desk, 1001, st.WAITING),
        lambda: tickets.add_customer_message(desk, 1001, "Ответ клиента"),
        lambda: split_ticket(desk, 1001, 3),
        lambda: merge_tickets(desk, 1002, 1003),
        lambda: tickets.set_priority(desk, 1003, "high"),
        lambda: triage.triage(desk, 1001, "installation"),
        lambda: triage.triage(desk, 1003, "regulations"),
        lambda: tickets.set_status(desk, 1003, st.OPEN),
        lambda: tickets.assign_ticket(desk, 1003, "petrova"),
    ]
    for step in steps:
        desk.clock.advance(timedelta(minutes=17))
        step()
        consistent()


@pytest.mark.parametrize(
    "now, state, left",
    [
        # Due Mon 30 Nov 16:00. From Fri 16:00: Fri 1 h + Mon 7 h = 8 h left.
        (msk(2026, 11, 27, 16, 0), OK, timedelta(hours=8)),
        # Over the weekend nothing is used up: still Mon 7 h.
        (msk(2026, 11, 29, 23, 0), OK, timedelta(hours=7)),
        (msk(2026, 11, 30, 15, 0), NEAR, timedelta(hours=1)),
        (msk(2026, 11, 30, 15, 30), NEAR, timedelta(minutes=30)),
        (msk(2026, 11, 30, 16, 0), OVERDUE, timedelta(0)),
        (msk(2026, 11, 30, 17, 30), OVERDUE, -timedelta(hours=1, minutes=30)),
        # Tue 09:30: Mon 16-18 (2 h) + Tue 09:00-09:30 -> overdue by 2 h 30 min of working time.
        (msk(2026, 12, 1, 9, 30), OVERDUE, -timedelta(hours=2, minutes=30)),
    ],
)
def test_due_state(regulation, now, state, left):
    result = due_state(regulation.calendar, msk(2026, 11, 30, 16, 0), now)
    assert (result.state, result.working_left) == (state, left)
    assert result.overdue_by == (-left if left < timedelta(0) else timedelta(0))


def test_due_state_near_threshold_is_adjustable(regulation):
    due = msk(2026, 11, 30, 16, 0)
    assert due_state(regulation.calendar, due, msk(2026, 11, 30, 13, 0)).state == OK
    assert due_state(regulation.calendar, due, msk(2026, 11, 30, 13, 0), near=timedelta(hours=3)).state == NEAR


def test_working_days_skip_weekends_and_holidays(regulation):
    cal = regulation.calendar
    assert add_working_days(cal, msk(2026, 11, 23, 0, 0).date(), 5) == msk(2026, 11, 30, 0, 0).date()
    # Fri 30 Oct 2026 + 5: Mon 2, Tue 3 (shortened, still working), [Wed 4 holiday], Thu 5, Fri 6, Mon 9.
    assert add_working_days(cal, msk(2026, 10, 30, 0, 0).date(), 5) == msk(2026, 11, 9, 0, 0).date()


def test_waiting_stale_after_five_working_days(regulation):
    cal = regulation.calendar
    since = msk(2026, 11, 23, 10, 0)  # Monday
    assert waiting_stale_at(cal, since, 5) == msk(2026, 11, 30, 10, 0)
    assert not is_waiting_stale(cal, since, msk(2026, 11, 30, 10, 0), 5)
    assert is_waiting_stale(cal, since, msk(2026, 11, 30, 10, 1), 5)
    assert not is_waiting_stale(cal, None, msk(2030, 1, 1, 0, 0), 5)


def test_waiting_stale_flag_is_worked_out_at_read_time(make_desk):
    desk = make_desk("2026-11-23T10:00:00+03:00")
    tickets.create_ticket(desk, new())
    tickets.add_reply(desk, 1001, "Пришлите файл")
    tickets.set_status(desk, 1001, st.WAITING)
    desk.clock.set(msk(2026, 11, 30, 10, 0))
    assert "waiting_stale" not in get_thread(1001, desk).ticket.flags
    desk.clock.set(msk(2026, 11, 30, 10, 1))
    assert "waiting_stale" in get_thread(1001, desk).ticket.flags
    assert "waiting_stale" in thread_json(get_thread(1001), desk)["flags"]
    assert "waiting_stale" in listing.item_json(next(listing.rows()), desk, unread=False)["flags"]
    tickets.add_customer_message(desk, 1001, "Вот файл")
    assert "waiting_stale" not in get_thread(1001, desk).ticket.flags
