"""Pick one of a few values (status, scope category, priority): ``ChooseOptionModal`` -> Choice | None.

Options may be grouped under headings (in scope / out of scope), which cannot be chosen. The
current value is marked and highlighted. Escape cancels (None); a chosen ``Choice`` may carry
``value=None`` (e.g. "no category").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from helpdesk.data.rules import statuses as st
from helpdesk.tui.i18n import N_, _, current_language, ngettext
from helpdesk.tui.labels import priority_label, status_label
from helpdesk.tui.screen_base import Dialog


@dataclass(frozen=True)
class Choice:
    value: Any
    label: str | Content
    hint: str = ""  # a dim second line
    heading: bool = False  # a group title, not selectable


class ChooseOptionModal(Dialog["Choice | None"]):
    """A titled option list; dismisses with the chosen Choice, or None when cancelled."""

    DEFAULT_CSS = """
    ChooseOptionModal > #choose-box {
        width: 80;
        max-width: 95%;
        height: auto;
        max-height: 90%;
    }
    ChooseOptionModal #choose-title {
        width: 1fr;
        text-style: bold;
    }
    ChooseOptionModal OptionList {
        height: auto;
        max-height: 1fr;
        border: none;
        padding: 0;
    }
    ChooseOptionModal #choose-hint {
        width: 1fr;
        color: $text-muted;
    }
    """

    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel"), tooltip=N_("Close without changing anything"), id="choose.cancel"),
    ]

    def __init__(self, title: str | Content, choices: list[Choice], *, current: Any = None, id: str | None = None) -> None:
        super().__init__(id=id)
        self._title = title
        self.choices = list(choices)
        self._current = current

    def _prompt(self, choice: Choice) -> Content | Table:
        label = Content(choice.label) if isinstance(choice.label, str) else choice.label
        if choice.heading:
            return label.stylize("bold underline")
        is_current = not choice.heading and choice.value == self._current
        parts = [label]
        if is_current:
            parts.append(Content.styled("  (" + _("current") + ")", "dim"))
        if choice.hint:
            parts.append(Content("\n"))
            parts.append(Content.styled(choice.hint, "dim"))
        # Two columns, so that a label or hint too long for the line wraps under itself, not
        # under the mark at the left edge (Rich's Text wraps in a table cell; Content does not).
        grid = Table.grid(expand=True)
        grid.add_column(width=2, no_wrap=True)
        grid.add_column(ratio=1)
        grid.add_row(Text("● ", style="bold") if is_current else Text("  "), _rich_text(Content.assemble(*parts)))
        return grid

    def compose(self) -> ComposeResult:
        with Vertical(id="choose-box", classes="dialog-box"):
            title = Content(self._title) if isinstance(self._title, str) else self._title
            yield Label(title, id="choose-title", markup=False)
            yield OptionList(
                *[Option(self._prompt(c), id=str(i), disabled=c.heading) for i, c in enumerate(self.choices)],
                id="choose-options",
                markup=False,
            )
            yield Label(Content(_("Enter choose · Esc cancel")), id="choose-hint", markup=False)

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.focus()
        for i, choice in enumerate(self.choices):
            if not choice.heading and choice.value == self._current:
                options.highlighted = i
                break
        else:
            options.highlighted = next((i for i, c in enumerate(self.choices) if not c.heading), None)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.choices[int(event.option_id)])

    def action_cancel(self) -> None:
        self.dismiss(None)


def _rich_text(content: Content) -> Text:
    """``content`` as Rich's Text (the same characters, its styles kept), which wraps in a cell."""
    text = Text(content.plain, end="")
    for span in content.spans:
        style = span.style if isinstance(span.style, str) else span.style.rich_style
        text.stylize(style, span.start, span.end)
    return text


# --- the choices the thread view and the new-ticket form offer ------------------------------

STATUS_HINTS = {
    "open": N_("support is working on it"),
    "waiting": N_("the working-time clock pauses"),
    "resolved": N_("the customer's reply reopens it"),
    "closed": N_("the customer's reply opens a new ticket"),
    "rejected": N_("out of scope (regulation 1.4)"),
}


def status_choices(current: str) -> list[Choice]:
    """The statuses a ticket may move to from ``current`` (data.statuses.TRANSITIONS)."""
    allowed = [s for s in st.STATUSES if s in st.TRANSITIONS.get(current, ())]
    return [Choice(s, status_label(s), _(STATUS_HINTS[s]) if s in STATUS_HINTS else "") for s in allowed]


def scope_choices(regulation) -> list[Choice]:
    """The regulation's categories, in scope and out of scope under their headings, then none."""
    language = current_language()
    choices = [Choice(None, _("In scope of support (regulation 1.4)"), heading=True)]
    choices += [Choice(c.key, c.label(language)) for c in regulation.scope if c.in_scope]
    choices.append(Choice(None, _("Out of scope"), heading=True))
    choices += [Choice(c.key, c.label(language)) for c in regulation.scope if not c.in_scope]
    choices.append(Choice(None, _("Not decided"), heading=True))
    choices.append(Choice(None, _("No category")))
    return choices


def working_hours_text(hours: float) -> str:
    n = int(hours) if float(hours).is_integer() else hours
    return ngettext("{n} working hour", "{n} working hours", int(hours)).format(n=n)


def target_hint(regulation, priority: str) -> str:
    target = regulation.targets[priority]
    return _("first response within {first}, resolution within {resolution}").format(
        first=working_hours_text(target.first_response_hours), resolution=working_hours_text(target.resolution_hours))


def priority_choices(regulation) -> list[Choice]:
    return [Choice(p, priority_label(p), target_hint(regulation, p)) for p in regulation.targets]
