"""screens/queue.py while searching: `/` finds words in messages and notes too, rows show where
they matched (the words styled, a snippet when they are not in the subject), best match first
unless the agent picked a sort, hostile text stays text; snapshots in Russian and English."""

from __future__ import annotations

import functools
import time

import pytest
from textual.widgets import Input, Label

from helpdesk.data.core import values
from helpdesk.data.read import queue as dq
from helpdesk.data.read import search
from helpdesk.data.store import models as m
from helpdesk.data.tickets import operations as tk
from helpdesk.screens.queue import QueueScreen
from helpdesk.tui.widgets.ticket_table import TicketTable
from tests.pilot import HOSTILE, screen_text, sync
from tests.pilot import settle as settle_workers

settle = functools.partial(settle_workers, rounds=3)


def table(app) -> TicketTable:
    return app.screen.query_one(TicketTable)


async def type_search(pilot, text: str) -> None:
    """`/`, the text key by key, then wait for the search to be applied (it waits for typing to stop)."""
    screen = pilot.app.screen
    await pilot.press("slash")
    for key in text:
        await pilot.press(key if key != " " else "space")
    deadline = time.monotonic() + 30
    while screen.filter.search != text and time.monotonic() < deadline:
        await pilot.pause(0.05)
    await settle(pilot)


def styled_words(app, index: int) -> list[str]:
    """The words of row ``index`` drawn in the table's match style (bold and reverse)."""
    t = table(app)
    strip = t.render_line(index - int(t.scroll_y) + 1)
    return [seg.text for seg in strip if seg.style and seg.style.reverse and seg.style.bold and seg.text.strip()]


@sync
async def test_slash_searches_messages_and_shows_where_each_row_matched(demo_desk, app_factory):
    number = tk.create_ticket(demo_desk, values.NewTicket(
        subject="Вопрос про отчёт", body="Добрый день! Не печатается отчёт: принтер пишет «ошибка фьюзера».",
        customer_email="ivan@example.ru", product="Fenix+ 3")).number  # fmt: skip
    app = app_factory(demo_desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        await pilot.press("5")
        await type_search(pilot, "фьюзер")
        assert screen.filter.by_relevance
        assert table(app).total == 1 and table(app).row_at(0).number == number
        # The word is in the messages, not the subject: the row shows the snippet around it.
        assert "фьюзера" in table(app).row_text(0)
        assert styled_words(app, 0) == ["фьюзера"]
        match = screen.query_one("#queue-match", Label)
        assert match.display and str(match.render()).startswith("in the messages: ")
        assert "фьюзера" in str(match.render())
        assert "sorted by relevance" in screen_text(app)

        # A word of the subject: the subject, the word styled.
        await pilot.press("escape")
        screen.query_one("#queue-search", Input).value = ""
        await type_search(pilot, "лицензия")
        expected = [h.number for h in search.search("лицензия", limit=1000)]
        t = table(app)
        assert expected and t.total == len(expected)
        assert [t.row_at(i).number for i in range(min(len(expected), 10))] == expected[:10]
        for i in range(5):
            assert all(w.lower().startswith("лиценз") for w in styled_words(app, i)) and styled_words(app, i)

        # Another order picked: kept while searching; clearing the search goes back to the countdown.
        await pilot.press("enter")
        await pilot.press("s", "s")  # relevance -> countdown -> age
        await settle(pilot)
        assert screen.filter.sort == "age" and not screen.filter.by_relevance
        assert "sorted by age" in screen_text(app)
        await pilot.press("S")
        await settle(pilot)
        assert "sorted by age, reversed" in screen_text(app)
        assert screen.filter_words(screen.filter).endswith("“лицензия” · age, reversed")
        await pilot.press("S")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert (screen.filter.search, screen.filter.sort) == ("", "age")
        assert not screen.query_one("#queue-match", Label).display
        assert all(t.row_at(i).match is None for i in range(5))


@sync
async def test_the_sort_key_offers_relevance_only_while_searching(demo_desk, app_factory):
    app = app_factory(demo_desk)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("5")
        await type_search(pilot, "проект")
        await pilot.press("enter")
        seen = [screen.filter.sort]
        for _ in range(4):
            await pilot.press("s")
            await settle(pilot)
            seen.append(screen.filter.sort)
        assert seen == [dq.RELEVANCE, "due", "age", "number", dq.RELEVANCE]
        await pilot.press("S")  # best match first has no reverse
        await settle(pilot)
        assert not screen.filter.reverse
        await pilot.press("x")
        await settle(pilot)
        assert screen.filter.sort == "due"


@sync
async def test_hostile_text_in_a_snippet_shows_as_text(desk, app_factory):
    for key, value in HOSTILE.items():
        ticket = tk.create_ticket(desk, values.NewTicket(subject=key, body="b", customer_email=f"{key}@x.ru",
                                                         product="Fenix+ 3"))  # fmt: skip
        # A body stored before intake dropped control characters still holds them.
        m.Message.update(body=f"{value} сработал {value} end").where(m.Message.ticket == ticket.id).execute()
    app = app_factory(desk)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await type_search(pilot, "сработал")
        assert table(app).total == len(HOSTILE)
        text = screen_text(app)
        assert "[b]x[/b] сработал [b]x[/b] end" in text
        assert "сработал [@click=app.quit]quit" in text  # cropped to show the word first
        assert "␛[2J сработал ␛[2J end" in text
        assert "сработал ␛]52;c;aGk=␇ end" in text
        assert "\x1b" not in text and "\x07" not in text
        for strip in app.screen._compositor.render_strips():
            for segment in strip:
                assert not (segment.style and (segment.style.link or segment.style.meta.get("@click")))
        match = str(app.screen.query_one("#queue-match", Label).render())
        assert "сработал" in match and "\x1b" not in match


# --- snapshots ----------------------------------------------------------------------------


def _snapshot(snap_compare, demo_desk, app_factory, lang, size, text):
    app = app_factory(demo_desk, lang)

    async def run_before(pilot):
        for widget in pilot.app.screen.query(Input):
            widget.cursor_blink = False
        await settle(pilot)
        await pilot.press("5")
        await type_search(pilot, text)
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_snapshot_queue_searching_80x24(snap_compare, demo_desk, app_factory, lang):
    _snapshot(snap_compare, demo_desk, app_factory, lang, (80, 24), "проект")


def test_snapshot_queue_searching_120x40(snap_compare, demo_desk, app_factory):
    _snapshot(snap_compare, demo_desk, app_factory, "ru", (120, 40), "смирнова")
