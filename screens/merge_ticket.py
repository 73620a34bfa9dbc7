"""Merge a duplicate into another ticket: ``MergeTicketModal(number, read)`` -> target number | None.

The agent types the number of the ticket this one duplicates; its subject, customer and status
are looked up as it is typed (a thread worker), so the agent sees what they merge into. Merging
(``data.split_merge.merge_tickets``) moves this ticket's messages into the target in time order
and closes this one with a link; nothing is deleted, and a merge cannot be undone (the dialog says
so). A target of another customer is pointed out as it is looked up, and merging it takes a second
confirmation naming both customers (``ConfirmModal``): the store refuses the merge until then
(MERGE_OTHER_CUSTOMER), so the question comes however quickly the agent pressed Enter. ``read`` is
what the agent read of this ticket when they opened the dialog: if it changed since, they see how
and choose (screens/conflict.py).
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Input, Label, Static
from textual.worker import get_current_worker

from helpdesk.data.tickets import split_merge
from helpdesk.data.core.errors import Code, HelpdeskError
from helpdesk.data.read.history import ReadPoint
from helpdesk.data.read.views import TicketSummary, get_thread
from helpdesk.screens.confirm import ConfirmModal
from helpdesk.screens.conflict import ConflictAwareWriteModal
from helpdesk.tui.screen_base import WriteModal
from helpdesk.tui.errors import describe
from helpdesk.tui.i18n import N_, _
from helpdesk.tui.labels import status_label
from helpdesk.tui.text import literal
from helpdesk.tui.stylesheets import stylesheet


class MergeTicketModal(ConflictAwareWriteModal["int | None"]):
    """Type the target ticket's number, check it, merge."""

    CSS_PATH = stylesheet("workflow_modals.tcss")

    BINDINGS = [
        Binding("ctrl+s", "merge", N_("Merge"), tooltip=N_("Merge this ticket into the other one"), id="merge.save"),
        Binding("escape", "cancel", N_("Cancel"), tooltip=N_("Change nothing"), id="merge.cancel"),
    ]
    ERROR_LABEL = "#merge-error"

    class Looked(Message):
        def __init__(self, number: int, summary: TicketSummary | None, error: str | None, same_customer: bool = True):
            super().__init__()
            self.number = number
            self.summary = summary
            self.error = error
            self.same_customer = same_customer

    def __init__(self, number: int, read: ReadPoint | None) -> None:
        super().__init__(read)
        self.number = number
        self.target: TicketSummary | None = None
        self._into: int | None = None
        self._different_customers = False  # the agent confirmed merging another customer's ticket

    def mine(self) -> Content:
        return Content(_("merge #{number} into #{into}").format(number=self.number, into=self._into))

    def compose(self) -> ComposeResult:
        with Vertical(id="merge-box", classes="dialog-box"):
            yield Label(Content(_("Merge #{number} into another ticket").format(number=self.number)),
                        id="merge-title", markup=False)
            yield Static(Content(_(
                "Its messages join the other ticket in time order; #{number} is closed with a link to it."
                " A merge cannot be undone."
            ).format(number=self.number)), id="merge-explanation", markup=False)
            with Horizontal(id="merge-row"):
                yield Label(Content(_("Into ticket #")), id="merge-label", markup=False)
                yield Input(id="merge-into", type="integer", compact=True, max_length=9)
            yield Static(id="merge-target", markup=False)
            yield Label(id="merge-error", markup=False)
            with Horizontal(id="merge-buttons"):
                yield Button(Content(_("Cancel")), id="merge-cancel", compact=True)
                yield Button(Content(_("Merge")), id="merge-save", variant="warning", compact=True)

    def on_mount(self) -> None:
        self.query_one("#merge-into", Input).focus()

    def typed_number(self) -> int | None:
        text = self.query_one("#merge-into", Input).value.strip().lstrip("#")
        return int(text) if text.isdigit() else None

    @on(Input.Changed, "#merge-into")
    def _changed(self) -> None:
        self.target = None
        number = self.typed_number()
        target = self.query_one("#merge-target", Static)
        if number is None:
            target.update(Content(""))
            return
        if number == self.number:
            target.update(Content.styled(_("That is this ticket."), "italic"))
            return
        target.update(Content.styled(_("Looking up #{number}…").format(number=number), "dim"))
        self.look_up(number)

    @work(thread=True, exclusive=True, group="merge-look-up", exit_on_error=False, description="look up a ticket")
    def look_up(self, number: int) -> None:
        try:
            summary = get_thread(number).ticket
            own = get_thread(self.number).ticket
        except HelpdeskError as error:
            message = self.Looked(number, None, describe(error, self.app.desk.regulation))
        else:
            same = (own.customer_email, own.customer_name) == (summary.customer_email, summary.customer_name)
            message = self.Looked(number, summary, None, same)
        if not get_current_worker().is_cancelled:
            self.post_message(message)

    def on_merge_ticket_modal_looked(self, message: Looked) -> None:
        if message.number != self.typed_number():
            return
        target = self.query_one("#merge-target", Static)
        if message.summary is None:
            target.update(Content.styled(message.error or "", "italic"))
            return
        self.target = s = message.summary
        target.update(Content.assemble(
            Content.styled(f"#{s.number} ", "bold"),
            literal(s.subject, single_line=True, style="bold"),
            Content("\n"),
            literal(s.customer_name, single_line=True),
            Content(f" <{s.customer_email}>" if s.customer_email else ""),
            Content.styled(" · " + status_label(s.status), "dim"),
            Content("") if message.same_customer else Content.styled(
                "\n" + _("Another customer: check that it really is the same request."), "bold $text-warning"),
        ))

    @on(Input.Submitted, "#merge-into")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_merge()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "merge-save":
            self.action_merge()
        else:
            self.action_cancel()

    def action_merge(self) -> None:
        number = self.typed_number()
        error = self.query_one("#merge-error", Label)
        if self._busy:
            return
        if number is None:
            error.update(Content(_("Type the number of the ticket to merge into.")))
            self.query_one("#merge-into", Input).focus()
            return
        error.update(Content(""))
        if number != self._into:
            self._different_customers = False  # a confirmation is for the ticket it named
        self._into = number
        self.start_write(lambda: self.save(number, self.expected_version, self._different_customers))

    def on_write_modal_done(self, message: WriteModal.Done) -> None:
        """Another customer's ticket: ask again, naming both, before merging anyway."""
        error = message.error
        if not (isinstance(error, HelpdeskError) and error.code == Code.MERGE_OTHER_CUSTOMER):
            return
        message.prevent_default()
        self._busy = False
        params = error.params
        question = Content.assemble(
            Content(_("#{number} is from ").format(number=params["number"])),
            literal(str(params["customer"]), single_line=True, style="bold"),
            Content(_(", and #{into} from ").format(into=params["into"])),
            literal(str(params["other"]), single_line=True, style="bold"),
            Content(".\n\n" + _(
                "Merged, both customers' messages are in one thread, and replies on #{into} go to its customer."
                " A merge cannot be undone."
            ).format(into=params["into"])),
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self._different_customers = True
                self.action_merge()
            else:
                self.query_one("#merge-into", Input).focus()

        self.app.push_screen(ConfirmModal(_("Merge two customers' tickets?"), question,
                                          confirm=_("Merge anyway"), cancel=_("Cancel")), answered)

    @work(thread=True, group="merge-save", exit_on_error=False, description="merge tickets")
    def save(self, into: int, version: int | None, different_customers: bool) -> None:
        try:
            split_merge.merge_tickets(
                self.app.desk, self.number, into, from_version=version, different_customers=different_customers
            )
        except HelpdeskError as error:
            self.post_message(self.Done(None, error))
        else:
            self.post_message(self.Done(into))
