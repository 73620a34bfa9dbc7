"""tui/widgets/filter_pick.py: the filter that shows its choice and opens its list only when asked.

Driven in a small host app (a FilterPick and a DataTable standing for the list it filters) on
the helpdesk's BaseScreen, whose answer to ``Chosen`` gives the focus back to the table."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.widgets import DataTable

from helpdesk.tui.keys import WIDGET_KEYS, is_a
from helpdesk.tui.screen_base import BaseScreen
from helpdesk.tui.widgets.filter_pick import FilterPick, PickList, fit_widths
from tests.pilot import sync

FLAGS = [("Any flags", "*"), ("⊘ support ended", "support_ended"), ("☾ received out of hours", "out_of_hours")]


class Host(BaseScreen):
    MAIN_WIDGET = "#list"

    def compose_body(self) -> ComposeResult:
        yield FilterPick(FLAGS, id="flag")
        yield FilterPick([(f"Product {i}", i) for i in range(20)], value=3, id="product")
        yield DataTable(id="list")


class HostApp(App):
    def __init__(self) -> None:
        super().__init__()
        self.changes: list[object] = []
        self.chosen: list[str | None] = []

    def on_mount(self) -> None:
        self.push_screen(Host())

    def on_filter_pick_changed(self, message: FilterPick.Changed) -> None:
        self.changes.append(message.value)

    def on_filter_pick_chosen(self, message: FilterPick.Chosen) -> None:
        self.chosen.append(message.pick.id)


def pick(app, id: str = "flag") -> FilterPick:
    return app.screen.query_one(f"#{id}", FilterPick)


async def focused_pick(pilot, id: str = "flag") -> FilterPick:
    """The pick ``id`` of the started host app, with the focus."""
    await pilot.pause()
    found = pick(pilot.app, id)
    found.focus()
    return found


def focused(app) -> str | None:
    return app.focused.id if app.focused is not None and app.focused.id else type(app.focused).__name__


@sync
async def test_a_closed_pick_builds_no_list_and_shows_its_choice():
    app = HostApp()
    async with app.run_test(size=(80, 12)) as pilot:
        await pilot.pause()
        flag = pick(app)
        assert flag.pick_list is None and not flag.expanded  # nothing built until asked
        assert flag.value == "*" and flag.render().plain == "Any flags ▼"
        assert pick(app, "product").label.plain == "Product 3"
        assert flag.outer_size.width == len("Any flags ▼") + 1  # uncut, and its padding


@sync
async def test_keyboard_opens_moves_chooses_and_gives_the_focus_back():
    app = HostApp()
    async with app.run_test(size=(80, 12)) as pilot:
        flag = await focused_pick(pilot)
        await pilot.press("enter")
        assert flag.expanded and isinstance(app.focused, PickList)
        assert app.focused.highlighted == 0  # on the current choice
        assert flag.render().plain.endswith("▲")
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert flag.value == "out_of_hours" and not flag.expanded
        assert app.changes == ["out_of_hours"] and app.chosen == ["flag"]
        assert focused(app) == "list"  # BaseScreen answered Chosen

        flag.focus()
        await pilot.press("space")  # space opens too, on the current choice
        assert flag.expanded and app.focused.highlighted == 2
        await pilot.press("enter")  # the same choice again: no change, still Chosen
        await pilot.pause()
        assert app.changes == ["out_of_hours"] and app.chosen == ["flag", "flag"]
        assert focused(app) == "list"


@sync
async def test_escape_closes_only_the_list():
    app = HostApp()
    async with app.run_test(size=(80, 12)) as pilot:
        flag = await focused_pick(pilot)
        await pilot.press("down", "down")  # ↓ opens, then moves in the list
        assert flag.expanded and app.focused.highlighted == 1
        await pilot.press("escape")
        assert not flag.expanded and focused(app) == "flag"  # the list closed, the field kept the focus
        assert flag.value == "*" and app.changes == [] and app.chosen == []


@sync
async def test_letters_jump_in_the_open_list():
    app = HostApp()
    async with app.run_test(size=(80, 12)) as pilot:
        flag = await focused_pick(pilot)
        await pilot.press("enter", "r", "e", "c")
        assert app.focused.highlighted == 2  # "received out of hours"
        await pilot.press("enter")
        assert flag.value == "out_of_hours"


@sync
async def test_mouse_opens_chooses_and_a_second_click_closes():
    app = HostApp()
    async with app.run_test(size=(80, 12)) as pilot:
        await pilot.pause()
        flag = pick(app)
        await pilot.click("#flag")
        await pilot.pause()
        assert flag.expanded and isinstance(app.focused, PickList)
        await pilot.click("#flag")  # the field again: the list closes
        await pilot.pause()
        assert not flag.expanded

        await pilot.click("#flag")
        await pilot.pause()
        await pilot.click(PickList, offset=(2, 1))  # the second line: "⊘ support ended"
        await pilot.pause()
        assert flag.value == "support_ended" and not flag.expanded
        assert app.chosen == ["flag"] and focused(app) == "list"


@sync
async def test_the_list_fits_its_longest_choice_and_the_screen():
    app = HostApp()
    async with app.run_test(size=(80, 12)) as pilot:
        flag = await focused_pick(pilot)
        await pilot.press("enter")
        await pilot.pause()
        shown = flag.pick_list
        assert shown.size.width == len("☾ received out of hours") + 2  # its padding: nothing cut
        assert shown.region.x >= 0 and shown.region.right <= 80
        assert shown.region.y == flag.region.y + 1  # under the field
        await pilot.press("escape")
        product = pick(app, "product")
        product.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert product.pick_list.size.height == 12  # 20 choices: it scrolls, with a bar beside the labels
        assert product.pick_list.size.width == len("Product 19") + 3


@sync
async def test_value_set_by_code_says_changed_and_refuses_a_stranger():
    app = HostApp()
    async with app.run_test(size=(80, 12)) as pilot:
        await pilot.pause()
        flag = pick(app)
        flag.value = "support_ended"
        await pilot.pause()
        assert app.changes == ["support_ended"] and app.chosen == []
        with flag.prevent(FilterPick.Changed):
            flag.value = "*"
        await pilot.pause()
        assert app.changes == ["support_ended"] and flag.value == "*"
        with pytest.raises(ValueError):
            flag.value = "nonsense"


def test_fit_widths_caps_the_widest_only_when_there_is_no_room():
    assert fit_widths([15, 13, 13, 14], 66) is None  # room for all
    assert fit_widths([15, 13, 13, 31], 66) == 25  # the widest gives way: 15 + 13 + 13 + 25
    assert fit_widths([20, 20, 20, 20], 40) == 10
    assert fit_widths([30, 30], 4) == 6  # never below a readable stub


def test_the_help_lists_the_keys_of_a_pick():
    pick_rows = [keys for names, keys, _, _ in WIDGET_KEYS if "FilterPick" in names]
    assert pick_rows == ["⏎, space, ↓", "letters", "esc"]
    assert is_a(FilterPick(FLAGS), ("FilterPick",)) and not is_a(FilterPick(FLAGS), ("TextArea",))
    assert is_a(PickList(), ("OptionList",))
