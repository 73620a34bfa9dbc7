"""The workflow's additions to screens/queue.py: the scope-category filter (regulation 1.4)."""

from __future__ import annotations

from helpdesk.data.tickets import triage
from helpdesk.screens.choose_option import ChooseOptionModal
from helpdesk.screens.queue import QueueScreen
from tests.factories import new_ticket
from tests.pilot import make_app, settle, sync
from helpdesk.tui.widgets.ticket_table import TicketTable


def shown(app) -> list[int]:
    table = app.screen.query_one(TicketTable)
    return sorted(table.row_at(i).number for i in range(table.total) if table.row_at(i))


@sync
async def test_filter_by_scope_category_and_clear(desk):
    for _ in range(3):
        new_ticket(desk)
    triage.triage(desk, 1001, "installation")
    triage.triage(desk, 1002, "installation")
    app = make_app(desk, watch_changes=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert shown(app) == [1001, 1002, 1003]  # the New tab
        await pilot.press("o")
        modal = app.screen
        assert isinstance(modal, ChooseOptionModal)
        labels = [str(c.label) for c in modal.choices]
        assert labels[0] == "Any scope category" and "Revising and fixing users' projects" in labels
        index = next(i for i, c in enumerate(modal.choices) if c.value == "installation")
        modal.dismiss(modal.choices[index])
        await settle(pilot)
        assert shown(app) == [1001, 1002]
        assert app.screen.filter.scope == "installation"
        await pilot.press("o")
        modal = app.screen
        modal.dismiss(next(c for c in modal.choices if c.value == "-"))  # not set yet
        await settle(pilot)
        assert shown(app) == [1003]
        await pilot.press("x")
        await settle(pilot)
        assert app.screen.filter.scope is None and shown(app) == [1001, 1002, 1003]
