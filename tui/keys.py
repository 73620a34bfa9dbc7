"""Keys: how bindings are grouped and labelled, and the list the help screen shows.

Every key of the helpdesk is a ``Binding`` in some ``BINDINGS`` (a screen's, a widget's, the
App's) with a short description (its label), a tooltip (what it does) and an id
``"<area>.<action>"``; Textual's own bindings have no such id and stay out. A binding may carry a
``Binding.Group`` from here; the help screen (screens/help.py) lists the keys of a screen by group,
straight from the screen as it is (its bindings, its widgets', the App's), so a key added anywhere
shows up there by itself. Keys that Textual's widgets handle outside BINDINGS (typing into a field,
a list's arrows) come from the small table ``WIDGET_KEYS``.

The footer shows the labels, shortened where a language needs it: ``footer_label`` takes the
catalog's text in the context "footer" when there is one (``FOOTER_SHORT`` marks those msgids).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widget import Widget

from helpdesk.tui.i18n import N_, NP_, _, pgettext

# The groups the help screen lists keys under (a binding without one: its namespace's default).
NAVIGATION = Binding.Group(N_("Navigation"))
TICKET = Binding.Group(N_("Ticket"))
WRITING = Binding.Group(N_("Writing"))
FILTERS = Binding.Group(N_("Filters and sorting"))
PERIOD = Binding.Group(N_("Period"))
EVERYWHERE = Binding.Group(N_("Everywhere"))

SCREEN_KEYS = N_("This screen")
DIALOG_KEYS = N_("This dialog")
FIELD_KEYS = N_("Lists and fields")

# The order of the help's sections (a group not named here comes after these, before the fields').
SECTION_ORDER = (NAVIGATION.description, TICKET.description, WRITING.description, FILTERS.description,
                 PERIOD.description, SCREEN_KEYS, DIALOG_KEYS)

# Labels that are too long for the footer in some language: the catalog's text in the context
# "footer" is shown there instead (the help screen and the palette keep the full label).
FOOTER_SHORT = (
    NP_("footer", "Take"),  # "Взять себе" in the help, "Взять" in the footer
)

# Keys that Textual's widgets handle themselves: (widget classes, keys, label, what it does).
# The classes are named, not imported: a widget is matched by the names of its classes (its MRO),
# so that this table loads no widget module the first screen does not use (TextArea's alone costs
# the start-up ~10 ms). ``FilterPick`` is the queue's filter (tui/widgets/filter_pick.py).
WIDGET_KEYS: tuple[tuple[tuple[str, ...], str, str, str], ...] = (
    (("Widget",), "tab, shift+tab", N_("Next field"), N_("Move to the next or the previous field")),
    (("Input",), N_("letters"), N_("Type"), N_("Letters, digits and ? go into the field, not to the keys of the screen")),
    (("Input",), "⏎", N_("Confirm"), N_("Confirm what is typed in the field")),
    (("TextArea",), N_("letters"), N_("Type"), N_("Letters, digits and ? go into the text, not to the keys of the screen")),
    (("TextArea",), "shift+↑ ↓ ← →", N_("Select text"), N_("Select text to copy or replace it")),
    (("Select", "FilterPick"), "⏎, space, ↓", N_("Open the list"), N_("Show the choices of a drop-down field")),
    (("Select", "FilterPick"), N_("letters"), N_("Jump"), N_("In an open list: go to the choice that starts so")),
    (("Select", "FilterPick"), "esc", N_("Close the list"), N_("Close an open list and keep the field as it was")),
    (("OptionList",), "↑ ↓ pgup pgdn", N_("Move"), N_("Highlight another line of the list")),
    (("OptionList",), "⏎", N_("Choose"), N_("Choose the highlighted line")),
    (("Tabs",), "← →", N_("Switch tab"), N_("Show the tab to the left or to the right")),
    (("VerticalScroll",), "↑ ↓ pgup pgdn", N_("Scroll"), N_("Scroll the text up or down")),
    (("Button",), "⏎, space", N_("Press"), N_("Press the highlighted button")),
)


def is_a(widget: Widget, names: tuple[str, ...]) -> bool:
    """Whether ``widget`` is an instance of a class of one of ``names`` (Textual's or ours)."""
    return any(cls.__name__ in names for cls in type(widget).__mro__)


ESCAPE_RULE = N_(
    "Esc closes only the innermost thing: an open list, then a field (back to the main part of the screen), "
    "then a dialog, then the screen."
)


@dataclass(frozen=True)
class KeyRow:
    """One line of the help: the keys as shown, the label, what it does."""

    keys: str
    label: str
    explanation: str = ""


@dataclass
class KeySection:
    title: str
    rows: list[KeyRow] = field(default_factory=list)


def is_ours(binding: Binding) -> bool:
    """A binding of the helpdesk (an id "<area>.<action>" and a label), not one of Textual's own."""
    return bool(binding.description) and not binding.system and "." in (binding.id or "")


def footer_label(description: str) -> str:
    """The footer's label for a binding's (untranslated) description: short where the catalog says so."""
    short = pgettext("footer", description)
    return short if short != description else _(description)


def key_display(app, bindings: list[Binding]) -> str:
    """The keys of one action as the footer shows them, joined: "r, f5"."""
    shown: list[str] = []
    for binding in bindings:
        text = app.get_key_display(binding)
        if text not in shown:
            shown.append(text)
    return ", ".join(shown)


def _rows(
    node: DOMNode, default: str, label_of: Callable[[Binding], str | bool | None] | None = None
) -> list[tuple[str, KeyRow]]:
    """(section title, row) for every binding of ``node`` that is ours, one row per action.

    ``label_of(binding)``: a label instead of the binding's own, False to leave it out, None as it is."""
    actions: dict[str, list[Binding]] = {}
    for bindings in node._bindings.key_to_bindings.values():
        for binding in bindings:
            if is_ours(binding):
                actions.setdefault(binding.action, []).append(binding)
    rows = []
    for action, bindings in actions.items():
        first = bindings[0]
        label = label_of(first) if label_of is not None else None
        if label is False:
            continue
        title = _(first.group.description) if first.group is not None else _(default)
        rows.append((title, KeyRow(key_display(node.app, bindings), label or _(first.description),
                                   _(first.tooltip) if first.tooltip else "")))
    return rows


def _shown(widget: Widget) -> bool:
    """Displayed, and so are its parents (a closed drop-down or composer is not)."""
    return all(node.display for node in (widget, *widget.ancestors) if isinstance(node, Widget))


def help_sections(screen: Screen) -> list[KeySection]:
    """Every key that works on ``screen``, by group: the screen's, its widgets', the fields' own, the App's."""
    sections: dict[str, KeySection] = {}

    def add(title: str, row: KeyRow) -> None:
        section = sections.setdefault(title, KeySection(title))
        if row not in section.rows:
            section.rows.append(row)

    for title, row in _rows(screen, DIALOG_KEYS if screen.is_modal else SCREEN_KEYS):
        add(title, row)
    classes: set[type] = set()
    widgets = [w for w in screen.walk_children(Widget) if _shown(w)]
    for widget in widgets:
        if type(widget) not in classes:
            classes.add(type(widget))
            for title, row in _rows(widget, FIELD_KEYS):
                add(title, row)
    focusable = [w for w in widgets if w.can_focus]
    for names, keys, label, explanation in WIDGET_KEYS:
        if any(is_a(w, names) for w in focusable) and (names != ("Widget",) or len(focusable) > 1):
            add(_(FIELD_KEYS), KeyRow(_(keys), _(label), _(explanation)))

    main_label = getattr(screen, "MAIN_WIDGET_LABEL", None) if getattr(screen, "MAIN_WIDGET", None) else None

    def app_label(binding: Binding):
        if binding.action == "leave_field":
            return _(main_label) if main_label else False  # only where a screen has a main list
        if screen.is_modal and not binding.priority:
            return False  # a dialog takes every other key itself
        return None

    for title, row in _rows(screen.app, EVERYWHERE.description, app_label):
        add(title, row)
    order = [_(title) for title in (*SECTION_ORDER, FIELD_KEYS, EVERYWHERE.description)]
    first = [title for title in order[:len(SECTION_ORDER)] if title in sections]
    rest = [title for title in sections if title not in order]
    last = [title for title in order[len(SECTION_ORDER):] if title in sections]
    return [sections[title] for title in (*first, *rest, *last)]
