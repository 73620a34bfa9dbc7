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
import pytest
from textual.content import Content

from helpdesk.tui.widgets.ticket_table import (TicketTable, countdown_text, fit_words, layout_columns, short_when,
                                               shown_instant, sort_arrow, status_short)
from tests.pilot import settle, sync

MSK = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=MSK)  # Wednesday


def _keys(width: int, **kw) -> list[str]:
    return [c.key for c, _ in layout_columns(width, **kw)]


def test_columns_by_width_the_subject_takes_the_rest():
    # Row widths: the terminal's less the scroll bar.
    assert _keys(79) == ["number", "flags", "marks", "subject", "status", "countdown"]
    assert _keys(59) == ["number", "flags", "subject", "status", "countdown"]
    assert _keys(99) == ["number", "flags", "marks", "subject", "product", "status", "assignee", "countdown"]
    assert _keys(119) == _keys(99)
    assert _keys(139) == ["number", "flags", "marks", "subject", "customer", "product", "status", "assignee", "countdown"]
    assert _keys(200) == ["number", "flags", "marks", "subject", "customer", "product", "channel", "status", "assignee",
                          "age", "waited", "countdown"]
    subjects = []
    for width in (59, 79, 99, 119, 139, 159, 200):
        columns = layout_columns(width)
        assert sum(w for _, w in columns) + len(columns) - 1 == width  # nothing left empty
        subjects.append(dict((c.key, w) for c, w in columns)["subject"])
    assert min(subjects) >= 15
    assert subjects[1] >= 20  # 80 columns
    assert subjects[3] >= 30 and subjects[-1] >= 50  # 120 columns, and wide screens


def test_the_sorted_column_is_always_shown():
    assert "age" not in _keys(79)
    assert "age" in _keys(79, sort="age") and "age" in _keys(59, sort="age")
    assert "number" in _keys(59, sort="number") and "countdown" in _keys(59, sort="due")
    columns = layout_columns(79, sort="age")
    assert sum(w for _, w in columns) + len(columns) - 1 == 79


def test_the_sort_arrow_says_which_way_the_column_runs():
    # Soonest due first: instants go up; newest first: numbers go down; oldest first: ages go down.
    assert sort_arrow("due", False) == "▲" and sort_arrow("due", True) == "▼"
    assert sort_arrow("number", False) == "▼" and sort_arrow("number", True) == "▲"
    assert sort_arrow("age", False) == "▼" and sort_arrow("age", True) == "▲"


def test_text_is_cut_at_a_word_boundary():
    assert fit_words(Content("Не запускается программа после обновления"), 24).plain == "Не запускается…".ljust(24)
    assert fit_words(Content("Короткая тема"), 20).plain == "Короткая тема".ljust(20)
    # One long word: cut inside it rather than leave the cell empty.
    assert fit_words(Content("Дымоудаление-и-вентиляция"), 10).plain == "Дымоудале…"
    assert fit_words(Content("Fenix Server Academy"), 14).plain == "Fenix Server… "


MON_0800 = datetime(2026, 11, 30, 8, 0, tzinfo=MSK)
FRI_1700 = datetime(2026, 11, 27, 17, 0, tzinfo=MSK)


def test_countdown_words_in_english_and_russian():
    starts = Countdown("starts", datetime(2026, 11, 30, 9, 0, tzinfo=MSK), timedelta(hours=14, minutes=32),
                       due=datetime(2026, 11, 30, 13, 0, tzinfo=MSK))
    due = Countdown("due", datetime(2026, 11, 25, 13, 10, tzinfo=MSK), timedelta(hours=1, minutes=50),
                    due=datetime(2026, 11, 25, 13, 10, tzinfo=MSK))
    later = Countdown("due", datetime(2026, 11, 30, 10, 50, tzinfo=MSK), timedelta(hours=2), due=datetime(2026, 11, 30, 10, 50, tzinfo=MSK))
    overdue = Countdown("overdue", datetime(2026, 11, 20, 17, 0, tzinfo=MSK), timedelta(hours=1, minutes=5))
    waiting = Countdown("waiting", None, timedelta(days=3, hours=2))
    assert countdown_text(starts, MSK, NOW) == "from Mon 09:00, by Mon 13:00"
    assert countdown_text(due, MSK, NOW) == "by 13:10, 1 h 50 min work"
    assert countdown_text(later, MSK, NOW) == "by Mon 10:50, 2 h work"
    assert countdown_text(overdue, MSK, NOW) == "overdue by 1 h 05 min work, since Fri 17:00"
    assert countdown_text(overdue, MSK, NOW, 30) == "−1 h 05 min since Fri 17:00"
    assert countdown_text(overdue, MSK, NOW, 22) == "overdue since Fri 17:00"
    assert countdown_text(waiting, MSK, NOW) == "customer's turn, 3 d 2 h"
    assert countdown_text(Countdown("done"), MSK, NOW) == "—"
    set_language("ru")
    nb = "\u00a0"
    assert countdown_text(starts, MSK, NOW) == "с пн 09:00, до пн 13:00"
    assert countdown_text(due, MSK, NOW) == f"до 13:10, 1{nb}ч 50{nb}мин раб."
    assert countdown_text(later, MSK, NOW) == f"до пн 10:50, 2{nb}ч раб."
    assert countdown_text(overdue, MSK, NOW) == f"просрочена на 1{nb}ч 05{nb}мин раб., с пт 17:00"
    assert countdown_text(overdue, MSK, NOW, 30) == f"−1{nb}ч 05{nb}мин раб., с пт 17:00"
    assert status_short("waiting") == "Ждёт кл."


def _row(**changes) -> dq.QueueRow:
    base = dict(id=1, number=1001, subject="s", status=st.NEW, customer_name="c", customer_email=None, product=None,
                support_ends=None, channel="email", assignee=None, priority="normal",
                created_at=datetime(2026, 11, 27, 9, 0, tzinfo=MSK), updated_at=datetime(2026, 11, 27, 9, 0, tzinfo=MSK),
                first_response_at=None, due_at=None, waiting_since=None, support_ended=False, out_of_hours=False)
    return dq.QueueRow(**{**base, **changes})


def test_overdue_since_friday_evening_reads_since_when_on_monday_morning(regulation):
    # Due Friday 17:00 (support closes then): on Monday 08:00 no working time has passed since.
    cd = dq.countdown(_row(due_at=FRI_1700), regulation.calendar, MON_0800)
    assert cd.kind == "overdue" and cd.left == timedelta(0)
    assert countdown_text(cd, MSK, MON_0800) == "overdue since Fri 17:00"
    set_language("ru")
    assert countdown_text(cd, MSK, MON_0800, 22) == "просрочена с пт 17:00"
    assert "0" + "\u00a0" + "мин" not in countdown_text(cd, MSK, MON_0800)


def test_across_the_new_year_block_the_due_date_carries_the_year(regulation):
    # 30 December 2026, 15:00: an 8-hour target runs 3 hours that day and 5 on 11 January 2027.
    now = datetime(2026, 12, 30, 15, 0, tzinfo=MSK)
    due_at = regulation.calendar.add_working_time(now, timedelta(hours=8))
    cd = dq.countdown(_row(created_at=now, updated_at=now, due_at=due_at), regulation.calendar, now)
    assert cd.kind == "due" and cd.left == timedelta(hours=8)
    assert countdown_text(cd, MSK, now) == "by 11 Jan 2027 14:00, 8 h work"
    assert short_when(due_at, MSK, datetime(2027, 1, 9, 12, 0, tzinfo=MSK)) == "Mon 14:00"
    set_language("ru")
    assert countdown_text(cd, MSK, now, 30) == "до 11 янв 2027 14:00, 8\u00a0ч раб."
    # Taken up when support opens, after the block: from when, and when it falls due.
    evening = datetime(2026, 12, 30, 19, 0, tzinfo=MSK)
    late = dq.countdown(_row(created_at=evening, updated_at=evening,
                             due_at=regulation.calendar.add_working_time(evening, timedelta(hours=4))),
                        regulation.calendar, evening)
    assert countdown_text(late, MSK, evening) == "с 11 янв 2027 09:00, до 11 янв 2027 13:00"


def test_russian_countdowns_fit_the_column_at_eighty_columns(regulation):
    set_language("ru")
    width = dict((c.key, w) for c, w in layout_columns(79))["countdown"]
    calendar = regulation.calendar
    for now in (NOW, MON_0800, datetime(2026, 11, 27, 16, 59, tzinfo=MSK), datetime(2026, 12, 30, 17, 30, tzinfo=MSK)):
        for hours_ago in (0, 1, 3, 8, 20, 60, 300):
            for target in (1, 4, 8, 16, 40):
                created = now - timedelta(hours=hours_ago)
                row = _row(created_at=created, updated_at=created, due_at=calendar.add_working_time(created, timedelta(hours=target)))
                cd = dq.countdown(row, calendar, now)
                text = countdown_text(cd, MSK, now, width)
                assert len(text) <= width, text
                if cd.kind == "due" and cd.due.year == now.year:
                    # The working time left beside the clock time (a date of another year may
                    # leave it out: the New Year block's dates are long).
                    assert text.endswith("раб."), text


@pytest.mark.parametrize("tab", ["new", "open", "all"])
@pytest.mark.parametrize("reverse", [False, True])
def test_the_due_order_is_the_order_of_the_instants_shown(demo_desk, tab, reverse):
    """Sorted by the deadline, the rows come in the order of the instants their cells show
    (the due instant: "до ...", "просрочена ... с ...", "с ..., до ..."), those without one after."""
    calendar, now = demo_desk.calendar, demo_desk.now()
    for moment in (now, datetime(2026, 11, 28, 12, 0, tzinfo=MSK)):  # open on a weekday, closed at the weekend
        rows = dq.fetch_rows(dq.QueueFilter(tab=tab, sort="due", reverse=reverse, agent="petrova"), 0, 1000)
        shown = [shown_instant(dq.countdown(row, calendar, moment)) for row in rows]
        instants = [at for at in shown if at is not None]
        assert len(instants) > 10
        assert instants == sorted(instants, reverse=reverse)
        with_instant = [at is not None for at in shown]
        assert with_instant == sorted(with_instant, reverse=not reverse)  # no instant: after them (reversed: before)
        # ... and the cells say those instants.
        for row, at in zip(rows, shown):
            if at is not None:
                text = countdown_text(dq.countdown(row, calendar, moment), calendar.tz, moment)
                assert short_when(at, calendar.tz, moment) in text


def test_times_read_short_in_the_support_zone():
    assert short_when(datetime(2026, 11, 25, 18, 0, tzinfo=MSK), MSK, NOW) == "18:00"
    assert short_when(datetime(2026, 11, 26, 9, 0, tzinfo=MSK), MSK, NOW) == "Thu 09:00"
    assert short_when(datetime(2026, 11, 20, 17, 0, tzinfo=MSK), MSK, NOW) == "Fri 17:00"  # within the past week
    assert short_when(datetime(2026, 12, 12, 9, 0, tzinfo=MSK), MSK, NOW) == "12 Dec 09:00"
    assert short_when(datetime(2027, 1, 12, 9, 0, tzinfo=MSK), MSK, NOW) == "12 Jan 2027 09:00"
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
