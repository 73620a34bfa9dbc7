"""Save one attachment to a directory the agent chooses: ``SaveAttachmentModal`` -> Path | None.

The directory defaults to ~/Downloads when it exists, else the working directory. The file is
written by data.attachments.save_attachment (safe name, never overwrites) in a thread worker; a
problem is shown under the field and what was typed stays.
"""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Input, Label

from helpdesk.data.read.attachments import save_attachment
from helpdesk.data.core.errors import HelpdeskError
from helpdesk.data.read.views import AttachmentView
from helpdesk.tui.errors import describe
from helpdesk.tui.files import file_size
from helpdesk.tui.i18n import N_, _
from helpdesk.tui.safe_text import clean
from helpdesk.tui.screen_base import Dialog
from helpdesk.tui.text import literal


def default_directory() -> Path:
    downloads = Path.home() / "Downloads"
    return downloads if downloads.is_dir() else Path.cwd()


class SaveAttachmentModal(Dialog["Path | None"]):
    """Ask for a directory and save the attachment there; dismiss with the path written."""

    DEFAULT_CSS = """
    SaveAttachmentModal > #save-box {
        width: 72;
        max-width: 95%;
        height: auto;
    }
    SaveAttachmentModal #save-title {
        width: 1fr;
        text-style: bold;
    }
    SaveAttachmentModal #save-file {
        width: 1fr;
        margin-bottom: 1;
    }
    SaveAttachmentModal #save-error {
        width: 1fr;
        color: $text-error;
        display: none;
    }
    SaveAttachmentModal #save-error.-shown {
        display: block;
    }
    SaveAttachmentModal #save-buttons {
        height: auto;
        margin-top: 1;
        align-horizontal: right;
    }
    SaveAttachmentModal Button {
        margin-left: 1;
    }
    """

    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel"), tooltip=N_("Close without saving"), id="save_attachment.cancel"),
    ]

    class Finished(Message):
        def __init__(self, path: Path | None, problem: str | None) -> None:
            super().__init__()
            self.path = path
            self.problem = problem

    def __init__(self, attachment: AttachmentView, directory: str | Path | None = None) -> None:
        super().__init__()
        self.attachment = attachment
        self._directory = str(directory if directory is not None else default_directory())

    def compose(self) -> ComposeResult:
        with Vertical(id="save-box", classes="dialog-box"):
            yield Label(Content(_("Save attachment")), id="save-title", markup=False)
            yield Label(
                Content.assemble(
                    literal(self.attachment.filename, single_line=True, style="bold"),
                    Content.styled(f"  {file_size(self.attachment.size)}", "dim"),
                ),
                id="save-file",
                markup=False,
            )
            yield Label(Content(_("Directory")), markup=False)
            yield Input(self._directory, id="save-directory", compact=True)
            yield Label(id="save-error", markup=False)
            with Horizontal(id="save-buttons"):
                yield Button(Content(_("Cancel")), id="save-cancel", compact=True)
                yield Button(Content(_("Save")), id="save-ok", variant="primary", compact=True)

    def on_mount(self) -> None:
        self.query_one("#save-directory", Input).focus()

    @on(Input.Submitted, "#save-directory")
    @on(Button.Pressed, "#save-ok")
    def _save(self, event: Input.Submitted | Button.Pressed) -> None:
        event.stop()
        self.query_one("#save-ok", Button).disabled = True
        self.save(self.query_one("#save-directory", Input).value)

    @on(Input.Changed, "#save-directory")
    def _no_raw_controls(self, event: Input.Changed) -> None:
        """A pasted ESC/OSC sequence would reach the terminal raw from an Input: show it instead."""
        cleaned = clean(event.value, single_line=True)
        if cleaned != event.value:
            event.input.value = cleaned

    @on(Button.Pressed, "#save-cancel")
    def _cancel(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    @work(thread=True, exclusive=True, group="save-attachment", exit_on_error=False)
    def save(self, directory: str) -> None:
        try:
            path = save_attachment(self.attachment.id, directory)
        except (HelpdeskError, OSError) as exc:
            self.post_message(self.Finished(None, describe(exc)))
        else:
            self.post_message(self.Finished(path, None))

    def on_save_attachment_modal_finished(self, message: Finished) -> None:
        if message.path is not None:
            self.dismiss(message.path)
            return
        error = self.query_one("#save-error", Label)
        error.update(literal(message.problem, single_line=True))
        error.add_class("-shown")
        self.query_one("#save-ok", Button).disabled = False
        self.query_one("#save-directory", Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
