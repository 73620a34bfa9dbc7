"""A Select that filters a list: every choice (the same value again too) says so with ``Chosen``.

Textual's Select posts ``Changed`` only when the value changes, and keeps the focus after a
choice, so after choosing a filter Enter would open the drop-down again instead of acting on the
list. The screen (tui.screen_base.BaseScreen) answers ``Chosen`` by giving the focus back to its
main widget. Escape in an open drop-down closes only the drop-down (no ``Chosen``).
"""

from __future__ import annotations

from textual import on
from textual.message import Message
from textual.widgets import Select
from textual.widgets._select import SelectOverlay


class FilterSelect(Select):
    """A drop-down filter of a list."""

    class Chosen(Message):
        """A value was chosen in the drop-down (after ``Changed``, if it changed)."""

        def __init__(self, select: FilterSelect) -> None:
            super().__init__()
            self.select = select

        @property
        def control(self) -> FilterSelect:
            return self.select

    @on(SelectOverlay.UpdateSelection)
    def _chosen(self, event: SelectOverlay.UpdateSelection) -> None:
        # Runs before Select's own handler, which sets the value and takes the focus back:
        # Chosen goes out after that, so the screen's answer comes last.
        self.call_after_refresh(self.post_message, self.Chosen(self))
