"""The base of every screen: the shared header and footer, and bindings shown in the current language.

Subclasses implement ``compose_body()`` instead of ``compose()``. Binding descriptions and
tooltips are written with ``N_()`` (class bodies are evaluated once, before a language is
chosen) and translated here, when the Footer, the key panel or the palette read
``active_bindings``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar, TypeVar

from textual.app import ComposeResult
from textual.binding import ActiveBinding
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Label
from textual.worker import Worker, WorkerState

from helpdesk.data.core.errors import HelpdeskError
from helpdesk.tui.errors import describe
from helpdesk.tui.i18n import N_, _
from helpdesk.tui.widgets.support_header import SupportHeader


# Textual's own bindings that reach the footer, marked so the catalog words them too (a Select's
# open list: "Dismiss menu").
TEXTUAL_WORDS = (N_("Dismiss menu"),)


def translated_binding(active: ActiveBinding) -> ActiveBinding:
    """The same binding with its description and tooltip in the current language."""
    binding = active.binding
    description = _(binding.description) if binding.description else binding.description
    tooltip = _(binding.tooltip) if binding.tooltip else binding.tooltip
    if description == binding.description and tooltip == binding.tooltip:
        return active
    shown_tooltip = _(active.tooltip) if active.tooltip else active.tooltip
    return active._replace(binding=replace(binding, description=description, tooltip=tooltip), tooltip=shown_tooltip)


class BaseScreen(Screen):
    """A screen with the SupportHeader on top, the Footer below, and translated bindings."""

    def compose(self) -> ComposeResult:
        yield SupportHeader()
        yield from self.compose_body()
        yield Footer(id="footer")

    def compose_body(self) -> ComposeResult:
        """The screen's own widgets, between the header and the footer."""
        return iter(())

    @property
    def header(self) -> SupportHeader:
        return self.query_one(SupportHeader)

    def set_facts(self, facts: Content | None) -> None:
        """Set the header's second line (build untrusted parts with tui.text.literal)."""
        self.header.facts = facts

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A failed worker of this screen becomes the App's one kind of error notice."""
        if event.state == WorkerState.ERROR and hasattr(self.app, "worker_failed"):
            self.app.worker_failed(event.worker)

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        return {key: translated_binding(active) for key, active in super().active_bindings.items()}


ResultType = TypeVar("ResultType")


class WriteModal(ModalScreen[ResultType]):
    """A modal that makes one write in a thread worker (merge, split, reject out of scope).

    While the write runs the modal is busy (``_busy``: a second request and Escape are ignored).
    The worker ends by posting ``self.Done(value)``, which dismisses the modal with that value,
    or ``self.Done(None, error)``, which shows the refusal in the Label ``ERROR_LABEL`` and keeps
    the modal open. Subclasses set ``ERROR_LABEL`` and ``_busy = True`` when they start the worker.
    """

    ERROR_LABEL: ClassVar[str] = ""

    class Done(Message):
        """The write is over: ``value`` to dismiss with, or the ``error`` that refused it."""

        def __init__(self, value: object, error: HelpdeskError | None = None) -> None:
            super().__init__()
            self.value = value
            self.error = error

    def __init__(self) -> None:
        super().__init__()
        self._busy = False

    def on_write_modal_done(self, message: Done) -> None:
        self._busy = False
        if message.error is not None:
            self.query_one(self.ERROR_LABEL, Label).update(Content(describe(message.error, self.app.desk.regulation)))
            return
        self.dismiss(message.value)

    def action_cancel(self) -> None:
        if not self._busy:
            self.dismiss(None)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """An unexpected failure in a worker: tell the App (a modal is no BaseScreen) and unblock."""
        if event.state == WorkerState.ERROR:
            self._busy = False
            failed = getattr(self.app, "worker_failed", None)
            if failed is not None:
                failed(event.worker)
