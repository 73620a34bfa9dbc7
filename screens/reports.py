"""Reports for a period (``ReportsScreen``): the figures, a chart per day, breakdowns, CSV export.

The report is ``data.reports.build_report`` (the same numbers ``helpdesk report`` prints), built
in a thread worker. The period is typed as two dates (Enter shows it) or chosen with keys: ``w``
this week, ``m`` this month, ``[`` / ``]`` the period before / after. ``x`` writes the CSV
(``data.reports.report_csv``) into the current directory, never over an existing file.

When tickets change (anyone's write, another agent's process, an import of a thousand mails)
the report is rebuilt once the changes pause for ``SETTLE_SECONDS``: each change seen restarts
the wait. Meanwhile the screen keeps the figures it shows, with a quiet "updating…" beside the
period; a screen under another one rebuilds when it is shown again.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Callable

from dateutil.relativedelta import MO, relativedelta

from textual import on, work
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Label, Sparkline, Static
from textual.worker import get_current_worker

from helpdesk.data.read import reports
from helpdesk.data.core.errors import HelpdeskError, ValidationError
from helpdesk.data.rules.desk import Desk
from helpdesk.tui.errors import describe
from helpdesk.tui.i18n import N_, _
from helpdesk.tui.keys import NAVIGATION, PERIOD
from helpdesk.tui.messages import TicketsChanged
from helpdesk.tui.report_format import breakdown_sections, shorten, summary_rows
from helpdesk.tui.screen_base import BaseScreen
from helpdesk.tui.text import literal
from helpdesk.tui.stylesheets import stylesheet

BAR_WIDTH = 24
LABEL_WIDTH = 30
# Changes come in bursts (a reply is several writes; an import stores hundreds): rebuild once
# they have paused this long, not after each.
SETTLE_SECONDS = 2.0

Builder = Callable[[Desk, date, date], reports.Report]


def default_period(today: date) -> tuple[date, date]:
    """The last 30 days, today included."""
    return today - timedelta(days=29), today


def week_of(today: date) -> tuple[date, date]:
    start = today + relativedelta(weekday=MO(-1))
    return start, start + timedelta(days=6)


def month_of(today: date) -> tuple[date, date]:
    start = today + relativedelta(day=1)
    return start, start + relativedelta(months=1, days=-1)


def shifted(start: date, end: date, direction: int) -> tuple[date, date]:
    """The period of the same length just before (-1) or after (+1); whole months stay months."""
    if start.day == 1 and (end + timedelta(days=1)).day == 1:
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        first = start + relativedelta(months=months * direction)
        return first, first + relativedelta(months=months, days=-1)
    length = (end - start).days + 1
    delta = timedelta(days=length * direction)
    return start + delta, end + delta


def free_path(directory: Path, name: str) -> Path:
    """``name`` in ``directory``, or ``name (1)``, ``name (2)``... if taken."""
    path = directory / name
    stem, suffix = path.stem, path.suffix
    n = 1
    while path.exists():
        path = directory / f"{stem} ({n}){suffix}"
        n += 1
    return path


def bar_lines(rows, total_width: int = BAR_WIDTH) -> list[Content]:
    """One line per (label, BreakdownRow): the label, a bar scaled to the largest count, the counts."""
    peak = max((row.received for _, row in rows), default=0) or 1
    lines = []
    for label, row in rows:
        filled = round(row.received / peak * total_width)
        if row.received and not filled:
            filled = 1
        lines.append(Content.assemble(
            literal(shorten(label, LABEL_WIDTH), single_line=True).truncate(LABEL_WIDTH, pad=True),
            Content(" "),
            Content.styled("█" * filled, "$primary"),
            Content(" " * (total_width - filled + 1)),
            Content(f"{row.received:>4}"),
            Content.styled(" " + _("closed {n}").format(n=row.closed), "dim"),
        ))
    return lines


class ReportsScreen(BaseScreen):
    """A period, its figures, a chart of each day, breakdowns; export to CSV."""

    HELP_TITLE = N_("Reports")
    MAIN_WIDGET = "#report-body"
    MAIN_WIDGET_LABEL = N_("Back to the report")

    CSS_PATH = stylesheet("reports.tcss")

    BINDINGS = [
        Binding("escape", "back", N_("Back"), tooltip=N_("Back to the previous screen"), id="reports.back",
                group=NAVIGATION),
        Binding("w", "this_week", N_("Week"), tooltip=N_("Report on this week"), id="reports.week", group=PERIOD),
        Binding("m", "this_month", N_("Month"), tooltip=N_("Report on this month"), id="reports.month", group=PERIOD),
        Binding("[", "shift(-1)", N_("Earlier"), tooltip=N_("The period before this one"), id="reports.earlier",
                show=False, group=PERIOD),
        Binding("]", "shift(1)", N_("Later"), tooltip=N_("The period after this one"), id="reports.later",
                show=False, group=PERIOD),
        Binding("f", "edit_period", N_("Period"), tooltip=N_("Type the dates of the period"), id="reports.period",
                group=PERIOD),
        Binding("x", "export_csv", N_("CSV"), tooltip=N_("Save the report as a CSV file in the current directory"),
                id="reports.export"),
    ]

    class Built(Message):
        def __init__(self, report: reports.Report) -> None:
            super().__init__()
            self.report = report

    class Failed(Message):
        def __init__(self, error: HelpdeskError) -> None:
            super().__init__()
            self.error = error

    class Exported(Message):
        def __init__(self, path: Path | None, error: str | None = None) -> None:
            super().__init__()
            self.path = path
            self.error = error

    def __init__(
        self,
        date_from: date | None = None,
        date_to: date | None = None,
        *,
        export_dir: Path | None = None,
        builder: Builder | None = None,
        settle_seconds: float = SETTLE_SECONDS,
    ):
        super().__init__()
        self._initial = (date_from, date_to)
        self.export_dir = export_dir
        self.report: reports.Report | None = None
        self._builder: Builder = builder or reports.build_report
        self._settle_seconds = settle_seconds
        self._settle_timer: Timer | None = None
        self._behind = False  # tickets changed while another screen was on top

    def compose_body(self):
        with Vertical(id="report-main"):
            with Horizontal(id="report-period"):
                yield Label(Content(_("From")), classes="report-period-label", markup=False)
                yield Input(id="report-from", placeholder="2026-01-01", compact=True, max_length=10)
                yield Label(Content(_("to")), classes="report-period-label", markup=False)
                yield Input(id="report-to", placeholder="2026-01-31", compact=True, max_length=10)
                yield Label(id="report-period-error", markup=False)
                yield Label(id="report-updating", markup=False)
            with VerticalScroll(id="report-body", can_focus=True):
                yield Static(id="report-summary", markup=False)
                yield Label(id="report-received-title", classes="report-chart-title", markup=False)
                yield Sparkline([], id="report-received")
                yield Label(id="report-closed-title", classes="report-chart-title", markup=False)
                yield Sparkline([], id="report-closed")
                yield Label(id="report-axis", markup=False)
                yield Static(id="report-breakdown", markup=False)

    def on_mount(self) -> None:
        today = self._today()
        start, end = self._initial
        if start is None or end is None:
            start, end = default_period(today)
        self._set_period(start, end)
        self.query_one("#report-body").focus()
        self.build()

    def _today(self) -> date:
        return self.app.now().astimezone(self.app.desk.regulation.timezone).date()

    # --- the period -----------------------------------------------------------------------

    def _set_period(self, start: date, end: date) -> None:
        self.query_one("#report-from", Input).value = start.isoformat()
        self.query_one("#report-to", Input).value = end.isoformat()

    def period(self) -> tuple[date, date]:
        """The typed dates; ValidationError names the field that is wrong."""
        start = reports.parse_day(self.query_one("#report-from", Input).value, "from")
        end = reports.parse_day(self.query_one("#report-to", Input).value, "to")
        return start, end

    def _period_or_none(self) -> tuple[date, date] | None:
        try:
            return self.period()
        except ValidationError:
            return None

    def build(self) -> None:
        """Build the report of the typed period now (the agent asked for it)."""
        self._stop_settling()
        try:
            start, end = self.period()
        except ValidationError as error:
            self._show_period_error(error)
            return
        self._show_period_error(None)
        self.query_one("#report-summary", Static).update(Content.styled(_("Counting…"), "dim italic"))
        self.build_report(start, end)

    def _show_period_error(self, error: HelpdeskError | None) -> None:
        fields = {"from": "#report-from", "to": "#report-to"}
        for selector in fields.values():
            self.query_one(selector).remove_class("-error")
        label = self.query_one("#report-period-error", Label)
        if error is None:
            label.update(Content(""))
            return
        if isinstance(error, ValidationError) and error.field in fields:
            self.query_one(fields[error.field]).add_class("-error")
        label.update(Content(describe(error)))

    @on(Input.Submitted, "#report-from, #report-to")
    def _period_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "report-from":
            self.query_one("#report-to", Input).focus()
        else:
            self.query_one("#report-body").focus()
        self.build()

    # --- building -------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="report-load", exit_on_error=False, description="build a report")
    def build_report(self, start: date, end: date) -> None:
        try:
            report = self._builder(self.app.desk, start, end)
        except HelpdeskError as error:
            if not get_current_worker().is_cancelled:
                self.post_message(self.Failed(error))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.Built(report))

    def on_reports_screen_failed(self, message: Failed) -> None:
        self._show_updating(False)
        self._show_period_error(message.error)
        self.query_one("#report-summary", Static).update(Content(""))

    def on_reports_screen_built(self, message: Built) -> None:
        self._show_updating(False)
        self.report = report = message.report
        rows = summary_rows(report)
        width = max(len(label) for label, _value in rows)
        summary = [
            Content.styled(
                _("Report {start} - {end}").format(start=report.date_from.isoformat(), end=report.date_to.isoformat()),
                "bold",
            )
        ]
        summary += [Content.assemble(Content(label.ljust(width) + "  "), Content.styled(value, "bold")) for label, value in rows]
        self.query_one("#report-summary", Static).update(Content("\n").join(summary))

        received = [d.received for d in report.daily]
        closed = [d.closed for d in report.daily]
        self.query_one("#report-received", Sparkline).data = received
        self.query_one("#report-closed", Sparkline).data = closed
        self.query_one("#report-received-title", Label).update(Content(
            _("Received per day (most in a day: {n})").format(n=max(received, default=0))))
        self.query_one("#report-closed-title", Label).update(Content(
            _("Closed per day (most in a day: {n})").format(n=max(closed, default=0))))
        first, last = report.date_from.isoformat(), report.date_to.isoformat()
        axis_width = max(len(first) + len(last) + 1, self.query_one("#report-received").size.width or 0)
        self.query_one("#report-axis", Label).update(Content.styled(first + last.rjust(axis_width - len(first)), "dim"))

        lines: list[Content] = []
        for title, items in breakdown_sections(report, self.app.desk.regulation):
            lines.append(Content(""))
            lines.append(Content.styled(title, "bold"))
            if items:
                lines += bar_lines(items)
            else:
                lines.append(Content.styled(_("  nothing in this period"), "dim"))
        self.query_one("#report-breakdown", Static).update(Content("\n").join(lines))
        self.refresh_bindings()

    # --- rebuilding after changes ----------------------------------------------------------

    def on_tickets_changed(self, message: TicketsChanged) -> None:
        """A change restarts the wait; the report is rebuilt when changes pause."""
        if self._period_or_none() is None:
            return  # the agent is typing a period: Enter builds it
        self._stop_settling()
        self._show_updating(True)
        self._settle_timer = self.set_timer(self._settle_seconds, self.changes_settled, name="report-settle")

    def changes_settled(self) -> None:
        """The changes have paused: rebuild the figures shown (the timer calls it)."""
        self._settle_timer = None
        if not self._in_sight():
            self._behind = True  # rebuilt when shown again
            return
        period = self._period_or_none()
        if period is None:
            self._show_updating(False)
            return
        self.build_report(*period)

    def _in_sight(self) -> bool:
        """On top, or under dialogs only (a modal leaves it in sight; another screen does not)."""
        stack = self.app.screen_stack
        return self in stack and all(screen.is_modal for screen in stack[stack.index(self) + 1:])

    def on_screen_resume(self) -> None:
        if self._behind:
            self._behind = False
            self.changes_settled()

    def _stop_settling(self) -> None:
        if self._settle_timer is not None:
            self._settle_timer.stop()
            self._settle_timer = None

    def _show_updating(self, updating: bool) -> None:
        hint = Content.styled(_("updating…"), "dim italic") if updating else Content("")
        self.query_one("#report-updating", Label).update(hint)

    # --- keys -----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        typing = isinstance(self.focused, Input)
        if action in ("this_week", "this_month", "shift", "edit_period", "export_csv") and typing:
            return False  # the letters go into the date field
        if action == "export_csv":
            return self.report is not None
        return True

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def on_descendant_blur(self) -> None:
        self.refresh_bindings()

    def action_back(self) -> None:
        # Escape in a date field only leaves the field (the App's leave_field, tui/screen_base.py).
        if self.app.screen is self and len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def action_this_week(self) -> None:
        self._set_period(*week_of(self._today()))
        self.build()

    def action_this_month(self) -> None:
        self._set_period(*month_of(self._today()))
        self.build()

    def action_shift(self, direction: int) -> None:
        period = self._period_or_none()
        if period is None:
            self.build()  # shows what is wrong with the dates
            return
        self._set_period(*shifted(*period, direction))
        self.build()

    def action_edit_period(self) -> None:
        self.query_one("#report-from", Input).focus()

    def action_export_csv(self) -> None:
        if self.report is not None:
            self.export_csv(self.report)

    @work(thread=True, exclusive=True, group="report-export", exit_on_error=False, description="export a report")
    def export_csv(self, report: reports.Report) -> None:
        directory = self.export_dir or Path.cwd()
        name = f"report_{report.date_from.isoformat()}_{report.date_to.isoformat()}.csv"
        try:
            path = free_path(directory, name)
            with open(path, "x", encoding="utf-8", newline="") as handle:
                handle.write(reports.report_csv(report))
        except OSError as error:
            self.post_message(self.Exported(None, describe(error)))
        else:
            self.post_message(self.Exported(path))

    def on_reports_screen_exported(self, message: Exported) -> None:
        if message.path is None:
            self.notify(message.error or "", title=_("Not saved"), severity="error", markup=False)
        else:
            self.notify(_("Report saved: {path}").format(path=message.path), markup=False)
