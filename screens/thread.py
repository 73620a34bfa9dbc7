"""The thread view: one ticket's facts and countdown, its whole conversation, and the composer.

Loading runs in a thread worker (``load_thread``) that reads the read point (data/read/history.py)
and builds the plain ThreadView. Every write (reply, note, status, assignee, scope, priority)
carries what the agent read: the thread as loaded, or as it was when the dialog opened. A change
made by someone else meanwhile refuses it, and the agent sees that change and chooses
(screens/conflict.py); the composer keeps its text. After a write the App is told
(TicketsChanged) and every screen reloads, this one included. The conversation is one widget
that draws only what is on screen (tui/widgets/conversation.py): a reload that only adds entries
appends them, and a thread of hundreds of messages opens, scrolls and closes as fast as a short one.

Working beside colleagues (data/team/): opening the thread marks it seen; the App's heartbeat
says this ticket is open here (and whether the composer holds text), and a line under the facts
says who else has it open or is writing in it. The composer's text is saved as a draft a second
after typing stops, restored when the ticket is opened again (after a crash too) and removed when
sent or discarded; quitting or opening another ticket with unsent text asks first.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable

from textual import on, work
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Static, TextArea
from textual.worker import get_current_worker

from helpdesk.data.core.errors import NotFoundError
from helpdesk.data.read.customer_history import CustomerHistory, get_customer_history
from helpdesk.data.read.history import ReadPoint, read_point
from helpdesk.data.read.views import EventView, ThreadView, get_thread
from helpdesk.data.rules import statuses as st
from helpdesk.data.team import drafts, seen
from helpdesk.data.team.drafts import DraftView
from helpdesk.data.tickets import operations as ops
from helpdesk.data.tickets import undo
from helpdesk.screens.assign_agent import AssignAgentModal, assignment, confirm_take
from helpdesk.screens.choose_option import Choice, ChooseOptionModal, priority_choices, scope_choices, status_choices
from helpdesk.screens.confirm_discard import ConfirmDiscardModal
from helpdesk.screens.conflict import TicketChange, WritesTicketChanges
from helpdesk.screens.merge_ticket import MergeTicketModal
from helpdesk.screens.reject_out_of_scope import REJECTED, RejectOutOfScopeModal
from helpdesk.screens.reply_picker import ReplyPickerModal
from helpdesk.screens.attachment_preview import AttachmentModal
from helpdesk.screens.split_ticket import SplitTicketModal
from helpdesk.tui.errors import describe
from helpdesk.tui.i18n import N_, _
from helpdesk.tui.keys import NAVIGATION, TICKET, WRITING
from helpdesk.tui.labels import priority_label, scope_label, status_label
from helpdesk.tui.messages import MarksChanged, PresenceChanged, TicketsChanged
from helpdesk.tui.screen_base import BaseScreen
from helpdesk.tui.team import presence_line
from helpdesk.tui.timefmt import day_and_time
from helpdesk.tui.widgets.composer import NOTE, REPLY, Composer
from helpdesk.tui.widgets.conversation import Conversation, Entry
from helpdesk.tui.widgets.customer_tickets import CustomerTickets
from helpdesk.tui.widgets.message_card import MESSAGE_EVENTS, TimeContext, describe_event
from helpdesk.tui.widgets.ticket_facts import TicketFacts
from helpdesk.tui.stylesheets import stylesheet

# The composer's text goes to the store this long after the agent stops typing.
DRAFT_DELAY = 1.0
# A thread opens on this many of its latest messages (a screenful or more); the rest follows.
FIRST_MESSAGES = 40

# Events that record a message being stored; their new_value is the message id.
_MESSAGE_ACTIONS = ("reply", "note", "customer_message", "notice")


def conversation_items(view: ThreadView) -> list[Entry]:
    """Messages and the changes worth a line, in time order (an event's words are worked out
    when it is drawn: ``describe_event``).

    Within the same instant the audit trail's order decides (a reply, then the status change it
    caused): a message takes the place of the event that recorded it.
    """
    place: dict[int, int] = {}
    for i, event in enumerate(view.events):
        if event.action in _MESSAGE_ACTIONS and (event.new_value or "").isdigit():
            place.setdefault(int(event.new_value), 2 * i)
        elif event.action == "created" and view.messages:
            place.setdefault(view.messages[0].id, 2 * i)
    items: list[tuple[datetime, int, Entry]] = [
        (msg.created_at, place.get(msg.id, -1), Entry(("m", msg.id), message=msg)) for msg in view.messages
    ]
    seen: dict[EventView, int] = {}
    for i, event in enumerate(view.events):
        if event.action not in MESSAGE_EVENTS:  # a card shows the message itself
            # Keyed by what it is, not where: a thread read whole after its latest part has
            # more events before these, and the same keys must name the same lines.
            seen[event] = seen.get(event, 0) + 1
            items.append((event.created_at, 2 * i + 1, Entry(("e", event, seen[event]), event=event)))
    items.sort(key=lambda item: (item[0], item[1]))
    return [entry for _at, _order, entry in items]


class ThreadScreen(WritesTicketChanges, BaseScreen):
    """One ticket: facts, countdown, conversation; reply, note and change it from the keyboard."""

    HELP_TITLE = N_("Ticket")
    MAIN_WIDGET = "#conversation"
    MAIN_WIDGET_LABEL = N_("Back to the messages")
    PANELS = ("#composer",)  # its Escape closes it (asks if something was typed)

    CSS_PATH = stylesheet("thread.tcss")

    BINDINGS = [
        Binding("escape", "close_composer", N_("Close"), tooltip=N_("Close the composer (asks if you typed something)"),
                id="thread.close_composer", group=WRITING),
        Binding("escape", "back", N_("Back"), tooltip=N_("Back to the queue"), id="thread.back", group=NAVIGATION),
        Binding("ctrl+s", "send", N_("Send"), tooltip=N_("Send the reply or save the note"), id="thread.send", group=WRITING),
        Binding("r", "reply", N_("Reply"), tooltip=N_("Write a reply to the customer"), id="thread.reply", group=TICKET),
        Binding("i", "note", N_("Note"), tooltip=N_("Write an internal note only agents see"), id="thread.note", group=TICKET),
        Binding("s", "change_status", N_("Status"), tooltip=N_("Change the ticket's status"), id="thread.status", group=TICKET),
        Binding("a", "assign_to_me", N_("Take"), tooltip=N_("Assign the ticket to me"), id="thread.assign_to_me", group=TICKET),
        Binding("A", "assign", N_("Assign"), show=False, tooltip=N_("Assign the ticket to an agent, or to nobody"),
                id="thread.assign", group=TICKET),
        Binding("c", "set_scope", N_("Scope"), tooltip=N_("Set the scope category (regulation 1.4)"), id="thread.scope", group=TICKET),
        Binding("p", "set_priority", N_("Priority"), tooltip=N_("Set the priority"), id="thread.priority", group=TICKET),
        Binding("ctrl+t", "insert_prepared_reply", N_("Prepared reply"),
                tooltip=N_("Insert a prepared reply, filled in for this ticket"), id="thread.prepared_reply", group=WRITING),
        Binding("x", "split_ticket", N_("Split"),
                tooltip=N_("Make a new ticket of one message (one problem per request)"), id="thread.split", group=TICKET),
        Binding("m", "merge_ticket", N_("Merge"),
                tooltip=N_("Merge this duplicate into another ticket"), id="thread.merge", group=TICKET),
        Binding("ctrl+z", "undo", N_("Undo"), show=False,
                tooltip=N_("Undo your last status, assignment, scope or priority change (within a minute)"),
                id="thread.undo", group=TICKET),
        Binding("o", "customer_tickets", N_("Other tickets"), show=False,
                tooltip=N_("The customer's and their organisation's other tickets: Enter opens one, Escape folds"),
                id="thread.customer_tickets", group=NAVIGATION),
    ]

    class Loaded(Message):
        def __init__(self, view: ThreadView, read: ReadPoint, draft: DraftView | None) -> None:
            super().__init__()
            self.view = view
            self.read = read
            self.draft = draft

    class LoadFailed(Message):
        def __init__(self, error: Exception) -> None:
            super().__init__()
            self.error = error

    class HistoryLoaded(Message):
        def __init__(self, history: CustomerHistory) -> None:
            super().__init__()
            self.history = history

    class MarksSaved(Message):
        """The agent's seen mark or draft of this ticket changed in the store (the queue marks it)."""

    class DraftDiscarded(Message):
        def __init__(self, then: Callable[[], object]) -> None:
            super().__init__()
            self.then = then

    class DraftSaved(Message):
        def __init__(self, text: str, epoch: int) -> None:
            super().__init__()
            self.text = text
            self.epoch = epoch

    def __init__(self, number: int) -> None:
        super().__init__()
        self.number = number
        self.thread: ThreadView | None = None
        self.read: ReadPoint | None = None  # what the agent has read: the thread as shown
        self._seen_upto = 0  # the newest event marked seen
        self._draft_timer: Timer | None = None
        self._draft_lock = threading.Lock()  # a draft save and the send never cross
        self._draft_epoch = 0  # bumped by a send or a discard: a save scheduled before it is dropped
        self._draft_text = ""  # what the store holds as the draft ("" none)
        self._presence_shown = Content("")

    # --- layout ---------------------------------------------------------------------------

    def compose_body(self):
        yield TicketFacts()
        yield CustomerTickets()
        yield Static(id="presence", markup=False)
        yield Conversation(id="conversation", describe=self._describe_event)
        yield Composer()

    def _describe_event(self, event: EventView) -> Content:
        return describe_event(event, self.app.desk.regulation) or Content("")

    @property
    def composer(self) -> Composer:
        return self.query_one(Composer)

    @property
    def conversation(self) -> Conversation:
        return self.query_one("#conversation", Conversation)

    def on_mount(self) -> None:
        self.sub_title = f"#{self.number}"
        self.conversation.focus()
        self.watch(self.app, "now_tick", self._tick, init=False)
        self._show_presence(self.app.here)
        self.load_thread()
        self.load_customer_history()

    def on_screen_resume(self) -> None:
        self.app.show_ticket(self.number, self._composing())
        self._mark_seen()

    def on_screen_suspend(self) -> None:
        if not isinstance(self.app.screen, ModalScreen):  # a dialog over the thread: still open here
            self.app.leave_ticket(self.number)

    def on_unmount(self) -> None:
        self.app.leave_ticket(self.number)

    # --- loading --------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="thread-load", exit_on_error=False, description="load a thread")
    def load_thread(self) -> None:
        worker = get_current_worker()
        desk = self.app.desk
        first = self.thread is None
        try:
            read = read_point(self.number)  # before the thread: what is shown is at least this new
            # desk: the "waiting_stale" flag needs the clock. A long thread opens on its latest
            # messages; the whole of it is read once they are on screen (on_thread_screen_loaded).
            view = get_thread(self.number, desk, last=FIRST_MESSAGES if first else None)
            draft = drafts.load(desk, self.number) if first else None
        except Exception as error:  # noqa: BLE001 - NotFoundError, or the database itself
            if not worker.is_cancelled:
                self.post_message(self.LoadFailed(error))
            return
        if not worker.is_cancelled:
            self.post_message(self.Loaded(view, read, draft))

    def on_tickets_changed(self, message: TicketsChanged) -> None:
        self.load_customer_history()  # any ticket may be one of the customer's (two indexed queries)
        if not message.numbers or self.number in message.numbers:
            self.load_thread()

    def on_thread_screen_load_failed(self, message: LoadFailed) -> None:
        if isinstance(message.error, NotFoundError):
            self.notify(_("Ticket #{number} does not exist.").format(number=self.number), severity="error")
            if self.app.screen is self:
                self.app.pop_screen()
            return
        text = describe(message.error, self.app.desk.regulation)
        self.notify(text, title=_("Could not load the ticket"), severity="error", markup=False)

    def on_thread_screen_loaded(self, message: Loaded) -> None:
        view = message.view
        previous = self.thread
        self.thread = view
        self.read = message.read
        ticket = view.ticket
        self.query_one(TicketFacts).show(ticket, self.app.desk.regulation, view.customer_telegram)
        self._tick(self.app.now())
        if previous is not None and previous.ticket.version != ticket.version and self.composer.is_open:
            self.notify(
                _("Ticket #{number} changed while you were writing: see the thread.").format(number=self.number),
                severity="warning",
            )
        self._show_conversation(view)
        if not view.complete:
            self.call_after_refresh(self.load_thread)  # the rest, once the latest are painted
        if message.draft is not None:
            self._restore(message.draft)
        self._mark_seen()
        self.refresh_bindings()

    def _times(self) -> TimeContext:
        return TimeContext(self.app.desk.regulation.timezone, getattr(self.app, "agent_tz", None), self.app.now())

    def _show_conversation(self, view: ThreadView) -> None:
        """The conversation as loaded: a reload keeps what is shown and appends what is new (in
        view when the agent was at the end)."""
        entries = conversation_items(view)
        if not entries:
            entries = [Entry(("empty",), text=Content.styled(_("No messages yet."), "dim italic"))]
        self.conversation.show(entries, self._times())

    def _tick(self, now: datetime | None) -> None:
        if self.thread is None or not self.is_mounted:
            return
        desk = self.app.desk
        self.query_one(TicketFacts).tick(
            desk.calendar, now or self.app.now(), getattr(self.app, "agent_tz", None), desk.regulation.waiting_stale_days
        )

    # --- keys -----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        composing = self.is_mounted and self.composer.is_open
        if action == "insert_prepared_reply":
            return composing and not self.writing
        if action in ("split_ticket", "merge_ticket", "undo"):
            if self.thread is None or (action == "split_ticket" and not self.thread.complete):
                return None  # split numbers every message: not before all are loaded
            return not composing
        if action == "close_composer":
            return composing
        if action == "back":
            return not composing
        if action == "send":
            if not composing:
                return False
            return None if self.writing else True
        if action in ("reply", "note", "change_status", "set_scope", "set_priority", "assign_to_me", "assign"):
            if composing:
                return False
            if self.thread is None:
                return None
            if action == "assign_to_me":
                return self.thread.ticket.assignee != self.app.desk.agent
            if action == "change_status":
                return bool(st.TRANSITIONS.get(self.thread.ticket.status))
            return True
        return True

    def action_back(self) -> None:
        if self.app.screen is self:
            self.app.pop_screen()

    def action_reply(self) -> None:
        self._open_composer(REPLY)

    def action_note(self) -> None:
        self._open_composer(NOTE)

    def _open_composer(self, mode: str) -> None:
        conversation = self.conversation
        at_end = conversation.at_end
        self.composer.open(mode)
        self.refresh_bindings()
        if at_end:
            # The composer takes room from the conversation: keep the latest message in sight.
            self.call_after_refresh(conversation.scroll_to_end)

    def action_close_composer(self) -> None:
        if not self.composer.has_text:
            self._close_composer()
            return
        self.ask_before_leaving(self.conversation.focus, keep=self.composer.text_area.focus)

    @property
    def has_unsent_text(self) -> bool:
        """The composer holds text not sent yet (the App asks before quitting or switching tickets)."""
        return self.is_mounted and self.composer.is_open and self.composer.has_text

    def ask_before_leaving(self, then: Callable[[], object], keep: Callable[[], object] | None = None) -> None:
        """Ask whether to discard the unsent text; if so, discard it (and its draft), then run ``then``."""

        def answered(discard: bool | None) -> None:
            if discard:
                self._discard_text(then)
            elif keep is not None:
                keep()

        message = _("What you typed has not been sent. Discarding it removes its saved draft too.")
        self.app.push_screen(ConfirmDiscardModal(message), answered)

    def _close_composer(self) -> None:
        self.composer.close()
        self.conversation.focus()
        self.refresh_bindings()

    def action_send(self) -> None:
        composer = self.composer
        if self.thread is None or self.read is None or self.writing:
            return
        if not composer.has_text:
            self.notify(_("Write something first."), severity="warning")
            composer.text_area.focus()
            return
        note = composer.mode == NOTE
        composer.sending = True
        self._forget_scheduled_draft()
        done = (_("Internal note added to #{number}.") if note else _("Reply to the customer saved on #{number}.")).format(
            number=self.number)
        mine = Content(_("an internal note") if note else _("a reply to the customer"))
        self.write_change(TicketChange(NOTE if note else REPLY, self.read, self._send, (self.number, composer.text, note),
                                       mine, done))

    def _send(self, desk, number: int, body: str, note: bool, *, expected_version: int) -> None:
        """Store the reply and remove the draft (one transaction), never while a draft save runs."""
        with self._draft_lock:
            drafts.send(desk, number, body, note=note, expected_version=expected_version)

    def action_change_status(self) -> None:
        if self.thread is None or self.read is None:
            return
        read, current = self.read, self.thread.ticket.status
        choices = status_choices(current)
        title = _("Status of #{number} (now: {status})").format(number=self.number, status=status_label(current))

        def chosen(choice: Choice | None) -> None:
            if choice is not None:
                words = status_label(choice.value)
                self.write_change(TicketChange(
                    "status", read, ops.set_status, (self.number, choice.value),
                    Content(_("status → {status}").format(status=words)),
                    _("#{number} is now: {status}.").format(number=self.number, status=words),
                ))

        self.app.push_screen(ChooseOptionModal(title, choices, id="choose-status"), chosen)

    def action_assign_to_me(self) -> None:
        if self.thread is None or self.read is None:
            return
        self._assign(self.read, self.thread.ticket.assignee, self.app.desk.agent)

    def action_assign(self) -> None:
        if self.thread is None or self.read is None:
            return
        read, current = self.read, self.thread.ticket.assignee

        def chosen(choice: Choice | None) -> None:
            if choice is not None and choice.value != current:
                self._assign(read, current, choice.value)

        self.app.push_screen(AssignAgentModal(self.number, current), chosen)

    def _assign(self, read: ReadPoint, current: str | None, login: str | None) -> None:
        me = self.app.desk.agent
        change = assignment(read, login, me)
        if login == me and current not in (None, me):
            confirm_take(self.app, self.number, current, lambda: self.write_change(change))
        else:
            self.write_change(change)

    def action_set_scope(self) -> None:
        if self.thread is None or self.read is None:
            return
        regulation = self.app.desk.regulation
        choices = scope_choices(regulation)
        read, current = self.read, self.thread.ticket.scope

        def chosen(choice: Choice | None) -> None:
            if choice is None or choice.value == current:
                return
            category = regulation.scope_category(choice.value) if choice.value else None
            if category is None:
                done = _("#{number}: scope category cleared.").format(number=self.number)
            elif category.in_scope:
                done = _("#{number}: in scope.").format(number=self.number)
            else:
                self._offer_rejection(read, choice.value)  # regulation 1.4: the rule's reply, then rejected
                return
            mine = Content(_("scope: {category}").format(category=scope_label(regulation, choice.value)) if choice.value
                           else _("scope cleared"))
            self.write_change(TicketChange("scope", read, ops.set_scope, (self.number, choice.value), mine, done))

        title = _("Scope category of #{number}").format(number=self.number)
        self.app.push_screen(ChooseOptionModal(title, choices, current=current, id="choose-scope"), chosen)

    def action_set_priority(self) -> None:
        if self.thread is None or self.read is None:
            return
        choices = priority_choices(self.app.desk.regulation)
        read, current = self.read, self.thread.ticket.priority

        def chosen(choice: Choice | None) -> None:
            if choice is not None and choice.value != current:
                words = priority_label(choice.value)
                self.write_change(TicketChange(
                    "priority", read, ops.set_priority, (self.number, choice.value),
                    Content(_("priority → {priority}").format(priority=words)),
                    _("#{number}: priority {priority}.").format(number=self.number, priority=words),
                ))

        title = _("Priority of #{number}").format(number=self.number)
        self.app.push_screen(ChooseOptionModal(title, choices, current=current, id="choose-priority"), chosen)

    # --- workflow: prepared replies, out-of-scope rejection, split, merge ------------------

    def action_insert_prepared_reply(self) -> None:
        if not self.composer.is_open:
            return

        def chosen(text: str | None) -> None:
            area = self.composer.text_area
            if text:
                area.insert(text)
            area.focus()

        self.app.push_screen(ReplyPickerModal(self.number), chosen)

    def _offer_rejection(self, read: ReadPoint, key: str) -> None:
        def done(outcome: str | None) -> None:
            if outcome is None:
                return
            if outcome == REJECTED:
                text = _("#{number} rejected as out of scope.").format(number=self.number)
            else:
                text = _("#{number}: out of scope (recorded).").format(number=self.number)
            self.notify(text, markup=False)
            self.app.post_message(TicketsChanged((self.number,)))

        self.app.push_screen(RejectOutOfScopeModal(self.number, key, read), done)

    def action_split_ticket(self) -> None:
        if self.thread is None or self.read is None:
            return

        def done(new: int | None) -> None:
            if new is not None:
                self.notify(_("Ticket #{new} created from a message of #{number}.").format(new=new, number=self.number),
                            markup=False)
                self.app.post_message(TicketsChanged((self.number, new)))

        self.app.push_screen(SplitTicketModal(self.thread, self.read), done)

    def action_merge_ticket(self) -> None:
        if self.thread is None or self.read is None:
            return

        def done(target: int | None) -> None:
            if target is None:
                return
            self.notify(_("#{number} merged into #{target}.").format(number=self.number, target=target), markup=False)
            self.app.post_message(TicketsChanged((self.number, target)))
            if self.app.screen is self:
                self.app.pop_screen()  # this one is closed and empty now: show the ticket it joined
                self.app.open_ticket(target)

        self.app.push_screen(MergeTicketModal(self.number, self.read), done)

    def action_undo(self) -> None:
        """Undo the agent's own last change here (data/tickets/undo.py decides what and whether)."""
        if self.thread is None or self.read is None or self.writing:
            return
        self.write_change(TicketChange(
            "undo", self.read, undo.undo_last, (self.number,), Content(_("undo my last change")),
            _("#{number}: your last change is undone.").format(number=self.number),
        ))

    # --- writing --------------------------------------------------------------------------

    def change_saved(self, change: TicketChange) -> None:
        if change.kind in (REPLY, NOTE):
            self._draft_text = ""
            self._close_composer()
            self.app.post_message(MarksChanged((self.number,)))
        super().change_saved(change)

    def change_failed(self, change: TicketChange, error: Exception) -> None:
        self._back_to_text(change)
        super().change_failed(change, error)

    def change_kept(self, change: TicketChange) -> None:
        self._back_to_text(change)
        super().change_kept(change)

    def _back_to_text(self, change: TicketChange) -> None:
        if change.kind in (REPLY, NOTE):
            self.composer.sending = False
            self.composer.text_area.focus()
            self._schedule_draft()  # the send did not happen: the store keeps the text as typed

    # --- seen, presence, drafts -----------------------------------------------------------

    def _mark_seen(self) -> None:
        if self.read is not None and self.app.keeps_marks and self.read.event_id > self._seen_upto and self.app.screen is self:
            self._seen_upto = self.read.event_id
            self.save_seen(self.read.event_id)

    @work(thread=True, group="thread-seen", exit_on_error=False, description="mark a ticket seen")
    def save_seen(self, event_id: int) -> None:
        if seen.mark(self.app.desk, self.number, event_id):
            self.post_message(self.MarksSaved())

    def on_thread_screen_marks_saved(self, message: MarksSaved) -> None:
        self.app.post_message(MarksChanged((self.number,)))

    def on_presence_changed(self, message: PresenceChanged) -> None:
        self._show_presence(message.here)

    def _show_presence(self, here) -> None:
        line = presence_line(h for h in here if h.number == self.number)
        if line != self._presence_shown:  # other tickets' comings and goings repaint nothing here
            self._presence_shown = line
            label = self.query_one("#presence", Static)
            label.update(line)
            label.display = bool(line.plain)

    def _composing(self) -> str | None:
        return self.composer.mode if self.has_unsent_text else None

    def _restore(self, draft: DraftView) -> None:
        """Open the composer with the draft the agent left (unless they started writing anew)."""
        self._draft_text = draft.body
        if self.composer.is_open:
            return
        self._open_composer(draft.kind)
        self.composer.text_area.load_text(draft.body)
        self.composer.text_area.move_cursor(self.composer.text_area.document.end)
        when = day_and_time(draft.saved_at, self.app.desk.regulation.timezone, self.app.now())
        self.notify(_("Your unsent text from {when} is back.").format(when=when), markup=False)

    @on(TextArea.Changed, "#composer-text")
    def _text_changed(self) -> None:
        if self.app.screen is self:
            self.app.show_ticket(self.number, self._composing())
        self._schedule_draft()

    def _schedule_draft(self) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_DELAY, self._save_draft_now)

    def _forget_scheduled_draft(self) -> None:
        """A send or a discard: a save still waiting (or under way) must not bring the text back."""
        self._draft_epoch += 1
        if self._draft_timer is not None:
            self._draft_timer.stop()

    def _save_draft_now(self) -> None:
        composer = self.composer
        text = composer.text if composer.is_open and not composer.sending else ""
        if text.strip() != self._draft_text.strip():
            self.save_draft(composer.mode, text, self._draft_epoch)

    @work(thread=True, exclusive=True, group="draft-save", exit_on_error=False, description="save a draft")
    def save_draft(self, kind: str, text: str, epoch: int) -> None:
        with self._draft_lock:
            if epoch != self._draft_epoch:
                return
            drafts.save(self.app.desk, self.number, kind, text)
        self.post_message(self.DraftSaved(text, epoch))

    def on_thread_screen_draft_saved(self, message: DraftSaved) -> None:
        if message.epoch != self._draft_epoch:
            return  # sent or discarded since
        had = bool(self._draft_text.strip())
        self._draft_text = message.text
        if had != bool(message.text.strip()):
            self.app.post_message(MarksChanged((self.number,)))  # the queue's draft mark

    def _discard_text(self, then: Callable[[], object]) -> None:
        self._forget_scheduled_draft()
        self._close_composer()
        self._draft_text = ""
        self.discard_draft(then)  # always: a save may have reached the store before the epoch moved

    @work(thread=True, group="draft-save", exit_on_error=False, description="discard a draft")
    def discard_draft(self, then: Callable[[], object]) -> None:
        with self._draft_lock:
            drafts.discard(self.app.desk, self.number)
        self.post_message(self.DraftDiscarded(then))

    def on_thread_screen_draft_discarded(self, message: DraftDiscarded) -> None:
        self.app.post_message(MarksChanged((self.number,)))
        message.then()  # e.g. quit: only once the draft is gone from the store

    # --- attachments ----------------------------------------------------------------------

    @on(Conversation.AttachmentChosen)
    def _save_attachment(self, message: Conversation.AttachmentChosen) -> None:
        message.stop()

        def saved(path: Path | None) -> None:
            if path is not None:
                self.notify(_("Saved: {path}").format(path=path), markup=False)

        self.app.push_screen(AttachmentModal(message.attachment), saved)

    # --- the customer's other tickets -----------------------------------------------------

    @work(thread=True, exclusive=True, group="customer-history", exit_on_error=False,
          description="load the customer's other tickets")
    def load_customer_history(self) -> None:
        worker = get_current_worker()
        history = get_customer_history(self.number)
        if not worker.is_cancelled:
            self.post_message(self.HistoryLoaded(history))

    def on_thread_screen_history_loaded(self, message: HistoryLoaded) -> None:
        tickets = self.query_one(CustomerTickets)
        self._keeping_the_end(tickets.show, message.history, self.app.desk.regulation.timezone, self.app.now())

    def _keeping_the_end(self, change: Callable, *args) -> None:
        """Run ``change`` (which folds or unfolds the list); a conversation read to its end stays there."""
        conversation = self.conversation
        at_end = conversation.at_end
        change(*args)
        if at_end:
            self.call_after_refresh(conversation.scroll_to_end)

    def action_customer_tickets(self) -> None:
        tickets = self.query_one(CustomerTickets)
        if tickets.is_empty:
            self.notify(_("This customer has no other tickets, nor has their organisation."))
        elif tickets.unfolded and tickets.option_list.has_focus:
            self._keeping_the_end(tickets.fold)
            self.conversation.focus()
        else:
            self._keeping_the_end(tickets.unfold)

    @on(CustomerTickets.SummaryClicked)
    def _customer_tickets_clicked(self, message: CustomerTickets.SummaryClicked) -> None:
        message.stop()
        tickets = self.query_one(CustomerTickets)
        self._keeping_the_end(tickets.fold if tickets.unfolded else tickets.unfold)

    @on(CustomerTickets.TicketChosen)
    def _open_customer_ticket(self, message: CustomerTickets.TicketChosen) -> None:
        message.stop()
        self.app.open_ticket(message.number)  # Escape there comes back here

    @on(CustomerTickets.ListLeft)
    def _customer_tickets_left(self, message: CustomerTickets.ListLeft) -> None:
        message.stop()
        self._keeping_the_end(self.query_one(CustomerTickets).fold)
        self.conversation.focus()
