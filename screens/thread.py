"""The thread view: one ticket's facts and countdown, its whole conversation, and the composer.

Loading runs in a thread worker (``load_thread``) that builds the plain ThreadView; every write
(reply, note, status, assignee, scope, priority) runs in another (``save_change``) with the
version the screen read, so a change made by someone else meanwhile is refused
(ConflictError) and the composer keeps its text. After a write the App is told
(TicketsChanged) and every screen reloads, this one included; a reload that only adds messages
mounts just the new cards.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Callable

from textual import on, work
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static
from textual.worker import get_current_worker

from helpdesk.data.rules import statuses as st
from helpdesk.data.tickets import operations as ops
from helpdesk.data.core.errors import ConflictError, NotFoundError
from helpdesk.data.read.views import EventView, MessageView, ThreadView, get_thread
from helpdesk.screens.choose_option import Choice, ChooseOptionModal, priority_choices, scope_choices, status_choices
from helpdesk.screens.confirm_discard import ConfirmDiscardModal
from helpdesk.screens.merge_ticket import MergeTicketModal
from helpdesk.screens.reject_out_of_scope import REJECTED, RejectOutOfScopeModal
from helpdesk.screens.reply_picker import ReplyPickerModal
from helpdesk.screens.save_attachment import SaveAttachmentModal
from helpdesk.screens.split_ticket import SplitTicketModal
from helpdesk.tui.errors import describe
from helpdesk.tui.i18n import N_, _
from helpdesk.tui.labels import priority_label, status_label
from helpdesk.tui.messages import TicketsChanged
from helpdesk.tui.screen_base import BaseScreen
from helpdesk.tui.widgets.composer import NOTE, REPLY, Composer
from helpdesk.tui.widgets.message_card import AttachmentLine, EventLine, MessageCard, TimeContext, describe_event
from helpdesk.tui.widgets.ticket_facts import TicketFacts

@dataclass(frozen=True)
class _Item:
    """One entry of the conversation: a message card or an event line."""

    key: tuple
    at: datetime
    order: int
    message: MessageView | None = None
    event: EventView | None = None
    text: Content | None = None


# A long thread shows its latest entries first, then mounts the older ones in batches.
FIRST_BATCH = 40
OLDER_BATCH = 60

# Events that record a message being stored; their new_value is the message id.
_MESSAGE_ACTIONS = ("reply", "note", "customer_message", "notice")


def conversation_items(view: ThreadView, regulation) -> list[_Item]:
    """Messages and the changes worth a line, in time order.

    Within the same instant the audit trail's order decides (a reply, then the status change it
    caused): a message takes the place of the event that recorded it.
    """
    place: dict[int, int] = {}
    for i, event in enumerate(view.events):
        if event.action in _MESSAGE_ACTIONS and (event.new_value or "").isdigit():
            place.setdefault(int(event.new_value), 2 * i)
        elif event.action == "created" and view.messages:
            place.setdefault(view.messages[0].id, 2 * i)
    items = [_Item(("m", msg.id), msg.created_at, place.get(msg.id, -1), message=msg) for msg in view.messages]
    for i, event in enumerate(view.events):
        text = describe_event(event, regulation)
        if text is not None:
            items.append(_Item(("e", i), event.created_at, 2 * i + 1, event=event, text=text))
    items.sort(key=lambda item: (item.at, item.order))
    return items


class ThreadScreen(BaseScreen):
    """One ticket: facts, countdown, conversation; reply, note and change it from the keyboard."""

    BINDINGS = [
        Binding("escape", "close_composer", N_("Close"), tooltip=N_("Close the composer (asks if you typed something)"),
                id="thread.close_composer"),
        Binding("escape", "back", N_("Back"), tooltip=N_("Back to the queue"), id="thread.back"),
        Binding("ctrl+s", "send", N_("Send"), tooltip=N_("Send the reply or save the note"), id="thread.send"),
        Binding("r", "reply", N_("Reply"), tooltip=N_("Write a reply to the customer"), id="thread.reply"),
        Binding("i", "note", N_("Note"), tooltip=N_("Write an internal note only agents see"), id="thread.note"),
        Binding("s", "change_status", N_("Status"), tooltip=N_("Change the ticket's status"), id="thread.status"),
        Binding("a", "assign_to_me", N_("Take"), tooltip=N_("Assign the ticket to me"), id="thread.assign_to_me"),
        Binding("c", "set_scope", N_("Scope"), tooltip=N_("Set the scope category (regulation 1.4)"), id="thread.scope"),
        Binding("p", "set_priority", N_("Priority"), tooltip=N_("Set the priority"), id="thread.priority"),
        Binding("ctrl+t", "insert_prepared_reply", N_("Template"),
                tooltip=N_("Insert a prepared reply, filled in for this ticket"), id="thread.prepared_reply"),
        Binding("x", "split_ticket", N_("Split"), show=False,
                tooltip=N_("Make a new ticket of one message (one problem per request)"), id="thread.split"),
        Binding("m", "merge_ticket", N_("Merge"), show=False,
                tooltip=N_("Merge this duplicate into another ticket"), id="thread.merge"),
    ]

    class Loaded(Message):
        def __init__(self, view: ThreadView) -> None:
            super().__init__()
            self.view = view

    class LoadFailed(Message):
        def __init__(self, error: Exception) -> None:
            super().__init__()
            self.error = error

    class Saved(Message):
        def __init__(self, kind: str, done: str) -> None:
            super().__init__()
            self.kind = kind
            self.done = done

    class SaveFailed(Message):
        def __init__(self, kind: str, error: Exception) -> None:
            super().__init__()
            self.kind = kind
            self.error = error

    def __init__(self, number: int) -> None:
        super().__init__()
        self.number = number
        self.thread: ThreadView | None = None
        self._rendered: list[tuple] = []
        self._cards: dict[int, MessageCard] = {}  # message id -> its card
        self._generation = 0  # bumped by a full re-render: stale batches of older cards are dropped
        self._busy = False

    # --- layout ---------------------------------------------------------------------------

    def compose_body(self):
        yield TicketFacts()
        yield VerticalScroll(id="conversation")
        yield Composer()

    @property
    def composer(self) -> Composer:
        return self.query_one(Composer)

    @property
    def conversation(self) -> VerticalScroll:
        return self.query_one("#conversation", VerticalScroll)

    def on_mount(self) -> None:
        self.sub_title = f"#{self.number}"
        self.conversation.focus()
        if hasattr(self.app, "now_tick"):
            self.watch(self.app, "now_tick", self._tick, init=False)
        self.load_thread()

    # --- loading --------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="thread-load", exit_on_error=False, description="load a thread")
    def load_thread(self) -> None:
        worker = get_current_worker()
        try:
            view = get_thread(self.number, self.app.desk)  # desk: the "waiting_stale" flag needs the clock
        except Exception as error:  # noqa: BLE001 - NotFoundError, or the database itself
            if not worker.is_cancelled:
                self.post_message(self.LoadFailed(error))
            return
        if not worker.is_cancelled:
            self.post_message(self.Loaded(view))

    def on_tickets_changed(self, message: TicketsChanged) -> None:
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

    async def on_thread_screen_loaded(self, message: Loaded) -> None:
        view = message.view
        previous = self.thread
        self.thread = view
        ticket = view.ticket
        self.query_one(TicketFacts).show(ticket, self.app.desk.regulation, view.customer_telegram)
        self._tick(self.app.now())
        if previous is not None and previous.ticket.version != ticket.version and self.composer.is_open:
            self.notify(
                _("Ticket #{number} changed while you were writing: see the thread.").format(number=self.number),
                severity="warning",
            )
        await self._show_conversation(view, first=previous is None)
        self.refresh_bindings()

    def _times(self) -> TimeContext:
        return TimeContext(self.app.desk.regulation.timezone, getattr(self.app, "agent_tz", None), self.app.now())

    def _widget_for(self, item: _Item, times: TimeContext) -> Widget:
        if item.message is not None:
            return MessageCard(item.message, times)
        return EventLine(item.event, item.text, times)

    async def _show_conversation(self, view: ThreadView, *, first: bool) -> None:
        items = conversation_items(view, self.app.desk.regulation)
        keys = [item.key for item in items] or [("empty",)]
        conversation = self.conversation
        at_end = first or conversation.scroll_y >= conversation.max_scroll_y - 1
        times = self._times()
        old = self._rendered
        if old and keys[: len(old)] == old:
            new_items = items[len(old):]
            for item in items[: len(old)]:
                card = self._cards.get(item.message.id) if item.message is not None else None
                if card is not None and card.message != item.message:
                    await card.recompose_with(item.message, times)  # e.g. its delivery state changed
        else:
            self._generation += 1  # older batches still to mount belong to the old rendering
            await conversation.remove_children()
            self._cards = {}
            new_items = items
        if new_items:
            widgets = [self._widget_for(item, times) for item in new_items]
            self._cards.update((w.message.id, w) for w in widgets if isinstance(w, MessageCard))
            if new_items is items and len(widgets) > FIRST_BATCH:
                # A long thread: show the latest entries now, mount the older ones in batches
                # above them while the agent already reads (the anchor keeps the end in view).
                self._generation += 1
                await conversation.mount_all(widgets[-FIRST_BATCH:])
                self.call_after_refresh(self._mount_older, self._generation, widgets[:-FIRST_BATCH])
            else:
                await conversation.mount_all(widgets)
        if not items and old != keys:
            await conversation.mount(Static(Content.styled(_("No messages yet."), "dim italic"), classes="event"))
        self._rendered = keys
        if first:
            conversation.anchor()
        elif at_end and new_items:
            conversation.scroll_end(animate=False, immediate=False)

    async def _mount_older(self, generation: int, widgets: list[Widget]) -> None:
        """Mount the last batch of ``widgets`` above what is shown, then schedule the rest."""
        if generation != self._generation or not widgets or not self.is_attached:
            return
        conversation = self.conversation
        batch, rest = widgets[-OLDER_BATCH:], widgets[:-OLDER_BATCH]
        first = conversation.children[0] if conversation.children else None
        await conversation.mount_all(batch, before=first)
        if rest:
            self.call_after_refresh(self._mount_older, generation, rest)

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
            return composing and not self._busy
        if action in ("split_ticket", "merge_ticket"):
            return None if self.thread is None else not composing
        if action == "close_composer":
            return composing
        if action == "back":
            return not composing
        if action == "send":
            if not composing:
                return False
            return None if self._busy else True
        if action in ("reply", "note", "change_status", "set_scope", "set_priority", "assign_to_me"):
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
        at_end = conversation.scroll_y >= conversation.max_scroll_y - 1
        self.composer.open(mode)
        self.refresh_bindings()
        if at_end:
            # The composer takes room from the conversation: keep the latest message in sight.
            self.call_after_refresh(conversation.scroll_end, animate=False)

    def action_close_composer(self) -> None:
        if not self.composer.has_text:
            self._close_composer()
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self._close_composer()
            else:
                self.composer.text_area.focus()

        self.app.push_screen(ConfirmDiscardModal(), answered)

    def _close_composer(self) -> None:
        self.composer.close()
        self.conversation.focus()
        self.refresh_bindings()

    def action_send(self) -> None:
        composer = self.composer
        if self.thread is None or self._busy:
            return
        if not composer.has_text:
            self.notify(_("Write something first."), severity="warning")
            composer.text_area.focus()
            return
        note = composer.mode == NOTE
        composer.sending = True
        done = (_("Internal note added to #{number}.") if note else _("Reply to the customer saved on #{number}.")).format(
            number=self.number)
        self._save("note" if note else "reply", done, partial(ops.add_reply, note=note), self.number, composer.text)

    def action_change_status(self) -> None:
        if self.thread is None:
            return
        current = self.thread.ticket.status
        choices = status_choices(current)
        title = _("Status of #{number} (now: {status})").format(number=self.number, status=status_label(current))

        def chosen(choice: Choice | None) -> None:
            if choice is not None:
                self._save(
                    "status", _("#{number} is now: {status}.").format(number=self.number, status=status_label(choice.value)),
                    ops.set_status, self.number, choice.value,
                )

        self.app.push_screen(ChooseOptionModal(title, choices, id="choose-status"), chosen)

    def action_assign_to_me(self) -> None:
        if self.thread is None:
            return
        agent = self.app.desk.agent
        self._save(
            "assignee", _("#{number} is assigned to you.").format(number=self.number), ops.assign_ticket, self.number, agent
        )

    def action_set_scope(self) -> None:
        if self.thread is None:
            return
        regulation = self.app.desk.regulation
        choices = scope_choices(regulation)
        current = self.thread.ticket.scope

        def chosen(choice: Choice | None) -> None:
            if choice is None or choice.value == current:
                return
            category = regulation.scope_category(choice.value) if choice.value else None
            if category is None:
                done = _("#{number}: scope category cleared.").format(number=self.number)
            elif category.in_scope:
                done = _("#{number}: in scope.").format(number=self.number)
            else:
                self._offer_rejection(choice.value)  # regulation 1.4: the rule's reply, then rejected
                return
            self._save("scope", done, ops.set_scope, self.number, choice.value)

        title = _("Scope category of #{number}").format(number=self.number)
        self.app.push_screen(ChooseOptionModal(title, choices, current=current, id="choose-scope"), chosen)

    def action_set_priority(self) -> None:
        if self.thread is None:
            return
        choices = priority_choices(self.app.desk.regulation)
        current = self.thread.ticket.priority

        def chosen(choice: Choice | None) -> None:
            if choice is not None and choice.value != current:
                self._save(
                    "priority",
                    _("#{number}: priority {priority}.").format(number=self.number, priority=priority_label(choice.value)),
                    ops.set_priority, self.number, choice.value,
                )

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

    def _offer_rejection(self, key: str) -> None:
        if self.thread is None:
            return

        def done(outcome: str | None) -> None:
            if outcome is None:
                return
            if outcome == REJECTED:
                text = _("#{number} rejected as out of scope.").format(number=self.number)
            else:
                text = _("#{number}: out of scope (recorded).").format(number=self.number)
            self.notify(text, markup=False)
            self.app.post_message(TicketsChanged((self.number,)))

        self.app.push_screen(RejectOutOfScopeModal(self.number, key, self.thread.ticket.version), done)

    def action_split_ticket(self) -> None:
        if self.thread is None:
            return

        def done(new: int | None) -> None:
            if new is not None:
                self.notify(_("Ticket #{new} created from a message of #{number}.").format(new=new, number=self.number),
                            markup=False)
                self.app.post_message(TicketsChanged((self.number, new)))

        self.app.push_screen(SplitTicketModal(self.thread), done)

    def action_merge_ticket(self) -> None:
        if self.thread is None:
            return

        def done(target: int | None) -> None:
            if target is None:
                return
            self.notify(_("#{number} merged into #{target}.").format(number=self.number, target=target), markup=False)
            self.app.post_message(TicketsChanged((self.number, target)))
            if self.app.screen is self and hasattr(self.app, "open_ticket"):
                self.app.pop_screen()  # this one is closed and empty now: show the ticket it joined
                self.app.open_ticket(target)

        self.app.push_screen(MergeTicketModal(self.number, self.thread.ticket.version), done)

    # --- writing --------------------------------------------------------------------------

    def _save(self, kind: str, done: str, operation: Callable, *args) -> None:
        if self.thread is None:
            return
        self._busy = True
        self.refresh_bindings()
        self.save_change(kind, done, operation, args, self.thread.ticket.version)

    @work(thread=True, group="thread-save", exit_on_error=False, description="save a change to a ticket")
    def save_change(self, kind: str, done: str, operation: Callable, args: tuple, version: int) -> None:
        try:
            operation(self.app.desk, *args, expected_version=version)
        except Exception as error:  # noqa: BLE001 - a data error, or the database itself (locked, disk full)
            self.post_message(self.SaveFailed(kind, error))
        else:
            self.post_message(self.Saved(kind, done))

    def on_thread_screen_saved(self, message: Saved) -> None:
        self._busy = False
        if message.kind in ("reply", "note"):
            self._close_composer()
        self.notify(message.done, markup=False)
        self.app.post_message(TicketsChanged((self.number,)))
        self.refresh_bindings()

    def on_thread_screen_save_failed(self, message: SaveFailed) -> None:
        self._busy = False
        composing = message.kind in ("reply", "note")
        if composing:
            self.composer.sending = False
            self.composer.text_area.focus()
        if isinstance(message.error, ConflictError):
            text = _("Someone else changed ticket #{number} since you opened it. The thread now shows the change.").format(
                number=self.number)
            if composing:
                text += " " + _("Your text is kept: check the thread and press ctrl+s again.")
            self.notify(text, title=_("Not saved"), severity="error", timeout=10, markup=False)
            self.load_thread()
        else:
            text = describe(message.error, self.app.desk.regulation)
            self.notify(text, title=_("Not saved"), severity="error", timeout=10, markup=False)
        self.refresh_bindings()

    # --- attachments ----------------------------------------------------------------------

    @on(AttachmentLine.SaveRequested)
    def _save_attachment(self, message: AttachmentLine.SaveRequested) -> None:
        message.stop()

        def saved(path: Path | None) -> None:
            if path is not None:
                self.notify(_("Saved: {path}").format(path=path), markup=False)

        self.app.push_screen(SaveAttachmentModal(message.attachment), saved)
