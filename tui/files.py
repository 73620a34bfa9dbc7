"""File sizes in words: "512 B", "12 KB", "3.4 MB" / "512 Б", "12 КБ", "3,4 МБ"."""

from __future__ import annotations

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
            from babel.numbers import format_decimal  # babel (~4 ms) only once a size is shown, not at start-up

            return unit.format(n=format_decimal(value, pattern, locale=current_language()))
    raise AssertionError("unreachable")

