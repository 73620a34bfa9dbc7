"""An out-of-scope category was chosen (regulation 1.4): ``RejectOutOfScopeModal`` offers the reply.

The reply quoting the rule (the prepared reply ``out_of_scope`` filled in for the ticket, in the
customer's language) is shown in an editable text area. The agent then:

* **Reject and reply** (ctrl+s): category recorded, reply sent, ticket rejected, in one
  transaction (``data.triage.reject_out_of_scope``);
* **Reject silently**: the same without the reply;
* **Only record**: just the category (``data.tickets.set_scope``), nothing else changes;
* **Cancel** (Escape): nothing happens.

Dismisses with "rejected", "recorded" or None. A refused write (it is already finished) is shown
in the modal and the text is kept; a ticket changed since the dialog opened shows what changed and
asks (screens/conflict.py).
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Label, Static, TextArea

from helpdesk.data.tickets import operations as tickets
from helpdesk.data.tickets import triage
from helpdesk.data.core.errors import HelpdeskError
from helpdesk.data.read.history import ReadPoint
from helpdesk.screens.conflict import ConflictAwareWriteModal
from helpdesk.tui.errors import describe
from helpdesk.tui.i18n import N_, _, current_language
from helpdesk.tui.text import literal
from helpdesk.tui.widgets.writing_area import WritingArea

from helpdesk.tui.stylesheets import stylesheet

REJECTED, RECORDED = "rejected", "recorded"


class RejectOutOfScopeModal(ConflictAwareWriteModal["str | None"]):
    """Reject a request as out of scope, with the rule's reply (editable) or without."""

    CSS_PATH = stylesheet("workflow_modals.tcss")

    BINDINGS = [
        Binding("ctrl+s", "reject(True)", N_("Reject and reply"),
                tooltip=N_("Record the category, send the reply and reject the ticket"), id="reject.reply"),
        Binding("escape", "cancel", N_("Cancel"), tooltip=N_("Change nothing"), id="reject.cancel"),
    ]
    ERROR_LABEL = "#reject-error"

    class Drafted(Message):
        def __init__(self, text: str | None, error: HelpdeskError | None) -> None:
            super().__init__()
            self.text = text
            self.error = error

    def __init__(self, number: int, key: str, read: ReadPoint | None) -> None:
        super().__init__(read)
        self.number = number
        self.key = key
        self._outcome = REJECTED

    def mine(self) -> Content:
        if self._outcome == RECORDED:
            return Content(_("record the category"))
        return Content(_("reject as out of scope"))

    def compose(self) -> ComposeResult:
        regulation = self.app.desk.regulation
        category = regulation.scope_category(self.key)
        label = category.label(current_language()) if category else self.key
        with Vertical(id="reject-box", classes="dialog-box"):
            yield Label(Content.assemble(
                Content.styled(_("#{number} is out of scope: ").format(number=self.number), "bold"),
                literal(label, single_line=True, style="bold"),
            ), id="reject-title", markup=False)
            yield Static(Content(_(
                "Support does not cover this (regulation 1.4). Rejecting records the category, sends the "
                "reply below (edit it if needed) and sets the ticket to Rejected; reopening undoes it."
            )), id="reject-explanation", markup=False)
            yield WritingArea(id="reject-text", file_name="reply")
            yield Label(id="reject-error", markup=False)
            with Horizontal(id="reject-buttons"):
                yield Button(Content(_("Cancel")), id="reject-cancel", compact=True)
                yield Button(Content(_("Only record")), id="reject-record", compact=True)
                yield Button(Content(_("Reject silently")), id="reject-silent", variant="warning", compact=True)
                yield Button(Content(_("Reject and reply")), id="reject-send", variant="error", compact=True)

    def on_mount(self) -> None:
        self.query_one("#reject-text", TextArea).placeholder = _("Preparing the reply…")
        self.query_one("#reject-send", Button).focus()
        self.draft_reply()

    @work(thread=True, exclusive=True, group="reject-draft", exit_on_error=False, description="prepare the reply")
    def draft_reply(self) -> None:
        try:
            text = triage.out_of_scope_reply(self.app.desk, self.number, self.key)
        except HelpdeskError as error:
            self.post_message(self.Drafted(None, error))
        else:
            self.post_message(self.Drafted(text, None))

    def on_reject_out_of_scope_modal_drafted(self, message: Drafted) -> None:
        area = self.query_one("#reject-text", TextArea)
        area.placeholder = ""
        if message.error is not None:
            error = describe(message.error, self.app.desk.regulation)
            self._show_error(_("The default reply could not be prepared: {error}").format(error=error))
        elif not area.text:
            area.text = message.text or ""

    def _show_error(self, text: str) -> None:
        self.query_one(self.ERROR_LABEL, Label).update(Content(text))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        button = event.button.id
        if button == "reject-cancel":
            self.action_cancel()
        elif button == "reject-record":
            self._run(RECORDED)
        elif button == "reject-silent":
            self._run(REJECTED, reply=False)
        elif button == "reject-send":
            self.action_reject(True)

    def action_reject(self, reply: bool) -> None:
        if reply and not self.query_one("#reject-text", TextArea).text.strip():
            self._show_error(_("The reply is empty: write it, or reject silently."))
            self.query_one("#reject-text", TextArea).focus()
            return
        self._run(REJECTED, reply=reply)

    def _run(self, outcome: str, reply: bool = False) -> None:
        if self._busy:
            return
        self._show_error("")
        text = self.query_one("#reject-text", TextArea).text if reply else None
        self._outcome = outcome
        self.start_write(lambda: self.save(outcome, text, self.expected_version))

    @work(thread=True, group="reject-save", exit_on_error=False, description="reject as out of scope")
    def save(self, outcome: str, text: str | None, version: int | None) -> None:
        desk = self.app.desk
        try:
            if outcome == RECORDED:
                if tickets.get_ticket(self.number).scope != self.key:  # a new ticket may have it already
                    tickets.set_scope(desk, self.number, self.key, expected_version=version)
            else:
                triage.reject_out_of_scope(desk, self.number, self.key, text, version)
        except HelpdeskError as error:
            self.post_message(self.Done(None, error))
        else:
            self.post_message(self.Done(outcome))
