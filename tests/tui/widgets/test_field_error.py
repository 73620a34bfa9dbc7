"""tui/widgets/field_error.py: hidden until shown, and the text shown as text."""

from __future__ import annotations

from textual.app import App

from helpdesk.tui.widgets.field_error import FieldError
from tests.pilot import sync


class _Host(App):
    def compose(self):
        yield FieldError(id="error-subject", classes="-below")


@sync
async def test_hidden_until_shown_and_never_markup():
    app = _Host()
    async with app.run_test(size=(60, 6)) as pilot:
        error = app.query_one(FieldError)
        assert not error.display and error.has_class("field-error", "-below")
        error.show("Required: [b]subject[/b]")
        await pilot.pause()
        assert error.display and str(error.render()) == "Required: [b]subject[/b]"
        error.clear()
        await pilot.pause()
        assert not error.display
