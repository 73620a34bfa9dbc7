"""What an agent is told about support for a request being registered: whether its product is
still supported (regulation 1.1), and when support takes the request up (regulation 1.3).
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from babel.dates import format_date
from textual.content import Content

from helpdesk.data.rules.regulation import ProductSpec, Regulation
from helpdesk.tui.i18n import _, current_language
from helpdesk.tui.text import literal
from helpdesk.tui.timefmt import day_and_time, in_duration, working_duration


def product_label(product: ProductSpec) -> Content:
    """"Fenix+ 3", or "Fenix+ (support ended 31.12.2021)" with the end date stressed."""
    name = literal(product.name, single_line=True)
    if product.support_ends is None:
        return name
    ended = _("support ended {date}").format(date=format_date(product.support_ends, "dd.MM.yyyy", locale=current_language()))
    return Content.assemble(name, Content.styled(f" ({ended})", "$text-warning"))


def taken_up_text(regulation: Regulation, number: int, now: datetime, due_at: datetime | None,
                  agent_tz: tzinfo | None = None) -> str:
    """What the agent is told after saving: the number, and when support takes the request up."""
    calendar = regulation.calendar
    tz = regulation.timezone

    def at(moment: datetime) -> str:
        text = day_and_time(moment, tz, now)
        if agent_tz is not None and moment.astimezone(agent_tz).utcoffset() != moment.astimezone(tz).utcoffset():
            text += f" / {day_and_time(moment, agent_tz, now)}"
        return text

    created = _("Ticket #{number} created.").format(number=number)
    if calendar.is_open(now):
        state = _("Support is open: the ticket is taken up now.")
        if due_at is not None:
            left = working_duration(calendar.working_time_between(now, due_at))
            state += " " + _("First response due {when}, in {duration} of working time.").format(when=at(due_at), duration=left)
        return f"{created} {state}"
    start = calendar.upcoming_window(now).start
    state = _("Support is closed now: the ticket will be taken up {when}, {countdown}.").format(
        when=at(start), countdown=in_duration(start - now))
    return f"{created} {state}"
