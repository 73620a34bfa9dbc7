"""screens/reply_picker.py: the fuzzy picker that fills in a prepared reply for a ticket."""

from __future__ import annotations

import functools

from textual.widgets import Input, Label, OptionList, Static

from helpdesk.data.tickets import prepared_replies as pr
from helpdesk.screens.reply_picker import ReplyPickerModal
from tests.factories import new_ticket
from tests.pilot import make_app, paste, settle, sync
from tests.screens.workflow_helpers import WorkflowApp as HelpdeskApp


async def type_text(pilot, text: str) -> None:
    for ch in text:
        await pilot.press("space" if ch == " " else ch)
    await settle(pilot)


async def paste_text(pilot, text: str) -> None:
    """For the tests that only need the text there, not typed (a Pilot round trip a key)."""
    await paste(pilot, text)
    await settle(pilot)


make_ticket = functools.partial(new_ticket, product="Fenix+ 2")


async def open_picker(pilot, number, results: list) -> ReplyPickerModal:
    picker = ReplyPickerModal(number)
    pilot.app.push_screen(picker, results.append)
    await settle(pilot, 2)
    return picker


def keys_listed(picker) -> list[str]:
    options = picker.query_one("#picker-options", OptionList)
    return [options.get_option_at_index(i).id for i in range(options.option_count)]


@sync
async def test_fuzzy_filter_preview_and_insert(desk):
    number = make_ticket(desk)
    app = make_app(desk, watch_changes=False)
    results: list = []
    async with app.run_test(size=(80, 24)) as pilot:
        picker = await open_picker(pilot, number, results)
        assert len(keys_listed(picker)) == 6
        assert "#1001 (Russian)" in str(picker.query_one("#picker-title", Label).render())
        await type_text(pilot, "supend")
        assert keys_listed(picker) == ["support_ended"]
        preview = str(picker.query_one("#picker-preview", Static).render())
        assert "Fenix+ 2 осуществлялась до 31.12.2021" in preview  # filled in for the ticket
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is not picker
        [text] = results
        assert text.startswith("Здравствуйте, Иван Петров!") and "{" not in text
        assert text == pr.render_reply(desk, "support_ended", number)


@sync
async def test_switch_to_english_and_move_with_arrows(desk):
    number = make_ticket(desk)
    app = make_app(desk, watch_changes=False)
    results: list = []
    async with app.run_test(size=(80, 24)) as pilot:
        picker = await open_picker(pilot, number, results)
        await pilot.press("down")  # more_details -> one_problem
        await settle(pilot)
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert "(English)" in str(picker.query_one("#picker-title", Label).render())
        assert str(picker.query_one("#picker-preview", Static).render()).startswith("Hello Иван Петров,")
        await pilot.press("enter")
        await settle(pilot)
        assert results == [pr.render_reply(desk, "one_problem", number, language="en")]


@sync
async def test_a_reply_the_ticket_cannot_fill_is_not_inserted(desk):
    number = make_ticket(desk, product=None)
    app = make_app(desk, watch_changes=False)
    results: list = []
    async with app.run_test(size=(80, 24)) as pilot:
        picker = await open_picker(pilot, number, results)
        await paste_text(pilot, "support_ended")
        preview = picker.query_one("#picker-preview", Static)
        assert "Cannot be inserted" in str(preview.render()) and "{product}" in str(preview.render())
        assert preview.has_class("-error")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is picker and results == []
        await pilot.press("escape")
        assert results == [None]


@sync
async def test_nothing_matches(desk):
    number = make_ticket(desk)
    app = make_app(desk, watch_changes=False)
    results: list = []
    async with app.run_test(size=(80, 24)) as pilot:
        picker = await open_picker(pilot, number, results)
        await paste_text(pilot, "zzqq")
        assert keys_listed(picker) == []
        assert "No prepared reply matches" in str(picker.query_one("#picker-preview", Static).render())
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is picker
        assert picker.query_one("#picker-query", Input).value == "zzqq"


@sync
async def test_ctrl_t_in_the_thread_composer_inserts_the_filled_in_reply(desk):
    from helpdesk.screens.thread import ThreadScreen
    from helpdesk.tui.widgets.composer import Composer

    number = make_ticket(desk)
    app = make_app(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = ThreadScreen(number)
        app.push_screen(screen)
        await settle(pilot)
        await settle(pilot)
        assert screen.check_action("insert_prepared_reply", ()) is False  # no composer open
        await pilot.press("r")
        await paste_text(pilot, "Добрый день! ")
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert isinstance(app.screen, ReplyPickerModal)
        await paste_text(pilot, "reply_in")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        text = screen.query_one(Composer).text
        assert text.startswith("Добрый день! Здравствуйте, Иван Петров!")
        assert f"по заявке №{number} в этой же ветке" in text
