"""The reply / internal-note composer at the bottom of the thread view (above the footer).

It only holds the text and shows what kind of message it is writing; the screen owns the keys
(ctrl+s sends, Escape asks before discarding) and the write itself. While a send is under way
the text area is read-only, and on failure the text stays as typed. Control characters pasted
into it are made visible (tui.safe_text.clean), as Textual would send them to the terminal raw.

The text area is a WritingArea: ctrl+e writes the text in the agent's own editor. It starts at
five lines and grows with its text, up to half the screen for the whole composer.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Label, TextArea

from helpdesk.tui.i18n import _
from helpdesk.tui.safe_text import clean
from helpdesk.tui.widgets.writing_area import WritingArea

REPLY, NOTE = "reply", "note"
# The text area's height: at least this many lines, then as many as the text takes, while the
# whole composer (with its title and hint lines) stays within half the screen.
MIN_LINES = 5
OTHER_LINES = 2


class Composer(Vertical):
    """A title line (reply or note), a multi-line TextArea, a hint line."""

    DEFAULT_CSS = """
    Composer {
        height: auto;
        display: none;
        background: $surface;
        padding: 0 1;
    }
    Composer.-open {
        display: block;
    }
    Composer.-note {
        background: $warning-muted;
    }
    Composer #composer-title {
        width: 1fr;
        text-style: bold;
        color: $text-success;
        background: $success-muted;
        padding: 0 1;
    }
    Composer.-note #composer-title {
        color: $text-warning;
        background: $warning-muted;
    }
    Composer WritingArea {
        height: 5;
        min-height: 3;
    }
    Composer #composer-hint {
        width: 1fr;
        color: $text-muted;
    }
    """

    mode: reactive[str] = reactive(REPLY)
    sending: reactive[bool] = reactive(False)

    def __init__(self, *, id: str | None = "composer") -> None:
        super().__init__(id=id)
        self._ready = False  # children exist (is_mounted turns true only after on_mount)

    def compose(self) -> ComposeResult:
        yield Label(id="composer-title", markup=False)
        yield WritingArea(id="composer-text", file_name=self.mode)
        yield Label(id="composer-hint", markup=False)

    def on_mount(self) -> None:
        self._ready = True
        self._show_mode()

    @property
    def text_area(self) -> WritingArea:
        return self.query_one("#composer-text", WritingArea)

    @property
    def is_open(self) -> bool:
        return self.has_class("-open")

    @property
    def text(self) -> str:
        return self.text_area.text

    @property
    def has_text(self) -> bool:
        return bool(self.text.strip())

    def open(self, mode: str) -> None:
        """Show the composer for a reply or a note (text already typed is kept) and focus it."""
        self.mode = mode
        self.add_class("-open")
        self.text_area.focus()

    def close(self) -> None:
        """Hide and empty the composer."""
        self.remove_class("-open")
        self.text_area.clear()
        self.sending = False
        self._fit()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        """Pasted control characters (ESC, OSC...) would reach the terminal raw: show them instead."""
        area = event.text_area
        cleaned = clean(area.text)
        if cleaned != area.text:
            area.load_text(cleaned)
            area.move_cursor(area.document.end)
        self._fit()

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        """As tall as the text (wrapped), between MIN_LINES and half the screen for the composer."""
        if not self._ready:
            return
        area = self.text_area
        limit = max(MIN_LINES, self.screen.size.height // 2 - OTHER_LINES)
        lines = max(MIN_LINES, min(area.wrapped_document.height, limit))
        if area.styles.height is None or area.styles.height.value != lines:
            area.styles.height = lines

    def watch_mode(self, mode: str) -> None:
        self.set_class(mode == NOTE, "-note")
        if self._ready:
            self.text_area.file_name = mode
        self._show_mode()

    def watch_sending(self, sending: bool) -> None:
        if self._ready:
            self.text_area.read_only = sending
            self._show_mode()

    def _show_mode(self) -> None:
        if not self._ready:
            return
        if self.mode == NOTE:
            title = _("Internal note (only agents see it)")
            placeholder = _("Write a note for your colleagues…")
        else:
            title = _("Reply to the customer")
            placeholder = _("Write your reply…")
        self.query_one("#composer-title", Label).update(Content(title))
        self.text_area.placeholder = placeholder
        if self.sending:
            hint = _("Sending…")
        else:
            hint = _("ctrl+s send · ctrl+e write in your editor · Esc close")
        self.query_one("#composer-hint", Label).update(Content(hint))
