"""The base of every screen: the shared header and footer, and bindings shown in the current language.

Subclasses implement ``compose_body()`` instead of ``compose()``. Binding descriptions and
tooltips are written with ``N_()`` (class bodies are evaluated once, before a language is
chosen) and translated here, when the footer, the help screen or the palette read
``active_bindings`` (the footer reads ``footer_bindings``: its short labels).

Escape, the same on every screen (tui/app.py binds it before anything else): an open drop-down
closes itself; then, on a screen with a main widget (``MAIN_WIDGET``: the queue's table, a list),
a field that has the focus gives it back to that widget (``field_to_leave``); then a dialog
closes, then the screen goes back (the screens' own Escape bindings). A part of the screen that
closes with Escape itself (``PANELS``: the thread's composer) is left to the screen. A choice
made in a ``FilterPick`` gives the focus back to the main widget too.
"""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar, TypeVar

from textual.app import ComposeResult
from textual.binding import ActiveBinding
from textual.content import Content
from textual.css.query import NoMatches
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Label
from textual.worker import Worker, WorkerState

from helpdesk.data.core.errors import HelpdeskError
from helpdesk.tui.errors import describe
from helpdesk.tui.i18n import N_, _
from helpdesk.tui.keys import footer_label
from helpdesk.tui.widgets.filter_pick import FilterPick
from helpdesk.tui.widgets.key_footer import KeyFooter
from helpdesk.tui.widgets.support_header import SupportHeader

LEAVE_FIELD = "leave_field"  # the App's Escape out of a field (its label is the screen's MAIN_WIDGET_LABEL)

# Textual's own bindings that reach the footer, marked so the catalog words them too (a Select's
# open list: "Dismiss menu").
TEXTUAL_WORDS = (N_("Dismiss menu"),)


def translated_binding(active: ActiveBinding, *, short: bool = False, description: str | None = None) -> ActiveBinding:
    """The same binding with its description and tooltip in the current language.

    ``short``: the footer's label (tui.keys.footer_label); ``description``: this label instead."""
    binding = active.binding
    if description is None and binding.description:
        description = footer_label(binding.description) if short else _(binding.description)
    description = description if description is not None else binding.description
    tooltip = _(binding.tooltip) if binding.tooltip else binding.tooltip
    if description == binding.description and tooltip == binding.tooltip:
        return active
    shown_tooltip = _(active.tooltip) if active.tooltip else active.tooltip
    return active._replace(binding=replace(binding, description=description, tooltip=tooltip), tooltip=shown_tooltip)


class BaseScreen(Screen):
    """A screen with the SupportHeader on top, the footer below, and translated bindings."""

    HELP_TITLE: ClassVar[str] = N_("This screen")
    """The screen's name at the top of its help (marked with N_)."""

    MAIN_WIDGET: ClassVar[str | None] = None
    """A selector of the widget Escape brings the focus back to from a field (None: a form, no such widget)."""

    MAIN_WIDGET_LABEL: ClassVar[str] = N_("Back to the list")
    """What that Escape is called in the footer and the help (marked with N_)."""

    PANELS: ClassVar[tuple[str, ...]] = ()
    """Selectors of parts that the screen's own Escape closes (the focus inside them is left alone)."""

    def compose(self) -> ComposeResult:
        yield SupportHeader()
        yield from self.compose_body()
        yield KeyFooter(id="footer")

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
        return {key: self._translated(active) for key, active in super().active_bindings.items()}

    def footer_bindings(self) -> dict[str, ActiveBinding]:
        """``active_bindings`` with the footer's short labels."""
        return {key: self._translated(active, short=True) for key, active in super().active_bindings.items()}

    def _translated(self, active: ActiveBinding, short: bool = False) -> ActiveBinding:
        if active.binding.action == LEAVE_FIELD:
            label = footer_label(self.MAIN_WIDGET_LABEL) if short else _(self.MAIN_WIDGET_LABEL)
            return translated_binding(active, description=label)
        return translated_binding(active, short=short)

    # --- Escape and the main widget -----------------------------------------------------

    @property
    def main_widget(self) -> Widget | None:
        if self.MAIN_WIDGET is None:
            return None
        try:
            return self.query_one(self.MAIN_WIDGET)
        except NoMatches:
            return None

    def field_to_leave(self) -> Widget | None:
        """The main widget, when Escape should bring the focus back to it from where it is now.

        None when there is no main widget, nothing has the focus, the focus is in the main widget,
        or in something that handles Escape itself (an open drop-down, a panel of ``PANELS``)."""
        main = self.main_widget
        focused = self.focused
        if main is None or focused is None or not main.focusable:
            return None
        if focused is main or main in focused.ancestors:
            return None
        panels = [panel for selector in self.PANELS for panel in self.query(selector)]
        for node in (focused, *focused.ancestors):
            if node is self:
                break
            if node in panels or "escape" in node._bindings.key_to_bindings:
                return None
        return main

    def focus_main(self) -> None:
        """Give the focus back to the main widget (if the screen has one)."""
        main = self.main_widget
        if main is not None and main.focusable:
            main.focus()

    def on_filter_pick_chosen(self, message: FilterPick.Chosen) -> None:
        """A filter was chosen (the same value again too): back to the list it filters."""
        self.focus_main()


ResultType = TypeVar("ResultType")


class Dialog(ModalScreen[ResultType]):
    """A dialog: a box (the container with class ``dialog-box``) in the middle of the dimmed
    screen. Each dialog sets its box's size; the look is shared here."""

    DEFAULT_CSS = """
    Dialog { align: center middle; background: $background 60%; }
    Dialog > .dialog-box { border: thick $primary; background: $surface; padding: 0 1; }
    """


class WriteModal(Dialog[ResultType]):
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
