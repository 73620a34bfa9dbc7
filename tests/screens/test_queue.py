"""screens/queue.py: tabs, filters, search, sort, opening tickets, live updates, untrusted text, snapshots."""

from __future__ import annotations

import asyncio
import functools
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from textual.widgets import Input, Tabs

from helpdesk.data.core import values
from helpdesk.data.store import models as m
from helpdesk.data.read import queue as dq
from helpdesk.data.rules import statuses as st
from helpdesk.data.tickets import operations as tk
from bench.generate import generate
from helpdesk.screens.queue import QueueScreen
from helpdesk.screens.new_ticket import NewTicketScreen
from helpdesk.tui.widgets.filter_pick import FilterPick
from helpdesk.tui.widgets.empty_queue import FILTERED, STORE, TAB, EmptyQueue, EmptyQueueState
from tests.factories import new_ticket
from tests.pilot import HOSTILE, screen_text, sync, until
from tests.pilot import settle as settle_workers
from helpdesk.tui.widgets.ticket_table import CACHE_PAGES, PAGE_SIZE, TicketTable, countdown_text

ROOT = Path(__file__).resolve().parents[2]

# Three rounds: workers finish, then their messages and the pages those ask for are handled.
settle = functools.partial(settle_workers, rounds=3)


def table(app) -> TicketTable:
    return app.screen.query_one(TicketTable)


def visible_numbers(app) -> list[int]:
    t = table(app)
    top = int(t.scroll_y)
    return [t.row_at(i).number for i in range(top, min(t.total, top + t.size.height - 1)) if t.row_at(i)]


def queue_numbers(**filter_values) -> list[int]:
    f = dq.QueueFilter(agent="petrova", **filter_values)
    return [r.number for r in dq.fetch_rows(f, 0, 100_000)]


def queue_number_at(index: int, **filter_values) -> int:
    """queue_numbers(...)[index], without reading every row of a large queue."""
    f = dq.QueueFilter(agent="petrova", **filter_values)
    (row,) = dq.fetch_rows(f, index, 1)
    return row.number


# --- tabs and counts ----------------------------------------------------------------------


@sync
async def test_tabs_show_counts_and_switch_by_key_and_click(demo_desk, app_factory):
    app = app_factory(demo_desk)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        counts = dq.count_tabs(dq.QueueFilter())
        labels = {t.id: t.label.plain for t in screen.query_one(Tabs).query("Tab")}
        assert labels["tab-new"] == f"New {counts['new']}"
        assert labels["tab-all"] == f"All {counts['all']}" == "All 200"
        assert table(app).total == counts["new"]
        assert visible_numbers(app) == queue_numbers(tab="new")[: len(visible_numbers(app))]

        await pilot.press("2")
        await settle(pilot)
        assert screen.filter.tab == "open" and table(app).total == counts["open"]
        assert screen.query_one(Tabs).active == "tab-open"
        await pilot.press("t")
        await settle(pilot)
        assert screen.filter.tab == "waiting" and table(app).total == counts["waiting"]
        await pilot.click("#tab-resolved")
        await settle(pilot)
        assert screen.filter.tab == "resolved" and table(app).total == counts["resolved"]
        rows = [table(app).row_at(i) for i in range(10)]
        assert {r.status for r in rows} <= set(st.FINISHED)
        assert f"{counts['resolved']} tickets" in screen_text(app)


# --- filters, search, sort ----------------------------------------------------------------


@pytest.mark.parametrize("width", [80, 120])
@sync
async def test_the_filters_show_their_choice_uncut_when_the_bar_has_room(demo_desk, app_factory, width):
    app = app_factory(demo_desk, "ru")
    async with app.run_test(size=(width, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("f", "f")  # "☾ получена в нерабочее время": the longest choice of all
        await settle(pilot)
        flag = screen.query_one("#filter-flag", FilterPick)
        shown = flag.render().plain
        search = screen.query_one("#queue-search", Input)
        assert search.outer_size.width >= 10  # the search keeps its room
        if width == 120:
            assert shown == "☾ получена в нерабочее время ▼"
        else:  # cut, with an ellipsis, and the arrow kept
            assert shown.startswith("☾ получена") and shown.endswith("… ▼")
        await pilot.press("x")  # back to the short choices: nothing cut at either width
        await settle(pilot)
        assert flag.render().plain == "Все отметки ▼"
        flag.focus()
        await pilot.press("enter")
        await settle(pilot)
        pick_list = flag.pick_list  # the open list: every choice whole, inside the screen
        assert pick_list.size.width >= len("☾ получена в нерабочее время") + 2
        assert pick_list.region.right <= width


@sync
async def test_filters_by_product_channel_assignee_and_flag(demo_desk, app_factory):
    app = app_factory(demo_desk)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("5")
        await settle(pilot)
        screen.query_one("#filter-product", FilterPick).value = "Fenix+ 2"
        await settle(pilot)
        assert screen.filter.product == "Fenix+ 2"
        assert table(app).total == len(queue_numbers(tab="all", product="Fenix+ 2")) > 0
        assert {table(app).row_at(i).product for i in range(table(app).total)} == {"Fenix+ 2"}
        assert "filters: Fenix+ 2" in screen_text(app)

        screen.query_one("#filter-channel", FilterPick).value = "email"
        await settle(pilot)
        assert table(app).total == len(queue_numbers(tab="all", product="Fenix+ 2", channel="email"))

        await pilot.press("x")  # clear filters
        await settle(pilot)
        assert table(app).total == 200
        assert screen.query_one("#filter-product", FilterPick).value == "*"

        await pilot.press("m")  # mine
        await settle(pilot)
        assert screen.filter.assignee == "mine"
        assert screen.query_one("#filter-assignee", FilterPick).value == "mine"
        mine = queue_numbers(tab="all", assignee="mine")
        assert table(app).total == len(mine) > 0
        await pilot.press("m")  # unassigned
        await settle(pilot)
        assert table(app).total == len(queue_numbers(tab="all", assignee="unassigned"))
        await pilot.press("m")  # anyone again
        await pilot.press("f")  # support ended
        await settle(pilot)
        assert screen.filter.flag == "support_ended"
        assert all(table(app).row_at(i).support_ended for i in range(table(app).total))
        await pilot.press("f")  # out of hours
        await settle(pilot)
        assert table(app).total == m.Ticket.select().where(m.Ticket.out_of_hours == True).count()  # noqa: E712


@sync
async def test_search_box_filters_by_subject_and_customer(demo_desk, app_factory):
    app = app_factory(demo_desk)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("5", "slash")
        assert screen.query_one("#queue-search", Input).has_focus
        for key in "ДЫМОУДАЛЕНИЕ":
            await pilot.press(key)
        # The search waits for typing to stop (0.3 s), then reloads: wait for that, not a fixed
        # time a loaded machine can overrun.
        deadline = time.monotonic() + 30
        while screen.filter.search != "ДЫМОУДАЛЕНИЕ" and time.monotonic() < deadline:
            await pilot.pause(0.05)
        await settle(pilot)
        expected = queue_numbers(tab="all", search="дымоудаление", sort=dq.RELEVANCE)  # a search: best match first
        assert expected and table(app).total == len(expected)
        assert visible_numbers(app) == expected[: len(visible_numbers(app))]
        await pilot.press("enter")  # back to the list
        assert table(app).has_focus
        await pilot.press("slash")
        search = app.screen.query_one("#queue-search", Input)
        search.value = "@pozhproekt.ru"  # as if pasted
        await pilot.press("enter")
        await settle(pilot)
        expected = queue_numbers(tab="all", search="@pozhproekt.ru", sort=dq.RELEVANCE)  # a search: best match first
        assert expected and table(app).total == len(expected)
        assert all("pozhproekt.ru" in (table(app).row_at(i).customer_email or "") for i in range(len(expected)))


@sync
async def test_sort_keys_cycle_countdown_age_number_and_reverse(demo_desk, app_factory):
    app = app_factory(demo_desk)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("5")
        await settle(pilot)
        assert visible_numbers(app) == queue_numbers(tab="all", sort="due")[: len(visible_numbers(app))]
        await pilot.press("s")
        await settle(pilot)
        assert screen.filter.sort == "age"
        assert visible_numbers(app) == queue_numbers(tab="all", sort="age")[: len(visible_numbers(app))]
        assert "Age▼" in screen_text(app)  # the sorted column is shown; oldest first: ages go down
        await pilot.press("s")
        await settle(pilot)
        assert screen.filter.sort == "number"
        shown = visible_numbers(app)
        assert shown == sorted(shown, reverse=True) and shown[0] == max(queue_numbers(tab="all"))
        await pilot.press("S")
        await settle(pilot)
        assert screen.filter.reverse
        assert visible_numbers(app)[0] == min(queue_numbers(tab="all"))
        assert "No.▲" in screen_text(app)  # oldest first: the numbers go up
        await pilot.press("s")
        await settle(pilot)
        assert (screen.filter.sort, screen.filter.reverse) == ("due", False)


# --- opening tickets ----------------------------------------------------------------------


@sync
async def test_enter_opens_the_thread_and_escape_returns_to_the_same_row(demo_desk, app_factory):
    from helpdesk.screens.thread import ThreadScreen

    app = app_factory(demo_desk)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("down", "down", "down")
        chosen = table(app).cursor_ticket.number
        assert table(app).cursor_row == 3
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ThreadScreen)
        assert app.screen.number == chosen
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert table(app).cursor_row == 3 and table(app).cursor_ticket.number == chosen
        # A click on the row under the cursor opens it too.
        await pilot.click(TicketTable, offset=(20, 4))
        await settle(pilot)
        assert isinstance(app.screen, ThreadScreen) and app.screen.number == chosen


@sync
async def test_n_opens_the_new_ticket_screen(demo_desk, app_factory):
    from helpdesk.screens.new_ticket import NewTicketScreen

    app = app_factory(demo_desk)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, NewTicketScreen)


@sync
async def test_cursor_stays_on_its_ticket_when_the_queue_reloads(demo_desk, app_factory):
    app = app_factory(demo_desk)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("5", "down", "down", "down", "down", "down")
        await settle(pilot)
        kept = table(app).cursor_ticket.number
        # A ticket received days ago (an old mail, just imported) is the most overdue: it lands on top.
        tk.create_ticket(demo_desk, values.NewTicket(subject="Срочно", body="Текст", customer_email="a@b.ru",
                                                 product="Fenix+ 3", priority="high",
                                                 received_at=demo_desk.now() - timedelta(days=30)))
        app.tickets_changed()
        await settle(pilot)
        assert table(app).total == 201
        assert table(app).cursor_ticket.number == kept
        assert table(app).cursor_row == 6 == queue_numbers(tab="all").index(kept)
        assert table(app).row_at(0).subject == "Срочно"


# --- live updates -------------------------------------------------------------------------


@sync
async def test_another_process_commit_shows_up_after_the_watcher_tick(demo_desk, app_factory, db_path):
    app = app_factory(demo_desk, watch_changes=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        before = table(app).total
        # The watcher's first poll only takes a baseline: take it now, or under load the first
        # tick could come after the other process's commit and count it as the baseline.
        app.watcher.poll()
        code = (
            "import sys; sys.path.insert(0, %r)\n"
            "from helpdesk.tui.cli.main import main\n"
            "sys.exit(main(['--db', %r, 'new', '--product', 'Fenix+ 3', '--subject', 'Пришло из другого процесса',"
            " '--from', 'other@agent.ru', '--body', 'Текст']))\n"
        ) % (str(ROOT), db_path)
        done = await asyncio.to_thread(subprocess.run, [sys.executable, "-c", code], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        # No key press: the App's one-second poll notices the commit and the screen reloads.
        # A generous bound, not a fixed wait: a loaded machine delays the tick, not the outcome.
        deadline = time.monotonic() + 30
        while table(app).total != before + 1 and time.monotonic() < deadline:
            await pilot.pause(0.05)
        await settle(pilot)
        assert table(app).total == before + 1
        assert "Пришло из другого процесса" in screen_text(app) or any(
            table(app).row_at(i) and table(app).row_at(i).subject == "Пришло из другого процесса"
            for i in range(table(app).total)
        )


@sync
async def test_countdowns_tick_every_second_without_a_query(demo_desk, app_factory, monkeypatch):
    app = app_factory(demo_desk)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        first = table(app).row_at(0)
        before = table(app).row_text(0)
        header_before = app.screen.header.state_text
        calls = []
        for name in ("fetch_rows", "load_snapshot", "count_tabs", "page_ids"):
            original = getattr(dq, name)
            monkeypatch.setattr(dq, name, lambda *a, _o=original, _n=name, **k: calls.append(_n) or _o(*a, **k))
        calendar, tz = demo_desk.calendar, demo_desk.regulation.timezone
        width = {c.key: w for c, w in table(app).layout(table(app).size.width)}["countdown"]
        assert countdown_text(dq.countdown(first, calendar, demo_desk.now()), tz, demo_desk.now(), width) in before
        assert "closes in 8 h 00 min" in header_before
        demo_desk.clock.advance(timedelta(hours=1, minutes=1))
        app.tick()
        await pilot.pause()
        now = demo_desk.now()
        expected = countdown_text(dq.countdown(first, calendar, now), tz, now, width)
        after = table(app).row_text(0)
        assert after != before and expected in after
        assert table(app).row_at(0) is first  # the same row object: recomputed, not reloaded
        assert "closes in 6 h 59 min" in app.screen.header.state_text
        assert expected in screen_text(app)
        assert calls == []


# --- many tickets -------------------------------------------------------------------------


@sync
async def test_a_large_queue_loads_only_the_pages_it_shows(desk, app_factory):
    generate(desk, 5000, 12_000)  # the benchmark's generator (bench/generate.py)
    app = app_factory(desk)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        t = table(app)
        assert t.total == 5000
        assert t.cached_pages == (0,)
        await pilot.press("end")
        await settle(pilot)
        assert t.cursor_row == 4999
        assert t.cursor_ticket is not None
        assert t.cursor_ticket.number == queue_number_at(4999, tab="all")
        assert len(t.cached_pages) <= 3 and (4999 // PAGE_SIZE) in t.cached_pages
        # On a tall screen (203 rows) a key pages through four pages: 5 keys pass as many pages
        # as 40 did on 23 rows (each key is a Pilot round trip: its renders, then idle time).
        await pilot.resize_terminal(100, 210)
        await until(pilot, lambda: t.size.height >= 200, "the table on the tall screen")  # laid out late when loaded
        await settle(pilot)
        for _ in range(5):
            await pilot.press("pageup")
            await settle(pilot)
        assert t.cursor_row <= 4999 - 18 * PAGE_SIZE
        assert len(t.cached_pages) <= CACHE_PAGES
        index = t.cursor_row
        assert t.cursor_ticket.number == queue_number_at(index, tab="all")


@sync
async def test_end_shows_the_real_last_rows_read_backwards(desk, app_factory, monkeypatch):
    generate(desk, 2 * PAGE_SIZE + 17, 6 * PAGE_SIZE)  # three pages in All, the last one short
    app = app_factory(desk)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        whole = queue_numbers(tab="all")
        asked = []
        original = dq.page_ids
        monkeypatch.setattr(dq, "page_ids", lambda *a, **k: asked.append((a[1:], k)) or original(*a, **k))
        await pilot.press("end")
        await settle(pilot)
        t = table(app)
        assert len(whole) == t.total == 2 * PAGE_SIZE + 17
        assert visible_numbers(app) == whole[-len(visible_numbers(app)):]
        assert t.cursor_ticket.number == whole[-1]
        # The last page was the order read backwards (no OFFSET), the one above it by keyset.
        assert ((0, 17, None), {"before": None, "from_end": True}) in asked
        assert all(after is not None or k["before"] is not None or k["from_end"] for (_o, _l, after), k in asked), asked


@sync
async def test_paging_up_from_the_end_reads_each_page_before_the_one_below(desk, app_factory, monkeypatch):
    generate(desk, 4 * PAGE_SIZE + 17, 12 * PAGE_SIZE)  # five pages in All
    app = app_factory(desk)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("5", "end")
        await settle(pilot)
        whole = queue_numbers(tab="all")
        t = table(app)
        assert t.cached_pages == (0, 3, 4)
        asked = []
        original = dq.page_ids
        monkeypatch.setattr(dq, "page_ids", lambda *a, **k: asked.append((a[1:], k)) or original(*a, **k))
        await pilot.press(*["pageup"] * 3)
        await settle(pilot)
        assert 2 in t.cached_pages
        assert asked and all(k["before"] is not None for _a, k in asked), asked  # keyset: before page 3's first row
        top = int(t.scroll_y)
        assert visible_numbers(app) == whole[top: top + len(visible_numbers(app))]


@sync
async def test_tab_counts_are_kept_until_a_change_is_seen(demo_desk, app_factory, db_path, monkeypatch):
    app = app_factory(demo_desk, watch_changes=True, tick_seconds=3600)  # the test polls, not the clock
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.watcher.poll()  # the baseline
        screen = app.screen
        before = dict(screen.counts)
        counted = []
        original = dq.count_tabs
        monkeypatch.setattr(dq, "count_tabs", lambda f: counted.append(f) or original(f))
        await pilot.press("2", "3", "4", "5", "s", "S", "1")
        await settle(pilot)
        assert counted == []  # tabs and orders count nothing again
        await pilot.press("f")
        await settle(pilot)
        assert len(counted) == 1 and screen.filter.flag == "support_ended"  # a new filter is counted once
        await pilot.press("f", "f")
        await settle(pilot)
        assert len(counted) == 2 and screen.filter.flag is None  # out of hours; then no flag: kept
        # Another process registers a ticket: the counts stay as they were until the queue sees it.
        code = (
            "import sys; sys.path.insert(0, %r)\n"
            "from helpdesk.tui.cli.main import main\n"
            "sys.exit(main(['--db', %r, 'new', '--product', 'Fenix+ 3', '--subject', 'Ещё одна',"
            " '--from', 'other@agent.ru', '--body', 'Текст']))\n"
        ) % (str(ROOT), db_path)
        done = await asyncio.to_thread(subprocess.run, [sys.executable, "-c", code], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        await pilot.press("2", "1")
        await settle(pilot)
        assert screen.counts == before and len(counted) == 2
        app.poll_changes()  # the App's poll: a commit by another connection, tickets changed
        await settle(pilot)
        assert len(counted) == 3
        assert screen.counts["new"] == before["new"] + 1 and screen.counts["all"] == before["all"] + 1
        assert f"New {before['new'] + 1}" in screen_text(app)


# --- untrusted text -----------------------------------------------------------------------


@sync
async def test_hostile_subjects_and_names_show_as_text(desk, app_factory, tmp_path):
    for key, value in HOSTILE.items():
        ticket = tk.create_ticket(desk, values.NewTicket(subject=key, body="b", customer_email=f"{key}@x.ru", product="Fenix+ 3"))
        # Intake drops control characters from subjects and names; a row stored before it did
        # still holds them, and the queue must show them as text.
        m.Ticket.update(subject=f"{key} {value} end").where(m.Ticket.id == ticket.id).execute()
        m.Customer.update(name=value).where(m.Customer.id == ticket.customer_id).execute()
    app = app_factory(desk)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "[b]x[/b]" in text
        assert "[@click=app.quit]quit[/]" in text
        assert "clear ␛[2J end" in text
        assert "osc52 ␛]52;c;aGk=␇ end" in text
        assert "\x1b" not in text and "\x07" not in text
        # Nothing in the rendered output carries a link or an action.
        for strip in app.screen._compositor.render_strips():
            for segment in strip:
                assert not (segment.style and (segment.style.link or segment.style.meta.get("@click")))
        svg = app.export_screenshot()
        assert "\x1b" not in svg and "\x07" not in svg
        # Clicking the would-be link selects the row; the app does not quit.
        row = next(i for i in range(table(app).total) if table(app).row_at(i).subject.startswith("click"))
        await pilot.click(TicketTable, offset=(20, row + 1 - int(table(app).scroll_y)))
        await settle(pilot)
        assert app.is_running and table(app).cursor_row == row
        details = str(app.screen.query_one("#queue-details").render())
        assert "[@click=app.quit]quit[/]" in details


# --- nothing to show ----------------------------------------------------------------------


@sync
async def test_an_empty_store_shows_the_way_in(desk, app_factory):
    app = app_factory(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        empty = app.screen.query_one(EmptyQueue)
        assert empty.display and empty.state == EmptyQueueState(STORE)
        assert table(app).has_focus and table(app).size.height == 1  # the header stays, and the keys work
        text = screen_text(app)
        assert "No tickets yet." in text and "helpdesk demo" in text and "helpdesk ingest PATH…" in text
        await pilot.press("n")
        assert isinstance(app.screen, NewTicketScreen)


@sync
async def test_an_empty_tab_names_the_others(desk, app_factory):
    new_ticket(desk)
    app = app_factory(desk, "ru")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        empty = app.screen.query_one(EmptyQueue)
        assert not empty.display and table(app).total == 1
        await pilot.press("3")
        await settle(pilot)
        assert empty.display and empty.state.kind == TAB
        assert empty.state.elsewhere == (("1", "Новые", 1), ("5", "Все", 1))
        assert "Другие вкладки: 1 Новые 1 · 5 Все 1" in screen_text(app)
        await pilot.press("1")
        await settle(pilot)
        assert not empty.display and not table(app).has_class("-empty")


@sync
async def test_a_search_that_finds_nothing_says_how_to_clear_it(demo_desk, app_factory):
    app = app_factory(demo_desk)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        empty = screen.query_one(EmptyQueue)
        screen.apply_filter(search="zzz-nothing", channel="telegram")
        await settle(pilot)
        assert empty.display and empty.state.kind == FILTERED
        assert (empty.state.search, empty.state.filters, empty.state.elsewhere) == ("zzz-nothing", ("Telegram",), ())
        text = screen_text(app)
        assert "Nothing in the tab “New” matches: “zzz-nothing” · Telegram" in text
        assert "clear the search and the filters" in text
        number = queue_numbers(tab="resolved")[0]
        screen.apply_filter(search=f"#{number}", channel=None)  # found, but in another tab
        await settle(pilot)
        assert empty.state.kind == FILTERED and empty.state.elsewhere == (("4", "Finished", 1), ("5", "All", 1))
        assert "Found in other tabs: 4 Finished 1 · 5 All 1" in screen_text(app)
        await pilot.press("4")
        await settle(pilot)
        assert not empty.display and visible_numbers(app) == [number]
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert not empty.display and table(app).total == dq.count_tabs(dq.QueueFilter())["new"] > 0


# --- snapshots ----------------------------------------------------------------------------


def test_snapshot_empty_store_80x24_ru(snap_compare, desk, app_factory):
    _snapshot(snap_compare, desk, app_factory, "ru", (80, 24))


def _snapshot(snap_compare, demo_desk, app_factory, lang, size):
    app = app_factory(demo_desk, lang)

    async def run_before(pilot):
        for widget in pilot.app.screen.query(Input):
            widget.cursor_blink = False
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_snapshot_queue_80x24(snap_compare, demo_desk, app_factory, lang):
    _snapshot(snap_compare, demo_desk, app_factory, lang, (80, 24))


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_snapshot_queue_120x40(snap_compare, demo_desk, app_factory, lang):
    _snapshot(snap_compare, demo_desk, app_factory, lang, (120, 40))
