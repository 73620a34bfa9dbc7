"""screens/queue_views.py: saving the queue's view under a name and recalling it."""

from __future__ import annotations

import functools

from textual.widgets import Input, OptionList

from helpdesk.data.team import saved_views as sv
from helpdesk.screens.confirm import ConfirmModal
from helpdesk.screens.queue import QueueScreen
from helpdesk.screens.queue_views import SavedViewsModal, ViewNameModal
from tests.factories import new_ticket
from tests.pilot import paste, sync
from tests.pilot import settle as settle_workers

settle = functools.partial(settle_workers, rounds=3)


async def type_name(pilot, name: str) -> None:
    modal = pilot.app.screen
    assert isinstance(modal, ViewNameModal)
    modal.query_one(Input).value = ""
    await paste(pilot, name)
    await pilot.press("enter")
    await settle(pilot)


@sync
async def test_save_a_view_recall_it_by_chooser_and_palette_rename_and_delete(desk, app_factory):
    for _ in range(3):
        new_ticket(desk)
    app = app_factory(desk)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("2", "m", "s")  # Open tab, mine, sorted by age
        await settle(pilot)
        wanted = screen.filter
        assert (wanted.tab, wanted.assignee, wanted.sort) == ("open", "mine", "age")
        await pilot.press("V")
        await type_name(pilot, "Мои открытые")
        assert isinstance(app.screen, QueueScreen)
        assert sv.get_view("petrova", "Мои открытые").filter == wanted
        assert any(title == "View: Мои открытые" for title, _, _ in screen.palette_commands())

        await pilot.press("x", "1")  # back to the New tab, no filters
        await settle(pilot)
        assert screen.filter != wanted
        await pilot.press("v")
        await settle(pilot)
        chooser = app.screen
        assert isinstance(chooser, SavedViewsModal)
        assert "Мои открытые" in str(chooser.query_one(OptionList).get_option_at_index(0).prompt)
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen) and screen.filter == wanted

        # The same name again asks before replacing it.
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("V")
        await type_name(pilot, "Мои открытые")
        assert isinstance(app.screen, ConfirmModal)
        await pilot.click("#confirm-yes")
        await settle(pilot)
        assert sv.get_view("petrova", "Мои открытые").filter.tab == "waiting"

        # The palette entry shows it too.
        await pilot.press("1")
        await settle(pilot)
        next(cb for title, _, cb in screen.palette_commands() if title == "View: Мои открытые")()
        await settle(pilot)
        assert screen.filter.tab == "waiting"

        # Rename and delete from the chooser.
        await pilot.press("v")
        await settle(pilot)
        await pilot.press("r")
        await type_name(pilot, "Ждут")
        assert isinstance(app.screen, SavedViewsModal)
        assert [v.name for v in sv.list_views("petrova")] == ["Ждут"]
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmModal)
        await pilot.click("#confirm-yes")
        await settle(pilot)
        assert sv.list_views("petrova") == []
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert not any(title.startswith("View:") for title, _, _ in screen.palette_commands())


@sync
async def test_a_blank_name_is_refused_in_the_form(desk, app_factory):
    app = app_factory(desk)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("V")
        await type_name(pilot, "   ")
        assert isinstance(app.screen, ViewNameModal)
        assert "Give the view a name" in str(app.screen.query_one("#view-name-error").render())
        await pilot.press("escape")
        assert sv.list_views("petrova") == []
