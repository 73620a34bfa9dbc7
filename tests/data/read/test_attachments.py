"""data/read/attachments.py: saving stored attachments safely, checking files to attach."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

from helpdesk.data.core.errors import Code
from helpdesk.data.read import attachments as at
from helpdesk.data.core.values import AttachmentInput, Limits, NewTicket
from helpdesk.data.tickets.operations import create_ticket
from helpdesk.data.read.views import get_thread
from tests.unprivileged import as_unprivileged, open_folder  # noqa: F401 (open_folder: a fixture)



def problem_as_unprivileged(action) -> tuple[str, str] | None:
    """(code, path) of the FileProblem ``action()`` raises for an unprivileged user, or None."""

    def run() -> list[str] | None:
        try:
            action()
        except at.FileProblem as problem:
            return [str(problem.code), problem.params["path"]]
        return None

    found = as_unprivileged(run)
    return tuple(found) if found else None


def _ticket_with(desk, *files: tuple[str, bytes]) -> list[int]:
    ticket = create_ticket(
        desk,
        NewTicket(
            subject="Файлы",
            body="см. вложения",
            customer_email="ivan@example.ru",
            product="Fenix+ 3",
            attachments=[AttachmentInput(name, data) for name, data in files],
        ),
    )
    return [a.id for a in get_thread(ticket.number).messages[0].attachments]


# --- safe_filename ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "safe"),
    [
        ("проект_объекта.fpp", "проект_объекта.fpp"),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\Windows\\evil.exe", "evil.exe"),
        ("/etc/shadow", "shadow"),
        ("..", "attachment"),
        (".", "attachment"),
        ("", "attachment"),
        (None, "attachment"),
        ("   ", "attachment"),
        ("a\x00b.txt", "ab.txt"),
        ("x\x1b]52;c;aGk=\x07.txt", "x]52;c;aGk=.txt"),
        ("report\u202etxt.exe", "reporttxt.exe"),
        (".bashrc", "bashrc"),
        ("CON", "_CON"),
        ("con.txt", "_con.txt"),
        ("Lpt1.log", "_Lpt1.log"),
        ("nul.tar.gz", "_nul.tar.gz"),
        ('a<b>c:d"e|f?g*h.txt', "a_b_c_d_e_f_g_h.txt"),
        ("trailing. . ", "trailing"),
        ("console.txt", "console.txt"),
    ],
)
def test_safe_filename(sent, safe):
    assert at.safe_filename(sent) == safe


def test_safe_filename_shortens_long_names_keeping_the_extension():
    name = at.safe_filename("д" * 300 + ".pdf")
    assert name.endswith(".pdf")
    assert len(name.encode("utf-8")) <= at.MAX_NAME_BYTES
    assert name.startswith("дд")


@settings(max_examples=300, deadline=None)
@given(hs.text())
def test_safe_filename_is_always_one_plain_name(sent):
    name = at.safe_filename(sent)
    assert name and name not in (".", "..")
    assert "/" not in name and "\\" not in name and "\x00" not in name
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in name)
    assert not name.startswith(".")
    assert len(name.encode("utf-8")) <= at.MAX_NAME_BYTES + 1  # "_" may prefix a reserved name


# --- save_attachment --------------------------------------------------------------------


def test_save_writes_the_content_under_the_senders_name(desk, tmp_path):
    (aid,) = _ticket_with(desk, ("проект_объекта.fpp", b"\x00FPP project"))
    path = at.save_attachment(aid, tmp_path)
    assert path == tmp_path.resolve() / "проект_объекта.fpp"
    assert path.read_bytes() == b"\x00FPP project"
    assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0  # customers' files: owner only


def test_save_never_overwrites(desk, tmp_path):
    (aid,) = _ticket_with(desk, ("report.pdf", b"new"))
    (tmp_path / "report.pdf").write_bytes(b"old")
    (tmp_path / "report (1).pdf").write_bytes(b"older")
    path = at.save_attachment(aid, tmp_path)
    assert path.name == "report (2).pdf"
    assert path.read_bytes() == b"new"
    assert (tmp_path / "report.pdf").read_bytes() == b"old"
    assert (tmp_path / "report (1).pdf").read_bytes() == b"older"


def test_save_numbers_a_name_without_extension(desk, tmp_path):
    (aid,) = _ticket_with(desk, ("README", b"x"))
    (tmp_path / "README").write_bytes(b"y")
    assert at.save_attachment(aid, tmp_path).name == "README (1)"


def test_save_keeps_a_hostile_name_inside_the_directory(desk, tmp_path):
    target = tmp_path / "downloads"
    target.mkdir()
    (aid,) = _ticket_with(desk, ("../../escape.sh", b"#!/bin/sh"))
    path = at.save_attachment(aid, target)
    assert path.parent == target.resolve()
    assert path.name == "escape.sh"
    assert not (tmp_path / "escape.sh").exists()


def test_save_does_not_follow_a_planted_symlink(desk, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    target = tmp_path / "downloads"
    target.mkdir()
    os.symlink(victim, target / "note.txt")
    (aid,) = _ticket_with(desk, ("note.txt", b"attack"))
    path = at.save_attachment(aid, target)
    assert path.name == "note (1).txt"
    assert victim.read_text() == "keep me"


def test_save_refuses_when_every_variant_exists(desk, tmp_path, monkeypatch):
    monkeypatch.setattr(at, "MAX_VARIANTS", 2)
    (aid,) = _ticket_with(desk, ("a.txt", b"x"))
    target = tmp_path / "out"
    target.mkdir()
    for name in ("a.txt", "a (1).txt", "a (2).txt"):
        (target / name).write_text("old")
    with pytest.raises(at.FileProblem) as caught:
        at.save_attachment(aid, target)
    assert (caught.value.code, caught.value.params) == (Code.DIRECTORY_NAME_EXHAUSTED, {"path": str(target.resolve() / "a.txt")})
    assert sorted(p.name for p in target.iterdir()) == ["a (1).txt", "a (2).txt", "a.txt"]


@pytest.mark.parametrize("kind", ["missing", "file", "empty"])
def test_save_names_a_bad_directory(desk, tmp_path, kind):
    (aid,) = _ticket_with(desk, ("a.txt", b"x"))
    if kind == "missing":
        directory, code = tmp_path / "nope", Code.DIRECTORY_MISSING
    elif kind == "file":
        directory, code = tmp_path / "f", Code.DIRECTORY_NOT_DIRECTORY
        directory.write_text("")
    else:
        directory, code = "  ", Code.DIRECTORY_PATH_EMPTY
    with pytest.raises(at.FileProblem) as caught:
        at.save_attachment(aid, directory)
    assert caught.value.field == "directory"
    assert (caught.value.code, caught.value.params) == (code, {"path": str(directory).strip()})


def test_save_names_an_unwritable_directory(open_folder):
    locked = open_folder / "locked"
    locked.mkdir(mode=0o500)
    found = problem_as_unprivileged(lambda: at.write_new_file(locked, "a.txt", b"x"))
    assert found == (Code.DIRECTORY_UNWRITABLE, str(locked))


def test_save_expands_the_home_directory(desk, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    (aid,) = _ticket_with(desk, ("a.txt", b"x"))
    assert at.save_attachment(aid, "~").parent == tmp_path.resolve()


# --- read_attachment_file ---------------------------------------------------------------

LIMIT = Limits().attachment_bytes


def test_read_gives_name_and_size(tmp_path):
    file = tmp_path / "журнал.log"
    file.write_bytes(b"12345")
    assert at.read_attachment_file(f"  {file}  ", LIMIT) == ("журнал.log", 5)


def test_read_accepts_an_empty_file(tmp_path):
    file = tmp_path / "empty.txt"
    file.write_bytes(b"")
    assert at.read_attachment_file(file, LIMIT) == ("empty.txt", 0)


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda d: "", Code.ATTACHMENT_PATH_EMPTY),
        (lambda d: d / "missing.txt", Code.ATTACHMENT_MISSING),
        (lambda d: d, Code.ATTACHMENT_IS_DIRECTORY),
    ],
)
def test_read_refuses(tmp_path, make, code):
    path = make(tmp_path)
    with pytest.raises(at.FileProblem) as caught:
        at.read_attachment_file(path, LIMIT)
    assert caught.value.field == "attachment"
    assert (caught.value.code, caught.value.params) == (code, {"path": str(path)})


def test_read_refuses_a_fifo(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(at.FileProblem) as caught:
        at.read_attachment_file(fifo, LIMIT)
    assert (caught.value.code, caught.value.params) == (Code.ATTACHMENT_NOT_REGULAR, {"path": str(fifo)})


def test_read_refuses_an_unreadable_file(open_folder):
    file = open_folder / "secret"
    file.write_text("x")
    file.chmod(0)
    assert problem_as_unprivileged(lambda: at.read_attachment_file(file, LIMIT)) == (Code.ATTACHMENT_UNREADABLE, str(file))


def test_read_refuses_a_file_over_the_limit(tmp_path):
    file = tmp_path / "big.bin"
    file.write_bytes(b"12345")
    assert at.read_attachment_file(file, 5) == ("big.bin", 5)
    with pytest.raises(at.FileProblem) as caught:
        at.read_attachment_file(file, 4)
    assert (caught.value.code, caught.value.params) == (Code.ATTACHMENT_TOO_LARGE, {"path": str(file), "max_bytes": 4})


def test_load_gives_the_content(tmp_path):
    file = tmp_path / "a.bin"
    file.write_bytes(b"\x00\x01")
    item = at.load_attachment_file(str(file), LIMIT)
    assert (item.filename, item.data) == ("a.bin", b"\x00\x01")


# --- preview --------------------------------------------------------------------------------

PNG_HEAD = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x02\x80\x00\x00\x01\xe0\x08\x02\x00\x00\x00"
GIF_HEAD = b"GIF89a\x10\x00\x20\x00\x80\x00\x00"
# A JPEG: SOI, an APP0 segment, then SOF0 with height 480 and width 640.
JPEG_HEAD = (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
             b"\xff\xc0\x00\x11\x08\x01\xe0\x02\x80\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01")  # fmt: skip


@pytest.mark.parametrize(
    "data, expected",
    [
        (PNG_HEAD, at.ImageInfo("PNG", 640, 480)),
        (GIF_HEAD, at.ImageInfo("GIF", 16, 32)),
        (JPEG_HEAD, at.ImageInfo("JPEG", 640, 480)),
        (PNG_HEAD[:20], None),  # cut short
        (b"\xff\xd8\xff\xe0\x00", None),
        (b"\xff\xd8\xff\xe0\x00\x01", None),  # a length below its own two bytes
        (b"\xff\xd8\x00\x00", None),
        (b"%PDF-1.4", None),
        (b"", None),
    ],
)
def test_image_info_reads_the_header_only(data, expected):
    assert at.image_info(data) == expected


@given(hs.binary(max_size=200))
@settings(max_examples=300)
def test_image_info_never_fails_on_any_bytes(data):
    for prefix in (b"", b"\xff\xd8", b"\x89PNG\r\n\x1a\n", b"GIF89a"):
        info = at.image_info(prefix + data)
        assert info is None or (info.width >= 0 and info.height >= 0)


@pytest.mark.parametrize(
    "data, text, encoding",
    [
        ("Журнал ошибок".encode(), "Журнал ошибок", "UTF-8"),
        ("\ufeffс BOM".encode(), "с BOM", "UTF-8"),
        ("Журнал".encode("utf-16"), "Журнал", "UTF-16"),
        ("Журнал".encode("cp1251"), "Журнал", "Windows-1251"),
        ("Журнал".encode()[:-1], "Журна", "UTF-8"),  # cut inside the last character
    ],
)
def test_decode_text(data, text, encoding):
    assert at.decode_text(data) == (text, encoding)


def test_preview_kinds(desk):
    text_id, png_id, pdf_id, named_id, odd_id = _ticket_with(
        desk, ("журнал.log", "строка\n".encode() * 10), ("screen.png", PNG_HEAD), ("отчёт.pdf", b"%PDF-1.4"),
        ("notes.txt", b"plain"), ("blob.bin", b"\x00\x01"),
    )  # fmt: skip
    text = at.preview_attachment(text_id, max_text_bytes=20)
    assert (text.kind, text.text, text.truncated, text.encoding) == ("text", "строка\nстр", True, "UTF-8")
    image = at.preview_attachment(png_id)
    assert (image.kind, image.image, image.text) == ("image", at.ImageInfo("PNG", 640, 480), None)
    assert at.preview_attachment(pdf_id).kind == "other"
    assert at.preview_attachment(named_id).kind == "text"  # no type given: the name and the bytes say text
    assert at.preview_attachment(odd_id).kind == "other"
    assert at.attachment_text(text_id) == "строка\n" * 10


def test_private_copies_are_owner_only_under_a_safe_name(desk, tmp_path):
    (aid,) = _ticket_with(desk, ("../../.bashrc", b"payload"))
    folder = tmp_path / "private"
    folder.mkdir(mode=0o700)
    path = at.private_copy(aid, folder)
    assert path.parent == folder.resolve() and path.name == "bashrc" and path.read_bytes() == b"payload"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = at.write_private_text(folder, "x\x1b.txt", "␛ visible")
    assert text.name == "x.txt" and text.read_text(encoding="utf-8") == "␛ visible"
