"""Attachments on disk: saving a stored one safely, checking a file an agent wants to attach.

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
import unicodedata
from pathlib import Path

from helpdesk.data.core.errors import Code, ValidationError
from helpdesk.data.core.values import AttachmentInput
from helpdesk.data.read.views import attachment_content

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
