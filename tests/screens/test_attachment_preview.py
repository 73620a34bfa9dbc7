"""screens/attachment_preview.py: an attachment's preview, opening it outside the app, saving it."""

from __future__ import annotations

import contextlib
import os
import stat
import struct

import pytest
from textual.widgets import Button, Label, Static

from helpdesk.data.read.attachments import PREVIEW_TEXT_BYTES
from helpdesk.data.read.views import get_thread
from helpdesk.data.tickets import operations as t
from helpdesk.screens.attachment_preview import AttachmentModal
from helpdesk.screens.save_attachment import SaveAttachmentModal
from helpdesk.tui.i18n import set_language
from helpdesk.tui.open_file import Viewers
from tests.pilot import settle, sync
from tests.screens.workflow_helpers import WorkflowApp, push

LOG = "2026-11-25 10:00 ERROR лицензия не найдена \x1b[31m[b]red[/b]\x1b[0m\n" * 3
PNG = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">II", 640, 480) + b"\x08\x02\x00\x00\x00"


def attachments(desk, *files: tuple[str, bytes, str]):
    """A ticket with these (name, bytes, content type) attached: their AttachmentViews."""
    number = t.create_ticket(desk, t.NewTicket(
        subject="Лицензия", body="См. файлы", customer_email="ivan@example.ru", product="Fenix+ 3",
        attachments=[t.AttachmentInput(name, data, ctype) for name, data, ctype in files],
    )).number  # fmt: skip
    return get_thread(number).messages[0].attachments


class Recorder:
    """A fake opener or pager: what it was handed, and the file's bytes then."""

    def __init__(self) -> None:
        self.paths: list = []
        self.contents: list[bytes] = []

    def __call__(self, path) -> None:
        self.paths.append(path)
        self.contents.append(path.read_bytes())


def text(widget) -> str:
    return str(widget.render())


@sync
async def test_text_is_shown_literally_and_paged_with_its_controls_visible(desk, monkeypatch):
    [log] = attachments(desk, ("журнал.log", LOG.encode(), "text/plain"))
    pager = Recorder()
    app = WorkflowApp(desk, viewers=Viewers(pager=pager, pager_name="less"))
    async with app.run_test(size=(80, 24)) as pilot:
        modal = await push(pilot, AttachmentModal(log))
        shown = text(modal.query_one("#attachment-text", Static))
        assert "␛[31m[b]red[/b]␛[0m" in shown and "\x1b" not in shown
        assert text(modal.query_one("#attachment-facts", Label)).startswith("Text, UTF-8 · ")
        assert modal.query_one("#attachment-pager", Button).display
        monkeypatch.setattr(app, "suspend", contextlib.nullcontext)  # a headless app cannot hand its terminal over
        await pilot.press("v")
        await settle(pilot, 2)
        [paged] = pager.paths
        assert b"\x1b" not in pager.contents[0] and "␛[31m".encode() in pager.contents[0]
        assert stat.S_IMODE(paged.parent.stat().st_mode) == 0o700 and stat.S_IMODE(paged.stat().st_mode) == 0o600
    assert not paged.parent.exists()  # the private folder goes with the app


@sync
async def test_a_headless_terminal_and_a_missing_pager_are_said(desk):
    [log] = attachments(desk, ("журнал.log", b"text", "text/plain"))
    app = WorkflowApp(desk, viewers=Viewers(pager=Recorder(), pager_name="less"))
    async with app.run_test(size=(80, 24)) as pilot:
        modal = await push(pilot, AttachmentModal(log))
        await pilot.press("v")
        await settle(pilot, 2)
        assert "cannot be handed to a pager" in text(modal.query_one("#attachment-status", Static))
    app = WorkflowApp(desk)  # no viewers at all
    async with app.run_test(size=(80, 24)) as pilot:
        modal = await push(pilot, AttachmentModal(log))
        await pilot.press("v")
        assert "No pager was found" in text(modal.query_one("#attachment-status", Static))
        await pilot.press("o")
        assert "No program to open files was found" in text(modal.query_one("#attachment-status", Static))
        assert modal.query_one("#attachment-open", Button).disabled


@sync
async def test_a_long_text_is_cut(desk):
    [log] = attachments(desk, ("big.txt", b"x" * (PREVIEW_TEXT_BYTES + 10), "text/plain"))
    app = WorkflowApp(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        modal = await push(pilot, AttachmentModal(log))
        assert "[… cut at 256 KB: v shows the whole text in the pager]" in text(modal.query_one("#attachment-text", Static))


@sync
async def test_an_image_is_described_and_opened_under_a_safe_name(desk):
    [image] = attachments(desk, ("../../etc/\u202eexe.png", PNG, "image/png"))
    opener = Recorder()
    app = WorkflowApp(desk, viewers=Viewers(opener=opener, opener_name="xdg-open"))
    async with app.run_test(size=(80, 24)) as pilot:
        modal = await push(pilot, AttachmentModal(image))
        assert text(modal.query_one("#attachment-facts", Label)).startswith("PNG image, 640 × 480 pixels · ")
        assert "o opens it with xdg-open, s saves it." in text(modal.query_one("#attachment-text", Static))
        assert not modal.query_one("#attachment-pager", Button).display and modal.check_action("page", ()) is False
        await pilot.press("o")
        await settle(pilot, 2)
        [opened] = opener.paths
        assert opened.name == "exe.png" and opener.contents == [PNG]
        assert "Handed to xdg-open" in text(modal.query_one("#attachment-status", Static))


@sync
async def test_an_opener_that_fails_is_said(desk):
    [other] = attachments(desk, ("отчёт.pdf", b"%PDF-1.4", "application/pdf"))

    def broken(path) -> None:
        raise FileNotFoundError(2, "No such file or directory", "xdg-open")

    app = WorkflowApp(desk, viewers=Viewers(opener=broken, opener_name="xdg-open"))
    async with app.run_test(size=(80, 24)) as pilot:
        modal = await push(pilot, AttachmentModal(other))
        assert text(modal.query_one("#attachment-facts", Label)).endswith("application/pdf")
        assert "No preview of this type." in text(modal.query_one("#attachment-text", Static))
        await pilot.press("o")
        await settle(pilot, 2)
        assert text(modal.query_one("#attachment-status", Static)).startswith("Could not open it: ")
        assert app.screen is modal


@sync
async def test_s_saves_and_closes_with_the_path(desk, tmp_path):
    tmp_path = tmp_path / "downloads"
    tmp_path.mkdir()
    [log] = attachments(desk, ("журнал.log", b"log", "text/plain"))
    results: list = []
    app = WorkflowApp(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await push(pilot, AttachmentModal(log), results)
        await pilot.press("s")
        await settle(pilot)
        save = app.screen
        assert isinstance(save, SaveAttachmentModal)
        save.query_one("#save-directory").value = str(tmp_path)
        await pilot.press("enter")
        await settle(pilot, 2)
    assert results == [tmp_path / "журнал.log"] and (tmp_path / "журнал.log").read_bytes() == b"log"
    assert os.listdir(tmp_path) == ["журнал.log"]


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_snapshot_text(desk, snap_compare, lang):
    [log] = attachments(desk, ("журнал.log", LOG.encode() * 10, "text/plain"))
    set_language(lang)

    async def run_before(pilot) -> None:
        await push(pilot, AttachmentModal(log))

    app = WorkflowApp(desk, viewers=Viewers(pager=Recorder(), pager_name="less"))
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_snapshot_image_without_an_opener(desk, snap_compare, lang):
    [image] = attachments(desk, ("screen.png", PNG, "image/png"))
    set_language(lang)

    async def run_before(pilot) -> None:
        await push(pilot, AttachmentModal(image))
        await pilot.press("o")

    assert snap_compare(WorkflowApp(desk), terminal_size=(80, 24), run_before=run_before)
