"""What the queue shows instead of rows when there are none, and what to do about it.

Three cases, told apart by the queue screen (screens/queue.py), which shows this widget under
the table's header instead of the rows:

* ``STORE``: the desk holds no ticket at all (a new database). The way in: ``n`` registers a
  ticket, ``helpdesk demo`` tries the app on demo tickets, ``helpdesk ingest`` imports mail.
* ``TAB``: the tab holds none, other tabs do: their keys and counts.
* ``FILTERED``: the search or the filters match nothing here: what they are, ``x`` clears them,
  and the other tabs where they do match something.

The search and the filter values are shown as text (tui/text.py), never as markup.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.content import Content
from textual.widgets import Static

from helpdesk.tui.i18n import _
from helpdesk.tui.text import literal

STORE, TAB, FILTERED = "store", "tab", "filtered"
KEY_STYLE = "bold $text-accent"


@dataclass(frozen=True)
class EmptyQueueState:
    """Why the queue shows no rows.

    ``tab``: the tab's title as shown; ``search``: the search as typed; ``filters``: the other
    filters in words; ``elsewhere``: (key, tab title, count) of the tabs that do hold tickets.
    """

    kind: str
    tab: str = ""
    search: str = ""
    filters: tuple[str, ...] = ()
    elsewhere: tuple[tuple[str, str, int], ...] = ()


def _keys(rows: list[tuple[str, str]]) -> list[Content]:
    """``  key   what it does`` lines, the keys in one column."""
    width = max(len(key) for key, _text in rows) + 3
    return [Content.assemble("  ", (key.ljust(width), KEY_STYLE), text) for key, text in rows]


def _elsewhere(state: EmptyQueueState, heading: str) -> list[Content]:
    if not state.elsewhere:
        return []
    tabs = []
    for key, title, count in state.elsewhere:
        if tabs:
            tabs.append(" · ")
        tabs.extend([(key, KEY_STYLE), f" {title} {count}"])
    return [Content(""), Content.assemble(heading, " ", *tabs)]


def empty_queue_text(state: EmptyQueueState) -> Content:
    """The words for ``state``, in the current language."""
    if state.kind == STORE:
        lines = [
            Content.styled(_("No tickets yet."), "bold"),
            Content(""),
            *_keys([
                ("n", _("register a ticket (a phone call, a visit)")),
                ("helpdesk demo", _("try it on demo tickets (in a separate database)")),
                (_("helpdesk ingest PATH…"), _("import mail: .eml and mbox files, Maildir folders")),
            ]),
            Content(""),
            Content.styled(_("The helpdesk commands run in a terminal; ctrl+q quits the app."), "$text-muted"),
        ]
    elif state.kind == TAB:
        lines = [
            Content.styled(_("No tickets in the tab “{tab}”.").format(tab=state.tab), "bold"),
            *_elsewhere(state, _("Other tabs:")),
        ]
    else:
        what = []
        if state.search.strip():
            what.append(_quoted(state.search.strip()))
        what += [literal(value, single_line=True) for value in state.filters]
        found = Content(" · ").join(what)
        rows = [("x", _("clear the search and the filters") if state.search.strip() else _("clear the filters"))]
        if state.search.strip():
            rows = [("Esc", _("leave the search box")), *rows, ("/", _("change the search"))]
        lines = [
            Content.assemble((_("Nothing in the tab “{tab}” matches").format(tab=state.tab), "bold"), ": ", found),
            Content(""),
            *_keys(rows),
            *_elsewhere(state, _("Found in other tabs:")),
        ]
    return Content("\n").join(lines)


def _quoted(text: str) -> Content:
    """The search between the language's quotes: “лиценз” in English, «лиценз» in Russian."""
    before, _sep, after = _("“{search}”").partition("{search}")
    return Content.assemble(before, literal(text, single_line=True), after)


class EmptyQueue(Static):
    """Shown by the queue instead of its rows when there are none (``show(state)``, ``hide()``)."""

    DEFAULT_CSS = """
    EmptyQueue {
        height: 1fr;
        padding: 1 1;
        background: $surface;
        display: none;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.state: EmptyQueueState | None = None

    def show(self, state: EmptyQueueState) -> None:
        if state != self.state:
            self.state = state
            self.update(empty_queue_text(state))
        self.display = True

    def hide(self) -> None:
        self.display = False
