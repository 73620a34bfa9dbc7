"""One attachment: what it is, its text, and opening or saving it (``AttachmentModal`` -> Path | None).

Enter on an attachment line of the thread opens this. The preview comes from
``data.read.attachments.preview_attachment`` in a thread worker: text is shown decoded in a
scrollable view, literally (tui/text.py: it is the customer's), up to PREVIEW_TEXT_BYTES; an image
gets a line with its type, size and pixel dimensions read from its header (no picture is drawn);
anything else its type and size.

``o`` hands the file to the system's opener and ``v`` shows a text file in the pager, both as the
app's ``viewers`` (tui/open_file.py, passed in by the composition root) allow: the file is written
to a private folder under a safe name first; the pager gets the text with control characters made
visible, while the app is suspended. Where there is no opener or pager (a server over SSH), the
screen says so and offers ``s``: saving it (screens/save_attachment.py), which dismisses this with
the path written.
"""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Label, Static
from textual.worker import Worker, WorkerState

from helpdesk.data.read.attachments import (
    IMAGE,
    PREVIEW_TEXT_BYTES,
    TEXT,
    AttachmentPreview,
    attachment_text,
    preview_attachment,
    private_copy,
    write_private_text,
)
from helpdesk.data.read.views import AttachmentView
from helpdesk.screens.save_attachment import SaveAttachmentModal
from helpdesk.tui.errors import describe
from helpdesk.tui.files import file_size
from helpdesk.tui.i18n import N_, _
from helpdesk.tui.safe_text import visible
from helpdesk.tui.screen_base import Dialog
from helpdesk.tui.text import literal


class AttachmentModal(Dialog["Path | None"]):
    """The preview of one attachment; dismissed with the path it was saved to, or None."""

    DEFAULT_CSS = """
    AttachmentModal > #attachment-box {
        width: 100;
        max-width: 100%;
        height: 100%;
        max-height: 40;
    }
    AttachmentModal > #attachment-box.-short {
        height: auto;
    }
    AttachmentModal #attachment-box.-short #attachment-scroll {
        height: auto;
    }
    AttachmentModal #attachment-title {
        width: 1fr;
        text-style: bold;
    }
    AttachmentModal #attachment-facts {
        width: 1fr;
        color: $text-muted;
    }
    AttachmentModal #attachment-scroll {
        height: 1fr;
        margin-top: 1;
        border-left: outer $primary;
        padding: 0 1;
    }
    AttachmentModal #attachment-scroll:focus {
        border-left: outer $accent;
    }
    AttachmentModal #attachment-text {
        width: 1fr;
    }
    AttachmentModal #attachment-status {
        width: 1fr;
        height: auto;
    }
    AttachmentModal #attachment-status.-error {
        color: $text-error;
    }
    AttachmentModal #attachment-buttons {
        height: 1;
        align-horizontal: right;
    }
    AttachmentModal Button {
        margin-left: 1;
    }
    """

    BINDINGS = [
        Binding("escape", "close", N_("Close"), tooltip=N_("Back to the thread"), id="attachment.close"),
        Binding("o", "open_file", N_("Open"), tooltip=N_("Open it with the system's viewer"), id="attachment.open"),
        Binding("v", "page", N_("Pager"), tooltip=N_("Read the whole text in the pager"), id="attachment.pager"),
        Binding("s", "save", N_("Save"), tooltip=N_("Save it to a directory"), id="attachment.save"),
    ]

    class Loaded(Message):
        def __init__(self, preview: AttachmentPreview | None, problem: str | None = None) -> None:
            super().__init__()
            self.preview = preview
            self.problem = problem

    class Written(Message):
        """The private copy is written (``path``), for ``use``: "open" or "page"; or ``problem``."""

        def __init__(self, use: str, path: Path | None, problem: str | None = None) -> None:
            super().__init__()
            self.use = use
            self.path = path
            self.problem = problem

    def __init__(self, attachment: AttachmentView) -> None:
        super().__init__()
        self.attachment = attachment
        self.preview: AttachmentPreview | None = None

    def compose(self) -> ComposeResult:
        a = self.attachment
        with Vertical(id="attachment-box", classes="dialog-box"):
            yield Label(literal(a.filename, single_line=True), id="attachment-title", markup=False)
            yield Label(Content(file_size(a.size)), id="attachment-facts", markup=False)
            with VerticalScroll(id="attachment-scroll", can_focus=True):
                yield Static(Content.styled(_("Loading…"), "dim"), id="attachment-text", markup=False)
            yield Static(Content.styled(self.keys_hint(), "dim"), id="attachment-status", markup=False)
            with Horizontal(id="attachment-buttons"):
                yield Button(Content(_("Close")), id="attachment-close", compact=True)
                yield Button(Content(_("Save…")), id="attachment-save", compact=True)
                yield Button(Content(_("Pager")), id="attachment-pager", compact=True)
                yield Button(Content(_("Open")), id="attachment-open", variant="primary", compact=True)

    def on_mount(self) -> None:
        self.query_one("#attachment-scroll").focus()
        self.query_one("#attachment-pager", Button).display = False
        self.query_one("#attachment-open", Button).disabled = self.app.viewers.opener is None
        self.load_preview()

    # --- the preview ------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="attachment-preview", exit_on_error=False, description="preview an attachment")
    def load_preview(self) -> None:
        try:
            preview = preview_attachment(self.attachment.id)
        except Exception as error:  # noqa: BLE001 - the database itself, a blob gone
            self.post_message(self.Loaded(None, describe(error)))
        else:
            self.post_message(self.Loaded(preview))

    def on_attachment_modal_loaded(self, message: Loaded) -> None:
        text = self.query_one("#attachment-text", Static)
        if message.preview is None:
            text.update(Content(message.problem or ""))
            return
        self.preview = preview = message.preview
        self.query_one("#attachment-facts", Label).update(Content(self.facts(preview)))
        if preview.kind == TEXT:
            shown = literal(preview.text) if (preview.text or "").strip() else Content.styled(_("(empty)"), "dim italic")
            if preview.truncated:
                shown = shown + Content.styled(
                    "\n\n" + _("[… cut at {size}: v shows the whole text in the pager]").format(
                        size=file_size(PREVIEW_TEXT_BYTES)), "dim")  # fmt: skip
            text.update(shown)
            self.query_one("#attachment-pager", Button).display = True
            self.say(self.keys_hint(), hint=True)
        else:
            self.query_one("#attachment-box").add_class("-short")  # nothing to scroll through
            what = _("No preview of pictures here.") if preview.kind == IMAGE else _("No preview of this type.")
            text.update(Content.styled(what + " " + self.how_to_open(), "italic"))
        self.refresh_bindings()

    def facts(self, preview: AttachmentPreview) -> str:
        """"PNG image, 1024 × 768 pixels · 45 KB · image/png"; "Text, UTF-8 · 2 KB · text/plain"."""
        parts = []
        if preview.kind == IMAGE:
            info = preview.image
            if info is not None:
                parts.append(_("{format} image, {width} × {height} pixels").format(
                    format=info.format, width=info.width, height=info.height))  # fmt: skip
            else:
                parts.append(_("Image, its size unreadable"))
        elif preview.kind == TEXT:
            parts.append(_("Text, {encoding}").format(encoding=preview.encoding))
        parts.append(file_size(preview.attachment.size))
        parts.append(visible(preview.attachment.content_type, single_line=True))
        return " · ".join(parts)

    def keys_hint(self) -> str:
        text = self.preview is not None and self.preview.kind == TEXT
        if self.app.viewers.opener is None:
            return _("v pager · s save · Esc close") if text else _("s save · Esc close")
        return _("o open · v pager · s save · Esc close") if text else _("o open · s save · Esc close")

    def how_to_open(self) -> str:
        viewers = self.app.viewers
        if viewers.opener is not None:
            return _("o opens it with {program}, s saves it.").format(program=viewers.opener_name)
        return _("s saves it (no program to open files was found here).")

    # --- keys -------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "page":
            return self.preview is not None and self.preview.kind == TEXT
        return True

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        actions = {"attachment-close": self.action_close, "attachment-save": self.action_save,
                   "attachment-pager": self.action_page, "attachment-open": self.action_open_file}  # fmt: skip
        actions[event.button.id]()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_save(self) -> None:
        def saved(path: Path | None) -> None:
            if path is not None:
                self.dismiss(path)

        self.app.push_screen(SaveAttachmentModal(self.attachment), saved)

    def action_open_file(self) -> None:
        if self.app.viewers.opener is None:
            self.say(_("No program to open files was found on this machine (xdg-open or open): press s to save it instead."),
                     error=True)  # fmt: skip
            return
        self.say(_("Opening…"))
        self.write_copy("open")

    def action_page(self) -> None:
        if self.preview is None or self.preview.kind != TEXT:
            return
        if self.app.viewers.pager is None:
            self.say(_("No pager was found on this machine ($PAGER, less or more): read it here, or press s to save it."),
                     error=True)  # fmt: skip
            return
        self.write_copy("page")

    def say(self, text: str, *, error: bool = False, hint: bool = False) -> None:
        status = self.query_one("#attachment-status", Static)
        status.update(Content.styled(text, "dim") if hint else Content(text))
        status.set_class(error, "-error")

    # --- opening ----------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="attachment-open", exit_on_error=False, description="write an attachment")
    def write_copy(self, use: str) -> None:
        viewers = self.app.viewers
        try:
            folder = viewers.private_folder()
            if use == "page":
                path = write_private_text(folder, self.attachment.filename, visible(attachment_text(self.attachment.id)))
            else:
                path = private_copy(self.attachment.id, folder)
                viewers.opener(path)
        except Exception as error:  # noqa: BLE001 - a disk, the opener itself
            self.post_message(self.Written(use, None, describe(error)))
        else:
            self.post_message(self.Written(use, path))

    def on_attachment_modal_written(self, message: Written) -> None:
        if message.path is None:
            self.say(_("Could not open it: {problem}").format(problem=message.problem), error=True)
            return
        if message.use == "open":
            self.say(_("Handed to {program}: {path}").format(program=self.app.viewers.opener_name, path=message.path))
            return
        self.say("")
        try:
            with self.app.suspend():
                self.app.viewers.pager(message.path)
        except SuspendNotSupported:
            self.say(_("This terminal cannot be handed to a pager: read it here, or press s to save it."), error=True)
        except OSError as error:
            self.say(_("Could not open it: {problem}").format(problem=describe(error)), error=True)
        self.refresh()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            failed = getattr(self.app, "worker_failed", None)
            if failed is not None:
                failed(event.worker)
