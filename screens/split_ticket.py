"""One problem per request (regulation 1.2): ``SplitTicketModal`` makes a new ticket of a message.

Lists the thread's customer messages (numbered as ``helpdesk show`` lists all messages, so the
numbers match ``helpdesk split NUMBER MESSAGE_INDEX``) with their first words; the agent picks
one and may change the new ticket's subject. ``data.split_merge.split_ticket`` copies the message
with its attachments into a new ticket for the same customer and product and links both.
Dismisses with the new ticket's number, or None. The split carries what the agent read when the
dialog opened (``read``): if the ticket changed since, they see how and choose (screens/conflict.py).
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Input, Label, OptionList
from textual.widgets.option_list import Option

from helpdesk.data.tickets import split_merge
from helpdesk.data.core.errors import HelpdeskError
from helpdesk.data.read.history import ReadPoint
from helpdesk.data.read.views import ThreadView
from helpdesk.screens.conflict import ConflictAwareWriteModal
from helpdesk.tui.i18n import N_, _
from helpdesk.tui.text import literal
from helpdesk.tui.timefmt import day_and_time
from helpdesk.tui.stylesheets import stylesheet


def excerpt(body: str, width: int = 60) -> str:
    """The first words of the message on one line (a greeting alone says too little)."""
    line = " ".join((body or "").split())
    return line if len(line) <= width else line[: width - 1] + "…"


class SplitTicketModal(ConflictAwareWriteModal["int | None"]):
    """Pick a customer message and a subject; split it off into a new linked ticket."""

    CSS_PATH = stylesheet("workflow_modals.tcss")

    BINDINGS = [
        Binding("ctrl+s", "split", N_("Split"), tooltip=N_("Make a new ticket of the chosen message"), id="split.save"),
        Binding("escape", "cancel", N_("Cancel"), tooltip=N_("Change nothing"), id="split.cancel"),
    ]
    ERROR_LABEL = "#split-error"

    def __init__(self, thread: ThreadView, read: ReadPoint | None) -> None:
        super().__init__(read)
        self.thread = thread
        self._index: int | None = None
        # (1-based index among all messages, message) for the customer's messages.
        self.candidates = [(i, msg) for i, msg in enumerate(thread.messages, start=1) if msg.kind == "customer"]

    def compose(self) -> ComposeResult:
        number = self.thread.ticket.number
        tz = self.app.desk.regulation.timezone
        now = self.app.now()
        with Vertical(id="split-box", classes="dialog-box"):
            yield Label(Content(_("Split #{number}: one problem per request").format(number=number)),
                        id="split-title", markup=False)
            yield Label(Content(_("Which message raises the other problem?")), classes="split-label", markup=False)
            yield OptionList(
                *[
                    Option(Content.assemble(
                        Content.styled(f"{index:>2}. ", "bold"),
                        Content.styled(day_and_time(msg.created_at, tz, now) + "  ", "dim"),
                        literal(excerpt(msg.body, 46) or _("(attachments only)"), single_line=True),
                    ), id=str(index))
                    for index, msg in self.candidates
                ],
                id="split-messages",
                markup=False,
            )
            yield Label(Content(_("Subject of the new ticket")), classes="split-label", markup=False)
            yield Input(self.thread.ticket.subject, id="split-subject", compact=True)
            yield Label(Content(_("The message is copied with its attachments; both tickets are linked.")),
                        id="split-hint", markup=False)
            yield Label(id="split-error", markup=False)
            with Horizontal(id="split-buttons"):
                yield Button(Content(_("Cancel")), id="split-cancel", compact=True)
                yield Button(Content(_("Split")), id="split-save", variant="primary", compact=True)

    def on_mount(self) -> None:
        options = self.query_one("#split-messages", OptionList)
        if self.candidates:
            options.highlighted = len(self.candidates) - 1  # usually the latest message
        else:
            self.query_one("#split-error", Label).update(Content(_("This ticket has no customer message to split off.")))
        options.focus()

    def chosen_index(self) -> int | None:
        highlighted = self.query_one("#split-messages", OptionList).highlighted
        if highlighted is None or not self.candidates:
            return None
        return self.candidates[highlighted][0]

    @on(OptionList.OptionSelected, "#split-messages")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.query_one("#split-subject", Input).focus()

    @on(Input.Submitted, "#split-subject")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_split()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "split-save":
            self.action_split()
        else:
            self.action_cancel()

    def action_split(self) -> None:
        index = self.chosen_index()
        if index is None or self._busy:
            return
        self.query_one("#split-error", Label).update(Content(""))
        self._index = index
        subject = self.query_one("#split-subject", Input).value
        self.start_write(lambda: self.save(index, subject, self.expected_version))

    def mine(self) -> Content:
        return Content(_("make a new ticket of message {index}").format(index=self._index))

    @work(thread=True, group="split-save", exit_on_error=False, description="split a ticket")
    def save(self, index: int, subject: str, version: int | None) -> None:
        try:
            new = split_merge.split_ticket(
                self.app.desk, self.thread.ticket.number, index, subject=subject, expected_version=version
            )
        except HelpdeskError as error:
            self.post_message(self.Done(None, error))
        else:
            self.post_message(self.Done(new.number))
