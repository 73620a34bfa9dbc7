"""The team in words: the notices an agent gets, who else is on a ticket, what changed under them.

Logins and subjects are untrusted: they reach the text only through ``tui.text.literal``.
Notices are plain strings for ``App.notify(..., markup=False)``; the rest is ``Content``.
"""

from __future__ import annotations

from typing import Iterable

from textual.content import Content

from helpdesk.data.read.views import EventView
from helpdesk.data.rules.regulation import Regulation
from helpdesk.data.team import activity
from helpdesk.data.team.activity import Notice
from helpdesk.data.team.presence import Here
from helpdesk.tui.labels import actor_label
from helpdesk.tui.i18n import N_, _, ngettext
from helpdesk.tui.text import literal
from helpdesk.tui.widgets.message_card import TimeContext, describe_event
from helpdesk.tui.timefmt import day_and_time

# More new tickets than this in one look are told as one notice ("12 new tickets").
NEW_TICKETS_ONE_BY_ONE = 3


def plain(text: str | None) -> str:
    """Untrusted text on one line, safe for a notice."""
    return literal(text, single_line=True).plain


def notice_text(notice: Notice) -> tuple[str, str]:
    """(title, message) of one notice."""
    number, subject, actor = notice.number, plain(notice.subject), plain(notice.actor)
    if notice.kind == activity.NEW_TICKET:
        return _("New ticket"), f"#{number} {subject}"
    if notice.kind == activity.CUSTOMER_ANSWER:
        return _("The customer answered"), f"#{number} {subject}"
    if notice.kind == activity.ASSIGNED_TO_YOU:
        return _("Assigned to you"), _("{actor} assigned #{number} to you: {subject}").format(
            actor=actor, number=number, subject=subject)
    if notice.assignee == notice.actor:
        text = _("{actor} took #{number}: {subject}")
    elif notice.assignee is None:
        text = _("{actor} unassigned #{number}: {subject}")
    else:
        text = _("{actor} assigned #{number} to {assignee}: {subject}")
    return _("Your ticket was taken"), text.format(
        actor=actor, number=number, subject=subject, assignee=plain(notice.assignee))


def notice_texts(found: activity.Activity) -> list[tuple[str, str]]:
    """The notices of one look, new tickets summed up when there are many."""
    new = [n for n in found.notices if n.kind == activity.NEW_TICKET]
    texts = []
    if len(new) > NEW_TICKETS_ONE_BY_ONE or (new and found.more):
        count = len(new)
        text = ngettext("{n} new ticket", "{n} new tickets", count).format(n=count)
        if found.more:
            text += " " + _("and more")
        texts.append((_("New tickets"), text))
    else:
        texts += [notice_text(n) for n in new]
    texts += [notice_text(n) for n in found.notices if n.kind != activity.NEW_TICKET]
    return texts


def presence_line(here: Iterable[Here]) -> Content:
    """"Also here: bob · carol writing a reply" for the agents on one ticket (empty: nobody)."""
    composing: dict[str, str | None] = {}
    for h in here:
        composing[h.agent] = composing.get(h.agent) or h.composing  # two sessions: writing in either
    if not composing:
        return Content("")
    parts = []
    for agent, kind in sorted(composing.items()):
        name = literal(agent, single_line=True, style="bold")
        if kind == "reply":
            parts.append(name + Content(" " + _("writing a reply")))
        elif kind == "note":
            parts.append(name + Content(" " + _("writing a note")))
        else:
            parts.append(name)
    return Content(_("Also here: ")) + Content(" · ").join(parts)


# The message events describe_event leaves to the cards, as a change: "alice replied to the customer".
MESSAGE_CHANGES = {
    "reply": N_("replied to the customer"),
    "note": N_("added an internal note"),
    "customer_message": N_("wrote"),
    "notice": N_("sent an automatic message"),
    "created": N_("created the ticket"),
}


def change_line(event: EventView, regulation: Regulation, times: TimeContext) -> Content:
    """One change since the agent's read, who and when: "alice: status: Open → Waiting for customer, 06:33"."""
    when = Content.styled(", " + day_and_time(event.created_at, times.support_tz, times.now), "dim")
    described = describe_event(event, regulation)
    if described is not None:
        return described + when
    actor = actor_label(event.actor)
    return literal(actor, single_line=True, style="bold") + Content(" " + _(MESSAGE_CHANGES[event.action])) + when
