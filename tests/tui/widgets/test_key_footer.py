"""tui/widgets/key_footer.py: the footer fits its width in both languages; what does not fit is left out whole."""

from __future__ import annotations

import pytest
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Label

from helpdesk.tui.i18n import N_
from helpdesk.tui.screen_base import BaseScreen
from helpdesk.tui.widgets.key_footer import KeyFooter, key_width
from tests.pilot import sync
from tests.screens.keys_helpers import SCREENS, footer_line, go


def shown_labels(app) -> list[str]:
    footer = app.screen.query_one(KeyFooter)
    return [f"{key.key_display} {key.description}" for key in footer.keys_shown]


def assert_nothing_cut(app) -> list[str]:
    """Every key the footer shows is in its rendered row in full, and the row is the screen's width."""
    line = footer_line(app)
    labels = shown_labels(app)
    for label in labels:
        assert label in line, (label, line)
    assert len(line) == app.size.width
    return labels


@pytest.mark.parametrize("lang", ["ru", "en"])
@pytest.mark.parametrize("place", SCREENS, ids=[p[0] for p in SCREENS])
@sync
async def test_the_footer_fits_80_columns_whole(demo_desk, app_factory, place, lang):
    name, keys, shown = place
    app = app_factory(demo_desk, lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await go(pilot, keys)
        assert type(app.screen).__name__ == shown
        labels = assert_nothing_cut(app)
        help_label = "? Справка" if lang == "ru" else "? Help"
        if name in ("composer", "new_ticket"):  # a field that takes "?" has the focus: F1 is shown
            help_label = help_label.replace("?", "f1")
        assert help_label in labels
        assert any(label.startswith("^p ") for label in labels)
        assert len(labels) >= 4  # the screen's own keys are there, not only Help and Commands


@pytest.mark.parametrize("lang", ["ru", "en"])
@sync
async def test_split_and_merge_fit_at_120_columns(demo_desk, app_factory, lang):
    app = app_factory(demo_desk, lang)
    async with app.run_test(size=(120, 40)) as pilot:
        await go(pilot, ["enter"])
        labels = assert_nothing_cut(app)
        split, merge = ("x Выделить", "m Объединить") if lang == "ru" else ("x Split", "m Merge")
        assert split in labels and merge in labels
        assert ("a Взять" if lang == "ru" else "a Take") in labels  # the footer's short label
        await pilot.resize_terminal(80, 24)
        await go(pilot, [])
        labels = assert_nothing_cut(app)
        assert split not in labels and merge not in labels  # left out whole at 80: in the help and the palette
        assert labels[:2] == (["esc Назад", "r Ответить"] if lang == "ru" else ["esc Back", "r Reply"])


class Crowded(BaseScreen):
    """More keys than any footer holds, a long one first among them."""

    BINDINGS = [
        Binding("a", "nothing('a')", N_("A very long label that takes half of a narrow footer"), id="probe.a"),
        *[Binding(key, f"nothing('{key}')", N_("Short"), id=f"probe.{key}") for key in "bcdefghijk"],
    ]

    def compose_body(self) -> ComposeResult:
        yield Label("probe")

    def action_nothing(self, key: str) -> None:
        pass


@sync
async def test_keys_that_do_not_fit_are_left_out_from_the_first_on(make_desk, app_factory):
    app = app_factory(make_desk())
    async with app.run_test(size=(60, 10)) as pilot:
        app.push_screen(Crowded())
        await go(pilot, [])
        labels = assert_nothing_cut(app)
        assert labels == ["? Help", "^p Commands"]  # the long first key does not fit: nor do the ones after it
        await pilot.resize_terminal(100, 10)
        await go(pilot, [])
        labels = assert_nothing_cut(app)
        assert labels[0] == "a A very long label that takes half of a narrow footer"
        assert 3 <= len(labels) - 2 < 11 and labels[-2:] == ["? Help", "^p Commands"]


def test_key_width_counts_the_cells_of_wide_and_combined_text():
    assert key_width("^p", "Команды") == 2 + 1 + 7 + 1
    assert key_width("⏎", "") == 2
    assert key_width("esc", "Back", compact=False) == 3 + 2 + 4 + 1
