"""Leaving with unsaved text asks first: ``ConfirmDiscardModal(what)`` -> True to discard."""

from __future__ import annotations

from helpdesk.screens.confirm import ConfirmModal
from helpdesk.tui.i18n import _


class ConfirmDiscardModal(ConfirmModal):
    """"Discard the text you typed?" with "Keep editing" focused, so Enter keeps the text."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            _("Discard your text?"),
            message or _("What you typed has not been sent or saved. It will be lost."),
            confirm=_("Discard"),
            cancel=_("Keep editing"),
        )
