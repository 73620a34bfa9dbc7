"""screens/split_ticket.py: make a new ticket of one message."""

from __future__ import annotations

from datetime import timedelta

from textual.widgets import Input, OptionList

from helpdesk.data.tickets import operations as t
from helpdesk.data.read.history import read_point
from helpdesk.data.read.views import get_thread
from helpdesk.screens.conflict import ConflictModal
from helpdesk.screens.split_ticket import SplitTicketModal, excerpt
from tests.factories import new_ticket, register_agents
from tests.pilot import settle, sync
from tests.screens.workflow_helpers import WorkflowApp, event_lines, push


def test_excerpt_takes_the_first_words():
    assert excerpt("\n\n  Добрый день!\nещё  вопрос") == "Добрый день! ещё вопрос"
    assert excerpt("x" * 100, 10) == "x" * 9 + "…"
    assert excerpt("") == ""


@sync
async def test_split_the_latest_customer_message(desk):
    number = new_ticket(desk, body="Не открывается проект")
    desk.clock.advance(timedelta(minutes=10))
    t.add_reply(desk, number, "Пришлите файл")
    desk.clock.advance(timedelta(minutes=10))
    t.add_customer_message(desk, number, "Файл приложил. И ещё: [b]не печатается[/b] отчёт")
    results: list = []
    app = WorkflowApp(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        modal = await push(pilot, SplitTicketModal(get_thread(number), read_point(number)), results)
        options = modal.query_one("#split-messages", OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert len(prompts) == 2  # the agent's reply is not offered
        assert prompts[0].startswith(" 1. ") and prompts[1].startswith(" 3. ")
        assert "[b]не печатается[/b]" in prompts[1]  # shown literally
        assert modal.chosen_index() == 3
        modal.query_one("#split-subject", Input).value = "Не печатается отчёт"
        await pilot.press("ctrl+s")
        await settle(pilot)
    [new_number] = results
    split = get_thread(new_number)
    assert split.ticket.subject == "Не печатается отчёт"
    assert [m.body for m in split.messages] == ["Файл приложил. И ещё: [b]не печатается[/b] отчёт"]
    assert [(link.kind, link.number) for link in get_thread(number).links] == [("split_into", new_number)]


@sync
async def test_conflict_is_shown_and_cancel_changes_nothing(desk):
    number = new_ticket(desk)
    read, thread = read_point(number), get_thread(number)
    register_agents("sidorov")
    t.assign_ticket(desk, number, "sidorov")  # the view is now stale
    results: list = []
    app = WorkflowApp(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await push(pilot, SplitTicketModal(thread, read), results)
        await pilot.press("ctrl+s")
        await settle(pilot, 2)
        conflict = app.screen
        assert isinstance(conflict, ConflictModal)
        assert [str(w.render()) for w in conflict.query(".conflict-change")] == ["petrova: assignee → sidorov, 10:00 MSK"]
        assert str(conflict.query_one("#conflict-mine").render()) == "Yours: make a new ticket of message 1"
        await pilot.press("escape")  # keep theirs
        await settle(pilot)
    assert results == [None]
    assert t.m.Ticket.select().count() == 1


@sync
async def test_split_from_the_thread_view_and_the_link_on_both(desk):
    from helpdesk.screens.thread import ThreadScreen

    number = new_ticket(desk, body="Первый вопрос")
    desk.clock.advance(timedelta(minutes=5))
    t.add_customer_message(desk, number, "Второй вопрос")
    app = WorkflowApp(desk)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = ThreadScreen(number)
        app.push_screen(screen)
        await settle(pilot)
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, SplitTicketModal)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await settle(pilot)
        assert app.screen is screen
        lines = event_lines(screen)
        assert any("message 2 split off into #1002" in line for line in lines)
        other = ThreadScreen(1002)
        app.push_screen(other)
        await settle(pilot)
        await settle(pilot)
        lines = event_lines(other)
        assert any("split off from #1001 (its message 2)" in line for line in lines)
        assert "split" in other.thread.ticket.flags
