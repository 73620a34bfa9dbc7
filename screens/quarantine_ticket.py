"""A ticket by hand from a quarantined message: ``QuarantineTicketModal(item)`` -> its number | None.

The form is filled with what could be read of the message (``data.channels.quarantine_ticket.
draft_from_quarantine``, in a thread worker): the sender's address and name, the subject and the
text. The agent corrects them, may choose the product, and ``ctrl+s`` creates the ticket through
the ordinary operation (``ticket_from_quarantine``): a refused field (an address, an empty subject,
a limit) is marked and named under the form, and nothing typed is lost. The quarantine row then
records the ticket's number. Everything shown from the message is untrusted: literally, and what
goes into an input has its control characters made visible.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from helpdesk.data.channels import quarantine
from helpdesk.data.channels.quarantine_ticket import QuarantineDraft, draft_from_quarantine, ticket_from_quarantine
from helpdesk.data.core.errors import HelpdeskError, ValidationError
from helpdesk.tui.errors import describe
from helpdesk.tui.i18n import N_, _, ngettext
from helpdesk.tui.screen_base import WriteModal
from helpdesk.tui.support_text import product_label
from helpdesk.tui.safe_text import clean

# Which input a refused field marks (ValidationError.field -> widget id).
FIELDS = {"email": "#qt-email", "customer": "#qt-email", "name": "#qt-name", "subject": "#qt-subject",
          "body": "#qt-body", "product": "#qt-product"}  # fmt: skip


class QuarantineTicketModal(WriteModal["int | None"]):
    """The corrected request; dismissed with the new ticket's number."""

    DEFAULT_CSS = """
    QuarantineTicketModal > #qt-box {
        width: 100;
        max-width: 100%;
        height: 100%;
        max-height: 34;
    }
    QuarantineTicketModal #qt-title {
        width: 1fr;
        text-style: bold;
    }
    QuarantineTicketModal #qt-explanation {
        width: 1fr;
        color: $text-muted;
    }
    QuarantineTicketModal .qt-row {
        height: 1;
        margin-top: 1;
    }
    QuarantineTicketModal .qt-label {
        width: 12;
    }
    QuarantineTicketModal .qt-row Input, QuarantineTicketModal .qt-row Select {
        width: 1fr;
    }
    QuarantineTicketModal #qt-body {
        height: 1fr;
        margin-top: 1;
        border: none;
        border-left: outer $primary;
    }
    QuarantineTicketModal #qt-body:focus {
        border: none;
        border-left: outer $accent;
    }
    QuarantineTicketModal .-error {
        background: $error-muted;
    }
    QuarantineTicketModal #qt-note {
        width: 1fr;
        color: $text-muted;
    }
    QuarantineTicketModal #qt-error {
        width: 1fr;
        color: $text-error;
        text-style: bold;
    }
    QuarantineTicketModal #qt-buttons {
        height: 1;
        align-horizontal: right;
    }
    QuarantineTicketModal Button {
        margin-left: 1;
    }
    """

    BINDINGS = [
        Binding("ctrl+s", "create", N_("Create"), tooltip=N_("Create the ticket from the corrected message"),
                id="quarantine_ticket.create"),
        Binding("escape", "cancel", N_("Cancel"), tooltip=N_("Change nothing"), id="quarantine_ticket.cancel"),
    ]
    ERROR_LABEL = "#qt-error"

    class DraftLoaded(Message):
        def __init__(self, draft: QuarantineDraft | None, problem: HelpdeskError | None = None) -> None:
            super().__init__()
            self.draft = draft
            self.problem = problem

    def __init__(self, item: quarantine.QuarantineItem) -> None:
        super().__init__()
        self.item = item
        self.draft: QuarantineDraft | None = None

    def compose(self) -> ComposeResult:
        products = [(product_label(p), p.name) for p in self.app.desk.regulation.products]
        with Vertical(id="qt-box", classes="dialog-box"):
            yield Label(Content(_("A ticket from quarantined message {id}").format(id=self.item.id)),
                        id="qt-title", markup=False)
            yield Static(Content(_(
                "Filled in with what could be read of it: correct what is wrong. The message stays in quarantine,"
                " marked with the new ticket's number."
            )), id="qt-explanation", markup=False)
            with Horizontal(classes="qt-row"):
                yield Label(Content(_("E-mail")), classes="qt-label", markup=False)
                yield Input(id="qt-email", compact=True, placeholder=_("the address replies go to"))
            with Horizontal(classes="qt-row"):
                yield Label(Content(_("Name")), classes="qt-label", markup=False)
                yield Input(id="qt-name", compact=True)
            with Horizontal(classes="qt-row"):
                yield Label(Content(_("Subject")), classes="qt-label", markup=False)
                yield Input(id="qt-subject", compact=True)
            with Horizontal(classes="qt-row"):
                yield Label(Content(_("Product")), classes="qt-label", markup=False)
                yield Select(products, prompt=_("leave for triage"), id="qt-product", compact=True)
            yield TextArea(id="qt-body", soft_wrap=True, tab_behavior="focus")  # not compact: the border says "text"
            yield Label(id="qt-note", markup=False)
            yield Label(Content.styled(_("Reading the message…"), "dim"), id="qt-error", markup=False)
            with Horizontal(id="qt-buttons"):
                yield Button(Content(_("Cancel")), id="qt-cancel", compact=True)
                yield Button(Content(_("Create ticket")), id="qt-create", variant="primary", compact=True)

    def on_mount(self) -> None:
        self._busy = True  # until the draft is in the form
        self.load_draft()

    @work(thread=True, exclusive=True, group="quarantine-draft", exit_on_error=False, description="read a quarantined message")
    def load_draft(self) -> None:
        try:
            draft = draft_from_quarantine(self.item.id)
        except HelpdeskError as error:
            self.post_message(self.DraftLoaded(None, error))
        else:
            self.post_message(self.DraftLoaded(draft))

    def on_quarantine_ticket_modal_draft_loaded(self, message: DraftLoaded) -> None:
        error = self.query_one("#qt-error", Label)
        if message.draft is None:
            error.update(Content(describe(message.problem)))
            return
        self._busy = False
        error.update(Content(""))
        self.draft = draft = message.draft
        self.query_one("#qt-email", Input).value = clean(draft.email, single_line=True)
        self.query_one("#qt-name", Input).value = clean(draft.name, single_line=True)
        self.query_one("#qt-subject", Input).value = clean(draft.subject, single_line=True)
        self.query_one("#qt-body", TextArea).load_text(clean(draft.body))
        notes = []
        if draft.attachments:
            n = len(draft.attachments)
            notes.append(ngettext("{n} attached file comes along if it fits the limits.",
                                  "{n} attached files come along if they fit the limits.", n).format(n=n))  # fmt: skip
        if draft.telegram_chat:
            notes.append(_("A Telegram message: without an e-mail, replies go to its Telegram chat."))
        self.query_one("#qt-note", Label).update(Content(" ".join(notes)))
        self.query_one("#qt-email" if not draft.email else "#qt-subject", Input).focus()

    @on(Input.Changed)
    def _no_raw_controls(self, event: Input.Changed) -> None:
        event.input.remove_class("-error")
        cleaned = clean(event.value, single_line=True)
        if cleaned != event.value:
            event.input.value = cleaned

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "qt-create":
            self.action_create()
        else:
            self.action_cancel()

    def action_create(self) -> None:
        if self._busy or self.draft is None:
            return
        self._busy = True
        for selector in set(FIELDS.values()):
            self.query_one(selector).remove_class("-error")
        self.query_one("#qt-error", Label).update(Content.styled(_("Saving…"), "dim"))
        product = self.query_one("#qt-product", Select).value
        self.create(
            email=self.query_one("#qt-email", Input).value,
            name=self.query_one("#qt-name", Input).value,
            subject=self.query_one("#qt-subject", Input).value,
            body=self.query_one("#qt-body", TextArea).text,
            product=product if isinstance(product, str) else None,
        )

    @work(thread=True, exclusive=True, group="quarantine-ticket", exit_on_error=False, description="a ticket from quarantine")
    def create(self, **fields) -> None:
        try:
            made = ticket_from_quarantine(self.app.desk, self.item.id, **fields)
        except HelpdeskError as error:
            self.post_message(self.Done(None, error))
        else:
            self.post_message(self.Done(made.number))

    def on_write_modal_done(self, message: WriteModal.Done) -> None:
        error = message.error
        if isinstance(error, ValidationError) and error.field in FIELDS:
            widget = self.query_one(FIELDS[error.field])
            widget.add_class("-error")
            widget.focus()
