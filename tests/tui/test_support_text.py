"""tui/support_text.py: a product's support end, and when support takes a new request up."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from helpdesk.data.rules.regulation import ProductSpec
from helpdesk.tui.support_text import product_label, taken_up_text

FRIDAY_EVENING = "2026-11-20T19:30:00+03:00"


def test_product_label_stresses_an_ended_support():
    assert str(product_label(ProductSpec("Fenix+ 3"))) == "Fenix+ 3"
    label = product_label(ProductSpec("Fenix+", date(2021, 12, 31)))
    assert str(label) == "Fenix+ (support ended 31.12.2021)"
    assert any("$text-warning" in str(span.style) for span in label.spans)


def test_taken_up_text_shows_the_agent_zone_too(make_desk):
    desk = make_desk(now=FRIDAY_EVENING)
    text = taken_up_text(desk.regulation, 1234, desk.now(), None, ZoneInfo("Asia/Novosibirsk"))
    assert text == (
        "Ticket #1234 created. Support is closed now: the ticket will be taken up "
        "Mon 09:00 MSK / Mon 13:00 +07, in 2 d 13 h 30 min."
    )


def test_taken_up_text_during_working_hours(make_desk):
    desk = make_desk(now="2026-11-25T10:00:00+03:00")
    text = taken_up_text(desk.regulation, 7, desk.now(), datetime.fromisoformat("2026-11-25T14:00:00+03:00"))
    assert text == (
        "Ticket #7 created. Support is open: the ticket is taken up now. "
        "First response due 14:00 MSK, in 4 h 00 min of working time."
    )
