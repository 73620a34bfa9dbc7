"""Pick a prepared reply by key or words and get its text filled in for a ticket.

``ReplyPickerModal(number, language=None)`` -> the filled-in text, or None when cancelled. Type
to filter (fuzzy: ``oos`` finds ``out_of_scope``; titles and texts count too, see
``data.prepared_replies.search_replies``), up/down to move, Enter to insert, ctrl+l to switch
between the Russian and the English text (the customer language first). The highlighted reply
is shown filled in for the ticket; a placeholder the ticket cannot fill (``{product}`` with no
product) or an unknown one is reported there and Enter does not insert it.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState, get_current_worker

from helpdesk.data.tickets import prepared_replies as pr
from helpdesk.data.core.errors import HelpdeskError
from helpdesk.tui.errors import describe
from helpdesk.tui.i18n import N_, _
from helpdesk.tui.screen_base import Dialog
from helpdesk.tui.text import literal
from helpdesk.tui.stylesheets import stylesheet


def _title(reply: pr.PreparedReplyView) -> str:
    return _(reply.title) if reply.builtin else reply.title


class ReplyPickerModal(Dialog["str | None"]):
    """A search box, the matching replies, and the highlighted one filled in."""

    CSS_PATH = stylesheet("reply_picker.tcss")

    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel"), tooltip=N_("Close without inserting"), id="picker.cancel"),
        Binding("down", "move(1)", N_("Next"), show=False, tooltip=N_("Highlight the next reply"), id="picker.next"),
        Binding("up", "move(-1)", N_("Previous"), show=False, tooltip=N_("Highlight the previous reply"),
                id="picker.previous"),
        Binding("ctrl+l", "toggle_language", N_("RU/EN"), tooltip=N_("Insert the Russian or the English text"),
                id="picker.language"),
    ]

    class Loaded(Message):
        def __init__(self, replies: list[pr.PreparedReplyView]) -> None:
            super().__init__()
            self.replies = replies

    class Rendered(Message):
        def __init__(self, key: str, language: str, text: str | None, error: HelpdeskError | None, insert: bool):
            super().__init__()
            self.key = key
            self.language = language
            self.text = text
            self.error = error
            self.insert = insert

    def __init__(self, number: int | None, language: str | None = None) -> None:
        super().__init__()
        self.number = number
        self.language = language
        self.replies: list[pr.PreparedReplyView] = []
        self.matches: list[pr.PreparedReplyView] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-box", classes="dialog-box"):
            yield Label(id="picker-title", markup=False)
            yield Input(id="picker-query", placeholder=_("Type a key or words…"), compact=True)
            yield OptionList(id="picker-options", markup=False)
            with VerticalScroll(id="picker-preview-box"):
                yield Static(id="picker-preview", markup=False)
            yield Label(Content(_("Enter insert · ↑↓ choose · ctrl+l RU/EN · Esc cancel")), id="picker-hint",
                        markup=False)

    def on_mount(self) -> None:
        if self.language is None:
            self.language = self.app.desk.regulation.customer_language
        self._show_title()
        self.query_one("#picker-query", Input).focus()
        self.load_replies()

    def _show_title(self) -> None:
        language = _("Russian") if self.language == "ru" else _("English")
        if self.number is None:
            text = _("Insert a prepared reply ({language})").format(language=language)
        else:
            text = _("Insert a prepared reply into #{number} ({language})").format(number=self.number, language=language)
        self.query_one("#picker-title", Label).update(Content(text))

    # --- data -----------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="picker-load", exit_on_error=False, description="load prepared replies")
    def load_replies(self) -> None:
        replies = pr.list_replies()
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(replies))

    def on_reply_picker_modal_loaded(self, message: Loaded) -> None:
        self.replies = message.replies
        self._filter(self.query_one("#picker-query", Input).value)

    @on(Input.Changed, "#picker-query")
    def _query_changed(self, event: Input.Changed) -> None:
        self._filter(event.value)

    def _filter(self, query: str) -> None:
        self.matches = pr.search_replies(query, self.replies)
        options = self.query_one("#picker-options", OptionList)
        options.clear_options()
        width = min(20, max((len(r.key) for r in self.matches), default=0))
        options.add_options([
            Option(Content.assemble(
                literal(r.key, single_line=True, style="bold").truncate(width, ellipsis=True, pad=True),
                Content("  "),
                literal(_title(r), single_line=True),
            ), id=r.key)
            for r in self.matches
        ])
        options.highlighted = 0 if self.matches else None
        self._preview()

    def highlighted(self) -> pr.PreparedReplyView | None:
        index = self.query_one("#picker-options", OptionList).highlighted
        return self.matches[index] if index is not None and 0 <= index < len(self.matches) else None

    @on(OptionList.OptionHighlighted, "#picker-options")
    def _highlight_changed(self) -> None:
        self._preview()

    def _preview(self, insert: bool = False) -> None:
        reply = self.highlighted()
        preview = self.query_one("#picker-preview", Static)
        if reply is None:
            preview.update(Content.styled(_("No prepared reply matches."), "dim italic"))
            return
        self.render_reply(reply.key, self.language, insert)

    @work(thread=True, exclusive=True, group="picker-render", exit_on_error=False, description="fill in a reply")
    def render_reply(self, key: str, language: str, insert: bool) -> None:
        try:
            text = pr.render_reply(self.app.desk, key, self.number, language=language)
        except HelpdeskError as error:
            message = self.Rendered(key, language, None, error, insert)
        else:
            message = self.Rendered(key, language, text, None, insert)
        if not get_current_worker().is_cancelled:
            self.post_message(message)

    def on_reply_picker_modal_rendered(self, message: Rendered) -> None:
        current = self.highlighted()
        if current is None or current.key != message.key or message.language != self.language:
            return  # the highlight moved on meanwhile
        preview = self.query_one("#picker-preview", Static)
        if message.error is not None:
            preview.set_class(True, "-error")
            preview.update(Content.assemble(
                Content.styled(_("Cannot be inserted: "), "bold"), literal(describe(message.error))
            ))
            if message.insert:
                self.notify(describe(message.error), title=_("Not inserted"), severity="error", markup=False)
            return
        preview.set_class(False, "-error")
        preview.update(literal(message.text))
        if message.insert:
            self.dismiss(message.text)

    # --- keys -----------------------------------------------------------------------------

    def action_move(self, step: int) -> None:
        options = self.query_one("#picker-options", OptionList)
        if not self.matches:
            return
        current = options.highlighted if options.highlighted is not None else -step
        options.highlighted = max(0, min(len(self.matches) - 1, current + step))

    @on(Input.Submitted, "#picker-query")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._preview(insert=True)

    @on(OptionList.OptionSelected, "#picker-options")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._preview(insert=True)

    def action_toggle_language(self) -> None:
        self.language = "en" if self.language == "ru" else "ru"
        self._show_title()
        self._preview()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """An unexpected failure in a worker: tell the App (a modal is no BaseScreen) and unblock."""
        if event.state == WorkerState.ERROR:
            failed = getattr(self.app, "worker_failed", None)
            if failed is not None:
                failed(event.worker)
