"""The terminal app: the desk, the screens and the outbox job come in through ``__init__``
(composed by helpdesk.tui.cli.compose); the queue is the base screen.

One ``set_interval`` drives everything that moves on its own:

* every second ``now_tick`` is set from the injected clock (the header and countdown cells
  re-render from it, with no database call);
* every second a thread worker asks ``data.changes.ChangeWatcher`` whether another process
  committed; if so the App sends ``TicketsChanged`` to every screen, which reload themselves.

Sending the outbox belongs to ``helpdesk outbox send --watch``; an app is given an OutboxJob
only when the settings ask for it (``[outbox] send_from_app = true``), and then a worker sends
what is due every ``job.seconds`` through the senders the job makes.

After its own writes a screen posts ``TicketsChanged`` to the App, which fans it out the same way.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Callable, Iterable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.reactive import var
from textual.screen import Screen
from textual.worker import Worker, WorkerState, get_current_worker

from helpdesk.data.core.config import ConfigError, OutboxSettings
from helpdesk.data.delivery import outbox
from helpdesk.data.rules.desk import Desk
from helpdesk.data.store.changes import ChangeWatcher
from helpdesk.tui.commands import HelpdeskCommands
from helpdesk.tui.errors import describe
from helpdesk.tui.i18n import N_, _
from helpdesk.tui.messages import TicketsChanged
from helpdesk.tui.navigation import ScreenSet

STYLES_DIR = Path(__file__).with_name("styles")


@dataclass(frozen=True)
class OutboxJob:
    """Sending the outbox from the app: how to make the senders, the back-off, how often."""

    make_senders: Callable[[], dict[str, outbox.Sender]]
    close_senders: Callable[[dict[str, outbox.Sender]], None]
    settings: OutboxSettings
    seconds: float = 15.0


def style_paths() -> list[Path]:
    """app.tcss first, then one file per screen (whichever exist), so screens can add theirs."""
    paths = sorted(STYLES_DIR.glob("*.tcss"))
    return sorted(paths, key=lambda p: (p.name != "app.tcss", p.name))


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
    CSS_PATH = style_paths()
    COMMANDS = App.COMMANDS | {HelpdeskCommands}
    ENABLE_COMMAND_PALETTE = True

    BINDINGS = [
        Binding("ctrl+q", "quit", N_("Quit"), tooltip=N_("Quit the helpdesk"), id="app.quit", priority=True),
        Binding(
            "ctrl+p", "command_palette", N_("Commands"), show=False, priority=True,
            tooltip=N_("Search every command and key"), id="app.command_palette",
        ),
        Binding("f1", "toggle_keys", N_("Keys"), show=False, tooltip=N_("Show or hide all keys of this screen"), id="app.keys"),
        Binding("f2", "open_prepared_replies", N_("Replies"), show=False,
                tooltip=N_("Prepared replies: list, write, edit, delete"), id="app.prepared_replies"),
        Binding("f3", "open_reports", N_("Reports"), show=False,
                tooltip=N_("Reports for a period: figures, chart, CSV export"), id="app.reports"),
        Binding("f4", "open_quarantine", N_("Quarantine"), show=False,
                tooltip=N_("Mail that could not be read or stored: reasons, retry"), id="app.quarantine"),
    ]

    now_tick: var[datetime | None] = var(None)
    """The injected clock's time, refreshed every second (widgets watch it)."""

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
    ) -> None:
        super().__init__()
        self.desk = desk
        self.screens = screens
        self.agent_tz = agent_tz if agent_tz is not None else local_timezone()
        self.watcher: ChangeWatcher | None = ChangeWatcher.for_current_store() if watch_changes else None
        self._tick_seconds = tick_seconds
        self.outbox_job = outbox_job
        self._startup_notice = startup_notice
        self.now_tick = desk.now()

    # --- time -------------------------------------------------------------------------

    def now(self) -> datetime:
        """Now, from the injected clock (tests pass a FixedClock)."""
        return self.desk.now()

    def tick(self) -> None:
        """Advance ``now_tick`` to the clock's time (every second; tests call it directly)."""
        self.now_tick = self.now()

    # --- screens ------------------------------------------------------------------------

    def get_default_screen(self) -> Screen:
        return self.screens.queue()

    def on_mount(self) -> None:
        self.set_interval(self._tick_seconds, self._on_interval, name="tick")
        if self.outbox_job is not None:
            self._outbox_timer = self.set_interval(self.outbox_job.seconds, self.deliver_outbox, name="outbox")
        if self._startup_notice:
            self.notify(self._startup_notice, markup=False)

    def _on_interval(self) -> None:
        self.tick()
        if self.watcher is not None:
            self.poll_changes()

    def open_ticket(self, number: int, *, replace: bool = False) -> None:
        """Open the thread view of ticket ``number`` (``replace``: instead of this screen)."""
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
        self._open_once(self.screens.prepared_replies)

    def action_open_reports(self) -> None:
        """Open the reports screen."""
        self._open_once(self.screens.reports)

    def action_open_quarantine(self) -> None:
        """Open the quarantine of unreadable mail."""
        self._open_once(self.screens.quarantine)

    def action_command_palette(self) -> None:
        """The palette, with its prompt in the current language."""
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(id="--command-palette", placeholder=_("Search commands and keys…")))

    def action_toggle_keys(self) -> None:
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

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

    @work(thread=True, exclusive=True, group="changes", exit_on_error=False, description="poll for others' commits")
    def poll_changes(self) -> None:
        """Ask the store whether another connection committed; if so, tell the screens."""
        watcher = self.watcher
        if watcher is None or get_current_worker().is_cancelled:
            return
        if watcher.changed():
            self.call_from_thread(self.tickets_changed, (), external=True)

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
        if self.watcher is not None:
            self.watcher.close()

    # --- palette ------------------------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's system commands, in the current language."""
        yield SystemCommand(_("Theme"), _("Change the colour theme"), self.action_change_theme)
        yield SystemCommand(_("Quit"), _("Quit the helpdesk"), self.action_quit)
        if screen.query("HelpPanel"):
            yield SystemCommand(_("Keys"), _("Hide the keys panel"), self.action_hide_help_panel)
        else:
            yield SystemCommand(_("Keys"), _("Show all keys of this screen"), self.action_show_help_panel)
        yield SystemCommand(
            _("Screenshot"), _("Save an SVG screenshot of the screen"), lambda: self.set_timer(0.1, self.deliver_screenshot)
        )
