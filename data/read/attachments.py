"""Attachments: a preview of a stored one, saving it safely, checking a file an agent wants to attach.

A preview (:func:`preview_attachment`) says what a file is without running anything: text is
decoded (UTF-8, UTF-16 with a byte order mark, else Windows-1251, the Russian mail default) and cut
at PREVIEW_TEXT_BYTES; a PNG, JPEG or GIF image gets its pixel size read from its header (nothing
is rendered); anything else only its type and size. The TUI shows the text literally.

A file name comes from the sender and may hold anything: path separators, ``..``, NUL, control
characters, names Windows reserves, a leading dot. ``safe_filename`` turns it into a plain name
that stays inside the chosen directory, and ``save_attachment`` never overwrites: it picks
"name (1).ext", "name (2).ext", ... and creates the file exclusively (no race, no symlink
followed).
"""

from __future__ import annotations

import os
import re
import stat
import struct
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from helpdesk.data.core.errors import Code, ValidationError
from helpdesk.data.core.values import AttachmentInput
from helpdesk.data.read.views import AttachmentView, attachment_content

# File names longer than this (in UTF-8 bytes) are shortened, keeping the extension.
MAX_NAME_BYTES = 200
# How many "name (n).ext" variants to try before giving up.
MAX_VARIANTS = 999
FALLBACK_NAME = "attachment"

# Control characters, and the bidirectional overrides that make "exe.pdf" read as "fdp.exe".
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Characters Windows refuses in names (the files may be copied there), and the separators.
_FORBIDDEN = re.compile(r'[<>:"/\\|?*]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"} | {
    f"{kind}{n}" for kind in ("COM", "LPT") for n in [*"123456789", "¹", "²", "³"]
}


class FileProblem(ValidationError):
    """A file (field "attachment") or directory (field "directory") the agent named cannot be used."""

    def __init__(self, field: str, code: Code, path: str | os.PathLike, /, **params: object):
        super().__init__(field, code, path=str(path), **params)


def safe_filename(name: str | None) -> str:
    """A name that is one plain file name inside a directory, whatever the sender wrote."""
    name = unicodedata.normalize("NFC", name or "")
    # Only the last path part counts, with either separator.
    name = re.split(r"[/\\]", name)[-1]
    name = _CONTROL.sub("", name)
    name = _FORBIDDEN.sub("_", name)
    # No hidden files, no "." or "..", no trailing dots or spaces (Windows drops them).
    name = name.strip(" .\t")
    if not name:
        return FALLBACK_NAME
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    if stem.split(".")[0].strip().upper() in _RESERVED:
        name = "_" + name
        stem = "_" + stem
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        suffix = f".{ext}" if dot and len(ext.encode("utf-8")) <= 16 else ""
        stem = stem if suffix else name
        budget = MAX_NAME_BYTES - len(suffix.encode("utf-8"))
        stem = stem.encode("utf-8")[:budget].decode("utf-8", "ignore").rstrip(" .")
        name = (stem or FALLBACK_NAME) + suffix
    return name


def _variant(name: str, n: int) -> str:
    """"report.pdf" -> "report (n).pdf"; "README" -> "README (n)"."""
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        return f"{name} ({n})"
    return f"{stem} ({n}).{ext}"


def _directory(directory: str | os.PathLike) -> Path:
    raw = str(directory).strip()
    if not raw:
        raise FileProblem("directory", Code.DIRECTORY_PATH_EMPTY, raw)
    path = Path(raw).expanduser()
    if not path.exists():
        raise FileProblem("directory", Code.DIRECTORY_MISSING, path)
    if not path.is_dir():
        raise FileProblem("directory", Code.DIRECTORY_NOT_DIRECTORY, path)
    if not os.access(path, os.W_OK | os.X_OK):
        raise FileProblem("directory", Code.DIRECTORY_UNWRITABLE, path)
    return path.resolve()


def write_new_file(directory: str | os.PathLike, filename: str | None, data: bytes) -> Path:
    """Write ``data`` as a new file in ``directory`` under a safe form of ``filename``."""
    folder = _directory(directory)
    base = safe_filename(filename)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    for n in range(MAX_VARIANTS + 1):
        candidate = folder / (base if n == 0 else _variant(base, n))
        # Defence in depth: safe_filename leaves one plain name, so this cannot happen.
        if candidate.parent != folder or candidate.name in ("", ".", ".."):
            raise ValueError(f"unsafe file name: {filename!r}")
        try:
            fd = os.open(candidate, flags, 0o600)
        except FileExistsError:
            continue
        except OSError:
            raise FileProblem("directory", Code.DIRECTORY_UNWRITABLE, candidate) from None
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
        except OSError:
            candidate.unlink(missing_ok=True)
            raise FileProblem("directory", Code.DIRECTORY_UNWRITABLE, candidate) from None
        return candidate
    raise FileProblem("directory", Code.DIRECTORY_NAME_EXHAUSTED, folder / base)


def save_attachment(attachment_id: int, directory: str | os.PathLike) -> Path:
    """Save a stored attachment into ``directory``; returns the path written (never overwrites)."""
    view, data = attachment_content(attachment_id)
    return write_new_file(directory, view.filename, data)


def read_attachment_file(path: str | os.PathLike, max_bytes: int) -> tuple[str, int]:
    """Check a file the agent wants to attach: (its name, its size), or a FileProblem (one over
    ``max_bytes``, the desk's limit for an attachment, is too large)."""
    raw = str(path).strip()
    if not raw:
        raise FileProblem("attachment", Code.ATTACHMENT_PATH_EMPTY, raw)
    file = Path(raw).expanduser()
    try:
        info = file.stat()
    except FileNotFoundError:
        raise FileProblem("attachment", Code.ATTACHMENT_MISSING, file) from None
    except OSError:
        raise FileProblem("attachment", Code.ATTACHMENT_UNREADABLE, file) from None
    if stat.S_ISDIR(info.st_mode):
        raise FileProblem("attachment", Code.ATTACHMENT_IS_DIRECTORY, file)
    if not stat.S_ISREG(info.st_mode):
        raise FileProblem("attachment", Code.ATTACHMENT_NOT_REGULAR, file)
    try:
        with open(file, "rb") as handle:
            handle.read(1)
    except OSError:
        raise FileProblem("attachment", Code.ATTACHMENT_UNREADABLE, file) from None
    if info.st_size > max_bytes:
        raise FileProblem("attachment", Code.ATTACHMENT_TOO_LARGE, file, max_bytes=max_bytes)
    return file.name, info.st_size


def load_attachment_file(path: str | os.PathLike, max_bytes: int) -> AttachmentInput:
    """The checked file's content, ready for ``NewTicket.attachments``."""
    name, _ = read_attachment_file(path, max_bytes)
    file = Path(str(path).strip()).expanduser()
    try:
        data = file.read_bytes()
    except OSError:
        raise FileProblem("attachment", Code.ATTACHMENT_UNREADABLE, file) from None
    if len(data) > max_bytes:  # it grew since it was checked
        raise FileProblem("attachment", Code.ATTACHMENT_TOO_LARGE, file, max_bytes=max_bytes)
    return AttachmentInput(filename=name, data=data)


# --- preview ------------------------------------------------------------------------------

PREVIEW_TEXT_BYTES = 256 * 1024  # the text shown in the app; the whole file opens in a pager
TEXT, IMAGE, OTHER = "text", "image", "other"
_TEXT_TYPES = ("application/json", "application/xml", "application/x-yaml", "application/yaml", "application/csv",
               "application/javascript", "application/x-sh", "message/rfc822")  # fmt: skip
_TEXT_SUFFIXES = (".txt", ".log", ".csv", ".json", ".xml", ".ini", ".cfg", ".conf", ".md", ".yaml", ".yml", ".eml")


@dataclass(frozen=True)
class ImageInfo:
    format: str  # PNG / JPEG / GIF
    width: int
    height: int


@dataclass(frozen=True)
class AttachmentPreview:
    attachment: AttachmentView
    kind: str  # text / image / other
    text: str | None = None  # TEXT: the decoded text, cut at PREVIEW_TEXT_BYTES (untrusted: show literally)
    truncated: bool = False
    image: ImageInfo | None = None  # IMAGE: None when the header cannot be read
    encoding: str | None = None


def image_info(data: bytes) -> ImageInfo | None:
    """The format and pixel size of a PNG, JPEG or GIF image from its header; None otherwise."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24 and data[12:16] == b"IHDR":
        width, height = struct.unpack(">II", data[16:24])
        return ImageInfo("PNG", width, height)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return ImageInfo("GIF", width, height)
    if data[:2] == b"\xff\xd8":
        return _jpeg_info(data)
    return None


# JPEG markers that start a frame and carry its size (SOF0-SOF15 but DHT, JPG and DAC).
_SOF = set(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def _jpeg_info(data: bytes) -> ImageInfo | None:
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF:  # fill bytes
            at += 1
            continue
        if marker in (0x01, *range(0xD0, 0xD9)):  # markers without a length
            at += 2
            continue
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        if marker in _SOF and at + 9 <= len(data):
            height, width = struct.unpack(">HH", data[at + 5 : at + 9])
            return ImageInfo("JPEG", width, height)
        if length < 2:
            return None
        at += 2 + length
    return None


def _looks_like_text(view: AttachmentView, data: bytes) -> bool:
    ctype = (view.content_type or "").split(";")[0].strip().lower()
    if ctype.startswith("text/") or ctype in _TEXT_TYPES or ctype.endswith(("+xml", "+json")):
        return True
    if ctype not in ("", "application/octet-stream") or not view.filename.lower().endswith(_TEXT_SUFFIXES):
        return False
    return b"\x00" not in data[:8192] or data[:2] in (b"\xff\xfe", b"\xfe\xff")


def decode_text(data: bytes) -> tuple[str, str]:
    """(the text, the encoding read): UTF-8, UTF-16 with a byte order mark, else Windows-1251."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16", "replace"), "UTF-16"
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3:  # cut inside the last character: the rest is fine
            return data[: exc.start].decode("utf-8-sig"), "UTF-8"
    return data.decode("cp1251", "replace"), "Windows-1251"


def preview_attachment(attachment_id: int, max_text_bytes: int = PREVIEW_TEXT_BYTES) -> AttachmentPreview:
    """What attachment ``attachment_id`` is, and its text when it is text (see the module's docstring)."""
    view, data = attachment_content(attachment_id)
    info = image_info(data[:65536])
    if info is not None or (view.content_type or "").lower().startswith("image/"):
        return AttachmentPreview(view, IMAGE, image=info)
    if _looks_like_text(view, data):
        text, encoding = decode_text(data[:max_text_bytes])
        return AttachmentPreview(view, TEXT, text=text, truncated=len(data) > max_text_bytes, encoding=encoding)
    return AttachmentPreview(view, OTHER)


def private_copy(attachment_id: int, directory: str | os.PathLike) -> Path:
    """Write the attachment into ``directory`` (a private folder the caller made, e.g. with
    tempfile.mkdtemp) under a safe form of its name, readable by its owner only, for an opener."""
    return save_attachment(attachment_id, directory)


def write_private_text(directory: str | os.PathLike, filename: str | None, text: str) -> Path:
    """Write ``text`` (UTF-8) as a new owner-only file in ``directory``, for a pager."""
    return write_new_file(directory, filename, text.encode("utf-8"))


def attachment_text(attachment_id: int) -> str:
    """The whole attachment decoded as text (for a pager), as :func:`decode_text` reads it."""
    _view, data = attachment_content(attachment_id)
    return decode_text(data)[0]
