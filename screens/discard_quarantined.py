"""Discard a quarantined message, saying why: ``DiscardQuarantinedModal(item)`` -> its id | None.

For what no retry will ever store (spam, a broken newsletter). ``data.channels.quarantine.discard``
keeps the row and its raw mail for DISCARD_KEEP_DAYS days (the quarantine's "all" view lists it),
then a purge deletes it; the modal says so. The reason is required; a refusal shows under the field.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Input, Label, Static

from helpdesk.data.channels import quarantine
from helpdesk.data.core.errors import HelpdeskError
from helpdesk.tui.i18n import N_, _, ngettext
from helpdesk.tui.screen_base import WriteModal
from helpdesk.tui.safe_text import clean
from helpdesk.tui.text import literal


class DiscardQuarantinedModal(WriteModal["int | None"]):
    """A reason, then the discard; dismissed with the message's id once it is discarded."""

    DEFAULT_CSS = """
    DiscardQuarantinedModal {
        align: center middle;
        background: $background 60%;
    }
    DiscardQuarantinedModal > #discard-box {
        width: 76;
        max-width: 100%;
        height: auto;
        border: thick $warning;
        background: $surface;
        padding: 0 1;
    }
    DiscardQuarantinedModal #discard-title {
        width: 1fr;
        text-style: bold;
    }
    DiscardQuarantinedModal #discard-what, DiscardQuarantinedModal #discard-explanation {
        width: 1fr;
        margin-bottom: 1;
    }
    DiscardQuarantinedModal #discard-explanation {
        color: $text-muted;
    }
    DiscardQuarantinedModal #discard-error {
        width: 1fr;
        color: $text-error;
        text-style: bold;
    }
    DiscardQuarantinedModal #discard-buttons {
        height: 1;
        margin-top: 1;
        align-horizontal: right;
    }
    DiscardQuarantinedModal Button {
        margin-left: 1;
    }
    """

    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel"), tooltip=N_("Keep it in quarantine"), id="discard.cancel"),
    ]
    ERROR_LABEL = "#discard-error"

    def __init__(self, item: quarantine.QuarantineItem) -> None:
        super().__init__()
        self.item = item

    def compose(self) -> ComposeResult:
        item = self.item
        days = quarantine.DISCARD_KEEP_DAYS
        with Vertical(id="discard-box"):
            yield Label(Content(_("Discard quarantined message {id}").format(id=item.id)), id="discard-title", markup=False)
            yield Static(Content.assemble(
                literal(item.sender or item.source, single_line=True, style="bold"),
                Content("  "),
                literal(item.subject, single_line=True),
            ), id="discard-what", markup=False)  # fmt: skip
            yield Static(Content(ngettext(
                "It leaves the list of messages waiting. The message is kept {days} day (the list shows it"
                " under “all”), then deleted for good.",
                "It leaves the list of messages waiting. The message is kept {days} days (the list shows it"
                " under “all”), then deleted for good.", days).format(days=days)),
                id="discard-explanation", markup=False)  # fmt: skip
            yield Label(Content(_("Why is it discarded?")), markup=False)
            yield Input(id="discard-reason", placeholder=_("e.g. spam, a newsletter"), compact=True, max_length=500)
            yield Label(id="discard-error", markup=False)
            with Horizontal(id="discard-buttons"):
                yield Button(Content(_("Cancel")), id="discard-cancel", compact=True)
                yield Button(Content(_("Discard")), id="discard-ok", variant="warning", compact=True)

    def on_mount(self) -> None:
        self.query_one("#discard-reason", Input).focus()

    @on(Input.Changed, "#discard-reason")
    def _no_raw_controls(self, event: Input.Changed) -> None:
        cleaned = clean(event.value, single_line=True)
        if cleaned != event.value:
            event.input.value = cleaned

    @on(Input.Submitted, "#discard-reason")
    @on(Button.Pressed, "#discard-ok")
    def _discard(self, event: Input.Submitted | Button.Pressed) -> None:
        event.stop()
        if self._busy:
            return
        self._busy = True
        self.query_one("#discard-error", Label).update(Content(""))
        self.discard(self.query_one("#discard-reason", Input).value)

    @on(Button.Pressed, "#discard-cancel")
    def _cancel(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel()

    @work(thread=True, exclusive=True, group="quarantine-discard", exit_on_error=False, description="discard quarantined mail")
    def discard(self, reason: str) -> None:
        desk = self.app.desk
        try:
            quarantine.discard(self.item.id, reason, agent=desk.agent, now=desk.now())
        except HelpdeskError as error:
            self.post_message(self.Done(None, error))
        else:
            self.post_message(self.Done(self.item.id))

    def on_write_modal_done(self, message: WriteModal.Done) -> None:
        if message.error is not None:
            self.query_one("#discard-reason", Input).focus()
