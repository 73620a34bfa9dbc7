"""screens/reports.py: the reports screen, its chart, period keys and CSV export.

Data (Moscow time; hours Mon-Thu 09-18, Fri 09-17; the report is made on Mon 30 Nov 2026 12:00):
  A  Mon 23 Nov 10:00 email Fenix+ 3, answered 11:00                      -> 1 h
  B  Mon 23 Nov 20:00 (out of hours) email Fenix+ 3, answered Tue 10:00   -> 1 h (09:00-10:00)
  C  Wed 25 Nov 09:00 telegram Fenix+ 2, answered 12:00, closed 14:00     -> 3 h
First-response times 1, 1, 3 h: median 1 h; p90 at position (3-1)*0.9 = 1.8 -> 1 + 0.8*(3-1) = 2.6 h.
"""

from __future__ import annotations

import functools
import threading
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from textual.widgets import Input, Label, Sparkline, Static

from helpdesk.data.read import reports
from helpdesk.data.rules import statuses as st
from helpdesk.data.tickets import operations as t
from helpdesk.screens.reports import ReportsScreen, month_of, shifted, week_of
from tests.factories import new_ticket
from tests.pilot import make_app, settle, sync
from tests.screens.workflow_helpers import WorkflowApp as HelpdeskApp
from helpdesk.tui.i18n import set_language
from helpdesk.tui.messages import TicketsChanged

MSK = ZoneInfo("Europe/Moscow")


def at(desk, day, hour):
    desk.clock.set(datetime(2026, 11, day, hour, 0, tzinfo=MSK))


new = functools.partial(new_ticket, customer_name="")  # a request that gives no name


@pytest.fixture
def data_desk(make_desk):
    desk = make_desk("2026-11-23T10:00:00+03:00")
    a = new(desk)
    at(desk, 23, 11); t.add_reply(desk, a, "Ответ")  # noqa: E702
    at(desk, 23, 20); b = new(desk)  # noqa: E702
    at(desk, 24, 10); t.add_reply(desk, b, "Ответ")  # noqa: E702
    at(desk, 25, 9); c = new(desk, channel="telegram", product="Fenix+ 2")  # noqa: E702
    at(desk, 25, 12); t.add_reply(desk, c, "Ответ")  # noqa: E702
    at(desk, 25, 14); t.set_status(desk, c, st.CLOSED)  # noqa: E702
    at(desk, 30, 12)
    return desk


async def open_reports(pilot, **kwargs) -> ReportsScreen:
    screen = ReportsScreen(**kwargs)
    pilot.app.push_screen(screen)
    await settle(pilot, 2)
    return screen


def text_of(screen, selector) -> str:
    return str(screen.query_one(selector).render())


@sync
async def test_figures_chart_and_breakdowns(data_desk):
    app = make_app(data_desk, watch_changes=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_reports(pilot, date_from=date(2026, 11, 23), date_to=date(2026, 11, 29))
        summary = text_of(screen, "#report-summary")
        lines = summary.splitlines()
        assert lines[0] == "Report 2026-11-23 - 2026-11-29"
        figures = {line[:46].strip(): line[46:].strip() for line in lines[1:]}
        assert figures["Received"] == "3"
        assert figures["of them out of hours"] == "1"
        assert figures["Closed in the period"] == "1"
        assert figures["First response, median (working time)"] == "1 h 00 min"
        assert figures["First response, 90th percentile"] == "2 h 36 min"  # 2.6 h
        assert figures["First-response target: met / missed / pending"] == "3 / 0 / 0"
        assert screen.query_one("#report-received", Sparkline).data == [2, 0, 1, 0, 0, 0, 0]
        assert screen.query_one("#report-closed", Sparkline).data == [0, 0, 1, 0, 0, 0, 0]
        assert "most in a day: 2" in text_of(screen, "#report-received-title")
        breakdown = text_of(screen, "#report-breakdown")
        assert "By product" in breakdown and "By channel" in breakdown and "By scope category" in breakdown
        fenix3 = next(line for line in breakdown.splitlines() if line.startswith("Fenix+ 3"))
        fenix2 = next(line for line in breakdown.splitlines() if line.startswith("Fenix+ 2"))
        assert fenix3.count("█") == 24 and fenix3.rstrip().endswith("2 closed 0")
        assert fenix2.count("█") == 12 and fenix2.rstrip().endswith("1 closed 1")
        assert any(line.startswith("Telegram") for line in breakdown.splitlines())


@sync
async def test_export_csv_never_overwrites(data_desk, tmp_path):
    app = make_app(data_desk, watch_changes=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_reports(pilot, date_from=date(2026, 11, 23), date_to=date(2026, 11, 29), export_dir=tmp_path)
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
    first = tmp_path / "report_2026-11-23_2026-11-29.csv"
    second = tmp_path / "report_2026-11-23_2026-11-29 (1).csv"
    expected = reports.report_csv(reports.build_report(data_desk, date(2026, 11, 23), date(2026, 11, 29)))
    assert first.read_text(encoding="utf-8") == expected
    assert second.read_text(encoding="utf-8") == expected
    assert "summary,received,,,3" in expected.splitlines()


@sync
async def test_period_keys_and_a_bad_date(data_desk):
    app = make_app(data_desk, watch_changes=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_reports(pilot)
        # Default: the last 30 days, today (Mon 30 Nov) included.
        assert screen.period() == (date(2026, 11, 1), date(2026, 11, 30))
        await pilot.press("w")
        await settle(pilot)
        assert screen.period() == (date(2026, 11, 30), date(2026, 12, 6))
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert screen.period() == (date(2026, 11, 23), date(2026, 11, 29))
        assert text_of(screen, "#report-summary").splitlines()[0] == "Report 2026-11-23 - 2026-11-29"
        await pilot.press("m")
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert screen.period() == (date(2026, 10, 1), date(2026, 10, 31))

        await pilot.press("f")
        start = screen.query_one("#report-from", Input)
        assert app.focused is start
        start.value = "31.10.2026"
        await pilot.press("enter")
        await settle(pilot)
        assert start.has_class("-error") and start.value == "31.10.2026"
        assert text_of(screen, "#report-period-error") == "Not a date like 2026-01-31: “31.10.2026”"
        # Letters typed into a date field are not keys.
        assert screen.check_action("this_week", ()) is False


@sync
async def test_rebuilds_when_tickets_change(data_desk):
    app = make_app(data_desk, watch_changes=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_reports(pilot, date_from=date(2026, 11, 23), date_to=date(2026, 11, 30), settle_seconds=0.01)
        assert screen.report.received == 3
        new(data_desk)  # Mon 30 Nov 12:00
        app.tickets_changed()
        for _ in range(200):  # until the wait is over and the rebuilt report is shown
            await settle(pilot)
            if screen.report.received == 4:
                break
            await pilot.pause(0.05)
        assert screen.report.received == 4
        assert "Received" in text_of(screen, "#report-summary")


class CountingBuilder:
    """``build_report`` that counts its calls, and can be held until released (a slow report)."""

    def __init__(self, *, hold: bool = False):
        self.calls = 0
        self.release = threading.Event()
        if not hold:
            self.release.set()

    def __call__(self, desk, start, end):
        self.calls += 1
        self.release.wait(30)
        return reports.build_report(desk, start, end)


@sync
async def test_changes_in_a_row_rebuild_once_when_they_pause(data_desk):
    builder = CountingBuilder()
    app = make_app(data_desk, watch_changes=False)
    async with app.run_test(size=(80, 24)) as pilot:
        # The pause never ends by itself here: the test says when (the timer calls changes_settled).
        screen = await open_reports(pilot, date_from=date(2026, 11, 23), date_to=date(2026, 11, 30),
                                    builder=builder, settle_seconds=3600)  # fmt: skip
        assert builder.calls == 1 and screen.report.received == 3
        assert text_of(screen, "#report-updating") == ""
        for _ in range(5):
            new(data_desk)
            app.tickets_changed()
            await settle(pilot)
        assert builder.calls == 1  # nothing rebuilt while the changes keep coming
        assert text_of(screen, "#report-updating") == "updating…"
        figures = text_of(screen, "#report-summary")
        assert "Received" in figures and screen.report.received == 3  # the previous figures stay
        screen.changes_settled()
        await settle(pilot)
        assert builder.calls == 2 and screen.report.received == 8
        assert text_of(screen, "#report-updating") == ""


@sync
async def test_the_pause_is_timed_by_the_screen(data_desk):
    builder = CountingBuilder()
    app = make_app(data_desk, watch_changes=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_reports(pilot, date_from=date(2026, 11, 23), date_to=date(2026, 11, 30),
                                    builder=builder, settle_seconds=0.2)  # fmt: skip
        for _ in range(4):  # four changes seen back to back: each restarts the wait
            screen.on_tickets_changed(TicketsChanged())
        for _ in range(200):  # until the timer has fired and the rebuild is shown
            await settle(pilot)
            if builder.calls == 2 and text_of(screen, "#report-updating") == "":
                break
            await pilot.pause(0.05)
        await pilot.pause(0.3)  # no second timer was left behind
        await settle(pilot)
        assert builder.calls == 2


@sync
async def test_keys_work_while_the_report_is_built(data_desk):
    builder = CountingBuilder(hold=True)
    app = make_app(data_desk, watch_changes=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = ReportsScreen(date_from=date(2026, 11, 23), date_to=date(2026, 11, 29), builder=builder)
        app.push_screen(screen)
        await pilot.pause()
        assert builder.calls == 1 and screen.report is None  # still counting, in its thread
        await pilot.press("f")
        assert app.focused is screen.query_one("#report-from", Input)
        await pilot.press("escape", "left_square_bracket")
        assert screen.period() == (date(2026, 11, 16), date(2026, 11, 22))
        builder.release.set()
        await settle(pilot)
        assert screen.report.date_from == date(2026, 11, 16)


@sync
async def test_a_screen_under_another_rebuilds_when_shown_again(data_desk):
    from helpdesk.tui.screen_base import BaseScreen

    builder = CountingBuilder()
    app = make_app(data_desk, watch_changes=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_reports(pilot, date_from=date(2026, 11, 23), date_to=date(2026, 11, 30),
                                    builder=builder, settle_seconds=3600)  # fmt: skip
        app.push_screen(BaseScreen())  # a screen that hides it (a modal would not)
        await pilot.pause()
        new(data_desk)
        app.tickets_changed()
        await settle(pilot)
        screen.changes_settled()
        await settle(pilot)
        assert builder.calls == 1  # nobody is looking
        app.pop_screen()
        await settle(pilot)
        assert builder.calls == 2 and screen.report.received == 4


def test_period_helpers():
    assert week_of(date(2026, 11, 26)) == (date(2026, 11, 23), date(2026, 11, 29))
    assert month_of(date(2026, 2, 10)) == (date(2026, 2, 1), date(2026, 2, 28))
    assert shifted(date(2026, 3, 1), date(2026, 3, 31), -1) == (date(2026, 2, 1), date(2026, 2, 28))
    assert shifted(date(2026, 11, 23), date(2026, 11, 29), 1) == (date(2026, 11, 30), date(2026, 12, 6))
    assert week_of(date(2026, 11, 23)) == (date(2026, 11, 23), date(2026, 11, 29))  # a Monday is its own start
    assert month_of(date(2024, 2, 29)) == (date(2024, 2, 1), date(2024, 2, 29))
    assert shifted(date(2026, 12, 1), date(2026, 12, 31), 1) == (date(2027, 1, 1), date(2027, 1, 31))
    assert shifted(date(2026, 1, 1), date(2026, 3, 31), -1) == (date(2025, 10, 1), date(2025, 12, 31))


@sync
async def test_russian_labels_render(data_desk):
    set_language("ru")
    app = make_app(data_desk, watch_changes=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_reports(pilot, date_from=date(2026, 11, 23), date_to=date(2026, 11, 29))
        assert screen.report.received == 3
        assert isinstance(screen.query_one("#report-axis", Label), Label)
        assert "2026-11-23" in text_of(screen, "#report-axis")
        assert isinstance(screen.query_one("#report-summary", Static), Static)


@sync
async def test_f3_opens_the_screen_from_anywhere(data_desk):
    app = make_app(data_desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, ReportsScreen)
        assert app.screen.report is not None and app.screen.report.received == 3


# --- snapshots ----------------------------------------------------------------------------


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("lang", ["ru", "en"])
def test_snapshot(data_desk, snap_compare, lang, size):
    from zoneinfo import ZoneInfo

    set_language(lang)
    app = make_app(data_desk, agent_tz=ZoneInfo("Europe/Moscow"), tick_seconds=3600)

    async def run_before(pilot) -> None:
        await open_reports(pilot, date_from=date(2026, 11, 23), date_to=date(2026, 11, 29))
        for widget in app.screen.query(Input):
            widget.cursor_blink = False
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
