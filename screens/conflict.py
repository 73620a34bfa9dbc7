"""A change refused because someone changed the ticket first: what changed, and what to do.

Every change the TUI makes carries the ``ReadPoint`` of what the agent read (data/read/history.py):
when the thread was loaded, when the queue row was, when the dialog opened; never one read again
when it is applied. A write on a stale read is refused (ConflictError) and nothing is written.
``ConflictModal`` then lists the events since that read, who and when ("alice: status: Open →
Waiting for customer, 06:33"), and asks: apply mine on the ticket as it is now, or keep theirs.

``TicketChange`` is one change; ``WritesTicketChanges`` is the screens' side of it (the thread
view, the queue): the write in a worker, and on a refusal the events, the question and, if the
agent says so, the write again on the new read point. ``ConflictAwareWriteModal`` does the same
for the modals that write themselves (merge, split, rejection as out of scope).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from helpdesk.data.core.errors import ConflictError
from helpdesk.data.read.history import ReadPoint, TicketChanges, changes_since
from helpdesk.tui.errors import describe
from helpdesk.tui.i18n import N_, _
from helpdesk.tui.messages import TicketsChanged
from helpdesk.tui.screen_base import ResultType, WriteModal
from helpdesk.tui.team import change_line
from helpdesk.tui.widgets.message_card import TimeContext

COMPOSED = ("reply", "note")


@dataclass(frozen=True)
class TicketChange:
    """One change to a ticket, on what the agent read: ``operation(desk, *args, expected_version=...)``."""

    kind: str  # status / assignee / scope / priority / reply / note
    read: ReadPoint
    operation: Callable
    args: tuple
    mine: Content  # what the agent asked for, in words, for the conflict question
    done: str  # the notice once it is saved


class ConflictModal(ModalScreen[bool]):
    """What changed since the agent's read: True to apply their change on the ticket as it is now,
    False to keep the other agent's (Escape, and the focus at first: writing nothing is the safe answer)."""

    DEFAULT_CSS = """
    ConflictModal {
        align: center middle;
        background: $background 60%;
    }
    ConflictModal > #conflict-box {
        width: 76;
        max-width: 95%;
        height: auto;
        max-height: 90%;
        border: thick $error;
        background: $surface;
        padding: 0 1;
    }
    ConflictModal #conflict-title {
        width: 1fr;
        text-style: bold;
        margin-bottom: 1;
    }
    ConflictModal #conflict-changes {
        height: auto;
        max-height: 12;
        margin-bottom: 1;
    }
    ConflictModal .conflict-change {
        width: 1fr;
        height: auto;
        padding-left: 2;
    }
    ConflictModal #conflict-mine {
        width: 1fr;
        margin-bottom: 1;
    }
    ConflictModal #conflict-buttons {
        height: auto;
        align-horizontal: right;
    }
    ConflictModal Button {
        margin-left: 1;
    }
    """

    BINDINGS = [
        Binding("escape", "keep", N_("Keep theirs"), tooltip=N_("Write nothing: the ticket stays as the other agent left it"),
                id="conflict.keep"),
    ]

    def __init__(self, changes: TicketChanges, mine: Content, *, composed: bool = False) -> None:
        super().__init__()
        self.changes = changes
        self.mine = mine
        self.composed = composed

    def compose(self) -> ComposeResult:
        number = self.changes.now.number
        desk = self.app.desk
        times = TimeContext(desk.regulation.timezone, getattr(self.app, "agent_tz", None), self.app.now())
        with Vertical(id="conflict-box"):
            yield Label(Content(_("#{number} was changed since you opened it").format(number=number)),
                        id="conflict-title", markup=False)
            with VerticalScroll(id="conflict-changes"):
                if not self.changes.events:
                    yield Static(Content(_("(a change that left no trace in the audit trail)")), classes="conflict-change")
                for event in self.changes.events:
                    yield Static(change_line(event, desk.regulation, times), classes="conflict-change", markup=False)
            yield Static(Content(_("Yours: ")) + self.mine, id="conflict-mine", markup=False)
            with Horizontal(id="conflict-buttons"):
                keep = _("Back to my text") if self.composed else _("Keep theirs")
                apply = _("Send anyway") if self.composed else _("Apply mine")
                yield Button(Content(keep), id="conflict-keep", compact=True)
                yield Button(Content(apply), id="conflict-apply", variant="warning", compact=True)

    def on_mount(self) -> None:
        self.query_one("#conflict-keep", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "conflict-apply")

    def action_keep(self) -> None:
        self.dismiss(False)


# --- the screens' side -------------------------------------------------------------------------


class ChangeSaved(Message):
    def __init__(self, change: TicketChange) -> None:
        super().__init__()
        self.change = change


class ChangeFailed(Message):
    def __init__(self, change: TicketChange, error: Exception) -> None:
        super().__init__()
        self.change = change
        self.error = error


class ChangeConflicted(Message):
    def __init__(self, change: TicketChange, changes: TicketChanges) -> None:
        super().__init__()
        self.change = change
        self.changes = changes


class WritesTicketChanges:
    """A screen's ticket writes (mixed into a BaseScreen): ``write_change``, then one of the hooks
    ``change_saved``, ``change_failed``, ``change_kept`` (the agent kept the other's change)."""

    writing = False  # a change is on its way (or its conflict question is open)

    def write_change(self, change: TicketChange) -> None:
        self.writing = True
        self.refresh_bindings()
        self._write(change)

    @work(thread=True, group="ticket-write", exit_on_error=False, description="save a change to a ticket")
    def _write(self, change: TicketChange) -> None:
        try:
            change.operation(self.app.desk, *change.args, expected_version=change.read.version)
        except ConflictError:
            try:
                self.post_message(ChangeConflicted(change, changes_since(change.read.number, change.read.event_id)))
            except Exception as error:  # noqa: BLE001 - the database itself (locked, gone)
                self.post_message(ChangeFailed(change, error))
        except Exception as error:  # noqa: BLE001 - a data error, or the database itself (locked, disk full)
            self.post_message(ChangeFailed(change, error))
        else:
            self.post_message(ChangeSaved(change))

    def on_change_saved(self, message: ChangeSaved) -> None:
        self.writing = False
        self.change_saved(message.change)
        self.refresh_bindings()

    def on_change_failed(self, message: ChangeFailed) -> None:
        self.writing = False
        self.change_failed(message.change, message.error)
        self.refresh_bindings()

    def on_change_conflicted(self, message: ChangeConflicted) -> None:
        change, changes = message.change, message.changes

        def answered(apply: bool | None) -> None:
            if apply:
                self.write_change(replace(change, read=changes.now))
                return
            self.writing = False
            self.change_kept(change)
            self.refresh_bindings()

        self.app.push_screen(ConflictModal(changes, change.mine, composed=change.kind in COMPOSED), answered)

    def change_saved(self, change: TicketChange) -> None:
        self.notify(change.done, markup=False)
        self.app.post_message(TicketsChanged((change.read.number,)))

    def change_failed(self, change: TicketChange, error: Exception) -> None:
        self.notify(describe(error, self.app.desk.regulation), title=_("Not saved"), severity="error", timeout=10,
                    markup=False)

    def change_kept(self, change: TicketChange) -> None:
        self.app.post_message(TicketsChanged((change.read.number,)))


# --- the modals that write themselves ----------------------------------------------------------


class ChangesLoaded(Message):
    def __init__(self, changes: TicketChanges) -> None:
        super().__init__()
        self.changes = changes


class ConflictAwareWriteModal(WriteModal[ResultType]):
    """A WriteModal whose write carries ``self.read``: refused as stale, it asks as ConflictModal does.

    Start the write with ``start_write(write)``: ``write`` starts the worker, reading the version
    from ``self.read``; on "apply mine" ``self.read`` moves to the current state and ``write`` runs
    again; on "keep theirs" the modal closes with None. Subclasses say what the agent wanted in
    ``mine()``."""

    def __init__(self, read: ReadPoint | None) -> None:
        super().__init__()
        self.read = read
        self._write: Callable[[], None] | None = None

    @property
    def expected_version(self) -> int | None:
        return None if self.read is None else self.read.version

    def mine(self) -> Content:
        raise NotImplementedError

    def start_write(self, write: Callable[[], None]) -> None:
        self._busy = True
        self._write = write
        write()

    def on_write_modal_done(self, message: WriteModal.Done) -> None:
        if isinstance(message.error, ConflictError) and self.read is not None:
            message.prevent_default()  # not a refusal to show under the form: a question to ask
            self.load_changes(self.read)

    @work(thread=True, group="conflict-changes", exit_on_error=False, description="what changed since")
    def load_changes(self, read: ReadPoint) -> None:
        self.post_message(ChangesLoaded(changes_since(read.number, read.event_id)))

    def on_changes_loaded(self, message: ChangesLoaded) -> None:
        changes = message.changes

        def answered(apply: bool | None) -> None:
            if apply and self._write is not None:
                self.read = changes.now
                self._write()
                return
            self._busy = False
            self.app.post_message(TicketsChanged((changes.now.number,)))
            self.dismiss(None)

        self.app.push_screen(ConflictModal(changes, self.mine()), answered)
