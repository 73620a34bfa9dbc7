"""The terminal app: the desk, the screens and the outbox job come in through ``__init__``
(composed by helpdesk.tui.cli.compose); the queue is the base screen.

One ``set_interval`` drives everything that moves on its own:

* every second the injected clock is read, and ``now_tick`` is set from it only when the time
  *as shown* changed: a new minute, or a new second while a widget has said it shows seconds
  (``need_seconds``: a countdown in its last minute). The header and the countdown cells
  re-render from it, with no database call, so an idle app repaints once a minute at most;
* every second a thread worker asks ``data.changes.ChangeWatcher`` whether another process
  committed; if the helpdesk's content changed, the App sends ``TicketsChanged`` to every
  screen, which reload themselves, and tells its agent what the new events mean to them
  (``data.team.activity``: a new ticket, an answer on their ticket, an assignment), with a bell
  unless the settings switch it off. On PostgreSQL the watcher is told by the server
  (LISTEN/NOTIFY): its thread wakes the App (``StoreWoke``), which polls at once, whatever the
  tick, and the tick starts no poll while the watcher has nothing to say (``needs_poll``).

Working as a team on one database (data/team/): the App beats a presence row while a thread
view shows a ticket (``show_ticket``; again every ``beat_seconds``, removed on leaving and on a
clean exit), reads the other apps' rows every ``presence_seconds`` when something was committed
since (one small query), and sends ``PresenceChanged`` to the screens only when the live ones
differ (a row that stopped beating expires by the clock, without a query). A commit seen has
them read at once, or ``PRESENCE_GAP`` after the previous read (a colleague typing saves a draft
every few seconds: one read a second at most, the last commit never left unread). Quitting, or
opening another ticket, with unsent text in the thread view asks first.

Sending the outbox belongs to ``helpdesk outbox send --watch``; an app is given an OutboxJob
only when the settings ask for it (``[outbox] send_from_app = true``), and then a worker sends
what is due every ``job.seconds`` through the senders the job makes.

After its own writes a screen posts ``TicketsChanged`` to the App, which fans it out the same way.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
import weakref
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Callable, Iterable, Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.message import Message
from textual.reactive import var
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.worker import Worker, WorkerState, get_current_worker

from helpdesk.data.core.config import ConfigError, OutboxSettings
from helpdesk.data.delivery import outbox
from helpdesk.data.rules.desk import Desk
from helpdesk.data.store.changes import ChangeWatcher
from helpdesk.data.team import activity, presence, seen
from helpdesk.data.team.presence import Here
from helpdesk.tui.commands import HelpdeskCommands
from helpdesk.tui.errors import describe
from helpdesk.tui.i18n import N_, _
from helpdesk.tui.keys import EVERYWHERE, NAVIGATION
from helpdesk.tui.messages import MarksChanged, PresenceChanged, TicketsChanged
from helpdesk.tui.navigation import ScreenSet
from helpdesk.tui.open_file import Viewers

from helpdesk.tui.stylesheets import APP_STYLES
from helpdesk.tui.team import notice_texts

# How often the other apps' heartbeats are looked at (a query only if something was committed).
PRESENCE_SECONDS = 3.0
# ... and after a commit is seen: at once, but one read in this many seconds at most.
PRESENCE_GAP = 1.0


class StoreWoke(Message, bubble=False):
    """(Posted from the change watcher's thread) something was committed: poll now."""


@dataclass(frozen=True)
class OutboxJob:
    """Sending the outbox from the app: how to make the senders, the back-off, how often."""

    make_senders: Callable[[], dict[str, outbox.Sender]]
    close_senders: Callable[[dict[str, outbox.Sender]], None]
    settings: OutboxSettings
    seconds: float = 15.0


def local_timezone() -> tzinfo:
    """The agent's own time zone: ``TZ`` when it names a zone, else the machine's local zone."""
    name = os.environ.get("TZ", "").lstrip(":")
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    try:
        return ZoneInfo("localtime")
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return datetime.now().astimezone().tzinfo


class HelpdeskApp(App):
    """The helpdesk. ``desk`` carries the regulation, the clock and the acting agent."""

    TITLE = "helpdesk"
    CSS_PATH = [APP_STYLES]  # the shell's; each screen reads its own when first shown (tui/stylesheets.py)
    COMMANDS = App.COMMANDS | {HelpdeskCommands}
    ENABLE_COMMAND_PALETTE = True

    BINDINGS = [
        Binding("ctrl+q", "quit", N_("Quit"), show=False, tooltip=N_("Quit the helpdesk"), id="app.quit", priority=True,
                group=EVERYWHERE),
        Binding(
            "ctrl+p", "command_palette", N_("Commands"), show=False, priority=True,
            tooltip=N_("Search every command and key"), id="app.command_palette", group=EVERYWHERE,
        ),
        # Priority (dialogs too), yet a field that takes "?" as text still gets it (Textual leaves
        # a key out of the bindings while the focused widget would type it).
        Binding("question_mark", "help", N_("Help"), show=False, priority=True,
                tooltip=N_("Every key of this screen, by group"), id="app.help", group=EVERYWHERE),
        Binding("f1", "help", N_("Help"), show=False, priority=True,
                tooltip=N_("Every key of this screen, by group"), id="app.help_f1", group=EVERYWHERE),
        # Escape out of a field, before the screen's own Escape (see tui/screen_base.py).
        Binding("escape", "leave_field", N_("Back to the list"), priority=True,
                tooltip=N_("Leave the field: the focus goes back to the main part of the screen"), id="app.leave_field",
                group=NAVIGATION),
        Binding("f2", "open_prepared_replies", N_("Prepared replies"), show=False,
                tooltip=N_("Prepared replies: list, write, edit, delete"), id="app.prepared_replies", group=EVERYWHERE),
        Binding("f3", "open_reports", N_("Reports"), show=False,
                tooltip=N_("Reports for a period: figures, chart, CSV export"), id="app.reports", group=EVERYWHERE),
        Binding("f4", "open_quarantine", N_("Quarantine"), show=False,
                tooltip=N_("Mail that could not be read or stored: reasons, retry, a ticket by hand, discard"), id="app.quarantine",
                group=EVERYWHERE),
    ]

    now_tick: var[datetime | None] = var(None)
    """The injected clock's time, set when the shown minute (or second, see ``need_seconds``)
    changes: widgets watch it."""

    def __init__(
        self,
        desk: Desk,
        *,
        screens: ScreenSet,
        agent_tz: tzinfo | None = None,
        watch_changes: bool = True,
        outbox_job: OutboxJob | None = None,
        tick_seconds: float = 1.0,
        startup_notice: str | None = None,
        bell: bool = True,
        presence_seconds: float = PRESENCE_SECONDS,
        beat_seconds: float = presence.BEAT_SECONDS,
        viewers: Viewers | None = None,

        editor: Sequence[str] | None = None,
    ) -> None:
        # The queue is the base screen: Textual reads a screen's own styles when it is pushed,
        # and the base screen never is, so the app reads the queue's with its own.
        queue_styles = getattr(screens.queue, "CSS_PATH", None)
        super().__init__(css_path=[*self.CSS_PATH, *([queue_styles] if queue_styles else [])])
        self.desk = desk
        self.screens = screens
        self.agent_tz = agent_tz if agent_tz is not None else local_timezone()
        self.watcher: ChangeWatcher | None = ChangeWatcher.for_current_store(wake=self._watcher_woke) if watch_changes else None
        self._poll_lock = threading.Lock()  # one poll at a time: each tells its events once
        self._tick_seconds = tick_seconds
        self.outbox_job = outbox_job
        self._startup_notice = startup_notice
        self.now_tick = desk.now()
        self.bell_on = bell  # [tui] bell of the settings, passed in by the composition root
        # How attachments open outside the app (tui/open_file.py): none unless the root passes them.
        self.viewers = viewers if viewers is not None else Viewers()

        # The agent's own editor (ctrl+e in a text area), resolved by the composition root.
        self.editor: tuple[str, ...] | None = tuple(editor) if editor else None
        self.app_id = uuid.uuid4().hex  # this app's presence row
        # A desk that may only read (a read-only agent, --read-only, helpdesk serve without
        # --write) keeps no unread marks and beats no presence: each would be a refused write.
        self.keeps_marks = desk.write_refusal is None
        self._presence_seconds = presence_seconds
        self._beat_seconds = beat_seconds
        self._place: tuple[int, str | None] | None = None  # (ticket, composing) shown here, for the heartbeat
        self._beat_lock = threading.Lock()
        self._others: tuple[Here, ...] = ()  # the other apps' heartbeats as last read
        self._here: tuple[Here, ...] = ()  # ... the live ones, as last sent to the screens
        self._presence_due = True  # something was committed since the heartbeats were read
        self._presence_read_at = float("-inf")  # when they were last read (time.monotonic)
        self._presence_timer: Timer | None = None  # a read PRESENCE_GAP after the last one
        self._last_event: int | None = None  # the newest event told about (set by start_team)
        self._seconds_shown_by: weakref.WeakSet = weakref.WeakSet()  # widgets that show seconds now

    # --- time -------------------------------------------------------------------------

    def now(self) -> datetime:
        """Now, from the injected clock (tests pass a FixedClock)."""
        return self.desk.now()

    def tick(self) -> None:
        """Advance ``now_tick`` to the clock's time if the time as shown changed (the App's
        interval calls it every second; tests call it directly)."""
        now = self.now()
        shown = self.now_tick
        if shown is None or self._as_shown(now) != self._as_shown(shown):
            self.now_tick = now

    def _as_shown(self, at: datetime) -> datetime:
        if self._seconds_shown_by:
            return at.replace(microsecond=0)
        return at.replace(second=0, microsecond=0)

    def need_seconds(self, widget: object, needed: bool = True) -> None:
        """``widget`` shows seconds now (``needed``), or no longer does: while any widget does,
        ``now_tick`` moves every second, else every minute. Forgotten with the widget."""
        if needed:
            self._seconds_shown_by.add(widget)
        else:
            self._seconds_shown_by.discard(widget)

    @property
    def shows_seconds(self) -> bool:
        """Whether ``now_tick`` moves every second now (some widget asked for it)."""
        return bool(self._seconds_shown_by)

    # --- screens ------------------------------------------------------------------------

    def get_default_screen(self) -> Screen:
        return self.screens.queue()

    def on_mount(self) -> None:
        self.set_interval(self._tick_seconds, self._on_interval, name="tick")
        self.set_interval(self._presence_seconds, self._presence_tick, name="presence")
        self.set_interval(self._beat_seconds, self._beat_again, name="presence-beat")
        self.start_team()
        if self.watcher is not None:
            self.poll_changes()  # the baseline now (PostgreSQL: listening from now on)
        if self.outbox_job is not None:
            self._outbox_timer = self.set_interval(self.outbox_job.seconds, self.deliver_outbox, name="outbox")
        if self._startup_notice:
            self.notify(self._startup_notice, markup=False)

    def _on_interval(self) -> None:
        self.tick()
        if self.watcher is not None and self.watcher.needs_poll():
            self.poll_changes()

    def open_ticket(self, number: int, *, replace: bool = False) -> None:
        """Open the thread view of ticket ``number`` (``replace``: instead of this screen).

        From a thread view holding unsent text, the agent is asked first (it keeps its draft)."""
        shown = next((s for s in reversed(self.screen_stack) if not isinstance(s, ModalScreen)), None)
        if getattr(shown, "has_unsent_text", False) and getattr(shown, "number", None) != number:
            shown.ask_before_leaving(lambda: self._open_ticket(number, replace))
        else:
            self._open_ticket(number, replace)

    def _open_ticket(self, number: int, replace: bool) -> None:
        screen = self.screens.thread(number)
        if replace:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def new_ticket(self) -> None:
        """Open the new-ticket screen."""
        self.push_screen(self.screens.new_ticket())

    def _open_once(self, screen_class: type[Screen]) -> None:
        if not isinstance(self.screen, screen_class):
            self.push_screen(screen_class())

    def action_open_prepared_replies(self) -> None:
        """Open the prepared replies screen."""
        self._open_once(self.screens.prepared_replies())

    def action_open_reports(self) -> None:
        """Open the reports screen."""
        self._open_once(self.screens.reports())

    def action_open_quarantine(self) -> None:
        """Open the quarantine of unreadable mail."""
        self._open_once(self.screens.quarantine())

    async def action_quit(self) -> None:
        """Quit; unsent text in a thread view is asked about first (as Escape in its composer asks)."""
        unsent = next((s for s in reversed(self.screen_stack) if getattr(s, "has_unsent_text", False)), None)
        if unsent is None:
            self.exit()
        else:
            unsent.ask_before_leaving(lambda: self.call_later(self.action_quit))  # another may hold text too

    def action_command_palette(self) -> None:
        """The palette, with its prompt in the current language."""
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(id="--command-palette", placeholder=_("Search commands and keys…")))

    # --- keys -----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "leave_field":
            return self._field_to_leave() is not None
        return True

    def _field_to_leave(self):
        field_to_leave = getattr(self.screen, "field_to_leave", None)
        return field_to_leave() if callable(field_to_leave) else None

    def action_leave_field(self) -> None:
        """Escape in a field: the focus goes back to the screen's main widget."""
        main = self._field_to_leave()
        if main is not None:
            main.focus()

    def action_help(self) -> None:
        """Show every key of the screen shown (the help closes again with the same key)."""
        if isinstance(self.screen, CommandPalette):  # F1 in the palette: the help of the screen under it
            self.screen.dismiss()
            self.call_later(self.action_help)
        elif getattr(self.screen, "SHOWS_KEYS", False):  # the help (ScreenSet.help) is open
            self.screen.dismiss()
        else:
            self.push_screen(self.screens.help(self.screen))

    # --- changes ------------------------------------------------------------------------

    def tickets_changed(self, numbers: Iterable[int] = (), *, external: bool = False) -> None:
        """Tell every screen that tickets changed (call after a write, from the UI thread)."""
        for screen in list(self.screen_stack):
            screen.post_message(TicketsChanged(tuple(numbers), external=external))

    @on(TicketsChanged)
    def _fan_out(self, message: TicketsChanged) -> None:
        # A screen (or a worker) posted it to the App: hand a copy to every screen.
        message.stop()
        self.tickets_changed(message.numbers, external=message.external)

    @on(MarksChanged)
    def _fan_out_marks(self, message: MarksChanged) -> None:
        message.stop()
        for screen in list(self.screen_stack):
            screen.post_message(MarksChanged(message.numbers))

    def _watcher_woke(self) -> None:
        """(The watcher's thread) something was committed: have it polled now."""
        self.post_message(StoreWoke())

    @on(StoreWoke)
    def _poll_now(self, message: StoreWoke) -> None:
        message.stop()
        if self.watcher is not None:
            self.poll_changes()

    @work(thread=True, exclusive=True, group="changes", exit_on_error=False, description="poll for others' commits")
    def poll_changes(self) -> None:
        """Ask the store whether another connection committed; if so, tell the screens and the agent."""
        watcher = self.watcher
        if watcher is None or get_current_worker().is_cancelled:
            return
        with self._poll_lock:  # a poll woken meanwhile waits: the events are told once, in order
            changes = watcher.poll()
            if not changes.committed:
                return
            found = None
            if changes.content and self._last_event is not None:
                found = activity.since(self.desk.agent, self._last_event)
                self._last_event = found.newest
        self.call_from_thread(self._committed, changes.content, found)

    def _committed(self, content: bool, found: activity.Activity | None) -> None:
        self._presence_due = True
        self._presence_soon()
        if content:
            self.tickets_changed((), external=True)
        if found is not None and found.notices:
            self.tell(found)

    def tell(self, found: activity.Activity) -> None:
        """Show the notices the new events make for this agent, with the bell if it is on."""
        for title, text in notice_texts(found):
            self.notify(text, title=title, markup=False, timeout=10)
        if self.bell_on:
            self.bell()

    # --- the team: baseline, heartbeats, who else is where ----------------------------------

    @work(thread=True, group="team", exit_on_error=False, description="join the team")
    def start_team(self) -> None:
        """Take the agent's unread baseline (first run) and the newest event to tell from."""
        if self.keeps_marks:
            seen.start(self.desk)
        self._last_event = activity.newest_event_id()
        self.call_from_thread(self.post_message, MarksChanged())

    @property
    def here(self) -> tuple[Here, ...]:
        """The other agents' live heartbeats, as last sent to the screens."""
        return self._here

    def show_ticket(self, number: int, composing: str | None = None) -> None:
        """A thread view shows ticket ``number`` (and its composer holds a ``composing``): beat now."""
        if self._place != (number, composing):
            self._place = (number, composing)
            self.beat()

    def leave_ticket(self, number: int) -> None:
        """The thread view of ``number`` is closed or covered: this app shows no ticket now."""
        if self._place is not None and self._place[0] == number:
            self._place = None
            self.beat()

    def _beat_again(self) -> None:
        if self._place is not None:
            self.beat()

    @work(thread=True, group="presence-beat", exit_on_error=False, description="presence heartbeat")
    def beat(self) -> None:
        """Write where this app is now (under a lock: the latest place is written last)."""
        if not self.keeps_marks:
            return
        with self._beat_lock:
            place = self._place
            if place is None:
                presence.leave(self.app_id)
            else:
                presence.beat(self.desk, self.app_id, *place)

    def _presence_tick(self) -> None:
        if self._presence_due:
            self._presence_due = False
            self._presence_read_at = time.monotonic()
            self.read_presence()
        else:
            self._show_presence()  # rows may have expired since: the clock says so, no query

    def _presence_soon(self) -> None:
        """Read the heartbeats now, or once ``PRESENCE_GAP`` has passed since the last read."""
        if self._presence_timer is not None:
            return  # a read is on its way
        wait = self._presence_read_at + PRESENCE_GAP - time.monotonic()
        if wait <= 0:
            self._presence_tick()
        else:
            self._presence_timer = self.set_timer(wait, self._presence_gap_over, name="presence-gap")

    def _presence_gap_over(self) -> None:
        self._presence_timer = None
        self._presence_tick()

    @work(thread=True, exclusive=True, group="presence-read", exit_on_error=False, description="who else is where")
    def read_presence(self) -> None:
        others = presence.others(self.desk, self.app_id)
        self.call_from_thread(self._presence_read, others)

    def _presence_read(self, others: tuple[Here, ...]) -> None:
        self._others = others
        self._show_presence()

    def _show_presence(self) -> None:
        now = self.now()
        here = tuple(h for h in self._others if h.alive(now))
        if here != self._here:
            self._here = here
            for screen in list(self.screen_stack):
                screen.post_message(PresenceChanged(here))

    @work(thread=True, exclusive=True, group="outbox", exit_on_error=False, description="send queued replies")
    def deliver_outbox(self) -> None:
        """Send what is due through the job's senders (none configured: nothing to do)."""
        job = self.outbox_job
        if job is None:
            return
        try:
            senders = job.make_senders()
        except ConfigError as exc:
            self.call_from_thread(self._stop_outbox, describe(exc))
            return
        if not senders:
            return
        try:
            results = outbox.send_due(self.desk, senders, job.settings)
        finally:
            job.close_senders(senders)
        if results:
            self.call_from_thread(self.tickets_changed, {r.ticket_number for r in results})

    def _stop_outbox(self, problem: str) -> None:
        """Broken delivery settings: say so once and stop trying until the next start."""
        self._outbox_timer.stop()
        self.notify(problem, title=_("Outbox"), severity="warning", markup=False, timeout=10)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.worker_failed(event.worker)

    def worker_failed(self, worker: Worker) -> None:
        """A failed worker becomes one notice, in words (tui/errors.py).

        Worker.StateChanged does not bubble: BaseScreen forwards its screens' failures here.
        """
        text = describe(worker.error, self.desk.regulation)
        self.notify(text, title=_("Something went wrong"), severity="error", markup=False, timeout=8)

    def on_unmount(self) -> None:
        self.viewers.cleanup()
        if self.watcher is not None:
            self.watcher.close()
        with self._beat_lock:
            self._place = None
            if self.keeps_marks:
                presence.leave(self.app_id)  # a clean exit: the others see this app gone at once

    # --- palette ------------------------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's system commands, in the current language (quitting and the help are keys: the
        palette offers them with the screen's)."""
        yield SystemCommand(_("Theme"), _("Change the colour theme"), self.action_change_theme)
        yield SystemCommand(
            _("Screenshot"), _("Save an SVG screenshot of the screen"), lambda: self.set_timer(0.1, self.deliver_screenshot)
        )
