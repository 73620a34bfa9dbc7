"""tui/commands.py with the App's system commands: the palette of every screen, once each, every action in it."""

from __future__ import annotations

from collections import Counter

import pytest
from textual.command import CommandList, CommandPalette

from helpdesk.tui.i18n import _
from helpdesk.tui.keys import is_ours
from tests.pilot import settle, sync
from tests.screens.keys_helpers import PLACES, go


async def palette_titles(pilot) -> list[str]:
    """Open the palette and read the title of every command it offers before anything is typed."""
    await go(pilot, ["ctrl+p"])
    await settle(pilot, 3)
    assert isinstance(pilot.app.screen, CommandPalette)
    commands = pilot.app.screen.query_one(CommandList)
    return [str(commands.get_option_at_index(i).prompt).split("\n")[0] for i in range(commands.option_count)]


@pytest.mark.parametrize("place", PLACES, ids=[p[0] for p in PLACES])
@sync
async def test_every_action_once_in_the_palette(demo_desk, app_factory, place):
    """In Russian: two titles the same in English are the same msgid, so the same in Russian too."""
    lang = "ru"
    name, keys, shown = place
    app = app_factory(demo_desk, lang)
    async with app.run_test(size=(100, 30)) as pilot:
        await go(pilot, keys)
        screen = app.screen
        assert type(screen).__name__ == shown
        expected = {
            _(active.binding.description)  # a dialog's come untranslated
            for active in screen.active_bindings.values()
            if is_ours(active.binding) and active.enabled and active.binding.action != "command_palette"
        }
        titles = await palette_titles(pilot)
        repeated = [title for title, count in Counter(titles).items() if count > 1]
        assert not repeated, (name, repeated)
        assert expected <= set(titles), (name, expected - set(titles))
        assert ("Справка" if lang == "ru" else "Help") in titles
        assert ("Тема" if lang == "ru" else "Theme") in titles
