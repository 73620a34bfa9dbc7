"""screens/merge_ticket.py: merge a duplicate into the ticket it repeats."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Label, Static

from helpdesk.data.rules import statuses as st
from helpdesk.data.tickets import operations as t
from helpdesk.data.read.history import read_point
from helpdesk.data.read.views import get_thread
from helpdesk.screens.merge_ticket import MergeTicketModal
from tests.factories import new_ticket
from tests.pilot import settle, sync
from tests.screens.workflow_helpers import WorkflowApp, event_lines, push


async def type_number(pilot, text: str) -> None:
    for ch in text:
        await pilot.press(ch)
    await settle(pilot)


@sync
async def test_look_up_then_merge(desk):
    target = new_ticket(desk, subject="Не открывается [b]проект[/b]")
    duplicate = new_ticket(desk, body="Повторно")
    results: list = []
    app = WorkflowApp(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        modal = await push(pilot, MergeTicketModal(duplicate, read_point(duplicate)), results)
        await type_number(pilot, str(duplicate))
        assert "That is this ticket" in str(modal.query_one("#merge-target", Static).render())
        modal.query_one("#merge-into", Input).value = ""
        await type_number(pilot, "9999")
        assert str(modal.query_one("#merge-target", Static).render()) == "No ticket #9999"
        modal.query_one("#merge-into", Input).value = ""
        await type_number(pilot, str(target))
        shown = str(modal.query_one("#merge-target", Static).render())
        assert f"#{target} Не открывается [b]проект[/b]" in shown and "Иван Петров <ivan@example.ru>" in shown
        await pilot.press("enter")
        await settle(pilot)
    assert results == [target]
    assert t.get_ticket(duplicate).status == st.CLOSED
    assert "Повторно" in [m.body for m in get_thread(target).messages]


@sync
async def test_refusals_are_shown_in_the_modal(desk):
    target = new_ticket(desk)
    duplicate = new_ticket(desk)
    results: list = []
    app = WorkflowApp(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        modal = await push(pilot, MergeTicketModal(duplicate, None), results)
        await pilot.press("ctrl+s")
        assert "Type the number" in str(modal.query_one("#merge-error", Label).render())
        await type_number(pilot, str(duplicate))
        await pilot.press("enter")
        await settle(pilot)
        assert "cannot be merged into itself" in str(modal.query_one("#merge-error", Label).render())
        await pilot.press("escape")
    assert results == [None]
    assert t.get_ticket(duplicate).status == st.NEW and t.get_ticket(target).status == st.NEW


@sync
async def test_merge_from_the_thread_view_opens_the_target(desk):
    from helpdesk.screens.thread import ThreadScreen

    target = new_ticket(desk)
    duplicate = new_ticket(desk, body="Повторно")
    app = WorkflowApp(desk)
    async with app.run_test(size=(100, 40)) as pilot:
        app.push_screen(ThreadScreen(duplicate))
        await settle(pilot)
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, MergeTicketModal)
        await type_number(pilot, str(target))
        await pilot.press("enter")
        await settle(pilot)
        await settle(pilot)
        shown = app.screen
        assert isinstance(shown, ThreadScreen) and shown.number == target
        assert "Повторно" in [m.body for m in shown.thread.messages]
        lines = event_lines(shown)
        assert any(f"#{duplicate} merged into this ticket: 1 message" in line for line in lines)


@sync
async def test_a_target_of_another_customer_is_pointed_out(desk):
    other = new_ticket(desk, customer_email="olga@zavod.ru", customer_name="Ольга")
    mine = new_ticket(desk)
    same = new_ticket(desk)
    app = WorkflowApp(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        modal = await push(pilot, MergeTicketModal(mine, None))
        await type_number(pilot, str(other))
        assert "Another customer" in str(modal.query_one("#merge-target", Static).render())
        modal.query_one("#merge-into", Input).value = ""
        await type_number(pilot, str(same))
        assert "Another customer" not in str(modal.query_one("#merge-target", Static).render())


@sync
async def test_another_customers_ticket_is_merged_only_after_a_second_yes(desk):
    from helpdesk.screens.confirm import ConfirmModal

    other = new_ticket(desk, customer_email="olga@zavod.ru", customer_name="Ольга Смирнова")
    mine = new_ticket(desk)
    results: list = []
    app = WorkflowApp(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        modal = await push(pilot, MergeTicketModal(mine, read_point(mine)), results)
        assert "A merge cannot be undone." in str(modal.query_one("#merge-explanation", Static).render())
        await type_number(pilot, str(other))
        await pilot.press("enter")
        await settle(pilot)
        confirm = app.screen
        assert isinstance(confirm, ConfirmModal)
        text = str(confirm.query_one("#confirm-message", Static).render())
        assert f"#{mine} is from Иван Петров <ivan@example.ru>, and #{other} from Ольга Смирнова <olga@zavod.ru>" in text
        assert "A merge cannot be undone." in text
        await pilot.press("escape")  # no: nothing merged, the dialog stays
        await settle(pilot)
        assert app.screen is modal and t.get_ticket(mine).status == st.NEW
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        await pilot.click("#confirm-yes")
        await settle(pilot, 2)
    assert results == [other]
    assert t.get_ticket(mine).status == st.CLOSED


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_snapshot_the_second_question(desk, snap_compare, lang):
    from helpdesk.tui.i18n import set_language

    other = new_ticket(desk, customer_email="olga@zavod.ru", customer_name="Ольга Смирнова")
    mine = new_ticket(desk)

    async def run_before(pilot) -> None:
        await push(pilot, MergeTicketModal(mine, read_point(mine)))
        await type_number(pilot, str(other))
        await pilot.press("enter")
        await settle(pilot)

    set_language(lang)
    assert snap_compare(WorkflowApp(desk), terminal_size=(80, 24), run_before=run_before)
