"""tui/widgets/ticket_table.py: columns by width, words of the countdown cells, row drawing, what a tick repaints."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from helpdesk.data.read import queue as dq
from helpdesk.data.read.queue import Countdown
from helpdesk.data.demo import AGENTS
from helpdesk.data.rules import statuses as st
from helpdesk.data.tickets import operations as tk
from helpdesk.tui.i18n import set_language
from helpdesk.tui.widgets.ticket_table import TicketTable, countdown_text, layout_columns, short_when, status_short
from tests.pilot import settle, sync

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


# --- repainting: a tick or a cursor move repaints only the rows that change ----------------------


def _visible(t: TicketTable) -> dict[int, str]:
    """Each visible row line (y) and its text."""
    top = int(t.scroll_y)
    return {y: t.row_text(top + y - 1) for y in range(1, t._body_height + 1) if t.row_at(top + y - 1) is not None}


def _recording(t: TicketTable, monkeypatch) -> list[int]:
    """The lines (y) the table draws from now on."""
    drawn: list[int] = []
    original = t.render_line
    monkeypatch.setattr(t, "render_line", lambda y: drawn.append(y) or original(y))
    return drawn


@sync
async def test_a_tick_repaints_only_the_rows_whose_words_changed(demo_desk, app_factory, monkeypatch):
    app = app_factory(demo_desk)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, rounds=3)
        await pilot.press("5", "s", "s")  # every ticket, newest first
        await settle(pilot, rounds=3)
        t = app.screen.query_one(TicketTable)
        # Scroll to where running countdowns and finished tickets (no countdown) share the screen.
        rows = dq.fetch_rows(dq.QueueFilter(tab="all", sort="number", agent="petrova"), 0, 1000)
        first_finished = next(i for i, row in enumerate(rows) if row.status in st.FINISHED)
        t.cursor_row = first_finished + t._body_height // 2
        await settle(pilot, rounds=3)
        before = _visible(t)
        drawn = _recording(t, monkeypatch)
        demo_desk.clock.advance(timedelta(minutes=1))
        app.tick()
        await pilot.pause()
        after = _visible(t)
        changed = {y for y in before if before[y] != after[y]}
        assert changed and len(changed) < len(before)  # some countdowns moved, finished rows did not
        assert set(drawn) == changed


@sync
async def test_a_tick_within_the_minute_repaints_nothing(demo_desk, app_factory, monkeypatch):
    app = app_factory(demo_desk)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, rounds=3)
        t = app.screen.query_one(TicketTable)
        drawn = _recording(t, monkeypatch)
        shown = app.now_tick
        demo_desk.clock.advance(timedelta(seconds=40))
        app.tick()
        await pilot.pause()
        assert app.now_tick is shown and drawn == []


@sync
async def test_a_cursor_move_repaints_the_row_it_leaves_and_the_row_it_reaches(demo_desk, app_factory, monkeypatch):
    app = app_factory(demo_desk)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, rounds=3)
        t = app.screen.query_one(TicketTable)
        drawn = _recording(t, monkeypatch)
        await pilot.press("down")
        assert t.cursor_row == 1 and sorted(set(drawn)) == [1, 2]
        drawn.clear()
        await pilot.press("end")  # the view scrolls: every line moves
        await settle(pilot, rounds=3)
        assert set(drawn) >= set(range(1, t._body_height + 1))


@sync
async def test_a_reload_repaints_only_the_rows_that_changed(demo_desk, app_factory, monkeypatch):
    app = app_factory(demo_desk)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, rounds=3)
        t = app.screen.query_one(TicketTable)
        drawn = _recording(t, monkeypatch)
        app.tickets_changed()  # nothing changed in fact: the queue reloads, the screen stays
        await settle(pilot, rounds=3)
        assert drawn == []
        second = t.row_at(1)
        colleague = replace(demo_desk, agent=AGENTS[1])
        tk.set_scope(colleague, second.number, "installation")  # not shown, but unread to petrova now
        app.tickets_changed([second.number])
        await settle(pilot, rounds=3)
        assert t.row_at(1).number == second.number and second.number in t.unread
        assert set(drawn) == {2}
