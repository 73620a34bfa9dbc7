"""The thread view's head: the ticket's facts and its working-time countdown.

The facts change only when the ticket is reloaded; the countdown re-renders from the App's
tick (``HelpdeskApp.now_tick``, once a minute; each second in the last minute before the ticket
falls due or is taken up, when it counts seconds) using the summary it already holds, with no
database call.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from babel.dates import format_date
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from helpdesk.data.rules import statuses as st
from helpdesk.data.read.queue import countdown as queue_countdown
from helpdesk.data.rules.regulation import Regulation
from helpdesk.data.read.views import TicketSummary
from helpdesk.data.rules.working_hours import WorkingCalendar
from helpdesk.tui.i18n import _, current_language
from helpdesk.tui.labels import channel_label, flag_label, priority_label, scope_label, status_label
from helpdesk.tui.text import literal
from helpdesk.tui.timefmt import SECONDS_SHOWN, day_and_time, in_countdown, working_duration

@dataclass(frozen=True)
class Countdown:
    state: str  # pending / ok / near / overdue / paused / stale / done
    text: str
    seconds: bool = False  # within a minute of a change: the words count seconds


def _at(at: datetime, tz: tzinfo, agent_tz: tzinfo | None, now: datetime) -> str:
    text = day_and_time(at, tz, now)
    if agent_tz is not None and at.astimezone(agent_tz).utcoffset() != at.astimezone(tz).utcoffset():
        text = f"{text} / {day_and_time(at, agent_tz, now)}"
    return text


def ticket_countdown(
    ticket: TicketSummary, calendar: WorkingCalendar, now: datetime, agent_tz: tzinfo | None = None,
    *, stale_days: int = 5,
) -> Countdown:
    """Where the ticket stands against the regulation's clock, in words.

    The computation is the queue's (``data.queue.countdown``, which reads the same fields from a
    TicketSummary as from a queue row), so both screens always agree; the header has room for a
    longer sentence than the queue's cell.
    """
    tz = calendar.tz
    cd = queue_countdown(ticket, calendar, now, stale_days=stale_days)
    if cd.kind == "done":
        return Countdown("done", _("{status} {when}: no target runs").format(
            status=status_label(ticket.status), when=_at(ticket.updated_at, tz, agent_tz, now)))
    if cd.kind == "waiting":
        text = _("Waiting for the customer since {when}: the working-time clock is paused").format(
            when=_at(cd.at, tz, agent_tz, now))
        if cd.state == "-stale":
            text += " · " + _("waiting too long")
        return Countdown("stale" if cd.state == "-stale" else "paused", text)
    if cd.kind == "starts":
        return Countdown("pending", _("Received out of hours: taken up {when}, {countdown}").format(
            when=_at(cd.at, tz, agent_tz, now), countdown=in_countdown(cd.left)), cd.left <= SECONDS_SHOWN)
    if cd.kind == "waited":
        return Countdown("ok", _("Waited {duration} of working time").format(duration=working_duration(cd.left)))
    target = _("First response") if ticket.first_response_at is None else _("Resolution")
    if cd.kind == "due":
        last_minute = cd.left <= SECONDS_SHOWN and calendar.is_open(now)  # working time runs as the clock does
        left = _("{n} s").format(n=max(1, int(cd.left.total_seconds()))) if last_minute and cd.left < SECONDS_SHOWN \
            else working_duration(cd.left)
        text = _("{target} due in {duration} of working time, {when}").format(
            target=target, duration=left, when=_at(cd.at, tz, agent_tz, now))
        if ticket.first_response_at is None:
            text += " · " + _("waited {duration}").format(duration=working_duration(cd.waited))
        return Countdown("near" if cd.state == "-soon" else "ok", text, last_minute)
    if cd.left < timedelta(minutes=1):  # overdue since Friday 17:00 is no working time on Monday 08:00
        return Countdown("overdue", _("{target} overdue since {when}").format(
            target=target, when=_at(cd.at, tz, agent_tz, now)))
    return Countdown("overdue", _("{target} overdue by {duration} of working time (was due {when})").format(
        target=target, duration=working_duration(cd.left), when=_at(cd.at, tz, agent_tz, now)))


def support_end_text(ticket: TicketSummary) -> str:
    if ticket.support_ends is None:
        return _("support ended")
    return _("support ended {date}").format(date=format_date(ticket.support_ends, "dd.MM.yyyy", locale=current_language()))


def facts_lines(
    ticket: TicketSummary, regulation: Regulation, telegram: str | None = None
) -> tuple[Content, Content, Content]:
    """(number and subject, customer/product/channel, status/assignee/priority/flags/scope)."""
    title = Content.assemble(
        Content.styled(f"#{ticket.number} ", "bold $text-accent"),
        literal(ticket.subject, single_line=True, style="bold"),
    )
    sep = Content.styled(" · ", "dim")
    who: list[Content] = [literal(ticket.customer_name or _("(no name)"), single_line=True, style="bold")]
    if ticket.customer_email:
        who.append(Content(" <"))
        who.append(literal(ticket.customer_email, single_line=True))
        who.append(Content(">"))
    elif telegram:
        who.append(Content(" (Telegram "))
        who.append(literal(telegram, single_line=True))
        who.append(Content(")"))
    if ticket.customer_phone:  # to call back a request taken by phone or at a visit
        who.append(Content(" " + _("tel.") + " "))
        who.append(literal(ticket.customer_phone, single_line=True))
    who.append(sep)
    if ticket.product:
        who.append(literal(ticket.product, single_line=True))
        if "support_ended" in ticket.flags:
            who.append(Content.styled(" (" + support_end_text(ticket) + ")", "bold $text-warning"))
    else:
        who.append(Content.styled(_("product not set"), "italic $text-warning"))
    who.append(sep)
    who.append(Content(channel_label(ticket.channel)))
    state: list[Content] = [Content.styled(status_label(ticket.status), f"bold reverse {_status_colour(ticket.status)}")]
    state.append(sep)
    if ticket.assignee:
        state.append(Content(_("assignee") + ": "))
        state.append(literal(ticket.assignee, single_line=True))
    else:
        state.append(Content.styled(_("unassigned"), "italic"))
    state.append(sep)
    state.append(Content(_("priority") + ": " + priority_label(ticket.priority)))
    for flag in ticket.flags:
        if flag == "support_ended":
            continue  # shown with the product
        state.append(sep)
        state.append(Content.styled("⚑ " + flag_label(flag), "$text-warning"))
    state.append(sep)
    if ticket.scope:
        category = regulation.scope_category(ticket.scope)
        label = scope_label(regulation, ticket.scope)
        if category is not None and not category.in_scope:
            state.append(Content.styled(_("out of scope") + ": ", "bold $text-error"))
        state.append(literal(label, single_line=True))
    else:
        state.append(Content.styled(_("scope not set"), "italic"))
    return title, Content.assemble(*who), Content.assemble(*state)


def _status_colour(status: str) -> str:
    return {
        st.NEW: "$primary",
        st.OPEN: "$accent",
        st.WAITING: "$secondary",
        st.RESOLVED: "$success",
        st.CLOSED: "$success",
        st.REJECTED: "$error",
    }.get(status, "$primary")


class TicketFacts(Vertical):
    """Four lines: title; customer, product, channel; state; countdown."""

    DEFAULT_CSS = """
    TicketFacts {
        height: auto;
        padding: 0 1;
        background: $boost;
    }
    TicketFacts > Static {
        width: 1fr;
        height: auto;
    }
    /* One line each (the scope category, the longest, comes last); the countdown may wrap. */
    TicketFacts #facts-title, TicketFacts #facts-who, TicketFacts #facts-state {
        height: 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    TicketFacts #facts-countdown.-pending { color: $text-warning; }
    TicketFacts #facts-countdown.-ok { color: $text-success; }
    TicketFacts #facts-countdown.-near { color: $text-warning; text-style: bold; }
    TicketFacts #facts-countdown.-overdue { color: $text-error; text-style: bold; }
    TicketFacts #facts-countdown.-paused { color: $text-muted; }
    TicketFacts #facts-countdown.-stale { color: $text-warning; }
    TicketFacts #facts-countdown.-done { color: $text-muted; }
    """

    STATES = ("pending", "ok", "near", "overdue", "paused", "stale", "done")

    def __init__(self, *, id: str | None = "ticket-facts") -> None:
        super().__init__(id=id)
        self.ticket: TicketSummary | None = None
        self._countdown_text = ""

    def on_unmount(self) -> None:
        if hasattr(self.app, "need_seconds"):
            self.app.need_seconds(self, False)

    def compose(self) -> ComposeResult:
        yield Static(Content.styled(_("Loading…"), "dim"), id="facts-title", markup=False)
        yield Static(id="facts-who", markup=False)
        yield Static(id="facts-state", markup=False)
        yield Static(id="facts-countdown", markup=False)

    def show(self, ticket: TicketSummary, regulation: Regulation, telegram: str | None = None) -> None:
        self.ticket = ticket
        title, who, state = facts_lines(ticket, regulation, telegram)
        self.query_one("#facts-title", Static).update(title)
        self.query_one("#facts-who", Static).update(who)
        self.query_one("#facts-state", Static).update(state)

    def tick(
        self, calendar: WorkingCalendar, now: datetime, agent_tz: tzinfo | None, stale_days: int = 5
    ) -> Countdown | None:
        if self.ticket is None:
            return None
        countdown = ticket_countdown(self.ticket, calendar, now, agent_tz, stale_days=stale_days)
        if hasattr(self.app, "need_seconds"):  # seconds in the last minute: the App ticks each second then
            self.app.need_seconds(self, countdown.seconds)
        label = self.query_one("#facts-countdown", Static)
        text = "◷ " + countdown.text
        if text != self._countdown_text:  # a tick that changes no word repaints nothing
            self._countdown_text = text
            label.update(Content(text))
        for state in self.STATES:
            label.set_class(state == countdown.state, f"-{state}")
        return countdown
