"""screens/prepared_replies.py (+ its form, screens/prepared_reply_form.py): Pilot flows."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Label, OptionList, Static, TabbedContent, TextArea

from helpdesk.data.rules.builtin_replies import builtin_replies
from helpdesk.data.tickets import prepared_replies as pr
from helpdesk.screens.confirm import ConfirmModal
from helpdesk.screens.confirm_discard import ConfirmDiscardModal
from helpdesk.screens.prepared_replies import BUILTIN_TITLES, PreparedRepliesScreen
from helpdesk.screens.prepared_reply_form import PreparedReplyFormModal
from tests.pilot import make_app, settle, sync
from tests.screens.workflow_helpers import WorkflowApp as HelpdeskApp
from helpdesk.tui.i18n import set_language


async def open_screen(pilot) -> PreparedRepliesScreen:
    screen = PreparedRepliesScreen()
    pilot.app.push_screen(screen)
    await settle(pilot, 2)
    return screen


def rendered(widget) -> str:
    return str(widget.render())


def option_texts(screen) -> list[str]:
    options = screen.query_one("#replies-table", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


def test_builtin_titles_are_marked_for_translation():
    assert set(BUILTIN_TITLES) == {r.title for r in builtin_replies()}


@sync
async def test_lists_replies_and_previews_both_languages(desk):
    app = make_app(desk, watch_changes=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_screen(pilot)
        rows = option_texts(screen)
        assert len(rows) == 6
        assert rows[0].startswith("more_details") and "Describe the problem in detail (section 1.2)" in rows[0]
        assert all("built-in" in row for row in rows)
        preview = screen.query_one("#replies-preview", Static)
        assert rendered(preview).startswith("{greeting}\n\nSo that we can look into it")  # English UI: English first
        await pilot.press("l")
        assert rendered(preview).startswith("{greeting}\n\nЧтобы мы могли разобраться")
        await pilot.press("down", "down", "down")  # out_of_scope
        assert "{scope_rule}" in rendered(preview)
        assert "Out of scope (section 1.4)" in rendered(screen.query_one("#replies-preview-title", Label))


@sync
async def test_russian_interface_starts_with_the_russian_text(desk):
    set_language("ru")
    app = make_app(desk, watch_changes=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_screen(pilot)
        assert rendered(screen.query_one("#replies-preview", Static)).startswith("{greeting}\n\nЧтобы мы могли")


@sync
async def test_create_with_a_typo_keeps_the_text_then_saves(desk):
    app = make_app(desk, watch_changes=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_screen(pilot)
        await pilot.press("n")
        form = app.screen
        assert isinstance(form, PreparedReplyFormModal)
        form.query_one("#reply-key", Input).value = "need_file"
        form.query_one("#reply-title", Input).value = "Нужен файл проекта"
        form.query_one("#reply-body-ru", TextArea).text = "Пришлите файл, {custmer}."
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form  # not saved
        error = rendered(form.query_one("#reply-form-error", Label))
        assert error == "Russian: Unknown placeholder {custmer} (known: {greeting}, {customer}, {ticket}, {product}, {next_open}, {agent}, {support_end}, {current_products}, {scope_rule})"
        assert form.query_one("#reply-body-ru", TextArea).has_class("-error")
        assert form.query_one("#reply-body-ru", TextArea).text == "Пришлите файл, {custmer}."  # kept
        assert "need_file" not in [r.key for r in pr.list_replies()]

        form.query_one("#reply-body-ru", TextArea).text = "Пришлите файл, {customer}."
        form.query_one(TabbedContent).active = "tab-en"
        form.query_one("#reply-body-en", TextArea).text = "Please send the file, {customer}."
        await pilot.press("ctrl+s")
        await settle(pilot)
        await settle(pilot)
        assert app.screen is screen
        stored = pr.get_reply("need_file")
        assert (stored.title, stored.body_ru, stored.body_en, stored.builtin) == (
            "Нужен файл проекта", "Пришлите файл, {customer}.", "Please send the file, {customer}.", False,
        )  # fmt: skip
        assert any(row.startswith("need_file") for row in option_texts(screen))
        assert screen.selected_key() == "need_file"


@sync
async def test_a_bad_key_marks_the_key_field(desk):
    app = make_app(desk, watch_changes=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(pilot)
        await pilot.press("n")
        form = app.screen
        form.query_one("#reply-key", Input).value = "out_of_scope"  # taken
        form.query_one("#reply-title", Input).value = "T"
        form.query_one("#reply-body-ru", TextArea).text = "x"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert form.query_one("#reply-key", Input).has_class("-error")
        assert app.focused is form.query_one("#reply-key", Input)
        assert "already exists" in rendered(form.query_one("#reply-form-error", Label))


@sync
async def test_edit_and_delete(desk):
    app = make_app(desk, watch_changes=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_screen(pilot)
        await pilot.press("down")  # one_problem
        assert screen.selected_key() == "one_problem"
        await pilot.press("e")
        form = app.screen
        assert isinstance(form, PreparedReplyFormModal)
        assert form.query_one("#reply-key", Input).value == "one_problem"
        form.query_one("#reply-title", Input).value = "Одна проблема — одна заявка"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await settle(pilot)
        assert app.screen is screen
        assert pr.get_reply("one_problem").title == "Одна проблема — одна заявка"
        assert screen.selected_key() == "one_problem"

        await pilot.press("d")  # a built-in reply: disabled, nothing asked
        assert app.screen is screen
        assert screen.check_action("delete_reply", ()) is None
        assert "one_problem" in [r.key for r in pr.list_replies()]

        pr.create_reply(desk, "mine", "Моё", "Текст")
        screen.load_replies()
        await settle(pilot)
        screen.query_one("#replies-table", OptionList).highlighted = [r.key for r in screen.replies].index("mine")
        await pilot.pause()
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmModal)
        await pilot.click("#confirm-yes")
        await settle(pilot)
        await settle(pilot)
        assert "mine" not in [r.key for r in pr.list_replies()]
        assert not any(row.startswith("mine") for row in option_texts(screen))


@sync
async def test_a_built_in_reply_says_why_it_stays_and_resets(desk):
    from helpdesk.data.rules.builtin_replies import builtin_replies

    shipped = next(r for r in builtin_replies() if r.key == "out_of_scope")
    pr.update_reply(desk, "out_of_scope", title="Своё название", body_ru="Своё")
    app = make_app(desk, watch_changes=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_screen(pilot)
        note = screen.query_one("#replies-builtin-note", Label)
        assert note.display and "cannot be deleted" in rendered(note)  # the first row: built-in
        await pilot.press("down", "down", "down")
        assert screen.selected_key() == "out_of_scope"
        await pilot.press("e")
        form = app.screen
        assert form.query_one("#reply-key", Input).disabled  # its key is what the rejection looks up
        await pilot.press("escape")
        await pilot.press("r")
        assert isinstance(app.screen, ConfirmModal)
        await pilot.click("#confirm-yes")
        await settle(pilot)
        await settle(pilot)
        reply = pr.get_reply("out_of_scope")
        assert (reply.title, reply.body_ru) == (shipped.title, shipped.body_ru)
        assert screen.selected_key() == "out_of_scope"
        pr.create_reply(desk, "mine", "Моё", "Текст")
        screen.load_replies()
        await settle(pilot)
        screen.query_one("#replies-table", OptionList).highlighted = [r.key for r in screen.replies].index("mine")
        await pilot.pause()
        assert not note.display
        assert screen.check_action("reset_reply", ()) is False and screen.check_action("delete_reply", ()) is True


@sync
async def test_escape_with_changes_asks_before_discarding(desk):
    app = make_app(desk, watch_changes=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_screen(pilot)
        await pilot.press("e")
        form = app.screen
        await pilot.press("escape")
        assert app.screen is screen  # nothing changed: closes at once
        await pilot.press("e")
        form = app.screen
        form.query_one("#reply-title", Input).value = "Другое"
        await pilot.press("escape")
        assert isinstance(app.screen, ConfirmDiscardModal)
        await pilot.press("escape")  # keep editing
        assert app.screen is form and form.query_one("#reply-title", Input).value == "Другое"
        await pilot.press("escape")
        await pilot.click("#confirm-yes")
        await pilot.pause()
        assert app.screen is screen
        assert pr.get_reply("more_details").title == "Describe the problem in detail (section 1.2)"


@sync
async def test_titles_and_texts_are_shown_literally(desk):
    pr.create_reply(desk, "markup", "[b]x[/b] [@click=app.quit]q[/]", "\x1b[2J текст [red]")
    app = make_app(desk, watch_changes=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_screen(pilot)
        row = next(r for r in option_texts(screen) if r.startswith("markup"))
        assert "[b]x[/b] [@click=app.quit]q[/]" in row
        screen.query_one("#replies-table", OptionList).highlighted = [r.key for r in screen.replies].index("markup")
        await pilot.pause()
        assert "the other one is used" in rendered(screen.query_one("#replies-preview", Static))  # no English text
        await pilot.press("l")
        text = rendered(screen.query_one("#replies-preview", Static))
        assert "\x1b" not in text and "␛[2J текст [red]" in text
        await pilot.click("#replies-table")
        assert app.is_running


@sync
async def test_f2_opens_the_screen_from_anywhere(desk):
    app = make_app(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, PreparedRepliesScreen)
        await pilot.press("f2")  # already there: not stacked twice
        assert sum(isinstance(s, PreparedRepliesScreen) for s in app.screen_stack) == 1
        await pilot.press("escape")
        assert not isinstance(app.screen, PreparedRepliesScreen)


# --- snapshots ----------------------------------------------------------------------------


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("lang", ["ru", "en"])
def test_snapshot(desk, snap_compare, lang, size):
    from zoneinfo import ZoneInfo

    set_language(lang)
    app = make_app(desk, agent_tz=ZoneInfo("Europe/Moscow"), tick_seconds=3600)

    async def run_before(pilot) -> None:
        await open_screen(pilot)
        await pilot.press("down", "down", "down")  # out_of_scope
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
