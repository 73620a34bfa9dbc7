"""Files in words: sizes ("512 B", "12 KB", "3.4 MB" / "512 Б", "12 КБ", "3,4 МБ") and file problems."""

from __future__ import annotations

from babel.numbers import format_decimal

from helpdesk.data.read.attachments import MAX_ATTACHMENT_BYTES, FileProblem
from helpdesk.tui.i18n import _, current_language


def file_size(size: int) -> str:
    size = max(0, int(size))
    if size < 1024:
        return _("{n} B").format(n=size)
    units = (_("{n} KB"), _("{n} MB"), _("{n} GB"))
    value = float(size)
    for unit in units:
        value /= 1024
        if value < 1024 or unit is units[-1]:
            pattern = "#,##0.#" if value < 10 else "#,##0"
            return unit.format(n=format_decimal(value, pattern, locale=current_language()))
    raise AssertionError("unreachable")


def describe_file_problem(problem: FileProblem) -> str:
    """A FileProblem from data/attachments.py in the agent's language."""
    path = problem.path
    texts = {
        "empty": _("Type a path.") if problem.field == "attachment" else _("Type a directory."),
        "missing": _("No such file: {path}") if problem.field == "attachment" else _("No such directory: {path}"),
        "not_directory": _("Not a directory: {path}"),
        "directory": _("This is a directory, not a file: {path}"),
        "not_file": _("Not a regular file: {path}"),
        "unreadable": _("Cannot read {path}: permission denied or unreadable."),
        "unwritable": _("Cannot write to {path}: permission denied."),
        "too_large": _("Too large: {path} (the limit is {limit})."),
        "exhausted": _("Too many copies of this name already exist: {path}"),
    }
    text = texts.get(problem.reason)
    if text is None:
        return str(problem)
    return text.format(path=path, limit=file_size(MAX_ATTACHMENT_BYTES))
