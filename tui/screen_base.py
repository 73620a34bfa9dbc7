"""The base of every screen: the shared header and footer, and bindings shown in the current language.

Subclasses implement ``compose_body()`` instead of ``compose()``. Binding descriptions and
tooltips are written with ``N_()`` (class bodies are evaluated once, before a language is
chosen) and translated here, when the Footer, the key panel or the palette read
``active_bindings``.
"""

from __future__ import annotations

from dataclasses import replace

from textual.app import ComposeResult
from textual.binding import ActiveBinding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer
from textual.worker import Worker, WorkerState

from tui.i18n import _
from tui.widgets.support_header import SupportHeader


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
