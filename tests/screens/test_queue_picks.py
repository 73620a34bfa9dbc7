"""screens/queue_picks.py: picking tickets in the queue and changing them at once."""

from __future__ import annotations

import functools

import pytest
from textual.widgets import Button, Input, Label, Static

from helpdesk.data.rules import statuses as st
from helpdesk.data.rules.desk import Desk
from helpdesk.data.tickets import operations as ops
from helpdesk.data.tickets.links import merged_into
from helpdesk.screens import queue_picks
from helpdesk.screens.assign_agent import AssignAgentModal
from helpdesk.screens.choose_option import ChooseOptionModal
from helpdesk.screens.confirm import ConfirmModal
from helpdesk.screens.queue import QueueScreen
from helpdesk.screens.queue_picks import BulkSummaryModal
from helpdesk.tui.widgets.ticket_table import TicketTable
from tests.factories import new_ticket, register_agents, retire_the_test_runner
from tests.pilot import screen_text, sync
from tests.pilot import settle as settle_workers

settle = functools.partial(settle_workers, rounds=3)


def table(app) -> TicketTable:
    return app.screen.query_one(TicketTable)


def picked_line(app) -> str:
    label = app.screen.query_one("#queue-picked", Label)
    return str(label.render()) if label.display else ""


def five_tickets(desk) -> list[int]:
    register_agents("sidorov", "kuznetsova")
    retire_the_test_runner()
    return [new_ticket(desk, subject=f"Вопрос {i}") for i in range(5)]


async def choose(pilot, value) -> None:
    """Choose ``value`` in the open ChooseOptionModal."""
    modal = pilot.app.screen
    assert isinstance(modal, ChooseOptionModal), modal
    modal.dismiss(next(c for c in modal.choices if c.value == value and not c.heading))
    await settle(pilot)


@sync
async def test_space_and_shift_arrows_pick_rows_the_count_shows_escape_drops_them(desk, app_factory):
    five_tickets(desk)
    app = app_factory(desk)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        order = [table(app).row_at(i).number for i in range(5)]
        assert picked_line(app) == ""
        await pilot.press("space")  # picks the first, moves down
        assert table(app).cursor_row == 1 and app.screen.picks.keys() == {order[0]}
        await pilot.press("shift+down", "shift+down")
        assert set(app.screen.picks) == set(order[:4]) and table(app).cursor_row == 3
        assert picked_line(app).startswith("✓ 4 selected")
        assert table(app).row_text(1).startswith("✓") and not table(app).row_text(4).startswith("✓")
        await pilot.press("up", "space")  # unpicks the third
        assert set(app.screen.picks) == {order[0], order[1], order[3]}
        assert "3 selected" in picked_line(app)
        # Escape in the search box only leaves it; on the list it drops the picks.
        await pilot.press("slash")
        await pilot.press("escape")
        assert table(app).has_focus and len(app.screen.picks) == 3
        await pilot.press("escape")
        assert app.screen.picks == {} and picked_line(app) == ""
        assert not table(app).row_text(0).startswith("✓")


@sync
async def test_bulk_assign_confirms_then_summarises_a_stale_ticket_refused(desk, app_factory):
    numbers = five_tickets(desk)
    app = app_factory(desk)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("space", "space", "space")
        picked = sorted(app.screen.picks)
        # A colleague changes one of them after the agent read it.
        sidorov = Desk(desk.regulation, desk.clock, "sidorov")
        ops.set_priority(sidorov, picked[1], "high")
        await pilot.press("b")
        await choose(pilot, "assignee")
        modal = app.screen
        assert isinstance(modal, AssignAgentModal) and "Assign 3 tickets to" in str(modal.query_one("#assign-title").render())
        modal.dismiss(next(c for c in modal.choices if c.value == "kuznetsova"))
        await settle(pilot)
        confirm = app.screen
        assert isinstance(confirm, ConfirmModal)
        text = str(confirm.query_one("#confirm-message", Static).render())
        assert "Assign to kuznetsova" in text and all(f"#{n}" in text for n in picked)
        await pilot.click("#confirm-yes")
        await settle(pilot)
        summary = app.screen
        assert isinstance(summary, BulkSummaryModal)
        assert str(summary.query_one("#bulk-summary-title").render()) == "2 changed, 1 refused"
        lines = [str(s.render()) for s in summary.query(".bulk-summary-line")]
        assert lines == [f"#{picked[1]}: changed by sidorov since you read it"]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen) and app.screen.picks == {}
    assert [ops.get_ticket(n).assignee.login if ops.get_ticket(n).assignee_id else None for n in picked] == [
        "kuznetsova", None, "kuznetsova"]
    assert {n for n in numbers if n not in picked and ops.get_ticket(n).assignee_id} == set()


@sync
async def test_status_the_regulation_forbids_is_refused_with_the_reason(desk, app_factory):
    numbers = five_tickets(desk)
    ops.set_status(desk, numbers[0], st.WAITING)
    app = app_factory(desk)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("5")  # All
        await settle(pilot)
        await pilot.press("ctrl+a")
        await settle(pilot)
        assert sorted(app.screen.picks) == numbers
        await pilot.press("b")
        await choose(pilot, "status")
        await choose(pilot, "waiting")
        text = str(app.screen.query_one("#confirm-message", Static).render())
        assert "Status: Waiting for customer" in text
        await pilot.click("#confirm-yes")
        await settle(pilot)
        assert str(app.screen.query_one("#bulk-summary-title").render()) == "4 changed, 1 already so"


@sync
async def test_select_all_of_a_large_view_asks_with_the_count_and_merge_picks_a_target(desk, app_factory, monkeypatch):
    numbers = five_tickets(desk)
    monkeypatch.setattr(queue_picks, "ASK_ABOVE", 3)
    app = app_factory(desk)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+a")
        ask = app.screen
        assert isinstance(ask, ConfirmModal) and str(ask.query_one("#confirm-title").render()) == "Select all 5 tickets?"
        await pilot.click("#confirm-yes")
        await settle(pilot)
        assert sorted(app.screen.picks) == numbers
        await pilot.press("b")
        await choose(pilot, "merge")
        await choose(pilot, numbers[2])
        text = str(app.screen.query_one("#confirm-message", Static).render())
        assert f"4 tickets join #{numbers[2]}" in text
        await pilot.click("#confirm-yes")
        await settle(pilot)
        assert str(app.screen.query_one("#bulk-summary-title").render()) == "4 changed"
    assert [merged_into(n) for n in numbers] == [numbers[2], numbers[2], None, numbers[2], numbers[2]]


# --- snapshots ------------------------------------------------------------------------------


async def _picked(pilot) -> None:
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    await settle(pilot)
    await pilot.press("space", "down", "space", "shift+down")
    await settle(pilot)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_snapshot_queue_with_picked_rows_80x24(snap_compare, demo_desk, app_factory, lang):
    assert snap_compare(app_factory(demo_desk, lang), terminal_size=(80, 24), run_before=_picked)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_snapshot_bulk_confirmation_80x24(snap_compare, demo_desk, app_factory, lang):
    async def run_before(pilot):
        await _picked(pilot)
        await pilot.press("b")
        await settle(pilot)
        await choose(pilot, "priority")
        await choose(pilot, "high")
        for button in pilot.app.screen.query(Button):
            button.active_effect_duration = 0

    assert snap_compare(app_factory(demo_desk, lang), terminal_size=(80, 24), run_before=run_before)
