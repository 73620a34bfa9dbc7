"""Bulk work in the queue: pick tickets, then change all of them at once.

``PicksTickets`` is mixed into the queue screen (screens/queue.py adds ``PICK_BINDINGS`` to its
own). ``space`` picks or unpicks the row under the cursor and moves down, ``shift+up/down`` pick
as the cursor moves, ``ctrl+a`` picks every ticket of the view (after asking, when there are
more than ``ASK_ABOVE``), Escape drops the picks. ``b`` offers the change: assign, status,
priority, scope category, or merge into one of them. One confirmation says how many and what
will happen; then data/tickets/bulk.py ``apply_to_many`` runs in a worker, ticket by ticket,
each on what the agent saw of it (the row's ``read``, kept when it was picked), and one summary
says what changed and what was refused, and why ("#1023: changed by sidorov since you read it").
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Label, Static

from helpdesk.data.read.selection import Picked, picked_in_view, picked_row
from helpdesk.data.rules import statuses as st
from helpdesk.data.tickets import bulk
from helpdesk.screens.assign_agent import AssignAgentModal
from helpdesk.screens.choose_option import STATUS_HINTS, Choice, ChooseOptionModal, priority_choices, scope_choices
from helpdesk.screens.confirm import ConfirmModal
from helpdesk.tui.bulk_words import numbers_text, outcome_line, summary_title
from helpdesk.tui.i18n import N_, _, ngettext
from helpdesk.tui.labels import priority_label, scope_label, status_label
from helpdesk.tui.messages import TicketsChanged
from helpdesk.tui.screen_base import Dialog
from helpdesk.tui.text import literal
from helpdesk.tui.widgets.ticket_table import PICK_SYMBOL

ASK_ABOVE = 200  # "select all" of a larger view asks first, with the count
MERGE_CHOICES = 50  # merge offers a target among at most this many picked tickets

SELECTION = Binding.Group(N_("Selected tickets"))
PICK_BINDINGS = [
    Binding("space", "pick_row", N_("Select"), show=False, tooltip=N_("Select or unselect the ticket under the cursor"),
            id="queue.pick", group=SELECTION),
    Binding("shift+down", "pick_move(1)", N_("Select down"), show=False,
            tooltip=N_("Select this ticket and the next one"), id="queue.pick_down", group=SELECTION),
    Binding("shift+up", "pick_move(-1)", N_("Select up"), show=False,
            tooltip=N_("Select this ticket and the previous one"), id="queue.pick_up", group=SELECTION),
    Binding("ctrl+a", "pick_all", N_("Select all"), show=False, tooltip=N_("Select every ticket of this view"),
            id="queue.pick_all", group=SELECTION),
    Binding("b", "bulk_change", N_("Change selected"), show=False,
            tooltip=N_("Assign, set the status, priority or scope of the selected tickets, or merge them"),
            id="queue.bulk", group=SELECTION),
    Binding("escape", "clear_picks", N_("Unselect all"), show=False, tooltip=N_("Drop the selection"),
            id="queue.unpick", group=SELECTION),
]

KIND_TITLES = {
    bulk.ASSIGN: N_("Assign…"),
    bulk.STATUS: N_("Set the status…"),
    bulk.PRIORITY: N_("Set the priority…"),
    bulk.SCOPE: N_("Set the scope category…"),
    bulk.MERGE: N_("Merge into one of them…"),
}


class BulkSummaryModal(Dialog[None]):
    """What a bulk change did: how many changed, and each refusal with its reason."""

    DEFAULT_CSS = """
    BulkSummaryModal > #bulk-summary-box {
        width: 76;
        max-width: 95%;
        height: auto;
        max-height: 90%;
    }
    BulkSummaryModal #bulk-summary-title { width: 1fr; text-style: bold; margin-bottom: 1; }
    BulkSummaryModal #bulk-summary-lines { height: auto; max-height: 14; margin-bottom: 1; }
    BulkSummaryModal .bulk-summary-line { width: 1fr; height: auto; padding-left: 2; }
    BulkSummaryModal #bulk-summary-buttons { height: auto; align-horizontal: right; }
    """

    BINDINGS = [
        Binding("escape", "close", N_("Close"), tooltip=N_("Back to the queue"), id="bulk_summary.close"),
    ]

    def __init__(self, result: bulk.BulkResult) -> None:
        super().__init__(id="bulk-summary")
        self.result = result

    def compose(self) -> ComposeResult:
        regulation = self.app.desk.regulation
        with Vertical(id="bulk-summary-box", classes="dialog-box"):
            yield Label(Content(summary_title(self.result)), id="bulk-summary-title", markup=False)
            if self.result.not_changed:
                with VerticalScroll(id="bulk-summary-lines"):
                    for outcome in self.result.not_changed:
                        yield Static(literal(outcome_line(outcome, regulation)), classes="bulk-summary-line", markup=False)
            with Horizontal(id="bulk-summary-buttons"):
                yield Button(Content(_("OK")), id="bulk-summary-ok", variant="primary", compact=True)

    def on_mount(self) -> None:
        self.query_one("#bulk-summary-ok", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)


class BulkAssignModal(AssignAgentModal):
    """The agent list of AssignAgentModal, for several tickets ("Nobody" always offered)."""

    def __init__(self, count: int) -> None:
        super().__init__(0, "", id="bulk-assign")  # "": no agent is current, "Nobody" is offered
        self.count = count

    def on_mount(self) -> None:
        super().on_mount()
        title = ngettext("Assign {n} ticket to", "Assign {n} tickets to", self.count).format(n=self.count)
        self.query_one("#assign-title", Label).update(Content(title))


@dataclass
class PicksLoaded(Message):
    picks: list[Picked]


@dataclass
class BulkDone(Message):
    result: bulk.BulkResult


class PicksTickets:
    """The queue screen's picks and bulk changes (mixed into QueueScreen; see the module doc)."""

    picks: dict[int, Picked]

    def init_picks(self) -> None:
        self.picks = {}

    # --- picking ------------------------------------------------------------------------

    def set_picks(self, picks: dict[int, Picked]) -> None:
        self.picks = picks
        self.table.set_marks(picked=frozenset(picks))
        label = self.query_one("#queue-picked", Label)
        count = len(picks)
        if count:
            text = ngettext("{mark} {n} selected", "{mark} {n} selected", count).format(mark=PICK_SYMBOL, n=count)
            hint = _("b change them · space select · Esc unselect")
            label.update(Content.assemble((text, "bold $text-accent"), "  ", (hint, "dim")))
        label.display = bool(count)
        self.refresh_bindings()

    def _pick(self, index: int, *, toggle: bool) -> None:
        row = self.table.row_at(index)
        if row is None:
            return
        picks = dict(self.picks)
        if row.number in picks and toggle:
            del picks[row.number]
        else:
            picks[row.number] = picked_row(row)
        self.set_picks(picks)

    def action_pick_row(self) -> None:
        table = self.table
        self._pick(table.cursor_row, toggle=True)
        table.action_cursor_down()

    def action_pick_move(self, step: int) -> None:
        table = self.table
        self._pick(table.cursor_row, toggle=False)
        table.cursor_row += step
        self._pick(table.cursor_row, toggle=False)

    def action_pick_all(self) -> None:
        total = self.table.total
        if not total:
            return
        if total <= ASK_ABOVE:
            self.load_picks(self._loaded_filter)
            return
        title = ngettext("Select {n} ticket?", "Select all {n} tickets?", total).format(n=f"{total:,}".replace(",", " "))
        message = _("Every ticket of this view, on every page, is selected.")
        self.app.push_screen(ConfirmModal(title, message, confirm=_("Select all"), cancel=_("Cancel")),
                             lambda yes: self.load_picks(self._loaded_filter) if yes else None)

    @work(thread=True, exclusive=True, group="queue-picks", exit_on_error=False, description="select the whole view")
    def load_picks(self, f) -> None:
        self.post_message(PicksLoaded(picked_in_view(f)))

    def on_picks_loaded(self, message: PicksLoaded) -> None:
        picks = dict(self.picks)
        picks.update((p.number, p) for p in message.picks)
        self.set_picks(picks)

    def action_clear_picks(self) -> None:
        self.set_picks({})

    def check_pick_action(self, action: str) -> bool | None:
        """Whether a picking action applies now (None: not one of them)."""
        if action == "clear_picks":
            return bool(self.picks) and self.table.has_focus
        if action == "bulk_change":
            return bool(self.picks) and not self.writing
        if action in ("pick_row", "pick_move", "pick_all"):
            return self.table.total > 0
        return None

    # --- the change ---------------------------------------------------------------------

    def action_bulk_change(self) -> None:
        if not self.picks or self.writing:
            return
        count = len(self.picks)
        kinds = [bulk.ASSIGN, bulk.STATUS, bulk.PRIORITY, bulk.SCOPE]
        if 2 <= count <= MERGE_CHOICES:
            kinds.append(bulk.MERGE)
        title = ngettext("Change {n} selected ticket", "Change {n} selected tickets", count).format(n=count)

        def chosen(choice: Choice | None) -> None:
            if choice is not None:
                getattr(self, f"_choose_{choice.value}")()

        self.app.push_screen(ChooseOptionModal(title, [Choice(k, _(KIND_TITLES[k])) for k in kinds], id="bulk-kind"),
                             chosen)

    def _then_confirm(self, kind: str, **change):
        def chosen(choice: Choice | None) -> None:
            if choice is not None:
                self.confirm_bulk(bulk.Change(kind, choice.value, **change))
        return chosen

    def _choose_assignee(self) -> None:
        self.app.push_screen(BulkAssignModal(len(self.picks)), self._then_confirm(bulk.ASSIGN, force=True))

    def _choose_status(self) -> None:
        choices = [Choice(s, status_label(s), _(STATUS_HINTS[s]) if s in STATUS_HINTS else "")
                   for s in st.STATUSES if s != st.NEW]
        self.app.push_screen(ChooseOptionModal(_("Set the status of the selected tickets"), choices), self._then_confirm(bulk.STATUS))

    def _choose_priority(self) -> None:
        self.app.push_screen(ChooseOptionModal(_("Set the priority of the selected tickets"),
                                               priority_choices(self.app.desk.regulation)), self._then_confirm(bulk.PRIORITY))

    def _choose_scope(self) -> None:
        self.app.push_screen(ChooseOptionModal(_("Set the scope category of the selected tickets"),
                                               scope_choices(self.app.desk.regulation)), self._then_confirm(bulk.SCOPE))

    def _choose_merge(self) -> None:
        choices = [Choice(p.number, Content(f"#{p.number}  ") + literal(p.subject, single_line=True))
                   for p in sorted(self.picks.values(), key=lambda p: p.number)]
        self.app.push_screen(ChooseOptionModal(_("Merge the selected tickets into"), choices, id="bulk-merge-target"),
                             self._then_confirm(bulk.MERGE))

    def describe_change(self, change: bulk.Change) -> Content:
        """What the confirmation says will happen."""
        regulation = self.app.desk.regulation
        me = self.app.desk.agent
        numbers = sorted(self.picks)
        count = len(numbers)
        lines: list[Content] = []
        if change.kind == bulk.MERGE:
            target = self.picks[int(change.value)]
            others = [n for n in numbers if n != target.number]
            lines.append(Content(ngettext(
                "{n} ticket joins #{target}: its messages move there and it is closed with a link.",
                "{n} tickets join #{target}: their messages move there and they are closed with a link.",
                len(others)).format(n=len(others), target=target.number)))
            lines.append(Content(f"#{target.number}  ") + literal(target.subject, single_line=True))
            lines.append(Content(numbers_text(others)))
        else:
            if change.kind == bulk.ASSIGN:
                who = _("you") if change.value == me else (_("nobody") if change.value is None else str(change.value))
                what = _("Assign to {agent}").format(agent=who)
            elif change.kind == bulk.STATUS:
                what = _("Status: {status}").format(status=status_label(str(change.value)))
            elif change.kind == bulk.PRIORITY:
                what = _("Priority: {priority}").format(priority=priority_label(str(change.value)))
            else:
                what = _("Scope category: {scope}").format(
                    scope=scope_label(regulation, change.value) if change.value else _("none"))
            lines.append(literal(what + " — " + numbers_text(numbers), single_line=True))
            if change.kind == bulk.ASSIGN:
                taken = [p for p in self.picks.values() if p.assignee not in (None, me, change.value)]
                if taken:
                    lines.append(Content(ngettext(
                        "{n} of them is assigned to someone else now: they will be told.",
                        "{n} of them are assigned to someone else now: they will be told.",
                        len(taken)).format(n=len(taken))))
            if change.kind == bulk.STATUS:
                stuck = [p for p in self.picks.values() if change.value not in st.TRANSITIONS.get(p.status, ()) and p.status != change.value]
                if stuck:
                    lines.append(Content(ngettext(
                        "{n} of them cannot move to that status: it will be left as it is.",
                        "{n} of them cannot move to that status: they will be left as they are.",
                        len(stuck)).format(n=len(stuck))))
            if change.kind == bulk.SCOPE and change.value:
                category = regulation.scope_category(str(change.value))
                if category is not None and not category.in_scope:
                    lines.append(Content(_("Out of scope: each ticket is rejected and its customer gets the reply "
                                           "quoting the rule.")))
        lines.append(Content.styled(_("Each ticket is changed on its own; one changed by someone since you "
                                      "read it is left as it is."), "dim"))
        return Content("\n").join(lines)

    def confirm_bulk(self, change: bulk.Change) -> None:
        count = len(self.picks)
        title = ngettext("Change {n} ticket?", "Change {n} tickets?", count).format(n=count)
        if change.kind == bulk.MERGE:
            title = ngettext("Merge {n} ticket?", "Merge {n} tickets?", count).format(n=count)
        reads = [p.read for p in sorted(self.picks.values(), key=lambda p: p.number)]
        confirm = ngettext("Change {n}", "Change {n}", count).format(n=count)

        def answered(yes: bool | None) -> None:
            if yes:
                self.writing = True
                self.refresh_bindings()
                self.run_bulk(reads, change)

        modal = ConfirmModal(title, self.describe_change(change), confirm=confirm, cancel=_("Cancel"))
        self.app.push_screen(modal, answered)

    @work(thread=True, exclusive=True, group="queue-bulk", exit_on_error=False, description="change the selected tickets")
    def run_bulk(self, reads, change: bulk.Change) -> None:
        try:
            result = bulk.apply_to_many(self.app.desk, reads, change)
        finally:
            self.writing = False
        self.post_message(BulkDone(result))

    def on_bulk_done(self, message: BulkDone) -> None:
        result = message.result
        self.set_picks({})
        self.app.push_screen(BulkSummaryModal(result))
        self.app.post_message(TicketsChanged(tuple(o.number for o in result.outcomes)))

    # --- the palette ----------------------------------------------------------------------

    def pick_palette(self):
        if self.picks:
            for kind, title in KIND_TITLES.items():
                if kind == bulk.MERGE and not 2 <= len(self.picks) <= MERGE_CHOICES:
                    continue
                yield (_("Selected tickets: {change}").format(change=_(title)),
                       ngettext("{n} selected", "{n} selected", len(self.picks)).format(n=len(self.picks)),
                       getattr(self, f"_choose_{kind}"))
