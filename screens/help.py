"""The help (``?`` or F1 anywhere): every key of the screen underneath, by group, in the interface language.

The list is made from the screen as it is (tui.keys.help_sections: its bindings, its widgets',
the fields' own keys, the App's), so it cannot go stale. It scrolls; Escape, ``?``, F1 or ``q``
closes it.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static

from helpdesk.tui.i18n import N_, _
from helpdesk.tui.keys import ESCAPE_RULE, KeySection, help_sections
from helpdesk.tui.stylesheets import stylesheet

DIALOG_TITLE = N_("This dialog")


class HelpScreen(ModalScreen[None]):
    """The keys of ``screen`` (the one it was opened on)."""

    CSS_PATH = stylesheet("help.tcss")
    SHOWS_KEYS = True  # how the app knows the help is open (it does not import this module to ask isinstance)

    BINDINGS = [
        Binding("escape", "close", N_("Close"), tooltip=N_("Close the help"), id="help.close"),
        Binding("q", "close", N_("Close"), show=False, tooltip=N_("Close the help"), id="help.close_q"),
    ]

    def __init__(self, screen: Screen) -> None:
        super().__init__()
        self.described = screen
        self.sections: list[KeySection] = help_sections(screen)

    def compose(self) -> ComposeResult:
        title = getattr(self.described, "HELP_TITLE", None) or DIALOG_TITLE
        with Vertical(id="help-box") as box:
            box.border_title = Content(_("Keys: {screen}").format(screen=_(title)))
            box.border_subtitle = Content(_("Esc, ? or q: close · ↑ ↓ PgUp PgDn: scroll"))
            with VerticalScroll(id="help-body"):
                for section in self.sections:
                    yield Label(Content(section.title), classes="help-section", markup=False)
                    for row in section.rows:
                        with Horizontal(classes="help-row"):
                            yield Static(Content(row.keys), classes="help-keys", markup=False)
                            text = Content.styled(row.label, "bold")
                            if row.explanation and row.explanation != row.label:
                                text = Content.assemble(text, Content.styled(f" — {row.explanation}", "$text-muted"))
                            yield Static(text, classes="help-text", markup=False)
                yield Static(Content(_(ESCAPE_RULE)), id="help-rule", markup=False)

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def action_close(self) -> None:
        self.dismiss()
