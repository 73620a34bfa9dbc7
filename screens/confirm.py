"""A yes/no question in a modal: ``ConfirmModal(title, message, confirm=..., cancel=...)`` -> bool.

Escape (or the cancel button) answers no. The safe answer has the focus first.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from helpdesk.tui.i18n import N_, _


class ConfirmModal(ModalScreen[bool]):
    """Ask one question; dismiss with True (confirm) or False (cancel)."""

    DEFAULT_CSS = """
    ConfirmModal {
        align: center middle;
        background: $background 60%;
    }
    ConfirmModal > #confirm-box {
        width: 64;
        max-width: 95%;
        height: auto;
        max-height: 90%;
        border: thick $warning;
        background: $surface;
        padding: 0 1;
    }
    ConfirmModal #confirm-title {
        width: 1fr;
        text-style: bold;
        margin-bottom: 1;
    }
    ConfirmModal #confirm-message {
        width: 1fr;
        margin-bottom: 1;
    }
    ConfirmModal #confirm-buttons {
        height: auto;
        align-horizontal: right;
    }
    ConfirmModal Button {
        margin-left: 1;
    }
    """

    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel"), tooltip=N_("Close without doing it"), id="confirm.cancel"),
    ]

    def __init__(
        self,
        title: str | Content,
        message: str | Content,
        *,
        confirm: str | None = None,
        cancel: str | None = None,
        focus_confirm: bool = False,
    ) -> None:
        super().__init__()
        self._title = title
        self._message = message
        self._confirm = confirm or _("Yes")
        self._cancel = cancel or _("No")
        self._focus_confirm = focus_confirm

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Label(Content(self._title) if isinstance(self._title, str) else self._title, id="confirm-title", markup=False)
            yield Static(
                Content(self._message) if isinstance(self._message, str) else self._message,
                id="confirm-message",
                markup=False,
            )
            with Horizontal(id="confirm-buttons"):
                yield Button(Content(self._cancel), id="confirm-no", compact=True)
                yield Button(Content(self._confirm), id="confirm-yes", variant="warning", compact=True)

    def on_mount(self) -> None:
        self.query_one("#confirm-yes" if self._focus_confirm else "#confirm-no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm-yes")

    def action_cancel(self) -> None:
        self.dismiss(False)
