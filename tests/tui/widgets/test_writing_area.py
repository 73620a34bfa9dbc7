"""tui/widgets/writing_area.py: ctrl+e writes the text in the agent's editor (a fake one here),
in the composer of the thread view and in the prepared-reply form."""

from __future__ import annotations

import sys
from pathlib import Path

from textual.app import App

from helpdesk.data.read.views import get_thread
from helpdesk.screens.prepared_replies import PreparedRepliesScreen
from helpdesk.screens.prepared_reply_form import PreparedReplyFormModal
from helpdesk.screens.thread import ThreadScreen
from helpdesk.tui.widgets.composer import Composer
from helpdesk.tui.widgets.writing_area import WritingArea
from tests.factories import new_ticket
from tests.pilot import HOSTILE, make_app, paste, settle, sync


def editor_script(tmp_path: Path, body: str) -> tuple[str, ...]:
    """A fake editor: Python ``body`` run with ``path``, the file it is given."""
    script = tmp_path / "fake_editor.py"
    script.write_text("import sys\npath = sys.argv[-1]\n" + body, encoding="utf-8")
    return (sys.executable, str(script))


APPEND = "open(path, 'a', encoding='utf-8').write('\\n-- дописано в редакторе')\n"


class _Host(App):
    def __init__(self, editor) -> None:
        super().__init__()
        self.editor = editor

    def compose(self):
        yield WritingArea("начало", id="area")


def notices(app) -> list[str]:
    return [n.message for n in app._notifications]


@sync
async def test_ctrl_e_puts_the_edited_text_back_as_one_undoable_edit(tmp_path):
    app = _Host(editor_script(tmp_path, APPEND))
    async with app.run_test(size=(60, 12)) as pilot:
        area = app.query_one(WritingArea)
        area.focus()
        await pilot.press("ctrl+e")
        assert area.text == "начало\n-- дописано в редакторе"
        assert area.cursor_location == area.document.end
        await pilot.press("ctrl+z")
        assert area.text == "начало"


@sync
async def test_an_unchanged_file_changes_nothing(tmp_path):
    app = _Host(editor_script(tmp_path, "pass\n"))
    async with app.run_test(size=(60, 12)) as pilot:
        area = app.query_one(WritingArea)
        area.focus()
        area.move_cursor((0, 2))
        await pilot.press("ctrl+e")
        assert area.text == "начало" and area.cursor_location == (0, 2)
        assert not area.history.undo_stack  # nothing recorded as an edit
        assert notices(app) == []


@sync
async def test_a_failing_editor_says_so_and_keeps_the_text(tmp_path):
    app = _Host(editor_script(tmp_path, "open(path, 'w').write('lost'); sys.exit(2)\n"))
    async with app.run_test(size=(60, 12), notifications=True) as pilot:
        area = app.query_one(WritingArea)
        area.focus()
        await pilot.press("ctrl+e")
        assert area.text == "начало"
        [notice] = notices(app)
        assert "exit code 2" in notice and "your text is kept" in notice


@sync
async def test_a_missing_or_no_editor_says_so(tmp_path):
    app = _Host((str(tmp_path / "nowhere"),))
    async with app.run_test(size=(60, 12), notifications=True) as pilot:
        app.query_one(WritingArea).focus()
        await pilot.press("ctrl+e")
        assert "could not be started" in notices(app)[-1]
        app.editor = None
        await pilot.press("ctrl+e")
        assert notices(app)[-1] == "No editor found: set $VISUAL or $EDITOR."
        assert app.query_one(WritingArea).text == "начало"


@sync
async def test_a_read_only_area_opens_no_editor(tmp_path):
    app = _Host(editor_script(tmp_path, APPEND))
    async with app.run_test(size=(60, 12)) as pilot:
        area = app.query_one(WritingArea)
        area.read_only = True
        area.focus()
        await pilot.press("ctrl+e")
        assert area.text == "начало"


# --- in the thread view's composer ------------------------------------------------------------


@sync
async def test_a_reply_written_in_the_editor_is_sent_as_written(desk, tmp_path):
    number = new_ticket(desk)
    hostile = "\n".join(HOSTILE.values())
    body = f"open(path, 'a', encoding='utf-8', newline='').write({hostile!r} + '\\nconstant \"$HOME\" `id`')\n"
    app = make_app(desk, watch_changes=False, editor=editor_script(tmp_path, body))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = ThreadScreen(number)
        app.push_screen(screen)
        await settle(pilot, 2)
        await pilot.press("r")
        composer = screen.query_one(Composer)
        await paste(pilot, "Здравствуйте!\n")
        await pilot.press("ctrl+e")
        await settle(pilot)
        # Control characters come back visible, as the composer shows anything pasted.
        assert composer.text.startswith("Здравствуйте!\n[b]x[/b]\n[@click=app.quit]quit[/]\n␛[2J\n␛]52;c;aGk=␇")
        assert composer.text.endswith('constant "$HOME" `id`')
        assert composer.text_area.file_name == "reply"
        await pilot.press("ctrl+s")
        await settle(pilot, 3)
        assert get_thread(number).messages[-1].body == composer_text_sent(hostile)
        assert app.is_running


def composer_text_sent(hostile: str) -> str:
    from helpdesk.tui.safe_text import clean

    return clean("Здравствуйте!\n" + hostile + '\nconstant "$HOME" `id`')


@sync
async def test_the_footer_offers_ctrl_e_while_writing(desk, tmp_path):
    number = new_ticket(desk)
    app = make_app(desk, watch_changes=False, editor=editor_script(tmp_path, APPEND))
    async with app.run_test(size=(100, 24)) as pilot:
        screen = ThreadScreen(number)
        app.push_screen(screen)
        await settle(pilot, 2)
        assert "ctrl+e" not in screen.active_bindings
        await pilot.press("i")
        shown = screen.active_bindings["ctrl+e"]
        assert shown.binding.description == "Editor" and shown.enabled


# --- in the prepared-reply form ---------------------------------------------------------------


@sync
async def test_a_prepared_reply_written_in_the_editor(desk, tmp_path):
    app = make_app(desk, watch_changes=False, editor=editor_script(tmp_path, APPEND))
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(PreparedRepliesScreen())
        await settle(pilot, 2)
        await pilot.press("n")
        form = app.screen
        assert isinstance(form, PreparedReplyFormModal)
        area = form.query_one("#reply-body-ru", WritingArea)
        area.focus()
        await pilot.press("ctrl+e")
        assert area.text == "\n-- дописано в редакторе"
        assert form.changed()
