"""The header every screen shows: is support open, and a live countdown to the next change.

"Open - closes in 1 h 12 min, 18:00 MSK" (success colour) or "Closed - opens Mon 09:00 MSK,
in 2 d 14 h 05 min" (warning colour), with the agent's own clock time added when the agent's
time zone differs from support's. It re-renders from the App's tick
(``HelpdeskApp.now_tick``, once a minute; each second in the last minute before a change, when
it counts seconds: "closes in 42 s"), never from the database. A second, optional line carries facts
the screen sets (``facts``).
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Label

from helpdesk.data.rules.working_hours import WorkingCalendar
from helpdesk.tui.i18n import _
from helpdesk.tui.text import literal
from helpdesk.tui.timefmt import SECONDS_SHOWN, support_state


class SupportHeader(Widget):
    """Support state and countdown, the acting agent, and an optional facts line."""

    DEFAULT_CSS = """
    SupportHeader {
        dock: top;
        height: auto;
        background: $panel;
    }
    SupportHeader #header-top {
        height: 1;
    }
    SupportHeader #support-state {
        width: 1fr;
        height: 1;
        padding: 0 1;
        text-style: bold;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    SupportHeader.-open #support-state {
        background: $success-muted;
        color: $text-success;
    }
    SupportHeader.-closed #support-state {
        background: $warning-muted;
        color: $text-warning;
    }
    SupportHeader #header-agent {
        width: auto;
        height: 1;
        padding: 0 1;
        color: $text-muted;
    }
    SupportHeader #header-facts {
        width: 1fr;
        height: 1;
        padding: 0 1;
        color: $text-muted;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    SupportHeader #header-facts.-empty {
        display: none;
    }
    """

    facts: reactive[Content | None] = reactive(None, layout=True)
    """The screen's facts line (its own Content; untrusted parts through tui.text.literal)."""

    def __init__(self, *, id: str | None = "support-header", classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._state_text = ""

    def compose(self) -> ComposeResult:
        with Horizontal(id="header-top"):
            yield Label(id="support-state", markup=False)
            yield Label(id="header-agent", markup=False)
        yield Label(id="header-facts", markup=False, classes="-empty")

    def on_mount(self) -> None:
        app = self.app
        agent = getattr(getattr(app, "desk", None), "agent", "")
        self.query_one("#header-agent", Label).update(literal(agent, single_line=True))
        self.query_one("#header-agent", Label).tooltip = _("The agent you act as (--as LOGIN)")
        self.watch_facts(self.facts)
        if hasattr(app, "now_tick"):
            self.watch(app, "now_tick", self._on_tick, init=True)
        else:  # pragma: no cover - a bare App in a widget test
            self.tick()

    def on_unmount(self) -> None:
        if hasattr(self.app, "need_seconds"):
            self.app.need_seconds(self, False)

    def _on_tick(self, now: datetime | None) -> None:
        self.tick(now)

    def tick(self, now: datetime | None = None) -> None:
        """Re-render the state and countdown for ``now`` (default: the App's clock)."""
        app = self.app
        desk = getattr(app, "desk", None)
        if desk is None:
            return
        now = now or app.now()
        calendar: WorkingCalendar = desk.calendar
        agent_tz: tzinfo | None = getattr(app, "agent_tz", None)
        is_open = calendar.is_open(now)
        text = support_state(calendar, now, agent_tz)
        # In the last minute before support opens or closes the countdown counts seconds: the
        # App ticks each second then, and only then.
        if hasattr(app, "need_seconds"):
            app.need_seconds(self, calendar.changes_at(now) - now <= SECONDS_SHOWN)
        self.set_class(is_open, "-open")
        self.set_class(not is_open, "-closed")
        if text != self._state_text:
            self._state_text = text
            marker = "● " if is_open else "○ "
            # One line of a fixed width whatever the words: no layout pass (it would repaint
            # every scroll bar on the screen).
            self.query_one("#support-state", Label).update(Content(marker + text), layout=False)

    @property
    def state_text(self) -> str:
        """The support state as last rendered (for tests and the palette)."""
        return self._state_text

    def watch_facts(self, facts: Content | None) -> None:
        if not self.is_mounted:
            return
        label = self.query_one("#header-facts", Label)
        label.update(facts or "")
        label.set_class(not facts, "-empty")
