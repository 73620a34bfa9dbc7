"""Create or edit one prepared reply: ``PreparedReplyFormModal(reply | None)`` -> the saved reply or None.

Key, title, and the Russian and English texts (one tab each; ctrl+e writes one in the agent's
own editor: tui/widgets/writing_area.py). ctrl+s saves in a thread worker;
a refused field (ValidationError: bad key, missing title, unknown placeholder) is marked and
named under the form, and nothing typed is lost. Escape with changes asks first.
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Input, Label, TabbedContent, TabPane, TextArea
from textual.worker import Worker, WorkerState

from helpdesk.data.tickets import prepared_replies as pr
from helpdesk.data.core.errors import ConflictError, HelpdeskError, ValidationError
from helpdesk.screens.confirm_discard import ConfirmDiscardModal
from helpdesk.tui.errors import describe
from helpdesk.tui.i18n import N_, _
from helpdesk.tui.screen_base import Dialog
from helpdesk.tui.widgets.writing_area import WritingArea

from helpdesk.tui.stylesheets import stylesheet

FIELDS = {"key": "#reply-key", "title": "#reply-title", "body_ru": "#reply-body-ru", "body_en": "#reply-body-en"}


def placeholder_help() -> str:
    return _("Placeholders: {names}").format(names=" ".join("{" + name + "}" for name in pr.PLACEHOLDERS))


class PreparedReplyFormModal(Dialog["pr.PreparedReplyView | None"]):
    """The form; dismisses with the stored reply after a save, or None when cancelled."""

    CSS_PATH = stylesheet("prepared_replies.tcss")

    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save"), tooltip=N_("Save the prepared reply"), id="reply_form.save"),
        Binding("escape", "cancel", N_("Cancel"), tooltip=N_("Close without saving (asks if you changed something)"),
                id="reply_form.cancel"),
    ]

    class Saved(Message):
        def __init__(self, reply: pr.PreparedReplyView) -> None:
            super().__init__()
            self.reply = reply

    class Failed(Message):
        def __init__(self, error: HelpdeskError) -> None:
            super().__init__()
            self.error = error

    def __init__(self, reply: pr.PreparedReplyView | None) -> None:
        super().__init__()
        self.reply = reply
        self._saving = False

    def compose(self) -> ComposeResult:
        reply = self.reply
        with Vertical(id="reply-form-box", classes="dialog-box"):
            if reply is None:
                heading = _("New prepared reply")
            else:
                heading = _("Edit prepared reply {key}").format(key=reply.key)
            yield Label(Content(heading), id="reply-form-title", markup=False)
            with Horizontal(id="reply-form-row"):
                yield Label(Content(_("Key")), classes="reply-form-label", markup=False)
                # A built-in reply's key is what the rejection and the notices look it up by: fixed.
                yield Input(reply.key if reply else "", id="reply-key", placeholder="need_project_file", compact=True,
                            disabled=reply is not None and reply.builtin)
                yield Label(Content(_("Title")), classes="reply-form-label", markup=False)
                yield Input(reply.title if reply else "", id="reply-title", placeholder=_("What it is for"), compact=True)
            with TabbedContent(id="reply-form-tabs"):
                with TabPane(_("Russian"), id="tab-ru"):
                    yield WritingArea(reply.body_ru if reply else "", id="reply-body-ru", file_name="prepared-reply-ru")
                with TabPane(_("English"), id="tab-en"):
                    yield WritingArea(reply.body_en if reply else "", id="reply-body-en", file_name="prepared-reply-en")
            yield Label(Content(placeholder_help()), id="reply-form-help", markup=False)
            yield Label(id="reply-form-error", markup=False)
            with Horizontal(id="reply-form-buttons"):
                yield Label(Content(_("ctrl+s save · ctrl+e editor · Esc cancel")), id="reply-form-hint", markup=False)
                yield Button(Content(_("Cancel")), id="reply-form-cancel", compact=True)
                yield Button(Content(_("Save")), id="reply-form-save", variant="primary", compact=True)

    def on_mount(self) -> None:
        self.query_one("#reply-key" if self.reply is None else "#reply-title", Input).focus()

    # --- values ---------------------------------------------------------------------------

    def values(self) -> dict[str, str]:
        return {
            "key": self.query_one("#reply-key", Input).value,
            "title": self.query_one("#reply-title", Input).value,
            "body_ru": self.query_one("#reply-body-ru", TextArea).text,
            "body_en": self.query_one("#reply-body-en", TextArea).text,
        }

    def changed(self) -> bool:
        reply = self.reply
        original = (
            {"key": reply.key, "title": reply.title, "body_ru": reply.body_ru, "body_en": reply.body_en}
            if reply else {"key": "", "title": "", "body_ru": "", "body_en": ""}
        )
        return self.values() != original

    # --- saving ---------------------------------------------------------------------------

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "reply-form-save":
            self.action_save()
        else:
            self.action_cancel()

    def action_save(self) -> None:
        if self._saving:
            return
        self._saving = True
        self._show_error(None)
        self.query_one("#reply-form-error", Label).update(Content.styled(_("Saving…"), "dim"))
        self.save_reply(self.values())

    @work(thread=True, exclusive=True, group="reply-form-save", exit_on_error=False, description="save a prepared reply")
    def save_reply(self, values: dict[str, str]) -> None:
        desk = self.app.desk
        try:
            if self.reply is None:
                saved = pr.create_reply(desk, values["key"], values["title"], values["body_ru"], values["body_en"])
            else:
                saved = pr.update_reply(
                    desk, self.reply.key, new_key=values["key"], title=values["title"],
                    body_ru=values["body_ru"], body_en=values["body_en"], expected_updated_at=self.reply.updated_at,
                )  # fmt: skip
        except HelpdeskError as error:
            self.post_message(self.Failed(error))
        else:
            self.post_message(self.Saved(saved))

    def on_prepared_reply_form_modal_saved(self, message: Saved) -> None:
        self._saving = False
        self.dismiss(message.reply)

    def on_prepared_reply_form_modal_failed(self, message: Failed) -> None:
        self._saving = False
        error = message.error
        self._show_error(error)
        if isinstance(error, ValidationError) and error.field in FIELDS:
            if error.field in ("body_ru", "body_en"):
                self.query_one(TabbedContent).active = "tab-ru" if error.field == "body_ru" else "tab-en"
            self.query_one(FIELDS[error.field]).focus()
        elif isinstance(error, ConflictError):
            self.notify(describe(error), title=_("Not saved"), severity="error", markup=False, timeout=10)

    def _show_error(self, error: HelpdeskError | None) -> None:
        for selector in FIELDS.values():
            self.query_one(selector).remove_class("-error")
        label = self.query_one("#reply-form-error", Label)
        if error is None:
            label.update(Content(""))
            return
        if isinstance(error, ValidationError) and error.field in FIELDS:
            self.query_one(FIELDS[error.field]).add_class("-error")
            names = {"key": _("Key"), "title": _("Title"), "body_ru": _("Russian"), "body_en": _("English")}
            text = f"{names[error.field]}: {describe(error, located=False)}"
        else:
            text = describe(error)
        label.update(Content(text))

    # --- leaving --------------------------------------------------------------------------

    def action_cancel(self) -> None:
        if not self.changed():
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmDiscardModal(), answered)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """An unexpected failure in a worker: tell the App (a modal is no BaseScreen) and unblock."""
        if event.state == WorkerState.ERROR:
            self._saving = False
            failed = getattr(self.app, "worker_failed", None)
            if failed is not None:
                failed(event.worker)
