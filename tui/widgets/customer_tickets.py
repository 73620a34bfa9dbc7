"""The thread view's customer history: the customer's other tickets, and their organisation's.

Folded, it is one line under the ticket's facts ("▸ Other tickets of this customer (3) · of ООО
«Вега» (12)"); unfolded, a list below it, one ticket a line ("#123 Open 12 Jan Subject…"), the
customer's first, then their organisation's. Enter (or a click) on a line posts
``TicketChosen``; Escape in the list posts ``ListLeft`` and a click on the summary
``SummaryClicked``: the screen folds and unfolds it (``fold``, ``unfold``), since the room it
takes is the conversation's. On a tall terminal it opens unfolded; once the agent folds or
unfolds it, it stays as they left it. With no other tickets at all it takes no room.

Subjects are the customers' text: they pass through ``tui.text.literal``.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.events import Click
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from helpdesk.data.read.customer_history import CustomerHistory, TicketBrief, TicketList
from helpdesk.tui.i18n import N_, _, ngettext
from helpdesk.tui.widgets.ticket_table import status_short
from helpdesk.tui.text import literal
from helpdesk.tui.timefmt import short_date

# From this many rows the list opens unfolded (120x40 has room; 80x24 keeps the conversation).
TALL = 36


def list_rows(terminal_rows: int) -> int:
    """How many rows the unfolded list may take: 30 % of the terminal (7 of 24, 12 of 40).

    Set in code: a ``vh`` max-height on the list is ignored by its auto-height parent."""
    return max(4, terminal_rows * 3 // 10)


def summary_line(history: CustomerHistory, unfolded: bool) -> Content:
    """"▸ Other tickets of this customer (3) · of ORGANISATION (12)": what the folded list holds."""
    parts: list[Content | str | tuple[str, str]] = [("▾ " if unfolded else "▸ ", "$text-accent")]
    if history.customer.total:
        parts.append(_("Other tickets of this customer ({count})").format(count=history.customer.total))
    if history.organisation_tickets.total:
        if history.customer.total:
            parts.append((" · ", "dim"))
            parts.append(_organisation_title(history, _("of {organisation} ({count})")))
        else:
            parts.append(_organisation_title(history))
    return Content.assemble(*parts)


def _organisation_title(history: CustomerHistory, template: str | None = None) -> Content:
    """"Other tickets of ORGANISATION (12)" (or ``template``), the organisation's name literal
    (it is the customer's text)."""
    template = template or _("Other tickets of {organisation} ({count})")
    head, _sep, tail = template.partition("{organisation}")
    count = history.organisation_tickets.total
    return Content.assemble(head.format(count=count), literal(history.organisation, single_line=True),
                            tail.format(count=count))


def ticket_line(ticket: TicketBrief, widths: tuple[int, int, int], tz: tzinfo, now: datetime) -> Content:
    """"#123 Open  12 Jan Subject…", its columns padded to ``widths`` (number, status, date).

    The status in a word, as the queue's table shows it (``ticket_table.status_short``)."""
    number, status, date = widths
    return Content.assemble(
        (f"#{ticket.number}".rjust(number) + " ", "bold"),
        status_short(ticket.status).ljust(status) + " ",
        (short_date(ticket.created_at, tz, now).ljust(date) + " ", "dim"),
        literal(ticket.subject, single_line=True),
    )


def column_widths(tickets: list[TicketBrief], tz: tzinfo, now: datetime) -> tuple[int, int, int]:
    if not tickets:
        return 0, 0, 0
    return (
        max(len(f"#{t.number}") for t in tickets),
        max(len(status_short(t.status)) for t in tickets),
        max(len(short_date(t.created_at, tz, now)) for t in tickets),
    )


class CustomerTickets(Vertical):
    """A one-line summary that unfolds into a list of the customer's and organisation's other tickets."""

    DEFAULT_CSS = """
    CustomerTickets {
        height: auto;
        padding: 0 1;
        background: $boost;
    }
    CustomerTickets #customer-tickets-summary {
        height: 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    CustomerTickets #customer-tickets-summary:hover { text-style: underline; }
    CustomerTickets #customer-tickets-list {
        display: none;
        height: auto;
        max-height: 7;  /* set from the terminal's height (list_rows) */
        border: none;
        padding: 0;
        background: $boost;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    CustomerTickets.-unfolded #customer-tickets-list { display: block; }
    CustomerTickets #customer-tickets-list:focus { background-tint: $foreground 5%; }
    """

    BINDINGS = [
        Binding("escape", "leave", N_("Fold"), tooltip=N_("Fold the list and go back to the conversation"),
                id="customer_tickets.leave"),
    ]

    class TicketChosen(Message):
        """The agent chose ticket ``number`` in the list (Enter or a click)."""

        def __init__(self, number: int) -> None:
            super().__init__()
            self.number = number

    class ListLeft(Message):
        """Escape in the list: fold it, and the focus goes back to where the agent read."""

    class SummaryClicked(Message):
        """The summary line was clicked: fold or unfold the list."""

    def __init__(self, *, id: str | None = "customer-tickets") -> None:
        super().__init__(id=id)
        self.history: CustomerHistory | None = None
        self._folding_chosen = False  # the agent folded or unfolded it: a tall terminal no longer decides
        self.display = False

    def compose(self) -> ComposeResult:
        yield Static(id="customer-tickets-summary", markup=False)
        yield OptionList(id="customer-tickets-list", markup=False)

    @property
    def option_list(self) -> OptionList:
        return self.query_one("#customer-tickets-list", OptionList)

    @property
    def unfolded(self) -> bool:
        return self.has_class("-unfolded")

    @property
    def is_empty(self) -> bool:
        return self.history is None or self.history.empty

    def show(self, history: CustomerHistory, tz: tzinfo, now: datetime) -> None:
        """Show ``history`` (times in ``tz``, dates relative to ``now``), keeping the highlighted ticket."""
        self.history = history
        self.display = not history.empty
        if not self._folding_chosen:
            self.set_class(not history.empty and self.app.size.height >= TALL, "-unfolded")
        options = self.option_list
        options.styles.max_height = list_rows(self.app.size.height)
        highlighted = options.highlighted_option.id if options.highlighted_option is not None else None
        options.clear_options()
        # The summary line names the first list; the organisation's, coming second, has a title.
        lists = [(history.customer, None)]
        if history.organisation_tickets.total:
            title = _organisation_title(history).stylize("bold") if history.customer.total else None
            lists.append((history.organisation_tickets, title))
        shown = [t for tickets, _title in lists for t in tickets.tickets]
        widths = column_widths(shown, tz, now)
        for tickets, title in lists:
            if not tickets.total:
                continue
            if title is not None:
                options.add_option(Option(title, disabled=True))
            for ticket in tickets.tickets:
                options.add_option(Option(ticket_line(ticket, widths, tz, now), id=str(ticket.number)))
            if tickets.more:
                options.add_option(Option(Content.styled(_more(tickets), "dim italic"), disabled=True))
        if highlighted is not None and highlighted in {str(t.number) for t in shown}:
            options.highlighted = options.get_option_index(highlighted)
        self._show_summary()

    def _show_summary(self) -> None:
        if self.history is not None:
            self.query_one("#customer-tickets-summary", Static).update(summary_line(self.history, self.unfolded))

    def on_resize(self) -> None:
        self.option_list.styles.max_height = list_rows(self.app.size.height)

    def unfold(self, *, focus: bool = True) -> None:
        self._folding_chosen = True
        self.option_list.styles.max_height = list_rows(self.app.size.height)
        self.add_class("-unfolded")
        self._show_summary()
        if focus:
            options = self.option_list
            if options.highlighted is None or options.get_option_at_index(options.highlighted).disabled:
                options.action_first()
            options.focus()

    def fold(self) -> None:
        self._folding_chosen = True
        self.remove_class("-unfolded")
        self._show_summary()

    def action_leave(self) -> None:
        self.post_message(self.ListLeft())

    @on(Click, "#customer-tickets-summary")
    def _summary_clicked(self) -> None:
        self.post_message(self.SummaryClicked())

    @on(OptionList.OptionSelected, "#customer-tickets-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.TicketChosen(int(event.option.id)))


def _more(tickets: TicketList) -> str:
    return ngettext("… and {count} more", "… and {count} more", tickets.more).format(count=tickets.more)
