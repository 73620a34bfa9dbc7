"""A form field's inline error line: hidden until there is a problem, then shown under the field.

The text may quote what the agent typed or a stored value, so it is shown as text, never as markup.
"""

from __future__ import annotations

from textual.widgets import Label

from helpdesk.tui.text import literal


class FieldError(Label):
    """Styled by the form through the ``field-error`` class; ``id`` is ``error-<field>`` by convention."""

    def __init__(self, *, id: str, classes: str = "") -> None:
        super().__init__(id=id, classes=f"field-error {classes}".strip(), markup=False)
        self.display = False

    def show(self, text: str) -> None:
        self.update(literal(text))
        self.display = True

    def clear(self) -> None:
        self.display = False
