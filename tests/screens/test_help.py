"""screens/help.py: the help of every screen and dialog (? and F1), made from their bindings."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Static, TextArea

from helpdesk.screens.help import HelpScreen
from helpdesk.screens.thread import ThreadScreen
from helpdesk.tui.i18n import _
from helpdesk.tui.keys import is_ours
from tests.pilot import paste, settle, sync
from tests.screens.keys_helpers import PLACES, go, quarantine_one


def help_rows(help_screen: HelpScreen) -> list[tuple[str, str]]:
    """(keys, text) of every row as the help renders it."""
    rows = []
    for row in help_screen.query(".help-row"):
        keys, text = row.query(Static)
        rows.append((str(keys.render()), str(text.render())))
    return rows


def expected_bindings(screen) -> list:
    """Every binding the help of ``screen`` must list: the screen's, its shown widgets', the App's that work there."""
    nodes = [screen, *(w for w in screen.walk_children() if all(n.display for n in (w, *w.ancestors) if n is not screen.app))]
    found = [b for node in nodes for bs in node._bindings.key_to_bindings.values() for b in bs if is_ours(b)]
    for bindings in screen.app._bindings.key_to_bindings.values():
        for binding in bindings:
            if not is_ours(binding) or (screen.is_modal and not binding.priority):
                continue
            if binding.action == "leave_field" and getattr(screen, "MAIN_WIDGET", None) is None:
                continue
            found.append(binding)
    return found


@pytest.mark.parametrize(
    "place, lang",
    [(place, "ru") for place in PLACES] + [(place, "en") for place in PLACES[:2]],
    ids=[f"{p[0]}-ru" for p in PLACES] + [f"{p[0]}-en" for p in PLACES[:2]],
)
@sync
async def test_every_binding_of_every_screen_is_in_its_help(demo_desk, app_factory, place, lang):
    name, keys, shown = place
    quarantine_one(demo_desk)
    app = app_factory(demo_desk, lang)
    async with app.run_test(size=(120, 40)) as pilot:
        await go(pilot, keys)
        screen = app.screen
        assert type(screen).__name__ == shown
        expected = expected_bindings(screen)
        assert len(expected) >= 4  # a screen's own keys, Help, Quit, Commands at the least
        await go(pilot, ["f1"])
        assert isinstance(app.screen, HelpScreen) and app.screen.described is screen
        rows = help_rows(app.screen)
        for binding in expected:
            label = _(screen.MAIN_WIDGET_LABEL) if binding.action == "leave_field" else _(binding.description)
            key = app.get_key_display(binding)
            assert any(key in row_keys.split(", ") and text.startswith(label) for row_keys, text in rows), (
                name, binding.key, label)
            if binding.tooltip:
                assert any(_(binding.tooltip) in text for _keys, text in rows), binding.tooltip
        await go(pilot, ["escape"])
        assert app.screen is screen


@sync
async def test_the_thread_help_lists_split_and_merge_by_group(demo_desk, app_factory):
    app = app_factory(demo_desk, "ru")
    async with app.run_test(size=(80, 24)) as pilot:
        await go(pilot, ["enter", "question_mark"])
        help_screen = app.screen
        titles = [str(label.render()) for label in help_screen.query(".help-section")]
        assert titles == ["Переходы", "Заявка", "Ответ и заметка", "Списки и поля", "Везде"]
        rows = help_rows(help_screen)
        assert ("x", "Выделить — Выделить сообщение в новую заявку (одна проблема — одна заявка)") in rows
        assert ("m", "Объединить — Объединить этот дубликат с другой заявкой") in rows
        assert ("?, f1", "Справка — Все клавиши этого экрана по группам") in rows
        # Nothing in English in the Russian help (the keys' own names aside).
        for _keys, text in rows:
            assert not any(word in text for word in ("Back", "Reply", "Help", "Merge", "Split", "Quit"))


@sync
async def test_question_mark_in_a_field_is_typed_not_help(demo_desk, app_factory):
    app = app_factory(demo_desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await go(pilot, ["slash", "question_mark"])
        assert not isinstance(app.screen, HelpScreen)
        assert app.screen.query_one("#queue-search", Input).value == "?"
        await go(pilot, ["f1"])  # F1 works in a field
        assert isinstance(app.screen, HelpScreen)
        await go(pilot, ["f1"])
        # The search box still holds "?" (no word: full-text search finds nothing): clear it first.
        await go(pilot, ["backspace", "escape"])
        table = app.screen.query_one("#queue-table")
        for _try in range(300):  # the queue reloads without the search in a worker: a bound, not a time
            if table.cursor_ticket is not None:
                break
            await pilot.pause(0.02)
        await go(pilot, ["enter"])
        for _try in range(300):  # the thread loads in a worker
            if isinstance(app.screen, ThreadScreen) and app.screen.thread is not None:
                break
            await pilot.pause(0.02)
        await go(pilot, ["r"])
        for _try in range(300):  # the composer takes the focus once it is shown
            if isinstance(app.focused, TextArea):
                break
            await pilot.pause(0.02)
        await go(pilot, ["question_mark"])
        assert app.screen.composer.text == "?"
        await go(pilot, ["ctrl+s"])
        await go(pilot, ["escape", "n"])  # the new ticket form: ? goes into the field that has the focus
        field = app.focused
        assert isinstance(field, (Input, TextArea))
        await go(pilot, ["question_mark"])
        assert "?" in (field.value if isinstance(field, Input) else field.text)
        assert not isinstance(app.screen, HelpScreen)


@sync
async def test_help_over_a_dialog_lists_the_dialog_keys(demo_desk, app_factory):
    app = app_factory(demo_desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await go(pilot, ["enter", "s", "question_mark"])
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        assert str(help_screen.query_one("#help-box").border_title) == "Keys: This dialog"
        rows = help_rows(help_screen)
        assert ("esc", "Cancel — Close without changing anything") in rows
        assert not any(keys == "f2" for keys, _text in rows)  # the dialog takes F2 itself: not offered
        await go(pilot, ["question_mark"])
        assert type(app.screen).__name__ == "ChooseOptionModal"


@sync
async def test_help_scrolls_at_80x24_and_closes_with_escape_question_mark_or_q(demo_desk, app_factory):
    app = app_factory(demo_desk, "ru")
    async with app.run_test(size=(80, 24)) as pilot:
        queue = app.screen
        for close in ("escape", "question_mark", "q", "f1"):
            await go(pilot, ["question_mark"])
            help_screen = app.screen
            assert isinstance(help_screen, HelpScreen)
            body = help_screen.query_one("#help-body")
            assert body.has_focus and body.max_scroll_y > 0  # more than a screenful: it scrolls
            await go(pilot, ["pagedown"])
            assert body.scroll_y > 0
            await go(pilot, [close])
            assert app.screen is queue, close


@sync
async def test_f1_in_the_palette_shows_the_help_of_the_screen_under_it(demo_desk, app_factory):
    app = app_factory(demo_desk)
    async with app.run_test(size=(80, 24)) as pilot:
        queue = app.screen
        await go(pilot, ["ctrl+p"])
        await paste(pilot, "Help")
        await settle(pilot, 3)
        await go(pilot, ["enter"])
        assert isinstance(app.screen, HelpScreen) and app.screen.described is queue
        await go(pilot, ["escape", "ctrl+p", "f1"])
        assert isinstance(app.screen, HelpScreen) and app.screen.described is queue
        assert [type(s).__name__ for s in app.screen_stack] == ["QueueScreen", "HelpScreen"]


# --- snapshots ----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_snapshot_help_of_the_queue_80x24(snap_compare, demo_desk, app_factory, lang):
    app = app_factory(demo_desk, lang)

    async def run_before(pilot):
        await go(pilot, ["question_mark"])
        for widget in pilot.app.screen_stack[0].query(Input):
            widget.cursor_blink = False
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
