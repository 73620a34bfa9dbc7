"""The files to attach to a new request: a path field, and the list of files added so far.

Each path is checked as it is added (in a worker: the file may sit on a slow mount), so a
missing file, a directory or a file over the limit is reported under the field at once, and the
path stays there to be corrected. Only the checked paths are kept; the files are read when the
request is saved.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Input, Label, OptionList
from textual.widgets.option_list import Option

from helpdesk.data.read.attachments import FileProblem, read_attachment_file
from helpdesk.tui.errors import describe
from helpdesk.tui.files import file_size
from helpdesk.tui.i18n import N_, _, ngettext
from helpdesk.tui.text import literal
from helpdesk.tui.widgets.field_error import FieldError


@dataclass(frozen=True)
class PendingAttachment:
    path: str
    name: str
    size: int


class AttachmentList(OptionList):
    """The files to attach; Delete removes the highlighted one."""

    BINDINGS = [
        Binding("delete", "remove", N_("Remove file"), tooltip=N_("Remove the highlighted file from the list"),
                id="new_ticket.remove_attachment"),
        Binding("backspace", "remove", N_("Remove file"), show=False,
                tooltip=N_("Remove the highlighted file from the list"), id="new_ticket.remove_attachment_backspace"),
    ]

    class RemoveRequested(Message):
        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def action_remove(self) -> None:
        if self.highlighted is not None:
            self.post_message(self.RemoveRequested(self.highlighted))

    def show(self, files: list[PendingAttachment]) -> None:
        """List ``files`` (hidden when there are none), keeping the highlight where it was."""
        highlighted = self.highlighted
        self.clear_options()
        for item in files:
            self.add_option(Option(Content.assemble(
                literal(item.name, single_line=True, style="bold"),
                Content.styled(f"  {file_size(item.size)}  ", "dim"),
                literal(item.path, single_line=True, style="dim"),
            )))
        self.display = bool(files)
        self.border_title = ngettext("{n} file · Delete removes", "{n} files · Delete removes", len(files)).format(
            n=len(files))
        if files:
            self.highlighted = min(highlighted or 0, len(files) - 1)


class AttachmentField(Vertical):
    """"Attach": the path (Enter or Add checks it), its error line (``#error-attachments``) and the list.

    The form lays it out with its own ``field-row``, ``field-label`` and ``field-error`` styles.
    """

    DEFAULT_CSS = """
    AttachmentField {
        height: auto;
    }
    """

    class Checked(Message):
        """A path checked by the worker: the file to add, or the problem in words."""

        def __init__(self, path: str, attachment: PendingAttachment | None, problem: str | None) -> None:
            super().__init__()
            self.path = path
            self.attachment = attachment
            self.problem = problem

    def __init__(self, max_bytes: int, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.max_bytes = max_bytes  # the desk's limit for one file
        self.files: list[PendingAttachment] = []

    def compose(self) -> ComposeResult:
        with Horizontal(classes="field-row -gap"):
            yield Label(Content(_("Attach")), classes="field-label", markup=False)
            yield Input(placeholder=_("path of a file, then Enter"), id="attachment-path", compact=True, select_on_focus=False)
            yield Button(Content(_("Add")), id="attachment-add", compact=True)
        yield FieldError(id="error-attachments")
        listing = AttachmentList(id="attachments", markup=False)
        listing.display = False
        yield listing

    @property
    def path_input(self) -> Input:
        return self.query_one("#attachment-path", Input)

    @property
    def error(self) -> FieldError:
        return self.query_one("#error-attachments", FieldError)

    @on(Input.Submitted, "#attachment-path")
    @on(Button.Pressed, "#attachment-add")
    def _add(self, event: Input.Submitted | Button.Pressed) -> None:
        event.stop()
        path = self.path_input.value
        if not path.strip():
            self.error.show(_("Type the path of a file, then press Enter."))
            return
        if any(a.path == path.strip() for a in self.files):
            self.error.show(_("This file is already in the list."))
            return
        self.check(path)

    @work(thread=True, exclusive=True, group="attachment-check", exit_on_error=False)
    def check(self, path: str) -> None:
        try:
            name, size = read_attachment_file(path, self.max_bytes)
        except FileProblem as problem:
            self.post_message(self.Checked(path, None, describe(problem)))
        else:
            self.post_message(self.Checked(path, PendingAttachment(path.strip(), name, size), None))

    @on(Checked)
    def _checked(self, message: Checked) -> None:
        if message.attachment is None:
            self.error.show(message.problem or "")
            return
        self.files.append(message.attachment)
        if self.path_input.value == message.path:
            self.path_input.value = ""
        self.error.clear()
        self.query_one(AttachmentList).show(self.files)

    @on(AttachmentList.RemoveRequested)
    def _remove(self, message: AttachmentList.RemoveRequested) -> None:
        if 0 <= message.index < len(self.files):
            del self.files[message.index]
        self.query_one(AttachmentList).show(self.files)
        if not self.files:
            self.path_input.focus()

    @on(Input.Changed, "#attachment-path")
    def _path_typed(self) -> None:
        self.error.clear()
