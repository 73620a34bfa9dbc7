"""A TextArea for what agents write (replies, notes, prepared replies), with ctrl+e to write it
in their own editor instead.

ctrl+e (TextArea's "end of line" otherwise; End still does that) suspends the App, runs the
editor command the App was given (``App.editor``: resolved from ``$VISUAL``/``$EDITOR`` by the
composition root) on a private copy of the text (tui/editor.py), and puts the edited text back as one edit (undone with ctrl+z).
An unchanged text changes nothing; an editor that fails leaves the text as it was and says why.
"""

from __future__ import annotations

from contextlib import contextmanager, nullcontext

from textual.app import SuspendNotSupported
from textual.binding import Binding
from textual.widgets import TextArea

from helpdesk.tui.editor import EditorFailed, edit_text
from helpdesk.tui.i18n import N_, _


class WritingArea(TextArea):
    """A soft-wrapped TextArea whose text can be written in an external editor (ctrl+e)."""

    BINDINGS = [
        Binding("ctrl+e", "open_editor", N_("Editor"), tooltip=N_("Write the text in your own editor ($VISUAL, $EDITOR)"),
                id="writing.editor"),
    ]

    def __init__(self, text: str = "", *, file_name: str = "text", **kwargs) -> None:
        kwargs.setdefault("soft_wrap", True)
        kwargs.setdefault("tab_behavior", "focus")
        kwargs.setdefault("compact", True)
        super().__init__(text, **kwargs)
        self.file_name = file_name  # part of the temporary file's name: "reply", "note"...

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_editor":
            return not self.read_only
        return super().check_action(action, parameters)

    def action_open_editor(self) -> None:
        """Write the text in the agent's editor; put the result back if it changed."""
        if self.read_only:
            return
        command = getattr(self.app, "editor", None)
        if not command:
            self.app.notify(_("No editor found: set $VISUAL or $EDITOR."), title=_("Editor"), severity="warning",
                            markup=False, timeout=8)
            return
        try:
            with _suspended(self.app):
                edited = edit_text(command, self.text, name=self.file_name)
        except SuspendNotSupported:
            self.app.notify(_("This terminal cannot hand the screen to an editor."), title=_("Editor"),
                            severity="warning", markup=False, timeout=8)
            return
        except EditorFailed as failure:
            self.app.notify(failure_text(failure), title=_("Editor"), severity="error", markup=False, timeout=10)
            return
        finally:
            self.app.refresh(layout=True)
        if edited is None:
            return
        # One edit (ctrl+z takes it back), which sends TextArea.Changed like typing does.
        self.replace(edited, self.document.start, self.document.end, maintain_selection_offset=False)
        self.move_cursor(self.document.end)
        self.focus()


def failure_text(failure: EditorFailed) -> str:
    """Why the editor gave nothing back, in the current language (the text in the app is kept)."""
    if failure.reason == "missing":
        text = _("The editor “{command}” could not be started ({detail}): your text is kept.")
    elif failure.reason == "failed":
        text = _("The editor “{command}” ended with an error (exit code {detail}): your text is kept.")
    else:
        text = _("The editor's file could not be read back ({detail}): your text is kept.")
    return text.format(command=failure.command, detail=failure.detail)


@contextmanager
def _suspended(app):
    """The App suspended around the editor; a headless App (the tests) runs it as it is."""
    if app.is_headless:
        context = nullcontext()
    else:
        context = app.suspend()
    with context:
        yield
