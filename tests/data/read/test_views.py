"""data/read/views.py: a thread read whole, or its latest messages first (the thread view's first paint)."""

from __future__ import annotations

from datetime import timedelta

from helpdesk.data.read.views import get_thread
from helpdesk.data.rules import statuses as st
from helpdesk.data.tickets import operations as t


def _thread(desk, customer_messages: int) -> int:
    number = t.create_ticket(desk, t.NewTicket(subject="s", body="0", customer_email="a@b.ru")).number
    for i in range(1, customer_messages):
        desk.clock.advance(timedelta(minutes=1))
        t.add_customer_message(desk, number, str(i))
        if i == 5:
            t.set_status(desk, number, st.OPEN)
    return number


def test_the_latest_messages_and_the_events_since_the_first_of_them(desk):
    number = _thread(desk, 12)
    whole = get_thread(number, desk)
    assert whole.complete and [m.body for m in whole.messages] == [str(i) for i in range(12)]

    latest = get_thread(number, desk, last=4)
    assert not latest.complete
    assert [m.body for m in latest.messages] == ["8", "9", "10", "11"]
    assert latest.ticket.message_count == 12  # the summary counts them all
    first = latest.messages[0].created_at
    assert latest.events == tuple(e for e in whole.events if e.created_at >= first)
    assert all(e.action != "status" for e in latest.events)  # the status change came before
    assert latest.ticket == whole.ticket


def test_a_short_thread_is_read_whole(desk):
    number = _thread(desk, 3)
    view = get_thread(number, desk, last=4)
    assert view.complete and [m.body for m in view.messages] == ["0", "1", "2"]
    assert view == get_thread(number, desk)
