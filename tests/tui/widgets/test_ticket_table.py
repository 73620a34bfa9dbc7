"""tui/widgets/ticket_table.py: columns by width, words of the countdown cells, row drawing."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from helpdesk.data.read.queue import Countdown
from helpdesk.tui.i18n import set_language
from helpdesk.tui.widgets.ticket_table import countdown_text, layout_columns, short_when, status_short

MSK = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=MSK)  # Wednesday


def test_eighty_columns_keep_the_essentials_and_wider_screens_add_more():
    narrow = [c.key for c, _ in layout_columns(79)]
    assert narrow == ["number", "flags", "marks", "subject", "status", "countdown"]
    assert sum(w for _, w in layout_columns(79)) + len(narrow) - 1 == 79
    assert [c.key for c, _ in layout_columns(60)] == ["number", "flags", "subject", "status", "countdown"]
    wide = [c.key for c, _ in layout_columns(119)]
    assert wide == ["number", "flags", "marks", "subject", "customer", "product", "status", "countdown"]
    widest = [c.key for c, _ in layout_columns(200)]
    assert widest == ["number", "flags", "marks", "subject", "customer", "product", "channel", "status", "assignee",
                      "age", "waited", "countdown"]
    for width in (60, 79, 100, 119, 160, 200):
        columns = layout_columns(width)
        assert sum(w for _, w in columns) + len(columns) - 1 == width
        assert dict((c.key, w) for c, w in columns)["subject"] >= 20 or width < 79


def test_countdown_words_in_english_and_russian():
    starts = Countdown("starts", datetime(2026, 11, 30, 9, 0, tzinfo=MSK), timedelta(hours=14, minutes=32))
    due = Countdown("due", None, timedelta(hours=3, minutes=10))
    overdue = Countdown("overdue", None, timedelta(hours=1, minutes=5))
    waiting = Countdown("waiting", None, timedelta(days=3, hours=2))
    assert countdown_text(starts, MSK, NOW) == "from Mon 09:00, in 14 h 32 min"
    assert countdown_text(due, MSK, NOW) == "due in 3 h 10 min"
    assert countdown_text(overdue, MSK, NOW) == "overdue by 1 h 05 min"
    assert countdown_text(waiting, MSK, NOW) == "customer's turn, 3 d 2 h"
    assert countdown_text(Countdown("done"), MSK, NOW) == "—"
    set_language("ru")
    assert countdown_text(starts, MSK, NOW) == "с пн 09:00, через 14\u00a0ч 32\u00a0мин"
    assert countdown_text(due, MSK, NOW) == "срок через 3\u00a0ч 10\u00a0мин"
    assert countdown_text(overdue, MSK, NOW) == "просрочена на 1\u00a0ч 05\u00a0мин"
    assert status_short("waiting") == "Ждёт кл."


def test_times_read_short_in_the_support_zone():
    assert short_when(datetime(2026, 11, 25, 18, 0, tzinfo=MSK), MSK, NOW) == "18:00"
    assert short_when(datetime(2026, 11, 26, 9, 0, tzinfo=MSK), MSK, NOW) == "Thu 09:00"
    assert short_when(datetime(2027, 1, 12, 9, 0, tzinfo=MSK), MSK, NOW) == "12 Jan 09:00"
    # An instant given in another zone is shown in the support zone.
    assert short_when(datetime(2026, 11, 25, 6, 0, tzinfo=ZoneInfo("UTC")), MSK, NOW) == "09:00"
