"""tui/widgets/attachment_field.py: each path checked as it is added, the list, removing a file."""

from __future__ import annotations

from textual.app import App
from textual.widgets import Input

from helpdesk.data.core.values import Limits
from helpdesk.tui.widgets.attachment_field import AttachmentField, AttachmentList
from helpdesk.tui.widgets.field_error import FieldError
from tests.pilot import settle, sync


class _Host(App):
    def compose(self):
        yield AttachmentField(Limits().attachment_bytes)


def error_text(app) -> str | None:
    error = app.query_one("#error-attachments", FieldError)
    return str(error.render()) if error.display else None


@sync
async def test_paths_are_checked_listed_and_removed(tmp_path):
    log = tmp_path / "log.txt"
    log.write_bytes(b"12345")
    app = _Host()
    async with app.run_test(size=(80, 12)) as pilot:
        field = app.query_one(AttachmentField)
        path = app.query_one("#attachment-path", Input)
        listing = app.query_one(AttachmentList)
        assert not listing.display and error_text(app) is None
        path.focus()
        await pilot.press("enter")
        assert error_text(app) == "Type the path of a file, then press Enter."
        path.value = str(tmp_path / "missing.txt")
        await pilot.press("enter")
        await settle(pilot)
        assert error_text(app) == f"No such file: {tmp_path / 'missing.txt'}"
        path.value = str(log)
        await pilot.press("enter")
        await settle(pilot)
        assert error_text(app) is None and path.value == ""
        assert [(f.name, f.size) for f in field.files] == [("log.txt", 5)]
        assert listing.display and listing.border_title == "1 file · Delete removes"
        assert "log.txt  5 B" in str(listing.get_option_at_index(0).prompt)
        path.value = str(log)
        await pilot.press("enter")
        assert error_text(app) == "This file is already in the list."
        path.value = ""
        listing.focus()
        await pilot.press("delete")
        await pilot.pause()
        assert field.files == [] and not listing.display
        assert app.focused is path  # nothing left to remove: back to the path
