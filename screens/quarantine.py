"""Quarantined mail: the list with reasons, one message shown, and what to do with it (``QuarantineScreen``).

Mail (and Telegram updates) that could not be read or stored are kept in the Quarantine table
(data/quarantine.py). Here agents see why, look at the raw message (control characters made
visible: it is untrusted text), and do one of three things with a message waiting: retry it once
the cause is fixed (``r``; a retry that stores it says which ticket it went to), make a ticket of
it by hand (``t``, screens/quarantine_ticket.py: a form filled with what could be read), or discard
it with a reason (``d``, screens/discard_quarantined.py: kept 30 days, then purged). ``f`` switches
between those waiting and all of them (stored and discarded too). The list, the message and the
retry run in thread workers.
"""

from __future__ import annotations

from textual import on, work
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from helpdesk.data.channels import quarantine
from helpdesk.data.channels.retry import retry_quarantined
from helpdesk.data.core.errors import HelpdeskError
from helpdesk.screens.discard_quarantined import DiscardQuarantinedModal
from helpdesk.screens.quarantine_ticket import QuarantineTicketModal
from helpdesk.tui.errors import describe, describe_reason
from helpdesk.tui.i18n import N_, _, ngettext
from helpdesk.tui.keys import FILTERS, NAVIGATION, TICKET
from helpdesk.tui.messages import TicketsChanged
from helpdesk.tui.screen_base import BaseScreen
from helpdesk.tui.safe_text import clean
from helpdesk.tui.text import literal
from helpdesk.tui.timefmt import day_and_time
from helpdesk.tui.stylesheets import stylesheet


class QuarantineScreen(BaseScreen):
    """The quarantine: waiting items on top (or all with ``f``), the selected one below."""

    HELP_TITLE = N_("Quarantine")
    MAIN_WIDGET = "#quarantine-list"

    CSS_PATH = stylesheet("quarantine.tcss")

    BINDINGS = [
        Binding("escape", "back", N_("Back"), tooltip=N_("Back to the previous screen"), id="quarantine.back",
                group=NAVIGATION),
        Binding("r", "retry", N_("Retry"), tooltip=N_("Run the intake again on the selected message"),
                id="quarantine.retry"),  # fmt: skip
        Binding("t", "make_ticket", N_("Ticket"), tooltip=N_("Make a ticket of the selected message by hand"),
                id="quarantine.ticket", group=TICKET),  # fmt: skip
        Binding("d", "discard", N_("Discard"), tooltip=N_("Discard the selected message, saying why (kept 30 days)"),
                id="quarantine.discard", group=TICKET),  # fmt: skip
        Binding("f", "toggle_all", N_("All/waiting"),
                tooltip=N_("Show every quarantined message (stored and discarded too), or only those waiting"),
                id="quarantine.filter", group=FILTERS),  # fmt: skip
    ]

    class Loaded(Message):
        def __init__(self, items: list[quarantine.QuarantineItem], waiting: int) -> None:
            super().__init__()
            self.items = items
            self.waiting = waiting

    class DetailLoaded(Message):
        def __init__(self, detail: quarantine.QuarantineDetail) -> None:
            super().__init__()
            self.detail = detail

    class Retried(Message):
        def __init__(self, qid: int, ticket_number: int | None, reason: str | None) -> None:
            super().__init__()
            self.qid = qid
            self.ticket_number = ticket_number
            self.reason = reason

    def __init__(self, *, show_all: bool = False) -> None:
        super().__init__()
        self.show_all = show_all
        self.items: list[quarantine.QuarantineItem] = []
        self._shown_id: int | None = None

    def compose_body(self):
        with Vertical(id="quarantine-body"):
            yield Label(id="quarantine-title", markup=False)
            yield OptionList(id="quarantine-list", markup=False)
            with VerticalScroll(id="quarantine-detail-box", can_focus=True):
                yield Static(id="quarantine-detail", markup=False)

    @property
    def listing(self) -> OptionList:
        return self.query_one("#quarantine-list", OptionList)

    def on_mount(self) -> None:
        self.listing.focus()
        self.load_items()

    def on_tickets_changed(self, message: TicketsChanged) -> None:
        self.load_items()

    # --- loading --------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="quarantine-load", exit_on_error=False, description="load the quarantine")
    def load_items(self) -> None:
        items = quarantine.list_quarantine(include_resolved=self.show_all, include_discarded=self.show_all)
        waiting = quarantine.count_open()
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(items, waiting))

    def on_quarantine_screen_loaded(self, message: Loaded) -> None:
        keep = self.selected_id()
        self.items = message.items
        title = ngettext("Quarantine: {n} message waiting", "Quarantine: {n} messages waiting", message.waiting).format(
            n=message.waiting
        )
        scope = _("showing all") if self.show_all else _("showing those waiting")
        self.query_one("#quarantine-title", Label).update(
            Content.assemble(Content.styled(title, "bold"), Content.styled(f"  ({scope}, " + _("f switches") + ")", "dim"))
        )
        listing = self.listing
        listing.clear_options()
        listing.add_options([Option(self._row(item), id=str(item.id)) for item in self.items])
        ids = [item.id for item in self.items]
        listing.highlighted = ids.index(keep) if keep in ids else (0 if ids else None)
        self._show_selected()
        self.refresh_bindings()

    def _row(self, item: quarantine.QuarantineItem) -> Content:
        """Two lines: number, time, state, sender and subject; then the reason."""
        tz = self.app.desk.regulation.timezone
        width = max(30, (self.listing.content_size.width or 76) - 2)
        when = day_and_time(item.received_at, tz, self.app.now())
        if item.ticket_number:
            state = Content.styled(_("stored in #{number}").format(number=item.ticket_number), "$text-success")
        elif item.discarded_at:
            state = Content.styled(_("discarded"), "dim")
        else:
            state = Content.styled(_("quarantined"), "$text-warning")
        first = Content.assemble(
            Content.styled(f"{item.id:>4}  ", "bold"),
            Content(f"{when}  "),
            state,
            Content("  "),
            literal(item.sender or item.source, single_line=True, style="dim"),
            Content("  "),
            literal(item.subject, single_line=True),
        ).truncate(width, ellipsis=True)
        reason = literal(describe_reason(item.reason), single_line=True)
        second = Content.assemble(Content("      "), reason).truncate(width, ellipsis=True)
        return Content.assemble(first, Content("\n"), second)

    def selected(self) -> quarantine.QuarantineItem | None:
        if not self.items or not self.is_mounted:
            return None
        row = self.listing.highlighted
        return self.items[row] if row is not None and 0 <= row < len(self.items) else None

    def selected_id(self) -> int | None:
        item = self.selected()
        return item.id if item else None

    @on(OptionList.OptionHighlighted, "#quarantine-list")
    def _highlighted(self) -> None:
        self._show_selected()
        self.refresh_bindings()

    @on(OptionList.OptionSelected, "#quarantine-list")
    def _chosen(self) -> None:
        self.query_one("#quarantine-detail-box").focus()

    def _show_selected(self) -> None:
        item = self.selected()
        detail = self.query_one("#quarantine-detail", Static)
        if item is None:
            self._shown_id = None
            detail.update(Content.styled(_("Nothing in quarantine: every message was read and stored."), "dim italic"))
            return
        if item.id != self._shown_id:
            self._shown_id = item.id
            detail.update(Content.styled(_("Loading…"), "dim"))
            self.load_detail(item.id)

    @work(thread=True, exclusive=True, group="quarantine-detail", exit_on_error=False, description="load a quarantined message")
    def load_detail(self, qid: int) -> None:
        detail = quarantine.show_quarantined(qid)
        if not get_current_worker().is_cancelled:
            self.post_message(self.DetailLoaded(detail))

    def on_quarantine_screen_detail_loaded(self, message: DetailLoaded) -> None:
        detail = message.detail
        if detail.item.id != self._shown_id:
            return
        item = detail.item
        tz = self.app.desk.regulation.timezone

        def fact(label: str, value: Content) -> Content:
            return Content.assemble(Content.styled(f"{label}: ", "bold"), value, Content("\n"))

        parts = [
            fact(_("Reason"), literal(describe_reason(item.reason))),
            fact(_("Received"), Content(day_and_time(item.received_at, tz, self.app.now()))),
            fact(_("Source"), literal(item.source, single_line=True)),
            fact(_("Sender"), literal(item.sender or "—", single_line=True)),
            fact(_("Subject"), literal(item.subject or "—", single_line=True)),
            fact(_("Size"), Content(ngettext("{n} byte", "{n} bytes", item.size).format(n=item.size))),
        ]
        if item.ticket_number:
            parts.append(fact(_("Stored"), Content(_("in ticket #{number}").format(number=item.ticket_number))))
            if item.handled_by:
                parts.append(fact(_("Made by hand by"), literal(item.handled_by, single_line=True)))
        elif item.discarded_at:
            parts.append(fact(_("Discarded"), Content.assemble(
                Content(day_and_time(item.discarded_at, tz, self.app.now()) + " · "),
                literal(item.handled_by or "", single_line=True),
                Content(" · "),
                literal(item.discard_reason or "", single_line=True),
            )))  # fmt: skip
            parts.append(fact(_("Deleted for good"), Content(day_and_time(item.purge_at, tz, self.app.now()))))
        elif item.retried_at:
            parts.append(fact(_("Last retry"), Content(day_and_time(item.retried_at, tz, self.app.now()))))
        parts.append(Content.styled("\n" + _("The message as received:") + "\n", "bold"))
        parts.append(literal(detail.text))
        if detail.truncated:
            parts.append(Content.styled("\n" + _("[… cut here: `helpdesk quarantine show ID --raw` gives it whole]"), "dim"))
        self.query_one("#quarantine-detail", Static).update(Content.assemble(*parts))

    # --- keys -----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("retry", "make_ticket", "discard"):
            item = self.selected()
            return item is not None and item.waiting
        return True

    def action_back(self) -> None:
        if self.focused is not None and self.focused.id == "quarantine-detail-box":
            self.listing.focus()  # Enter went into the message: Escape comes back to the list
            return
        if self.app.screen is self and len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def action_toggle_all(self) -> None:
        self.show_all = not self.show_all
        self.load_items()

    def action_retry(self) -> None:
        item = self.selected()
        if item is None or not item.waiting:
            return
        self.retry_item(item.id)

    def action_make_ticket(self) -> None:
        item = self.selected()
        if item is None or not item.waiting:
            return

        def made(number: int | None) -> None:
            if number is not None:
                self.notify(_("Ticket #{number} made of message {id}.").format(number=number, id=item.id), markup=False)
                self.app.post_message(TicketsChanged((number,)))
                self._shown_id = None
                self.load_items()

        self.app.push_screen(QuarantineTicketModal(item), made)

    def action_discard(self) -> None:
        item = self.selected()
        if item is None or not item.waiting:
            return

        def discarded(qid: int | None) -> None:
            if qid is not None:
                self.notify(_("Message {id} discarded.").format(id=qid), markup=False)
                self._shown_id = None
                self.load_items()

        self.app.push_screen(DiscardQuarantinedModal(item), discarded)

    @work(thread=True, exclusive=True, group="quarantine-retry", exit_on_error=False, description="retry a quarantined message")
    def retry_item(self, qid: int) -> None:
        try:
            result = retry_quarantined(self.app.desk, qid)
        except HelpdeskError as exc:
            self.post_message(self.Retried(qid, None, describe(exc)))
            return
        reason = getattr(result, "reason", None)
        self.post_message(self.Retried(qid, result.ticket_number, describe_reason(reason) if reason else None))

    def on_quarantine_screen_retried(self, message: Retried) -> None:
        if message.ticket_number is not None:
            self.notify(_("Message {id} stored in ticket #{number}.").format(id=message.qid, number=message.ticket_number),
                        markup=False)  # fmt: skip
            self.app.post_message(TicketsChanged((message.ticket_number,)))
        else:
            reason = clean(message.reason or "", single_line=True)
            self.notify(_("Message {id} is still quarantined: {reason}").format(id=message.qid, reason=reason),
                        severity="warning", markup=False, timeout=8)  # fmt: skip
        self._shown_id = None
        self.load_items()
