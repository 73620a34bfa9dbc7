"""The queue: status tabs with counts, filters, search, sort, and the virtual ticket table.

Data comes from ``data.queue`` in thread workers: ``load_queue`` (counts and the page around
the cursor, whenever the filter changes or ``TicketsChanged`` arrives) and ``load_pages``
(pages the table asks for while scrolling, by keyset from a page it holds, the last one read
backwards). The tab counts are kept per filter (``data.queue.TabCounts``): a tab or an order
changes no count, and they are counted again only after ``TicketsChanged``. The table keeps only
a few pages; the countdown column ticks from the App's ``now_tick`` without a query.

The team's marks come with them (data/team/): which rows are unread to this agent (one query a
page) and how many each tab holds, where the agent has a draft, and (from the App's heartbeats,
no query) which tickets a colleague has open: the table repaints for those only when they differ.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Label, Tab, Tabs
from textual.worker import get_current_worker

from helpdesk.data.read import queue as dq
from helpdesk.data.team import drafts, seen
from helpdesk.screens.assign_agent import AssignAgentModal, assignment, confirm_take
from helpdesk.screens.choose_option import Choice, ChooseOptionModal
from helpdesk.screens.conflict import WritesTicketChanges
from helpdesk.screens.queue_picks import PICK_BINDINGS, PicksTickets
from helpdesk.screens.queue_views import VIEW_BINDINGS, SavesViews
from helpdesk.tui.i18n import N_, NP_, _, current_language, ngettext, pgettext
from helpdesk.tui.keys import FILTERS, NAVIGATION, TICKET
from helpdesk.tui.labels import channel_label, scope_label
from helpdesk.tui.messages import MarksChanged, PresenceChanged, TicketsChanged
from helpdesk.tui.screen_base import BaseScreen
from helpdesk.tui.text import literal, marked
from helpdesk.tui.timefmt import compact_duration
from helpdesk.tui.widgets.empty_queue import FILTERED, STORE, TAB, EmptyQueue, EmptyQueueState
from helpdesk.tui.widgets.filter_pick import FilterPick, fit_widths
from helpdesk.tui.widgets.ticket_table import FLAG_SYMBOLS, MARK_SYMBOLS, PAGE_SIZE, TicketTable, flag_legend, status_short
from helpdesk.tui.stylesheets import stylesheet

TAB_TITLES = {
    "new": NP_("queue tab", "New"),
    "open": NP_("queue tab", "Open"),
    "waiting": NP_("queue tab", "Waiting"),
    "resolved": NP_("queue tab", "Finished"),
    "all": NP_("queue tab", "All"),
}
SORT_TITLES = {"due": N_("countdown"), "age": N_("age"), "number": N_("number"), dq.RELEVANCE: N_("relevance")}
MATCH_FIELDS = {"subject": N_("in the subject"), "body": N_("in the messages"), "notes": N_("in the notes"),
                "people": N_("in the customer")}
ASSIGNEE_TITLES = {"anyone": N_("Anyone"), "mine": N_("Mine"), "unassigned": N_("Unassigned")}
ANY = "*"
NO_PRODUCT = "-"
SEARCH_DELAY = 0.3


@dataclass(frozen=True)
class Marks:
    """The agent's marks loaded with the queue: unread rows among those asked about, unread per tab, drafts."""

    unread: frozenset[int]
    unread_tabs: dict[str, int]
    drafts: frozenset[int]


def load_marks(f: dq.QueueFilter, numbers) -> Marks:
    return Marks(seen.unread(f.agent, numbers), seen.unread_by_tab(f, f.agent), drafts.numbers(f.agent))


def has_filters(f: dq.QueueFilter) -> bool:
    return bool(f.product is not None or f.channel or f.assignee != "anyone" or f.flag or f.search.strip()
                or f.scope is not None)


def empty_state(snap: dq.QueueSnapshot, filter_words: list[str]) -> EmptyQueueState | None:
    """Why the loaded queue shows no rows (None: it shows some).

    Without filters, no ticket in the "all" tab means none in the store: the way in. Otherwise
    the tabs holding tickets (under the same filters) are named with their keys."""
    if snap.total:
        return None
    f = snap.filter
    elsewhere = tuple(
        (str(i), pgettext(*TAB_TITLES[tab]), snap.counts[tab])
        for i, tab in enumerate(dq.TABS, start=1)
        if tab != f.tab and snap.counts.get(tab)
    )
    title = pgettext(*TAB_TITLES[f.tab])
    if not has_filters(f):
        return EmptyQueueState(STORE) if not snap.counts.get("all") else EmptyQueueState(TAB, title, elsewhere=elsewhere)
    return EmptyQueueState(FILTERED, title, search=f.search, filters=tuple(filter_words), elsewhere=elsewhere)


class QueueScreen(PicksTickets, SavesViews, WritesTicketChanges, BaseScreen):
    """The ticket queue, the app's base screen."""

    HELP_TITLE = N_("Queue")
    MAIN_WIDGET = "#queue-table"

    CSS_PATH = stylesheet("queue.tcss")

    BINDINGS = [
        Binding("n", "new_ticket", N_("New"), tooltip=N_("Register a new ticket (a phone call, a visit)"), id="queue.new", group=TICKET),
        Binding("slash", "focus_search", N_("Search"), tooltip=N_("Search subjects, customers, messages, notes and numbers"),
                id="queue.search", group=FILTERS),
        Binding("s", "cycle_sort", N_("Sort"), tooltip=N_("Sort by countdown, age or number"), id="queue.sort", group=FILTERS),
        Binding("S", "reverse_sort", N_("Reverse order"), show=False, tooltip=N_("Reverse the sort order"), id="queue.reverse", group=FILTERS),
        Binding("m", "cycle_assignee", N_("Mine"), show=False, tooltip=N_("Show anyone's, mine, or unassigned tickets"), id="queue.assignee", group=FILTERS),
        Binding("f", "cycle_flag", N_("Flags"), show=False, tooltip=N_("Show only tickets whose product's support ended, or received out of hours"), id="queue.flag", group=FILTERS),
        Binding("t", "next_tab", N_("Tabs"), tooltip=N_("New, Open, Waiting, Finished, All"), id="queue.next_tab", group=NAVIGATION),
        Binding("1", "show_tab('new')", N_("New tab"), show=False, tooltip=N_("Tickets nobody has answered yet"), id="queue.tab_new", group=NAVIGATION),
        Binding("2", "show_tab('open')", N_("Open tab"), show=False, tooltip=N_("Tickets being worked on"), id="queue.tab_open", group=NAVIGATION),
        Binding("3", "show_tab('waiting')", N_("Waiting tab"), show=False, tooltip=N_("Tickets waiting for the customer"), id="queue.tab_waiting", group=NAVIGATION),
        Binding("4", "show_tab('resolved')", N_("Finished tab"), show=False, tooltip=N_("Resolved, closed and rejected tickets"), id="queue.tab_resolved", group=NAVIGATION),
        Binding("5", "show_tab('all')", N_("All tab"), show=False, tooltip=N_("Every ticket"), id="queue.tab_all", group=NAVIGATION),
        Binding("p", "pick('filter-product')", N_("Product filter"), show=False, tooltip=N_("Choose a product to show"), id="queue.product", group=FILTERS),
        Binding("c", "pick('filter-channel')", N_("Channel filter"), show=False, tooltip=N_("Choose a channel to show"), id="queue.channel", group=FILTERS),
        Binding("o", "pick_scope", N_("Scope filter"), show=False, tooltip=N_("Show one scope category (regulation 1.4)"), id="queue.scope", group=FILTERS),
        Binding("x", "clear_filters", N_("Clear filters"), show=False, tooltip=N_("Show every ticket of the tab again"), id="queue.clear", group=FILTERS),
        Binding("r,f5", "refresh", N_("Refresh"), show=False, tooltip=N_("Reload the queue now"), id="queue.refresh", group=NAVIGATION),
        Binding("A", "assign", N_("Assign"), show=False, tooltip=N_("Assign the ticket under the cursor, or unassign it"),
                id="queue.assign", group=TICKET),
        *PICK_BINDINGS,  # bulk work: screens/queue_picks.py
        *VIEW_BINDINGS,  # saved views: screens/queue_views.py
    ]

    @dataclass
    class QueueLoaded(Message):
        generation: int
        snapshot: dq.QueueSnapshot
        marks: Marks

    @dataclass
    class PagesLoaded(Message):
        generation: int
        pages: dict
        failed: tuple = ()
        unread: frozenset = frozenset()

    def __init__(self, *, name: str | None = None, id: str | None = "queue-screen") -> None:
        super().__init__(name=name, id=id)
        self.filter = dq.QueueFilter()
        self.generation = 0
        self.counts: dict[str, int] = {}
        self.loaded = False
        self._search_timer: Timer | None = None
        self._match_shown = ""
        self._sort_chosen = False  # the agent picked an order: a search keeps it (else: best match first)
        self._loaded_filter = self.filter
        self.unread_tabs: dict[str, int] = {}
        self._tab_labels: dict[str, str] = {}  # as shown: a reload that changes nothing repaints no tab
        self.init_picks()
        self.init_views()
        self.tab_counts = dq.TabCounts()  # per filter, until tickets change

    # --- layout -------------------------------------------------------------------------

    def compose_body(self) -> ComposeResult:
        desk = self.app.desk
        self.filter = dq.QueueFilter(agent=desk.agent)
        yield Tabs(*[Tab(pgettext(*TAB_TITLES[t]), id=f"tab-{t}") for t in dq.TABS], id="queue-tabs")
        with Horizontal(id="queue-filters"):
            search = Input(placeholder=_("Search…"), id="queue-search", compact=True)
            search.tooltip = _("Search subjects, customers, messages, notes and numbers: words find their beginnings,"
                               " \"a phrase\" its words in order, #123 a ticket")
            yield search
            products = [(literal(p), p) for p in (r.name for r in desk.regulation.products)]
            yield self._select("filter-product", [(_("Any product"), ANY), *products, (_("No product"), NO_PRODUCT)],
                               _("Show one product's tickets (p)"))
            channels = [(Content(channel_label(c)), c) for c in desk.regulation.channels]
            yield self._select("filter-channel", [(_("Any channel"), ANY), *channels], _("Show one channel's tickets (c)"))
            yield self._select("filter-assignee", [(_(ASSIGNEE_TITLES[a]), a) for a in dq.ASSIGNEE_CHOICES],
                               _("Anyone's, mine or unassigned tickets (m)"))
            flags = [(f"{FLAG_SYMBOLS[f][0]} {_(FLAG_SYMBOLS[f][1])}", f) for f in dq.FLAGS]
            yield self._select("filter-flag", [(_("Any flags"), ANY), *flags],
                               _("Tickets with a flag (f)") + "\n" + flag_legend())
        yield TicketTable(desk.calendar, stale_days=desk.regulation.waiting_stale_days, id="queue-table")
        yield Label(id="queue-picked", markup=False)
        yield Label(id="queue-match", markup=False)

        yield EmptyQueue(id="queue-empty")
        yield Label(id="queue-details", markup=False)

    def _select(self, id: str, options, tooltip: str) -> FilterPick:
        pick = FilterPick(options, id=id)
        pick.tooltip = tooltip
        return pick

    @property
    def table(self) -> TicketTable:
        return self.query_one("#queue-table", TicketTable)

    @property
    def loading(self) -> bool:
        """Whether the queue is still loading what the screen shows (its filter, or rows on screen)."""
        return not self.loaded or self.table.generation != self.generation or self.table.loading

    def on_mount(self) -> None:
        self.table.now = self.app.now()
        self.watch(self.app, "now_tick", self._on_tick, init=False)
        self.table.set_marks(viewed=frozenset(h.number for h in self.app.here))
        self.table.focus()
        self.query_one("#queue-picked", Label).display = False
        self.reload(cursor=0)
        self.load_saved_views()

    def on_resize(self) -> None:
        self._fit_filters()

    def _fit_filters(self) -> None:
        """Each filter shows its choice uncut when the bar has room; else the widest give way
        (the search keeps its minimum width)."""
        picks = list(self.query_one("#queue-filters").query_children(FilterPick))
        search = self.query_one("#queue-search", Input)
        margins = sum(pick.styles.margin.right for pick in picks) + search.styles.margin.right
        room = self.size.width - int(search.styles.min_width.value if search.styles.min_width else 0) - margins
        cap = fit_widths([pick.natural_width() for pick in picks], room)
        for pick in picks:
            pick.styles.max_width = cap

    def _on_tick(self, now: datetime | None) -> None:
        if now is not None:
            self.table.now = now

    # --- loading ------------------------------------------------------------------------

    def reload(self, *, keep_number: int | None = None, cursor: int | None = None) -> None:
        """Reload counts and the visible page for the current filter (in a worker)."""
        self.generation += 1
        table = self.table
        if cursor is None and keep_number is None:
            row = table.cursor_ticket
            keep_number = row.number if row else None
        offset = (cursor if cursor is not None else table.cursor_row)
        self.load_queue(self.filter, self.generation, keep_number, offset, cursor)

    @work(thread=True, exclusive=True, group="queue-load", exit_on_error=False, description="load the queue")
    def load_queue(self, f: dq.QueueFilter, generation: int, keep_number: int | None, offset: int,
                   cursor: int | None) -> None:
        snapshot = dq.load_snapshot(f, offset=offset, limit=PAGE_SIZE, keep_number=keep_number, counts=self.tab_counts)
        if snapshot.cursor_index is None:
            snapshot = dq.QueueSnapshot(snapshot.filter, snapshot.counts, snapshot.total, snapshot.offset,
                                        snapshot.rows, offset if cursor is None else cursor)
        marks = load_marks(f, [row.number for row in snapshot.rows])
        if not get_current_worker().is_cancelled:
            self.post_message(self.QueueLoaded(generation, snapshot, marks))

    @on(QueueLoaded)
    def _queue_loaded(self, message: QueueLoaded) -> None:
        if message.generation != self.generation:
            return
        snap = message.snapshot
        self._loaded_filter = snap.filter
        self.counts = snap.counts
        self.loaded = True
        table = self.table
        table.sort = snap.filter.sort
        table.reverse = snap.filter.reverse
        table.reset(message.generation, snap.total, snap.offset, snap.rows, snap.cursor_index)
        self._show_empty(snap)
        self._show_marks(message.marks)
        self._update_facts()

    def _show_empty(self, snap: dq.QueueSnapshot) -> None:
        """No rows: the table keeps its header (and the focus), the EmptyQueue says why and what now."""
        state = empty_state(snap, self._filter_words(snap.filter))
        self.table.set_class(state is not None, "-empty")
        empty = self.query_one(EmptyQueue)
        if state is None:
            empty.hide()
        else:
            empty.show(state)

    def _show_marks(self, marks: Marks) -> None:
        self.table.set_marks(unread=marks.unread, drafts=marks.drafts)
        self.unread_tabs = marks.unread_tabs
        self._update_tabs()
        self._show_details(self.table.cursor_ticket)

    @on(TicketTable.PagesWanted)
    def _pages_wanted(self, message: TicketTable.PagesWanted) -> None:
        if message.generation != self.generation:
            return
        self.load_pages(self._loaded_filter, message.generation, self.table.total, message.requests)

    @work(thread=True, group="queue-pages", exit_on_error=False, description="load queue pages")
    def load_pages(self, f: dq.QueueFilter, generation: int, total: int, requests) -> None:
        pages: dict[int, list[dq.QueueRow]] = {}
        unread: set[int] = set()
        try:
            for page, after, before in requests:
                if get_current_worker().is_cancelled:
                    break
                pages[page] = rows = dq.fetch_page(f, page, PAGE_SIZE, total, after=after, before=before)
                unread |= seen.unread(f.agent, [row.number for row in rows])
        except Exception:
            self.post_message(self.PagesLoaded(generation, pages, tuple(r[0] for r in requests if r[0] not in pages)))
            raise
        self.post_message(self.PagesLoaded(generation, pages, unread=frozenset(unread)))

    @on(PagesLoaded)
    def _pages_loaded(self, message: PagesLoaded) -> None:
        table = self.table
        table.forget_pending(message.generation, message.failed)
        if message.generation == table.generation:
            table.set_marks(unread=table.unread | message.unread)
        table.add_pages(message.generation, message.pages)

    def on_tickets_changed(self, message: TicketsChanged) -> None:
        """Someone (we, or another process) changed tickets: count again and reload, keeping the
        ticket under the cursor."""
        self.tab_counts.forget()
        self.reload()

    def on_marks_changed(self, message: MarksChanged) -> None:
        """The agent opened a ticket, or saved or dropped a draft (or the App took their unread
        baseline): reload, so that a load still under way with the old marks is dropped."""
        self.reload()

    def on_presence_changed(self, message: PresenceChanged) -> None:
        self.table.set_marks(viewed=frozenset(h.number for h in message.here))
        self._show_details(self.table.cursor_ticket)

    # --- header, tabs, details ----------------------------------------------------------

    def _has_filters(self) -> bool:
        return has_filters(self.filter)

    def _filter_words(self, f: dq.QueueFilter) -> list[str]:
        """The filters but the search, in words."""
        active = []
        if f.product is not None:
            active.append(f.product or _("No product"))
        if f.channel:
            active.append(channel_label(f.channel))
        if f.assignee != "anyone":
            active.append(_(ASSIGNEE_TITLES[f.assignee]))
        if f.flag:
            active.append(_(FLAG_SYMBOLS[f.flag][1]))
        if f.scope is not None:
            active.append(scope_label(self.app.desk.regulation, f.scope) if f.scope else _("scope not set"))
        return active

    def _update_tabs(self) -> None:
        tabs = self.query_one("#queue-tabs", Tabs)
        for tab_key in dq.TABS:
            label = Content.assemble(pgettext(*TAB_TITLES[tab_key]), " ", (str(self.counts.get(tab_key, 0)), "dim"))
            unread = self.unread_tabs.get(tab_key, 0)
            if unread:
                label += Content.styled(f" {MARK_SYMBOLS['unread'][0]}{unread}", "bold $text-accent")
            if self._tab_labels.get(tab_key) != label.markup:
                self._tab_labels[tab_key] = label.markup
                tabs.query_one(f"#tab-{tab_key}", Tab).label = label
        active = f"tab-{self.filter.tab}"
        if tabs.active != active:
            with tabs.prevent(Tabs.TabActivated):
                tabs.active = active

    def _update_facts(self) -> None:
        f = self.filter
        total = self.counts.get(f.tab, 0)
        parts = [ngettext("{n} ticket", "{n} tickets", total).format(n=total)]
        order = _(SORT_TITLES[f.sort])
        parts.append(_("sorted by {order}").format(order=order) + (_(", reversed") if f.reverse else ""))
        active = self._filter_words(f)
        if f.search.strip():
            active.append(_("“{search}”").format(search=f.search.strip()))
        facts = Content(" · ".join(parts))
        if active:
            facts = facts + Content(" · " + _("filters: ")) + literal(", ".join(active), single_line=True)
        self.set_facts(facts)

    @on(TicketTable.TicketHighlighted)
    def _highlighted(self, message: TicketTable.TicketHighlighted) -> None:
        self._show_details(message.row)

    def _show_match(self, row: dq.QueueRow | None) -> None:
        """While searching: where the row under the cursor matched, on a line of its own."""
        label = self.query_one("#queue-match", Label)
        match = row.match if row is not None else None
        if match is None:
            label.display = False
            return
        shown = match.snippet or match.subject  # a snippet says more: the table shows the subject's marks
        text = Content(_(MATCH_FIELDS[shown.field]) + ": ") + marked(shown.parts(), mark="bold reverse")
        if text.markup != self._match_shown:  # the same words: no repaint
            self._match_shown = text.markup
            label.update(text)
        label.display = True

    def _show_details(self, row: dq.QueueRow | None) -> None:
        self._show_match(row)
        label = self.query_one("#queue-details", Label)
        if row is None:
            label.update("")
            return
        now = self.table.now or self.app.now()
        who = row.customer_name or ""
        if row.customer_email:
            who = f"{who} <{row.customer_email}>" if who else row.customer_email
        pieces = [
            f"#{row.number}",
            row.product or _("no product"),
            channel_label(row.channel),
            status_short(row.status),
            _("assignee: {login}").format(login=row.assignee) if row.assignee else _("unassigned"),
            _("received {duration} ago").format(duration=compact_duration(now - row.created_at)),
            who,
        ]
        flags = [f"{FLAG_SYMBOLS[f][0]} {_(FLAG_SYMBOLS[f][1])}" for f in row.flags]
        if row.priority == "high":
            flags.insert(0, f"{FLAG_SYMBOLS['high'][0]} {_(FLAG_SYMBOLS['high'][1])}")
        table = self.table
        for name, numbers in (("unread", table.unread), ("draft", table.drafts)):
            if row.number in numbers:
                flags.append(f"{MARK_SYMBOLS[name][0]} {_(MARK_SYMBOLS[name][1])}")
        viewers = sorted({h.agent for h in self.app.here if h.number == row.number})
        if viewers:
            flags.append(f"{MARK_SYMBOLS['viewed'][0]} " + _("open by {agents}").format(agents=", ".join(viewers)))
        text = literal(" · ".join(pieces + flags), single_line=True)
        if text.plain != str(label.render()):  # the same words: no repaint
            label.update(text)

    # --- filters ------------------------------------------------------------------------

    def apply_filter(self, *, cursor: int | None = 0, **changes) -> None:
        """Change the filter and reload (the cursor goes to the top unless told otherwise)."""
        new = self.filter.with_(**changes)
        if new == self.filter:
            return
        self.filter = new
        self._sync_controls()
        self._fit_filters()
        self.reload(cursor=cursor)

    def _sync_controls(self) -> None:
        f = self.filter
        values = {
            "#filter-product": ANY if f.product is None else (f.product or NO_PRODUCT),
            "#filter-channel": f.channel or ANY,
            "#filter-assignee": f.assignee,
            "#filter-flag": f.flag or ANY,
        }
        for selector, value in values.items():
            pick = self.query_one(selector, FilterPick)
            if pick.value != value:
                with pick.prevent(FilterPick.Changed):
                    pick.value = value
        search = self.query_one("#queue-search", Input)
        if search.value != f.search:
            with search.prevent(Input.Changed):
                search.value = f.search

    @on(Tabs.TabActivated, "#queue-tabs")
    def _tab_activated(self, event: Tabs.TabActivated) -> None:
        tab = (event.tab.id or "tab-new").removeprefix("tab-")
        if tab in dq.TABS and tab != self.filter.tab:
            self.apply_filter(tab=tab)

    @on(FilterPick.Changed)
    def _select_changed(self, event: FilterPick.Changed) -> None:
        value = event.value
        key = event.pick.id
        if key == "filter-product":
            self.apply_filter(product=None if value == ANY else ("" if value == NO_PRODUCT else value))
        elif key == "filter-channel":
            self.apply_filter(channel=None if value == ANY else value)
        elif key == "filter-assignee":
            self.apply_filter(assignee=value)
        elif key == "filter-flag":
            self.apply_filter(flag=None if value == ANY else value)
        self.table.focus()  # back to the list: the choice is made

    @on(Input.Changed, "#queue-search")
    def _search_changed(self, event: Input.Changed) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        value = event.value
        self._search_timer = self.set_timer(SEARCH_DELAY, lambda: self.apply_search(value))

    @on(Input.Submitted, "#queue-search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        self.apply_search(event.value)
        self.table.focus()

    def apply_search(self, text: str, **changes) -> None:
        """Search (or stop searching): best match first unless the agent picked an order; back to
        the countdown order when the search is cleared."""
        searching = bool(text.strip())
        sort = self.filter.sort
        if searching and not self._sort_chosen and sort == "due" and not self.filter.reverse:
            sort = dq.RELEVANCE
        elif not searching and sort == dq.RELEVANCE:
            sort = "due"
        self.apply_filter(search=text, sort=sort, **changes)

    def _choose_sort(self, sort: str) -> None:
        self._sort_chosen = True
        self.apply_filter(sort=sort, reverse=False)

    # --- actions ------------------------------------------------------------------------

    @on(TicketTable.TicketChosen)
    def _chosen(self, message: TicketTable.TicketChosen) -> None:
        self.app.open_ticket(message.number)

    @on(TicketTable.SortClicked)
    def _sort_clicked(self, message: TicketTable.SortClicked) -> None:
        if message.sort == self.filter.sort:
            self.apply_filter(reverse=not self.filter.reverse)
        else:
            self.apply_filter(sort=message.sort, reverse=False)
        self._sort_chosen = True

    def action_new_ticket(self) -> None:
        self.app.new_ticket()

    def action_focus_search(self) -> None:
        self.query_one("#queue-search", Input).focus()

    def action_cycle_sort(self) -> None:
        sorts = dq.SORTS
        if self.filter.search.strip():
            sorts = (*sorts, dq.RELEVANCE)
        current = sorts.index(self.filter.sort) if self.filter.sort in sorts else -1
        self._sort_chosen = True
        self.apply_filter(sort=sorts[(current + 1) % len(sorts)], reverse=False)

    def action_reverse_sort(self) -> None:
        if self.filter.by_relevance:
            return  # best match first has no reverse worth showing
        self.apply_filter(reverse=not self.filter.reverse)

    def action_cycle_assignee(self) -> None:
        choices = dq.ASSIGNEE_CHOICES
        self.apply_filter(assignee=choices[(choices.index(self.filter.assignee) + 1) % len(choices)])

    def action_cycle_flag(self) -> None:
        choices = (None, *dq.FLAGS)
        self.apply_filter(flag=choices[(choices.index(self.filter.flag) + 1) % len(choices)])

    def action_next_tab(self) -> None:
        tabs = dq.TABS
        self.apply_filter(tab=tabs[(tabs.index(self.filter.tab) + 1) % len(tabs)])

    def action_show_tab(self, tab: str) -> None:
        if tab in dq.TABS:
            self.apply_filter(tab=tab)

    def action_pick(self, select_id: str) -> None:
        pick = self.query_one(f"#{select_id}", FilterPick)
        pick.focus()
        pick.action_open()

    def action_clear_filters(self) -> None:
        self.apply_search("", product=None, channel=None, assignee="anyone", flag=None, scope=None)

    def action_pick_scope(self) -> None:
        """Filter by scope category: a picker of the regulation's categories (workflow)."""
        lang = current_language()
        regulation = self.app.desk.regulation
        choices = [Choice(ANY, _("Any scope category"))]
        for in_scope, heading in ((True, _("In scope of support (regulation 1.4)")), (False, _("Out of scope"))):
            choices.append(Choice(None, heading, heading=True))
            choices += [Choice(c.key, c.label(lang)) for c in regulation.scope if c.in_scope == in_scope]
        choices += [Choice(None, _("Not decided"), heading=True), Choice(NO_PRODUCT, _("scope not set"))]
        current = ANY if self.filter.scope is None else (self.filter.scope or NO_PRODUCT)

        def chosen(choice: Choice | None) -> None:
            if choice is not None:
                self.apply_filter(scope=None if choice.value == ANY else ("" if choice.value == NO_PRODUCT else choice.value))

        self.app.push_screen(ChooseOptionModal(_("Show tickets of the scope category"), choices, current=current), chosen)

    def action_refresh(self) -> None:
        self.tab_counts.forget()
        self.reload()

    def action_assign(self) -> None:
        """Assign the ticket under the cursor, on the row as the agent sees it (its read point)."""
        row = self.table.cursor_ticket
        if row is None or self.writing:
            return
        read, current, me = row.read, row.assignee, self.app.desk.agent

        def chosen(choice: Choice | None) -> None:
            if choice is None or choice.value == current:
                return
            change = assignment(read, choice.value, me)
            if choice.value == me and current is not None:
                confirm_take(self.app, row.number, current, lambda: self.write_change(change))
            else:
                self.write_change(change)

        self.app.push_screen(AssignAgentModal(row.number, current), chosen)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        picking = self.check_pick_action(action)
        if picking is not None:
            return picking
        if action == "focus_search":
            return not self.query_one("#queue-search", Input).has_focus
        if action == "clear_filters":
            return self._has_filters()
        return True

    def filter_words(self, f: dq.QueueFilter) -> str:
        """A filter in a few words, its tab, filters, search and order (the saved views are listed so)."""
        words = [pgettext(*TAB_TITLES[f.tab]), *self._filter_words(f)]
        if f.search.strip():
            words.append(_("“{text}”").format(text=f.search.strip()))
        words.append(_(SORT_TITLES[f.sort]) + (_(", reversed") if f.reverse else ""))
        return literal(" · ".join(words), single_line=True).plain

    def palette_commands(self):
        """Extra palette entries: saved views, bulk changes, one per sort and filter value (the tabs
        are keys 1-5)."""
        yield from self.view_palette()
        yield from self.pick_palette()
        for sort in dq.SORTS:
            yield (_("Sort by {order}").format(order=_(SORT_TITLES[sort])), "",
                   lambda sort=sort: self._choose_sort(sort))
        for product in (p.name for p in self.app.desk.regulation.products):
            yield (_("Filter by product: {product}").format(product=product), "",
                   lambda product=product: self.apply_filter(product=product))
        for channel in self.app.desk.regulation.channels:
            yield (_("Filter by channel: {channel}").format(channel=channel_label(channel)), "",
                   lambda channel=channel: self.apply_filter(channel=channel))
        for category in self.app.desk.regulation.scope:
            yield (_("Filter by scope category: {category}").format(category=category.label(current_language())), "",
                   lambda key=category.key: self.apply_filter(scope=key))
