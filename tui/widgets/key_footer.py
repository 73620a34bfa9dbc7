"""The footer of every screen: the screen's chosen keys that fit, then Help and the palette on the right.

Textual's Footer lays its keys out in one row and cuts whatever passes the edge (a Russian label
in half at 80 columns). This one measures: the keys the screen shows (``show=True``, in their
order) go in while they fit whole, and from the first that does not fit on they are left out (they are in the help screen and
the palette); the help key (``?``, or F1 while a field takes ``?``) and the palette key stay
on the right at any width. It measures again when its width or the screen's keys change.

Labels come from the screen's ``footer_bindings`` (tui.screen_base.BaseScreen: the short
footer labels of the catalog) when it has them.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

HELP_ACTION = "help"


def key_width(key_display: str, description: str, compact: bool = True) -> int:
    """Cells a FooterKey takes: compact "key label" and a margin of 1; else " key label "."""
    if compact:
        return cell_len(key_display) + (1 + cell_len(description) if description else 0) + 1
    return cell_len(key_display) + 2 + (cell_len(description) + 1 if description else 0)


class FooterGap(Widget):
    """The room between the screen's keys and the pinned ones."""

    def render(self) -> str:
        return ""


class KeyFooter(Footer):
    """A Footer whose keys never pass its edge (compact unless told otherwise: more keys fit)."""

    DEFAULT_CSS = """
    KeyFooter FooterGap {
        width: 1fr;
        height: 1;
    }
    KeyFooter FooterKey.-pinned {
        border-left: vkey $foreground 20%;
        padding-left: 1;
    }
    """

    def __init__(self, *, compact: bool = True, **kwargs) -> None:
        super().__init__(compact=compact, **kwargs)
        self._composed_width = 0
        self.keys_shown: list[FooterKey] = []  # the keys of the last compose, pinned ones included

    def _footer_bindings(self) -> list[tuple[Binding, bool, str]]:
        screen = self.screen
        active = getattr(screen, "footer_bindings", None)
        bindings = active() if callable(active) else screen.active_bindings
        return [(b.binding, b.enabled, b.tooltip) for b in bindings.values()]

    def compose(self) -> ComposeResult:
        self.keys_shown = []
        if not self._bindings_ready:
            return
        width = self.size.width or self.screen.size.width or self.app.size.width
        self._composed_width = width
        bindings = self._footer_bindings()
        pinned: list[tuple[Binding, bool, str]] = []
        help_binding = next((entry for entry in bindings if entry[0].action == HELP_ACTION), None)
        if help_binding is not None:
            pinned.append(help_binding)
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            palette = next((entry for entry in bindings if entry[0].key == self.app.COMMAND_PALETTE_BINDING), None)
            if palette is not None:
                pinned.append(palette)
        room = width - (3 if pinned else 0)  # the gap (1 at least), the border and the space before the pinned keys
        for binding, _, _ in pinned:
            room -= key_width(self.app.get_key_display(binding), binding.description, self.compact)
        pinned_actions = {binding.action for binding, _, _ in pinned}
        actions: set[str] = set()
        for binding, enabled, tooltip in bindings:
            if not binding.show or binding.action in actions or binding.action in pinned_actions:
                continue
            actions.add(binding.action)
            display = self.app.get_key_display(binding)
            needed = key_width(display, binding.description, self.compact)
            if needed > room:
                break  # this one and the rest are left out whole, never cut: the first keys matter most
            room -= needed
            yield self._key(binding, display, enabled, tooltip)
        if pinned:
            yield FooterGap()
            for index, (binding, enabled, tooltip) in enumerate(pinned):
                yield self._key(binding, self.app.get_key_display(binding), enabled, tooltip, "-pinned" if index == 0 else "")

    def _key(self, binding: Binding, display: str, enabled: bool, tooltip: str, classes: str = "") -> FooterKey:
        key = FooterKey(binding.key, display, binding.description, binding.action, disabled=not enabled,
                        tooltip=tooltip or binding.description, classes=classes)
        self.keys_shown.append(key)
        return key.data_bind(compact=Footer.compact)

    def on_resize(self, event: events.Resize) -> None:
        if self._bindings_ready and event.size.width != self._composed_width:
            self.call_after_refresh(self.recompose)
