"""The prepared replies: list, preview, create, edit and delete them (``PreparedRepliesScreen``).

The list and the preview come from ``data.prepared_replies`` in a thread worker; creating and
editing happen in ``PreparedReplyFormModal`` (screens/prepared_reply_form.py), deleting after a
confirmation. Built-in replies (the regulation's own texts) have English titles that are shown
translated; the texts themselves are shown as stored (Russian and English, switch with ``l``).
A built-in reply cannot be deleted (the rejection and the out-of-hours notice send it): ``d`` is
disabled for it and the preview says why; ``r`` resets it to the regulation's text, after a
confirmation.
"""

from __future__ import annotations

from textual import on, work
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from helpdesk.data.tickets import prepared_replies as pr
from helpdesk.data.core.errors import HelpdeskError
from helpdesk.screens.confirm import ConfirmModal
from helpdesk.screens.prepared_reply_form import PreparedReplyFormModal
from helpdesk.tui.errors import describe
from helpdesk.tui.i18n import N_, _, current_language
from helpdesk.tui.keys import NAVIGATION
from helpdesk.tui.screen_base import BaseScreen
from helpdesk.tui.text import literal
from helpdesk.tui.stylesheets import stylesheet

# The built-in titles (data/rules/prepared_replies.toml), for the translation catalog.
BUILTIN_TITLES = (
    N_("Out of scope (section 1.4)"),
    N_("Product past its support end (section 1.1)"),
    N_("Out-of-hours notice (section 1.3)"),
    N_("Please reply in this thread (section 1.2)"),
    N_("One problem per request (section 1.2)"),
    N_("Describe the problem in detail (section 1.2)"),
)


def reply_title(reply: pr.PreparedReplyView) -> str:
    """The title as shown: a built-in one in the agent's language."""
    return _(reply.title) if reply.builtin else reply.title


class PreparedRepliesScreen(BaseScreen):
    """Prepared replies: the table on top, the selected one's text below."""

    HELP_TITLE = N_("Prepared replies")
    MAIN_WIDGET = "#replies-table"

    CSS_PATH = stylesheet("prepared_replies.tcss")

    BINDINGS = [
        Binding("escape", "back", N_("Back"), tooltip=N_("Back to the previous screen"), id="replies.back",
                group=NAVIGATION),
        Binding("n", "new_reply", N_("Add"), tooltip=N_("Write a new prepared reply"), id="replies.new"),
        Binding("e", "edit_reply", N_("Edit"), tooltip=N_("Edit the selected prepared reply"), id="replies.edit"),
        Binding("d", "delete_reply", N_("Delete"), tooltip=N_("Delete the selected prepared reply (not a built-in one)"),
                id="replies.delete"),
        Binding("r", "reset_reply", N_("Reset"), tooltip=N_("Put the regulation's own text back into a built-in reply"),
                id="replies.reset"),
        Binding("l", "toggle_language", N_("RU/EN"), tooltip=N_("Show the Russian or the English text"),
                id="replies.language"),
    ]

    class Loaded(Message):
        def __init__(self, replies: list[pr.PreparedReplyView]) -> None:
            super().__init__()
            self.replies = replies

    class Deleted(Message):
        def __init__(self, key: str, error: HelpdeskError | None = None) -> None:
            super().__init__()
            self.key = key
            self.error = error

    class Reset(Message):
        def __init__(self, key: str, error: HelpdeskError | None = None) -> None:
            super().__init__()
            self.key = key
            self.error = error

    def __init__(self) -> None:
        super().__init__()
        self.replies: list[pr.PreparedReplyView] = []
        self.language = current_language()
        self._select_key: str | None = None

    def compose_body(self):
        with Vertical(id="replies-body"):
            yield Label(Content(_("Prepared replies")), id="replies-title", markup=False)
            yield OptionList(id="replies-table", markup=False)
            yield Label(id="replies-preview-title", markup=False)
            yield Label(id="replies-builtin-note", markup=False)
            with VerticalScroll(id="replies-preview-box"):
                yield Static(id="replies-preview", markup=False)

    @property
    def table(self) -> OptionList:
        return self.query_one("#replies-table", OptionList)

    def on_mount(self) -> None:
        self.table.focus()
        self.load_replies()

    # --- loading --------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="replies-load", exit_on_error=False, description="load prepared replies")
    def load_replies(self) -> None:
        replies = pr.list_replies()
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(replies))

    def on_prepared_replies_screen_loaded(self, message: Loaded) -> None:
        keep = self._select_key or self.selected_key()
        self._select_key = None
        self.replies = message.replies
        table = self.table
        table.clear_options()
        width = min(24, max((len(r.key) for r in self.replies), default=0))
        table.add_options([Option(self._row(reply, width), id=reply.key) for reply in self.replies])
        keys = [r.key for r in self.replies]
        table.highlighted = keys.index(keep) if keep in keys else (0 if keys else None)
        self._show_preview()
        self.refresh_bindings()

    @staticmethod
    def _row(reply: pr.PreparedReplyView, width: int) -> Content:
        key = literal(reply.key, single_line=True, style="bold")
        key = key.truncate(width, ellipsis=True, pad=True)
        parts = [key, Content("  "), literal(reply_title(reply), single_line=True)]
        if reply.builtin:
            parts.append(Content.styled("  " + _("built-in"), "dim"))
        return Content.assemble(*parts)

    def selected(self) -> pr.PreparedReplyView | None:
        if not self.replies or not self.is_mounted:
            return None
        row = self.table.highlighted
        return self.replies[row] if row is not None and 0 <= row < len(self.replies) else None

    def selected_key(self) -> str | None:
        reply = self.selected()
        return reply.key if reply else None

    @on(OptionList.OptionHighlighted, "#replies-table")
    def _highlighted(self) -> None:
        self._show_preview()
        self.refresh_bindings()

    @on(OptionList.OptionSelected, "#replies-table")
    def _selected(self) -> None:
        self.action_edit_reply()

    def _show_preview(self) -> None:
        reply = self.selected()
        title = self.query_one("#replies-preview-title", Label)
        preview = self.query_one("#replies-preview", Static)
        note = self.query_one("#replies-builtin-note", Label)
        note.display = reply is not None and reply.builtin
        if note.display:
            note.update(Content(_(
                "The regulation's own reply: the rejection or a notice sends it, so it cannot be deleted;"
                " edit it (e), or reset it to the regulation's text (r)."
            )))
        if reply is None:
            title.update(Content(""))
            preview.update(Content.styled(_("No prepared replies yet: press n to write one."), "dim italic"))
            return
        language_name = _("Russian") if self.language == "ru" else _("English")
        text = reply.body_ru if self.language == "ru" else reply.body_en
        title.update(Content.assemble(
            literal(reply_title(reply), single_line=True, style="bold"),
            Content.styled(f"  ({language_name}, " + _("l switches") + ")", "dim"),
        ))
        if text.strip():
            preview.update(literal(text))
        else:
            preview.update(Content.styled(_("No text in this language: the other one is used."), "dim italic"))

    # --- keys -----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        reply = self.selected()
        if action == "edit_reply":
            return reply is not None
        if action == "delete_reply":
            return None if reply is not None and reply.builtin else reply is not None  # built-in: shown, disabled
        if action == "reset_reply":
            return reply is not None and reply.builtin
        return True

    def action_back(self) -> None:
        if self.app.screen is self and len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def action_toggle_language(self) -> None:
        self.language = "en" if self.language == "ru" else "ru"
        self._show_preview()

    def action_new_reply(self) -> None:
        self.app.push_screen(PreparedReplyFormModal(None), self._saved)

    def action_edit_reply(self) -> None:
        reply = self.selected()
        if reply is not None:
            self.app.push_screen(PreparedReplyFormModal(reply), self._saved)

    def _saved(self, reply: pr.PreparedReplyView | None) -> None:
        if reply is None:
            return
        self._select_key = reply.key
        self.notify(_("Prepared reply saved: {key}").format(key=reply.key), markup=False)
        self.load_replies()

    def action_delete_reply(self) -> None:
        reply = self.selected()
        if reply is None or reply.builtin:
            return
        question = _("Delete the prepared reply {key} ({title})? This cannot be undone.").format(
            key=reply.key, title=reply_title(reply)
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self.delete_reply(reply.key)

        self.app.push_screen(ConfirmModal(_("Delete prepared reply"), question, confirm=_("Delete")), answered)

    @work(thread=True, group="replies-save", exit_on_error=False, description="delete a prepared reply")
    def delete_reply(self, key: str) -> None:
        try:
            pr.delete_reply(key)
        except HelpdeskError as error:
            self.post_message(self.Deleted(key, error))
        else:
            self.post_message(self.Deleted(key))

    def action_reset_reply(self) -> None:
        reply = self.selected()
        if reply is None or not reply.builtin:
            return
        question = _("Put the regulation's own title and texts back into {key} ({title})? Your edits to it are lost.").format(
            key=reply.key, title=reply_title(reply))

        def answered(yes: bool | None) -> None:
            if yes:
                self.reset_reply(reply)

        self.app.push_screen(ConfirmModal(_("Reset prepared reply"), question, confirm=_("Reset")), answered)

    @work(thread=True, group="replies-save", exit_on_error=False, description="reset a prepared reply")
    def reset_reply(self, reply: pr.PreparedReplyView) -> None:
        try:
            pr.reset_reply(self.app.desk, reply.key, expected_updated_at=reply.updated_at)
        except HelpdeskError as error:
            self.post_message(self.Reset(reply.key, error))
        else:
            self.post_message(self.Reset(reply.key))

    def on_prepared_replies_screen_reset(self, message: Reset) -> None:
        if message.error is not None:
            self.notify(describe(message.error), title=_("Not reset"), severity="error", markup=False)
        else:
            self.notify(_("Prepared reply reset to the regulation's text: {key}").format(key=message.key), markup=False)
        self._select_key = message.key
        self.load_replies()

    def on_prepared_replies_screen_deleted(self, message: Deleted) -> None:
        if message.error is not None:
            self.notify(describe(message.error), title=_("Not deleted"), severity="error", markup=False)
        else:
            self.notify(_("Prepared reply deleted: {key}").format(key=message.key), markup=False)
        self.load_replies()
